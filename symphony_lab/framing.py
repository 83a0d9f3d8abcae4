"""The binary answer of ``POST .../views`` for browsers that ask for it (``Accept: MEDIA_TYPE``).

Body: ``MAGIC`` then frames, each one byte of kind, a little-endian uint32 length and that many bytes:

- ``P`` progress, JSON ``{"fraction", "phase"}``: zero or more, while a long view computes (the body
  is streamed: these arrive before the answer);
- ``H`` the answer, JSON, as the JSON route gives it, with ``{"$arrow": i}`` where the data has a table
  and ``"encoding"`` saying ``arrow`` or ``json``;
- ``A`` an Arrow IPC stream: the i-th one is the table that ``{"$arrow": i}`` stands for;
- ``E`` an error that came after progress had been sent (the status line was already 200), JSON
  ``{"status", "message"}``.

Progress frames are sent only when the kernel reports progress (after a computation has run for a
moment), so a quick view is one ``H`` frame and its ``A`` frames.
"""

from __future__ import annotations

import json
import struct
from typing import Any

MEDIA_TYPE = "application/vnd.symphony-lab.view"
MAGIC = b"SLV1"
PROGRESS, HEADER, ARROW, ERROR = b"P", b"H", b"A", b"E"


def accepts_frames(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for the framed answer."""
    return any(part.split(";")[0].strip().lower() == MEDIA_TYPE for part in (accept or "").split(","))


def frame(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload


def json_frame(kind: bytes, value: Any) -> bytes:
    return frame(kind, json.dumps(value).encode("utf-8"))


def answer_frames(result: dict[str, Any]) -> bytes:
    """The ``H`` frame and the ``A`` frames of a view's answer."""
    streams = result.get("arrow") or []
    header = {k: v for k, v in result.items() if k != "arrow"}
    return json_frame(HEADER, header) + b"".join(frame(ARROW, s) for s in streams)


def parse_frames(body: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, payload) of each frame of a body (for tests and benchmarks); ValueError if malformed."""
    if not body.startswith(MAGIC):
        raise ValueError("not a symphony-lab view body")
    out, at = [], len(MAGIC)
    while at < len(body):
        if at + 5 > len(body):
            raise ValueError("truncated frame header")
        kind = body[at : at + 1]
        (size,) = struct.unpack("<I", body[at + 1 : at + 5])
        if at + 5 + size > len(body):
            raise ValueError("truncated frame")
        out.append((kind, body[at + 5 : at + 5 + size]))
        at += 5 + size
    return out
