"""Embedding map: frame time in headless Debian chromium during a scripted pan and zoom, at 1M and 10M points,
beside plain WebGL points (every point drawn every frame) run in the same browser; and the kernel side.

1. Kernel side (in-process): ``EmbeddingMap.compute`` on a 1,000,000 × 10 and a 10,000,000 × 10 float32
   frame with 8 planted clusters (PCA, then the points, or above ``max_points`` a 512 × 512 raster and a
   sample), cold (projection computed) and warm (projection cached: a new colour or window); the points of
   a zoomed window of the 10M map (what the browser asks for when the user zooms in); JSON payload bytes.
2. Browser side: the compiled renderer (lib/views/scatter/, run ``jlpm build`` first) and those payloads
   are served on localhost; ``bench_embedding.mjs`` drives chromium (SwiftShader WebGL, as on a machine
   without a GPU) through 60 frames of pan and zoom per scenario and reports p50/p95 ms per frame. A frame
   is timed from the camera change to ``gl.finish()`` (compositing to the screen is not included).

Usage: python benchmarks/bench_embedding.py [--rows 1000000 --big-rows 10000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symphony_lab.components import embedding
from symphony_lab.components.embedding import EmbeddingMap

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"1M": 50.0, "10M": 100.0}


def planted(rows: int, seed: int = 0) -> pd.DataFrame:
    """rows × 10 float32 features around 8 cluster centres, and the cluster as a column."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, (8, 10)).astype(np.float32)
    cluster = rng.integers(0, 8, rows)
    features = centres[cluster] + rng.normal(0, 1, (rows, 10)).astype(np.float32)
    frame = pd.DataFrame(features, columns=[f"f{i}" for i in range(10)])
    frame["cluster"] = cluster
    return frame


def kernel_side(rows: int, big_rows: int, out_dir: Path) -> dict[str, Any]:
    component = EmbeddingMap()
    results: dict[str, Any] = {}
    for name, n in (("1m", rows), ("10m", big_rows)):
        frame = planted(n)
        params = component.check_params({"color_by": "column", "color": "cluster"})
        params["_variables"] = ["frame"]
        embedding.clear_cache()
        started = time.perf_counter()
        data = component.compute([frame], params, {})
        cold = time.perf_counter() - started
        started = time.perf_counter()
        data = component.compute([frame], params, {})
        warm = time.perf_counter() - started
        text = json.dumps(data)
        (out_dir / f"payload-{name}.json").write_text(text)
        item = {"rows": n, "mode": data["mode"], "cold_s": cold, "warm_s": warm, "json_bytes": len(text)}
        if data["mode"] == "raster":
            # the browser zoomed in 12x on the densest part of the map: the points of that window
            import base64

            x0, x1, y0, y1 = data["bounds"]
            size = data["raster"]["width"]
            counts = np.frombuffer(base64.b64decode(data["raster"]["counts"]), "<u4")
            py, px = divmod(int(counts.argmax()), size)
            cx, cy = x0 + (px + 0.5) / size * (x1 - x0), y1 - (py + 0.5) / size * (y1 - y0)
            w, h = (x1 - x0) / 24, (y1 - y0) / 24  # a 12x zoom
            window = {"x_min": cx - w, "x_max": cx + w, "y_min": cy - h, "y_max": cy + h}
            started = time.perf_counter()
            zoomed = component.compute([frame], {**params, **window}, {})
            item["window"] = {
                "s": time.perf_counter() - started,
                "mode": zoomed["mode"],
                "points": zoomed["in_window"],
                "json_bytes": len(json.dumps(zoomed)),
            }
        results[name] = item
        del frame, data
    return results


class _Files(http.server.SimpleHTTPRequestHandler):
    """/bench.html, /scatter/* (the compiled renderer; imports without ".js" get it), /payload-*.json."""

    def __init__(self, *args: Any, payloads: Path, **kwargs: Any) -> None:
        self.payloads = payloads
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path == "/bench.html":
            return str(ROOT / "benchmarks" / "bench_embedding.html")
        if path.startswith("/scatter/"):
            target = ROOT / "lib" / "views" / "scatter" / path[len("/scatter/") :]
            return str(target if target.suffix == ".js" else target.with_name(target.name + ".js"))
        return str(self.payloads / Path(path).name)

    def log_message(self, *args: Any) -> None:
        pass


def browser_side(payloads: Path) -> dict[str, Any]:
    if not (ROOT / "lib" / "views" / "scatter" / "scatter.js").exists():
        raise SystemExit("lib/views/scatter/ is missing: run `jlpm build` first")
    handler = functools.partial(_Files, payloads=payloads)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        run = subprocess.run(
            ["node", str(ROOT / "benchmarks" / "bench_embedding.mjs"), base],
            capture_output=True, text=True, timeout=1800, check=False,
        )
        if run.returncode != 0:
            raise SystemExit(f"the browser run failed:\n{run.stderr[-3000:]}")
        for line in run.stderr.splitlines():
            if line.startswith("[shot]"):
                print(line)
        return json.loads(run.stdout)
    finally:
        server.shutdown()


def report(kernel: dict[str, Any], browser: dict[str, Any]) -> None:
    print(f"chromium WebGL: {browser.get('webgl')}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\nKernel side (in-process):")
    for name, item in kernel.items():
        line = (f"  {item['rows']:>11,} rows: {item['mode']:<6} cold {item['cold_s']:.3f} s (PCA + payload), "
                f"warm {item['warm_s']:.3f} s (cached projection), JSON {item['json_bytes'] / 1e6:.1f} MB")
        print(line)
        if "window" in item:
            w = item["window"]
            print(f"  {'':>11}  zoomed window: {w['points']:,} points as {w['mode']} in {w['s']:.3f} s, "
                  f"JSON {w['json_bytes'] / 1e6:.1f} MB")
    print("\nBrowser: decode of the payload " + ", ".join(f"{k} {v['ms']:.0f} ms" for k, v in browser["decode"].items()))
    print(f"\n{'scenario':<58} {'renderer':>8} {'p50 ms':>8} {'p95 ms':>8}  frames drawn as")
    by_label = {s["label"]: s for s in browser["scenarios"]}
    for s in browser["scenarios"]:
        modes = ", ".join(f"{k} {v}" for k, v in sorted(s["modes"].items()))
        print(f"{s['label']:<58} {s['renderer']:>8} {s['p50']:>8.1f} {s['p95']:>8.1f}  {modes} (setData {s['setDataMs']:.0f} ms)")
    print("\nRatios (plain WebGL points / ours, p50 and p95) and goals:")
    for size, ours, plain in (
        ("1M", "1M ours (WebGL, density when slow)", "1M plain WebGL points (every point, every frame)"),
        ("10M", "10M ours (kernel raster + window)", "10M plain WebGL points (every point, every frame)"),
    ):
        a, b = by_label.get(ours), by_label.get(plain)
        if not a or not b:
            continue
        goal = GOALS[size]
        met = "met" if a["p95"] <= goal else "NOT met"
        print(f"  {size}: {b['p50'] / max(a['p50'], 1e-3):.1f}x p50, {b['p95'] / max(a['p95'], 1e-3):.1f}x p95; "
              f"goal <= {goal:.0f} ms per frame: p95 {a['p95']:.1f} ms, {met}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument("--json", type=str, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        payloads = Path(tmp)
        kernel = kernel_side(args.rows, args.big_rows, payloads)
        browser = browser_side(payloads)
    report(kernel, browser)
    if args.json:
        Path(args.json).write_text(json.dumps({"kernel": kernel, "browser": browser, "python": sys.version.split()[0],
                                               "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
