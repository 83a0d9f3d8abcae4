"""Outliers: the rows most unlike the rest, scored without any precomputed column (Symphony's
"familiarity", done automatically). Numbers: the Mahalanobis distance of the row's robust z-scores
(median and MAD), so a row that breaks the columns' usual relation (short and heavy) stands out even
when each value alone is ordinary; categories: the rarity (-log2 frequency) of the row's values. Each
outlier says which columns contribute most."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, Suggestion

MAX_ROWS = 5_000_000
MAX_CATEGORIES = 1000


class Outliers(Component):
    name = "outliers"
    title = "Outliers"
    description = "The rows most unlike the rest, and the columns that make them unusual."
    params_schema = {
        "type": "object",
        "properties": {"top": {"type": "integer", "minimum": 1, "maximum": 500, "default": 25}},
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        if not profile:
            return None
        numeric = [c for c in profile["columns"] if c["kind"] == "numeric" and not c.get("id_like")]
        if not numeric or profile["rows"] < 20:
            return None
        return Suggestion(self.name, (entry["name"],), 0.3, f"The rows most unlike the other {profile['rows']:,}")

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        from ..kernel.frames import column_kind, json_value, text_codes, view_rows
        from ..kernel.safe import safe_label

        (df,) = objects
        rows = view_rows(df, state, MAX_ROWS)
        frame = rows.frame
        numeric: list[np.ndarray] = []
        numeric_names: list[str] = []
        rarity: list[np.ndarray] = []
        rarity_names: list[str] = []
        for label in frame.columns:
            col = frame[label]
            if not isinstance(col, pd.Series):
                continue
            kind = column_kind(col)
            if kind == "numeric":
                values = col.to_numpy(dtype=float, na_value=np.nan)
                if not np.isfinite(values).any():
                    continue
                median = np.nanmedian(values)
                mad = np.nanmedian(np.abs(values - median)) * 1.4826
                if not np.isfinite(mad) or mad == 0:
                    mad = np.nanstd(values)
                if not np.isfinite(mad) or mad == 0:
                    continue
                z = np.clip((values - median) / mad, -50.0, 50.0)
                numeric.append(np.nan_to_num(z, nan=0.0))
                numeric_names.append(safe_label(label))
            elif kind in ("text", "categorical", "boolean"):
                codes, names = text_codes(col)  # values as text, without converting every row
                if len(names) > MAX_CATEGORIES:
                    continue
                counts = np.bincount(codes + 1, minlength=len(names) + 1)  # slot 0: missing
                freq = counts / max(1, len(codes))  # a missing value counts as a value of its own
                rarity.append(-np.log2(freq[codes + 1]))
                rarity_names.append(safe_label(label))
        used = numeric_names + rarity_names
        if not used or len(frame) == 0:
            return {**rows.counts(), "columns": used, "outliers": []}
        n = len(frame)
        contributions = np.zeros((len(used), n))
        if numeric:
            z = np.vstack(numeric)  # columns x rows
            cov = np.atleast_2d(np.cov(z)) + np.eye(len(numeric)) * 1e-3
            # The inverse times z: the same as solve(cov, z) (cov has a ridge, so it is well conditioned),
            # ten times faster for a million rows (solve copies z into Fortran order first).
            whitened = np.linalg.inv(cov) @ z
            contributions[: len(numeric)] = np.maximum(z * whitened, 0.0)  # each column's share of d^2
        if rarity:
            contributions[len(numeric) :] = np.vstack(rarity)
        score = np.sqrt(contributions[: len(numeric)].sum(axis=0)) if numeric else np.zeros(n)
        if rarity:
            score = score + contributions[len(numeric) :].mean(axis=0)
        top = _top_positions(score, params["top"])
        preview = list(frame.columns[:12])
        outliers = []
        for position in top:
            share = contributions[:, position]
            why = np.argsort(-share, kind="stable")[:3]
            row = frame.iloc[int(position)]
            outliers.append(
                {
                    "index": json_value(frame.index[int(position)]),
                    "score": round(float(score[position]), 4),
                    "because": [used[i] for i in why if share[i] > 0],
                    "values": [json_value(row[c]) for c in preview],
                }
            )
        return {
            **rows.counts(),
            "columns": used,
            "preview_columns": [safe_label(c) for c in preview],
            "median_score": round(float(np.median(score)), 4),
            "outliers": outliers,
        }


def _top_positions(score: Any, k: int) -> Any:
    """``np.argsort(-score, kind="stable")[:k]`` without sorting every row: the rows at or above the
    k-th largest score (ties included) are found by a partition, then sorted."""
    import numpy as np

    n = len(score)
    if k >= n:
        return np.argsort(-score, kind="stable")
    threshold = np.partition(score, n - k)[n - k]
    candidates = np.flatnonzero(score >= threshold)
    return candidates[np.argsort(-score[candidates], kind="stable")][:k]
