"""Subgroup metrics and blind spots: where a model is worst (FairVis-style slices, found automatically).

Works on a model pairing ``(model, X[, y])`` or on one frame holding labels and predictions. Every
candidate column (the model's features first, then the frame's other columns) is encoded once as small
integer codes: values of a categorical column (the most frequent ones, the rest folded into "other"), or
quantile bins with round edges for a numeric one, missing values as a code of their own. A slice is one
value of a column, or a combination of values of two (three when cheap) columns; its counts come from
one ``np.bincount`` over combined codes (``a * k_b + b``), never a pandas groupby.

The metric is accuracy for a classifier and the mean absolute error for a regressor (with the RMSE
beside it). Slices are ranked by how much worse than overall they are *at least*: by the bound of a 95%
interval (Wilson for accuracy, normal for a mean), so a tiny group with a bad point estimate does not top
the list; slices under ``min_support`` rows are left out, and a combination is kept only when it is worse
than each of the slices it combines (otherwise they say it already).

Large frames are searched on a fixed-seed sample; the slices shown are then counted again on every row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Sequence

from .base import Component, Context, Finding, ParamError, Suggestion
from .confusion import _pairing_task, group_columns, model_params, scored_for

Z = 1.959963984540054  # 95% two-sided
SAMPLE_FOR_FINDINGS = 200_000
SEARCH_MAX_ROWS = 500_000  # rows the automatic search looks at (a fixed-seed sample beyond)
TRIPLES_BUDGET = 30_000_000  # rows × combinations of three columns the search may afford
MAX_CONDITIONS = 3
BREAKDOWN_MAX_VALUES = 200  # values of a chosen column shown one by one (the rest as "other")
OPS = ("eq", "missing", "range", "other")
CHUNK = 1 << 16  # rows counted at a time: every temporary stays in the CPU's cache


def fingerprint_of(value: Any) -> str | None:
    """The catalog's fingerprint of a value (default options, as a view request has them), for the
    caches of work done outside a view request (a pairing's profile, a selection)."""
    from ..kernel.analysis import _fingerprint
    from ..kernel.catalog import CatalogOptions

    return _fingerprint(value, CatalogOptions())


def scored_cached(objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any] | None = None) -> Any:
    """``scored_for`` with the model's predictions taken from the kernel's cache (by fingerprints) also
    outside a view request: a selection or a profile never predicts again what a view predicted."""
    if state is None or "_fingerprint" not in state:
        state = {**(state or {}), "_fingerprint": fingerprint_of}
    return scored_for(objects, params, state)


def scored_in_background(objects: Sequence[Any], params: dict[str, Any]) -> Any:
    """``scored_cached`` for a background profile: with one BLAS/OpenMP thread, so that predicting never
    fights the user's own work for the cores (OpenMP's spinning threads on busy cores made one small
    scikit-learn call 60 times slower on a 2-core machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return scored_cached(objects, params)


# -- conditions: what a slice is, evaluated on any frame --------------------------------------------


def condition_label(cond: dict[str, Any]) -> str:
    """``sex=F``, ``age>60``, ``30<age≤45``, ``income missing``, ``city=other``."""
    column = str(cond["column"])
    op = cond["op"]
    if op == "eq":
        return f"{column}={_value_text(cond['value'])}"
    if op == "missing":
        return f"{column} missing"
    if op == "other":
        return f"{column}=other"
    low, high = cond.get("min"), cond.get("max")
    if low is None and high is None:
        return f"{column} any"
    if low is None:
        return f"{column}≤{_num_text(high)}"
    if high is None:
        return f"{column}>{_num_text(low)}"
    return f"{_num_text(low)}<{column}≤{_num_text(high)}"


def slice_label(conditions: Sequence[dict[str, Any]]) -> str:
    return " & ".join(condition_label(c) for c in conditions)


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return _num_text(value)
    return str(value)


def _num_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _check_scalar(where: str, value: Any) -> Any:
    if value is None or isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParamError(f"{where} must be a finite number")
        return value
    if isinstance(value, str):
        if len(value) > 1000:
            raise ParamError(f"{where} is too long")
        return value
    raise ParamError(f"{where} must be a string, number or boolean")


def check_conditions(spec: Any) -> list[dict[str, Any]]:
    """A slice's conditions from a browser (data, never code): validated and normalised."""
    if not isinstance(spec, dict) or not isinstance(spec.get("conditions"), list):
        raise ParamError("a subgroup selection needs conditions: [{column, op, ...}]")
    raw = spec["conditions"]
    if not 1 <= len(raw) <= MAX_CONDITIONS:
        raise ParamError(f"a subgroup has 1 to {MAX_CONDITIONS} conditions")
    out = []
    for i, cond in enumerate(raw):
        where = f"condition {i + 1}"
        if not isinstance(cond, dict):
            raise ParamError(f"{where} must be an object")
        column, op = cond.get("column"), cond.get("op")
        if not isinstance(column, str) or not column or len(column) > 500:
            raise ParamError(f"{where} needs a column name (text)")
        if op not in OPS:
            raise ParamError(f"{where}'s op must be one of {list(OPS)}")
        item: dict[str, Any] = {"column": column, "op": op}
        if op == "eq":
            item["value"] = _check_scalar(f"{where}'s value", cond.get("value"))
        elif op == "range":
            for key in ("min", "max"):
                value = cond.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    raise ParamError(f"{where}'s {key} must be a number or null")
                item[key] = _check_scalar(f"{where}'s {key}", value)
        elif op == "other":
            values = cond.get("values")
            if not isinstance(values, list) or len(values) > 200:
                raise ParamError(f"{where}'s values must be a list (at most 200)")
            item["values"] = [_check_scalar(f"{where}'s values", v) for v in values]
        out.append(item)
    return out


