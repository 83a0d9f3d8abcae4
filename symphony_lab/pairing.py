"""Pairing: which models, features, labels and predictions in the catalog belong together.

From catalog entries only (names, kinds, shapes, column names; no data), deterministic:

- model pairings ``(model, X, y)``: a fitted scikit-learn classifier or regressor, a frame (or 2-D array)
  with the model's features (same names, or the same count when the model has no names), and a label vector
  of the same length, preferring the one whose name matches the frame's (``X_test`` -> ``y_test``);
  ``(model, frame)`` with a ``label`` parameter when the frame holds the features and one label column.
- prediction pairings ``(y_true, y_pred[, proba])``: a label vector and a prediction vector of the same
  length (by name: ``pred``, ``prediction``, ``y_hat``), with a probability array when one fits; or one
  frame with a label column and a prediction column (``label``/``prediction`` parameters).

Each pairing says why it was made; the kernel checks it again when a view computes (kernel/models.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

Entry = dict[str, Any]

LABEL_NAMES = ("y", "target", "label", "labels", "class", "outcome", "truth", "y_true", "ground_truth")
PREDICTION_WORDS = ("pred", "prediction", "predictions", "predicted", "yhat", "y_hat")
PROBA_WORDS = ("proba", "probas", "prob", "probs", "probability", "probabilities", "scores")
TEST_WORDS = ("test", "val", "valid", "validation", "holdout", "dev", "eval")
TRAIN_WORDS = ("train", "training", "fit")
MAX_PAIRINGS = 40


@dataclass(frozen=True)
class Pairing:
    kind: str  # "model" | "predictions"
    variables: tuple[str, ...]
    task: str  # "classifier" | "regressor" | "unknown"
    rows: int
    reason: str
    split: str | None = None  # "train" | "test" | None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, tuple[str, ...], tuple[tuple[str, Any], ...]]:
        return (self.kind, self.variables, tuple(sorted(self.params.items())))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variables": list(self.variables),
            "task": self.task,
            "rows": self.rows,
            "reason": self.reason,
            "split": self.split,
            "params": dict(self.params),
        }


def _words(name: str) -> list[str]:
    """``X_test2`` -> ["x", "test2"]; ``yPred`` -> ["y", "pred"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[_\W]+", spaced.lower()) if w]


def split_of(name: str) -> str | None:
    words = _words(name)
    stems = [re.sub(r"\d+$", "", w) for w in words]
    if any(w in TEST_WORDS or w.startswith("test") for w in stems):
        return "test"
    if any(w in TRAIN_WORDS or w.startswith("train") for w in stems):
        return "train"
    return None


def _suffix(name: str) -> str:
    """What tells one split from another: the name without its first word (``X_test`` -> ``test``)."""
    words = _words(name)
    return "_".join(words[1:]) if len(words) > 1 else ""


def _is_prediction_name(name: str) -> bool:
    words = _words(name)
    return any(w in PREDICTION_WORDS or w.startswith("pred") for w in words)


def _is_proba_name(name: str) -> bool:
    return any(w in PROBA_WORDS or w.startswith("prob") for w in _words(name))


def _is_label_name(name: str) -> bool:
    lower = name.lower()
    words = _words(name)
    return lower in LABEL_NAMES or (bool(words) and words[0] in ("y", "target", "label", "labels", "truth"))


def _rows(entry: Entry) -> int | None:
    shape = entry.get("shape") or []
    return int(shape[0]) if shape and isinstance(shape[0], int) else None


def _is_vector(entry: Entry) -> bool:
    shape = entry.get("shape") or []
    if entry.get("kind") == "series":
        return True
    return entry.get("kind") == "array" and (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1))


def _column_names(entry: Entry) -> list[str] | None:
    """A frame's column names when the catalog lists all of them."""
    columns = entry.get("columns") or []
    if entry.get("kind") != "dataframe" or entry.get("columns_total") != len(columns):
        return None
    return [str(c.get("name")) for c in columns]


def _features_fit(model: dict[str, Any], entry: Entry) -> tuple[bool, list[str]]:
    """Whether ``entry`` holds the model's features; and its other columns (label candidates)."""
    n_in = model.get("n_features_in")
    names = model.get("feature_names")
    complete = names is not None and model.get("feature_names_total", len(names)) == len(names)
    if entry.get("kind") == "dataframe":
        columns = _column_names(entry)
        if columns is None:  # a wide frame: only the count and the names the catalog shows
            listed = [str(c.get("name")) for c in entry.get("columns") or []]
            total = entry.get("columns_total")
            if names and listed[: len(names)] == list(names)[: len(listed)] and total == n_in:
                return True, []
            return False, []
        if complete:
            if set(names) <= set(columns):
                return True, [c for c in columns if c not in set(names)]
            return False, []
        if n_in is not None and len(columns) == n_in:
            return True, []
        return False, []
    shape = entry.get("shape") or []
    if entry.get("kind") == "array" and len(shape) == 2 and n_in is not None and shape[1] == n_in and not names:
        return True, []
    return False, []


