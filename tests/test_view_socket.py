"""Views over the kernel's view socket (viewsocket.py): the same answers as ``POST .../views``, progress
streamed, cancelled by a message or by closing, clear errors for bad messages; on a real server and kernels."""

from __future__ import annotations

import asyncio
import json
import struct
import time
from typing import Any

import pytest

from symphony_lab import framing

from .test_views_transport import FRAME, SETUP, SLOW, decode, frames_kernel, post_view, server_timing  # noqa: F401


class ViewSocket:
    """The browser's end of the socket, as the request worker uses it."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.texts: list[dict[str, Any]] = []

    def ask(self, request_id: int, body: Any, framed: bool = False) -> None:
        self.ws.write_message(json.dumps({"id": request_id, "body": body, "framed": framed}))

    def cancel(self, request_id: int) -> None:
        self.ws.write_message(json.dumps({"id": request_id, "cancel": True}))

    async def next(self, timeout: float = 60) -> tuple[int, str, bytes] | dict[str, Any]:
        message = await asyncio.wait_for(self.ws.read_message(), timeout)
        assert message is not None, "the socket closed"
        if isinstance(message, str):
            return json.loads(message)
        request_id, kind = struct.unpack("<I", message[:4])[0], message[4:5].decode()
        return request_id, kind, message[5:]

    async def answer(self, request_id: int, timeout: float = 60) -> tuple[int, dict[str, str], bytes, list[bytes]]:
        """(status, headers, body, chunks before the end) of one request's answer, whole or streamed."""
        status, headers, chunks = 0, {}, []
        while True:
            message = await self.next(timeout)
            if isinstance(message, dict):
                self.texts.append(message)
                continue
            rid, kind, payload = message
            assert rid == request_id, (rid, kind)
            if kind == "W":
                length = struct.unpack("<I", payload[:4])[0]
                head = json.loads(payload[4 : 4 + length])
                return head["status"], dict(head["headers"]), payload[4 + length :], []
            if kind == "H":
                head = json.loads(payload)
                status, headers = head["status"], dict(head["headers"])
            elif kind == "C":
                chunks.append(payload)
            elif kind == "E":
                return status, headers, b"".join(chunks), chunks
            else:
                raise AssertionError(f"unknown kind {kind!r}")


async def open_socket(jp_ws_fetch: Any, kernel_id: str) -> ViewSocket:
    return ViewSocket(await jp_ws_fetch("symphony-lab", "api", "kernels", kernel_id, "views", "socket"))


BODIES = [
    {"component": "table", "variables": ["df"], "params": {"page_size": 200, "sort": "income"}},
    {"component": "summary", "variables": ["df"], "state": {"filter": [{"column": "age", "op": "range", "min": 30, "max": 40}]}},
]


@pytest.mark.parametrize("body", BODIES, ids=["table", "summary-filtered"])
async def test_the_socket_answers_as_the_http_route(frames_kernel, jp_fetch, jp_ws_fetch, body):
    kernel_id, _ = await frames_kernel()
    over_http = json.loads((await post_view(jp_fetch, kernel_id, body)).body)
    socket = await open_socket(jp_ws_fetch, kernel_id)
    # Framed (what the browser asks for): the same bytes the HTTP route sends, and a Server-Timing.
    socket.ask(1, body, framed=True)
    status, headers, payload, _ = await socket.answer(1)
    assert status == 200 and headers["Content-Type"] == framing.MEDIA_TYPE
    assert payload.startswith(framing.MAGIC)
    answer, progress = decode(payload)
    assert progress == [] and answer["data"] == over_http["data"]
    assert set(server_timing(headers["Server-Timing"])) >= {"wait", "total"}
    # JSON, when not framed: the HTTP route's JSON.
    socket.ask(2, body)
    status, headers, payload, _ = await socket.answer(2)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(payload)["data"] == over_http["data"]
    # Several at once on one socket: each answered under its own id.
    other = {"component": "table", "variables": ["df"], "params": {"page": 1}}
    socket.ask(7, other)
    socket.ask(8, body)
    seen = {}
    for _ in range(2):
        message = await socket.next()
        assert not isinstance(message, dict)
        seen[message[0]] = message[1]
    assert seen == {7: "W", 8: "W"}
    socket.ws.close()


