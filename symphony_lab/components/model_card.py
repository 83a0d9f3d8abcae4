"""Model card: what a reviewer needs beyond accuracy. Type and task, hyperparameters, features and
classes, size in memory (pickled bytes), inference latency measured on a sample (per row in a batch,
and for one row alone), the most important features when the model says, and metrics on every paired
split (train and test side by side, so overfitting shows).

Variables: the model, then up to two (features, labels) splits: ``(model, X_test, y_test, X_train, y_train)``.
"""

from __future__ import annotations

import pickle
import time
from typing import Any, Sequence

from .base import Component, Context, ParamError, Suggestion
from .confusion import scored_for

LATENCY_ROWS = 1000
SINGLE_ROW_REPEATS = 20
MAX_PARAMS = 60


def classification_metrics(s: Any) -> dict[str, Any]:
    import numpy as np

    valid = (s.true_codes >= 0) & (s.pred_codes >= 0)
    t, p = s.true_codes[valid], s.pred_codes[valid]
    k = len(s.classes)
    out: dict[str, Any] = {"rows": int(valid.sum())}
    if not len(t):
        return out
    matrix = np.bincount(t.astype(np.int64) * k + p, minlength=k * k).reshape(k, k)
    support, predicted, tp = matrix.sum(1), matrix.sum(0), np.diag(matrix).astype(float)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k), where=(precision + recall) > 0)
    present = support > 0
    out.update(
        accuracy=float(tp.sum() / len(t)),
        balanced_accuracy=float(recall[present].mean()),
        macro_f1=float(f1[present].mean()),
    )
    if s.proba is not None:
        proba = s.proba[valid]
        chosen = np.clip(proba[np.arange(len(t)), t], 1e-15, 1.0)
        out["log_loss"] = float(-np.mean(np.log(chosen)))
        if k == 2 and 0 < (t == 1).sum() < len(t):
            out["roc_auc"] = roc_auc(t == 1, proba[:, 1])
    return out


def roc_auc(positive: Any, score: Any) -> float:
    """Area under the ROC curve by the rank-sum formula (ties get their average rank)."""
    import numpy as np
    import pandas as pd

    ranks = pd.Series(score).rank(method="average").to_numpy()
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def regression_metrics(s: Any) -> dict[str, Any]:
    import numpy as np

    y = np.asarray(s.y_true, dtype=float)
    p = np.asarray(s.y_pred, dtype=float)
    valid = np.isfinite(y) & np.isfinite(p)
    y, p = y[valid], p[valid]
    out: dict[str, Any] = {"rows": int(len(y))}
    if not len(y):
        return out
    err = p - y
    ss = float(((y - y.mean()) ** 2).sum())
    out.update(
        mae=float(np.abs(err).mean()),
        rmse=float(np.sqrt((err**2).mean())),
        r2=float(1 - (err**2).sum() / ss) if ss > 0 else None,
    )
    return out


def _param_value(value: Any) -> Any:
    from ..kernel.frames import json_value
    from ..kernel.safe import safe_label, safe_message

    if value is None or isinstance(value, (bool, int, float, str)):
        return json_value(value) if not isinstance(value, str) else value[:200]
    try:  # an estimator or another object: its type, never its repr
        return f"<{type(value).__module__}.{type(value).__qualname__}>"[:200]
    except Exception as exc:
        return safe_message(exc) or safe_label(value)


def _importances(model: Any, features: list[Any]) -> list[dict[str, Any]] | None:
    import numpy as np

    from ..kernel.safe import safe_label

    values = getattr(model, "feature_importances_", None)
    kind = "importance"
    if values is None:
        coef = getattr(model, "coef_", None)
        if coef is None:
            return None
        values = np.abs(np.atleast_2d(np.asarray(coef, dtype=float))).mean(axis=0)
        kind = "|coefficient|"
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) != len(features):
        return None
    order = np.argsort(-values, kind="stable")[:15]
    return [{"feature": safe_label(features[i]), "value": float(values[i]), "kind": kind} for i in order]


