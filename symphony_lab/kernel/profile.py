"""Profiles: the few numbers behind suggestions and findings, computed once per change of a frame.

A profile is taken in the kernel only for frames whose fingerprint changed, only while someone watches,
and only when the kernel is idle. It is bounded: per-column statistics look at most ``max_rows`` rows (a
fixed-seed sample beyond, marked ``sampled``); exact duplicate and overlap checks hash every row of frames
up to ``hash_max_rows`` and are skipped (``null``) beyond, never guessed.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from .frames import Rows, column_kind, find_duplicates, json_value, rows_in
from .safe import safe_label

LABEL_NAMES = {"target", "label", "labels", "y", "class", "outcome", "diagnosis", "species", "churn"}


def _distinct(col: pd.Series, kind: str, present: int, thresholds: tuple[float, ...]) -> tuple[int, bool]:
    """(distinct values, exact?) of a column. Large numeric columns of many values are estimated
    (kernel/sketch.py, within about 1 %) unless the estimate is near a share of the values a finding
    depends on (``thresholds``), where the count is made exactly."""
    from .sketch import RELATIVE_ERROR, distinct_count

    if kind in ("numeric", "datetime", "boolean") and isinstance(col.dtype, np.dtype):
        count, exact = distinct_count(col.dropna().to_numpy())
        if exact or not present:
            return count, True
        if all(abs(count / present - share) > 4 * RELATIVE_ERROR for share in thresholds):
            return count, False
    return int(col.nunique(dropna=True)), True


def _column_profile(name: str, col: pd.Series, n: int) -> dict[str, Any]:
    kind = column_kind(col)
    missing = int(col.isna().sum())
    present = n - missing
    lowered = name.lower()
    named_id = lowered == "id" or lowered.endswith(("_id", " id", "uuid")) or lowered.startswith("id_")
    integral = kind == "numeric" and (
        pd.api.types.is_integer_dtype(col.dtype)
        or (present > 0 and bool(np.all(np.mod(col.dropna().to_numpy(dtype=float), 1) == 0)))
    )
    # Only integral and text columns can be identifiers: their unique share must be exact near 90 / 99 %.
    thresholds = ((0.99, 0.9) if named_id else (0.99,)) if (integral or kind == "text") else ()
    exact = True
    try:
        distinct: int | None
        distinct, exact = _distinct(col, kind, present, thresholds)
    except TypeError:  # unhashable values (lists, dicts) in an object column
        distinct = None
    info: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "dtype": str(col.dtype),
        "missing": missing,
        "missing_fraction": missing / n if n else 0.0,
        "distinct": distinct,
    }
    if not exact:
        info["distinct_approx"] = True
    unique_share = distinct / present if distinct is not None and present else 0.0
    info["id_like"] = bool(
        present >= 50
        and (integral or kind == "text")
        and (unique_share >= 0.99 or (named_id and unique_share >= 0.9))
    )
    if distinct is not None and 2 <= distinct <= 20 and kind in ("text", "categorical", "boolean", "numeric"):
        counts = col.value_counts(dropna=True)
        info["classes"] = [{"value": json_value(k), "count": int(v)} for k, v in counts.items()]
    info["label_like"] = bool(
        name.lower() in LABEL_NAMES and distinct is not None and 2 <= distinct <= 50
    )
    return info


def profile_frame(df: pd.DataFrame, max_rows: int, hash_max_rows: int, max_columns: int = 200) -> dict[str, Any]:
    started = time.perf_counter()
    rows = Rows.of(df, max_rows)
    sample = rows.frame
    n = len(sample)
    columns = [
        _column_profile(safe_label(label), sample[label], n)
        for label in list(sample.columns[:max_columns])
        if isinstance(sample[label], pd.Series)  # duplicated column labels give frames; skip them
    ]
    profile: dict[str, Any] = {
        "rows": rows.total,
        "sampled": rows.sampled,
        "sample_rows": n,
        "columns": columns,
        "duplicates": None,
    }
    found = None
    if rows.total <= hash_max_rows:
        try:
            found = find_duplicates(df)
        except TypeError:  # a column of unhashable values (lists, arrays: an embedding column)
            found = None
    if found is not None:
        profile["duplicates"] = {
            "extra_copies": found.extra_copies,
            "rows_in_groups": found.rows_in_groups,
            "groups": found.groups,
        }
    profile["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return profile


def overlap(a: pd.DataFrame, b: pd.DataFrame, hash_max_rows: int) -> dict[str, Any] | None:
    """Rows of ``b`` whose values (on the columns both share) also appear as a row of ``a``."""
    if len(a) > hash_max_rows or len(b) > hash_max_rows:
        return None
    shared = [c for c in a.columns if c in set(b.columns)]
    if not shared:
        return None
    in_a = rows_in(b, a, shared)
    return {
        "columns": len(shared),
        "rows_b_in_a": int(in_a.sum()),
        "rows_b": int(len(b)),
        "fraction_of_b": float(in_a.mean()) if len(b) else 0.0,
    }
