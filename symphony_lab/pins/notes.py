"""The annotation threads a pin records: those of the board document targeted at the pinned view (and at the
board, for "Pin board"), read by the server from the board as it stands (the live room's document with
jupyter-collaboration, else the board file), never taken from the browser: authors and times are the ones
the server stamped when the annotations were written.

A recorded thread, as the payload (``annotations``) and the cell's metadata (``symphony_lab.pin.annotations``)
carry it::

    {"id": "...", "target": {"kind": "view", "label": "Summary · df"},
     "author": {"username": "ada", "name": "Ada Lovelace"}, "created": "2026-11-27T19:20:03+00:00",
     "text": "Markdown, as typed", "resolved": false, "resolved_by": null,
     "replies": [{"id", "author", "created", "text"}, ...]}

Texts stay as typed (Markdown): every renderer escapes them (static.py) or sanitizes them (the lab extension).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

#: how much of a board's discussion a pin carries (the board keeps all of it)
MAX_THREADS = 50
MAX_REPLIES = 50
MAX_TEXT = 4000


def _iso(ms: Any) -> str | None:
    if not isinstance(ms, (int, float)) or isinstance(ms, bool) or not math.isfinite(ms) or ms <= 0:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _author(value: Any) -> dict[str, str]:
    author = value if isinstance(value, dict) else {}
    username = str(author.get("username") or "")[:256]
    return {"username": username, "name": str(author.get("name") or username)[:256]}


def _note(annotation_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": annotation_id,
        "author": _author(entry.get("author")),
        "created": _iso(entry.get("created")),
        "text": _text(entry.get("text")),
    }


def _created(entry: dict[str, Any]) -> float:
    created = entry.get("created")
    return float(created) if isinstance(created, (int, float)) and not isinstance(created, bool) else 0.0


def threads_of(board: dict[str, Any], targets: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The threads of ``board`` (a board as ``BoardStore.read`` gives it) whose first annotation targets one of
    ``targets`` (``(kind, ref)``), oldest first, each with its replies, oldest first."""
    wanted = {(str(kind), str(ref)) for kind, ref in targets}
    annotations = board.get("annotations") if isinstance(board, dict) else None
    if not wanted or not isinstance(annotations, dict):
        return []
    roots: list[tuple[str, dict[str, Any]]] = []
    replies: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for annotation_id, entry in annotations.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            continue
        parent = entry.get("parent")
        if isinstance(parent, str):
            replies.setdefault(parent, []).append((annotation_id, entry))
            continue
        target = entry.get("target") if isinstance(entry.get("target"), dict) else {}
        if (str(target.get("kind", "")), str(target.get("ref", ""))) in wanted:
            roots.append((annotation_id, entry))
    roots.sort(key=lambda item: (_created(item[1]), item[0]))
    threads = []
    for annotation_id, entry in roots[:MAX_THREADS]:
        target = entry["target"]
        answers = sorted(replies.get(annotation_id, []), key=lambda item: (_created(item[1]), item[0]))
        threads.append({
            **_note(annotation_id, entry),
            "target": {"kind": str(target.get("kind", "")), "label": str(target.get("label", ""))[:500]},
            "resolved": entry.get("resolved") is True,
            "resolved_by": str(entry["resolved_by"])[:256] if isinstance(entry.get("resolved_by"), str) else None,
            "replies": [_note(i, e) for i, e in answers[:MAX_REPLIES]],
        })
    return threads


def check_request(value: Any) -> dict[str, Any] | None:
    """The ``annotations`` part of a pin request, ``{notebook, view, board}``: which board (the notebook's
    path) and which threads (the view's id in the board document, and whether the board's own threads go
    too); None when there is none. Raises ValueError with what is wrong."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("annotations must be an object {notebook, view, board}")
    notebook = value.get("notebook")
    if not isinstance(notebook, str) or not notebook.strip("/") or len(notebook) > 4096:
        raise ValueError("annotations.notebook must be the notebook's path")
    view = value.get("view")
    if view is not None and (not isinstance(view, str) or not 1 <= len(view) <= 64):
        raise ValueError("annotations.view must be a view id or null")
    board = value.get("board", False)
    if not isinstance(board, bool):
        raise ValueError("annotations.board must be true or false")
    return {"notebook": notebook, "view": view, "board": board}


def targets_of(request: dict[str, Any]) -> list[tuple[str, str]]:
    """The (kind, ref) targets of a checked request."""
    targets = [("view", request["view"])] if request.get("view") else []
    if request.get("board"):
        targets.append(("board", ""))
    return targets
