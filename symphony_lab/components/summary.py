"""Summary: rows and columns; per column its type, missing, distinct, range or top values, a histogram.

Distinct counts of more than 200,000 numeric values with many distinct ones are estimated (within about
1 %, kernel/sketch.py) and marked ``distinct_approx``; everything else is exact on the rows summarised.

Under the board's filter the filtered frame is never built: each column takes its own rows (one ``take``
of their positions), integers over a small range are summarised from one bincount, categoricals from the
counts of their codes, and the distinct count of many floats or dates comes from the column's bottom-k
table (kernel/sketch.py) instead of hashing the kept values again. The answers are those of the plain
computation on the filtered frame (tests/test_summary_fast.py compares them)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, Suggestion

MAX_ROWS = 1_000_000


def _bins(bins: int, low: float, high: float) -> tuple[Any, float, float]:
    """Edges of ``bins`` equal-width bins from ``low`` to ``high``, and the low end and width factor of
    the bin arithmetic (a range of one value is widened as ``numpy.histogram`` does)."""
    import numpy as np

    if high == low:
        high = low + 1.0 if low == 0 else low + abs(low) * 1e-9 + 1e-9
    return np.linspace(low, high, bins + 1), low, bins / (high - low)


def _bin_index(values: Any, bins: int, low: float, scale: float) -> Any:
    """The bin of each finite value (float64) of ``_bins``: the last bin includes the maximum."""
    import numpy as np

    index = ((values - low) * scale).astype(np.int64)
    np.clip(index, 0, bins - 1, out=index)
    return index


def _histogram(values: Any, bins: int, low: float | None = None, high: float | None = None) -> tuple[Any, Any]:
    """Equal-width histogram of finite values by direct bin arithmetic and one bincount (the same
    counts as ``numpy.histogram``: the last bin includes the maximum). ``low``/``high``: the values'
    min and max when the caller has them."""
    import numpy as np

    low = float(values.min()) if low is None else low
    high = float(values.max()) if high is None else high
    edges, start, scale = _bins(bins, low, high)
    return np.bincount(_bin_index(values, bins, start, scale), minlength=bins), edges


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

        from ..kernel.frames import view_positions
        from ..kernel.parallel import run_all

        (df,) = objects
        rows = view_positions(df, state, MAX_ROWS)
        tables = _Tables(df, state, rows)
        bins = params["bins"]
        work = []
        for j, label in enumerate(list(df.columns[:500])):
            col = df[label]
            if isinstance(col, pd.Series):  # not a label that several columns share
                work.append(partial(_column, label, col, rows, bins, tables.source(j, col)))
        columns = run_all(work, rows.count)
        return {**rows.counts(), "columns_total": int(df.shape[1]), "columns": columns}


@dataclass
class _Tables:
    """Where the columns of one Summary get their bottom-k tables (kernel/sketch.py): cached per frame
    by identity, catalog fingerprint and column buffer (the trust the server's cache of views and the
    filter masks already place in the fingerprint). Numeric and datetime numpy columns of frames from
    EXACT_BELOW to TABLE_MAX_ROWS rows that have a fingerprint; a table is built when the view looks at
    a filter or at every row, and only read when it looks at an unfiltered sample (building would hash
    every row of the frame; the sample's own values are hashed instead)."""

    df: Any
    state: dict[str, Any] | None
    rows: Any  # frames.ViewPositions
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fingerprint: Any = None
    _asked: bool = False

    def fingerprint(self) -> Any:
        with self._lock:
            if not self._asked:
                self._asked = True
                of = (self.state or {}).get("_fingerprint")
                try:
                    self._fingerprint = of(self.df) if callable(of) else None
                except Exception:
                    self._fingerprint = None
            return self._fingerprint

    def source(self, position: int, col: Any) -> "_TableSource | None":
        import numpy as np

        from ..kernel.sketch import EXACT_BELOW, TABLE_MAX_ROWS

        dtype = col.dtype
        if not isinstance(dtype, np.dtype) or dtype.kind not in "fiumM":
            return None
        if not EXACT_BELOW <= len(self.df) <= TABLE_MAX_ROWS:
            return None
        if not callable((self.state or {}).get("_fingerprint")):
            return None
        build = not self.rows.sampled or self.rows.filtered < self.rows.rows
        return _TableSource(self, position, col, build)


@dataclass
class _TableSource:
    """One column's table, looked up (or built) only when the sketch needs it."""

    tables: _Tables
    position: int
    col: Any
    build: bool

    def kth(self) -> Any:
        """The kept rows' k-th smallest distinct hash from the column's table, or None (no table, or
        too few of them in it; a table there is no memory for is no table: the kept values are then
        hashed, as without one)."""
        from ..kernel.sketch import tables

        try:
            fingerprint = self.tables.fingerprint()
            if fingerprint is None:
                return None
            values = self.col.to_numpy()
            address = int(values.__array_interface__["data"][0])
            df = self.tables.df
            key = (id(df), fingerprint, self.position, address, len(values), values.dtype.str)
            table = tables.get_or_build(df, key, values) if self.build else tables.get(df, key, values)
            return None if table is None else table.kth(self.tables.rows.member(), self.tables.rows.count)
        except MemoryError:
            return None


def _column(label: Any, col: Any, rows: Any, bins: int, table: _TableSource | None) -> dict[str, Any]:
    """One column's line of the summary, on the rows ``rows`` (frames.ViewPositions) names."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import column_kind
    from ..kernel.safe import safe_label

    kind = column_kind(col)
    if kind == "numeric" and isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":
        return _numeric_column(safe_label(label), col, rows, bins, table)
    if isinstance(col.dtype, pd.CategoricalDtype) and kind in ("categorical", "boolean"):
        return _categorical_column(safe_label(label), col, kind, rows)
    if kind == "boolean" and col.dtype == np.bool_:
        return _boolean_column(safe_label(label), col, rows)
    if kind == "datetime" and isinstance(col.dtype, np.dtype) and col.dtype.kind in "mM":
        return _datetime_column(safe_label(label), col, rows, table)
    return _other_column(safe_label(label), rows.take_series(col), kind, bins, table)


def _other_column(name: str, col: Any, kind: str, bins: int, table: _TableSource | None) -> dict[str, Any]:
    """``_column`` for the rest (text, nullable dtypes, zoned dates, ...), on the column's kept rows."""
    import numpy as np

    from ..kernel.frames import json_value
    from ..kernel.sketch import distinct_count

    missing = int(col.isna().sum())
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": kind, "missing": missing}
    present = col.dropna()
    try:
        if kind in ("numeric", "datetime", "boolean") and isinstance(present.dtype, np.dtype):
            # Estimated above 200,000 values of many distinct values, and marked (kernel/sketch.py).
            distinct, exact = distinct_count(present.to_numpy(), table.kth if table is not None else None)
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
            # Counted on the values themselves, then merged by their text (1 and "1" are one value):
            # converting every row to text first cost half a second for a million booleans.
            counts = present.value_counts()
            labels = counts.index.astype("string")
            top = counts.groupby(labels, sort=False).sum().sort_values(ascending=False, kind="stable").head(5)
            info["top"] = [{"value": json_value(k), "count": int(v)} for k, v in top.items()]
        except TypeError:
            pass
    return info


def _boolean_column(name: str, col: Any, rows: Any) -> dict[str, Any]:
    """``_column`` for a numpy boolean column: one count of the kept rows that are true. Top values are
    the text "True" and "False" (values are merged by their text), most rows first, a tie in the order
    the values first appear, as ``value_counts`` ranks them."""
    import numpy as np

    values = rows.take(col.to_numpy())
    trues = int(np.count_nonzero(values))
    falses = len(values) - trues
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": "boolean", "missing": 0}
    info["distinct"] = int(trues > 0) + int(falses > 0)
    if len(values):
        first = [("True", trues), ("False", falses)] if values[0] else [("False", falses), ("True", trues)]
        ranked = sorted(first, key=lambda pair: -pair[1])  # stable: a tie keeps the first value first
        info["top"] = [{"value": text, "count": count} for text, count in ranked if count > 0]
    return info


def _datetime_column(name: str, col: Any, rows: Any, table: _TableSource | None) -> dict[str, Any]:
    """``_column`` for a numpy datetime64 or timedelta64 column, on the array: missing values (NaT),
    distinct values (estimated as for numbers, from the column's table when it has one), min and max
    shown as pandas shows them."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import json_value
    from ..kernel.sketch import distinct_count

    values = rows.take(col.to_numpy())
    nat = np.isnat(values)
    missing = int(np.count_nonzero(nat))
    present = values[~nat] if missing else values
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": "datetime", "missing": missing}
    distinct, exact = distinct_count(present, table.kth if table is not None else None)
    info["distinct"] = distinct
    if not exact:
        info["distinct_approx"] = True
    if len(present):
        ends = pd.Series(np.array([present.min(), present.max()], dtype=present.dtype))  # boxed as pandas boxes
        info.update(min=json_value(ends.iloc[0]), max=json_value(ends.iloc[1]))
    return info


_FEW_CATEGORIES = 16


def _categorical_column(name: str, col: Any, kind: str, rows: Any) -> dict[str, Any]:
    """``_column`` for a pandas categorical: one bincount of the kept rows' codes (missing: code -1)
    gives the missing count, the categories in use and the top five (most rows first, ties in the
    categories' order, as ``value_counts`` ranks them)."""
    import numpy as np

    categories = col.cat.categories
    codes = rows.take(col.cat.codes.to_numpy())
    if len(categories) < _FEW_CATEGORIES:  # a comparison per code beats a bincount's conversion and scatter
        counts = np.array([np.count_nonzero(codes == code) for code in range(-1, len(categories))], dtype=np.int64)
    else:
        counts = np.bincount(np.add(codes, 1, dtype=np.intp), minlength=len(categories) + 1)
    used = counts[1:]
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": kind, "missing": int(counts[0])}
    info["distinct"] = int(np.count_nonzero(used))
    if len(codes) > counts[0]:
        from ..kernel.frames import json_value

        order = np.argsort(-used, kind="stable")[:5]
        order = order[used[order] > 0]
        info["top"] = [{"value": json_value(v), "count": int(c)} for v, c in zip(categories.take(order), used[order])]
    return info


def _numeric_column(name: str, col: Any, rows: Any, bins: int, table: _TableSource | None) -> dict[str, Any]:
    """``_column`` for a numpy integer or float column, on the array itself: the same figures in about
    half the passes over the values (no missing values to look for in integers, min and max once);
    integers over a small range from one bincount of their values."""
    import numpy as np

    from ..kernel.frames import json_value
    from ..kernel.sketch import distinct_count

    array = rows.take(col.to_numpy())
    present = array
    missing = 0
    if array.dtype.kind == "f":
        nan = np.isnan(array)
        missing = int(np.count_nonzero(nan))
        if missing:
            present = array[~nan]
    info: dict[str, Any] = {"name": name, "dtype": str(col.dtype), "kind": "numeric", "missing": missing}
    if present.dtype.kind in "iu" and len(present):
        low, high = int(present.min()), int(present.max())
        if high - low < 4 * len(present):  # as exact as the sketch's own bincount
            return _integer_column(info, present, low, high, bins)
    distinct, exact = distinct_count(present, table.kth if table is not None else None)
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
    mean = float(values.mean())
    edges, start, scale = _bins(bins, low, high)
    counts, squares = _spread(values, mean, bins, start, scale)
    info.update(
        min=json_value(low),
        max=json_value(high),
        mean=json_value(mean),
        std=json_value(float(np.sqrt(squares / (len(values) - 1)))) if len(values) > 1 else None,
    )
    info["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    return info


_CHUNK = 1 << 15  # values at a time in ``_spread``: its temporaries stay in the CPU's cache


def _spread(values: Any, mean: float, bins: int, low: float, scale: float) -> tuple[Any, float]:
    """The histogram of finite float64 values (``_bin_index`` of each) and the sum of their squared
    deviations from ``mean``, in one pass over cache-sized chunks (whole-array temporaries cost more in
    fresh memory than in arithmetic)."""
    import numpy as np

    counts = np.zeros(bins, dtype=np.int64)
    squares = 0.0
    scratch = np.empty(min(_CHUNK, len(values)), dtype=np.float64)
    index = np.empty(len(scratch), dtype=np.int64)
    for lo in range(0, len(values), _CHUNK):
        chunk = values[lo : lo + _CHUNK]
        f, i = scratch[: len(chunk)], index[: len(chunk)]
        np.subtract(chunk, mean, out=f)
        np.multiply(f, f, out=f)
        squares += float(f.sum())
        np.subtract(chunk, low, out=f)
        np.multiply(f, scale, out=f)
        np.copyto(i, f, casting="unsafe")  # truncation, as astype(int64)
        np.minimum(i, bins - 1, out=i)  # as the clip of _bin_index: no value is below ``low``
        counts += np.bincount(i, minlength=bins)
    return counts, squares


def _integer_column(info: dict[str, Any], present: Any, low: int, high: int, bins: int) -> dict[str, Any]:
    """The rest of an integer column's line from one bincount of its values (range under four times
    their number): distinct values, min, max, mean and std (the same up to float rounding), and the
    histogram with the same edges and bins as ``_histogram`` (each distinct value binned once)."""
    import numpy as np

    from ..kernel.frames import json_value
    from ..kernel.sketch import integer_offsets

    n = len(present)
    counts = np.bincount(integer_offsets(present, low), minlength=1)
    seen = np.flatnonzero(counts)
    info["distinct"] = int(len(seen))
    wide = np.uint64 if present.dtype.kind == "u" else np.int64
    values = (seen.astype(wide) + wide(low)).astype(np.float64)  # each distinct value, as astype(float) gives it
    weights = counts[seen].astype(np.float64)
    mean = float(np.dot(values, weights)) / n
    deviations = values - mean
    low_f, high_f = float(values[0]), float(values[-1])
    info.update(
        min=json_value(low_f),
        max=json_value(high_f),
        mean=json_value(mean),
        std=json_value(float(np.sqrt(np.dot(deviations * deviations, weights) / (n - 1)))) if n > 1 else None,
    )
    edges, start, scale = _bins(bins, low_f, high_f)
    binned = np.bincount(_bin_index(values, bins, start, scale), weights=weights, minlength=bins)
    info["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in binned]}
    return info
