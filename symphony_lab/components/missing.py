"""Missing values: how much is missing per column, and which columns go missing together."""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Entry, Finding, Suggestion

MAX_ROWS = 5_000_000
MOSTLY_MISSING = 0.5


class MissingValues(Component):
    name = "missing"
    title = "Missing values"
    description = "Missing values per column and the most common patterns of columns missing together."
    params_schema = {
        "type": "object",
        "properties": {"patterns": {"type": "integer", "minimum": 1, "maximum": 100, "default": 15}},
    }

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        if not profile:
            return None
        with_missing = [c for c in profile["columns"] if c["missing"]]
        if not with_missing:
            return None
        worst = max(with_missing, key=lambda c: c["missing_fraction"])
        score = 0.5 + 0.4 * min(1.0, worst["missing_fraction"] * 2)
        return Suggestion(
            self.name,
            (entry["name"],),
            score,
            f"{len(with_missing)} column{'s have' if len(with_missing) > 1 else ' has'} missing values; "
            f"`{worst['name']}` is {worst['missing_fraction']:.0%} missing",
        )

    def findings(self, entries: Sequence[Entry], context: Context) -> list[Finding]:
        (entry,) = entries
        profile = context.profiles.get(entry["name"])
        out = []
        for col in (profile or {}).get("columns", []):
            if col["missing_fraction"] >= MOSTLY_MISSING:
                approx = "about " if profile["sampled"] else ""
                out.append(
                    Finding(
                        "mostly_missing",
                        "medium",
                        (entry["name"],),
                        f"`{col['name']}` in {entry['name']} is {approx}{col['missing_fraction']:.0%} missing",
                        self.name,
                        {},
                        {"column": col["name"], "missing_fraction": col["missing_fraction"], "sampled": profile["sampled"]},
                    )
                )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.frames import view_rows
        from ..kernel.safe import safe_label

        (df,) = objects
        rows = view_rows(df, state, MAX_ROWS)
        frame = rows.frame
        isna = frame.isna()
        per_column = isna.sum()
        labels = [safe_label(c) for c in frame.columns]
        columns = [
            {"name": label, "missing": int(count), "fraction": float(count) / len(frame) if len(frame) else 0.0}
            for label, count in zip(labels, per_column.to_numpy())
        ]
        patterns: list[dict[str, Any]] = []
        with_missing = [i for i, c in enumerate(columns) if c["missing"]]
        if with_missing and len(frame):
            bits = isna.iloc[:, with_missing].to_numpy()
            k = len(with_missing)
            if k <= 62:
                # Each row's pattern as one integer, the first column its highest bit (so patterns sort
                # as the rows of bits would); counted by a bincount when there are few, else by unique.
                codes = np.zeros(len(frame), dtype=np.uint64)
                for j in range(k):
                    codes |= bits[:, j].astype(np.uint64) << np.uint64(k - 1 - j)
                if k <= 20:
                    every = np.bincount(codes.astype(np.int64), minlength=1 << k)
                    keys = np.flatnonzero(every)
                    counts = every[keys]
                else:
                    keys, counts = np.unique(codes, return_counts=True)
                order = np.argsort(-counts, kind="stable")[: params["patterns"]]
                for i in order:
                    key = int(keys[i])
                    present = [j for j in range(k) if key >> (k - 1 - j) & 1]
                    patterns.append({"columns": [labels[with_missing[j]] for j in present], "count": int(counts[i])})
            else:
                packed = np.packbits(bits, axis=1)
                keys, counts = np.unique(packed, axis=0, return_counts=True)
                order = np.argsort(-counts, kind="stable")[: params["patterns"]]
                for i in order:
                    row = np.unpackbits(keys[i])[:k].astype(bool)
                    patterns.append({"columns": [labels[with_missing[j]] for j in np.flatnonzero(row)], "count": int(counts[i])})
        return {
            **rows.counts(),
            "complete_rows": int((~isna.any(axis=1)).sum()) if len(frame) else 0,
            "columns": columns,
            "patterns": patterns,
        }

