"""Size of an exported dashboard that filters offline, beside what it replaces.

For two boards, the page written by ``symphony_lab.export()`` is measured in bytes, split into its parts:
the bundled script and styles (the same for every page), the views' payloads as JSON (what a page that
only draws the exported numbers carries), and the offline block (binned codes of the frames, base64, plus
edges and categories). Beside them: the plain JSON of the views, and the raw frames as CSV (what a page
that filtered by shipping the rows would carry at least). Also the time export() takes, in-process.

1. The demo board (examples/demo.ipynb: the breast-cancer frame of 569 rows x 33 columns, a random forest):
   summary, distribution of ``mean radius`` by diagnosis, missing values, confusion matrix.
2. A frame of ``--rows`` rows (default 1,000,000) x 6 columns (numbers with missing values, a city of 20
   values, a segment of 200, a label): summary, distribution of age, distribution of city, distribution
   of income by city, missing values. Beyond the budget (2 MB of codes) the rows are a fixed-seed sample,
   which the page says.

3. Speed of the page: each view that the page computes again under a filter (a range on age and two
   cities), timed in node on the 1M-row page's embedded data (benchmarks/bench_export.mjs, the page's own
   lib/pins/offline.js), beside the kernel computing the same view with the same filter (what a live board
   does: the ratio says how the page's estimate from its sample compares in time).

Usage: python benchmarks/bench_export.py [--rows 1000000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import symphony_lab

ROOT = Path(__file__).resolve().parent.parent


def _embedded(text: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="symphony-lab-data">(.*?)</script>', text, re.S)
    assert match, "no embedded data in the page"
    return json.loads(match.group(1))


def measure(name: str, views: list[Any], frames: dict[str, pd.DataFrame], repeat: int) -> dict[str, Any]:
    """Sizes of the page of ``views``; its embedded data is kept under ``_embedded`` for the speed part."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            started = time.perf_counter()
            path = symphony_lab.export(views, Path(tmp) / "page.html", title=name)
            times.append(time.perf_counter() - started)
        text = path.read_text(encoding="utf-8")
        plain = symphony_lab.export(views, Path(tmp) / "plain.html", title=name, offline=False).read_text(encoding="utf-8")
    data = _embedded(text)
    offline = data.get("offline") or {}
    static = ROOT / "symphony_lab" / "pins" / "static"
    script = (static / "standalone.js").stat().st_size + (static / "standalone.css").stat().st_size
    views_json = len(json.dumps(data["views"], separators=(",", ":")).encode())
    offline_json = len(json.dumps(offline, separators=(",", ":")).encode())
    csv = sum(len(df.to_csv(index=False).encode()) for df in frames.values())
    page = len(text.encode())
    frames_out = [
        {"name": f["name"], "rows": f["rows"], "sample_rows": f["sample_rows"], "sampled": f["sampled"],
         "fields": len(f["fields"])}
        for f in offline.get("frames") or []
    ]
    return {
        "board": name,
        "views": len(data["views"]),
        "recomputed_offline": sum(1 for v in offline.get("views") or [] if v.get("frame") is not None),
        "page_bytes": page,
        "page_without_offline_bytes": len(plain.encode()),
        "script_and_styles_bytes": script,
        "views_json_bytes": views_json,
        "offline_block_bytes": offline_json,
        "frames_csv_bytes": csv,
        "frames": frames_out,
        "export_seconds_best": min(times),
        "offline_over_views_json": offline_json / views_json,
        "page_over_csv": page / csv,
        "_embedded": data,
    }


