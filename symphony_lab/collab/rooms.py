"""The link to jupyter-collaboration's server side (jupyter_server_ydoc), when it is there.

Board rooms are ordinary jupyter-collaboration document rooms (``text:symphony-board:<file id>``):
rooms, persistence (the contents manager, and its YStore), identity and reconnection are theirs.
Ours is the ``RoomGuard`` put on each board room as it is added to their websocket server, before
it serves any message (see guard.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from jupyter_core.utils import ensure_async

from pycrdt import Map, YMessageType, YSyncMessageType

from .format import BOARD_CONTENT_TYPE, BOARD_FORMAT
from .atomic import atomic_room_saves
from .guard import CLOSE_REFUSED, DEFAULT_MAX_BYTES, RefusedUpdate, RoomGuard

YDOC_EXTENSION = "jupyter_server_ydoc"


def ydoc_extension(serverapp: Any) -> Any | None:
    """jupyter_server_ydoc's extension app, if it is enabled and loaded."""
    manager = getattr(serverapp, "extension_manager", None)
    if manager is None:
        return None
    apps = getattr(manager, "extension_apps", {}).get(YDOC_EXTENSION)
    for app in apps or ():
        if hasattr(app, "get_document"):
            return app
    return None


def is_board_room(room: Any) -> bool:
    return getattr(room, "file_type", None) == BOARD_CONTENT_TYPE and getattr(room, "file_format", None) == BOARD_FORMAT


class RoomGuards:
    """Puts a RoomGuard on every board room of jupyter-collaboration's websocket server."""

    def __init__(self, log: logging.Logger, max_bytes: int = DEFAULT_MAX_BYTES, save_delay: float | None = 0.1):
        self.log = log
        self.max_bytes = max_bytes
        self.save_delay = save_delay
        self.guards: dict[str, RoomGuard] = {}
        self._server: Any = None
        self._saves: dict[str, list[tuple[Any, Any]]] = {}

    def attach(self, serverapp: Any) -> bool:
        """Hook into the websocket server's ``add_room``; False when collaboration is off."""
        if self._server is not None:
            return True
        app = ydoc_extension(serverapp)
        server = getattr(app, "ywebsocket_server", None) if app is not None else None
        if server is None:
            return False
        original = server.add_room

        def add_room(path: str, room: Any) -> None:
            self.guard(path, room)
            original(path, room)

        server.add_room = add_room
        for path, room in list(getattr(server, "rooms", {}).items()):
            self.guard(path, room)
        self._server = server
        return True

    @property
    def server(self) -> Any:
        return self._server

    def guard(self, room_id: str, room: Any) -> None:
        if not is_board_room(room) or room_id in self.guards and self.guards[room_id].ydoc is room.ydoc:
            return
        guard = RoomGuard(room.ydoc, max_bytes=self.max_bytes, log=self.log)
        loader = getattr(room, "_file", None)
        contents = getattr(getattr(loader, "_contents_manager", None), "save", None)
        if loader is not None and contents is not None:
            # The room saves the board file through a temporary file renamed over it (atomic.py).
            atomic_room_saves(loader, loader._contents_manager)
        self.guards[room_id] = guard
        previous_error = room.on_message_error

        async def on_message_error(exc: Exception, message: bytes, channel: Any) -> bool:
            if not isinstance(exc, RefusedUpdate) and previous_error is not None:
                handled = previous_error(exc, message, channel)
                if hasattr(handled, "__await__"):
                    handled = await handled
                if handled:
                    return True
            self.log.warning("symphony-lab: closing a board connection (%s): %s", room_id, exc)
            close = getattr(channel, "close", None)
            if close is not None:
                try:
                    close(CLOSE_REFUSED, "symphony-lab: update refused")
                except TypeError:
                    await close()
            return True

        room.on_message = guard.check
        room.on_message_error = on_message_error
        self._save_soon(room_id, room)

    def _save_soon(self, room_id: str, room: Any) -> None:
        """Save a board room's file ``save_delay`` seconds after its last change (theirs waits 1 s).

        The file is what a restarted server trusts: the shorter the wait, the less a crash can lose.
        """
        if self.save_delay is None or not hasattr(room, "_save_to_disc"):
            return
        previous = self._saves.pop(room_id, None)
        if previous is not None:
            for shared, subscription in previous:
                shared.unobserve(subscription)
        timer: list[asyncio.TimerHandle] = []

        def save() -> None:
            try:
                room._save_to_disc()
            except Exception as exc:  # pragma: no cover - their save logs its own errors
                self.log.warning("symphony-lab: could not save board room %s: %s", room_id, exc)

        def on_update(_: Any) -> None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # pragma: no cover - updates always come from the server's loop
                return
            if timer:
                timer.pop().cancel()
            timer.append(loop.call_later(self.save_delay or 0.0, save))

        # The board's content only: the room's own save writes the document's "state" map (dirty, hash),
        # and following every update of the document made each save schedule the next, ten a second.
        content = [
            room.ydoc.get("views", type=Map),
            room.ydoc.get("board", type=Map),
            room.ydoc.get("annotations", type=Map),
        ]
        self._saves[room_id] = [(shared, shared.observe_deep(on_update)) for shared in content]

    def close(self) -> None:
        for guard in self.guards.values():
            guard.close()
        self.guards.clear()
        for subscriptions in self._saves.values():
            for shared, subscription in subscriptions:
                try:
                    shared.unobserve(subscription)
                except Exception:  # pragma: no cover
                    pass
        self._saves.clear()


