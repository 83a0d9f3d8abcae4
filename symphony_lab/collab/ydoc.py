"""``YBoard``: the board as a jupyter-collaboration document type (``jupyter_ydoc`` entry point).

Schema of the Y document (the TypeScript ``BoardDoc`` uses the same names)::

    "state":       Map   jupyter_ydoc's own (path, hash, dirty)
    "meta":        Map   format, version, notebook
    "views":       Map   view id -> Map(component, variables, params, order, collapsed)
    "board":       Map   state key (filter, selection, groups, ...) -> JSON value
    "annotations": Map   annotation id -> '{"author":...,"target":...,"text":...}' (a JSON string)

Each view is a map of its own, so that two people changing different views, or different fields of
one view (one collapses it while another moves it), both keep their change. Each annotation is one compact
JSON *string* under its own id (``format.encode_annotation``): annotations are written by the server
only, one operation at a time, so fields never change concurrently and an atomic value loses no merge.
A string is far cheaper than a JSON object (Yjs "Any") to encode and to apply: a late joiner of a
board with 10,000 annotations gets it several times faster. A value written before this change (a
JSON object, or a map) is still read, and replaced by a string the next time the server writes it.
``get``/``set`` turn it into the board file's canonical JSON text and back; ``set`` writes only the
entries that differ, so loading a file over a document that already holds it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Awareness, Doc, Map

from .format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    VIEW_FIELDS,
    BoardFormatError,
    check_annotation,
    check_state_value,
    check_view,
    decode_annotation,
    dump_board,
    encode_annotation,
    empty_board,
    parse_board,
    plain,
)

SERVER_ORIGIN = "symphony-lab-server"


def _entry(value: Any) -> Any:
    return value.to_py() if isinstance(value, Map) else value


def _same(ymap: Map, key: str, value: Any) -> bool:
    """Whether a Y map holds this JSON value at key."""
    return key in ymap and plain(_entry(ymap[key])) == value


class YBoard(YBaseDoc):
    """The board of one notebook as a shared document."""

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._ymeta: Map = self._ydoc.get("meta", type=Map)
        self._yviews: Map = self._ydoc.get("views", type=Map)
        self._yboard: Map = self._ydoc.get("board", type=Map)
        self._yannotations: Map = self._ydoc.get("annotations", type=Map)

    @property
    def version(self) -> str:
        return "1.0.0"

    @property
    def yviews(self) -> Map:
        return self._yviews

    @property
    def yboard(self) -> Map:
        return self._yboard

    @property
    def yannotations(self) -> Map:
        return self._yannotations

    # -- reading -------------------------------------------------------------------------------

    def view(self, view_id: str) -> dict[str, Any] | None:
        value = self._yviews.get(view_id)
        return None if value is None else plain(_entry(value))

    def annotation(self, annotation_id: str) -> dict[str, Any] | None:
        value = self._yannotations.get(annotation_id)
        if value is None:
            return None
        try:
            return plain(decode_annotation(value))
        except BoardFormatError:
            return None

    def to_dict(self) -> dict[str, Any]:
        """The board as plain data; an entry that does not follow the format is left out."""
        notebook = self._ymeta.get("notebook", "")
        board = empty_board(notebook if isinstance(notebook, str) else "")
        for key, value in self._yviews.to_py().items():
            try:
                board["views"][key] = check_view(value)
            except BoardFormatError:
                continue
        for key, value in self._yboard.to_py().items():
            try:
                board["state"][key] = check_state_value(key, value)
            except BoardFormatError:
                continue
        for key, value in self._yannotations.items():
            try:
                board["annotations"][key] = check_annotation(decode_annotation(value))
            except BoardFormatError:
                continue
        return board

    def get(self) -> str:
        return dump_board(self.to_dict(), checked=True)

    # -- writing -------------------------------------------------------------------------------

    def set(self, value: str) -> None:
        """Load a board file's text, writing only what differs."""
        self.set_dict(parse_board(value))

    def set_dict(self, board: dict[str, Any]) -> None:
        with self._ydoc.transaction(origin=SERVER_ORIGIN):
            for key, item in (("format", FORMAT_NAME), ("version", FORMAT_VERSION), ("notebook", board["notebook"])):
                if not _same(self._ymeta, key, item):
                    self._ymeta[key] = item
            self._sync_entries(self._yviews, board["views"], VIEW_FIELDS)
            for key in list(self._yannotations.keys()):
                if key not in board["annotations"]:
                    del self._yannotations[key]
            for key, entry in board["annotations"].items():
                encoded = encode_annotation(entry)
                if self._yannotations.get(key) != encoded:
                    self._yannotations[key] = encoded
            for key in list(self._yboard.keys()):
                if key not in board["state"]:
                    del self._yboard[key]
            for key, item in board["state"].items():
                if not _same(self._yboard, key, item):
                    self._yboard[key] = item

    @staticmethod
    def _sync_entries(ymap: Map, entries: dict[str, dict[str, Any]], fields: tuple[str, ...]) -> None:
        for key in list(ymap.keys()):
            if key not in entries:
                del ymap[key]
        for key, entry in entries.items():
            current = ymap.get(key)
            if not isinstance(current, Map):
                ymap[key] = Map(entry)
                continue
            for field in fields:
                if field not in entry:
                    if field in current:
                        del current[field]
                elif not _same(current, field, entry[field]):
                    current[field] = entry[field]

    def put_annotation(self, annotation_id: str, entry: dict[str, Any]) -> None:
        """Write an annotation (checked) as the server."""
        encoded = encode_annotation(check_annotation(entry))
        if self._yannotations.get(annotation_id) != encoded:
            with self._ydoc.transaction(origin=SERVER_ORIGIN):
                self._yannotations[annotation_id] = encoded

    def set_state(self, state: dict[str, Any]) -> None:
        """Replace keys of the shared state (single-user saves)."""
        with self._ydoc.transaction(origin=SERVER_ORIGIN):
            for key, item in state.items():
                item = check_state_value(key, item)
                if not _same(self._yboard, key, item):
                    self._yboard[key] = item

    def set_views(self, views: dict[str, dict[str, Any]]) -> None:
        """Replace the open views (single-user saves)."""
        checked = {key: check_view(view) for key, view in views.items()}
        with self._ydoc.transaction(origin=SERVER_ORIGIN):
            self._sync_entries(self._yviews, checked, VIEW_FIELDS)

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        self.unobserve()
        self._subscriptions[self._ystate] = self._ystate.observe(partial(callback, "state"))
        self._subscriptions[self._ymeta] = self._ymeta.observe(partial(callback, "meta"))
        self._subscriptions[self._yviews] = self._yviews.observe_deep(partial(callback, "views"))
        self._subscriptions[self._yboard] = self._yboard.observe(partial(callback, "board"))
        self._subscriptions[self._yannotations] = self._yannotations.observe_deep(partial(callback, "annotations"))