async def test_bad_requests_and_bad_messages_get_clear_errors(frames_kernel, jp_ws_fetch):
    kernel_id, _ = await frames_kernel()
    socket = await open_socket(jp_ws_fetch, kernel_id)
    # A wrong parameter and a missing variable: the HTTP route's statuses and messages.
    socket.ask(1, {"component": "table", "variables": ["df"], "params": {"page": -1}}, framed=True)
    status, headers, payload, _ = await socket.answer(1)
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert "table.page" in json.loads(payload)["message"]
    socket.ask(2, {"component": "table", "variables": ["nope"]})
    status, _, payload, _ = await socket.answer(2)
    assert status == 404 and "nope" in json.loads(payload)["message"]
    socket.ask(3, {"component": "table", "variables": ["__import__('os')"]})
    status, _, payload, _ = await socket.answer(3)
    assert status == 400 and "identifier" in json.loads(payload)["message"]
    # Messages that are not requests: a text error each, and the socket goes on.
    for bad in ["not json", "[1]", json.dumps({"id": -1, "body": {}}), json.dumps({"id": "x"}), "x" * (1024 * 1024 + 1)]:
        socket.ws.write_message(bad)
        reply = await socket.next()
        assert isinstance(reply, dict) and reply["type"] == "error" and reply["message"]
    socket.ask(4, {"component": "table", "variables": ["df"]})
    status, _, _, _ = await socket.answer(4)
    assert status == 200
    socket.ws.close()


async def test_a_socket_on_an_unknown_kernel_answers_404(jp_ws_fetch):
    socket = await open_socket(jp_ws_fetch, "6f1c0bde-0000-4000-8000-000000000000")
    socket.ask(1, {"component": "table", "variables": ["df"]})
    status, _, payload, _ = await socket.answer(1)
    assert status == 404 and "No kernel" in json.loads(payload)["message"]
    socket.ws.close()


@pytest.mark.parametrize("how", ["cancel", "close"])
async def test_a_long_view_streams_progress_and_stopping_it_frees_the_kernel(
    frames_kernel, jp_ws_fetch, registry, how
):
    kernel_id, alice = await frames_kernel(SLOW, "slow")
    socket = await open_socket(jp_ws_fetch, kernel_id)
    body = {"component": "duplicates", "variables": ["slow"], "params": {"near": True, "decimals": 4}}
    socket.ask(5, body, framed=True)
    head = await socket.next()
    assert not isinstance(head, dict) and head[:2] == (5, "H")
    assert json.loads(head[2])["status"] == 200
    first = await socket.next()
    assert not isinstance(first, dict) and first[1] == "C" and first[2] == framing.MAGIC
    progress = await socket.next()
    assert not isinstance(progress, dict) and progress[1] == "C"
    assert framing.parse_frames(framing.MAGIC + progress[2])[0][0] == framing.PROGRESS
    if how == "cancel":
        socket.cancel(5)
    else:
        socket.ws.close()
    # The kernel was interrupted: the user's next cell runs at once, and the namespace is intact.
    started = time.monotonic()
    await alice.run("x = 1", timeout=60)
    assert time.monotonic() - started < 1.5
    assert await alice.value("slow.shape") == "(2000000, 2)"
    watcher = await registry.get(kernel_id)
    assert not any('"decimals": 4' in key for key in watcher.analysis._views)  # nothing half-done was cached
    if how == "cancel":
        # Nothing more comes for the cancelled view; the socket still answers others.
        socket.ask(6, {"component": "table", "variables": ["slow"]})
        while True:
            message = await socket.next()
            if isinstance(message, dict):
                continue
            # (progress of view 5 already on its way when the cancel came; never its answer)
            assert message[0] == 6 or message[1] == "C", message[:2]
            if message[0] == 6 and message[1] == "W":
                break
        socket.ws.close()


async def test_the_browser_worker_authenticates_with_the_token_in_the_url(frames_kernel, jp_ws_fetch, jp_auth_header):
    """A browser cannot set headers on a websocket: the request worker puts the token it was given in the
    socket's URL (token=...), as JupyterLab does for its kernel websockets; a wrong one is refused."""
    from tornado.httpclient import HTTPClientError

    kernel_id, _ = await frames_kernel()
    token = jp_auth_header["Authorization"].split(" ", 1)[1]
    path = ("symphony-lab", "api", "kernels", kernel_id, "views", "socket")
    ws = await jp_ws_fetch(*path, headers={"Authorization": ""}, params={"token": token})
    socket = ViewSocket(ws)
    socket.ask(1, {"component": "table", "variables": ["df"]})
    status, _, _, _ = await socket.answer(1)
    assert status == 200
    ws.close()
    with pytest.raises(HTTPClientError) as info:
        await jp_ws_fetch(*path, headers={"Authorization": ""}, params={"token": "not-the-token"})
    assert info.value.code == 403
