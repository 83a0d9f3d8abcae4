"""The kernel end of the watcher's request.

The server sends a silent ``execute_request`` with empty code, ``store_history`` off and one user
expression, :data:`ENTRY_EXPRESSION`. IPython evaluates it after the (empty) cell: no execution count
is spent, no ``_``/``Out`` entry is made, no pre/post-run hooks fire and nothing is published on IOPub
but the busy/idle status. The expression reads the request from the parent message's metadata and
returns a :class:`JSONResult`, which IPython formats as ``application/json`` into the reply.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from .catalog import CatalogOptions, describe_variable, take_catalog
from .safe import interrupted, safe_message

PROTOCOL_VERSION = 1
METADATA_KEY = "symphony_lab"
ENTRY_EXPRESSION = "__import__('symphony_lab.kernel.protocol', fromlist=['_']).handle_request()"


class JSONResult:
    """Carries a JSON-able dict through IPython's display formatter without a repr of user data."""

    __slots__ = ("payload",)

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def _repr_json_(self) -> dict[str, Any]:
        return self.payload

    def __repr__(self) -> str:  # text/plain is always produced by IPython; keep it tiny
        return "<symphony_lab result>"


def _current_request() -> tuple[dict[str, Any], dict[str, Any]]:
    """The parent request's metadata for us, and the user namespace."""
    ip = None
    ipython_mod = sys.modules.get("IPython")
    if ipython_mod is not None:
        ip = ipython_mod.get_ipython()
    if ip is None:
        main = sys.modules["__main__"]
        return {}, vars(main)
    request: dict[str, Any] = {}
    kernel = getattr(ip, "kernel", None)
    if kernel is not None:
        parent = kernel.get_parent("shell") or {}
        meta = parent.get("metadata") or {}
        candidate = meta.get(METADATA_KEY)
        if isinstance(candidate, dict):
            request = candidate
    return request, ip.user_ns


def _execution_count() -> int | None:
    ipython_mod = sys.modules.get("IPython")
    ip = ipython_mod.get_ipython() if ipython_mod is not None else None
    if ip is None:
        return None
    # ``execution_count`` is the number the *next* cell will get.
    return int(ip.execution_count) - 1


def handle_request() -> JSONResult:
    """Entry point evaluated by the kernel for every watcher request."""
    from .. import __version__ as version

    started = time.perf_counter()
    base: dict[str, Any] = {
        "protocol": PROTOCOL_VERSION,
        "kernel_version": version,
        "execution_count": _execution_count(),
    }
    try:
        request, namespace = _current_request()
        options = CatalogOptions.from_request(request.get("options"))
        op = request.get("op", "catalog")
        if op == "catalog":
            base.update(take_catalog(namespace, options, request.get("known")))
            board = sys.modules.get("symphony_lab.kernel.board")
            if board is not None:  # only once a board state exists in this kernel
                base["board"] = board.snapshot()
        elif op == "describe":
            base["variable"] = describe_variable(namespace, request.get("name"), options)
        elif op == "board":
            from . import board

            state = request.get("state")
            if type(state) is dict:
                board.receive(state)
            base["board"] = board.snapshot()
        elif op == "profile":
            from . import analysis  # imports pandas: only ever asked for when the user has frames

            base.update(analysis.profile(namespace, request, options))
        elif op == "compute":
            from . import analysis, encode, progress

            # Progress goes out on IOPub (a message type of our own, parented to this request) only
            # when the server listens for it; the data goes back Arrow-encoded when it asked so.
            reporter = progress.iopub_reporter() if request.get("progress") is True else None
            with progress.reporting(reporter):
                result = analysis.compute(namespace, request, options)
            base.update(encode.encode_result(result, request.get("encoding")))
        elif op == "export_codes":
            from ..pins import cube  # numpy and pandas: asked for only when views of frames are exported

            base.update(cube.codes_for_request(namespace, request))
        else:
            base["error"] = f"unknown operation {op!r}"[:200]
    except Exception as exc:  # never a traceback in anyone's notebook
        if interrupted(exc):
            # An interrupt (a cancelled view, a restart) that landed while a module of ours was being
            # imported, wrapped by Python: the server must hear of an interrupt, not of a failure.
            raise KeyboardInterrupt from None
        base["error"] = safe_message(exc)
    base["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 3)
    return JSONResult(base)