def _best_label(frame_name: str, rows: int, vectors: list[Entry], taken: set[str] = frozenset()) -> Entry | None:
    """The label vector for a frame: same length; the one whose name matches the frame's split first."""
    suffix = _suffix(frame_name)
    candidates = []
    for v in vectors:
        if _rows(v) != rows or _is_prediction_name(v["name"]) or _is_proba_name(v["name"]) or v["name"] in taken:
            continue
        score = 0
        if suffix and _suffix(v["name"]) == suffix:
            score += 4
        if _is_label_name(v["name"]):
            score += 2
        if split_of(v["name"]) == split_of(frame_name):
            score += 1
        candidates.append((-score, v["name"], v))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0] and candidates[0][0] > -2:
        return None  # two equally plausible labels and no name to tell them apart: do not guess
    return candidates[0][2]


def find_pairings(variables: Iterable[Entry]) -> list[Pairing]:
    entries = [v for v in variables if isinstance(v, dict) and isinstance(v.get("name"), str)]
    models = [
        v
        for v in entries
        if v.get("kind") == "model"
        and v.get("library") == "sklearn"
        and (v.get("model") or {}).get("fitted")
        and (v.get("model") or {}).get("task") in ("classifier", "regressor")
    ]
    frames = [v for v in entries if v.get("kind") in ("dataframe", "array") and len(v.get("shape") or []) == 2]
    vectors = [v for v in entries if _is_vector(v)]
    out: list[Pairing] = []
    for m in models:
        info = m["model"]
        exact_labels = set()  # labels already paired with a frame of exactly the model's features
        for f in frames:
            fits, extra = _features_fit(info, f)
            rows = _rows(f)
            if fits and not extra and rows is not None:
                label = _best_label(f["name"], rows, vectors)
                if label is not None:
                    exact_labels.add(label["name"])
        for f in frames:
            fits, extra = _features_fit(info, f)
            rows = _rows(f)
            if not fits or rows is None:
                continue
            split = split_of(f["name"])
            label = _best_label(f["name"], rows, vectors)
            what = "features" if info.get("feature_names") else f"{info.get('n_features_in')} features"
            if label is not None:
                if extra and label["name"] in exact_labels:
                    continue  # the same rows as a frame of just the features: one pairing is enough
                out.append(
                    Pairing(
                        "model",
                        (m["name"], f["name"], label["name"]),
                        info["task"],
                        rows,
                        f"{m['name']} reads the {what} of {f['name']}; {label['name']} has its {rows:,} labels",
                        split,
                    )
                )
                continue
            label_columns = [c for c in extra if _is_label_name(c)]  # a column named like a label, not any extra one
            if len(label_columns) == 1:
                out.append(
                    Pairing(
                        "model",
                        (m["name"], f["name"]),
                        info["task"],
                        rows,
                        f"{m['name']} reads the {what} of {f['name']}; its column {label_columns[0]!r} holds the labels",
                        split,
                        {"label": label_columns[0]},
                    )
                )
    preds = [v for v in vectors if _is_prediction_name(v["name"])]
    probas = [
        v for v in entries if v.get("kind") in ("array", "series", "dataframe") and _is_proba_name(v["name"])
    ]
    for p in preds:
        rows = _rows(p)
        if rows is None:
            continue
        label = _best_label(p["name"], rows, vectors)
        if label is None:
            continue
        names: tuple[str, ...] = (label["name"], p["name"])
        proba = next((q for q in sorted(probas, key=lambda q: q["name"]) if _rows(q) == rows), None)
        reason = f"{p['name']} predicts the {rows:,} labels of {label['name']}"
        if proba is not None:
            names += (proba["name"],)
            reason += f", with probabilities in {proba['name']}"
        out.append(Pairing("predictions", names, "unknown", rows, reason, split_of(label["name"]) or split_of(p["name"])))
    for f in entries:
        columns = _column_names(f)
        if not columns:
            continue
        labels = [c for c in columns if _is_label_name(c) and not _is_prediction_name(c)]
        predictions = [c for c in columns if _is_prediction_name(c) and not _is_proba_name(c)]
        if len(labels) == 1 and len(predictions) == 1:
            rows = _rows(f) or 0
            out.append(
                Pairing(
                    "predictions",
                    (f["name"],),
                    "unknown",
                    rows,
                    f"{f['name']} holds labels ({labels[0]!r}) and predictions ({predictions[0]!r})",
                    split_of(f["name"]),
                    {"label": labels[0], "prediction": predictions[0]},
                )
            )
    # Test splits first (that is where a model is judged), then by name; a model's own pairings together.
    order = {"test": 0, None: 1, "train": 2}
    out.sort(key=lambda p: (p.kind != "model", order.get(p.split, 1), p.variables))
    return out[:MAX_PAIRINGS]
