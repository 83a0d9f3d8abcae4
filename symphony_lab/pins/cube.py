"""Binned codes of the exported frames, so that an exported page can filter its views offline.

Crossfilter dashboards without raw rows (imMens, Falcon) ship binned data instead of values; so do we.
For each frame that exported views are computed on, every column the views draw or a filter can be set
on becomes one small integer per row (``uint8``, or ``uint16`` when the bins do not fit):

- ``bins`` (numeric, datetime): the union of every bin edge the views draw on that column (distribution
  histograms, summary sparklines) and of every range bound in the exported states, ``u_0 < ... < u_m``.
  A value's code is ``1 + 2*i + eq`` where ``i`` counts the edges below it and ``eq`` says it equals
  ``u_i``: so "equal to an edge" and "strictly between two edges" are apart, a range clause whose bounds
  are edges (what a brush sets) keeps exactly the rows the kernel keeps (``min <= v <= max``), and every
  histogram of those edges is counted exactly (numpy's bins: [e_j, e_j+1), the last one closed).
  Code 0: missing.
- ``categories`` (text, categories, booleans, and a numeric column used as a group): the column's text
  (``astype("string")``, as the kernel compares "in" clauses and names categories) among a list of
  categories (those the views show, then the most common, up to a cap); code 0 missing, 1 any other
  value, 2 + i the i-th category.
- ``classes`` (a confusion matrix's true labels and predictions): 0 missing, 1 + the class's position.

Rows: all of them when rows × bytes per row fit the budget, else a uniform random sample without
replacement with a fixed seed; the page says that its counts are estimated from it. Codes travel base64
(little-endian). No value of any row leaves the kernel: only bin edges and the top categories, which the
views show anyway.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .export import DEFAULT_BUDGET  # bytes of codes, over every frame of the page, before rows are sampled

SAMPLE_SEED = 0
#: categories kept for a column a view shows or filters by (the distribution shows the top 30)
FILTER_CATEGORIES = 64
#: categories kept for a column only the summary shows (its top 5 values)
SUMMARY_CATEGORIES = 10
#: frames with more columns than this are encoded only for the columns views name
MAX_COLUMNS = 500
#: the components whose data the page computes again from the codes
RECOMPUTED = ("distribution", "summary", "missing", "confusion")


def _safe(exc: BaseException) -> str:
    from ..kernel.safe import safe_message

    return str(safe_message(exc))[:200]


class CubeError(ValueError):
    """A view that cannot be computed offline; the message says why (shown in the page)."""


@dataclass
class _Needs:
    """What one frame must carry: per column, the bin edges (floats) and labels, or categories."""

    frame: pd.DataFrame
    edges: dict[str, dict[float, Any]] = field(default_factory=dict)  # column -> position -> label
    categories: dict[str, list[str]] = field(default_factory=dict)  # column -> categories shown
    fill: dict[str, int] = field(default_factory=dict)  # column -> how many categories to keep
    presence: set[str] = field(default_factory=set)  # columns only their missing values are needed of
    models: list[dict[str, Any]] = field(default_factory=list)  # confusion views' class codes

    def bins(self, column: str) -> dict[float, Any]:
        return self.edges.setdefault(column, {})

    def cats(self, column: str, fill: int) -> list[str]:
        self.fill[column] = max(self.fill.get(column, 0), fill)
        return self.categories.setdefault(column, [])


def _labels(df: pd.DataFrame) -> dict[str, Any]:
    from ..kernel.frames import column_labels

    return column_labels(df)


def _position(kind: str, label: Any) -> float | None:
    """A bin edge (or a range bound) as the float the codes compare: numbers, or ns for datetimes."""
    if label is None or isinstance(label, bool):
        return None
    if kind == "datetime":
        try:
            ts = pd.Timestamp(label)
        except (TypeError, ValueError):
            return None
        return None if ts is pd.NaT else float(ts.value)
    if isinstance(label, (int, float)) and np.isfinite(label):
        return float(label)
    return None


def _datetime_label(position: float) -> str:
    from ..kernel.frames import json_value

    return str(json_value(pd.Timestamp(int(position))))


def _add_edges(needs: _Needs, column: str, kind: str, labels: Sequence[Any]) -> None:
    slot = needs.bins(column)
    for label in labels:
        pos = _position(kind, label)
        if pos is not None:
            slot.setdefault(pos, label if kind != "datetime" else _datetime_label(pos))


def _add_categories(needs: _Needs, column: str, values: Sequence[Any], fill: int) -> None:
    cats = needs.cats(column, fill)
    seen = set(cats)  # values of "in" clauses can be many (32 clauses of 1,000): no list scans
    for v in values:
        if v is None:
            continue
        text = "True" if v is True else "False" if v is False else str(v)
        if text not in seen:
            seen.add(text)
            cats.append(text)


def _kind(df: pd.DataFrame, column: str) -> str | None:
    from ..kernel.frames import column_kind

    labels = _labels(df)
    if column not in labels:
        return None
    series = df[labels[column]]
    return column_kind(series) if isinstance(series, pd.Series) else None


def _filter_columns(payloads: Sequence[dict[str, Any]]) -> tuple[dict[str, list[Any]], dict[str, list[Any]], set[str]]:
    """Columns a filter can be set on in the page, with the bounds and values of the exported states;
    and the group-by columns."""
    ranges: dict[str, list[Any]] = {}
    values: dict[str, list[Any]] = {}
    groups: set[str] = set()
    for p in payloads:
        spec = p.get("spec") or {}
        state = spec.get("state") or {}
        for clause in state.get("filter") or []:
            column = clause.get("column")
            if not isinstance(column, str):
                continue
            if clause.get("op") == "range":
                ranges.setdefault(column, []).extend([clause.get("min"), clause.get("max")])
            elif clause.get("op") == "in":
                values.setdefault(column, []).extend(clause.get("values") or [])
        group = (state.get("groups") or {}).get("column")
        if isinstance(group, str):
            groups.add(group)
        if spec.get("component") == "distribution":
            data = p.get("data") or {}
            column = data.get("column")
            if isinstance(column, str):
                if data.get("kind") in ("numeric", "datetime"):
                    ranges.setdefault(column, []).extend(data.get("edges") or [])
                else:
                    values.setdefault(column, []).extend(data.get("categories") or [])
            if isinstance(data.get("by"), str):
                groups.add(data["by"])
    return ranges, values, groups


def _frame_of(namespace: dict[str, Any], name: Any, fingerprint: Any) -> tuple[Any, pd.DataFrame]:
    """The object a view's variable names (checked unchanged since the view) and its frame."""
    from ..kernel.analysis import RequestError, _as_frame, _fingerprint, _lookup
    from ..kernel.catalog import CatalogOptions

    options = CatalogOptions()
    try:
        value = _lookup(namespace, name, options)
        frame = _as_frame(str(name), value)
    except RequestError as exc:
        raise CubeError(str(exc)) from None
    if fingerprint is not None and _fingerprint(value, options) != fingerprint:
        raise CubeError(f"{name} changed after the view was computed")
    return value, frame


