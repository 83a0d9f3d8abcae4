"""The server's view of one kernel's catalog: what the kernel last said, and in what state it is."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# Kernel states as the watcher sees them.
STARTING, IDLE, BUSY, RESTARTING, DEAD, UNKNOWN = "starting", "idle", "busy", "restarting", "dead", "unknown"

# Catalog statuses: is the variable list trustworthy, and if not, why.
OK = "ok"
PENDING = "pending"
NOT_PYTHON = "not_python"
MISSING_PACKAGE = "missing_package"
ERROR = "error"
TIMEOUT = "timeout"
UNSUPPORTED = "unsupported"

MISSING_PACKAGE_MESSAGE = (
    "symphony-lab is not installed in this kernel's Python environment, so the panel cannot look "
    "inside it. Install it there (for example run `%pip install symphony-lab` in a cell), then "
    "restart the kernel."
)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Catalog:
    """One kernel's catalog as served to browsers (see docs/api.md)."""

    kernel_id: str
    state: str = UNKNOWN
    status: str = PENDING
    message: str | None = None
    language: str | None = None
    execution_count: int | None = None
    updated: int | None = None
    elapsed_ms: float | None = None
    truncated: str | None = None
    skipped: int = 0
    kernel_version: str | None = None
    variables: list[dict[str, Any]] = field(default_factory=list)
    kernel_board: dict[str, Any] | None = None  # the board state the kernel holds (not served)

    def to_json(self) -> dict[str, Any]:
        return {
            "kernel_id": self.kernel_id,
            "state": self.state,
            "status": self.status,
            "message": self.message,
            "language": self.language,
            "execution_count": self.execution_count,
            "updated": self.updated,
            "elapsed_ms": self.elapsed_ms,
            "truncated": self.truncated,
            "skipped": self.skipped,
            "kernel_version": self.kernel_version,
            "variables": self.variables,
        }

    def reset(self) -> None:
        """Forget what the kernel held (after a restart)."""
        self.status = PENDING
        self.message = None
        self.execution_count = None
        self.updated = None
        self.elapsed_ms = None
        self.truncated = None
        self.skipped = 0
        self.variables = []

    def known(self) -> dict[str, str]:
        """Fingerprints of the entries held, sent with the next request so unchanged ones come back short."""
        if self.status != OK:
            return {}
        return {v["name"]: v["fingerprint"] for v in self.variables if "fingerprint" in v and "name" in v}

    def apply_reply(self, expression: dict[str, Any] | None) -> None:
        """Update from the ``user_expressions`` entry of a catalog reply."""
        if expression is None:
            self.status = UNSUPPORTED
            self.message = (
                "This kernel did not evaluate the catalog request (it does not support user "
                "expressions). symphony-lab needs an IPython kernel (ipykernel)."
            )
            return
        if expression.get("status") != "ok":
            ename = str(expression.get("ename", ""))
            evalue = str(expression.get("evalue", ""))
            if ename in ("ModuleNotFoundError", "ImportError") and "symphony_lab" in evalue:
                self.status = MISSING_PACKAGE
                self.message = MISSING_PACKAGE_MESSAGE
            else:
                self.status = ERROR
                self.message = f"The kernel could not take the catalog: {ename}: {evalue}"[:500]
            return
        payload = (expression.get("data") or {}).get("application/json")
        if not isinstance(payload, dict):
            self.status = ERROR
            self.message = "The kernel answered the catalog request with something that is not a catalog."
            return
        self.kernel_version = payload.get("kernel_version")
        board = payload.get("board")
        self.kernel_board = board if isinstance(board, dict) else None
        if "error" in payload:
            self.status = ERROR
            self.message = f"The kernel could not take the catalog: {payload['error']}"[:500]
            return
        variables = payload.get("variables")
        previous = {v.get("name"): v for v in self.variables}
        merged: list[dict[str, Any]] = []
        for item in variables if isinstance(variables, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("unchanged"):
                # The kernel said it is the entry we hold (we sent its fingerprint with the request).
                kept = previous.get(item.get("name"))
                if kept is None:
                    self.status = ERROR
                    self.message = "The kernel referred to an entry this server does not hold."
                    self.variables = []
                    return
                merged.append(kept)
            else:
                merged.append(item)
        self.variables = merged
        self.status = OK
        self.message = None
        self.execution_count = payload.get("execution_count")
        self.elapsed_ms = payload.get("elapsed_ms")
        self.truncated = payload.get("truncated")
        self.skipped = int(payload.get("skipped") or 0)
        self.updated = now_ms()
