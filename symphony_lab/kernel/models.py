"""Models and predictions in the kernel: what the model components compute on.

A model view names its variables in one of two ways (see symphony_lab/pairing.py, which finds them):

- ``(model, X)`` or ``(model, X, y)``: a fitted scikit-learn estimator, the features it scores (a pandas
  DataFrame or a 2-D array), and the true labels (a Series or 1-D array of the same length). Without ``y``
  the label is a column of ``X`` named by the ``label`` parameter, and the features are the other columns.
- ``(y_true, y_pred)`` or ``(y_true, y_pred, proba)``: labels and predictions already computed; or one
  frame holding both, with the ``label`` and ``prediction`` parameters naming its columns.

``scored()`` turns either into a :class:`Scored` (true labels, predictions, probabilities, the frame the
rows come from), with the model's predictions computed only when a view asks and cached by the
fingerprints of the model and the data (a refit or a new frame computes again; nothing else does).
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

MAX_CLASSES = 1000
_CACHE_SIZE = 4
_cache: "OrderedDict[tuple[Any, ...], tuple[Any, np.ndarray, np.ndarray | None, float]]" = OrderedDict()


class ModelError(ValueError):
    """Variables that do not make a model view, with what is wrong in words a person can act on."""


@dataclass
class Scored:
    """Rows with their true label, prediction and (for classifiers, when known) class probabilities."""

    task: str  # "classifier" | "regressor"
    frame: pd.DataFrame  # the features (and other columns) of the rows, index as the user's data
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None  # (rows, classes), columns in the order of ``classes``
    classes: list[Any]  # every class seen in labels or predictions (classifiers), sorted
    model: Any | None
    features: list[Any]  # the columns of ``frame`` the model reads (model mode)
    label_name: str
    prediction_name: str
    predict_seconds: float | None = None  # time the model took to predict (None: cached or no model)
    true_codes: np.ndarray | None = None  # classifiers: positions in ``classes`` (-1: missing label)
    pred_codes: np.ndarray | None = None

    @property
    def rows(self) -> int:
        return int(len(self.y_true))

    def subset(self, mask: np.ndarray) -> "Scored":
        return Scored(
            self.task,
            self.frame[mask],
            self.y_true[mask],
            self.y_pred[mask],
            None if self.proba is None else self.proba[mask],
            self.classes,
            self.model,
            self.features,
            self.label_name,
            self.prediction_name,
            self.predict_seconds,
            None if self.true_codes is None else self.true_codes[mask],
            None if self.pred_codes is None else self.pred_codes[mask],
        )


# -- what is what -------------------------------------------------------------------------------------


def _mro_has(obj: Any, module: str, name: str) -> bool:
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    if cls is None:
        return False
    mro = type.__getattribute__(type(obj), "__mro__")
    return any(b is cls for b in mro)


def is_model(obj: Any) -> bool:
    """A scikit-learn estimator (BaseEstimator in its MRO); nothing is imported to find out."""
    return _mro_has(obj, "sklearn.base", "BaseEstimator")


def model_task(model: Any) -> str | None:
    base = sys.modules.get("sklearn.base")
    if base is None:
        return None
    if base.is_classifier(model):
        return "classifier"
    if base.is_regressor(model):
        return "regressor"
    return None


def _is_fitted(model: Any) -> bool:
    return any(k.endswith("_") and not k.startswith("_") for k in vars(model))


def _vector(name: str, obj: Any) -> tuple[np.ndarray, pd.Index | None]:
    """A 1-D array of values (and the index labels, for a Series)."""
    if isinstance(obj, pd.DataFrame):
        if obj.shape[1] != 1:
            raise ModelError(f"{name} has {obj.shape[1]} columns; labels and predictions are one column")
        obj = obj.iloc[:, 0]
    if isinstance(obj, pd.Series):
        return obj.to_numpy(), obj.index
    array = np.asarray(obj)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ModelError(f"{name} has shape {array.shape}; labels and predictions are one column")
    return array, None


def _frame(name: str, obj: Any) -> pd.DataFrame:
    if isinstance(obj, pd.DataFrame):
        return obj
    if isinstance(obj, pd.Series):
        return obj.to_frame()
    array = np.asarray(obj)
    if array.ndim != 2:
        raise ModelError(f"{name} has shape {array.shape}; features are a table (rows × columns)")
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def _column(frame: pd.DataFrame, label: Any, what: str) -> Any:
    from .frames import resolve_column

    try:
        return resolve_column(frame, label)
    except KeyError:
        raise ModelError(f"the {what} column {str(label)[:100]!r} is not a column of the frame") from None


def encode(y: np.ndarray, pred: np.ndarray) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """The classes seen in labels or predictions (sorted) and both as int32 codes into them (-1 for a
    missing value). Integer labels of a small range take one pass and a bincount (no sort, no hashing),
    the common case at 10M rows; anything else is factorized together."""
    y, pred = np.asarray(y), np.asarray(pred)
    if y.dtype.kind in "iub" and pred.dtype.kind in "iub" and len(y):
        lo = int(min(y.min(), pred.min()))
        hi = int(max(y.max(), pred.max()))
        if hi - lo < 1_000_000:
            span = hi - lo + 1
            yy = (y.astype(np.int64, copy=False) - lo) if lo else y.astype(np.int64, copy=False)
            pp = (pred.astype(np.int64, copy=False) - lo) if lo else pred.astype(np.int64, copy=False)
            present = (np.bincount(yy, minlength=span) > 0) | (np.bincount(pp, minlength=span) > 0)
            values = np.flatnonzero(present)
            if len(values) > MAX_CLASSES:
                raise ModelError(f"more than {MAX_CLASSES:,} distinct labels: is this a regression target?")
            if lo == 0 and len(values) == span:  # labels 0..k-1, all present: they are their own codes
                classes = [(bool(v) if y.dtype.kind == "b" else int(v)) for v in values]
                return classes, yy, pp
            table = np.full(span, -1, dtype=np.int32)
            table[values] = np.arange(len(values), dtype=np.int32)
            classes = [(bool(v + lo) if y.dtype.kind == "b" else int(v + lo)) for v in values]
            return classes, table[yy], table[pp]
    codes, uniques = pd.factorize(pd.concat([pd.Series(y), pd.Series(pred)], ignore_index=True), sort=True)
    if len(uniques) > MAX_CLASSES:
        raise ModelError(f"more than {MAX_CLASSES:,} distinct labels: is this a regression target?")
    codes = codes.astype(np.int32)
    classes = [v.item() if hasattr(v, "item") else v for v in uniques.tolist()]
    return classes, codes[: len(y)], codes[len(y) :]


def _looks_continuous(values: np.ndarray) -> bool:
    if values.dtype.kind != "f":
        return False
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return False
    sample = finite[: 10_000]
    return bool(np.any(sample != np.round(sample))) or len(np.unique(sample)) > 50


# -- predictions, cached -------------------------------------------------------------------------------


def _predict(
    model: Any, features: pd.DataFrame | np.ndarray, key: tuple[Any, ...] | None, task: str
) -> tuple[np.ndarray, np.ndarray | None, float | None]:
    if key is not None and key in _cache:
        _cache.move_to_end(key)
        _, pred, proba, _ = _cache[key]
        return pred, proba, None
    start = time.perf_counter()
    pred = np.asarray(model.predict(features))
    proba = None
    if task == "classifier" and hasattr(model, "predict_proba"):
        try:
            proba = np.asarray(model.predict_proba(features), dtype=float)
        except Exception:  # e.g. SVC without probability=True: the views do without
            proba = None
    seconds = time.perf_counter() - start
    if key is not None:
        _cache[key] = (model, pred, proba, seconds)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return pred, proba, seconds


def clear_cache() -> None:
    _cache.clear()


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value ``encode`` lists classes with."""
    return value.item() if hasattr(value, "item") else value


