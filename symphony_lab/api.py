"""Python API in the notebook: the board's selection and filter, from code."""

from __future__ import annotations

import sys
from typing import Any

from .kernel import board


def board_state() -> dict[str, Any]:
    """The board's shared state as last received:
    ``{"filter": [...], "selection": {...} or None, "groups": {...} or None, "views": [...]}``; each open view is
    ``{"component", "variables", "params"}`` (params as the board has them, checked by the server; ``{}``: defaults)."""
    state = board.snapshot()
    return {k: state[k] for k in ("filter", "selection", "groups", "views")}


def _namespace() -> dict[str, Any]:
    ipython = sys.modules.get("IPython")
    ip = ipython.get_ipython() if ipython is not None else None
    return ip.user_ns if ip is not None else vars(sys.modules["__main__"])


def _selected_labels(state: dict[str, Any], namespace: dict[str, Any]) -> Any:
    """The index labels of the board's selection, or None when nothing is selected."""
    selection = state.get("selection")
    if not isinstance(selection, dict):
        return None
    from .components.registry import load_components
    from .kernel.analysis import _fingerprint, _prepare
    from .kernel.catalog import CatalogOptions
    from .kernel.selection import SelectionError, resolve

    def lookup(name: str) -> Any:
        if name not in namespace:
            raise SelectionError(f"the selection was made on {name}, which the kernel no longer holds")
        return namespace[name]

    try:
        return resolve(selection, load_components(), lookup, _prepare, lambda v: _fingerprint(v, CatalogOptions()))
    except SelectionError as exc:
        raise ValueError(f"The board's selection cannot be resolved: {exc}") from None


def selection(data: Any = None) -> Any:
    """The rows of ``data`` (a pandas DataFrame or Series) that pass the board's filter and are in its
    selection (a confusion cell, a lasso, a duplicate group clicked in a view).

    Without ``data``: the frame of the first view open on the board, looked up by name in the
    namespace. Raises ValueError when there is nothing to select from."""
    import pandas as pd

    from .kernel.frames import apply_filter

    state = board.snapshot()
    namespace = _namespace()
    if data is None:
        names = [v for view in state["views"] for v in view.get("variables", [])[:1]]
        data = next((namespace[n] for n in names if n in namespace and isinstance(namespace[n], (pd.DataFrame, pd.Series))), None)
        if data is None:
            raise ValueError("No view is open on the board: pass the frame, e.g. symphony_lab.selection(df)")
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        raise TypeError("selection() takes a pandas DataFrame or Series")
    effective = {"filter": state["filter"]}
    labels = _selected_labels(state, namespace)
    if labels is not None:
        effective["_selected"] = labels
    if isinstance(data, pd.Series):
        if not state["filter"] and labels is None:
            return data
        return data[apply_filter(data.to_frame(), effective).index]
    return apply_filter(data, effective)


def set_filter(column: str, *, min: Any = None, max: Any = None, values: list[Any] | None = None) -> None:
    """Filter the board from Python: a range (``min``/``max``) or a set of ``values`` on ``column``.
    Replaces any clause on the same column; the boards follow after this cell ends."""
    if not isinstance(column, str):
        raise TypeError("column must be a column name (str)")
    if values is not None:
        clause: dict[str, Any] = {"column": column, "op": "in", "values": [v for v in values]}
    elif min is not None or max is not None:
        clause = {"column": column, "op": "range", "min": min, "max": max}
    else:
        raise ValueError("give min and/or max, or values")
    clauses = [c for c in board.snapshot()["filter"] if c.get("column") != column]
    board.set_filter(clauses + [clause])


def clear_filter(column: str | None = None) -> None:
    """Remove the board's filter on ``column``, or all of it."""
    clauses = [] if column is None else [c for c in board.snapshot()["filter"] if c.get("column") != column]
    board.set_filter(clauses)


def show(obj: Any, component: str | None = None, *others: Any, **params: Any) -> Any:
    """A view of ``obj`` in the cell, as a widget drawn like the side panel's (see ``symphony_lab.pins.show``)."""
    from .pins.show import show as _show

    return _show(obj, component, *others, **params)


def export(views: Any = None, path: str = "report.html", title: str | None = None, **options: Any) -> Any:
    """Write views (show() results, or the board's open views) as one self-contained HTML file; ``options``:
    ``offline`` (default True: binned codes so that filtering in the page computes the views again) and
    ``offline_budget`` (bytes of codes before rows are sampled)."""
    from .pins.export import export as _export

    return _export(views, path, title, **options)
