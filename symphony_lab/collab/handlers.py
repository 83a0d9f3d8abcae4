"""REST routes of the board (thin: the logic is in store.py and annotations.py).

Every route is authenticated and authorized on ``symphony_lab``, and on ``contents`` like the
notebook itself: reading a board needs read access to contents, changing it needs write access.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from ..handlers import API, AUTH_RESOURCE
from . import annotations
from .format import BoardFormatError, board_path_for, check_state_value, check_view, is_id
from .store import BoardStore

MAX_BODY = 4 * 1024 * 1024


class BoardHandlerBase(ExtensionHandlerMixin, APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def store(self) -> BoardStore:
        return self.settings["symphony_lab_boards"]

    def check_contents(self, action: str) -> None:
        """The same rights as the notebook: ``action`` on the contents resource."""
        if not self.authorizer.is_authorized(self, self.current_user, action, "contents"):
            raise web.HTTPError(403, f"You are not allowed to {action} this notebook's files.")

    async def paths(self) -> tuple[str, str]:
        notebook = self.get_query_argument("notebook", "")
        try:
            path = board_path_for(notebook)
        except BoardFormatError as exc:
            raise web.HTTPError(400, str(exc)) from None
        notebook = notebook.strip("/")
        if not await ensure_async(self.store.contents.file_exists(notebook)):
            raise web.HTTPError(404, "No such notebook.")
        return notebook, path

    def body(self) -> Any:
        if len(self.request.body or b"") > MAX_BODY:
            raise web.HTTPError(413, "The request is too large.")
        try:
            return json.loads(self.request.body or b"null")
        except ValueError:
            raise web.HTTPError(400, "The body is not JSON.") from None

    def status(self, path: str, notebook: str) -> dict[str, Any]:
        collaborative = self.store.collaborative
        return {
            "path": path,
            "notebook": notebook,
            "collaborative": collaborative,
            "reason": None
            if collaborative
            else "jupyter-collaboration is not enabled on this server: the board is saved for you alone.",
        }


class BoardHandler(BoardHandlerBase):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.check_contents("read")
        notebook, path = await self.paths()
        exists = await self.store.exists(path)
        board = await self.store.read(path) if exists else None
        self.finish(json.dumps({**self.status(path, notebook), "exists": exists, "board": board}))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Create the board file if it does not exist (an empty board)."""
        self.check_contents("write")
        notebook, path = await self.paths()
        created = await self.store.ensure(path, notebook)
        self.set_status(201 if created else 200)
        self.finish(json.dumps({**self.status(path, notebook), "exists": True, "created": created}))

    @web.authenticated
    @authorized
    async def put(self) -> None:
        """Save views and shared state (the single-user board, without collaboration)."""
        self.check_contents("write")
        notebook, path = await self.paths()
        body = self.body()
        if not isinstance(body, dict):
            raise web.HTTPError(400, "The body is {views, state}.")
        views = body.get("views")
        state = body.get("state")
        try:
            if views is not None:
                if not isinstance(views, dict) or not all(is_id(k) for k in views):
                    raise BoardFormatError("views is an object keyed by view id.")
                views = {k: check_view(v) for k, v in views.items()}
            if state is not None:
                if not isinstance(state, dict):
                    raise BoardFormatError("state is an object.")
                state = {k: check_state_value(k, v) for k, v in state.items()}
        except BoardFormatError as exc:
            raise web.HTTPError(400, str(exc)) from None

        def change(doc: Any) -> dict[str, Any]:
            if views is not None:
                doc.set_views(views)
            if state is not None:
                doc.set_state(state)
            return doc.to_dict()

        board = await self.store.apply(path, notebook, change)
        self.finish(json.dumps({**self.status(path, notebook), "exists": True, "board": board}))


class AnnotationsHandler(BoardHandlerBase):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        """One annotation operation (create, reply, edit, resolve, reopen), stamped with the user."""
        self.check_contents("write")
        notebook, path = await self.paths()
        request = self.body()
        try:
            author = annotations.author_of(self.current_user)
        except annotations.AnnotationError as exc:
            raise web.HTTPError(exc.status, str(exc)) from None
        try:
            entry = await self.store.apply(path, notebook, lambda doc: annotations.apply(doc, request, author))
        except annotations.AnnotationError as exc:
            raise web.HTTPError(exc.status, str(exc)) from None
        self.finish(json.dumps(entry))


def collab_handlers() -> list[tuple[str, type]]:
    return [
        (rf"/{API}/boards", BoardHandler),
        (rf"/{API}/boards/annotations", AnnotationsHandler),
    ]
