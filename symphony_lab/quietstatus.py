"""The notebook's users do not see the kernel busy for the extension's own short requests.

Every request the watcher sends (a catalog, a view's data, a profile, the board's state) is a silent
``execute_request`` on the kernel's shell, and the kernel announces each one on IOPub with a ``busy``
and an ``idle`` status, which the server's kernel websockets pass on to every browser. JupyterLab then
redraws for each: the notebook's kernel indicator, the status bar, the tab's icon (a favicon fetched
again), our own panel; on a brush that is two requests and several full-page drawings while the views
wait for their answers, and a flickering "busy" for whoever looks at the notebook.

:func:`quiet_connection_class` wraps the server's kernel websocket connection class: IOPub status
messages whose parent request came from one of our watchers' sessions (:class:`OwnSessions`) are held
back; if the request ends within ``delay`` seconds, its busy and idle are both dropped; if it runs
longer, the busy is passed on late and the idle when it comes, so that a long computation of ours (the
user's next cell would wait for it) is still shown. Our private progress messages (the view route
relays them itself) are never passed on. Everything else goes through untouched, in order.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from .kernel.progress import MSG_TYPE as PROGRESS_MSG_TYPE

DEFAULT_DELAY = 0.5  # seconds a request of ours runs before browsers see the kernel busy for it


class OwnSessions:
    """Session ids of the watchers' kernel clients (one per watched kernel), as bytes and text."""

    def __init__(self) -> None:
        self._ids: dict[bytes, str] = {}

    def add(self, session_id: str) -> None:
        self._ids[session_id.encode()] = session_id

    def discard(self, session_id: str) -> None:
        self._ids.pop(session_id.encode(), None)

    def __contains__(self, session_id: object) -> bool:
        return isinstance(session_id, str) and session_id.encode() in self._ids

    def mentioned_in(self, raw: bytes) -> bool:
        """Cheap test on a packed header: can it name one of our sessions at all?"""
        return any(key in raw for key in self._ids)


def _as_bytes(part: Any) -> bytes:
    if isinstance(part, bytes):
        return part
    buffer = getattr(part, "bytes", None)  # a zmq.Frame
    return buffer if isinstance(buffer, bytes) else bytes(part)


def quiet_connection_class(base: type, own: OwnSessions, delay: float = DEFAULT_DELAY) -> type:
    """A subclass of ``base`` (jupyter_server's ``ZMQChannelsWebsocketConnection`` or a subclass of it)
    that holds back the IOPub statuses of our own requests as described in the module's docstring."""

    class QuietStatusConnection(base):  # type: ignore[misc, valid-type]
        _symphony_quiet = True

        def _held(self) -> dict[str, asyncio.TimerHandle]:
            held = self.__dict__.get("_symphony_held")
            if held is None:
                held = self.__dict__["_symphony_held"] = {}
            return held

        def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
            channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
            if channel == "iopub" and self._hold_back(stream, outgoing_msg):
                return
            base.handle_outgoing_message(self, stream, outgoing_msg)

        def _hold_back(self, stream: Any, outgoing_msg: list[Any]) -> bool:
            """True when this message is one of ours and is not to be passed on now."""
            try:
                _, parts = self.session.feed_identities(outgoing_msg)
                parent_raw = _as_bytes(parts[2])
                if not own.mentioned_in(parent_raw):
                    if (
                        self.__dict__.get("_symphony_held")
                        and b'"status"' in _as_bytes(parts[1])
                        and json.loads(_as_bytes(parts[4])).get("execution_state") == "starting"
                    ):
                        # A new kernel process started (a restart we were not told of): the requests
                        # held died with the old one.
                        self._drop_held()
                    return False
                parent = json.loads(parent_raw)
                if parent.get("session") not in own:
                    return False
                msg_type = json.loads(_as_bytes(parts[1])).get("msg_type")
                if msg_type == PROGRESS_MSG_TYPE:
                    return True
                if msg_type != "status":
                    return False
                state = json.loads(_as_bytes(parts[4])).get("execution_state")
                parent_id = str(parent.get("msg_id"))
                session_id = str(parent.get("session"))
            except Exception:  # not ours to judge: pass it on as the server would
                return False
            held = self._held()
            if state == "busy":
                if parent_id not in held:
                    loop = asyncio.get_running_loop()
                    held[parent_id] = loop.call_later(
                        delay, self._show_late, stream, outgoing_msg, parent_id, session_id
                    )
                return True
            if state == "idle":
                timer = held.pop(parent_id, None)
                if timer is not None:  # ended before anyone was shown it was running
                    timer.cancel()
                    return True
            return False  # an idle after a busy that was shown, or any other state

        def _show_late(self, stream: Any, outgoing_msg: list[Any], parent_id: str, session_id: str) -> None:
            self._held().pop(parent_id, None)
            if session_id not in own:
                # Its watcher stopped meanwhile: the idle of this request will not be held back, and
                # may already have gone through; a late busy would then never end.
                return
            if not isinstance(stream, str) and stream.closed():
                return
            base.handle_outgoing_message(self, stream, outgoing_msg)

        def _drop_held(self) -> None:
            held = self._held()
            for timer in held.values():
                timer.cancel()
            held.clear()

        def disconnect(self) -> Any:
            self._drop_held()
            return base.disconnect(self)

        def on_kernel_restarted(self) -> Any:
            self._drop_held()  # the requests died with the kernel: never show them late
            return base.on_kernel_restarted(self)

        def on_restart_failed(self) -> Any:
            self._drop_held()
            return base.on_restart_failed(self)

    QuietStatusConnection.__name__ = QuietStatusConnection.__qualname__ = f"Quiet{base.__name__}"
    return QuietStatusConnection


def install(settings: dict[str, Any], own: OwnSessions, delay: float, log: Any) -> bool:
    """Wrap the server's kernel websocket connection class in ``settings`` (the web app's, read for each
    new connection). Only jupyter_server's own ZMQ connection (or a subclass) is wrapped: another kind
    (a gateway's) is left as it is. ``delay`` <= 0 leaves everything as Jupyter does it."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    configured = settings.get("kernel_websocket_connection_class")
    if delay <= 0 or not isinstance(configured, type):
        return False
    if getattr(configured, "_symphony_quiet", False):
        return True
    if not issubclass(configured, ZMQChannelsWebsocketConnection):
        log.info(
            "symphony-lab: kernel websockets use %s; its requests' kernel statuses are shown as they are",
            configured.__name__,
        )
        return False
    settings["kernel_websocket_connection_class"] = quiet_connection_class(configured, own, delay)
    log.info("symphony-lab: notebooks see the kernel busy for the extension's requests after %.2f s", delay)
    return True


__all__ = ["OwnSessions", "quiet_connection_class", "install", "DEFAULT_DELAY"]
