"""The catalog: what the user's namespace holds, described cheaply.

Only objects whose type descends from a known class of an already-imported library are described;
every other object is counted and left alone (no repr, no len, no attribute access). A time budget and
a variable cap bound the work; caches keyed by object identity keep repeated catalogs of unchanged
namespaces cheap.
"""

from __future__ import annotations

import fnmatch
import keyword
import time
import types
from dataclasses import dataclass, field
from typing import Any

from .describe import Describer, Limits, known_classes
from .safe import qualified_type_name, safe_message, type_attr

# Names IPython puts in every namespace; hidden unless the user rebinds them.
_ALWAYS_HIDDEN = frozenset({"In", "Out", "exit", "quit", "get_ipython"})


@dataclass(frozen=True)
class CatalogOptions:
    max_variables: int = 500
    max_columns: int = 100
    max_detail_columns: int = 5000
    max_labels: int = 50
    sample_rows: int = 16
    time_budget_ms: float = 250.0
    hidden: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_request(cls, raw: Any) -> "CatalogOptions":
        """Options sent by the server, validated: wrong types fall back to defaults, numbers are clamped."""
        if type(raw) is not dict:
            return cls()
        defaults = cls()

        def number(key: str, low: float, high: float) -> Any:
            value = raw.get(key, getattr(defaults, key))
            if type(value) not in (int, float):
                value = getattr(defaults, key)
            return type(getattr(defaults, key))(min(max(value, low), high))

        hidden_raw = raw.get("hidden", ())
        hidden = tuple(h for h in hidden_raw if type(h) is str)[:200] if type(hidden_raw) is list else ()
        return cls(
            max_variables=number("max_variables", 1, 100_000),
            max_columns=number("max_columns", 1, 10_000),
            max_detail_columns=number("max_detail_columns", 1, 100_000),
            max_labels=number("max_labels", 1, 10_000),
            sample_rows=number("sample_rows", 2, 1024),
            time_budget_ms=number("time_budget_ms", 1, 60_000),
            hidden=hidden,
        )

    def limits(self, detail: bool = False) -> Limits:
        return Limits(
            max_columns=self.max_detail_columns if detail else self.max_columns,
            max_labels=self.max_labels,
            sample_rows=self.sample_rows,
        )

    def is_hidden(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.hidden)


class _Classifier:
    """Finds the describer for a type by walking its MRO against the known classes, by identity."""

    def __init__(self) -> None:
        self._known = known_classes()
        self._by_type: dict[int, tuple[type, Describer | None]] = {}

    def describer(self, tp: type) -> Describer | None:
        cached = self._by_type.get(id(tp))
        if cached is not None and cached[0] is tp:
            return cached[1]
        found: Describer | None = None
        mro = type_attr(tp, "__mro__", ())
        if type(mro) is tuple:
            for cls, describer in self._known:
                if any(base is cls for base in mro):
                    found = describer
                    break
        self._by_type[id(tp)] = (tp, found)
        return found


_CODE_TYPES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)


def _is_code(value: Any) -> bool:
    """Modules, functions, methods and classes: not data, skipped without being counted."""
    mro = type_attr(type(value), "__mro__", ())
    return any(base is code for base in mro for code in _CODE_TYPES)


def _hidden_by_ipython(name: str, value: Any) -> bool:
    import sys

    ipython_mod = sys.modules.get("IPython")
    ip = ipython_mod.get_ipython() if ipython_mod is not None else None
    hidden = getattr(ip, "user_ns_hidden", None) if ip is not None else None
    if hidden is None:
        return name in _ALWAYS_HIDDEN
    return name in hidden and hidden[name] is value


def _describe(name: str, value: Any, describer: Describer, limits: Limits) -> dict[str, Any]:
    tp = type(value)
    try:
        entry = describer(value, limits)
    except Exception as exc:  # a broken object is an entry, never a traceback
        return {"name": name, "kind": "error", "type": qualified_type_name(tp), "error": safe_message(exc)}
    entry["name"] = name
    entry["type"] = qualified_type_name(tp)
    return entry


def take_catalog(
    namespace: dict[str, Any], options: CatalogOptions, known: dict[str, str] | None = None
) -> dict[str, Any]:
    """Describe the known objects of ``namespace`` within the options' caps.

    ``known`` maps names to the fingerprints the requester already holds: an entry whose fingerprint is
    the same is sent as ``{"name": ..., "unchanged": true}`` instead of in full, to keep replies small.
    """
    known = known if type(known) is dict else {}
    deadline = time.perf_counter() + options.time_budget_ms / 1000.0
    classifier = _Classifier()
    limits = options.limits()
    variables: list[dict[str, Any]] = []
    skipped = 0
    truncated = None
    items = list(namespace.items())
    for name, value in items:
        if type(name) is not str or name.startswith("_") or not name.isidentifier():
            continue
        if _hidden_by_ipython(name, value) or options.is_hidden(name):
            continue
        describer = classifier.describer(type(value))
        if describer is None:
            if not _is_code(value):
                skipped += 1
            continue
        if len(variables) >= options.max_variables:
            truncated = "variables"
            break
        if time.perf_counter() > deadline:
            truncated = "time"
            break
        described = _describe(name, value, describer, limits)
        fingerprint = described.get("fingerprint")
        if fingerprint is not None and known.get(name) == fingerprint:
            variables.append({"name": name, "unchanged": True})
        else:
            variables.append(described)
    return {"variables": variables, "skipped": skipped, "truncated": truncated}


def describe_variable(namespace: dict[str, Any], name: Any, options: CatalogOptions) -> dict[str, Any]:
    """Full description of one variable; ``name`` is data from the request, validated here too."""
    if type(name) is not str or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        return {"found": False, "error": "not a valid variable name"}
    if name not in namespace:
        return {"found": False}
    value = namespace[name]
    if _hidden_by_ipython(name, value) or options.is_hidden(name):
        return {"found": False}
    describer = _Classifier().describer(type(value))
    if describer is None:
        return {"found": True, "name": name, "kind": "other", "type": qualified_type_name(type(value))}
    entry = _describe(name, value, describer, options.limits(detail=True))
    entry["found"] = True
    return entry


__all__ = ["CatalogOptions", "take_catalog", "describe_variable"]