def condition_mask(frame: Any, cond: dict[str, Any]) -> Any:
    """The rows of ``frame`` in one condition (a boolean numpy array)."""
    import numpy as np

    from ..kernel.frames import resolve_column

    try:
        series = frame[resolve_column(frame, cond["column"])]
    except KeyError:
        raise ParamError(f"{str(cond['column'])[:100]!r} is not a column of these rows") from None
    op = cond["op"]
    if op == "missing":
        return series.isna().to_numpy()
    if op == "range":
        values = series.to_numpy(dtype=float, na_value=np.nan) if _numeric(series) else None
        if values is None:
            raise ParamError(f"{str(cond['column'])[:100]!r} is not numeric: no range on it")
        keep = ~np.isnan(values)
        if cond.get("min") is not None:
            keep &= values > cond["min"]
        if cond.get("max") is not None:
            keep &= values <= cond["max"]
        return keep
    if op == "eq":
        value = cond.get("value")
        if value is None:
            return series.isna().to_numpy()
        return series.eq(value).to_numpy(dtype=bool, na_value=False)
    listed = [v for v in cond.get("values") or [] if v is not None]
    return (~series.isin(listed) & series.notna()).to_numpy(dtype=bool, na_value=False)


def conditions_mask(frame: Any, conditions: Sequence[dict[str, Any]]) -> Any:
    import numpy as np

    mask = np.ones(len(frame), dtype=bool)
    for cond in conditions:
        mask &= condition_mask(frame, cond)
    return mask


def _numeric(series: Any) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


# -- columns as small integer codes -----------------------------------------------------------------


@dataclass
class Encoded:
    """One column as codes 0..k-1 (every row has one), with what each code means."""

    column: str  # the catalog's label of the column
    codes: Any  # np.ndarray of int32
    conditions: list[dict[str, Any]]  # per code
    binned: bool = False

    @property
    def k(self) -> int:
        return len(self.conditions)


def _round_edges(quantiles: Any) -> Any:
    """Quantile edges as round numbers (2 significant digits, more when rounding merges edges)."""
    import numpy as np

    distinct = np.unique(quantiles)
    for digits in (2, 3, 4, 6):
        rounded = np.unique([float(f"{q:.{digits - 1}e}") for q in distinct])
        if len(rounded) == len(distinct):
            return rounded
    return distinct


