"""The board's shared state as the kernel sees it, for ``symphony_lab.selection()`` and friends.

The server sends the board's state (filter, selection, groups, open views with their parameters) to the kernel
when it changes in a browser (silently, like every other request). Python code can read it, and change the filter: the next catalog
carries the kernel's version, and the server moves every board to it.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {"filter": [], "views": [], "selection": None, "groups": None}
_version = 0  # bumped by every change from Python; the server compares it with what it has seen
_origin = "board"


def _view(value: Any) -> dict[str, Any] | None:
    """An open view as the board sent it: ``{component, variables, params}`` (params checked by the server as a
    view request's; ``{}`` when a browser sent none, i.e. the component's defaults)."""
    if type(value) is not dict or type(value.get("component")) is not str:
        return None
    variables = value.get("variables")
    params = value.get("params")
    return {
        "component": value["component"],
        "variables": [v for v in variables if type(v) is str] if type(variables) is list else [],
        "params": dict(params) if type(params) is dict else {},
    }


def receive(state: dict[str, Any]) -> None:
    """A state from the board (already validated by the server)."""
    global _state, _origin
    views = [v for v in (_view(x) for x in state.get("views") or []) if v is not None]
    with _lock:
        _state = {
            "filter": list(state.get("filter") or []),
            "views": views,
            "selection": state.get("selection"),
            "groups": state.get("groups"),
        }
        _origin = "board"


def snapshot() -> dict[str, Any]:
    with _lock:
        return {
            "version": _version,
            "origin": _origin,
            "filter": list(_state["filter"]),
            "views": [{**v, "params": dict(v["params"])} for v in _state["views"]],
            "selection": _state["selection"],
            "groups": _state["groups"],
        }


def set_filter(clauses: list[dict[str, Any]]) -> None:
    global _state, _version, _origin
    with _lock:
        _state = {**_state, "filter": list(clauses)}
        _version += 1
        _origin = "kernel"
