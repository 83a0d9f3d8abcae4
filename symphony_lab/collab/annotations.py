"""Annotation threads: what a request may do, with the author and time stamped by the server.

A thread is a root annotation on a target (the board, a view, a selection, a group, a finding) and
its replies (``parent`` = the root's id). Anyone who may write the notebook may start a thread,
reply, resolve and reopen; only the author edits a text. Nothing is ever deleted: an annotation can
be resolved, and its history stays in the file. The author comes from the authenticated user on the
server; whatever a browser says about names or colours is not read. Texts are kept as the user
typed them (Markdown): browsers render them through JupyterLab's sanitizer.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from .format import MAX_TEXT, BoardFormatError, check_target, is_id
from .ydoc import YBoard

OPS = ("create", "reply", "edit", "resolve", "reopen")


class AnnotationError(Exception):
    """A request that cannot be applied; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def author_of(user: Any) -> dict[str, str]:
    """The stamp of an authenticated jupyter_server user."""
    username = str(getattr(user, "username", "") or "")
    if not username:
        raise AnnotationError("No authenticated user.", 403)
    name = str(getattr(user, "display_name", "") or getattr(user, "name", "") or username)
    initials = str(getattr(user, "initials", "") or "") or "".join(w[:1] for w in name.split()[:2]).upper()
    return {
        "username": username[:256],
        "name": name[:256],
        "initials": initials[:8],
        "color": str(getattr(user, "color", "") or "")[:64],
    }


def _text(request: dict[str, Any]) -> str:
    text = request.get("text")
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError("An annotation needs some text.")
    if len(text) > MAX_TEXT:
        raise AnnotationError(f"An annotation has at most {MAX_TEXT} characters.")
    return text


def _existing(doc: YBoard, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    annotation_id = request.get("id")
    if not is_id(annotation_id):
        raise AnnotationError("An annotation id is needed.")
    entry = doc.annotation(annotation_id)
    if entry is None:
        raise AnnotationError(f"No annotation {annotation_id}.", 404)
    return annotation_id, entry


def apply(doc: YBoard, request: dict[str, Any], author: dict[str, str], now_ms: int | None = None) -> dict[str, Any]:
    """Apply one annotation request to a board; the annotation as stored, with its id."""
    if not isinstance(request, dict):
        raise AnnotationError("The request is a JSON object.")
    op = request.get("op")
    if op not in OPS:
        raise AnnotationError(f"op is one of {', '.join(OPS)}.")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if op in ("create", "reply"):
        if op == "create":
            try:
                target = check_target(request.get("target"))
            except BoardFormatError as exc:
                raise AnnotationError(str(exc)) from None
            parent = None
        else:
            parent, root = _existing(doc, {"id": request.get("parent")})
            if root["parent"] is not None:
                parent = root["parent"]
                root = doc.annotation(parent) or root
            target = root["target"]
        annotation_id = uuid.uuid4().hex
        entry = {
            "target": target,
            "parent": parent,
            "text": _text(request),
            "author": author,
            "created": now,
            "edited": None,
            "resolved": False,
            "resolved_by": None,
            "resolved_at": None,
        }
        doc.put_annotation(annotation_id, entry)
        return {"id": annotation_id, **(doc.annotation(annotation_id) or entry)}
    annotation_id, entry = _existing(doc, request)
    if op == "edit":
        if entry["author"]["username"] != author["username"]:
            raise AnnotationError("Only the author of an annotation can edit it.", 403)
        entry = {**entry, "text": _text(request), "edited": now}
    elif op == "resolve":
        if entry["resolved"]:
            return {"id": annotation_id, **entry}
        entry = {**entry, "resolved": True, "resolved_by": author["username"], "resolved_at": now}
    else:  # reopen
        if not entry["resolved"]:
            return {"id": annotation_id, **entry}
        entry = {**entry, "resolved": False, "resolved_by": None, "resolved_at": None}
    doc.put_annotation(annotation_id, entry)
    return {"id": annotation_id, **(doc.annotation(annotation_id) or entry)}
