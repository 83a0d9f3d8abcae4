"""The board's selection, resolved in the kernel.

A selection is made in one view (a confusion cell, a lasso on the embedding map, a duplicate group) and
described by that view's component: ``{component, variables, params, spec, label}``. The kernel asks the
component which rows of its first variable the spec means (``Component.select`` -> boolean mask) and keeps
their index labels; every other view is computed on the rows whose index labels are among them (frames
split from one another keep their labels, so a selection made on ``X_test`` also selects in ``df``).
The last resolution is cached by the selection and the fingerprints of its variables.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

Lookup = Callable[[str], Any]
Fingerprint = Callable[[Any], "str | None"]

_cache: tuple[str, Any] | None = None


class SelectionError(Exception):
    """A selection that cannot be resolved (its variables are gone, its component refuses the spec)."""


def is_source(selection: dict[str, Any], component: str, variables: Sequence[str]) -> bool:
    """Whether a view (component over variables) is the one that made the selection: it draws the
    selection itself and is computed without it."""
    return selection.get("component") == component and list(selection.get("variables") or []) == list(variables)


def labels_of(obj: Any) -> Any:
    """The row labels of a frame, series or array (positions for arrays)."""
    import pandas as pd

    index = getattr(obj, "index", None)
    if isinstance(index, pd.Index):
        return index
    return pd.RangeIndex(len(obj))


def resolve(
    selection: dict[str, Any],
    components: dict[str, Any],
    lookup: Lookup,
    prepare: Callable[[Any, str, Any], Any],
    fingerprint: Fingerprint,
) -> Any:
    """The index labels a selection means. ``prepare(component, name, value)`` gives the object a
    component's compute/select receives for a variable."""
    global _cache
    import numpy as np

    from ..components.base import ParamError

    component = components.get(selection.get("component"))
    if component is None or not getattr(component, "selects", False):
        raise SelectionError(f"component {str(selection.get('component'))[:100]!r} makes no selections")
    names = list(selection.get("variables") or [])
    values = [lookup(n) for n in names]
    key = json.dumps(
        [selection.get("component"), names, selection.get("params"), selection.get("spec"), [fingerprint(v) for v in values]],
        sort_keys=True,
        default=str,
    )
    if _cache is not None and _cache[0] == key:
        return _cache[1]
    import pandas as pd

    objects = [prepare(component, n, v) for n, v in zip(names, values)]
    try:
        params = component.check_params(selection.get("params"))
        params["_variables"] = names
        params["_fingerprint"] = fingerprint
        chosen = component.select(objects, params, selection.get("spec") or {})
    except ParamError as exc:
        raise SelectionError(str(exc)) from None
    except Exception as exc:
        from .models import ModelError

        if isinstance(exc, ModelError):
            raise SelectionError(str(exc)) from None
        raise
    if isinstance(chosen, pd.Index):  # the component named the labels itself (e.g. rows of X for a model)
        selected = chosen
    else:
        mask = np.asarray(chosen, dtype=bool)
        labels = labels_of(objects[0])
        if mask.shape != (len(labels),):
            raise SelectionError(f"{component.name} selected {mask.shape} rows of {len(labels)}")
        selected = labels[mask]
    _cache = (key, selected)
    return selected


def clear_cache() -> None:
    global _cache
    _cache = None
