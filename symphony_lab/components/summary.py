"""Summary: rows and columns; per column its type, missing, distinct, range or top values, a histogram.

Distinct counts of more than 200,000 numeric values with many distinct ones are estimated (within about
1 %, kernel/sketch.py) and marked ``distinct_approx``; everything else is exact on the rows summarised."""

from __future__ import annotations

from functools import partial
from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, Suggestion

MAX_ROWS = 1_000_000


def _histogram(values: Any, bins: int, low: float | None = None, high: float | None = None) -> tuple[Any, Any]:
    """Equal-width histogram of finite values by direct bin arithmetic and one bincount (the same
    counts as ``numpy.histogram``: the last bin includes the maximum). ``low``/``high``: the values'
    min and max when the caller has them."""
    import numpy as np

    low = float(values.min()) if low is None else low
    high = float(values.max()) if high is None else high
    if high == low:
        high = low + 1.0 if low == 0 else low + abs(low) * 1e-9 + 1e-9
    edges = np.linspace(low, high, bins + 1)
    index = ((values - low) * (bins / (high - low))).astype(np.int64)
    np.clip(index, 0, bins - 1, out=index)
    return np.bincount(index, minlength=bins), edges


class Summary(Component):
    name = "summary"
    title = "Summary"
    description = "Every column at a glance: type, missing values, distinct values, range or top values, histogram."
    params_schema = {
        "type": "object",
        "properties": {"bins": {"type": "integer", "minimum": 2, "maximum": 100, "default": 20}},
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        shape = entry.get("shape") or [0]
        rows, cols = shape[0], (shape[1] if len(shape) > 1 else 1)  # a Series is one column
        return Suggestion(
            self.name,
            (entry["name"],),
            0.5,
            f"{rows:,} rows × {cols:,} columns: types, missing values and ranges of every column",
        )

    def findings(self, entries: Sequence[Entry], context: Context) -> list[Finding]:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        if not profile or profile["rows"] < 2:
            return []
        out = []
        for col in profile["columns"]:
            # One value and nothing missing (or nothing at all): no information. One value with
            # missing values is a flag (present / missing), which can matter: not reported.
            if col.get("distinct") == 0 or (col.get("distinct") == 1 and col["missing"] == 0):
                what = "only missing values" if col["distinct"] == 0 else "one value"
                out.append(
                    Finding(
                        "constant_column",
                        "medium",
                        (entry["name"],),
                        f"`{col['name']}` in {entry['name']} holds {what}: it carries no information",
                        self.name,
                        {},
                        {"column": col["name"], "distinct": col["distinct"]},
                    )
                )
            elif col.get("id_like"):
                out.append(
                    Finding(
                        "id_like",
                        "low",
                        (entry["name"],),
                        f"`{col['name']}` in {entry['name']} is unique on every row: an identifier, "
                        "not a feature (a model can memorise it)",
                        self.name,
                        {},
                        {"column": col["name"], "distinct": col["distinct"]},
                    )
                )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import pandas as pd

        from ..kernel.frames import view_rows
        from ..kernel.parallel import run_all

        (df,) = objects
        rows = view_rows(df, state, MAX_ROWS)
        frame = rows.frame
        series = [(label, frame[label]) for label in list(frame.columns[:500])]
        series = [(label, col) for label, col in series if isinstance(col, pd.Series)]
        bins = params["bins"]
        columns = run_all([partial(_column, label, col, bins) for label, col in series], len(frame))
        return {**rows.counts(), "columns_total": int(df.shape[1]), "columns": columns}


def _column(label: Any, col: Any, bins: int) -> dict[str, Any]:
    """One column's line of the summary."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import column_kind, json_value
    from ..kernel.safe import safe_label
    from ..kernel.sketch import distinct_count

    kind = column_kind(col)
    if kind == "numeric" and isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":
        return _numeric_column(safe_label(label), col, bins)
    missing = int(col.isna().sum())
    info: dict[str, Any] = {"name": safe_label(label), "dtype": str(col.dtype), "kind": kind, "missing": missing}
    present = col.dropna()
    try:
        if kind in ("numeric", "datetime", "boolean") and isinstance(present.dtype, np.dtype):
            # Estimated above 200,000 values of many distinct values, and marked (kernel/sketch.py).
            distinct, exact = distinct_count(present.to_numpy())
        else:
            distinct, exact = int(col.nunique(dropna=True)), True
        info["distinct"] = distinct
        if not exact:
            info["distinct_approx"] = True
    except TypeError:
        info["distinct"] = None
    if kind == "numeric" and len(present):
        values = present.to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values):
            info.update(
                min=json_value(values.min()),
                max=json_value(values.max()),
                mean=json_value(values.mean()),
                std=json_value(values.std(ddof=1)) if len(values) > 1 else None,
            )
            counts, edges = _histogram(values, bins)
            info["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    elif kind == "datetime" and len(present):
        info.update(min=json_value(present.min()), max=json_value(present.max()))
    elif len(present):
        try:
            if isinstance(present.dtype, pd.CategoricalDtype):  # counted on the codes
                top = present.value_counts()
                top = top[top > 0].head(5)
            else:
                # Counted on the values themselves, then merged by their text (1 and "1" are one value):
                # converting every row to text first cost half a second for a million booleans.
                counts = present.value_counts()
                labels = counts.index.astype("string")
                top = counts.groupby(labels, sort=False).sum().sort_values(ascending=False, kind="stable").head(5)
            info["top"] = [{"value": json_value(k), "count": int(v)} for k, v in top.items()]
        except TypeError:
            pass
    return info


def _numeric_column(name: str, col: Any, bins: int) -> dict[str, Any]:
    """``_column`` for a numpy integer or float column, on the array itself: the same figures in about
    half the passes over the values (no missing values to look for in integers, min and max once)."""
    import numpy as np

    from ..kernel.frames import json_value
    from ..kernel.sketch import distinct_count

    array = col.to_numpy()
    present = array
    missing = 0
    if array.dtype.kind == "f":
        nan = np.isnan(array)
        missing = int(np.count_nonzero(nan))
        if missing:
            present = array[~nan]
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": "numeric", "missing": missing}
    distinct, exact = distinct_count(present)
    info["distinct"] = distinct
    if not exact:
        info["distinct_approx"] = True
    if len(present) == 0:
        return info
    values = present.astype(float, copy=False)
    low, high = float(values.min()), float(values.max())
    if not (np.isfinite(low) and np.isfinite(high)):  # infinities: the figures are of the finite values
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return info
        low, high = float(values.min()), float(values.max())
    info.update(
        min=json_value(low),
        max=json_value(high),
        mean=json_value(values.mean()),
        std=json_value(values.std(ddof=1)) if len(values) > 1 else None,
    )
    counts, edges = _histogram(values, bins, low, high)
    info["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    return info