def encode_column(series: Any, column: str, bins: int, max_values: int, sample: Any = None) -> Encoded | None:
    """Codes for one column, or None when it cannot make a slice (an identifier, a date, one value).
    ``sample`` (optional) is a smaller frame's same column, used only for the bin edges."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import column_kind, json_value

    kind = column_kind(series)
    n = len(series)
    if n == 0 or kind == "datetime":
        return None
    if kind == "numeric":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        small = _small_int_codes(series)
        if small is not None and len(small[1]) <= max(bins * 2, 10):
            codes, uniques = small
            return _categorical(column, codes, [json_value(u) for u in uniques], max_values)
        basis = values if sample is None else sample.to_numpy(dtype=float, na_value=np.nan)
        finite = basis[np.isfinite(basis)]
        if len(finite) == 0:
            return None
        distinct = np.unique(finite[:100_000])
        if len(distinct) <= max(bins * 2, 10):
            codes, uniques = pd.factorize(series, sort=True)
            return _categorical(column, codes, [json_value(u) for u in uniques], max_values)
        spread = finite[:: max(1, len(finite) // 200_000)]  # edges from at most ~200,000 values
        quantiles = np.quantile(spread, np.linspace(0, 1, bins + 1)[1:-1])
        edges = _round_edges(quantiles)
        edges = edges[(edges >= finite.min()) & (edges < finite.max())]
        if len(edges) == 0:
            return None
        codes = np.searchsorted(edges, values, side="left").astype(np.int32)
        conditions: list[dict[str, Any]] = []
        bounds = [None, *[float(e) for e in edges], None]
        for i in range(len(edges) + 1):
            conditions.append({"column": column, "op": "range", "min": bounds[i], "max": bounds[i + 1]})
        missing = np.isnan(values)
        if missing.any():
            codes[missing] = len(conditions)
            conditions.append({"column": column, "op": "missing"})
        return Encoded(column, codes, conditions, binned=True)
    if kind == "categorical":
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    else:
        small = _small_int_codes(series) if kind == "boolean" else None
        if small is not None:
            codes, uniques = small
        else:
            codes, uniques = pd.factorize(series, sort=False)
            uniques = list(uniques)
    plain = [json_value(u) for u in uniques]
    if any(not isinstance(v, (str, int, float, bool)) for v in plain):
        return None  # values that do not survive JSON could not be selected again
    if kind == "text" and len(plain) > 0.5 * n and len(plain) > max_values:
        return None  # an identifier, not a group
    return _categorical(column, codes, plain, max_values)


def _small_int_codes(series: Any) -> tuple[Any, list[Any]] | None:
    """Integer (or boolean) values of a small range without missing ones: codes by a bincount (no hash)."""
    import numpy as np

    dtype = series.dtype
    if getattr(dtype, "kind", None) not in ("i", "u", "b"):
        return None
    values = series.to_numpy()
    if len(values) == 0:
        return None
    lo, hi = int(values.min()), int(values.max())
    if hi - lo >= 100_000:
        return None
    shifted = values.astype(np.int64, copy=False) - lo
    present = np.flatnonzero(np.bincount(shifted, minlength=hi - lo + 1))
    table = np.full(hi - lo + 1, -1, dtype=np.int32)
    table[present] = np.arange(len(present), dtype=np.int32)
    uniques = [(bool(v + lo) if dtype.kind == "b" else int(v + lo)) for v in present]
    return table[shifted], uniques


def _categorical(column: str, codes: Any, values: list[Any], max_values: int) -> Encoded | None:
    """Codes of values (-1: missing): the most frequent ``max_values - 1`` kept, the rest as "other"."""
    import numpy as np

    k = len(values)
    if k == 0:
        return None
    codes = np.asarray(codes)
    codes = codes.astype(np.int32, copy=False) if codes.dtype.kind in "iu" else codes.astype(np.int32)
    missing = codes < 0 if len(codes) and int(codes.min()) < 0 else None
    conditions: list[dict[str, Any]]
    if k > max_values:
        valid = codes if missing is None else codes[~missing]
        counts = np.bincount(valid, minlength=k)
        keep = np.argsort(-counts, kind="stable")[: max_values - 1]
        table = np.full(k, len(keep), dtype=np.int32)
        table[keep] = np.arange(len(keep), dtype=np.int32)
        codes = table[codes] if missing is None else np.where(missing, -1, table[np.where(missing, 0, codes)])
        conditions = [{"column": column, "op": "eq", "value": values[i]} for i in keep]
        conditions.append({"column": column, "op": "other", "values": [values[i] for i in keep]})
    else:
        conditions = [{"column": column, "op": "eq", "value": v} for v in values]
    if missing is not None:
        codes = np.where(missing, np.int32(len(conditions)), codes).astype(np.int32, copy=False)
        conditions.append({"column": column, "op": "missing"})
    if len(conditions) < 2:
        return None  # one value: no subgroup to compare
    return Encoded(column, codes, conditions)


# -- the metric per row, counted per slice ----------------------------------------------------------


@dataclass
class Outcome:
    """Per row: 1/0 correct (classifier) or the absolute error (regressor); rows without a label dropped."""

    task: str
    values: Any  # int8 (correct) or float64 (|error|)
    keep: Any  # boolean mask over the scored rows (labelled, finite)
    overall: dict[str, Any] = field(default_factory=dict)


def outcome_of(s: Any) -> Outcome:
    import numpy as np

    if s.task == "classifier":
        keep = (s.true_codes >= 0) & (s.pred_codes >= 0)
        values = (s.true_codes == s.pred_codes).astype(np.int8)
    else:
        try:
            y = np.asarray(s.y_true, dtype=float)
            p = np.asarray(s.y_pred, dtype=float)
        except (TypeError, ValueError):
            raise ParamError("a regressor's labels and predictions must be numbers") from None
        values = np.abs(p - y)
        keep = np.isfinite(values)
    if not keep.all():
        values = values[keep]
    out = Outcome(s.task, values, keep)
    out.overall = stats(s.task, *sums(s.task, values, None, 1))[0]
    return out


def sums(task: str, values: Any, codes: Any, k: int) -> tuple[Any, Any, Any]:
    """Per code: rows, sum of the outcome, sum of its square (for regression; None for accuracy).
    One bincount over ``codes * 2 + correct`` for a classifier."""
    import numpy as np

    if codes is None:
        n = np.array([len(values)], dtype=np.int64)
        total = np.array([float(values.sum(dtype=np.float64))])
        square = None if task == "classifier" else np.array([float(np.dot(values, values))])
        return n, total, square
    if task == "classifier":
        both = np.zeros(2 * k, dtype=np.int64)
        for start in range(0, len(codes), CHUNK):  # temporaries of a chunk stay in the CPU's cache
            key = codes[start : start + CHUNK] * np.int64(2)
            key += values[start : start + CHUNK]
            both += np.bincount(key, minlength=2 * k)
        both = both.reshape(k, 2)
        return both.sum(axis=1), both[:, 1].astype(float), None
    n = np.bincount(codes, minlength=k)
    return n, np.bincount(codes, weights=values, minlength=k), np.bincount(codes, weights=values * values, minlength=k)


def stats(task: str, n: Any, total: Any, square: Any) -> list[dict[str, Any]]:
    """Metric, interval and RMSE per code (as dicts), vectorised."""
    import numpy as np

    value, low, high, rmse = intervals(task, n, total, square)
    out = []
    for i in range(len(n)):
        item = {"n": int(n[i]), "value": _f(value[i]), "low": _f(low[i]), "high": _f(high[i])}
        if rmse is not None:
            item["rmse"] = _f(rmse[i])
        out.append(item)
    return out


def intervals(task: str, n: Any, total: Any, square: Any, z: float = Z) -> tuple[Any, Any, Any, Any]:
    """(metric, low, high, rmse or None): Wilson for accuracy, normal for the mean absolute error; 95%
    unless ``z`` says otherwise."""
    import numpy as np

    Z = z  # noqa: N806 (the interval's width, as the formulas name it)

    n = np.asarray(n, dtype=float)
    safe = np.maximum(n, 1)
    mean = np.asarray(total, dtype=float) / safe
    if task == "classifier":
        z2 = Z * Z
        denom = 1 + z2 / safe
        centre = (mean + z2 / (2 * safe)) / denom
        half = Z * np.sqrt(np.maximum(mean * (1 - mean) / safe + z2 / (4 * safe * safe), 0)) / denom
        low, high = centre - half, centre + half
        mean = np.where(n > 0, mean, np.nan)
        return mean, np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan), None
    second = np.asarray(square, dtype=float) / safe
    var = np.maximum(second - mean * mean, 0) * safe / np.maximum(safe - 1, 1)
    half = Z * np.sqrt(var / safe)
    bad = n <= 0
    return (
        np.where(bad, np.nan, mean),
        np.where(bad, np.nan, mean - half),
        np.where(bad, np.nan, mean + half),
        np.where(bad, np.nan, np.sqrt(second)),
    )


def _f(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


# -- the automatic search ---------------------------------------------------------------------------


@dataclass
class Candidate:
    conditions: list[dict[str, Any]]
    n: int
    value: float
    low: float
    high: float
    worse: float  # how much worse than overall at least (the interval's bound); > 0: significant
    gap: float  # how much worse than overall (point estimates)
    rmse: float | None = None  # regressors


def _badness(task: str, overall: float, value: Any, low: Any, high: Any) -> tuple[Any, Any]:
    """(at least how much worse, how much worse): accuracy lower / error higher than overall."""
    if task == "classifier":
        return overall - high, overall - value
    return low - overall, value - overall


def search(
    task: str,
    values: Any,
    columns: list[Encoded],
    overall: float,
    min_support: int,
    depth: int,
    top: int,
    margin: float,
) -> tuple[list[Candidate], dict[str, Any]]:
    """The worst slices of one, two (and three when cheap) columns, ranked by ``worse``."""
    import numpy as np

    found: list[Candidate] = []
    singles: dict[int, tuple[Any, Any]] = {}  # column -> (n, metric) per code
    tried = 0

    def collect(cols: tuple[int, ...], n: Any, total: Any, square: Any, parents: list[Any]) -> None:
        nonlocal tried
        value, low, high, rmse = intervals(task, n, total, square)
        worse, gap = _badness(task, overall, value, low, high)
        ok = (n >= min_support) & np.isfinite(worse)
        tried += int(ok.sum())
        for parent in parents:  # a combination must be worse than each slice it combines, beyond doubt
            ok &= (worse - _badness(task, overall, parent, parent, parent)[1]) >= margin
        where = np.flatnonzero(ok)
        if len(where) > top:
            where = where[np.argsort(-worse[where], kind="stable")[:top]]
        shape = tuple(columns[c].k for c in cols)
        for flat in where:
            idx = np.unravel_index(flat, shape)
            conditions = [columns[c].conditions[int(i)] for c, i in zip(cols, idx)]
            found.append(
                Candidate(conditions, int(n[flat]), float(value[flat]), float(low[flat]), float(high[flat]),
                          float(worse[flat]), float(gap[flat]), None if rmse is None else float(rmse[flat]))
            )

    pair_metric: dict[tuple[int, int], Any] = {}
    for c, col in enumerate(columns):
        n, total, square = sums(task, values, col.codes, col.k)
        singles[c] = (n, intervals(task, n, total, square)[0])
        collect((c,), n, total, square, [])
    if depth >= 2:
        for a, b in combinations(range(len(columns)), 2):
            ka, kb = columns[a].k, columns[b].k
            codes = columns[a].codes.astype(np.int64) * kb + columns[b].codes
            n, total, square = sums(task, values, codes, ka * kb)
            metric = intervals(task, n, total, square)[0]
            pair_metric[(a, b)] = metric.reshape(ka, kb)
            parents = [np.repeat(singles[a][1], kb), np.tile(singles[b][1], ka)]
            collect((a, b), n, total, square, parents)
    if depth >= 3:
        for a, b, c in combinations(range(len(columns)), 3):
            ka, kb, kc = columns[a].k, columns[b].k, columns[c].k
            if ka * kb * kc > 1_000_000:
                continue
            codes = (columns[a].codes.astype(np.int64) * kb + columns[b].codes) * kc + columns[c].codes
            n, total, square = sums(task, values, codes, ka * kb * kc)
            shape = (ka, kb, kc)
            parents = [
                np.broadcast_to(pair_metric[(a, b)][:, :, None], shape).ravel(),
                np.broadcast_to(pair_metric[(a, c)][:, None, :], shape).ravel(),
                np.broadcast_to(pair_metric[(b, c)][None, :, :], shape).ravel(),
            ]
            collect((a, b, c), n, total, square, parents)
    found.sort(key=lambda x: (-x.worse, -x.gap, len(x.conditions)))
    return found[:top], {"slices_tried": tried}


def _sample_positions(n: int, size: int) -> Any:
    """Every (n / size)-th row from a fixed-seed offset (as kernel.frames.Rows samples)."""
    import numpy as np

    from ..kernel.frames import SAMPLE_SEED

    step = n / size
    offset = np.random.default_rng(SAMPLE_SEED).random() * step
    return (offset + np.arange(size) * step).astype(np.int64)


def candidate_columns(s: Any, max_columns: int) -> tuple[list[tuple[str, Any]], int]:
    """(label, actual column) of the columns to slice by: the model's features first, then the frame's
    other columns; never the label or prediction columns. And how many there were in all."""
    from ..kernel.frames import column_labels

    labels = {id(v): k for k, v in column_labels(s.frame).items()}
    skip = {s.label_name, s.prediction_name}
    ordered = list(s.features) + [c for c in s.frame.columns if c not in set(s.features)]
    out = []
    for c in ordered:
        label = labels.get(id(c))
        if label is None:
            from ..kernel.safe import safe_label

            label = safe_label(c)
        if label in skip:
            continue
        out.append((label, c))
    return out[:max_columns], len(out)


def find_slices(
    s: Any,
    bins: int = 4,
    max_values: int = 50,
    min_support: int = 30,
    depth: int = 2,
    top: int = 25,
    max_columns: int = 16,
    search_rows: int = SEARCH_MAX_ROWS,
) -> dict[str, Any]:
    """The worst slices of a Scored (kernel/models.Scored), with overall numbers; JSON-ready."""
    import numpy as np

    outcome = outcome_of(s)
    frame = s.frame[outcome.keep] if not outcome.keep.all() else s.frame
    values = outcome.values
    rows = len(values)
    overall = outcome.overall
    columns, columns_total = candidate_columns(s, max_columns)
    sampled = rows > search_rows
    positions = _sample_positions(rows, search_rows) if sampled else None
    search_frame = frame.take(positions) if sampled else frame
    search_values = values[positions] if sampled else values
    encoded: list[Encoded] = []
    for label, column in columns:
        col = encode_column(search_frame[column], label, bins, max_values)
        if col is not None:
            encoded.append(col)
    used_depth = min(depth, 2 if len(encoded) >= 2 else 1)
    if depth >= 3 and len(encoded) >= 3:
        n_triples = math.comb(len(encoded), 3)
        if n_triples * len(search_values) <= TRIPLES_BUDGET:
            used_depth = 3
    margin = 0.02 if s.task == "classifier" else 0.05 * (overall["value"] or 0.0)
    support = max(1, min(min_support, rows))
    if sampled:  # fewer rows in the sample: the same share of the rows
        support = max(5, int(min_support * len(search_values) / rows))
    found, info = (
        search(s.task, search_values, encoded, overall["value"] or 0.0, support, used_depth, top, margin)
        if rows and overall["value"] is not None
        else ([], {"slices_tried": 0})
    )
    slices = [_slice_json(c) for c in found]
    if sampled:  # counted again on every row
        slices = [recount(s.task, frame, values, sl["conditions"], overall["value"]) for sl in slices]
        slices = [sl for sl in slices if sl["n"] >= min_support]
        slices.sort(key=lambda x: (-(x["worse"] if x["worse"] is not None else -1e300), len(x["conditions"])))
    return {
        "overall": overall,
        "evaluated_rows": rows,
        "slices": slices,
        "search": {
            "columns": [c.column for c in encoded],
            "columns_total": columns_total,
            "left_out": [label for label, _ in columns if label not in {c.column for c in encoded}],
            "depth": used_depth,
            "sampled": sampled,
            "sample_rows": len(search_values),
            "min_support": min_support,
            **info,
        },
    }


def _significant_among(task: str, slice_: dict[str, Any], overall: float, tried: int) -> bool:
    """Whether a slice is worse than overall beyond doubt among ``tried`` slices looked at: its interval
    widened by a Bonferroni correction (95% over all of them) still excludes the overall value."""
    from statistics import NormalDist

    n, value = slice_["n"], slice_["value"]
    if not n or value is None:
        return False
    z = NormalDist().inv_cdf(1 - 0.05 / (2 * max(tried, 1)))
    rmse = slice_.get("rmse")
    square = None if task == "classifier" else (rmse or 0.0) ** 2 * n
    _, low, high, _ = intervals(task, [n], [value * n], None if square is None else [square], z=z)
    worse, _ = _badness(task, overall, value, float(low[0]), float(high[0]))
    return bool(worse > 0)


def _slice_json(c: Candidate) -> dict[str, Any]:
    extra = {} if c.rmse is None else {"rmse": _f(c.rmse)}
    return {
        **extra,
        "label": slice_label(c.conditions),
        "conditions": c.conditions,
        "n": c.n,
        "value": _f(c.value),
        "low": _f(c.low),
        "high": _f(c.high),
        "gap": _f(c.gap),
        "worse": _f(c.worse),
        "significant": c.worse > 0,
    }


def recount(task: str, frame: Any, values: Any, conditions: list[dict[str, Any]], overall: float) -> dict[str, Any]:
    """A slice's numbers on every row of ``frame`` (``values``: its outcome per row)."""
    import numpy as np

    mask = conditions_mask(frame, conditions)
    if task == "classifier":  # counts of booleans: no copy of the slice's rows
        rows = np.count_nonzero(mask)
        n, total, square = np.array([rows]), np.array([float(np.count_nonzero(mask & (values == 1)))]), None
    else:
        n, total, square = sums(task, values[mask], None, 1)
    value, low, high, rmse = (x[0] if x is not None else None for x in intervals(task, n, total, square))
    worse, gap = _badness(task, overall, value, low, high)
    out = {
        "label": slice_label(conditions),
        "conditions": conditions,
        "n": int(n[0]),
        "value": _f(value),
        "low": _f(low),
        "high": _f(high),
        "gap": _f(gap),
        "worse": _f(worse),
        "significant": bool(np.isfinite(worse) and worse > 0),
    }
    if rmse is not None:
        out["rmse"] = _f(rmse)
    return out


