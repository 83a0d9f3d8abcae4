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
        import pandas as pd

        from ..kernel.frames import column_kind, json_value, resolve_column, view_rows

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
        rows = view_rows(df, state, MAX_ROWS)
        frame = rows.frame
        values = frame[column]
        kind = column_kind(values)
        groups: list[tuple[Any, Any]]
        if by is None:
            groups = [(None, slice(None))]
        else:
            top = frame[by].astype("string").value_counts(dropna=False).head(MAX_GROUPS).index
            keys = frame[by].astype("string")
            groups = [(json_value(g), (keys == g).to_numpy(dtype=bool, na_value=False) if g is not pd.NA else keys.isna().to_numpy()) for g in top]
        result: dict[str, Any] = {
            "column": params["column"],
            "by": by_label,
            "by_board": by_label is not None and not params.get("by"),
            "kind": kind,
            **rows.counts(),
            "missing": int(values.isna().sum()),
        }
        if kind in ("numeric", "datetime"):
            raw = values.to_numpy(dtype="datetime64[ns]" if kind == "datetime" else float, na_value=np.nan if kind == "numeric" else np.datetime64("NaT"))
            as_float = raw.astype("int64").astype(float) if kind == "datetime" else raw
            if kind == "datetime":
                as_float[np.isnat(raw)] = np.nan
            finite = as_float[np.isfinite(as_float)]
            if len(finite) == 0:
                result.update(edges=[], series=[])
                return result
            edges = np.histogram_bin_edges(finite, bins=params["bins"])
            series = []
            for key, mask in groups:
                part = as_float[mask]
                counts, _ = np.histogram(part[np.isfinite(part)], bins=edges)
                series.append({"group": key, "counts": [int(c) for c in counts]})
            result["edges"] = [json_value(pd.Timestamp(int(e))) if kind == "datetime" else float(e) for e in edges]
            result["series"] = series
        else:
            text = values.astype("string")
            categories = list(text.value_counts(dropna=True).head(MAX_CATEGORIES).index)
            result["categories"] = [json_value(c) for c in categories]
            result["other_categories"] = int(max(0, text.nunique(dropna=True) - len(categories)))
            series = []
            for key, mask in groups:
                counts = text[mask].value_counts(dropna=True)
                series.append({"group": key, "counts": [int(counts.get(c, 0)) for c in categories]})
            result["series"] = series
        return result
