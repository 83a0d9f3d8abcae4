"""What a browser may send into a board's room.

jupyter-collaboration applies every sync message of a connection to the room's document. For a
board, a ``RoomGuard`` looks at each message first (the room's ``on_message`` hook):

- a message larger than ``max_bytes`` is refused;
- a document update is tried on a *shadow* replica of the room's document: an update that does not
  decode, that leaves a view or a state key that does not follow the board format, or that changes
  an annotation at all (annotations are written by the server only, with the authenticated author:
  see ``annotations.py``) is refused.

A refused message changes nothing: it never reaches the room's document, and the connection that
sent it is closed (code 4400) by the room's ``on_message_error`` hook. The shadow follows every
change of the room's document, so it is the room's state plus the update under test.
"""

from __future__ import annotations

import logging
from typing import Any

from pycrdt import Doc, Map, YMessageType, YSyncMessageType, read_message

from .format import BoardFormatError, check_state_value, check_view, decode_annotation, plain

DEFAULT_MAX_BYTES = 1024 * 1024
CLOSE_REFUSED = 4400


class RefusedUpdate(Exception):
    """A message a board's room does not take."""


def _entry(value: Any) -> Any:
    return value.to_py() if isinstance(value, Map) else value


def _annotation(value: Any) -> Any:
    """An annotation's value as data, to compare (an undecodable string stays as it is)."""
    try:
        return plain(decode_annotation(value))
    except BoardFormatError:
        return value


class RoomGuard:
    """Checks the messages of one board room against a shadow replica of its document."""

    def __init__(self, ydoc: Doc, max_bytes: int = DEFAULT_MAX_BYTES, log: logging.Logger | None = None):
        self.ydoc = ydoc
        self.max_bytes = max_bytes
        self.log = log or logging.getLogger(__name__)
        self.refused = 0
        self._shadow = self._replica()
        self._follow = ydoc.observe(self._on_room_update)

    def _replica(self) -> Doc:
        shadow = Doc()
        shadow.apply_update(self.ydoc.get_update())
        return shadow

    def _on_room_update(self, event: Any) -> None:
        # Updates already tried on the shadow are known to it: applying them again is a no-op.
        try:
            self._shadow.apply_update(event.update)
        except Exception:  # pragma: no cover - the room's document is valid by construction
            self._shadow = self._replica()

    def close(self) -> None:
        try:
            self.ydoc.unobserve(self._follow)
        except Exception:  # pragma: no cover
            pass

    def check(self, message: bytes) -> bool:
        """Raise RefusedUpdate for a message the room must not take; False otherwise (never skip)."""
        if len(message) > self.max_bytes:
            raise RefusedUpdate(f"message of {len(message)} bytes (at most {self.max_bytes})")
        if len(message) < 2 or message[0] != YMessageType.SYNC:
            return False
        if message[1] not in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            return False
        try:
            update = read_message(message[2:])
        except Exception as exc:
            raise RefusedUpdate(f"undecodable sync message: {exc}") from None
        self._try(update)
        return False

    def _try(self, update: bytes) -> None:
        shadow = self._shadow
        views: set[str] = set()
        annotations: set[str] = set()
        state: set[str] = set()

        def on_views(events: list[Any]) -> None:
            _touched(events, views)

        def on_annotations(events: list[Any]) -> None:
            _touched(events, annotations)

        def on_state(events: list[Any]) -> None:
            _touched(events, state)

        subs = [
            (shadow.get("views", type=Map), shadow.get("views", type=Map).observe_deep(on_views)),
            (shadow.get("annotations", type=Map), shadow.get("annotations", type=Map).observe_deep(on_annotations)),
            (shadow.get("board", type=Map), shadow.get("board", type=Map).observe_deep(on_state)),
        ]
        try:
            try:
                shadow.apply_update(update)
            except Exception as exc:
                raise RefusedUpdate(f"malformed update: {exc}") from None
            self._check_touched(shadow, views, annotations, state)
        except RefusedUpdate:
            # The shadow took an update the room will not: start again from the room's document.
            self.refused += 1
            self._shadow = self._replica()
            raise
        finally:
            for ymap, sub in subs:
                try:
                    ymap.unobserve(sub)
                except Exception:  # pragma: no cover
                    pass

    def _check_touched(self, shadow: Doc, views: set[str], annotations: set[str], state: set[str]) -> None:
        room_annotations = self.ydoc.get("annotations", type=Map)
        shadow_annotations = shadow.get("annotations", type=Map)
        for key in annotations:
            before = room_annotations.get(key)
            after = shadow_annotations.get(key)
            if before is None and after is None:
                continue
            if before is None or after is None or (before != after and _annotation(before) != _annotation(after)):
                raise RefusedUpdate(f"annotation {key!r} written by a browser (annotations go through the server)")
        shadow_views = shadow.get("views", type=Map)
        for key in views:
            value = shadow_views.get(key)
            if value is None:
                continue
            try:
                check_view(_entry(value))
            except BoardFormatError as exc:
                raise RefusedUpdate(f"view {key!r}: {exc}") from None
        shadow_state = shadow.get("board", type=Map)
        for key in state:
            if key not in shadow_state:
                continue
            try:
                check_state_value(key, shadow_state.get(key))
            except BoardFormatError as exc:
                raise RefusedUpdate(f"state {key!r}: {exc}") from None


def _touched(events: list[Any], into: set[str]) -> None:
    """The top-level keys a list of deep events changed."""
    for event in events:
        path = list(getattr(event, "path", []) or [])
        if path:
            into.add(str(path[0]))
            continue
        keys = getattr(event, "keys", None) or {}
        into.update(str(k) for k in keys)
