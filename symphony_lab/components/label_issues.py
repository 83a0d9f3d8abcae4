"""Label issues: rows whose given label disagrees with what the model predicts with confidence.

Confident learning (see ``find_issues``): every class gets a threshold, the mean probability the model
gives that class on the rows labelled with it (its mean self-confidence); counting the rows on which
another class reaches its threshold estimates how many rows of each label are really of each other class,
and that many rows with the largest margin are the likely errors. Issues are ranked by self-confidence
(the probability of the given label), lowest first, and carry the suggested label (the most probable).

The probabilities should not come from a model that saw the row's label: for a model pairing on a training
split (or on any split of at most ``oof_max_rows`` rows) they are out-of-fold: the estimator is cloned
(``sklearn.base.clone``) and fitted on the other folds of a stratified k-fold split with a fixed seed, fold
by fold (the folds and probabilities ``cross_val_predict(method="predict_proba")`` gives), so that it can
stop after the first fit when the whole would not fit the time budget; it then falls back to the model's
own probabilities and says so ("not out-of-fold"). Labels and probabilities given as variables
(``(y_true, y_pred, proba)``) are used as they are. Results are cached by the fingerprints of the model,
features and labels: the same data is never cross-validated twice.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Sequence

from .base import Component, Context, Finding, ParamError, Suggestion
from .confusion import _pairing_task, class_label, group_columns, model_params
from .subgroups import fingerprint_of, scored_cached, scored_in_background

PROFILE_BUDGET_S = 3.0  # cross-validation the background profile may afford
PROFILE_MAX_ROWS = 20_000  # rows the background profile cross-validates (a fixed-seed sample beyond)
_CACHE_SIZE = 6
_cache: "OrderedDict[tuple[Any, ...], Probabilities]" = OrderedDict()
_too_slow: "OrderedDict[tuple[Any, ...], float]" = OrderedDict()  # key -> estimated seconds


@dataclass
class Probabilities:
    proba: Any  # (rows, classes) aligned with Scored.classes; NaN rows: no label to learn from
    method: str  # "out_of_fold" | "model" | "given"
    folds: int | None
    seconds: float
    note: str

    @property
    def out_of_fold(self) -> bool:
        return self.method == "out_of_fold"


def clear_cache() -> None:
    _cache.clear()
    _too_slow.clear()


def _remember(store: "OrderedDict[Any, Any]", key: Any, value: Any) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > _CACHE_SIZE:
        store.popitem(last=False)


def _fingerprints(objects: Sequence[Any], fingerprint: Any) -> tuple[Any, ...] | None:
    fp = fingerprint or fingerprint_of
    prints = tuple(fp(o) for o in objects)
    return None if any(p is None for p in prints) else prints


def out_of_fold(s: Any, folds: int, budget: float) -> tuple[Any | None, int, float, str]:
    """(probabilities or None, folds used, seconds, why not). Stops after the first fit when the whole
    would not fit ``budget`` seconds."""
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    codes = s.true_codes
    labelled = np.flatnonzero(codes >= 0)
    present = np.bincount(codes[labelled], minlength=len(s.classes))
    present = present[present > 0]
    if len(present) < 2:
        return None, 0, 0.0, "only one class among the labels"
    n_splits = int(min(folds, present.max()))
    if n_splits < 2:
        return None, 0, 0.0, "too few rows per class for folds"
    X = s.frame[s.features] if s.features else s.frame
    y = s.y_true
    out = np.full((s.rows, len(s.classes)), np.nan)
    where = {str(class_label(c)): i for i, c in enumerate(s.classes)}
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    # One BLAS/OpenMP thread: on a machine whose cores are busy (the user's own work, other kernels),
    # OpenMP's spinning threads made one small fit 60 times slower here; folds are small fits.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # a class with fewer rows than folds, convergence: still useful
        for i, (fit_rows, test_rows) in enumerate(splitter.split(np.zeros(len(labelled)), codes[labelled])):
            fit_at, test_at = labelled[fit_rows], labelled[test_rows]
            est = clone(s.model)
            est.fit(X.iloc[fit_at], y[fit_at])
            if not hasattr(est, "predict_proba"):
                return None, n_splits, time.perf_counter() - start, f"{type(s.model).__name__} has no predict_proba"
            proba = np.asarray(est.predict_proba(X.iloc[test_at]), dtype=float)
            block = np.zeros((len(test_at), len(s.classes)))
            for j, c in enumerate(getattr(est, "classes_", [])):
                col = where.get(str(class_label(c.item() if hasattr(c, "item") else c)))
                if col is not None:
                    block[:, col] = proba[:, j]
            out[test_at] = block
            elapsed = time.perf_counter() - start
            if i == 0 and elapsed * n_splits > budget:
                return None, n_splits, elapsed * n_splits, (
                    f"out-of-fold probabilities would take about {elapsed * n_splits:.0f} s "
                    f"({n_splits} fits), over the budget of {budget:.0f} s"
                )
            if elapsed > 2 * budget:
                return None, n_splits, elapsed, f"cross-validation passed twice its budget of {budget:.0f} s"
    return out, n_splits, time.perf_counter() - start, ""


def probabilities(
    objects: Sequence[Any], params: dict[str, Any], s: Any, fingerprint: Any, budget: float
) -> Probabilities:
    """The probabilities issues are found from (see the module's docstring), cached."""
    import numpy as np

    from ..pairing import split_of

    names = params.get("_variables") or []
    if s.model is None:
        if s.proba is None:
            raise ParamError(
                "label issues need class probabilities: add them to the view (y_true, y_pred, proba) or "
                "pair a model that has predict_proba"
            )
        return Probabilities(s.proba, "given", None, 0.0, f"probabilities given in {names[2] if len(names) > 2 else 'the view'}")
    method = params["method"]
    split = split_of(str(names[1])) if len(names) > 1 else None
    want_oof = method == "out_of_fold" or (
        method == "auto" and (split != "test" or s.rows <= params["oof_max_rows"])
    )
    note = ""
    if want_oof:
        prints = _fingerprints(objects, fingerprint)
        key = None if prints is None else (prints, params.get("label"), params["folds"], s.rows)
        if key is not None and key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        estimate = _too_slow.get(key) if key is not None else None
        if estimate is not None and estimate > budget:
            note = f"out-of-fold probabilities would take about {estimate:.0f} s, over the budget of {budget:.0f} s"
        else:
            proba, folds, seconds, why = out_of_fold(s, params["folds"], budget)
            if proba is not None:
                result = Probabilities(proba, "out_of_fold", folds, seconds, f"{folds}-fold cross-validation of a clone")
                if key is not None:
                    _remember(_cache, key, result)
                return result
            if key is not None and "would take" in why:
                _remember(_too_slow, key, seconds)
            note = why
    if s.proba is None:
        raise ParamError(
            f"{type(s.model).__name__} gives no probabilities (predict_proba)"
            + (f" and {note}" if note else "")
        )
    if not note:
        note = (
            f"{names[1]} looks like a held-out split: the model's own probabilities"
            if split == "test"
            else "the model's own probabilities, as asked"
        )
    else:
        note += "; the model's own probabilities instead (not out-of-fold: it may have learnt these labels)"
    return Probabilities(np.asarray(s.proba, dtype=float), "model", None, 0.0, note)


@dataclass
class Issues:
    rows: Any  # positions of likely label errors, ranked (lowest self-confidence first)
    suggested: Any  # class code per issue (the most probable class)
    self_confidence: Any  # per row (NaN: unlabelled)
    thresholds: Any  # per class (NaN: no row labelled with it)
    joint: Any  # classes × classes: rows labelled i confidently of class j (the confident joint)
    labelled: int


def find_issues(proba: Any, given: Any) -> Issues:
    """Likely label errors from probabilities (rows × classes) and given label codes (-1: none).

    1. Thresholds: per class, its mean self-confidence on the rows labelled with it.
    2. The confident joint: a row labelled i counts for class j when j reaches its threshold on the row
       (the most probable such class when several do).
    3. How many rows labelled i are really j: the joint's row i scaled to the rows labelled i (rows that
       reach no threshold are spread like those that do); off the diagonal, that many rows labelled i
       with the largest margin p(j) - p(i) are issues.
    4. A row the model predicts as its given label is never an issue.
    """
    import numpy as np

    rows, k = proba.shape
    valid = (given >= 0) & np.isfinite(proba).all(axis=1)
    at = np.flatnonzero(valid)
    g = given[at]
    p = proba[at]
    self_conf = np.full(rows, np.nan)
    self_conf[at] = p[np.arange(len(at)), g]
    counts = np.bincount(g, minlength=k)
    sums = np.bincount(g, weights=self_conf[at], minlength=k)
    thresholds = np.divide(sums, counts, out=np.full(k, np.nan), where=counts > 0)
    reach = np.where(np.isfinite(thresholds), thresholds, np.inf)
    above = p >= reach[None, :]
    confident = np.where(above.any(axis=1), np.where(above, p, -1.0).argmax(axis=1), -1)
    sure = confident >= 0
    joint = np.bincount(g[sure] * k + confident[sure], minlength=k * k).reshape(k, k)
    totals = joint.sum(axis=1)
    scale = np.divide(counts, totals, out=np.zeros(k), where=totals > 0)
    wanted = np.rint(joint * scale[:, None]).astype(np.int64)
    np.fill_diagonal(wanted, 0)
    chosen = np.zeros(len(at), dtype=bool)
    if wanted.any():
        order = np.argsort(g, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        for i, j in zip(*np.nonzero(wanted)):
            members = order[starts[i] : starts[i + 1]]
            take = int(min(wanted[i, j], len(members)))
            margin = p[members, j] - p[members, i]
            chosen[members[np.argpartition(-margin, take - 1)[:take]]] = True
    predicted = p.argmax(axis=1)
    chosen &= predicted != g
    picked = np.flatnonzero(chosen)
    positions = at[picked]
    rank = np.lexsort((positions, self_conf[positions]))
    return Issues(positions[rank], predicted[picked][rank], self_conf, thresholds, joint, int(len(at)))


class LabelIssues(Component):
    name = "label_issues"
    title = "Label issues"
    description = (
        "Rows whose given label the model contradicts with confidence (out-of-fold when feasible), ranked, "
        "with the label it suggests. Select one row, a kind of mix-up, or all of them for the other views."
    )
    arity = (1, 3)
    kinds = ("model", "series", "array", "dataframe")
    raw_objects = True
    pairings = ("model", "predictions")
    profiles_pairings = True
    selects = True
    params_schema = model_params(
        method={"type": "string", "enum": ["auto", "out_of_fold", "model"], "default": "auto"},
        folds={"type": "integer", "minimum": 2, "maximum": 10, "default": 5},
        time_budget={"type": "number", "minimum": 0.1, "maximum": 600, "default": 30},
        oof_max_rows={"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 50_000},
        page={"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0},
        page_size={"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
    )

    # -- server side ------------------------------------------------------------------------------

    def _applies(self, pairing: Any, context: Context) -> bool:
        if _pairing_task(pairing, context, self.name) != "classifier":
            return False
        return pairing.kind == "model" or len(pairing.variables) == 3  # predictions need probabilities

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        if not self._applies(pairing, context):
            return None
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        score = {"train": 0.6, None: 0.55, "test": 0.45}.get(pairing.split, 0.5)
        labels = _labels_name(pairing)
        if profile.get("issues") is not None:
            how = "out-of-fold" if profile.get("method") == "out_of_fold" else "by the model"
            reason = f"{profile['issues']:,} rows of {labels} look mislabelled ({how}): which, and what they should be"
            if profile["issues"] and profile.get("fraction", 0) >= 0.01:
                score = min(0.9, score + 0.15)
        else:
            reason = f"{pairing.reason}: rows whose label the model contradicts with confidence"
        return Suggestion(self.name, pairing.variables, score, reason, dict(pairing.params))

    def pairing_findings(self, pairing: Any, context: Context) -> list[Finding]:
        profile = context.pairing_profiles.get((self.name, pairing.variables)) or {}
        issues, fraction = profile.get("issues"), profile.get("fraction")
        if not self._applies(pairing, context) or not issues or fraction is None:
            return []
        if profile.get("method") != "out_of_fold":
            # The model's own probabilities: on its training rows it may have learnt these very labels,
            # and on held-out rows it confidently disagrees where it is blind as much as where labels are
            # wrong (see Subgroups). Not evidence enough for a finding; the view still lists them.
            return []
        if issues < 5 or fraction < 0.01:
            return []
        labels = _labels_name(pairing)
        if profile.get("sampled"):
            labels = f"a {profile.get('sample_rows', 0):,}-row sample of {labels}"
        how = "out-of-fold probabilities"
        top = profile.get("top_pair")
        example = ""
        if top:
            example = f"; most often labelled {top['given']!s} where {top['suggested']!s} is likely ({top['count']:,})"
        return [
            Finding(
                "label_issues",
                "high" if fraction >= 0.03 else "medium",
                pairing.variables,
                f"{issues:,} rows of {labels} look mislabelled ({fraction:.1%}): {how} confidently "
                f"give another class{example}",
                self.name,
                dict(pairing.params),
                {
                    "issues": issues,
                    "fraction": fraction,
                    "labelled": profile.get("labelled"),
                    "method": profile.get("method"),
                    "folds": profile.get("folds"),
                    "top_pair": top,
                },
            )
        ]

    # -- kernel side ------------------------------------------------------------------------------

    def _scored(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any] | None) -> Any:
        s = scored_cached(objects, params, state)
        if s.task != "classifier":
            raise ParamError("label issues are for classifiers; this looks like a regression (see Subgroup metrics)")
        return s

    def profile_pairing(self, objects: Sequence[Any], params: dict[str, Any]) -> dict[str, Any] | None:
        import numpy as np

        from .subgroups import _sample_positions

        s = scored_in_background(objects, params)
        if s.task != "classifier":
            return {"task": s.task, "rows": s.rows}
        rows = s.rows
        if rows > PROFILE_MAX_ROWS:  # cheap: a sample, and the finding says so
            keep = np.zeros(rows, dtype=bool)
            keep[_sample_positions(rows, PROFILE_MAX_ROWS)] = True
            s = s.subset(keep)
        found = probabilities(objects, params, s, None, min(PROFILE_BUDGET_S, params["time_budget"]))
        issues = find_issues(found.proba, s.true_codes)
        pairs = _pairs(s, issues, 1)
        return {
            "sampled": rows > PROFILE_MAX_ROWS,
            "sample_rows": s.rows,
            "task": s.task,
            "rows": rows,
            "labelled": issues.labelled,
            "issues": int(len(issues.rows)),
            "fraction": (len(issues.rows) / issues.labelled) if issues.labelled else 0.0,
            "method": found.method,
            "folds": found.folds,
            "note": found.note,
            "top_pair": pairs[0] if pairs else None,
        }

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.frames import filter_mask, json_value

        s = self._scored(objects, params, state)
        found = probabilities(objects, params, s, state.get("_fingerprint"), params["time_budget"])
        issues = find_issues(found.proba, s.true_codes)
        mask = filter_mask(s.frame, state)
        shown = issues.rows if mask is None else issues.rows[mask[issues.rows]]
        suggested = issues.suggested if mask is None else issues.suggested[mask[issues.rows]]
        filtered = s.rows if mask is None else int(mask.sum())
        start = params["page"] * params["page_size"]
        page = slice(start, start + params["page_size"])
        columns = list(s.frame.columns[:8])
        from ..kernel.frames import column_labels

        names = {id(v): k for k, v in column_labels(s.frame).items()}
        items = []
        for pos, sug in zip(shown[page], suggested[page]):
            given = int(s.true_codes[pos])
            items.append(
                {
                    "position": int(pos),
                    "index": json_value(s.frame.index[pos]),
                    "given": class_label(s.classes[given]),
                    "suggested": class_label(s.classes[int(sug)]),
                    "self_confidence": _f(issues.self_confidence[pos]),
                    "suggested_confidence": _f(found.proba[pos, int(sug)]),
                    "values": [json_value(v) for v in s.frame.iloc[pos, : len(columns)].tolist()],
                }
            )
        k = len(s.classes)
        given_counts = np.bincount(s.true_codes[s.true_codes >= 0], minlength=k)
        issue_counts = np.bincount(s.true_codes[issues.rows], minlength=k) if len(issues.rows) else np.zeros(k, int)
        return {
            "rows": s.rows,
            "filtered_rows": filtered,
            "labelled": issues.labelled,
            "label": s.label_name,
            "method": found.method,
            "out_of_fold": found.out_of_fold,
            "folds": found.folds,
            "seconds": round(found.seconds, 3),
            "note": found.note,
            "issues_total": int(len(issues.rows)),
            "issues_filtered": int(len(shown)),
            "fraction": (len(issues.rows) / issues.labelled) if issues.labelled else 0.0,
            "classes": [
                {
                    "class": class_label(c),
                    "threshold": _f(issues.thresholds[i]),
                    "given": int(given_counts[i]),
                    "issues": int(issue_counts[i]),
                }
                for i, c in enumerate(s.classes)
            ][:100],
            "pairs": _pairs(s, issues, 20),
            "columns": [names.get(id(c), str(c)) for c in columns],
            "group_columns": group_columns(s.frame),
            "page": params["page"],
            "page_size": params["page_size"],
            "items": items,
        }

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """``{"all": true}`` every likely label error; ``{"position": n}`` one row; ``{"given": a,
        "suggested": b}`` the rows labelled a where b is likely."""
        import numpy as np

        s = self._scored(objects, params, None)
        found = probabilities(objects, params, s, None, params["time_budget"])
        issues = find_issues(found.proba, s.true_codes)
        if spec.get("all") is True:
            return s.frame.index[np.sort(issues.rows)]
        if "position" in spec:
            pos = spec["position"]
            if isinstance(pos, bool) or not isinstance(pos, int) or not 0 <= pos < s.rows:
                raise ParamError(f"a label-issue position must be a row number from 0 to {s.rows - 1}")
            return s.frame.index[[pos]]
        if "given" in spec and "suggested" in spec:
            lookup = {str(class_label(c)): i for i, c in enumerate(s.classes)}
            given, suggested = lookup.get(str(spec["given"])), lookup.get(str(spec["suggested"]))
            if given is None or suggested is None:
                raise ParamError("no such class among the labels")
            chosen = issues.rows[(s.true_codes[issues.rows] == given) & (issues.suggested == suggested)]
            return s.frame.index[np.sort(chosen)]
        raise ParamError("a label-issue selection needs all, position, or given and suggested")


def _pairs(s: Any, issues: Issues, top: int) -> list[dict[str, Any]]:
    """The most common mix-ups among the issues: (given, suggested, count)."""
    import numpy as np

    if not len(issues.rows):
        return []
    k = len(s.classes)
    counts = np.bincount(s.true_codes[issues.rows] * k + issues.suggested, minlength=k * k)
    order = np.flatnonzero(counts)
    order = order[np.argsort(-counts[order], kind="stable")][:top]
    return [
        {"given": class_label(s.classes[i // k]), "suggested": class_label(s.classes[i % k]), "count": int(counts[i])}
        for i in order
    ]


def _labels_name(pairing: Any) -> str:
    if pairing.kind == "model":
        if len(pairing.variables) >= 3:
            return pairing.variables[2]
        return f"{pairing.variables[1]}[{pairing.params.get('label')!r}]"
    return pairing.variables[0]


def _f(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None