def demo_board(repeat: int) -> dict[str, Any]:
    import __main__
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True)
    df = data.frame.rename(columns={"target": "benign"})
    df["diagnosis"] = np.where(df["benign"] == 1, "benign", "malignant")
    X = df[[c for c in df.columns if c not in ("benign", "diagnosis")]]
    y = df["benign"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    model = RandomForestClassifier(n_estimators=100, max_depth=6, random_state=0, n_jobs=1).fit(X_train, y_train)
    for k, v in dict(df=df, X_test=X_test, y_test=y_test, model=model).items():
        setattr(__main__, k, v)
    views = [
        symphony_lab.show(df, "summary"),
        symphony_lab.show(df, "distribution", column="mean radius", by="diagnosis"),
        symphony_lab.show(df, "missing"),
        symphony_lab.show(model, "confusion", X_test, y_test),
    ]
    return measure("demo board", views, {"df": df}, repeat)


def big_board(rows: int, repeat: int) -> dict[str, Any]:
    import __main__

    rng = np.random.default_rng(0)
    big = pd.DataFrame({
        "age": rng.integers(18, 91, rows).astype(float),
        "income": rng.lognormal(10, 1, rows),
        "score": rng.normal(size=rows),
        "city": pd.Series(rng.choice([f"city {i}" for i in range(20)], rows)),
        "segment": pd.Series(rng.choice([f"segment {i}" for i in range(200)], rows)),
        "label": rng.choice(["yes", "no"], rows),
    })
    big.loc[rng.random(rows) < 0.1, "income"] = np.nan
    big.loc[rng.random(rows) < 0.02, "city"] = None
    __main__.big = big
    views = [
        symphony_lab.show(big, "summary"),
        symphony_lab.show(big, "distribution", column="age"),
        symphony_lab.show(big, "distribution", column="city"),
        symphony_lab.show(big, "distribution", column="income", by="city"),
        symphony_lab.show(big, "missing"),
    ]
    return measure(f"{rows:,} rows", views, {"big": big}, repeat)


def speed(result: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    """The page's recomputation (node) beside the kernel's, per view, under the same filter."""
    import __main__

    data = result["_embedded"]
    edges = next(v["data"]["edges"] for v in data["views"] if v["spec"]["component"] == "distribution"
                 and v["data"].get("kind") == "numeric")
    state = {"filter": [{"column": "age", "op": "range", "min": edges[5], "max": edges[20]},
                        {"column": "city", "op": "in", "values": ["city 1", "city 2"]}]}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "embedded.json").write_text(json.dumps(data), encoding="utf-8")
        (Path(tmp) / "state.json").write_text(json.dumps(state), encoding="utf-8")
        out = subprocess.run(
            ["node", "--experimental-detect-module", str(ROOT / "benchmarks" / "bench_export.mjs"),
             str(Path(tmp) / "embedded.json"), str(Path(tmp) / "state.json"), str(repeat)],
            capture_output=True, text=True, check=True, timeout=600,
        )
    page = json.loads(out.stdout.strip().splitlines()[-1])
    rows = []
    for payload, timed in zip(data["views"], page["views"]):
        spec = payload["spec"]
        own = [spec["params"]["column"]] if spec["component"] == "distribution" else []
        clauses = [c for c in state["filter"] if c["column"] not in own]
        args = {k: v for k, v in spec["params"].items()}
        best_kernel = float("inf")
        kernel = None
        for _ in range(repeat):
            started = time.perf_counter()
            kernel = symphony_lab.show(__main__.big, spec["component"], filter=clauses, **args).views[0]["data"]
            best_kernel = min(best_kernel, time.perf_counter() - started)
        rows.append({
            "component": spec["component"], "params": spec["params"], "page_ms": timed["ms"],
            "kernel_ms": best_kernel * 1000, "page_over_kernel": timed["ms"] / (best_kernel * 1000),
            "page_filtered_rows": timed["filtered_rows"], "kernel_filtered_rows": kernel.get("filtered_rows"),
        })
    return [{"decode_ms": page["decode_ms"]}, *rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "export.json")
    args = parser.parse_args()
    results = [demo_board(args.repeat), big_board(args.rows, args.repeat)]
    timings = speed(results[1], args.repeat)
    for r in results:
        r.pop("_embedded")
        print(f"\n{r['board']}: {r['views']} views, {r['recomputed_offline']} computed again offline")
        print(f"  page                      {r['page_bytes']:>12,} B")
        print(f"    script and styles       {r['script_and_styles_bytes']:>12,} B")
        print(f"    views (JSON)            {r['views_json_bytes']:>12,} B")
        print(f"    offline codes block     {r['offline_block_bytes']:>12,} B  ({r['offline_over_views_json']:.2f}x the views' JSON)")
        print(f"  page without offline      {r['page_without_offline_bytes']:>12,} B")
        print(f"  frames as CSV             {r['frames_csv_bytes']:>12,} B  (page / CSV = {r['page_over_csv']:.3f})")
        for f in r["frames"]:
            sample = f"a sample of {f['sample_rows']:,}" if f["sampled"] else "all"
            print(f"  {f['name']}: {f['fields']} fields, {sample} of {f['rows']:,} rows")
        print(f"  export() best of {args.repeat}: {r['export_seconds_best']:.2f} s")
    print(f"\nthe page computing its views again ({results[1]['board']}, filter: a range of age and two cities)")
    print(f"  decoding the codes once: {timings[0]['decode_ms']:.0f} ms")
    for t in timings[1:]:
        print(f"  {t['component']:<13} {json.dumps(t['params']):<40} page {t['page_ms']:7.1f} ms   "
              f"kernel {t['kernel_ms']:7.1f} ms   ratio {t['page_over_kernel']:.2f}   "
              f"rows page {t['page_filtered_rows']:,} (estimated) / kernel {t['kernel_filtered_rows']:,}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"sizes": results, "speed": timings}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
