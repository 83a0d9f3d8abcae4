"""Code that runs inside the user's kernel.

Nothing here is imported by the server process at request time; the server only ever sends the kernel
one fixed expression (:data:`ENTRY_EXPRESSION`) and puts the request itself (operation, variable name,
caps) in the execute request's metadata, so a name that came from a browser is data, never code.
"""

from __future__ import annotations

from .protocol import ENTRY_EXPRESSION, PROTOCOL_VERSION, handle_request

__all__ = ["ENTRY_EXPRESSION", "PROTOCOL_VERSION", "handle_request"]
