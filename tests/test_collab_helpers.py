"""Helpers of the collaboration tests: real websocket clients of a board room (pycrdt on our side).

No tests here; the fixtures and clients are shared by test_collab*.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pycrdt import Channel, Doc, Map, Provider
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from symphony_lab.collab.format import BOARD_CONTENT_TYPE, BOARD_FORMAT, decode_annotation, plain


def server_config(root: Any, save_delay: float = 0.2) -> dict[str, Any]:
    """Server config with jupyter-collaboration and symphony-lab on, everything under the test root."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"symphony_lab": True, "jupyter_server_ydoc": True, "jupyter_server_fileid": True},
            "allow_root": True,
        },
        "SQLiteYStore": {"db_path": str(root / ".jupyter_ystore.db")},
        "BaseFileIdManager": {"root_dir": str(root), "db_path": str(root / ".fid.db"), "db_journal_mode": "OFF"},
        "YDocExtension": {"document_save_delay": save_delay, "document_cleanup_delay": 60.0},
        "SymphonyLabApp": {"reap_interval": 3600.0},
    }


def read_annotation(value: Any) -> dict[str, Any]:
    """An annotation as a client's Y document holds it (a JSON string), as plain data: the one way the
    collaboration tests read annotation values."""
    return plain(decode_annotation(value))


class TornadoChannel(Channel):
    """pycrdt's Channel over a tornado websocket client connection."""

    def __init__(self, conn: WebSocketClientConnection, path: str):
        self.conn = conn
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    async def send(self, message: bytes) -> None:
        await self.conn.write_message(message, binary=True)

    async def recv(self) -> bytes:
        message = await self.conn.read_message()
        if message is None:
            raise ConnectionError("closed")
        return bytes(message) if not isinstance(message, str) else message.encode()

    def __aiter__(self) -> TornadoChannel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.recv()
        except ConnectionError:
            raise StopAsyncIteration() from None


class BoardClient:
    """One browser's worth of a board: a pycrdt document synced through the server's room."""

    def __init__(self, doc: Doc, conn: WebSocketClientConnection, provider: Provider, task: asyncio.Task):
        self.doc = doc
        self.conn = conn
        self.provider = provider
        self.task = task

    @property
    def views(self) -> Map:
        return self.doc.get("views", type=Map)

    @property
    def state(self) -> Map:
        return self.doc.get("board", type=Map)

    @property
    def annotations(self) -> Map:
        """The raw Y map (values are JSON strings): for ``len``, ``in`` and forged writes. Read entries
        through ``annotation``/``notes``."""
        return self.doc.get("annotations", type=Map)

    def annotation(self, annotation_id: str) -> dict[str, Any] | None:
        value = self.annotations.get(annotation_id)
        return None if value is None else read_annotation(value)

    def notes(self) -> dict[str, dict[str, Any]]:
        return {k: read_annotation(v) for k, v in self.annotations.items()}

    def snapshot(self) -> dict[str, Any]:
        def py(m: Map) -> dict[str, Any]:
            return {k: (v.to_py() if isinstance(v, Map) else v) for k, v in m.items()}

        return {"views": py(self.views), "state": py(self.state), "annotations": self.notes()}

    async def close(self) -> None:
        self.conn.close()
        try:
            await asyncio.wait_for(self.task, 5)
        except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
            self.task.cancel()


async def open_session(fetch: Callable[..., Awaitable[Any]], path: str) -> dict[str, Any]:
    response = await fetch(
        "api",
        "collaboration",
        "session",
        path,
        method="PUT",
        body=json.dumps({"format": BOARD_FORMAT, "type": BOARD_CONTENT_TYPE}),
    )
    return json.loads(response.body)


async def connect_raw(port: int, base_url: str, session: dict[str, Any], headers: dict[str, str]) -> tuple[WebSocketClientConnection, str]:
    room = f"{session['format']}:{session['type']}:{session['fileId']}"
    url = f"ws://127.0.0.1:{port}{base_url.rstrip('/')}/api/collaboration/room/{room}?sessionId={session['sessionId']}"
    conn = await websocket_connect(HTTPRequest(url, headers=headers))
    return conn, room


async def connect_client(
    port: int, base_url: str, session: dict[str, Any], headers: dict[str, str], doc: Doc | None = None
) -> BoardClient:
    conn, room = await connect_raw(port, base_url, session, headers)
    doc = doc if doc is not None else Doc()
    provider = Provider(doc, TornadoChannel(conn, room))

    async def run() -> None:
        try:
            async with provider:
                while conn.protocol is not None and conn.close_code is None:
                    await asyncio.sleep(0.05)
        except BaseException as exc:  # the connection closed under the provider
            if isinstance(exc, asyncio.CancelledError):
                raise

    task = asyncio.create_task(run())
    return BoardClient(doc, conn, provider, task)


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
