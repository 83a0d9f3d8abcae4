"""Where a board lives: the live room's document when collaboration is on, else its file.

Every write of the server (an annotation, a single-user save) is a function applied to a ``YBoard``:

- with jupyter-collaboration, to the room's own document (created if nobody has the board open), so
  that every connected browser sees it at once; the room is then saved to the file without waiting
  for its autosave delay;
- without it, to a ``YBoard`` loaded from the file, under a per-file lock, and written back through
  a temporary file renamed over the old one (atomic.py: never an empty or half-written file).

Either way the file is the board's canonical JSON, and the contents manager decides who may read
and write it, as for the notebook beside it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_core.utils import ensure_async
from tornado import web

from .atomic import save_text
from .format import BOARD_CONTENT_TYPE, BOARD_FORMAT, BoardFormatError, dump_board, empty_board, parse_board
from .rooms import RoomGuards, ydoc_extension
from .ydoc import YBoard

T = TypeVar("T")


class BoardStore:
    def __init__(self, serverapp: Any, guards: RoomGuards, log: logging.Logger):
        self.serverapp = serverapp
        self.guards = guards
        self.log = log
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def contents(self) -> Any:
        return self.serverapp.contents_manager

    @property
    def collaborative(self) -> bool:
        return ydoc_extension(self.serverapp) is not None and self.guards.attach(self.serverapp)

    def _lock(self, path: str) -> asyncio.Lock:
        lock = self._locks.get(path)
        if lock is None:
            lock = self._locks[path] = asyncio.Lock()
        return lock

    async def exists(self, path: str) -> bool:
        return bool(await ensure_async(self.contents.file_exists(path)))

    async def ensure(self, path: str, notebook: str) -> bool:
        """Create the board file (an empty board) if it does not exist; True when it was created."""
        async with self._lock(path):
            if await self.exists(path):
                return False
            await self._write(path, dump_board(empty_board(notebook)))
            return True

    async def read(self, path: str) -> dict[str, Any]:
        """The board as plain data: the live document's when a room holds it, else the file's."""
        app = ydoc_extension(self.serverapp)
        if app is not None and self.collaborative:
            doc = await app.get_document(
                path=path, content_type=BOARD_CONTENT_TYPE, file_format=BOARD_FORMAT, copy=False, create=False
            )
            if isinstance(doc, YBoard):
                return doc.to_dict()
        return await self._read_file(path)

    async def apply(self, path: str, notebook: str, change: Callable[[YBoard], T]) -> T:
        """Apply a change to the board (its live document, or its file) and persist it."""
        await self.ensure(path, notebook)
        app = ydoc_extension(self.serverapp)
        if app is not None and self.collaborative:
            doc = await app.get_document(
                path=path, content_type=BOARD_CONTENT_TYPE, file_format=BOARD_FORMAT, copy=False, create=True
            )
            if not isinstance(doc, YBoard):
                raise web.HTTPError(500, "The board's document is not a symphony-lab board.")
            result = change(doc)
            await self._save_room(path)
            return result
        async with self._lock(path):
            board = await self._read_file(path)
            doc = YBoard()
            doc.set_dict(board)
            result = change(doc)
            text = doc.get()
            if text != dump_board(board):
                await self._write(path, text)
            return result

    async def _save_room(self, path: str) -> None:
        server = self.guards.server
        if server is None:
            return
        for room in list(getattr(server, "rooms", {}).values()):
            if getattr(room, "file_type", None) != BOARD_CONTENT_TYPE:
                continue
            try:
                # A room whose file was deleted (or moved) has no path: its loader raises.
                room_path = getattr(getattr(room, "_file", None), "path", None)
            except Exception:
                continue
            if room_path != path:
                continue
            save = getattr(room, "_save_to_disc", None)
            task = save() if save is not None else None
            if task is not None:
                try:
                    await task
                except asyncio.CancelledError:  # pragma: no cover - a newer save took over
                    pass

    async def _read_file(self, path: str) -> dict[str, Any]:
        try:
            model = await ensure_async(self.contents.get(path, type="file", format="text", content=True))
        except web.HTTPError as exc:
            if exc.status_code == 404:
                raise web.HTTPError(404, "This notebook has no board yet.") from None
            raise
        try:
            return parse_board(model.get("content"))
        except BoardFormatError as exc:
            raise web.HTTPError(409, f"The board file cannot be read: {exc}") from None

    async def _write(self, path: str, text: str) -> None:
        # A temporary file renamed over the old one: never an empty or half-written board (atomic.py).
        await save_text(self.contents, path, text)
