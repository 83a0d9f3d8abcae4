"""Components on large frames: our kernel-side computation beside the obvious library call, in one run.

- Summary of an N x 10 frame: ``Summary.compute`` against pandas ``DataFrame.describe()``.
- Exact duplicates of an N x 10 frame: ``Duplicates.compute`` (row hash + grouping) against pandas
  ``DataFrame.duplicated()`` and, when installed, polars ``is_duplicated()``.
- Payload bytes of each view's data as JSON (what the server sends today).

Times are the best of ``--repeat`` runs, in-process (what the kernel spends). Usage:
python benchmarks/bench_components.py [--rows 10000000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Callable

import numpy as np
import pandas as pd

from symphony_lab.components.duplicates import Duplicates
from symphony_lab.components.summary import Summary


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result, times = None, []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main(rows: int, repeat: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    # Values with few distinct levels so that duplicates exist; 1% of rows copied again.
    df = pd.DataFrame(rng.integers(0, 50, (rows, 10)).astype(float), columns=[f"f{i}" for i in range(10)])
    df.iloc[: rows // 100] = df.iloc[rows // 2 : rows // 2 + rows // 100].to_numpy()
    out: dict[str, Any] = {"rows": rows, "columns": 10, "python": sys.version.split()[0], "results": []}

    summary = Summary()
    ours, data = best(lambda: summary.compute([df], summary.check_params({}), {}), repeat)
    theirs, _ = best(lambda: df.describe(), repeat)
    out["results"].append({"task": "summary", "ours_s": ours, "baseline": "pandas describe()", "baseline_s": theirs,
                           "sampled": data["sampled"], "json_bytes": len(json.dumps(data))})

    dup = Duplicates()
    ours, data = best(lambda: dup.compute([df], dup.check_params({}), {}), repeat)
    theirs, expected = best(lambda: int(df.duplicated().sum()), 1)
    assert data["extra_copies"] == expected, (data["extra_copies"], expected)
    result = {"task": "exact duplicates", "ours_s": ours, "baseline": "pandas duplicated()", "baseline_s": theirs,
              "json_bytes": len(json.dumps(data)), "extra_copies": expected}
    try:
        import polars as pl

        pf = pl.from_pandas(df)
        result["polars_is_duplicated_s"], _ = best(lambda: pf.is_duplicated().sum(), repeat)
    except ImportError:
        pass
    out["results"].append(result)
    return out


def report(out: dict[str, Any]) -> None:
    print(f"symphony-lab components on a {out['rows']:,} x {out['columns']} float frame (best of runs, in-process)")
    for r in out["results"]:
        line = (f"{r['task']:<18} ours {r['ours_s']:7.3f} s   {r['baseline']:<22} {r['baseline_s']:7.3f} s"
                f"   ratio {r['baseline_s'] / r['ours_s']:6.1f}x faster   view data {r['json_bytes']:,} bytes JSON")
        if "polars_is_duplicated_s" in r:
            line += f"   polars is_duplicated {r['polars_is_duplicated_s']:.3f} s"
        if r.get("sampled"):
            line += "   (summary sampled)"
        print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = main(args.rows, args.repeat)
    report(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
