"""Components on large frames: our kernel-side computation beside the obvious library call, in one run.

- Summary of an N x 10 frame: ``Summary.compute`` against pandas ``DataFrame.describe()``.
- Exact duplicates of an N x 10 frame: ``Duplicates.compute`` (row hash + grouping + value check) against
  pandas ``DataFrame.duplicated()`` and, when installed, polars ``is_duplicated()``; with the time of the
  row hash and of the grouping apart.
- Payload bytes of each view at 1,000,000 rows (a frame of numbers, integers and categories): the JSON
  answer (what a JSON client gets) against the framed answer with Arrow tables (what the browser gets),
  as the server writes them.

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

from symphony_lab import framing
from symphony_lab.components.duplicates import Duplicates
from symphony_lab.components.registry import load_components
from symphony_lab.components.summary import Summary
from symphony_lab.kernel.encode import encode_result
from symphony_lab.kernel.frames import find_duplicates, row_hashes


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
    hash_s, hashes = best(lambda: row_hashes(df), repeat)
    group_s, _ = best(lambda: find_duplicates(df, hashes), repeat)
    result = {"task": "exact duplicates", "ours_s": ours, "baseline": "pandas duplicated()", "baseline_s": theirs,
              "json_bytes": len(json.dumps(data)), "extra_copies": expected, "row_hash_s": hash_s,
              "group_and_check_s": group_s}
    try:
        import polars as pl

        pf = pl.from_pandas(df)
        result["polars_is_duplicated_s"], _ = best(lambda: pf.is_duplicated().sum(), repeat)
    except ImportError:
        pass
    out["results"].append(result)
    return out


PAYLOAD_VIEWS: list[tuple[str, dict[str, Any]]] = [
    ("summary", {}),
    ("distribution", {"column": "age", "by": "city"}),
    ("missing", {}),
    ("correlations", {}),
    ("outliers", {}),
    ("duplicates", {}),
    ("duplicates", {"page_size": 200}),
    ("table", {}),
    ("table", {"page_size": 200}),
]


def payload_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "age": rng.integers(18, 90, rows), "income": rng.normal(50_000, 15_000, rows).round(2),
        "score": rng.random(rows),
        "city": pd.Categorical.from_codes(rng.integers(0, 5, rows), ["Oslo", "Lyon", "Porto", "Graz", "Turku"]),
        "label": pd.Categorical.from_codes((rng.random(rows) < 0.1).astype(int), ["ok", "fraud"]),
        "name": pd.Series([f"user {i % 50_000}" for i in range(rows)], dtype="string"),
    })
    df.loc[rng.choice(rows, rows // 20, replace=False), "income"] = np.nan
    return pd.concat([df, df.iloc[: rows // 100]], ignore_index=True)  # 1% of rows twice


def payloads(rows: int) -> list[dict[str, Any]]:
    """Bytes of each view's answer as the server writes it: JSON, and framed with Arrow tables."""
    df = payload_frame(rows)
    components = load_components()
    out = []
    for name, params in PAYLOAD_VIEWS:
        component = components[name]
        checked = component.check_params(params)
        data = component.compute([df], checked, {})
        envelope = {"component": name, "variables": ["df"], "params": checked, "state": {"filter": []},
                    "execution_count": 1, "elapsed_ms": 1.0, "fingerprints": ["0" * 16], "selection": None}
        as_json = json.dumps({**envelope, "data": data, "encoding": "json", "cached": False})
        kernel = encode_result({"data": data}, "arrow")  # what the kernel sends: base64 inside
        streams = [__import__("base64").b64decode(b) for b in kernel.get("arrow", [])]
        framed = framing.MAGIC + framing.answer_frames(
            {**envelope, "data": kernel["data"], "encoding": kernel["encoding"], "arrow": streams, "cached": False})
        out.append({"view": name, "params": params, "json_bytes": len(as_json.encode()), "framed_bytes": len(framed),
                    "arrow_tables": len(streams), "arrow_bytes": sum(len(s) for s in streams)})
    return out


def report(out: dict[str, Any]) -> None:
    print(f"symphony-lab components on a {out['rows']:,} x {out['columns']} float frame (best of runs, in-process)")
    for r in out["results"]:
        line = (f"{r['task']:<18} ours {r['ours_s']:7.3f} s   {r['baseline']:<22} {r['baseline_s']:7.3f} s"
                f"   ratio {r['baseline_s'] / r['ours_s']:6.1f}x faster   view data {r['json_bytes']:,} bytes JSON")
        if "polars_is_duplicated_s" in r:
            line += (f"   polars is_duplicated {r['polars_is_duplicated_s']:.3f} s"
                     f" (ratio {r['polars_is_duplicated_s'] / r['ours_s']:.1f}x)")
        if "row_hash_s" in r:
            line += f"   [row hash {r['row_hash_s']:.3f} s, grouping + value check {r['group_and_check_s']:.3f} s]"
        if r.get("sampled"):
            line += "   (summary sampled)"
        print(line)
    if out.get("payloads"):
        print(f"\nview payloads at {out['payload_rows']:,} rows: JSON answer vs framed answer with Arrow tables")
        for p in out["payloads"]:
            label = p["view"] + (f" {p['params']}" if p["params"] else "")
            print(f"  {label:<36} JSON {p['json_bytes']:>8,} B   framed {p['framed_bytes']:>8,} B"
                  f"   ratio {p['framed_bytes'] / p['json_bytes']:.2f}   ({p['arrow_tables']} Arrow tables, {p['arrow_bytes']:,} B)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--payload-rows", type=int, default=1_000_000)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = main(args.rows, args.repeat)
    results["payload_rows"] = args.payload_rows
    results["payloads"] = payloads(args.payload_rows)
    report(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
