"""Table: the rows themselves, one page at a time, sorted and filtered by the board's shared state.

Only the requested page travels (at most 500 rows × 100 columns); sorting the first pages of a large
frame uses a partial selection (``nsmallest``/``nlargest``), not a full sort."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, ParamError, Suggestion

MAX_COLUMNS = 100
PARTIAL_SORT_LIMIT = 100_000


class Table(Component):
    name = "table"
    title = "Table"
    description = "The rows, a page at a time: sort by any column; the board's filter applies."
    params_schema = {
        "type": "object",
        "properties": {
            "page": {"type": "integer", "minimum": 0, "maximum": 100_000_000, "default": 0},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            "sort": {"type": ["string", "null"], "maxLength": 500, "default": None},
            "descending": {"type": "boolean", "default": False},
        },
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        rows = (entry.get("shape") or [0])[0]
        return Suggestion(self.name, (entry["name"],), 0.3, f"Browse the {rows:,} rows, sorted and filtered by the board")

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        from ..kernel.frames import column_kind, filter_mask, json_value, resolve_column
        from ..kernel.safe import safe_label

        (df,) = objects
        mask = filter_mask(df, state)
        kept = None if mask is None else np.flatnonzero(mask)
        total = len(df) if kept is None else len(kept)
        size, page = params["page_size"], params["page"]
        start = page * size
        sort_label, descending = params.get("sort"), params["descending"]
        if sort_label:
            filtered = df if kept is None else df.take(kept)
            try:
                key = resolve_column(filtered, sort_label)
            except KeyError:
                raise ParamError(f"no column {sort_label!r} to sort by") from None
            column = filtered[key]
            needed = start + size
            if column_kind(column) == "numeric" and needed <= PARTIAL_SORT_LIMIT and needed < total:
                picked = filtered.nlargest(needed, key) if descending else filtered.nsmallest(needed, key)
                if len(picked) < needed:  # missing values go last, as in a full sort
                    rest = filtered[column.isna()]
                    picked = pd.concat([picked, rest.iloc[: needed - len(picked)]])
                rows = picked.iloc[start:needed]
            else:
                rows = filtered.sort_values(key, ascending=not descending, kind="stable", na_position="last").iloc[start : start + size]
        elif kept is None:
            rows = df.iloc[start : start + size]
        else:  # a page by position in the frame: the filtered frame is not copied
            rows = df.take(kept[start : start + size])
        shown = list(df.columns[:MAX_COLUMNS])
        columns = [
            {"name": safe_label(c), "dtype": str(df[c].dtype), "kind": column_kind(df[c])}
            for c in shown
            if isinstance(df[c], pd.Series)
        ]
        keys = [c for c in shown if isinstance(df[c], pd.Series)]
        values = [[json_value(v) for v in row] for row in rows[keys].itertuples(index=False, name=None)]
        return {
            "rows": int(len(df)),
            "filtered_rows": int(total),
            "page": page,
            "page_size": size,
            "pages": max(1, -(-total // size)),
            "sort": sort_label,
            "descending": descending,
            "columns": columns,
            "columns_total": int(df.shape[1]),
            "index": [json_value(v) for v in rows.index],
            "values": values,
        }