def _align_proba(proba: np.ndarray | None, model_classes: Sequence[Any], classes: list[Any]) -> np.ndarray | None:
    """Probabilities with one column per class of ``classes`` (zeros for classes the model never saw)."""
    if proba is None or proba.ndim != 2 or proba.shape[1] != len(model_classes):
        return None
    if list(model_classes) == classes:
        return proba
    out = np.zeros((proba.shape[0], len(classes)))
    where = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(model_classes):
        if c in where:
            out[:, where[c]] = proba[:, j]
    return out


def scored(
    objects: Sequence[Any],
    names: Sequence[str],
    params: dict[str, Any],
    fingerprint: Callable[[Any], str | None] | None = None,
) -> Scored:
    """The rows of a model view (see the module's docstring); raises ModelError with what is wrong."""
    if not objects:
        raise ModelError("a model view needs a model and data, or labels and predictions")
    if is_model(objects[0]):
        return _scored_model(objects, names, params, fingerprint)
    return _scored_predictions(objects, names, params)


def _scored_model(
    objects: Sequence[Any], names: Sequence[str], params: dict[str, Any], fingerprint: Callable[[Any], str | None] | None
) -> Scored:
    model = objects[0]
    task = model_task(model)
    if task is None:
        raise ModelError(f"{names[0]} is neither a classifier nor a regressor")
    if not _is_fitted(model):
        raise ModelError(f"{names[0]} is not fitted yet: call {names[0]}.fit(...) first")
    if len(objects) < 2:
        raise ModelError(f"which data should {names[0]} score? Add the features (and labels) to the view")
    frame = _frame(names[1], objects[1])
    label = params.get("label")
    if len(objects) >= 3:
        y, y_index = _vector(names[2], objects[2])
        if len(y) != len(frame):
            raise ModelError(f"{names[2]} has {len(y):,} rows and {names[1]} {len(frame):,}: they are not one split")
        label_name = names[2]
        if y_index is not None and isinstance(objects[1], pd.DataFrame) and not y_index.equals(frame.index):
            raise ModelError(f"{names[2]} and {names[1]} have different index labels: are they the same rows?")
    elif label:
        column = _column(frame, label, "label")
        y = frame[column].to_numpy()
        label_name = str(label)
    else:
        raise ModelError(f"where are the labels? Add them to the view, or name the label column of {names[1]}")
    names_in = getattr(model, "feature_names_in_", None)
    if names_in is not None and isinstance(objects[1], pd.DataFrame):
        missing = [c for c in names_in if c not in frame.columns]
        if missing:
            raise ModelError(f"{names[1]} lacks {len(missing)} feature(s) {names[0]} was fitted on, e.g. {str(missing[0])[:80]!r}")
        features: list[Any] = list(names_in)
        X: Any = frame[features]
    else:
        n_in = getattr(model, "n_features_in_", None)
        features = [c for c in frame.columns if not (label and str(c) == str(label))]
        if n_in is not None and len(features) != int(n_in):
            raise ModelError(f"{names[0]} reads {int(n_in)} features and {names[1]} has {len(features)}")
        X = frame[features] if isinstance(objects[1], pd.DataFrame) else np.asarray(objects[1])
        if not isinstance(objects[1], pd.DataFrame) and label:
            raise ModelError("a label column can only be named in a DataFrame")
    sample = params.get("_sample_rows")
    sampled = isinstance(sample, int) and 0 < sample < len(frame)
    if sampled:  # profiles for findings: a fixed-seed sample, so the kernel is never held for long
        rows = np.sort(np.random.default_rng(0).choice(len(frame), sample, replace=False))
        frame, y = frame.iloc[rows], np.asarray(y)[rows]
        X = X.iloc[rows] if isinstance(X, pd.DataFrame) else np.asarray(X)[rows]
    key = None
    if fingerprint is not None:
        key = (id(model), fingerprint(model), fingerprint(objects[1]), sample if sampled else None)
        if key[1] is None or key[2] is None:
            key = None
    pred, proba, seconds = _predict(model, X, key, task)
    if len(pred) != len(frame):
        raise ModelError(f"{names[0]}.predict returned {len(pred):,} rows for {len(frame):,}")
    true_codes = pred_codes = None
    classes: list[Any] = []
    if task == "classifier":
        classes, true_codes, pred_codes = encode(np.asarray(y), pred)
        proba = _align_proba(proba, [_plain(c) for c in getattr(model, "classes_", [])], classes)
    return Scored(
        task, frame, np.asarray(y), pred, proba, classes, model, features, label_name, f"{names[0]}.predict",
        seconds, true_codes, pred_codes,
    )