def _scored(namespace: dict[str, Any], spec: dict[str, Any]) -> Any:
    from ..components.base import ParamError
    from ..components.confusion import scored_for
    from ..components.registry import load_components
    from ..kernel.analysis import RequestError, _lookup, _prepare
    from ..kernel.catalog import CatalogOptions

    component = load_components()["confusion"]
    variables = list(spec.get("variables") or [])
    try:
        objects = [_prepare(component, v, _lookup(namespace, v, CatalogOptions())) for v in variables]
        params = component.check_params(spec.get("params"))
        params["_variables"] = variables
        return scored_for(objects, params)
    except (RequestError, ParamError) as exc:
        raise CubeError(str(exc)) from None


def _frame_key(namespace: dict[str, Any], variables: Sequence[Any], frame: pd.DataFrame) -> str | None:
    """The variable whose frame has exactly these rows (a confusion's features), if any."""
    for name in variables[1:]:
        value = namespace.get(name) if isinstance(name, str) else None
        if isinstance(value, pd.DataFrame) and len(value) == len(frame) and value.index.equals(frame.index):
            return str(name)
    return None


def _note_view(needs: _Needs, component: str, data: dict[str, Any]) -> None:
    """Record what a view draws from its frame."""
    df = needs.frame
    if component == "distribution":
        column = data.get("column")
        if not isinstance(column, str) or _kind(df, column) is None:
            raise CubeError(f"no column {column!r} in this frame")
        if data.get("kind") in ("numeric", "datetime"):
            _add_edges(needs, column, str(data.get("kind")), data.get("edges") or [])
        else:
            _add_categories(needs, column, data.get("categories") or [], FILTER_CATEGORIES)
        by = data.get("by")
        if isinstance(by, str) and _kind(df, by) is not None:
            _add_categories(needs, by, [s.get("group") for s in data.get("series") or []], FILTER_CATEGORIES)
    elif component == "summary":
        for col in data.get("columns") or []:
            name = col.get("name")
            if not isinstance(name, str) or _kind(df, name) is None:
                continue
            if isinstance(col.get("histogram"), dict):
                _add_edges(needs, name, "numeric", col["histogram"].get("edges") or [])
            elif col.get("top") is not None or col.get("kind") in ("text", "categorical", "boolean"):
                _add_categories(needs, name, [t.get("value") for t in col.get("top") or []], SUMMARY_CATEGORIES)
            else:
                needs.presence.add(name)
    elif component == "missing":
        for col in data.get("columns") or []:
            if isinstance(col.get("name"), str) and _kind(df, col["name"]) is not None:
                needs.presence.add(col["name"])


