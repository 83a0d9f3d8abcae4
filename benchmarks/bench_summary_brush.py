"""The Summary of a brushed frame, in the kernel: the largest item of a linked brush's critical path.

The frame of the browser benchmark (ui-tests/bench/latency.bench.ts): 1,000,000 rows of ``age`` integers,
``income`` and ``score`` floats, ``city`` and ``label`` categoricals. A Summary of the whole frame first
(it is open before anyone brushes), then ``--brushes`` requests each with a different ``age`` range, as
successive brushes (no answer can come from a cache of views), through ``analysis.compute`` and the Arrow
encoding, as the kernel answers a view; single-threaded and with the shipped threads.

Baseline, in the same run: the plain way with pandas on the filtered frame (boolean index of the frame,
``describe(include="all")``, ``nunique()``, a 20-bin ``numpy.histogram`` per numeric column, ``value_counts``
per category), on the same ranges. Both answers are checked to agree (rows kept, exact distinct counts,
histogram totals). The ranges have fractional ends, as a brush drawn on a histogram gives. Usage:
python benchmarks/bench_summary_brush.py [--rows 1000000] [--brushes 25] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from symphony_lab.kernel import analysis, encode, parallel
from symphony_lab.kernel.catalog import CatalogOptions


def frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "age": rng.integers(18, 90, rows),
        "income": rng.normal(50_000, 15_000, rows).round(2),
        "score": rng.random(rows),
        "city": pd.Categorical.from_codes(rng.integers(0, 5, rows), ["Oslo", "Lyon", "Porto", "Graz", "Turku"]),
        "label": pd.Categorical.from_codes((rng.random(rows) < 0.1).astype(int), ["ok", "fraud"]),
    })


def request(low: float | None, high: float | None) -> dict[str, Any]:
    clauses = [] if low is None else [{"column": "age", "op": "range", "min": low, "max": high}]
    state = {"filter": clauses, "selection": None, "groups": None}
    return {"op": "compute", "component": "summary", "variables": ["df"], "params": {}, "state": state}


def plain(df: pd.DataFrame, low: float, high: float) -> dict[str, Any]:
    """The baseline: pandas on the filtered frame."""
    kept = df[(df["age"] >= low) & (df["age"] <= high)]
    kept.describe(include="all")
    distinct = kept.nunique()
    histograms = {c: np.histogram(kept[c].dropna(), bins=20)[0] for c in ("age", "income", "score")}
    tops = {c: kept[c].value_counts().head(5) for c in ("city", "label")}
    return {"rows": len(kept), "distinct": distinct, "histograms": histograms, "tops": tops}


def ranges(brushes: int, shift: float) -> list[tuple[float, float]]:
    return [(20 + i % 30 + shift, 60 + i % 30 + shift) for i in range(brushes)]


def main(rows: int, brushes: int) -> dict[str, Any]:
    df = frame(rows)
    namespace = {"df": df}
    options = CatalogOptions.from_request({})
    analysis.compute(namespace, request(None, None), options)  # imports, and the Summary open before brushing
    out: dict[str, Any] = {"rows": rows, "brushes": brushes, "python": sys.version.split()[0], "runs": []}

    def ours(low: float, high: float) -> dict[str, Any]:
        answer = analysis.compute(namespace, request(low, high), options)
        encode.encode_result(answer, "arrow")
        return answer["data"]

    shipped = parallel.PARALLEL_ROWS
    # Each run gets ranges of its own (shifted by a fraction): the kernel keeps the last filter masks.
    for label, threads, shift in (("ours, 1 thread", False, 0.25), ("ours, shipped threads", True, 0.5),
                                  ("pandas on the filtered frame", None, 0.75)):
        times = []
        for low, high in ranges(brushes, shift):
            parallel.PARALLEL_ROWS = shipped if threads else 1 << 62
            started = time.perf_counter()
            result = ours(low, high) if threads is not None else plain(df, low, high)
            times.append(time.perf_counter() - started)
        parallel.PARALLEL_ROWS = shipped
        out["runs"].append({"run": label, "p50_ms": 1000 * float(np.percentile(times, 50)),
                            "p95_ms": 1000 * float(np.percentile(times, 95))})
    # The answers agree (one range): rows kept, exact distinct counts, every finite value in a bin.
    low, high = ranges(1, 0.0)[0]
    mine, theirs = ours(low, high), plain(df, low, high)
    assert mine["filtered_rows"] == theirs["rows"]
    columns = {c["name"]: c for c in mine["columns"]}
    for name in ("age", "city", "label"):
        assert columns[name]["distinct"] == theirs["distinct"][name], name
    for name, counts in theirs["histograms"].items():
        assert sum(columns[name]["histogram"]["counts"]) == int(counts.sum()), name
    assert [t["count"] for t in columns["city"]["top"]] == theirs["tops"]["city"].tolist()
    return out


def report(out: dict[str, Any]) -> None:
    print(f"Summary of a brushed {out['rows']:,} x 5 frame, {out['brushes']} brushes (in-process, view encoded)")
    baseline = out["runs"][-1]
    for run in out["runs"]:
        print(f"  {run['run']:<30} p50 {run['p50_ms']:7.1f} ms   p95 {run['p95_ms']:7.1f} ms"
              f"   ratio (p50) {baseline['p50_ms'] / run['p50_ms']:5.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--brushes", type=int, default=25)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = main(args.rows, args.brushes)
    report(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
