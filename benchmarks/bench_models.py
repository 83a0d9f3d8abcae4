"""Model components at scale, beside the libraries people use for the same question, in one run.

1. Confusion matrix plus accuracy for 50 subgroups on N predictions of 10 classes, the kernel path of the
   subgroups breakdown (``kernel.models.encode`` for the class codes, the column's codes, one confusion
   matrix per group from one ``bincount``, summed for the whole matrix, Wilson intervals per group; also
   timed as two separate passes, as the confusion view and the slice counting do it apart), beside scikit-learn's ``confusion_matrix`` alone, a pandas groupby of the
   correctness, and fairlearn's ``MetricFrame`` (accuracy by group) when installed. Answers are checked
   equal. Also the whole subgroups view (``Subgroups.compute``: class codes, the automatic slice search on
   a sample, every shown slice counted again on all rows, the breakdown by the 50 groups).
2. Label-issue detection on planted flips: recall and precision of ``LabelIssues.compute`` (5-fold
   out-of-fold probabilities of a clone, then confident learning) beside cleanlab's
   ``find_label_issues`` on the same out-of-fold probabilities when installed, and the naive rule
   (prediction differs from the label).

Times are the best of ``--repeat`` runs, in-process (what the kernel spends). Usage:
python benchmarks/bench_models.py [--rows 10000000] [--label-rows 20000] [--flips 0.05] [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Callable

import numpy as np
import pandas as pd

from symphony_lab.components.confusion import _matrix
from symphony_lab.components.label_issues import LabelIssues, find_issues
from symphony_lab.components.label_issues import clear_cache as clear_label_cache
from symphony_lab.components.subgroups import Subgroups, encode_column, grouped_confusion, intervals, sums
from symphony_lab.kernel.models import encode

GROUPS = 50
CLASSES = 10


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result, times = None, []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def kernel_path(y: np.ndarray, pred: np.ndarray, segment: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the subgroups view's breakdown computes for these predictions, by one column of 50 groups:
    class codes, the column's codes, one confusion matrix per group from one bincount (their sum is the
    confusion matrix), then accuracy with its Wilson interval per group."""
    classes, t, p = encode(y, pred)
    col = encode_column(segment, "segment", 4, GROUPS + 1)
    matrices = grouped_confusion(col.codes, col.k, t, p, len(classes))
    matrix = matrices.sum(axis=0)
    n = matrices.sum(axis=(1, 2))
    correct = np.trace(matrices, axis1=1, axis2=2).astype(float)
    value, low, high, _ = intervals("classifier", n, correct, None)
    return matrix, n, value


