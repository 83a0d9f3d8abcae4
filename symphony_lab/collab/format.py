"""The board file: a readable JSON document beside its notebook.

``analysis.ipynb`` has its board in ``analysis.symphony.json``::

    {
     "annotations": {"<id>": {"author": {...}, "created": 1700000000000, "parent": null,
                              "resolved": false, "target": {"kind": "view", "ref": "<view id>", "label": "..."},
                              "text": "Markdown", ...}},
     "format": "symphony-board",
     "notebook": "analysis.ipynb",
     "state": {"filter": [...], "groups": null, "selection": null},
     "version": 1,
     "views": {"<id>": {"collapsed": false, "component": "summary", "order": 1, "params": {}, "variables": ["df"]}}
    }

Views and annotations are maps keyed by id, and each key of the shared state stands alone, so that
concurrent edits of different entries merge in the CRDT. The text is canonical (sorted keys, one line
per entry, integral numbers written as integers): the same board is always the same bytes, and a git
diff shows the entries that changed.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from typing import Any

BOARD_CONTENT_TYPE = "symphony-board"
BOARD_FORMAT = "text"
FORMAT_NAME = "symphony-board"
FORMAT_VERSION = 1
BOARD_SUFFIX = ".symphony.json"

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_VIEWS = 500
MAX_ANNOTATIONS = 200_000
MAX_TEXT = 20_000
MAX_LABEL = 500
MAX_VALUE_BYTES = 64 * 1024
MAX_DEPTH = 16

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STATE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_COMPONENT = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
TARGET_KINDS = ("board", "view", "selection", "group", "finding")

ROOTS = ("views", "state", "annotations")
VIEW_FIELDS = ("component", "variables", "params", "order", "collapsed")
ANNOTATION_FIELDS = (
    "target",
    "parent",
    "text",
    "author",
    "created",
    "edited",
    "resolved",
    "resolved_by",
    "resolved_at",
)


class BoardFormatError(ValueError):
    """A board (or a part of one) that does not follow the format."""


def board_path_for(notebook_path: str) -> str:
    """The board file of a notebook: ``dir/name.ipynb`` -> ``dir/name.symphony.json``."""
    path = notebook_path.strip("/")
    if not path or path.endswith("/"):
        raise BoardFormatError("A notebook path is needed.")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise BoardFormatError("The notebook path is not a plain relative path.")
    head, name = posixpath.split(path)
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
    return posixpath.join(head, stem + BOARD_SUFFIX) if head else stem + BOARD_SUFFIX


def is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID.match(value))


def _plain(value: Any, depth: int = 0) -> Any:
    """A JSON value with integral floats as ints (Y maps give floats back: 1 -> 1.0)."""
    if depth > MAX_DEPTH:
        raise BoardFormatError("The value is nested too deeply.")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BoardFormatError("Numbers must be finite.")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise BoardFormatError("Object keys must be strings.")
            out[key] = _plain(item, depth + 1)
        return out
    raise BoardFormatError(f"Not a JSON value: {type(value).__name__}.")


def plain(value: Any) -> Any:
    return _plain(value)


def _bounded(value: Any, what: str, limit: int = MAX_VALUE_BYTES) -> Any:
    value = _plain(value)
    if len(json.dumps(value, separators=(",", ":"))) > limit:
        raise BoardFormatError(f"{what} is too large.")
    return value


def _string(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise BoardFormatError(f"{what} must be a string of at most {limit} characters.")
    return value


def _number(value: Any, what: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BoardFormatError(f"{what} must be a finite number.")
    return _plain(value)


def check_view(value: Any) -> dict[str, Any]:
    """A view entry, normalized; raises BoardFormatError."""
    if not isinstance(value, dict):
        raise BoardFormatError("A view is an object.")
    unknown = set(value) - set(VIEW_FIELDS)
    if unknown:
        raise BoardFormatError(f"Unknown view fields: {sorted(unknown)}.")
    component = value.get("component")
    if not isinstance(component, str) or not _COMPONENT.match(component):
        raise BoardFormatError("A view needs a component name.")
    variables = value.get("variables", [])
    if (
        not isinstance(variables, list)
        or len(variables) > 16
        or not all(isinstance(v, str) and 0 < len(v) <= 256 for v in variables)
    ):
        raise BoardFormatError("A view's variables are a list of names.")
    params = value.get("params", {})
    if not isinstance(params, dict):
        raise BoardFormatError("A view's params are an object.")
    collapsed = value.get("collapsed", False)
    if not isinstance(collapsed, bool):
        raise BoardFormatError("collapsed is true or false.")
    return {
        "component": component,
        "variables": list(variables),
        "params": _bounded(params, "A view's params", 16 * 1024),
        "order": _number(value.get("order", 0), "order"),
        "collapsed": collapsed,
    }


def check_state_value(key: Any, value: Any) -> Any:
    """One key of the shared state (filter, selection, groups, ...), normalized."""
    if not isinstance(key, str) or not _STATE_KEY.match(key):
        raise BoardFormatError("A state key is a short lower-case name.")
    value = _bounded(value, f"The state's {key}")
    if key == "filter" and not (isinstance(value, list) and all(isinstance(c, dict) for c in value)):
        raise BoardFormatError("The filter is a list of clauses.")
    if key in ("selection", "groups") and not (value is None or isinstance(value, dict)):
        raise BoardFormatError(f"The state's {key} is an object or null.")
    return value


def check_author(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not isinstance(value.get("username"), str) or not value["username"]:
        raise BoardFormatError("An annotation needs an author.")
    return {
        key: _string(value.get(key, ""), f"author.{key}", 256)
        for key in ("username", "name", "initials", "color")
    }


def check_target(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or value.get("kind") not in TARGET_KINDS:
        raise BoardFormatError(f"An annotation's target kind is one of {', '.join(TARGET_KINDS)}.")
    unknown = set(value) - {"kind", "ref", "label"}
    if unknown:
        raise BoardFormatError(f"Unknown target fields: {sorted(unknown)}.")
    return {
        "kind": value["kind"],
        "ref": _string(value.get("ref", ""), "target.ref", MAX_LABEL),
        "label": _string(value.get("label", ""), "target.label", MAX_LABEL),
    }


def check_annotation(value: Any) -> dict[str, Any]:
    """An annotation entry as stored, normalized; raises BoardFormatError."""
    if not isinstance(value, dict):
        raise BoardFormatError("An annotation is an object.")
    unknown = set(value) - set(ANNOTATION_FIELDS)
    if unknown:
        raise BoardFormatError(f"Unknown annotation fields: {sorted(unknown)}.")
    parent = value.get("parent")
    if parent is not None and not is_id(parent):
        raise BoardFormatError("An annotation's parent is an annotation id or null.")
    resolved = value.get("resolved", False)
    if not isinstance(resolved, bool):
        raise BoardFormatError("resolved is true or false.")
    edited = value.get("edited")
    resolved_at = value.get("resolved_at")
    resolved_by = value.get("resolved_by")
    return {
        "target": check_target(value.get("target")),
        "parent": parent,
        "text": _string(value.get("text"), "An annotation's text", MAX_TEXT),
        "author": check_author(value.get("author")),
        "created": _number(value.get("created"), "created"),
        "edited": None if edited is None else _number(edited, "edited"),
        "resolved": resolved,
        "resolved_by": None if resolved_by is None else _string(resolved_by, "resolved_by", 256),
        "resolved_at": None if resolved_at is None else _number(resolved_at, "resolved_at"),
    }


def encode_annotation(entry: dict[str, Any]) -> str:
    """An annotation as the Y document stores it: one compact JSON string (sorted keys).

    Annotations are written whole by the server only, so an atomic value loses no merge; a string is
    several times cheaper than a JSON object for Yjs/pycrdt to encode and apply (a late joiner of a
    board with 10,000 annotations gets it that much faster). The board FILE keeps readable objects.
    """
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def decode_annotation(value: Any) -> Any:
    """An annotation's value read from a Y document: a JSON string, or (written before strings were
    used) a JSON object or a Y map. Raises BoardFormatError on a string that is not JSON."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise BoardFormatError("An annotation's value is not JSON.") from None
    to_py = getattr(value, "to_py", None)
    return to_py() if callable(to_py) else value


