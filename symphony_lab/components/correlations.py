"""Correlations: how strongly columns go together. Numeric pairs: Pearson or Spearman; categorical pairs:
Cramér's V; numeric with categorical: the correlation ratio (eta). All in [-1, 1] or [0, 1]."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, Suggestion

MAX_ROWS = 200_000
MAX_COLUMNS = 30
MAX_CATEGORIES = 50


def _cramers_v(a: Any, b: Any) -> float:
    import numpy as np
    import pandas as pd

    table = pd.crosstab(a, b).to_numpy(dtype=float)
    n = table.sum()
    if n == 0 or min(table.shape) < 2:
        return 0.0
    expected = table.sum(1, keepdims=True) @ table.sum(0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / np.where(expected == 0, 1, expected)).sum())
    return float(np.sqrt(chi2 / n / (min(table.shape) - 1)))


def _eta(categories: Any, values: Any) -> float:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"c": categories, "v": values}).dropna()
    if len(frame) < 2:
        return 0.0
    total = float(((frame["v"] - frame["v"].mean()) ** 2).sum())
    if total == 0:
        return 0.0
    grouped = frame.groupby("c", observed=True)["v"].agg(["mean", "count"])
    between = float((grouped["count"] * (grouped["mean"] - frame["v"].mean()) ** 2).sum())
    return float(np.sqrt(between / total))


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
                chosen.append((safe_label(label), col.astype(float), "numeric"))
            elif distinct <= MAX_CATEGORIES:
                chosen.append((safe_label(label), col.astype("string"), "categorical"))
            if len(chosen) >= MAX_COLUMNS:
                break
        names = [c[0] for c in chosen]
        k = len(chosen)
        matrix = np.eye(k)
        numeric = [i for i, c in enumerate(chosen) if c[2] == "numeric"]
        if numeric:
            block = pd.DataFrame({names[i]: chosen[i][1] for i in numeric})
            corr = block.corr(method=params["method"]).to_numpy()
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