def _bins_codes(series: pd.Series, kind: str, positions: np.ndarray) -> tuple[np.ndarray, int]:
    if kind == "datetime":
        raw = series.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
        values = raw.astype("int64").astype(float)
        values[np.isnat(raw)] = np.nan
    else:
        values = series.to_numpy(dtype=float, na_value=np.nan)
    below = np.searchsorted(positions, values, side="left")  # edges strictly below the value
    eq = np.zeros(len(values), dtype=bool)
    inside = below < len(positions)
    eq[inside] = positions[below[inside]] == values[inside]
    codes = 1 + 2 * below + eq
    codes[np.isnan(values)] = 0
    return codes, 2 * len(positions) + 1


def _texts(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's value as text (the text ``astype("string")`` gives, which the kernel's "in" clauses compare),
    as a code (-1 missing) into the distinct texts, without converting every row (``frames.text_codes``)."""
    from ..kernel.frames import text_codes

    codes, names = text_codes(series)
    return codes, [str(v) for v in names]


def _category_codes(texts: tuple[np.ndarray, list[str]], categories: list[str]) -> np.ndarray:
    """0 missing, 1 another value, 2 + i the i-th category (``texts``: ``_texts`` of the column)."""
    codes, names = texts
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([2 + position[t] if t in position else 1 for t in names] + [0], dtype=np.int64)
    return lookup[codes]  # -1 (missing) takes the last entry, 0


def _pack(codes: np.ndarray, top: int) -> tuple[str, str]:
    dtype = np.uint8 if top <= 0xFF else np.uint16
    if top > 0xFFFF:
        raise CubeError("too many bins or categories to encode")
    array = np.ascontiguousarray(codes.astype(dtype).astype(np.dtype(dtype).newbyteorder("<")))
    return base64.b64encode(array.tobytes()).decode("ascii"), np.dtype(dtype).name


class _Frame:
    """The fields of one frame, before the rows are chosen."""

    def __init__(self, name: str, needs: _Needs) -> None:
        self.name = name
        self.needs = needs
        self.fields: list[tuple[dict[str, Any], np.ndarray, int]] = []  # (description, codes, top code)
        self._build()

    def _build(self) -> None:
        df = self.needs.frame
        labels = _labels(df)
        done: set[str] = set()
        for column, edges in self.needs.edges.items():
            kind = _kind(df, column)
            if kind not in ("numeric", "datetime"):
                continue
            order = sorted(edges)
            codes, top = _bins_codes(df[labels[column]], kind, np.asarray(order, dtype=float))
            self.fields.append(({"column": column, "type": "bins", "kind": kind, "edges": [edges[p] for p in order]}, codes, top))
            done.add(column)
        for column, shown in self.needs.categories.items():
            if column not in labels:
                continue
            texts = _texts(df[labels[column]])
            counts = np.bincount(texts[0][texts[0] >= 0], minlength=len(texts[1]))
            cats = list(shown)
            taken = set(cats)
            limit = max(self.needs.fill.get(column, FILTER_CATEGORIES), len(shown))
            for j in np.argsort(-counts, kind="stable"):  # the most common first (ties: first seen)
                if len(cats) >= limit or counts[j] == 0:
                    break
                if texts[1][j] not in taken:
                    taken.add(texts[1][j])
                    cats.append(texts[1][j])
            present = {t for t, n in zip(texts[1], counts) if n > 0}
            other = len(present) - sum(1 for c in cats if c in present)
            codes = _category_codes(texts, cats)
            self.fields.append(
                ({"column": column, "type": "categories", "kind": _kind(df, column), "categories": cats, "other": other},
                 codes, len(cats) + 1)
            )
            done.add(column)
        for column in sorted(self.needs.presence - done):
            if column not in labels:
                continue
            missing = df[labels[column]].isna().to_numpy()
            self.fields.append(({"column": column, "type": "categories", "kind": _kind(df, column), "categories": [],
                                 "other": None}, np.where(missing, 0, 1), 1))
        for model in self.needs.models:
            for role in ("true", "pred"):
                codes = np.asarray(model[role], dtype=np.int64) + 1  # -1 (missing) becomes 0
                self.fields.append(({"column": None, "type": "classes", "model": model["id"], "role": role},
                                    codes, len(model["classes"])))

    def row_bytes(self) -> int:
        return sum(1 if top <= 0xFF else 2 for _, _, top in self.fields)

    def encode(self, budget: int) -> dict[str, Any]:
        df = self.needs.frame
        n = len(df)
        per_row = max(1, self.row_bytes())
        keep = min(n, max(1, budget // per_row))
        positions = None
        if keep < n:
            positions = np.sort(np.random.default_rng(SAMPLE_SEED).choice(n, size=keep, replace=False))
        fields = []
        for desc, codes, top in self.fields:
            chosen = codes if positions is None else codes[positions]
            text, dtype = _pack(chosen, top)
            fields.append({**desc, "dtype": dtype, "codes": text})
        return {
            "name": self.name,
            "rows": int(n),
            "sample_rows": int(keep),
            "sampled": bool(positions is not None),
            "seed": SAMPLE_SEED if positions is not None else None,
            "columns": list(_labels(df))[:5000],
            "fields": fields,
            "models": [
                {"id": m["id"], "view": m["view"], "classes": m["classes"], "label": m["label"], "prediction": m["prediction"],
                 "variables": m["variables"]}
                for m in self.needs.models
            ],
        }


def build_offline(
    payloads: Sequence[dict[str, Any]], namespaces: Sequence[dict[str, Any] | None], budget: int = DEFAULT_BUDGET
) -> dict[str, Any]:
    """The page's ``offline`` block for these payloads (each with the namespace its variables live in, or
    None): the frames' codes, and for each view the frame it is computed on again or why it is not."""
    from ..components.confusion import class_label

    ranges, values, groups = _filter_columns(payloads)
    frames: dict[str, _Needs] = {}
    owners: dict[str, Any] = {}  # key -> the object its frame was made of (two show() calls may name two objects alike)
    views: list[dict[str, Any]] = []

    def key_for(name: str, value: Any) -> str:
        key, n = name, 1
        while key in owners and owners[key] is not value:
            n += 1
            key = f"{name} ({n})"
        owners[key] = value
        return key

    for i, (payload, namespace) in enumerate(zip(payloads, namespaces)):
        spec = payload.get("spec") or {}
        component = spec.get("component")
        variables = list(spec.get("variables") or [])
        if component not in RECOMPUTED:
            views.append({"frame": None, "reason": "this view is not computed again offline"})
            continue
        if namespace is None:
            views.append({"frame": None, "reason": "the view's data was exported without its frame"})
            continue
        try:
            fingerprints = payload.get("fingerprints") or []
            if component == "confusion":
                scored = _scored(namespace, spec)
                if scored.task != "classifier" or scored.true_codes is None:
                    raise CubeError("only a classifier's confusion matrix is computed again offline")
                near = _frame_key(namespace, variables, scored.frame)
                key = key_for(near, namespace[near]) if near else key_for(f"{component}:{','.join(map(str, variables))}", scored)
                needs = frames.get(key) or _Needs(namespace[near] if near else scored.frame)
                model_id = f"m{i}"
                needs.models.append({
                    "id": model_id, "view": i, "classes": [class_label(c) for c in scored.classes],
                    "label": scored.label_name, "prediction": scored.prediction_name, "variables": variables,
                    "true": scored.true_codes, "pred": scored.pred_codes,
                })
                frames[key] = needs
                views.append({"frame": key, "model": model_id})
                continue
            name = variables[0] if variables else None
            value, frame = _frame_of(namespace, name, fingerprints[0] if fingerprints else None)
            key = key_for(str(name), value)
            needs = frames.get(key) or _Needs(frame)
            _note_view(needs, str(component), payload.get("data") or {})
            frames[key] = needs
            views.append({"frame": key})
        except CubeError as exc:
            views.append({"frame": None, "reason": str(exc)[:300]})
        except Exception as exc:  # an object pandas cannot bin: the view keeps its data, the export goes on
            views.append({"frame": None, "reason": f"its frame could not be encoded ({_safe(exc)})"})
    # Every frame carries the columns a filter can be set on (and the group-bys), when it has them.
    for needs in frames.values():
        df = needs.frame
        for column, bounds in ranges.items():
            kind = _kind(df, column)
            if kind in ("numeric", "datetime"):
                _add_edges(needs, column, kind, bounds)
        for column, vals in values.items():
            if _kind(df, column) is not None:
                _add_categories(needs, column, vals, FILTER_CATEGORIES)
        for column in groups:
            if _kind(df, column) is not None:
                _add_categories(needs, column, [], FILTER_CATEGORIES)
    built: dict[str, _Frame] = {}
    for key, needs in frames.items():
        try:
            built[key] = _Frame(key, needs)
        except Exception as exc:  # as above: say so on the views of that frame
            for view in views:
                if view.get("frame") == key:
                    view.clear()
                    view.update(frame=None, reason=f"its frame could not be encoded ({_safe(exc)})")
    total = sum(f.row_bytes() * len(f.needs.frame) for f in built.values()) or 1
    out_frames = []
    for key, frame in built.items():
        # Each frame gets the budget in proportion to what it would cost whole.
        share = budget if total <= budget else int(budget * frame.row_bytes() * len(frame.needs.frame) / total)
        out_frames.append(frame.encode(share))
    return {"version": 1, "frames": out_frames, "views": views}