def empty_board(notebook: str = "") -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "notebook": notebook,
        "views": {},
        "state": {"filter": []},
        "annotations": {},
    }


def check_board(value: Any) -> dict[str, Any]:
    """A whole board, normalized; raises BoardFormatError."""
    if not isinstance(value, dict):
        raise BoardFormatError("A board is a JSON object.")
    if value.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise BoardFormatError("Not a symphony-lab board.")
    version = value.get("version", FORMAT_VERSION)
    if not isinstance(version, (int, float)) or int(version) > FORMAT_VERSION:
        raise BoardFormatError(f"Board format version {version} is newer than this symphony-lab reads.")
    notebook = value.get("notebook", "")
    board = empty_board(notebook if isinstance(notebook, str) else "")
    views = value.get("views", {})
    state = value.get("state", {})
    annotations = value.get("annotations", {})
    if not isinstance(views, dict) or not isinstance(state, dict) or not isinstance(annotations, dict):
        raise BoardFormatError("views, state and annotations are objects.")
    if len(views) > MAX_VIEWS or len(annotations) > MAX_ANNOTATIONS:
        raise BoardFormatError("The board has too many views or annotations.")
    for key, view in views.items():
        if not is_id(key):
            raise BoardFormatError(f"Bad view id {key!r}.")
        board["views"][key] = check_view(view)
    board["state"] = {key: check_state_value(key, item) for key, item in state.items()}
    board["state"].setdefault("filter", [])
    for key, annotation in annotations.items():
        if not is_id(key):
            raise BoardFormatError(f"Bad annotation id {key!r}.")
        board["annotations"][key] = check_annotation(annotation)
    return board


def parse_board(text: str | bytes | None, notebook: str = "") -> dict[str, Any]:
    """The board in a file's text. An empty file is an empty board."""
    if text is None:
        return empty_board(notebook)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if len(text) > MAX_FILE_BYTES:
        raise BoardFormatError("The board file is too large.")
    if not text.strip():
        return empty_board(notebook)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoardFormatError(f"The board file is not JSON: {exc.msg} (line {exc.lineno}).") from None
    board = check_board(value)
    if not board["notebook"]:
        board["notebook"] = notebook
    return board


def _line(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def dump_board(board: dict[str, Any], checked: bool = False) -> str:
    """The canonical text of a board: sorted keys, one line per view, state key and annotation.

    One entry per line keeps git diffs to the entries that changed, and lets the C JSON encoder do
    the work (a board of 10,000 annotations is written in a few tens of milliseconds). ``checked``:
    the board comes from ``check_board``/``YBoard.to_dict`` and is already normalized.
    """
    if not checked:
        board = plain(board)
    lines = ["{"]
    keys = sorted(board)
    for i, key in enumerate(keys):
        value = board[key]
        end = "," if i < len(keys) - 1 else ""
        if key in ROOTS and isinstance(value, dict) and value:
            lines.append(f" {_line(key)}: {{")
            entries = sorted(value)
            for j, entry in enumerate(entries):
                sep = "," if j < len(entries) - 1 else ""
                lines.append(f"  {_line(entry)}: {_line(value[entry])}{sep}")
            lines.append(f" }}{end}")
        else:
            lines.append(f" {_line(key)}: {_line(value)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"