def grouped_confusion(group_codes: Any, groups: int, true_codes: Any, pred_codes: Any, k: int) -> Any:
    """One confusion matrix per group (groups × k × k) from a ``bincount`` of ``(g * k + t) * k + p``:
    the overall matrix is their sum, a group's accuracy its trace over its rows. Rows with a missing label
    or prediction (code -1) are left out. Counted a chunk of rows at a time (no temporary of every row)."""
    import numpy as np

    cells = groups * k * k
    out = np.zeros(cells, dtype=np.int64)
    missing = len(true_codes) and (int(true_codes.min()) < 0 or int(pred_codes.min()) < 0)
    for start in range(0, len(group_codes), CHUNK):
        part = slice(start, start + CHUNK)
        key = group_codes[part] * np.int64(k * k)
        key += true_codes[part] * k
        key += pred_codes[part]
        if missing:
            key = key[(true_codes[part] >= 0) & (pred_codes[part] >= 0)]
        out += np.bincount(key, minlength=cells)
    return out.reshape(groups, k, k)


GROUPED_CONFUSION_MAX_CELLS = 4_000_000


def breakdown(s: Any, outcome: Outcome, label: str, by: str | None, bins: int, max_values: int) -> dict[str, Any]:
    """The metric for every value (or bin) of a chosen column, crossed with ``by`` when given. For a
    classifier, one confusion matrix per group gives the accuracy and the balanced accuracy (the mean
    recall of the classes present in the group) in one pass."""
    import numpy as np

    from ..kernel.frames import resolve_column

    frame = s.frame[outcome.keep] if not outcome.keep.all() else s.frame
    cols = []
    for name in [label] + ([by] if by and by != label else []):
        try:
            column = resolve_column(frame, name)
        except KeyError:
            raise ParamError(f"{name[:100]!r} is not a column of these rows") from None
        enc = encode_column(frame[column], name, bins, max_values)
        if enc is None:
            raise ParamError(f"{name[:100]!r} has no groups to compare (one value, an identifier or dates)")
        cols.append(enc)
    codes, k, shape = cols[0].codes, cols[0].k, [cols[0].k]
    if len(cols) == 2:
        codes, k = codes.astype(np.int64) * cols[1].k + cols[1].codes, k * cols[1].k
        shape.append(cols[1].k)
    balanced = None
    n_classes = len(s.classes) if s.task == "classifier" else 0
    if s.task == "classifier" and 0 < k * n_classes * n_classes <= GROUPED_CONFUSION_MAX_CELLS:
        keep = outcome.keep
        t = s.true_codes if keep.all() else s.true_codes[keep]
        p = s.pred_codes if keep.all() else s.pred_codes[keep]
        matrices = grouped_confusion(codes, k, t, p, n_classes)
        support = matrices.sum(axis=2)  # groups × classes
        hits = np.diagonal(matrices, axis1=1, axis2=2)
        n, total, square = support.sum(axis=1), hits.sum(axis=1).astype(float), None
        recall = np.divide(hits, support, out=np.zeros(support.shape), where=support > 0)
        present = (support > 0).sum(axis=1)
        balanced = np.divide(recall.sum(axis=1), present, out=np.full(k, np.nan), where=present > 0)
    else:
        n, total, square = sums(s.task, outcome.values, codes, k)
    per = stats(s.task, n, total, square)
    items = []
    for flat, item in enumerate(per):
        if item["n"] == 0:
            continue
        idx = np.unravel_index(flat, tuple(shape))
        conditions = [cols[j].conditions[int(i)] for j, i in enumerate(idx)]
        if balanced is not None:
            item["balanced_accuracy"] = _f(balanced[flat])
        items.append({"label": slice_label(conditions), "conditions": conditions, **item})
    return {"column": label, "by": by if len(cols) == 2 else None, "binned": cols[0].binned, "items": items[:200]}