#: the most views one request of the export route may ask codes for (the route's own limit)
MAX_REQUEST_VIEWS = 50
#: the largest budget a request may ask for (the page must stay a file a browser opens)
MAX_BUDGET = 64 * 1024 * 1024


def codes_for_request(namespace: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The kernel end of the export route (op ``export_codes``): the same ``build_offline`` as ``export()``,
    for views described by the server: ``{"views": [{spec, data, fingerprints}], "budget": bytes}``, where
    ``data`` holds what the codes are made from (bin edges, categories shown: export.offline_hints).
    Names are looked up in the namespace (never evaluated); a view whose variable is gone, changed or
    cannot be encoded gets a reason, as in ``export()``. A request of the wrong shape gets an error."""
    from .bundle import PinError, check_spec, jsonable
    from .export import offline_hints

    views = request.get("views")
    if not isinstance(views, list) or not 1 <= len(views) <= MAX_REQUEST_VIEWS:
        return {"error": f"views must be a list of 1 to {MAX_REQUEST_VIEWS} views", "error_kind": "params"}
    budget = request.get("budget")
    if type(budget) is not int or not 1 <= budget <= MAX_BUDGET:
        return {"error": f"budget must be a number of bytes from 1 to {MAX_BUDGET}", "error_kind": "params"}
    payloads: list[dict[str, Any]] = []
    for i, view in enumerate(views):
        if not isinstance(view, dict) or not isinstance(view.get("data"), dict):
            return {"error": f"view {i}: needs a spec and a data object", "error_kind": "params"}
        try:
            spec = check_spec(view.get("spec"))
        except PinError as exc:
            return {"error": f"view {i}: {exc}", "error_kind": "params"}
        fingerprints = view.get("fingerprints")
        if fingerprints is not None and not (
            isinstance(fingerprints, list) and all(f is None or isinstance(f, str) for f in fingerprints)
        ):
            return {"error": f"view {i}: fingerprints must be a list of strings", "error_kind": "params"}
        # Only what codes are made from, bounded (the server sends no more; a request is data, checked here too).
        data = offline_hints(spec["component"], view["data"])
        payloads.append({"spec": spec, "data": data, "fingerprints": fingerprints})
    return {"offline": jsonable(build_offline(payloads, [namespace] * len(payloads), budget))}
