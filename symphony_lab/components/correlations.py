"""Correlations: how strongly columns go together. Numeric pairs: Pearson or Spearman; categorical pairs:
Cramér's V; numeric with categorical: the correlation ratio (eta). All in [-1, 1] or [0, 1]."""

from __future__ import annotations

from functools import partial
from typing import Any, Sequence

from .base import Component, Context, Entry, Suggestion

MAX_ROWS = 200_000
MAX_COLUMNS = 30
MAX_CATEGORIES = 50


def _cramers_v(a: Any, b: Any) -> float:
    """Cramér's V of two coded columns (codes >= 0, -1 for missing), on the rows where both are known."""
    import numpy as np

    (a, na), (b, nb) = a, b
    keep = (a >= 0) & (b >= 0)
    table = np.bincount(a[keep] * nb + b[keep], minlength=na * nb).reshape(na, nb).astype(float)
    table = table[table.sum(1) > 0][:, table.sum(0) > 0]  # levels seen together, as a crosstab has
    n = table.sum()
    if n == 0 or min(table.shape) < 2:
        return 0.0
    expected = table.sum(1, keepdims=True) @ table.sum(0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / np.where(expected == 0, 1, expected)).sum())
    return float(np.sqrt(chi2 / n / (min(table.shape) - 1)))


def _eta(categories: Any, values: Any) -> float:
    """The correlation ratio of a numeric column on a coded one, on the rows where both are known."""
    import numpy as np

    codes, levels = categories
    keep = (codes >= 0) & ~np.isnan(values)
    codes, values = codes[keep], values[keep]
    if len(values) < 2:
        return 0.0
    mean = values.mean()
    total = float(((values - mean) ** 2).sum())
    if total == 0:
        return 0.0
    counts = np.bincount(codes, minlength=levels)
    sums = np.bincount(codes, weights=values, minlength=levels)
    seen = counts > 0
    between = float((counts[seen] * (sums[seen] / counts[seen] - mean) ** 2).sum())
    return float(np.sqrt(between / total))


def _codes(col: Any) -> tuple[Any, int]:
    """A categorical column as codes (-1 for missing) and its number of levels, compared as text."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), max(1, len(uniques))


def _average_ranks(x: Any) -> Any:
    """Ranks from 1 of values without NaN, ties sharing their average rank (``rank(method="average")``)."""
    import numpy as np

    order = np.argsort(x)
    ordered = x[order]
    first = np.empty(len(x), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(x)))
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(starts + (sizes + 1) / 2.0, sizes)
    return ranks


def _numeric_corr(values: Any, method: str) -> Any:
    """The (k, k) Pearson or Spearman matrix of the columns of ``values`` (NaN for missing), each pair on
    the rows where both are known (pandas' ``DataFrame.corr``), ranking each set of rows once: the complete
    columns together, each incomplete column with all the complete ones, and pairs of incomplete columns
    apart. NaN where a pair has fewer than two rows or no spread."""
    import numpy as np

    from ..kernel.parallel import run_all

    k = values.shape[1]
    out = np.full((k, k), np.nan)
    valid = ~np.isnan(values)
    complete = [i for i in range(k) if valid[:, i].all()]
    incomplete = [i for i in range(k) if i not in complete]

    def fill(columns: list[int], mask: Any) -> None:
        sub = values[:, columns] if mask is None else values[mask][:, columns]
        if len(sub) < 2:
            return
        if method == "spearman":
            columns_of = [sub[:, c] for c in range(sub.shape[1])]
            sub = np.column_stack(run_all([partial(_average_ranks, c) for c in columns_of], len(sub)))
        with np.errstate(divide="ignore", invalid="ignore"):
            matrix = np.corrcoef(sub, rowvar=False).reshape(len(columns), len(columns))
        for a, i in enumerate(columns):
            for b, j in enumerate(columns):
                if i in complete and j in complete and mask is not None:
                    continue  # computed on every row already
                out[i, j] = matrix[a, b]

    if complete:
        fill(complete, None)
    for i in incomplete:
        fill(complete + [i], valid[:, i])
    for x, i in enumerate(incomplete):
        for j in incomplete[x + 1 :]:
            fill([i, j], valid[:, i] & valid[:, j])
    np.fill_diagonal(out, 1.0)
    return out


class Correlations(Component):
    name = "correlations"
    title = "Correlations"
    description = "Association of every pair of columns: Pearson/Spearman, Cramér's V, correlation ratio."
    params_schema = {
        "type": "object",
        "properties": {"method": {"type": "string", "enum": ["pearson", "spearman"], "default": "spearman"}},
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        if not profile:
            return None
        usable = [c for c in profile["columns"] if not c.get("id_like") and (c.get("distinct") or 0) > 1]
        if len(usable) < 3:
            return None
        return Suggestion(self.name, (entry["name"],), 0.35, f"How the {len(usable)} informative columns go together")

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        from ..kernel.frames import column_kind, view_rows
        from ..kernel.safe import safe_label

        (df,) = objects
        rows = view_rows(df, state, MAX_ROWS)
        frame = rows.frame
        chosen: list[tuple[str, Any, str]] = []
        for label in frame.columns:
            col = frame[label]
            if not isinstance(col, pd.Series):
                continue
            kind = column_kind(col)
            try:
                distinct = col.nunique(dropna=True)
            except TypeError:
                continue
            if distinct < 2:
                continue
            if kind in ("numeric", "boolean"):
                chosen.append((safe_label(label), col.to_numpy(dtype=float, na_value=np.nan), "numeric"))
            elif distinct <= MAX_CATEGORIES:
                chosen.append((safe_label(label), _codes(col), "categorical"))
            if len(chosen) >= MAX_COLUMNS:
                break
        names = [c[0] for c in chosen]
        k = len(chosen)
        matrix = np.eye(k)
        numeric = [i for i, c in enumerate(chosen) if c[2] == "numeric"]
        if numeric:
            corr = _numeric_corr(np.column_stack([chosen[i][1] for i in numeric]), params["method"])
            for a, i in enumerate(numeric):
                for b, j in enumerate(numeric):
                    matrix[i, j] = corr[a, b] if np.isfinite(corr[a, b]) else 0.0
        for i in range(k):
            for j in range(i + 1, k):
                kinds = (chosen[i][2], chosen[j][2])
                if kinds == ("numeric", "numeric"):
                    continue
                if kinds == ("categorical", "categorical"):
                    value = _cramers_v(chosen[i][1], chosen[j][1])
                elif kinds[0] == "categorical":
                    value = _eta(chosen[i][1], chosen[j][1])
                else:
                    value = _eta(chosen[j][1], chosen[i][1])
                matrix[i, j] = matrix[j, i] = value
        pairs = sorted(
            ({"a": names[i], "b": names[j], "value": float(matrix[i, j])} for i in range(k) for j in range(i + 1, k)),
            key=lambda p: -abs(p["value"]),
        )[:20]
        return {
            **rows.counts(),
            "method": params["method"],
            "columns": [{"name": c[0], "kind": c[2]} for c in chosen],
            "matrix": [[round(float(v), 4) for v in row] for row in matrix],
            "strongest": pairs,
        }
