"""Routes of pins: the output bundle of a view to pin, and the exported page of views. Thin: the work is
in bundle.py and export.py. Who pinned is the server's identity of the authenticated user."""

from __future__ import annotations

import json
import re
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..analysis import ViewError
from ..handlers import API, SymphonyHandler
from ..registry import UnknownKernel
from ..watcher import ViewTicket
from . import notes
from .bundle import PinError, make_bundle, now_iso, pin_payload, provenance
from .export import DEFAULT_BUDGET, ExportError, codes_request, render_page, without_codes

MAX_BODY = 16 * 1024 * 1024
MAX_VIEWS = 50
KERNEL_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


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


def _fingerprints(view: Any) -> list[str | None] | None:
    """The fingerprints a view's data was computed with (its answer's), so the kernel can say it changed."""
    value = view.get("fingerprints") if isinstance(view, dict) else None
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 8 or not all(
        f is None or (isinstance(f, str) and len(f) <= 200) for f in value
    ):
        raise web.HTTPError(400, "A view's fingerprints must be a list of at most 8 strings.")
    return value


class ExportHandler(_PinsHandler):
    """``POST .../pins/export`` ``{title, kernel_id?, views: [{spec, data, fingerprints?}]}`` -> the self-contained
    HTML page. With ``kernel_id`` the kernel encodes the views' frames as ``export()`` does (op
    ``export_codes``), so that the page filters offline; 409 while the kernel is busy; a kernel that cannot
    encode gives a page without codes that says why."""

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
            offline = None
            if body.get("kernel_id") is not None:
                offline = await self.offline(body["kernel_id"], payloads, [_fingerprints(v) for v in views])
            page = render_page(payloads, title[:200], offline)
        except (PinError, ExportError) as exc:
            raise web.HTTPError(400, str(exc)) from None
        self.set_header("Content-Disposition", 'attachment; filename="symphony-board.html"')
        # Whether the page filters offline (codes of at least one view's frame), for the panel to say so.
        coded = bool(offline and any(v.get("frame") is not None for v in offline.get("views") or []))
        self.set_header("X-Symphony-Lab-Offline", "codes" if coded else "none")
        self.finish(page, set_content_type="text/html; charset=utf-8")

    async def offline(
        self, kernel_id: Any, payloads: list[dict[str, Any]], fingerprints: list[list[str | None] | None]
    ) -> dict[str, Any]:
        """The page's codes, from the kernel: the views are checked as the view route checks them first."""
        if not isinstance(kernel_id, str) or not KERNEL_ID.fullmatch(kernel_id):
            raise web.HTTPError(400, "kernel_id must be a kernel id.")
        try:
            watcher = await self.registry.get(kernel_id)
        except UnknownKernel:
            return without_codes("the kernel is not running any more", len(payloads))
        await watcher.wait_first_catalog(self.settings.get("symphony_lab_first_wait", 3.0))
        for i, payload in enumerate(payloads):
            try:
                watcher.analysis.view_request(payload["spec"], watcher.catalog.variables)
            except ViewError as exc:
                if exc.status == 400:
                    raise web.HTTPError(400, f"View {i + 1}: {exc}") from None
                # 404, a variable the kernel no longer holds: the kernel says so for that view.
        budget = int(self.settings.get("symphony_lab_export_budget", DEFAULT_BUDGET))
        self._watcher, self._ticket = watcher, ViewTicket()
        try:
            return await watcher.export_codes(codes_request(payloads, fingerprints, budget), self._ticket)
        except ViewError as exc:
            if exc.status in (400, 409):
                raise web.HTTPError(exc.status, str(exc)) from None
            return without_codes(str(exc), len(payloads))

    def on_connection_close(self) -> None:
        """The browser gave up on the export: cancel the kernel's encoding as a view's is cancelled."""
        watcher, ticket = getattr(self, "_watcher", None), getattr(self, "_ticket", None)
        if watcher is not None and ticket is not None:
            watcher.cancel(ticket)


def pin_handlers() -> list[tuple[str, type]]:
    return [(rf"/{API}/pins", PinHandler), (rf"/{API}/pins/export", ExportHandler)]
