"""Drift: how far the distribution of each column moved between two frames of the same schema (train and
test, or last month and this month), one statistic per column, ranked.

Numeric columns: the two-sample Kolmogorov-Smirnov statistic (the largest gap between the two empirical
distribution functions, 0..1) with its asymptotic p-value, and the population stability index on ten
quantile bins of the reference. Categorical, boolean and text columns: the total variation distance
between the two frequency tables (0..1: half the sum of absolute differences of shares) and the PSI.
Above ``MAX_ROWS`` rows a frame is sampled (marked). With the first frame the current data and the second
the reference, as the suggestion orders them (the smaller, usually the test split, first).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, ParamError, Suggestion

MAX_ROWS = 1_000_000
PROFILE_ROWS = 50_000
BINS = 20
TOP_CATEGORIES = 12
EPS = 1e-4


def ks_pvalue(d: float, n: int, m: int) -> float:
    """Asymptotic p-value of the two-sample KS statistic (Kolmogorov distribution, Stephens' correction)."""
    if n == 0 or m == 0:
        return 1.0
    en = math.sqrt(n * m / (n + m))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 1e-3:
        return 1.0
    total = 0.0
    for j in range(1, 101):
        term = 2 * (-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam)
        total += term
        if abs(term) < 1e-12:
            break
    return float(min(max(total, 0.0), 1.0))


def ks_statistic(a: Any, b: Any) -> float:
    """max |F_a(x) - F_b(x)| over the pooled values (both sorted once)."""
    import numpy as np

    a, b = np.sort(a), np.sort(b)
    if len(a) == 0 or len(b) == 0:
        return 0.0
    pooled = np.concatenate([a, b])
    fa = np.searchsorted(a, pooled, side="right") / len(a)
    fb = np.searchsorted(b, pooled, side="right") / len(b)
    return float(np.max(np.abs(fa - fb)))


def psi(expected: Any, actual: Any) -> float:
    """Population stability index of two share vectors (shares floored at EPS so no bin is infinite)."""
    import numpy as np

    e = np.maximum(np.asarray(expected, dtype=float), EPS)
    a = np.maximum(np.asarray(actual, dtype=float), EPS)
    return float(np.sum((a - e) * np.log(a / e)))


def _sample(values: Any, limit: int, seed: int = 0) -> tuple[Any, bool]:
    import numpy as np

    if len(values) <= limit:
        return values, False
    rng = np.random.default_rng(seed)
    return values[np.sort(rng.choice(len(values), limit, replace=False))], True


def column_drift(current: Any, reference: Any, kind: str, limit: int = MAX_ROWS, detail: bool = True) -> dict[str, Any]:
    """The shift of one column (pandas Series) from ``reference`` to ``current``."""
    import numpy as np
    import pandas as pd

    out: dict[str, Any] = {
        "kind": kind,
        "missing_current": float(current.isna().mean()) if len(current) else 0.0,
        "missing_reference": float(reference.isna().mean()) if len(reference) else 0.0,
    }
    cur, ref = current.dropna(), reference.dropna()
    if kind == "numeric" or kind == "datetime":
        to_num = (lambda s: s.astype("int64").to_numpy(dtype=float)) if kind == "datetime" else (
            lambda s: s.to_numpy(dtype=float)
        )
        a, sampled_a = _sample(to_num(cur), limit)
        b, sampled_b = _sample(to_num(ref), limit, seed=1)
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        d = ks_statistic(a, b)
        out.update(statistic=d, measure="ks", p_value=ks_pvalue(d, len(a), len(b)), sampled=sampled_a or sampled_b)
        if len(b) and len(a):
            edges = np.unique(np.quantile(b, np.linspace(0, 1, 11)))
            if len(edges) > 2:
                ea = np.histogram(np.clip(a, edges[0], edges[-1]), edges)[0] / len(a)
                eb = np.histogram(b, edges)[0] / len(b)
                out["psi"] = psi(eb, ea)
            out["mean_current"], out["mean_reference"] = float(a.mean()), float(b.mean())
            sd = float(b.std()) or 1.0
            out["mean_shift_sd"] = (float(a.mean()) - float(b.mean())) / sd
            if detail:
                low, high = float(min(a.min(), b.min())), float(max(a.max(), b.max()))
                if high == low:
                    high = low + 1.0
                bins = np.linspace(low, high, BINS + 1)
                out["histogram"] = {
                    "edges": bins.tolist(),
                    "current": (np.histogram(a, bins)[0] / len(a)).tolist(),
                    "reference": (np.histogram(b, bins)[0] / len(b)).tolist(),
                    "datetime": kind == "datetime",
                }
        return out
    from ..kernel.frames import json_value

    ca = cur.astype("string").value_counts(normalize=True)
    cb = ref.astype("string").value_counts(normalize=True)
    both = pd.concat([ca.rename("current"), cb.rename("reference")], axis=1).fillna(0.0)
    tvd = float(0.5 * np.abs(both["current"] - both["reference"]).sum())
    out.update(statistic=tvd, measure="tvd", p_value=None, sampled=False, psi=psi(both["reference"], both["current"]))
    new = [json_value(v) for v in both.index[(both["reference"] == 0) & (both["current"] > 0)][:5]]
    if new:
        out["new_values"] = new
    if detail:
        order = (both["current"] + both["reference"]).sort_values(ascending=False, kind="stable").index
        top = both.loc[order[:TOP_CATEGORIES]]
        out["categories"] = {
            "values": [json_value(v) for v in top.index],
            "current": top["current"].tolist(),
            "reference": top["reference"].tolist(),
            "others": len(both) - len(top),
        }
    return out


def frame_drift(current: Any, reference: Any, limit: int = MAX_ROWS, detail: bool = True, max_columns: int = 500) -> list[dict[str, Any]]:
    """Every shared column's drift, the largest statistic first."""
    from ..kernel.frames import column_kind
    from ..kernel.safe import safe_label

    shared = [c for c in current.columns if c in set(reference.columns)][:max_columns]
    out = []
    for c in shared:
        kind = column_kind(current[c])
        if kind != column_kind(reference[c]):
            kind = "text"
        item = column_drift(current[c], reference[c], kind, limit, detail)
        item["column"] = safe_label(c)
        out.append(item)
    out.sort(key=lambda d: (-d["statistic"], d["column"]))
    return out


def significant(item: dict[str, Any]) -> bool:
    """A shift worth a finding: large enough to matter, and not noise."""
    if item["measure"] == "ks":
        return item["statistic"] >= 0.1 and (item.get("p_value") or 0) < 0.001
    return item["statistic"] >= 0.1


class Drift(Component):
    name = "drift"
    title = "Drift"
    description = (
        "How far each column's distribution moved between two frames of the same columns (train and test, "
        "or two versions): Kolmogorov-Smirnov for numbers, total variation for categories, PSI for both."
    )
    arity = (2, 2)
    profiles_pairs = True
    params_schema = {
        "type": "object",
        "properties": {"columns": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        b, a = entries[0]["name"], entries[1]["name"]
        overlap = context.overlaps.get((a, b)) or {}
        drift = overlap.get("drift")
        if drift is None:
            return Suggestion(self.name, (b, a), 0.4, f"{b} and {a} have the same columns: did any distribution move?")
        top = drift.get("top") or []
        moved = [d for d in top if d.get("significant")]
        if moved:
            first = moved[0]
            return Suggestion(
                self.name,
                (b, a),
                0.8,
                f"{len(moved)} column(s) moved between {a} and {b}, most {first['column']} "
                f"({first['measure'].upper()} {first['statistic']:.2f})",
            )
        return Suggestion(self.name, (b, a), 0.35, f"No column of {b} moved much from {a}; see each column's shift")

    def pair_findings(self, current: str, reference: str, context: Context) -> list[Finding]:
        drift = (context.overlaps.get((reference, current)) or {}).get("drift") or {}
        out = []
        for d in (drift.get("top") or [])[:3]:
            if not d.get("significant"):
                continue
            stat = f"{d['measure'].upper()} {d['statistic']:.2f}"
            if d["measure"] == "ks" and d.get("p_value") is not None:
                stat += ", p<0.001" if d["p_value"] < 0.001 else f", p={d['p_value']:.3f}"
            out.append(
                Finding(
                    "drift",
                    "high" if d["statistic"] >= 0.3 else "medium",
                    (current, reference),
                    f"{d['column']} moved between {reference} and {current} ({stat})"
                    + (" (sampled)" if drift.get("sampled") else ""),
                    self.name,
                    {},
                    dict(d),
                )
            )
        return out

    def pair_profile(self, current: Any, reference: Any) -> dict[str, Any]:
        """Kernel side, beside the overlap of two frames: the few most moved columns, on samples."""
        items = frame_drift(current, reference, PROFILE_ROWS, detail=False, max_columns=200)
        return {
            "sampled": len(current) > PROFILE_ROWS or len(reference) > PROFILE_ROWS,
            "top": [
                {
                    "column": d["column"],
                    "measure": d["measure"],
                    "statistic": round(d["statistic"], 4),
                    "p_value": d.get("p_value"),
                    "significant": significant(d),
                }
                for d in items[:5]
            ],
        }

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        from ..kernel.frames import apply_filter

        current, reference = objects[0], objects[1]
        if not [c for c in current.columns if c in set(reference.columns)]:
            raise ParamError("the two frames share no column")
        current_f, reference_f = apply_filter(current, state), apply_filter(reference, state)
        items = frame_drift(current_f, reference_f, MAX_ROWS, detail=True)
        for item in items:
            item["significant"] = significant(item)
        return {
            "rows_current": int(len(current)),
            "rows_reference": int(len(reference)),
            "filtered_current": int(len(current_f)),
            "filtered_reference": int(len(reference_f)),
            "sampled": len(current_f) > MAX_ROWS or len(reference_f) > MAX_ROWS,
            "columns_total": len(items),
            "columns": items[: params["columns"]],
        }
