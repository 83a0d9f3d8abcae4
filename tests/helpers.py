"""Test helpers: a user's kernel client and small catalog accessors."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_client.session import Session


def names(catalog: dict[str, Any]) -> list[str]:
    return [v["name"] for v in catalog.get("variables", [])]


def entry(catalog: dict[str, Any], name: str) -> dict[str, Any]:
    for v in catalog.get("variables", []):
        if v["name"] == name:
            return v
    raise KeyError(name)


class UserClient:
    """A notebook user's connection to a kernel: its own session, and a record of all it receives."""

    def __init__(self, km: Any) -> None:
        self.km = km
        self.client = km.client(session=Session(key=km.session.key, username="user"))
        self.iopub: list[dict[str, Any]] = []
        self._reader: asyncio.Task[None] | None = None
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._shell_reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        await self.client.wait_for_ready(timeout=60)
        self._reader = asyncio.ensure_future(self._read_iopub())
        self._shell_reader = asyncio.ensure_future(self._read_shell())

    async def _read_iopub(self) -> None:
        while True:
            msg = await self.client.get_iopub_msg()
            self.iopub.append(msg)

    async def _read_shell(self) -> None:
        while True:
            msg = await self.client.get_shell_msg()
            future = self._replies.pop(msg["parent_header"].get("msg_id"), None)
            if future is not None and not future.done():
                future.set_result(msg)

    def submit(self, code: str) -> asyncio.Future[dict[str, Any]]:
        """Send an execute request as a notebook would; the future resolves with the reply."""
        msg_id = self.client.execute(code, store_history=True)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[msg_id] = future
        future.msg_id = msg_id  # type: ignore[attr-defined]
        return future

    async def run(self, code: str, timeout: float = 30) -> dict[str, Any]:
        """Execute and wait for the reply and the kernel's idle for this request."""
        future = self.submit(code)
        reply = await asyncio.wait_for(future, timeout)
        await self.wait_idle(future.msg_id, timeout)  # type: ignore[attr-defined]
        assert reply["content"]["status"] == "ok", reply["content"]
        return reply

    async def wait_idle(self, msg_id: str, timeout: float = 30) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for msg in self.iopub:
                if (
                    msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id
                ):
                    return
            await asyncio.sleep(0.01)
        raise AssertionError("kernel never went idle")

    def outputs_of(self, msg_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.iopub
            if m["parent_header"].get("msg_id") == msg_id
            and m["msg_type"] in ("stream", "execute_result", "display_data", "error")
        ]

    async def value(self, expression: str) -> str:
        """``text/plain`` of an expression, evaluated without touching history (like our watcher)."""
        msg_id = self.client.execute("", silent=True, store_history=False, user_expressions={"v": expression})
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[msg_id] = future
        reply = await asyncio.wait_for(future, 30)
        result = reply["content"]["user_expressions"]["v"]
        assert result["status"] == "ok", result
        return result["data"]["text/plain"]

    def stop(self) -> None:
        for task in (self._reader, self._shell_reader):
            if task is not None:
                task.cancel()
        self.client.stop_channels()


async def fetch_view(jp_fetch: Any, kernel_id: str, body: Any, patience: float = 30.0) -> Any:
    """POST a view and return the response. A 409 (the kernel is running a cell, or its catalog is being
    refreshed after one) is asked again, as the board does, for up to ``patience`` seconds."""
    import asyncio
    import json as _json
    import time as _time

    from tornado.httpclient import HTTPClientError

    deadline = _time.monotonic() + patience
    while True:
        try:
            return await jp_fetch(
                "symphony-lab", "api", "kernels", kernel_id, "views", method="POST", body=_json.dumps(body)
            )
        except HTTPClientError as exc:
            if exc.code != 409 or _time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