# -- the component ----------------------------------------------------------------------------------


def _metric_name(task: str) -> str:
    return "accuracy" if task == "classifier" else "MAE"


def _fmt(task: str, x: float) -> str:
    return f"{x:.2f}" if task == "classifier" else f"{x:.4g}"


class Subgroups(Component):
    name = "subgroups"
    title = "Subgroups and blind spots"
    description = (
        "Where the model is worst: accuracy (or error) per value of the columns you pick and for slices "
        "of up to three feature values found automatically, ranked by how much worse than overall they "
        "are at least, with sizes and 95% intervals. Click a slice to select its rows in every other view."
    )
    arity = (1, 3)
    kinds = ("model", "series", "array", "dataframe")
    raw_objects = True
    pairings = ("model", "predictions")
    profiles_pairings = True
    selects = True
    params_schema = model_params(
        column={"type": ["string", "null"], "maxLength": 500, "default": None},
        by={"type": ["string", "null"], "maxLength": 500, "default": None},
        bins={"type": "integer", "minimum": 2, "maximum": 10, "default": 4},
        min_support={"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 30},
        depth={"type": "integer", "minimum": 1, "maximum": 3, "default": 3},
        top={"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        max_columns={"type": "integer", "minimum": 1, "maximum": 40, "default": 16},
        max_values={"type": "integer", "minimum": 2, "maximum": 200, "default": 50},
    )

    # -- server side ------------------------------------------------------------------------------

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        if pairing.kind == "predictions" and len(pairing.variables) != 1:
            return None  # labels and predictions alone: no columns to slice by
        task = _pairing_task(pairing, context, self.name)
        if task not in ("classifier", "regressor"):
            return None
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        where = pairing.variables[1] if pairing.kind == "model" else pairing.variables[0]
        score = {"test": 0.8, None: 0.62, "train": 0.45}.get(pairing.split, 0.62)
        worst = profile.get("worst")
        if worst and profile.get("overall") is not None:
            metric = _metric_name(task)
            reason = (
                f"{metric} {_fmt(task, worst['value'])} on {worst['label']} (n={worst['n']:,}) against "
                f"{_fmt(task, profile['overall'])} overall on {where}: where the model is worst"
            )
            if worst.get("significant_corrected", worst.get("significant")):
                score = min(0.95, score + 0.1)
        else:
            reason = f"{pairing.reason}: where the model is worst"
        return Suggestion(self.name, pairing.variables, score, reason, dict(pairing.params))

    def pairing_findings(self, pairing: Any, context: Context) -> list[Finding]:
        """A slice significantly and clearly worse than overall (not on a training split)."""
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        worst, overall, task = profile.get("worst"), profile.get("overall"), profile.get("task")
        significant = worst.get("significant_corrected", worst.get("significant")) if worst else False
        if not worst or overall is None or pairing.split == "train" or not significant:
            return []
        if task == "classifier":
            clear = worst["gap"] >= 0.05
            severe = worst["gap"] >= 0.15
        else:
            clear = overall > 0 and worst["value"] >= 1.2 * overall
            severe = overall > 0 and worst["value"] >= 1.5 * overall
        if not clear:
            return []
        metric = _metric_name(task)
        where = pairing.variables[1] if pairing.kind == "model" else pairing.variables[0]
        sampled = f" (on a sample of {profile['sample_rows']:,} rows of {where})" if profile.get("sampled") else ""
        message = (
            f"{metric} on `{worst['label']}` is {_fmt(task, worst['value'])} against "
            f"{_fmt(task, overall)} overall (n={worst['n']:,}){sampled}"
        )
        return [
            Finding(
                "blind_spot",
                "high" if severe else "medium",
                pairing.variables,
                message,
                self.name,
                dict(pairing.params),
                {
                    "slice": worst["label"],
                    "conditions": worst["conditions"],
                    "metric": metric,
                    "value": worst["value"],
                    "overall": overall,
                    "n": worst["n"],
                    "low": worst["low"],
                    "high": worst["high"],
                    "sampled": bool(profile.get("sampled")),
                },
            )
        ]

    # -- kernel side ------------------------------------------------------------------------------

    def profile_pairing(self, objects: Sequence[Any], params: dict[str, Any]) -> dict[str, Any] | None:
        import numpy as np

        s = scored_in_background(objects, params)
        out: dict[str, Any] = {"task": s.task, "rows": s.rows, "sampled": False}
        if s.rows > SAMPLE_FOR_FINDINGS:
            keep = np.zeros(s.rows, dtype=bool)
            keep[_sample_positions(s.rows, SAMPLE_FOR_FINDINGS)] = True
            s = s.subset(keep)
            out.update(sampled=True, sample_rows=s.rows)
        found = find_slices(
            s, bins=params["bins"], max_values=params["max_values"], min_support=params["min_support"],
            depth=min(params["depth"], 2), top=1, max_columns=params["max_columns"],
        )
        out["overall"] = found["overall"]["value"]
        out["worst"] = found["slices"][0] if found["slices"] else None
        if out["worst"] is not None and out["overall"] is not None:
            out["worst"]["significant_corrected"] = _significant_among(
                s.task, out["worst"], out["overall"], found["search"]["slices_tried"]
            )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        from ..kernel.models import filtered

        full = scored_for(objects, params, state)
        s = filtered(full, state)
        found = find_slices(
            s, bins=params["bins"], max_values=params["max_values"], min_support=params["min_support"],
            depth=params["depth"], top=params["top"], max_columns=params["max_columns"],
        )
        column, by = params.get("column"), params.get("by")
        group = (state.get("groups") or {}).get("column")
        if not column and group:
            column = group
        elif column and group and not by:
            by = group
        result: dict[str, Any] = {
            "task": s.task,
            "metric": "accuracy" if s.task == "classifier" else "mae",
            "higher_is_better": s.task == "classifier",
            "rows": full.rows,
            "filtered_rows": s.rows,
            "label": s.label_name,
            "prediction": s.prediction_name,
            **found,
            "breakdown": None,
            "group_columns": group_columns(full.frame),
        }
        if column:
            outcome = outcome_of(s)
            try:
                result["breakdown"] = breakdown(s, outcome, column, by, params["bins"], BREAKDOWN_MAX_VALUES)
            except ParamError as exc:
                if not group or group not in (column, by):
                    raise  # the user's own choice: a 400 that says why
                result["breakdown"] = {"column": column, "by": by, "error": str(exc), "items": []}
        return result

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """The rows of a slice: ``{"conditions": [{column, op: eq|missing|range|other, ...}]}``."""
        conditions = check_conditions(spec)
        s = scored_cached(objects, params)
        return s.frame.index[conditions_mask(s.frame, conditions)]