class ModelCard(Component):
    name = "model_card"
    title = "Model card"
    description = (
        "Type, hyperparameters, features and classes, size in memory, inference latency measured on a "
        "sample, important features, and metrics on every paired split side by side."
    )
    arity = (1, 5)
    kinds = ("model", "dataframe", "array", "series")
    raw_objects = True
    pairings = ("model",)
    params_schema = {"type": "object", "properties": {}}

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        model = pairing.variables[0]
        mine = [p for p in context.pairings if p.kind == "model" and p.variables[0] == model]
        if not mine or mine[0] is not pairing:
            return None  # one card per model, with every split
        full = [p for p in mine if len(p.variables) == 3]
        rank = {"test": 0, "train": 1, None: 2}
        splits = sorted(full, key=lambda p: rank.get(p.split, 2))[:2]  # test and train beside each other
        if len(splits) == 2 and splits[1].split is None and splits[0].split is None:
            splits = splits[:1]
        variables: tuple[str, ...] = (model,)
        for p in splits:
            variables += p.variables[1:]
        names = ", ".join(p.variables[1] for p in splits)
        reason = f"what {model} is, how big and fast, and how it does on {names}" if names else f"what {model} is"
        return Suggestion(self.name, variables, 0.6, reason)

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.models import is_model, model_task
        from ..kernel.safe import qualified_type_name, safe_label

        names = params.get("_variables") or []
        model = objects[0]
        if not is_model(model):
            raise ParamError(f"{names[0] if names else 'the first variable'} is not a scikit-learn model")
        if len(objects) % 2 == 0:
            raise ParamError("after the model, give (features, labels) pairs: model, X_test, y_test, ...")
        card: dict[str, Any] = {
            "name": names[0] if names else "",
            "type": qualified_type_name(type(model)),
            "task": model_task(model),
            "fitted": any(k.endswith("_") and not k.startswith("_") for k in vars(model)),
        }
        try:
            raw = model.get_params(deep=False)
        except Exception:
            raw = {}
        card["params"] = {str(k)[:100]: _param_value(v) for k, v in sorted(raw.items())[:MAX_PARAMS]}
        features = getattr(model, "feature_names_in_", None)
        n_in = getattr(model, "n_features_in_", None)
        card["n_features"] = int(n_in) if n_in is not None else None
        card["features"] = [safe_label(f) for f in list(features)[:200]] if features is not None else None
        classes = getattr(model, "classes_", None)
        card["classes"] = [safe_label(c) for c in list(classes)[:100]] if classes is not None else None
        start = time.perf_counter()
        try:
            card["size_bytes"] = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
            card["size_method"] = "pickle"
        except Exception as exc:
            card["size_bytes"] = None
            card["size_error"] = f"{type(exc).__name__}"
        card["size_seconds"] = time.perf_counter() - start
        feature_list = list(features) if features is not None else [f"x{i}" for i in range(int(n_in or 0))]
        card["importances"] = _importances(model, feature_list)
        splits = []
        latency: dict[str, Any] | None = None
        for i in range(1, len(objects), 2):
            split_names = [names[0], names[i], names[i + 1]] if len(names) > i + 1 else None
            s = scored_for([model, objects[i], objects[i + 1]], {**params, "_variables": split_names or []}, state)
            metrics = classification_metrics(s) if s.task == "classifier" else regression_metrics(s)
            splits.append({"features": names[i] if names else "", "labels": names[i + 1] if names else "", **metrics})
            if latency is None:
                latency = _latency(model, objects[i], s.features)
        card["splits"] = splits
        card["latency"] = latency
        return card


def _latency(model: Any, X: Any, features: list[Any]) -> dict[str, Any] | None:
    """Seconds per row when predicting a batch of up to LATENCY_ROWS rows (best of three), and for one row
    alone (median of SINGLE_ROW_REPEATS): what a service scoring one request at a time pays."""
    import numpy as np
    import pandas as pd

    rows = X[features] if isinstance(X, pd.DataFrame) and features else X
    n = min(len(rows), LATENCY_ROWS)
    if n == 0:
        return None
    batch = rows.iloc[:n] if isinstance(rows, pd.DataFrame) else np.asarray(rows)[:n]
    one = rows.iloc[:1] if isinstance(rows, pd.DataFrame) else np.asarray(rows)[:1]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.predict(batch)
        best = min(best, time.perf_counter() - start)
    singles = []
    for _ in range(SINGLE_ROW_REPEATS):
        start = time.perf_counter()
        model.predict(one)
        singles.append(time.perf_counter() - start)
    return {
        "batch_rows": int(n),
        "per_row_seconds": best / n,
        "single_row_seconds": float(np.median(singles)),
    }
