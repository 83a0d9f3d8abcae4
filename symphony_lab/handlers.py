"""HTTP and websocket handlers: authentication, authorization and JSON in and out, nothing more."""

from __future__ import annotations

import asyncio
import json
import keyword
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web, websocket

from . import framing
from .analysis import ViewError, check_board
from .components.base import ParamError
from .registry import UnknownKernel, WatcherRegistry
from .watcher import KernelGone, ViewTicket

AUTH_RESOURCE = "symphony_lab"
API = "symphony-lab/api"
_KERNEL_ID = r"(?P<kernel_id>[A-Za-z0-9_.:-]{1,128})"
_NAME = r"(?P<name>[^/]{1,256})"
MAX_WS_MESSAGE = 64 * 1024


def valid_name(name: str) -> bool:
    """A variable name from a request: a Python identifier, not a keyword, not private."""
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


class SymphonyHandler(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def registry(self) -> WatcherRegistry:
        return self.settings["symphony_lab_registry"]

    async def watcher_or_404(self, kernel_id: str) -> Any:
        try:
            return await self.registry.get(kernel_id)
        except UnknownKernel:
            raise web.HTTPError(404, f"No kernel with id {kernel_id}") from None


class CatalogHandler(SymphonyHandler):
    @web.authenticated
    @authorized
    async def get(self, kernel_id: str) -> None:
        watcher = await self.watcher_or_404(kernel_id)
        if self.get_query_argument("refresh", "0") in ("1", "true") and not watcher.busy:
            watcher.request_refresh(delay=0)
        await watcher.wait_first_catalog(self.settings.get("symphony_lab_first_wait", 3.0))
        self.finish(json.dumps(watcher.snapshot()))


class VariableHandler(SymphonyHandler):
    @web.authenticated
    @authorized
    async def get(self, kernel_id: str, name: str) -> None:
        if not valid_name(name):
            raise web.HTTPError(400, "A variable name must be a Python identifier.")
        watcher = await self.watcher_or_404(kernel_id)
        if watcher.busy:
            raise web.HTTPError(409, "The kernel is busy; try again when it is idle.")
        try:
            entry = await watcher.describe(name)
        except asyncio.TimeoutError:
            raise web.HTTPError(504, "The kernel did not answer in time.") from None
        except KernelGone:
            raise web.HTTPError(409, "The kernel restarted or shut down during the request.") from None
        except RuntimeError as exc:
            raise web.HTTPError(502, str(exc)) from None
        if not entry.get("found"):
            raise web.HTTPError(404, f"The kernel holds no variable {name} that can be shown.")
        self.finish(json.dumps(entry))


class SuggestionsHandler(SymphonyHandler):
    @web.authenticated
    @authorized
    async def get(self, kernel_id: str) -> None:
        watcher = await self.watcher_or_404(kernel_id)
        wait = self.settings.get("symphony_lab_first_wait", 3.0)
        await watcher.wait_first_catalog(wait)
        watcher.request_analysis()
        await watcher.wait_analysis(wait)
        self.finish(json.dumps(watcher.analysis.snapshot()))


async def view_answer(
    watcher: Any, body: Any, ticket: ViewTicket, framed: bool, settings: dict[str, Any]
) -> dict[str, Any]:
    """One view's answer (``POST .../views`` and the view socket): computed by the watcher, with the
    pairings a model view could show instead. Raises ViewError."""
    await watcher.wait_first_catalog(settings.get("symphony_lab_first_wait", 3.0))
    result: dict[str, Any] = await watcher.compute_view(body, ticket, "arrow" if framed else "json")
    pairings = watcher.analysis.pairing_options(body, watcher.catalog.variables)
    if pairings is not None:  # a model view: the pairings it could show instead
        result = {**result, "pairings": pairings}
    return result


class ViewsHandler(SymphonyHandler):
    """One view's data. JSON by default; a browser that sends ``Accept: application/vnd.symphony-lab.view``
    gets the framed answer (framing.py): Arrow for the data's tables, progress while a long view runs."""

    @web.authenticated
    @authorized
    async def post(self, kernel_id: str) -> None:
        received_at = asyncio.get_running_loop().time()
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:
            raise web.HTTPError(400, "The request body must be JSON.") from None
        watcher = await self.watcher_or_404(kernel_id)
        framed = framing.accepts_frames(self.request.headers.get("Accept"))
        self._streaming = False
        self._watcher, self._ticket = watcher, ViewTicket(on_progress=self._progress if framed else None)
        try:
            result = await view_answer(watcher, body, self._ticket, framed, self.settings)
        except ViewError as exc:
            if self.request.connection.stream.closed():  # type: ignore[union-attr]
                return  # cancelled by the browser: nobody to answer
            if self._streaming:  # the status line (200) went out with the first progress frame
                self.finish(framing.json_frame(framing.ERROR, {"status": exc.status, "message": str(exc)}),
                            set_content_type=framing.MEDIA_TYPE)
                return
            raise web.HTTPError(exc.status, str(exc)) from None
        if not self._streaming:  # (a streamed answer's headers left with its first progress frame)
            now = asyncio.get_running_loop().time()
            self.set_header("Server-Timing", self._ticket.server_timing(received_at, now, result.get("elapsed_ms")))
        if framed:
            self.set_header("Cache-Control", "no-store")
            prefix = b"" if self._streaming else framing.MAGIC
            self.finish(prefix + framing.answer_frames(result), set_content_type=framing.MEDIA_TYPE)
        else:
            self.finish(json.dumps(result))

    def _progress(self, info: dict[str, Any]) -> None:
        """A progress report from the kernel: sent at once (the body is streamed from then on)."""
        if self._finished or self.request.connection.stream.closed():  # type: ignore[union-attr]
            return
        if not self._streaming:
            self._streaming = True
            self.set_header("Content-Type", framing.MEDIA_TYPE)
            self.set_header("Cache-Control", "no-store")
            self.write(framing.MAGIC)
        self.write(framing.json_frame(framing.PROGRESS, info))
        self.flush().add_done_callback(lambda f: f.exception())  # a closed stream is on_connection_close's

    def on_connection_close(self) -> None:
        """The browser gave up on this view (closed it, or asked for a newer one): cancel its work."""
        watcher, ticket = getattr(self, "_watcher", None), getattr(self, "_ticket", None)
        if watcher is not None and ticket is not None:
            watcher.cancel(ticket)


class ComponentsHandler(SymphonyHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        components = self.settings.get("symphony_lab_components", {})
        self.finish(json.dumps({"components": [c.describe() for c in components.values()]}))


class SymphonySocket(ExtensionHandlerMixin, WebSocketMixin, JupyterHandler, websocket.WebSocketHandler):
    """A websocket of the extension: authenticated, then authorized for ``auth_action`` on our resource."""

    auth_resource = AUTH_RESOURCE
    auth_action = "read"

    @property
    def registry(self) -> WatcherRegistry:
        return self.settings["symphony_lab_registry"]

    async def pre_get(self) -> None:
        user = self.current_user
        allowed = await ensure_async(self.authorizer.is_authorized(self, user, self.auth_action, AUTH_RESOURCE))
        if not allowed:
            raise web.HTTPError(403)

    @ws_authenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        await self.pre_get()
        result = super().get(*args, **kwargs)
        if result is not None:
            await result

    def _error(self, message: str) -> None:
        raise NotImplementedError

    def _object(self, message: str | bytes, limit: int) -> dict[str, Any] | None:
        """The JSON object a message holds; None (the sender told why) when it holds none."""
        if len(message) > limit:
            self._error("Message too large.")
            return None
        try:
            data = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            self._error("Messages must be JSON objects.")
            return None
        return data


class WatchSocket(SymphonySocket):
    """Pushes catalogs of the kernels a client watches. See docs/api.md for the messages."""

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self._subscriptions: dict[str, Any] = {}

    def get_compression_options(self) -> dict[str, Any] | None:
        return {}

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self.write_message(json.dumps(message))
        except websocket.WebSocketClosedError:
            self._drop_all()

    def _error(self, message: str, kernel_id: str | None = None) -> None:  # type: ignore[override]
        payload: dict[str, Any] = {"type": "error", "message": message}
        if kernel_id is not None:
            payload["kernel_id"] = kernel_id
        self._send(payload)

    async def on_message(self, message: str | bytes) -> None:
        data = self._object(message, MAX_WS_MESSAGE)
        if data is None:
            return
        kind, kernel_id = data.get("type"), data.get("kernel_id")
        if kind not in ("watch", "unwatch", "refresh", "state"):
            self._error("Unknown message type; expected watch, unwatch, refresh or state.")
            return
        if not isinstance(kernel_id, str) or not kernel_id or len(kernel_id) > 128:
            self._error("kernel_id must be a kernel id string.")
            return
        if kind == "watch":
            await self._watch(kernel_id)
        elif kind == "unwatch":
            self._unwatch(kernel_id)
        elif kind == "state":
            await self._board_state(kernel_id, data.get("state"))
        elif kernel_id in self._subscriptions:
            watcher = await self.registry.get(kernel_id)
            if not watcher.busy:
                watcher.request_refresh(delay=0)

    async def _board_state(self, kernel_id: str, state: Any) -> None:
        if kernel_id not in self._subscriptions:
            self._error("Watch a kernel before sending its board state.", kernel_id)
            return
        try:
            clean = check_board(state)
        except ParamError as exc:
            self._error(f"Invalid board state: {exc}", kernel_id)
            return
        watcher = await self.registry.get(kernel_id)
        watcher.set_board_state(clean, source=self._subscriptions[kernel_id][2])

    async def _watch(self, kernel_id: str) -> None:
        if kernel_id in self._subscriptions:
            watcher = await self.registry.get(kernel_id)
            self._send({"type": "catalog", "catalog": watcher.snapshot()})
            return
        if len(self._subscriptions) >= 32:
            self._error("Too many kernels watched on one connection.", kernel_id)
            return

        def listener(catalog: dict[str, Any]) -> None:
            self._send({"type": "catalog", "catalog": catalog})

        def analysis(suggestions: dict[str, Any]) -> None:
            self._send({"type": "suggestions", "suggestions": suggestions})

        def board(state: dict[str, Any]) -> None:
            self._send({"type": "state", "state": state})

        try:
            watcher = await self.registry.subscribe(kernel_id, listener, analysis, board)
        except UnknownKernel:
            self._error("No kernel with that id.", kernel_id)
            return
        self._subscriptions[kernel_id] = (listener, analysis, board)
        self._send({"type": "catalog", "catalog": watcher.snapshot()})
        self._send({"type": "suggestions", "suggestions": watcher.analysis.snapshot()})
        # Always, even when empty: a board kept in the browser may be older than the server's.
        self._send({"type": "state", "state": {"kernel_id": kernel_id, "origin": "board", **watcher.board_state}})

    def _unwatch(self, kernel_id: str) -> None:
        listeners = self._subscriptions.pop(kernel_id, None)
        if listeners is not None:
            self.registry.unsubscribe(kernel_id, *listeners)

    def _drop_all(self) -> None:
        for kernel_id in list(self._subscriptions):
            self._unwatch(kernel_id)

    def on_close(self) -> None:
        self._drop_all()


def handlers() -> list[tuple[str, type]]:
    """The extension's routes, relative to the server's base_url."""
    from .pins.handlers import pin_handlers

    from .viewsocket import ViewSocket

    return pin_handlers() + [
        (rf"/{API}/kernels/{_KERNEL_ID}/catalog", CatalogHandler),
        (rf"/{API}/kernels/{_KERNEL_ID}/variables/{_NAME}", VariableHandler),
        (rf"/{API}/kernels/{_KERNEL_ID}/suggestions", SuggestionsHandler),
        (rf"/{API}/kernels/{_KERNEL_ID}/views", ViewsHandler),
        (rf"/{API}/kernels/{_KERNEL_ID}/views/socket", ViewSocket),
        (rf"/{API}/components", ComponentsHandler),
        (rf"/{API}/watch", WatchSocket),
    ]
