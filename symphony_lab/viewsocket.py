"""View requests over a websocket: ``/symphony-lab/api/kernels/<kernel_id>/views/socket``.

The same answers as ``POST .../views`` (docs/api.md), for a browser that keeps the socket open: a view
request is one small message on a connection that is already there, where an HTTP request is set up in the
browser's network stack first (measured during a brush: 12 ms p50 from fetch() until the server reads the
request, 1.2 ms for a websocket message sent at the same moment; docs/benchmarks.md).

Messages from the browser (text, JSON):

- ``{"id": <uint32>, "body": {component, variables, params, state}, "framed": <bool>}`` asks for a view
  (``framed``: the framed answer of framing.py, as ``Accept: application/vnd.symphony-lab.view`` asks
  for it over HTTP; otherwise JSON);
- ``{"id": <uint32>, "cancel": true}``: nobody waits for that view any more (as a closed HTTP request).

Answers (binary): a little-endian uint32 ``id``, one byte of kind, then:

- ``W`` a whole answer: a uint32 length, a JSON head ``{"status", "headers": [[name, value], ...]}``, and
  the body, exactly as the HTTP route would send them (status, ``Content-Type``, ``Server-Timing``; an
  error's body is ``{"message", "reason"}``);
- ``H`` the head of a streamed answer (progress came before the answer), then ``C`` chunks of its body and
  ``E`` its end, as the HTTP route streams it.

A message that cannot be read is answered ``{"type": "error", "message"}`` (text) and the socket stays
open. Closing the socket cancels every view it asked for.
"""

from __future__ import annotations

import asyncio
import json
import struct
from http.client import responses
from typing import Any

from tornado import websocket

from . import framing
from .analysis import ViewError
from .handlers import SymphonySocket, view_answer
from .registry import UnknownKernel
from .watcher import ViewTicket

MAX_MESSAGE = 1024 * 1024
MAX_IN_FLIGHT = 64
WHOLE, HEAD, CHUNK, END = b"W", b"H", b"C", b"E"


def _message(request_id: int, kind: bytes, payload: bytes) -> bytes:
    return struct.pack("<I", request_id) + kind + payload


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    return json.dumps({"status": status, "headers": headers}).encode("utf-8")


class ViewSocket(SymphonySocket):
    """Computes views asked for on the socket; each answer goes back as soon as it is ready."""

    auth_action = "write"  # as POST .../views: computing a view runs our code in the kernel

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self._kernel_id = ""
        self._calls: dict[int, tuple[ViewTicket, Any]] = {}  # id -> (ticket, watcher or None)
        self._tasks: set[asyncio.Future[None]] = set()  # (the loop holds tasks weakly)
        self._closed = False

    def open(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self._kernel_id = kernel_id

    def get_compression_options(self) -> dict[str, Any] | None:
        return None  # Arrow bodies compress poorly; keep the CPU for the kernel

    def _error(self, message: str, request_id: int | None = None) -> None:  # type: ignore[override]
        payload: dict[str, Any] = {"type": "error", "message": message}
        if request_id is not None:
            payload["id"] = request_id
        self._write(json.dumps(payload))

    def _write(self, message: str | bytes) -> None:
        if self._closed:
            return
        try:
            self.write_message(message, binary=isinstance(message, bytes))
        except websocket.WebSocketClosedError:
            self._closed = True

    def on_message(self, message: str | bytes) -> None:
        data = self._object(message, MAX_MESSAGE)
        if data is None:
            return
        request_id = data.get("id")
        if type(request_id) is not int or not 0 <= request_id < 2**32:
            self._error("id must be an integer from 0 to 2**32 - 1.")
            return
        if data.get("cancel") is True:
            self._cancel(request_id)
            return
        if request_id in self._calls:
            self._error("A view with this id is being computed.", request_id)
            return
        if len(self._calls) >= MAX_IN_FLIGHT:
            self._error(f"At most {MAX_IN_FLIGHT} views at once on one socket.", request_id)
            return
        framed = data.get("framed") is True
        ticket = ViewTicket()
        self._calls[request_id] = (ticket, None)
        task = asyncio.ensure_future(self._answer(request_id, data.get("body"), framed, ticket))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _cancel(self, request_id: int) -> None:
        call = self._calls.pop(request_id, None)
        if call is not None and call[1] is not None:
            call[1].cancel(call[0])

    async def _answer(self, request_id: int, body: Any, framed: bool, ticket: ViewTicket) -> None:
        loop = asyncio.get_running_loop()
        received_at = loop.time()
        streaming = False

        def progress(info: dict[str, Any]) -> None:
            nonlocal streaming
            if request_id not in self._calls or self._closed:
                return
            if not streaming:
                streaming = True
                head = [("Content-Type", framing.MEDIA_TYPE), ("Cache-Control", "no-store")]
                self._write(_message(request_id, HEAD, _head(200, head)))
                self._write(_message(request_id, CHUNK, framing.MAGIC))
            self._write(_message(request_id, CHUNK, framing.json_frame(framing.PROGRESS, info)))

        if framed:
            ticket.on_progress = progress
        status, error = 200, ""
        result: dict[str, Any] | None = None
        try:
            try:
                watcher = await self.registry.get(self._kernel_id)
            except UnknownKernel:
                raise ViewError(f"No kernel with id {self._kernel_id}", 404) from None
            if request_id not in self._calls:
                return  # cancelled meanwhile
            self._calls[request_id] = (ticket, watcher)
            result = await view_answer(watcher, body, ticket, framed, self.settings)
        except ViewError as exc:
            status, error = exc.status, str(exc)
        except Exception:  # never leave the browser waiting: say it failed, and log why
            self.log.exception("symphony-lab: a view asked for on the socket failed")
            status, error = 500, "The view could not be computed (see the server's log)."
        finally:
            if self._calls.pop(request_id, None) is None or self._closed:
                result = None
                status = -1  # cancelled, or nobody to answer: nothing is sent
        if status == -1:
            return
        if streaming:
            if result is not None:
                self._write(_message(request_id, CHUNK, framing.answer_frames(result)))
            else:
                self._write(_message(request_id, CHUNK, framing.json_frame(framing.ERROR, {"status": status, "message": error})))
            self._write(_message(request_id, END, b""))
            return
        timing = ticket.server_timing(received_at, loop.time(), (result or {}).get("elapsed_ms"))
        if result is None:
            headers = [("Content-Type", "application/json")]
            payload = json.dumps({"message": error, "reason": responses.get(status, "")}).encode("utf-8")
        elif framed:
            headers = [("Content-Type", framing.MEDIA_TYPE), ("Cache-Control", "no-store")]
            payload = framing.MAGIC + framing.answer_frames(result)
        else:
            headers = [("Content-Type", "application/json")]
            payload = json.dumps(result).encode("utf-8")
        headers.append(("Server-Timing", timing))
        head = _head(status, headers)
        self._write(_message(request_id, WHOLE, struct.pack("<I", len(head)) + head + payload))

    def on_close(self) -> None:
        self._closed = True
        for request_id in list(self._calls):
            self._cancel(request_id)


__all__ = ["ViewSocket"]
