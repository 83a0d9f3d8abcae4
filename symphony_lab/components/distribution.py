"""Distribution: a histogram (numeric, datetime) or counts (categories) of one column, split by a group."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, ParamError, Suggestion

RARE_FRACTION = 0.05
RARE_COUNT = 10

MAX_ROWS = 5_000_000
MAX_CATEGORIES = 30
MAX_GROUPS = 8


class Distribution(Component):
    name = "distribution"
    title = "Distribution"
    description = "How the values of one column are spread, optionally split by a group column."
    params_schema = {
        "type": "object",
        "properties": {
            "column": {"type": "string", "maxLength": 500},
            "by": {"type": ["string", "null"], "maxLength": 500, "default": None},
            "bins": {"type": "integer", "minimum": 2, "maximum": 200, "default": 30},
        },
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        if not profile:
            return None
        columns = [c for c in profile["columns"] if not c.get("id_like") and (c.get("distinct") or 0) > 1]
        label = next((c for c in columns if c.get("label_like")), None)
        numeric = [c for c in columns if c["kind"] == "numeric" and not c.get("label_like")]
        if not numeric and label is None:
            return None
        target = numeric[0] if numeric else label
        params: dict[str, Any] = {"column": target["name"]}
        reason = f"How `{target['name']}` is spread"
        if label is not None and label is not target:
            params["by"] = label["name"]
            reason += f", split by the label `{label['name']}`"
        return Suggestion(self.name, (entry["name"],), 0.45 if label else 0.4, reason, params)

    def findings(self, entries: Sequence[Entry], context: Context) -> list[Finding]:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        out = []
        for col in (profile or {}).get("columns", []):
            if not col.get("label_like") or not col.get("classes"):
                continue
            total = sum(c["count"] for c in col["classes"])
            rarest = min(col["classes"], key=lambda c: c["count"])
            if total and (rarest["count"] / total < RARE_FRACTION or rarest["count"] < RARE_COUNT):
                out.append(
                    Finding(
                        "rare_class",
                        "medium",
                        (entry["name"],),
                        f"Class {rarest['value']!r} of the label `{col['name']}` in {entry['name']} has "
                        f"{rarest['count']:,} rows ({rarest['count'] / total:.1%})",
                        self.name,
                        {"column": col["name"]},
                        {"column": col["name"], "class": rarest["value"], "count": rarest["count"], "total": total},
                    )
                )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.frames import column_kind, resolve_column, view_rows

        (df,) = objects
        if "column" not in params:
            raise ParamError("distribution needs a column")
        try:
            column = resolve_column(df, params["column"])
            by = resolve_column(df, params["by"]) if params.get("by") else None
        except KeyError as exc:
            raise ParamError(f"no column {exc.args[0]!r} in this frame") from None
        by_label = params.get("by")
        group = (state.get("groups") or {}).get("column")
        if by is None and group and group != params["column"]:
            try:  # the board's group-by splits the view when it names none itself (and the frame has it)
                by, by_label = resolve_column(df, group), group
            except KeyError:
                pass
        # Only the columns drawn are taken from the frame (the filter reads its own).
        rows = view_rows(df, state, MAX_ROWS, [column] if by is None else [column, by])
        frame = rows.frame
        values = frame[column]
        kind = column_kind(values)
        group_codes: Any = None
        if by is None:
            group_keys: list[Any] = [None]
        else:
            group_keys, group_codes = _top_codes(frame[by], MAX_GROUPS, dropna=False)
        result: dict[str, Any] = {
            "column": params["column"],
            "by": by_label,
            "by_board": by_label is not None and not params.get("by"),
            "kind": kind,
            **rows.counts(),
            "missing": int(values.isna().sum()),
        }
        if kind in ("numeric", "datetime"):
            result.update(_histograms(values, kind, params["bins"], group_keys, group_codes))
        else:
            text_codes, names = _text_codes(values)
            categories, codes = _top_codes(values, MAX_CATEGORIES, dropna=True, coded=(text_codes, names))
            observed = int(np.count_nonzero(np.bincount(text_codes[text_codes >= 0], minlength=len(names))))
            result["categories"] = categories
            result["other_categories"] = max(0, observed - len(categories))
            counts = _grouped_counts(group_codes, codes, len(group_keys), len(categories))
            result["series"] = [{"group": key, "counts": [int(c) for c in row]} for key, row in zip(group_keys, counts)]
        return result


def _grouped_counts(groups: Any, codes: Any, n_groups: int, n_codes: int) -> Any:
    """(n_groups, n_codes) counts of the rows with group and code both >= 0: one bincount."""
    import numpy as np

    if groups is None:  # one group: every row
        valid = codes[(codes >= 0) & (codes < n_codes)] if len(codes) and (codes.min() < 0 or codes.max() >= n_codes) else codes
        return np.bincount(valid, minlength=n_codes).reshape(1, n_codes)
    keep = (groups >= 0) & (groups < n_groups) & (codes >= 0) & (codes < n_codes)
    combined = groups[keep] * n_codes + codes[keep]
    return np.bincount(combined, minlength=n_groups * n_codes).reshape(n_groups, n_codes)


def _text_codes(values: Any) -> tuple[Any, list[Any]]:
    """Codes (-1 for missing) and the values they stand for, compared as text (kernel/frames.py)."""
    from ..kernel.frames import text_codes

    return text_codes(values)


def _top_codes(values: Any, limit: int, dropna: bool, coded: tuple[Any, list[Any]] | None = None) -> tuple[list[Any], Any]:
    """The ``limit`` most frequent values (missing as None when not ``dropna``) and each row's rank
    among them (-1 for the others): the order and ties of ``value_counts``. ``coded``: the values'
    ``_text_codes`` when the caller has them."""
    import numpy as np

    codes, names = coded if coded is not None else _text_codes(values)
    counts = np.bincount(codes + 1, minlength=len(names) + 1)  # slot 0: missing
    if dropna:
        counts[0] = 0
    slots = np.argsort(-counts, kind="stable")
    slots = [int(slot) for slot in slots[:limit] if counts[slot] > 0]
    rank = np.full(len(names) + 1, -1, dtype=np.int64)
    rank[slots] = np.arange(len(slots))
    keys = [None if slot == 0 else names[slot - 1] for slot in slots]
    return keys, rank[codes + 1]


def _histograms(values: Any, kind: str, bins: int, keys: list[Any], groups: Any) -> dict[str, Any]:
    """Equal-width bins over the finite values, counted per group in one bincount: the edges and counts
    of ``numpy.histogram`` (half-open bins, the last one closed) without its sort of every value."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import json_value

    if kind == "datetime":
        raw = values.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
        as_float = raw.astype("int64").astype(float)
        as_float[np.isnat(raw)] = np.nan
    else:
        as_float = values.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(as_float)
    present = as_float[finite]
    if len(present) == 0:
        return {"edges": [], "series": []}
    edges = np.histogram_bin_edges(present, bins=bins)
    low, high = edges[0], edges[-1]
    position = (present - low) * (bins / (high - low))
    index = position.astype(np.int64)
    np.clip(index, 0, bins - 1, out=index)
    # Rounding can put a value that lies on an edge one bin off: check those few against the edges
    # themselves, as numpy.histogram does (and nothing else, so no gather over every value).
    near = np.flatnonzero(np.abs(position - np.rint(position)) < 1e-6)
    if len(near):
        k, v = index[near], present[near]
        k = k - (v < edges[k])
        k = k + ((v >= edges[k + 1]) & (k != bins - 1))
        index[near] = k
    counts = _grouped_counts(None if groups is None else groups[finite], index, len(keys), bins)
    return {
        "edges": [json_value(pd.Timestamp(int(e))) if kind == "datetime" else float(e) for e in edges],
        "series": [{"group": key, "counts": [int(c) for c in row]} for key, row in zip(keys, counts)],
    }
