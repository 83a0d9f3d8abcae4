"""An example symphony-lab component: how much memory each column really takes (deep)."""

from __future__ import annotations

from typing import Any, Sequence

from symphony_lab.components import Component, Context, Suggestion

LARGE = 100 * 2**20  # frames whose shallow size is over 100 MiB get a higher score


class Memory(Component):
    name = "memory"
    title = "Memory"
    description = "Bytes per column, counting the objects inside object and string columns."
    params_schema = {
        "type": "object",
        "properties": {"top": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}},
    }

    def suggest(self, entries: Sequence[dict[str, Any]], context: Context) -> Suggestion | None:
        (entry,) = entries
        memory = entry.get("memory") or 0
        score = 0.6 if memory > LARGE else 0.05
        return Suggestion(self.name, (entry["name"],), score, f"Which columns take the {memory:,} bytes")

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        from symphony_lab.kernel.frames import apply_filter
        from symphony_lab.kernel.safe import safe_label

        (df,) = objects
        frame = apply_filter(df, state)
        usage = frame.memory_usage(index=True, deep=True).sort_values(ascending=False)
        top = usage.head(params["top"])
        return {
            "total": int(usage.sum()),
            "columns": [{"name": safe_label(k), "bytes": int(v)} for k, v in top.items()],
        }
