"""Helpers that look at objects without running any of their code.

``type()`` and identity never run user code; everything else here checks exact types first so that a
user's ``__repr__``, ``__str__``, ``__eq__``, ``__hash__`` or ``__getattr__`` is never reached.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

_PLAIN_SCALARS = (str, int, float, bool, type(None), bytes, complex)
# Membership by identity: ``tp in (int, ...)`` would compare with ``==``, which a metaclass may define.
PLAIN_SCALAR_IDS = frozenset(id(t) for t in _PLAIN_SCALARS)
_REPR_SAFE_IDS = frozenset(id(t) for t in (int, bool, float, complex, type(None)))
MAX_LABEL = 120


def type_attr(tp: type, attr: str, default: Any = None) -> Any:
    """Read an attribute of a class, bypassing any metaclass ``__getattribute__``."""
    try:
        return type.__getattribute__(tp, attr)
    except Exception:
        return default


def qualified_type_name(tp: type) -> str:
    module = type_attr(tp, "__module__", "") or ""
    name = type_attr(tp, "__qualname__", "") or type_attr(tp, "__name__", "?")
    if type(module) is not str or type(name) is not str:
        return "?"
    return f"{module}.{name}" if module and module != "builtins" else name


def safe_label(value: Any, depth: int = 0) -> str:
    """A text label for a column name, class label or dtype, never calling the object's own code."""
    tp = type(value)
    if tp is str:
        text = value
    elif tp is int and value.bit_length() > 256:
        text = f"<int of {value.bit_length()} bits>"
    elif id(tp) in _REPR_SAFE_IDS:
        text = repr(value)
    elif tp is bytes:
        text = repr(value[:MAX_LABEL])
    elif tp is tuple and depth < 2:
        text = "(" + ", ".join(repr(v) if type(v) is str else safe_label(v, depth + 1) for v in value[:8]) + (", …" if len(value) > 8 else "") + ")"
    else:
        numpy_mod = _numpy()
        if numpy_mod is not None and _is_numpy_scalar(value, numpy_mod):
            text = repr(value.item())
        else:
            text = f"<{qualified_type_name(tp)}>"
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return text


def _numpy() -> Any:
    import sys

    return sys.modules.get("numpy")


def _is_numpy_scalar(value: Any, np: Any) -> bool:
    generic = getattr(np, "generic", None)
    return generic is not None and any(b is generic for b in type_attr(type(value), "__mro__", ()))


def interrupted(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is somewhere in the exception's chain of causes (Python wraps one that
    lands in some places, e.g. ``RuntimeError: Error calling __set_name__`` while a class is made)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if type(current) is KeyboardInterrupt:
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def safe_message(exc: BaseException) -> str:
    """``Type: message`` of an exception, without trusting the exception's own ``__str__``."""
    name = qualified_type_name(type(exc))
    try:
        args = exc.args
        text = safe_label(args[0]) if args and type(args[0]) is str else ""
    except Exception:
        text = ""
    return f"{name}: {text}"[:500] if text else name


class Fingerprint:
    """Accumulates the parts of an object that matter into a short digest."""

    __slots__ = ("_h",)

    def __init__(self, *parts: Any) -> None:
        self._h = hashlib.blake2b(digest_size=10)
        for part in parts:
            self.add(part)

    def add(self, part: Any) -> None:
        tp = type(part)
        if tp is bytes:
            self._h.update(part)
        elif tp is int:
            self._h.update(hex(part).encode())
        elif id(tp) in PLAIN_SCALAR_IDS:
            self._h.update(repr(part).encode("utf-8", "surrogatepass"))
        elif tp is tuple or tp is list:
            self._h.update(b"(")
            for p in part:
                self.add(p)
            self._h.update(b")")
        else:
            self._h.update(safe_label(part).encode("utf-8", "surrogatepass"))
        self._h.update(b"\x1f")

    def hexdigest(self) -> str:
        return self._h.hexdigest()


@functools.lru_cache(maxsize=256)
def _positions(n: int, k: int) -> tuple[int, ...]:
    step = (n - 1) / (k - 1)
    return tuple(sorted({int(round(i * step)) for i in range(k)}))


def sample_positions(n: int, k: int) -> list[int]:
    """Up to ``k`` positions spread evenly over ``range(n)``, always the first and the last."""
    if n <= 0:
        return []
    if n <= k:
        return list(range(n))
    return list(_positions(n, k))


def object_tokens(values: Any) -> bytes:
    """Tokens for a handful of Python objects (an object column's sample) without calling their code."""
    out = []
    for v in values:
        tp = type(v)
        if tp is str:
            out.append(v.encode("utf-8", "surrogatepass"))
        elif tp is int:
            out.append(hex(v).encode())
        elif id(tp) in PLAIN_SCALAR_IDS:
            out.append(repr(v).encode())
        else:
            out.append(f"{qualified_type_name(tp)}@{id(v)}".encode())
    return b"\x1e".join(out)