def authenticated_room_route(web_app: Any, log: logging.Logger) -> bool:
    """Make jupyter-collaboration's room route refuse a request before it creates a room.

    Its ``YDocWebSocketHandler`` creates (and starts) the room in ``prepare``, and authenticates in
    ``get``, after it: a request without credentials leaves a room behind. The route's handler is
    replaced by a subclass that authenticates and authorizes first (403 otherwise), then does the
    same as before. True when the route was found.
    """
    try:
        from jupyter_server.base.handlers import JupyterHandler
        from jupyter_server_ydoc.handlers import YDocWebSocketHandler
        from tornado import web
    except ImportError:  # pragma: no cover - jupyter-collaboration not installed
        return False

    class AuthenticatedYDocWebSocketHandler(YDocWebSocketHandler):
        _read_only = False

        async def prepare(self) -> None:
            await ensure_async(JupyterHandler.prepare(self))
            user = self.current_user
            if user is None:
                self.log.warning("Couldn't authenticate WebSocket connection")
                raise web.HTTPError(403)
            if not self.authorizer.is_authorized(self, user, "read", "contents"):
                raise web.HTTPError(403)
            # A board changes like its notebook's files: someone who may only read them follows the
            # board but does not change it.
            board_room = f":{BOARD_CONTENT_TYPE}:" in self.request.path
            self._read_only = board_room and not self.authorizer.is_authorized(self, user, "write", "contents")
            await super().prepare()

        async def on_message(self, message: Any) -> Any:
            if (
                self._read_only
                and isinstance(message, bytes)
                and len(message) > 1
                and message[0] == YMessageType.SYNC
                and message[1] in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE)
            ):
                return None
            return await super().on_message(message)

    found = False
    for rule in _rules(web_app):
        if rule.target is YDocWebSocketHandler:
            rule.target = AuthenticatedYDocWebSocketHandler
            found = True
    if found:
        log.info("symphony-lab: collaboration rooms authenticate before a room is made.")
    return found


def _rules(web_app: Any) -> list[Any]:
    rules: list[Any] = []
    stack = [getattr(web_app, "wildcard_router", None), getattr(web_app, "default_router", None)]
    seen: set[int] = set()
    while stack:
        router = stack.pop()
        if router is None or id(router) in seen:
            continue
        seen.add(id(router))
        for rule in getattr(router, "rules", []):
            rules.append(rule)
            if hasattr(rule.target, "rules"):
                stack.append(rule.target)
    return rules