def two_passes(y: np.ndarray, pred: np.ndarray, segment: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same answer as two separate views get it: the confusion view's bincount of ``t * k + p``, then
    the subgroups counting (one bincount of ``group * 2 + correct``)."""
    classes, t, p = encode(y, pred)
    matrix = _matrix(t, p, len(classes))
    col = encode_column(segment, "segment", 4, GROUPS + 1)
    n, total, square = sums("classifier", (t == p).astype(np.int8), col.codes, col.k)
    value, low, high, _ = intervals("classifier", n, total, square)
    return matrix, n, value


def predictions(rows: int) -> tuple[np.ndarray, np.ndarray, pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, CLASSES, rows)
    segment = pd.Series(pd.Categorical.from_codes(rng.integers(0, GROUPS, rows), [f"s{i:02d}" for i in range(GROUPS)]))
    # 85% right overall; segment s07 much worse (55%)
    wrong = rng.random(rows) < np.where(segment.cat.codes.to_numpy() == 7, 0.45, 0.15)
    pred = np.where(wrong, (y + rng.integers(1, CLASSES, rows)) % CLASSES, y)
    frame = pd.DataFrame(
        {
            "label": y,
            "prediction": pred,
            "segment": segment,
            "x1": rng.normal(size=rows),
            "x2": rng.normal(size=rows),
            "region": pd.Categorical.from_codes(rng.integers(0, 5, rows), list("NESWC")),
        }
    )
    return y, pred, segment, frame


def bench_subgroups(rows: int, repeat: int) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix

    y, pred, segment, frame = predictions(rows)
    out: dict[str, Any] = {"task": f"confusion + {GROUPS} subgroups", "rows": rows, "classes": CLASSES, "groups": GROUPS}
    ours, (matrix, n, acc) = best(lambda: kernel_path(y, pred, segment), repeat)
    out["ours_s"] = ours
    out["two_passes_s"], (matrix2, n2, acc2) = best(lambda: two_passes(y, pred, segment), repeat)
    assert np.array_equal(matrix, matrix2) and np.array_equal(n, n2) and np.allclose(acc, acc2)
    sk, expected = best(lambda: confusion_matrix(y, pred), 1)
    assert np.array_equal(matrix, expected), "confusion matrix differs from scikit-learn's"
    out["sklearn_confusion_matrix_s"] = sk
    correct = pd.Series(y == pred)
    pandas_s, by_group = best(lambda: correct.groupby(segment.to_numpy(), observed=True).mean(), 1)
    assert np.allclose(by_group.to_numpy(), acc), "per-group accuracy differs from pandas"
    out["pandas_groupby_s"] = pandas_s
    try:
        from fairlearn.metrics import MetricFrame
        from sklearn.metrics import accuracy_score

        fl_s, mf = best(lambda: MetricFrame(metrics=accuracy_score, y_true=y, y_pred=pred, sensitive_features=segment), 1)
        assert np.allclose(mf.by_group.to_numpy(dtype=float), acc), "per-group accuracy differs from fairlearn"
        out["fairlearn_metricframe_s"] = fl_s
    except ImportError:
        out["fairlearn_metricframe_s"] = None
    view = Subgroups()
    params = view.check_params({"label": "label", "prediction": "prediction", "column": "segment"})
    params["_variables"] = ["frame"]
    out["view_s"], data = best(lambda: view.compute([frame], params, {}), repeat)
    out["view_top_slice"] = data["slices"][0]["label"] if data["slices"] else None
    out["view_search"] = {k: data["search"][k] for k in ("columns", "depth", "sampled", "sample_rows", "slices_tried")}
    out["view_json_bytes"] = len(json.dumps(data))
    return out


def planted_flips(rows: int, fraction: float, seed: int = 4) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=rows, n_features=12, n_informative=8, n_classes=4, n_clusters_per_class=1,
                               class_sep=1.5, flip_y=0, random_state=seed)
    rng = np.random.default_rng(seed)
    flipped = np.sort(rng.choice(rows, int(rows * fraction), replace=False))
    noisy = y.copy()
    noisy[flipped] = (noisy[flipped] + rng.integers(1, 4, len(flipped))) % 4
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(12)]), y, noisy, flipped


def scores(found: np.ndarray, planted: np.ndarray) -> dict[str, Any]:
    hit = len(np.intersect1d(found, planted))
    return {"found": int(len(found)), "recall": hit / len(planted), "precision": hit / max(1, len(found))}


def bench_label_issues(rows: int, fraction: float) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X, _, noisy, planted = planted_flips(rows, fraction)
    y_train = pd.Series(noisy, name="y_train")
    model = LogisticRegression(max_iter=2000).fit(X, y_train)
    out: dict[str, Any] = {"task": "label issues", "rows": rows, "flipped": int(len(planted)), "fraction": fraction,
                           "model": "LogisticRegression", "classes": 4}
    component = LabelIssues()
    params = component.check_params({"page_size": 1})
    params["_variables"] = ["model", "X_train", "y_train"]
    clear_label_cache()
    started = time.perf_counter()
    data = component.compute([model, X, y_train], params, {})
    out["ours_s"] = time.perf_counter() - started
    found = np.asarray(component.select([model, X, y_train], params, {"all": True}))
    out["ours"] = {**scores(found, planted), "method": data["method"], "folds": data["folds"]}
    proba = cross_val_predict(LogisticRegression(max_iter=2000), X, noisy,
                              cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba")
    out["naive"] = scores(np.flatnonzero(proba.argmax(axis=1) != noisy), planted)
    out["ours_scoring_s"], issues = best(lambda: find_issues(proba, noisy), 3)
    out["ours_same_proba"] = scores(issues.rows, planted)
    try:
        from cleanlab.filter import find_label_issues

        started = time.perf_counter()
        mask = find_label_issues(noisy, proba)
        out["cleanlab_s"] = time.perf_counter() - started
        out["cleanlab"] = scores(np.flatnonzero(mask), planted)
    except ImportError:
        out["cleanlab"] = None
    return out


def report(out: dict[str, Any]) -> None:
    s = out["subgroups"]
    print(f"symphony-lab model components (best of runs, in-process), python {out['python']}")
    print(f"{s['task']} on {s['rows']:,} predictions of {s['classes']} classes:")
    print(f"  ours (kernel path)            {s['ours_s'] * 1000:8.1f} ms   goal <= 150 ms: {'met' if s['ours_s'] <= 0.15 else 'not met'}")
    print(f"  ours, matrix and groups apart {s['two_passes_s'] * 1000:8.1f} ms   (the confusion view's bincount, then the groups')")
    print(f"  scikit-learn confusion_matrix {s['sklearn_confusion_matrix_s'] * 1000:8.1f} ms   ratio {s['sklearn_confusion_matrix_s'] / s['ours_s']:6.1f}x")
    print(f"  pandas groupby (accuracy)     {s['pandas_groupby_s'] * 1000:8.1f} ms   ratio {s['pandas_groupby_s'] / s['ours_s']:6.1f}x")
    if s["fairlearn_metricframe_s"] is not None:
        print(f"  fairlearn MetricFrame         {s['fairlearn_metricframe_s'] * 1000:8.1f} ms   ratio {s['fairlearn_metricframe_s'] / s['ours_s']:6.1f}x")
    else:
        print("  fairlearn MetricFrame         not installed")
    search = s["view_search"]
    print(f"  whole subgroups view          {s['view_s'] * 1000:8.1f} ms   (search on {search['sample_rows']:,} rows of "
          f"{len(search['columns'])} columns, depth {search['depth']}, {search['slices_tried']:,} slices; top: "
          f"{s['view_top_slice']}; {s['view_json_bytes']:,} bytes JSON)")
    li = out["label_issues"]
    print(f"{li['task']}: {li['flipped']:,} of {li['rows']:,} labels flipped ({li['fraction']:.0%}), {li['model']}, {li['classes']} classes:")
    o = li["ours"]
    print(f"  ours ({o['method']}, {o['folds']} folds)  recall {o['recall']:.3f}  precision {o['precision']:.3f}  "
          f"found {o['found']:,}  {li['ours_s']:.2f} s (cross-validation included)")
    o = li["ours_same_proba"]
    print(f"  ours, scoring alone            recall {o['recall']:.3f}  precision {o['precision']:.3f}  "
          f"found {o['found']:,}  {li['ours_scoring_s']:.2f} s (the out-of-fold probabilities below, given)")
    if li["cleanlab"] is not None:
        c = li["cleanlab"]
        print(f"  cleanlab find_label_issues     recall {c['recall']:.3f}  precision {c['precision']:.3f}  "
              f"found {c['found']:,}  {li['cleanlab_s']:.2f} s (same out-of-fold probabilities, given)")
    else:
        print("  cleanlab                       not installed")
    n = li["naive"]
    print(f"  naive (prediction != label)    recall {n['recall']:.3f}  precision {n['precision']:.3f}  found {n['found']:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--label-rows", type=int, default=20_000)
    parser.add_argument("--flips", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    result = {
        "python": sys.version.split()[0],
        "subgroups": bench_subgroups(args.rows, args.repeat),
        "label_issues": bench_label_issues(args.label_rows, args.flips),
    }
    report(result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
