"""Confusion matrix: which classes a classifier confuses, in counts and rates, with per-class precision,
recall and F1, split by the board's group-by; a cell selects its rows for every other view.

Works on a model pairing ``(model, X[, y])`` (predictions computed in the kernel, cached) or on labels and
predictions already computed (``(y_true, y_pred[, proba])`` or one frame with both columns).
Counts come from one ``bincount`` of ``true * k + predicted`` over integer codes: O(rows), no sort.
"""

from __future__ import annotations

from typing import Any, Sequence

from .base import Component, Context, Finding, ParamError, Suggestion

SAMPLE_FOR_FINDINGS = 200_000
MAX_GROUPS = 6
LABEL_PARAMS = {
    "label": {"type": ["string", "null"], "maxLength": 200, "default": None},
    "prediction": {"type": ["string", "null"], "maxLength": 200, "default": None},
    "task": {"type": ["string", "null"], "enum": ["classifier", "regressor", None], "default": None},
}


def model_params(**extra: Any) -> dict[str, Any]:
    """The parameter schema of a model component: how its variables pair up, plus its own."""
    return {"type": "object", "properties": {**LABEL_PARAMS, **extra}}


def scored_for(objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any] | None = None) -> Any:
    """The rows of a model view (kernel/models.Scored), a ModelError turned into a ParamError."""
    from ..kernel.models import ModelError, scored

    names = params.get("_variables") or [f"variable {i + 1}" for i in range(len(objects))]
    fingerprint = (state or {}).get("_fingerprint") or params.get("_fingerprint")
    try:
        return scored(objects, names, params, fingerprint)
    except ModelError as exc:
        raise ParamError(str(exc)) from None