def _scored_predictions(objects: Sequence[Any], names: Sequence[str], params: dict[str, Any]) -> Scored:
    task_param = params.get("task")
    proba = None
    if len(objects) == 1:
        frame = _frame(names[0], objects[0])
        label, prediction = params.get("label"), params.get("prediction")
        if not label or not prediction:
            raise ModelError(f"name the label and prediction columns of {names[0]}")
        y = frame[_column(frame, label, "label")].to_numpy()
        pred = frame[_column(frame, prediction, "prediction")].to_numpy()
        label_name, prediction_name = str(label), str(prediction)
    else:
        y, y_index = _vector(names[0], objects[0])
        pred, _ = _vector(names[1], objects[1])
        if len(pred) != len(y):
            raise ModelError(f"{names[0]} has {len(y):,} rows and {names[1]} {len(pred):,}")
        frame = pd.DataFrame({names[0]: y, names[1]: pred}, index=y_index if y_index is not None else None)
        label_name, prediction_name = names[0], names[1]
        if len(objects) >= 3:
            proba = np.asarray(objects[2], dtype=float)
            if proba.ndim == 1:
                proba = np.column_stack([1 - proba, proba])
            if proba.ndim != 2 or proba.shape[0] != len(y):
                raise ModelError(f"{names[2]} has shape {proba.shape}: probabilities are one row per label")
    if task_param in ("classifier", "regressor"):
        task = task_param
    else:
        task = "regressor" if (_looks_continuous(np.asarray(y)) or _looks_continuous(np.asarray(pred))) else "classifier"
    true_codes = pred_codes = None
    classes: list[Any] = []
    if task == "classifier":
        classes, true_codes, pred_codes = encode(np.asarray(y), np.asarray(pred))
    if proba is not None and (task != "classifier" or proba.shape[1] != len(classes)):
        proba = None  # which column is which class is not known
    return Scored(
        task, frame, np.asarray(y), np.asarray(pred), proba, classes, None, [], label_name, prediction_name,
        None, true_codes, pred_codes,
    )


def filtered(s: Scored, state: dict[str, Any]) -> Scored:
    """The rows of ``s`` that pass the board's filter and selection (on the columns of its frame)."""
    from .frames import filter_mask

    mask = filter_mask(s.frame, state)
    return s if mask is None else s.subset(mask)
