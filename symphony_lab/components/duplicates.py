"""Duplicates: rows that appear more than once in a frame, and rows one frame shares with another
(train/test leakage). Rows are compared by a 64-bit hash of their values (not their index labels)."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, ParamError, Suggestion

MAX_ROWS = 20_000_000
PREVIEW_COLUMNS = 12
NORMALISE_CHUNK = 200_000


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _normalized(frame: Any, decimals: int) -> Any:
    """The frame as near-duplicate detection compares it: text trimmed, case-folded and with runs of
    white space collapsed; floats rounded to ``decimals`` places; everything else as it is."""
    import pandas as pd

    from ..kernel import progress
    from ..kernel.frames import column_kind

    out = {}
    width = max(frame.shape[1], 1)
    for j in range(frame.shape[1]):
        progress.report(j / width)
        col = frame.iloc[:, j]
        kind = column_kind(col)
        if kind in ("text", "categorical"):
            text, parts = col.astype("string"), []
            for lo in range(0, len(text), NORMALISE_CHUNK):  # in parts, to report progress on big frames
                part = text.iloc[lo : lo + NORMALISE_CHUNK]
                parts.append(part.str.strip().str.casefold().str.replace(r"\s+", " ", regex=True))
                progress.report((j + min(1.0, (lo + NORMALISE_CHUNK) / len(text))) / width)
            col = pd.concat(parts) if parts else text
        elif kind == "numeric" and col.dtype.kind == "f":
            col = col.round(decimals)
        out[j] = col.reset_index(drop=True)
    return pd.DataFrame(out)


class Duplicates(Component):
    name = "duplicates"
    title = "Duplicates"
    description = (
        "Exact (or, with near, normalised) duplicate rows within a frame; with a second frame, the rows of "
        "the first that also appear in the second (train/test leakage)."
    )
    arity = (1, 2)
    params_schema = {
        "type": "object",
        "properties": {
            "page": {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
            "near": {"type": "boolean", "default": False},
            "decimals": {"type": "integer", "minimum": 0, "maximum": 12, "default": 6},
        },
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        if len(entries) == 2:
            b, a = entries[0]["name"], entries[1]["name"]
            ov = context.overlaps.get((a, b))
            if ov is None:
                return None
            if ov["rows_b_in_a"]:
                return Suggestion(
                    self.name,
                    (b, a),
                    0.95,
                    f"Leakage: {_plural(ov['rows_b_in_a'], 'row')} of {b} also appear in {a} ({ov['fraction_of_b']:.1%})",
                )
            return Suggestion(self.name, (b, a), 0.15, f"{b} and {a} share their columns but no row")
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        dup = (profile or {}).get("duplicates")
        if not dup:
            return None
        if dup["extra_copies"]:
            return Suggestion(
                self.name,
                (entry["name"],),
                0.9,
                f"{_plural(dup['rows_in_groups'], 'row')} appear more than once ({_plural(dup['groups'], 'group')})",
            )
        return Suggestion(self.name, (entry["name"],), 0.1, "No row appears twice; shows rows shared with other frames")

    def findings(self, entries: Sequence[Entry], context: Context) -> list[Finding]:
        (entry,) = entries
        dup = (context.profiles.get(entry["name"]) or {}).get("duplicates")
        out: list[Finding] = []
        if dup and dup["extra_copies"]:
            rows = context.profiles[entry["name"]]["rows"]
            severity = "high" if dup["extra_copies"] / max(rows, 1) >= 0.01 else "medium"
            out.append(
                Finding(
                    "duplicates",
                    severity,
                    (entry["name"],),
                    f"{_plural(dup['rows_in_groups'], 'row')} of {entry['name']} appear more than once "
                    f"({_plural(dup['extra_copies'], 'extra copy')} in {_plural(dup['groups'], 'group')})".replace(
                        "copys", "copies"
                    ),
                    self.name,
                    {},
                    dict(dup),
                )
            )
        for (a, b), ov in context.overlaps.items():
            if b == entry["name"] and ov and ov["rows_b_in_a"]:
                out.append(
                    Finding(
                        "leakage",
                        "high",
                        (b, a),
                        f"{_plural(ov['rows_b_in_a'], 'row')} of {b} also appear in {a} "
                        f"({ov['fraction_of_b']:.1%} of {b})",
                        self.name,
                        {},
                        dict(ov),
                    )
                )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel import progress
        from ..kernel.frames import apply_filter, find_duplicates, json_value, row_hashes, rows_in
        from ..kernel.safe import safe_label

        df = objects[0]
        other = objects[1] if len(objects) > 1 else None
        filtered = apply_filter(df, state)
        if len(filtered) > MAX_ROWS:
            raise ParamError(f"frames over {MAX_ROWS:,} rows are not checked for duplicates")
        preview_cols = list(df.columns[:PREVIEW_COLUMNS])
        result: dict[str, Any] = {
            "rows": int(len(df)),
            "filtered_rows": int(len(filtered)),
            "columns": [safe_label(c) for c in preview_cols],
        }
        if other is None:
            near = params["near"]
            with progress.stage(0.0, 0.3 if near else 0.45, "hashing rows"):
                exact = row_hashes(filtered)
            compared = filtered
            if near:
                with progress.stage(0.3, 0.7, "normalising values"):
                    compared = _normalized(filtered, params["decimals"])
            with progress.stage(0.7 if near else 0.45, 1.0, "finding duplicate rows"):
                found = find_duplicates(compared, None if near else exact)
            sizes = found.sizes()
            order = np.lexsort((np.arange(len(sizes)), -sizes))  # biggest first, then first seen
            start = params["page"] * params["page_size"]
            groups = []
            for g in order[start : start + params["page_size"]]:
                members = found.positions[found.codes == g]
                first = filtered.iloc[int(members[0])]
                groups.append(
                    {
                        "id": found.group_id(int(g)),
                        "size": int(sizes[g]),
                        "exact": bool((exact[members] == exact[members[0]]).all()),
                        "index": [json_value(v) for v in filtered.index[members[:50]]],
                        "values": [json_value(first[c]) for c in preview_cols],
                    }
                )
            result.update(
                mode="within",
                near=params["near"],
                groups_total=found.groups,
                rows_in_groups=found.rows_in_groups,
                extra_copies=found.extra_copies,
                page=params["page"],
                groups=groups,
            )
            return result
        shared = [c for c in df.columns if c in set(other.columns)]
        if not shared:
            raise ParamError("the two frames share no column")
        with progress.stage(0.0, 1.0, "matching rows"):
            in_other = rows_in(filtered, other, shared)
        positions = np.flatnonzero(in_other)
        start = params["page"] * params["page_size"]
        page = positions[start : start + params["page_size"]]
        rows = []
        for p in page:
            row = filtered.iloc[int(p)]
            rows.append({"index": json_value(filtered.index[int(p)]), "values": [json_value(row[c]) for c in preview_cols]})
        result.update(
            mode="across",
            other_rows=int(len(other)),
            shared_columns=len(shared),
            rows_in_other=int(in_other.sum()),
            fraction=float(in_other.mean()) if len(in_other) else 0.0,
            page=params["page"],
            shared_rows=rows,
        )
        return result

    selects = True

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """Rows of the first frame: one duplicate group (``{"group": id}``, the id the view shows), every
        row that has a duplicate (``{"all": true}``), or, with a second frame, the rows it shares."""
        from ..kernel.frames import find_duplicates, group_rows, row_hashes, rows_in

        df = objects[0]
        if len(objects) > 1:
            other = objects[1]
            shared = [c for c in df.columns if c in set(other.columns)]
            if not shared:
                raise ParamError("the two frames share no column")
            return rows_in(df, other, shared)
        compared = _normalized(df, params["decimals"]) if params["near"] else df
        if spec.get("all") is True:
            return find_duplicates(compared).mask()
        group = spec.get("group")
        if not isinstance(group, str) or not 16 <= len(group) <= 24:
            raise ParamError("a duplicates selection needs a group id (16 hex digits) or all: true")
        try:
            int(group.partition("-")[0], 16)
            return group_rows(compared, row_hashes(compared), group)
        except ValueError:
            raise ParamError("a duplicate group id is 16 hex digits, optionally followed by -N") from None