def _in_background(work: Any) -> Any:
    """Run ``work()`` with one BLAS/OpenMP thread when threadpoolctl is there (it comes with
    scikit-learn): a background profile never fights the user's own work for the cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return work()
    with threadpool_limits(1):
        return work()


def class_label(value: Any) -> Any:
    from ..kernel.frames import json_value

    return json_value(value)


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _pairing_task(pairing: Any, context: Context, component: str) -> str | None:
    if pairing.task in ("classifier", "regressor"):
        return pairing.task
    profile = context.pairing_profiles.get((component, pairing.variables))
    return (profile or {}).get("task")


class ConfusionMatrix(Component):
    name = "confusion"
    title = "Confusion matrix"
    description = (
        "Which classes a classifier confuses: counts and rates, precision, recall and F1 per class, split by "
        "the board's group-by. Click a cell to select its rows in every other view."
    )
    arity = (1, 3)
    kinds = ("model", "series", "array", "dataframe")
    raw_objects = True
    pairings = ("model", "predictions")
    profiles_pairings = True
    selects = True
    params_schema = model_params(
        max_classes={"type": "integer", "minimum": 2, "maximum": 60, "default": 20},
    )

    # -- server side ------------------------------------------------------------------------------

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        task = _pairing_task(pairing, context, self.name)
        if task != "classifier":
            return None
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        where = pairing.variables[1] if pairing.kind == "model" else pairing.variables[0]
        score = {"test": 0.88, None: 0.7, "train": 0.55}.get(pairing.split, 0.7)
        if pairing.kind == "predictions":
            score -= 0.03  # the model itself, when it is there too, tells more (probabilities, features)
        if "accuracy" in profile:
            reason = (
                f"accuracy {_fmt(profile['accuracy'])} on {where} ({profile['rows']:,} rows"
                f"{', sampled' if profile.get('sampled') else ''}, {profile['n_classes']} classes): "
                "which classes are confused"
            )
        else:
            reason = f"{pairing.reason}: which classes are confused"
        return Suggestion(self.name, pairing.variables, score, reason, dict(pairing.params))

    def pairing_findings(self, pairing: Any, context: Context) -> list[Finding]:
        """A class the model mostly misses: recall far under the overall accuracy, on enough rows."""
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        if profile.get("task") != "classifier" or pairing.split == "train":
            return []
        accuracy = profile.get("accuracy")
        worst = None
        for item in profile.get("per_class") or []:
            if item["support"] >= 10 and accuracy is not None and item["recall"] <= accuracy - 0.15:
                if worst is None or item["recall"] < worst["recall"]:
                    worst = item
        if worst is None:
            return []
        where = pairing.variables[1] if pairing.kind == "model" else pairing.variables[0]
        return [
            Finding(
                "weak_class",
                "high" if worst["recall"] < 0.5 else "medium",
                pairing.variables,
                f"recall of class {worst['class']!s} on {where} is {_fmt(worst['recall'])} against accuracy "
                f"{_fmt(accuracy)} overall (n={worst['support']:,})",
                self.name,
                dict(pairing.params),
                {"class": worst["class"], "recall": worst["recall"], "support": worst["support"], "accuracy": accuracy},
            )
        ]

    # -- kernel side ------------------------------------------------------------------------------

    def profile_pairing(self, objects: Sequence[Any], params: dict[str, Any]) -> dict[str, Any] | None:
        import numpy as np

        from ..kernel.models import is_model

        s = _in_background(lambda: scored_for(objects, params))
        # a model scores a sample of its data for findings (kernel/analysis.py PAIRING_SAMPLE_ROWS)
        total = len(objects[1]) if is_model(objects[0]) and len(objects) > 1 else s.rows
        out: dict[str, Any] = {"task": s.task, "rows": total}
        if s.task != "classifier":
            return out
        sampled = s.rows > SAMPLE_FOR_FINDINGS or total > s.rows
        if s.rows > SAMPLE_FOR_FINDINGS:
            keep = np.zeros(s.rows, dtype=bool)
            keep[np.random.default_rng(0).choice(s.rows, SAMPLE_FOR_FINDINGS, replace=False)] = True
            s = s.subset(keep)
        matrix = _matrix(s.true_codes, s.pred_codes, len(s.classes))
        support = matrix.sum(axis=1)
        recall = np.divide(np.diag(matrix), support, out=np.zeros(len(support)), where=support > 0)
        labelled = int(matrix.sum())
        out.update(
            accuracy=float(np.trace(matrix) / labelled) if labelled else 0.0,
            n_classes=len(s.classes),
            sampled=sampled,
            per_class=[
                {"class": class_label(c), "recall": float(recall[i]), "support": int(support[i])}
                for i, c in enumerate(s.classes)
                if support[i] > 0
            ][:50],
        )
        return out

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.models import filtered

        full = scored_for(objects, params, state)
        if full.task != "classifier":
            raise ParamError("the confusion matrix is for classifiers; this looks like a regression (see Subgroup metrics)")
        s = filtered(full, state)
        k = len(s.classes)
        matrix = _matrix(s.true_codes, s.pred_codes, k)
        support = matrix.sum(axis=1)
        predicted = matrix.sum(axis=0)
        # Many classes stay readable: the most frequent first, the rest folded into "other".
        order = np.lexsort((np.arange(k), -(support + predicted)))
        keep = order[: params["max_classes"] - 1] if k > params["max_classes"] else order
        folded = k > len(keep)
        shown = _fold(matrix, keep) if folded else matrix[np.ix_(keep, keep)]
        labels = [class_label(s.classes[i]) for i in keep]
        tp = np.diag(matrix).astype(float)
        precision = np.divide(tp, predicted, out=np.zeros(k), where=predicted > 0)
        recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
        f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k), where=(precision + recall) > 0)
        labelled = int(matrix.sum())
        present = support > 0
        result: dict[str, Any] = {
            "rows": full.rows,
            "filtered_rows": s.rows,
            "unlabelled": int(s.rows - labelled),
            "label": s.label_name,
            "prediction": s.prediction_name,
            "classes": labels,
            "classes_total": k,
            "other": folded,
            "matrix": shown.tolist(),
            "accuracy": float(tp.sum() / labelled) if labelled else None,
            "balanced_accuracy": float(recall[present].mean()) if present.any() else None,
            "macro_f1": float(f1[present].mean()) if present.any() else None,
            "per_class": [
                {
                    "class": class_label(s.classes[i]),
                    "precision": float(precision[i]),
                    "recall": float(recall[i]),
                    "f1": float(f1[i]),
                    "support": int(support[i]),
                    "predicted": int(predicted[i]),
                }
                for i in order
            ][:200],
            "groups": None,
            "group_columns": _group_columns(s.frame),
        }
        group = (state.get("groups") or {}).get("column")
        if group:
            result["groups"] = _by_group(s, group, keep, folded)
        return result

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """Rows whose true label is ``spec.true`` and prediction ``spec.pred`` (either may be left out;
        ``{"correct": false}`` selects every mistake)."""
        import numpy as np

        s = scored_for(objects, params)
        lookup = {str(class_label(c)): i for i, c in enumerate(s.classes)}
        mask = np.ones(s.rows, dtype=bool)
        if "correct" in spec:
            if not isinstance(spec["correct"], bool):
                raise ParamError("a confusion selection's correct must be true or false")
            mask &= (s.true_codes == s.pred_codes) == spec["correct"]
        for key, codes in (("true", s.true_codes), ("pred", s.pred_codes)):
            if key in spec:
                code = lookup.get(str(spec[key]))
                if code is None:
                    raise ParamError(f"no class {str(spec[key])[:80]!r} among the labels")
                mask &= codes == code
        if not any(k in spec for k in ("true", "pred", "correct")):
            raise ParamError("a confusion selection needs true, pred or correct")
        return s.frame.index[mask]


def _matrix(true_codes: Any, pred_codes: Any, k: int) -> Any:
    """k × k counts (rows: true class, columns: predicted), rows with a missing label or prediction left out."""
    import numpy as np

    if k == 0:
        return np.zeros((0, 0), dtype=np.int64)
    t = np.asarray(true_codes, dtype=np.int64)
    p = np.asarray(pred_codes, dtype=np.int64)
    if t.size and (t.min() < 0 or p.min() < 0):
        valid = (t >= 0) & (p >= 0)
        t, p = t[valid], p[valid]
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def _fold(matrix: Any, keep: Any) -> Any:
    """The matrix on the ``keep`` classes plus one "other" row and column holding every other class."""
    import numpy as np

    k = matrix.shape[0]
    index = np.full(k, len(keep), dtype=np.int64)
    index[keep] = np.arange(len(keep))
    out = np.zeros((len(keep) + 1, len(keep) + 1), dtype=np.int64)
    np.add.at(out, (index[:, None].repeat(k, 1), index[None, :].repeat(k, 0)), matrix)
    return out


def _by_group(s: Any, column: str, keep: Any, folded: bool) -> dict[str, Any]:
    """One matrix per value (or quantile bin) of the group-by column, the largest groups first."""
    import numpy as np

    from ..kernel.frames import column_kind, json_value, resolve_column

    try:
        values = s.frame[resolve_column(s.frame, column)]
    except KeyError:
        return {"column": column, "error": f"{column} is not a column of these rows", "items": []}
    kind = column_kind(values)
    if kind == "numeric" and values.nunique() > MAX_GROUPS:
        import pandas as pd

        bins = pd.qcut(values, 4, duplicates="drop")
        codes = bins.cat.codes.to_numpy()
        labels = [f"{c.left:.4g} – {c.right:.4g}" for c in bins.cat.categories]
    else:
        import pandas as pd

        codes, uniques = pd.factorize(values, sort=False)
        labels = [json_value(u) for u in uniques]
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)) if len(labels) else np.array([], dtype=int)
    binned = kind == "numeric" and values.nunique() > MAX_GROUPS
    order = np.arange(len(labels)) if binned else np.argsort(-counts, kind="stable")[:MAX_GROUPS]
    k = len(s.classes)
    items = []
    for g in order:
        mask = codes == g
        m = _matrix(s.true_codes[mask], s.pred_codes[mask], k)
        shown = _fold(m, keep) if folded else m[np.ix_(keep, keep)]
        labelled = int(m.sum())
        items.append(
            {
                "value": labels[g],
                "rows": int(mask.sum()),
                "accuracy": float(np.trace(m) / labelled) if labelled else None,
                "matrix": shown.tolist(),
            }
        )
    return {"column": column, "binned": binned, "groups_total": len(labels), "items": items}


def group_columns(frame: Any, limit: int = 60) -> list[str]:
    """Columns a person would group rows by: categorical, boolean, or numeric (binned)."""
    from ..kernel.frames import column_kind
    from ..kernel.safe import safe_label

    out = []
    for j in range(min(frame.shape[1], 500)):
        if column_kind(frame.iloc[:, j]) in ("categorical", "boolean", "numeric", "text"):
            out.append(safe_label(frame.columns[j]))
        if len(out) >= limit:
            break
    return out


_group_columns = group_columns
