"""Writing a board file so that a reader never sees it empty or half written.

jupyter_server's "atomic" writing truncates the file in place and keeps a backup to restore on error:
a reader (git, an editor, a teammate's sync tool) can see an empty file meanwhile. A board file is
written instead to a temporary file in the same folder, flushed to disk, and renamed over the old one
(``os.replace``: atomic on POSIX and Windows). This applies when the contents manager keeps files on
the local disk (it has ``_get_os_path``); any other contents manager is used as it is.
"""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Any

from jupyter_core.utils import ensure_async


def os_path(contents_manager: Any, path: str) -> str | None:
    """The local file of a contents path, or None when the contents manager is not on local disk."""
    get = getattr(contents_manager, "_get_os_path", None)
    if get is None:
        return None
    try:
        return str(get(path))
    except Exception:
        return None


def write_atomically(target: str, text: str) -> None:
    folder = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".~symphony-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


async def save_text(contents_manager: Any, path: str, text: str) -> dict[str, Any]:
    """Save a text file atomically (local disk) or through the contents manager; its model, no content."""
    target = os_path(contents_manager, path)
    if target is None:
        return await ensure_async(contents_manager.save({"type": "file", "format": "text", "content": text}, path))
    write_atomically(target, text)
    return await ensure_async(contents_manager.get(path, content=False, require_hash=True))


def atomic_room_saves(loader: Any, contents_manager: Any) -> None:
    """Make a jupyter-collaboration file loader save this (board) file atomically."""
    if getattr(loader, "_symphony_atomic", False) or os_path(contents_manager, getattr(loader, "path", "")) is None:
        return
    original = loader._save_content_at_path

    async def save(model: dict[str, Any], path: str) -> dict[str, Any]:
        if model.get("format") != "text" or not isinstance(model.get("content"), str):
            return await original(model, path)
        saved = await save_text(contents_manager, path, model["content"])
        loader.last_modified = saved["last_modified"]
        return saved

    loader._save_content_at_path = save
    loader._symphony_atomic = True
