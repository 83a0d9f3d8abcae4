"""Summary beside ydata-profiling's minimal mode on the same 1,000,000-row frame (issue 3's baseline).

ydata-profiling pins its own pandas (below 3), so it cannot live in the project's environment: it runs in
``benchmarks/.venv-baselines`` (``make bench`` creates it; or ``python -m venv benchmarks/.venv-baselines &&
benchmarks/.venv-baselines/bin/pip install ydata-profiling pyarrow``). The frame is made here, written
once as Parquet, and read by both sides; each side's time excludes reading it. Ours: ``Summary.compute``
(every column's type, missing, distinct, min/max/mean/std, histogram or top values), best of 3. Theirs:
``ProfileReport(df, minimal=True).get_description()`` (the statistics, no HTML), best of 2 (it is slow).

Usage: python benchmarks/bench_ydata.py [--rows 1000000] [--python benchmarks/.venv-baselines/bin/python]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symphony_lab.components.summary import Summary  # noqa: E402

BASELINE_PYTHON = ROOT / "benchmarks" / ".venv-baselines" / "bin" / "python"

THEIRS = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from ydata_profiling import ProfileReport, __version__
df = pd.read_parquet(sys.argv[1])
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    description = ProfileReport(df, minimal=True, progress_bar=False).get_description()
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds": min(times), "version": __version__, "pandas": pd.__version__,
                  "columns": len(description.variables)}))
"""


def frame(rows: int) -> pd.DataFrame:
    """Numbers, integers, a few categories and some missing values: what a practitioner's frame holds."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "income": rng.normal(50_000, 15_000, rows).round(2),
            "score": rng.random(rows),
            "visits": rng.poisson(3, rows),
            "balance": rng.lognormal(8, 1, rows),
            "tenure": rng.integers(0, 40, rows).astype(float),
            "city": pd.Categorical.from_codes(rng.integers(0, 5, rows), ["Oslo", "Lyon", "Porto", "Graz", "Turku"]),
            "plan": rng.choice(["free", "basic", "pro"], rows),
            "signup": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, rows), unit="D"),
            "label": rng.random(rows) < 0.1,
        }
    )
    df.loc[rng.random(rows) < 0.05, "tenure"] = np.nan
    return df


def run(rows: int, python: Path) -> dict[str, Any]:
    df = frame(rows)
    summary = Summary()
    params = summary.check_params({})
    times = []
    for _ in range(3):
        started = time.perf_counter()
        data = summary.compute([df], params, {})
        times.append(time.perf_counter() - started)
    out: dict[str, Any] = {"rows": rows, "columns": df.shape[1], "ours_s": min(times), "ours_sampled": data["sampled"]}
    if not python.exists():
        out["baseline_error"] = f"{python} not found (make bench creates it)"
        return out
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frame.parquet"
        df.to_parquet(path)
        done = subprocess.run([str(python), "-c", THEIRS, str(path), "2"], capture_output=True, text=True)
    if done.returncode != 0:
        out["baseline_error"] = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return out
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    out.update(baseline_s=theirs["seconds"], baseline_version=theirs["version"], baseline_pandas=theirs["pandas"])
    return out


def report(out: dict[str, Any]) -> None:
    print(f"Summary beside ydata-profiling (minimal mode), {out['rows']:,} x {out['columns']} frame, in-process")
    ours = out["ours_s"]
    sampled = " (sampled)" if out["ours_sampled"] else " (every row)"
    if "baseline_s" in out:
        print(
            f"  symphony-lab Summary {ours:.3f} s{sampled}   ydata-profiling {out['baseline_version']} minimal "
            f"(pandas {out['baseline_pandas']}) {out['baseline_s']:.2f} s   ratio {out['baseline_s'] / ours:.0f}x"
        )
    else:
        print(f"  symphony-lab Summary {ours:.3f} s{sampled}   ydata-profiling not run: {out['baseline_error']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--python", type=Path, default=BASELINE_PYTHON)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.rows, args.python)
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
