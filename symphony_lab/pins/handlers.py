"""Routes of pins: the output bundle of a view to pin, and the exported page of views. Thin: the work is
in bundle.py and export.py. Who pinned is the server's identity of the authenticated user."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..handlers import API, SymphonyHandler
from . import notes
from .bundle import PinError, make_bundle, now_iso, pin_payload, provenance
from .export import ExportError, render_page

MAX_BODY = 16 * 1024 * 1024
MAX_VIEWS = 50


def _identity(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    if isinstance(user, str):
        return {"username": user}
    return {k: getattr(user, k, None) for k in ("username", "name", "display_name") if getattr(user, k, None)}


class _PinsHandler(SymphonyHandler):
    def body(self) -> Any:
        if len(self.request.body or b"") > MAX_BODY:
            raise web.HTTPError(413, f"The request is over {MAX_BODY // (1024 * 1024)} MiB.")
        try:
            return json.loads(self.request.body or b"null")
        except ValueError:
            raise web.HTTPError(400, "The request body must be JSON.") from None


class PinHandler(_PinsHandler):
    """``POST .../pins`` ``{spec, data, execution_count, annotations?: {notebook, view, board}}`` ->
    ``{bundle, pinned_by, pinned_at, annotations}``. The threads are read here from the notebook's board
    (never taken from the request), with the same right as reading the notebook's files."""

    async def threads(self, request: dict[str, Any] | None) -> list[dict[str, Any]]:
        if request is None:
            return []
        from ..collab.format import BoardFormatError, board_path_for

        if not self.authorizer.is_authorized(self, self.current_user, "read", "contents"):
            raise web.HTTPError(403, "You are not allowed to read this notebook's board.")
        store = self.settings.get("symphony_lab_boards")
        try:
            path = board_path_for(request["notebook"])
        except BoardFormatError as exc:
            raise web.HTTPError(400, f"annotations.notebook: {exc}") from None
        if store is None or not await store.exists(path):
            return []  # no board file: nobody has commented yet
        try:
            board = await store.read(path)
        except web.HTTPError as exc:  # an unreadable board file: the pin goes without its comments
            self.log.warning("symphony-lab: the comments of %s could not be read: %s", path, exc.log_message)
            return []
        return notes.threads_of(board, notes.targets_of(request))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        if not isinstance(body, dict):
            raise web.HTTPError(400, "The request body must be an object {spec, data}.")
        by, at = _identity(self.current_user), now_iso()
        try:
            threads = await self.threads(notes.check_request(body.get("annotations")))
        except ValueError as exc:
            raise web.HTTPError(400, str(exc)) from None
        try:
            payload = pin_payload(
                body.get("spec"), body.get("data"), provenance(by, at, body.get("execution_count")), annotations=threads
            )
        except PinError as exc:
            raise web.HTTPError(400, str(exc)) from None
        self.finish(json.dumps(
            {"bundle": make_bundle(payload), "pinned_by": by, "pinned_at": at, "annotations": payload.get("annotations", [])}
        ))


class ExportHandler(_PinsHandler):
    """``POST .../pins/export`` ``{title, views: [{spec, data}]}`` -> the self-contained HTML page."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        views = body.get("views") if isinstance(body, dict) else None
        if not isinstance(views, list) or not 1 <= len(views) <= MAX_VIEWS:
            raise web.HTTPError(400, f"views must be a list of 1 to {MAX_VIEWS} views {{spec, data}}.")
        by, at = _identity(self.current_user), now_iso()
        title = body.get("title") if isinstance(body.get("title"), str) else "Symphony board"
        try:
            payloads = [
                pin_payload(v.get("spec") if isinstance(v, dict) else None, v.get("data") if isinstance(v, dict) else None,
                            provenance(by, at))
                for v in views
            ]
            page = render_page(payloads, title[:200])
        except (PinError, ExportError) as exc:
            raise web.HTTPError(400, str(exc)) from None
        self.set_header("Content-Disposition", 'attachment; filename="symphony-board.html"')
        self.finish(page, set_content_type="text/html; charset=utf-8")


def pin_handlers() -> list[tuple[str, type]]:
    return [(rf"/{API}/pins", PinHandler), (rf"/{API}/pins/export", ExportHandler)]
