"""Server side of suggestions, findings and views for one kernel.

``KernelAnalysis`` keeps the profiles of the kernel's frames by fingerprint (so a frame is profiled once
per change, never per cell), the overlaps of candidate pairs, the ranked suggestions and findings, and a
small cache of computed views keyed by component, fingerprints, parameters and shared state.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from .components.base import Component, Context, ParamError
from .pairing import Pairing, find_pairings
from .suggest import candidate_pairs, profiled, rank

Request = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
VIEW_CACHE_SIZE = 64
MAX_FILTER_CLAUSES = 32
MAX_NAME = 200
MAX_SELECTION_BYTES = 64_000


class ViewError(Exception):
    """A view request that cannot be served; ``status`` is the HTTP status that fits."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class AnalysisState:
    status: str = "pending"  # pending | ok | error
    execution_count: int | None = None
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None

    def to_json(self, kernel_id: str) -> dict[str, Any]:
        return {
            "kernel_id": kernel_id,
            "status": self.status,
            "message": self.message,
            "execution_count": self.execution_count,
            "suggestions": self.suggestions,
            "findings": self.findings,
        }


def check_board(state: Any) -> dict[str, Any]:
    """A board state from a browser: the shared filter (as check_state) and the open views."""
    clean = check_state(state)
    views = state.get("views", []) if isinstance(state, dict) else []
    if not isinstance(views, list) or len(views) > 100:
        raise ParamError("state.views must be a list of at most 100 views")
    out = []
    for view in views:
        if not isinstance(view, dict) or not isinstance(view.get("component"), str):
            raise ParamError("each view needs a component name")
        names = view.get("variables")
        if not isinstance(names, list) or not all(isinstance(n, str) and n.isidentifier() for n in names):
            raise ParamError("a view's variables must be identifiers")
        ref: dict[str, Any] = {"component": view["component"][:100], "variables": names[:4]}
        if view.get("params") is not None:
            # The view's parameters, checked as a view request's (pins and export("board") use them).
            from .components.registry import load_components

            component = load_components().get(ref["component"])
            if component is None:
                raise ParamError(f"unknown component {ref['component']!r}")
            try:
                ref["params"] = component.check_params(view["params"])
            except ParamError as exc:
                raise ParamError(f"view {ref['component']} of {', '.join(ref['variables'])}: {exc}") from None
        out.append(ref)
    clean["views"] = out
    return clean


def check_state(state: Any) -> dict[str, Any]:
    """Validate the board's shared state as sent by a browser; raise ParamError with what is wrong."""
    if state is None:
        return {}
    if not isinstance(state, dict):
        raise ParamError("state must be an object")
    clauses = state.get("filter", [])
    if not isinstance(clauses, list) or len(clauses) > MAX_FILTER_CLAUSES:
        raise ParamError(f"state.filter must be a list of at most {MAX_FILTER_CLAUSES} clauses")
    clean = []
    for clause in clauses:
        if not isinstance(clause, dict) or not isinstance(clause.get("column"), str):
            raise ParamError("each filter clause needs a column name")
        op = clause.get("op")
        if op == "range":
            for key in ("min", "max"):
                if not isinstance(clause.get(key), (int, float, str, type(None))) or isinstance(clause.get(key), bool):
                    raise ParamError(f"a range clause's {key} must be a number, a date string or null")
            clean.append({"column": clause["column"], "op": "range", "min": clause.get("min"), "max": clause.get("max")})
        elif op == "in":
            values = clause.get("values")
            if not isinstance(values, list) or len(values) > 1000:
                raise ParamError("an 'in' clause needs a list of at most 1000 values")
            if not all(isinstance(v, (str, int, float, bool, type(None))) for v in values):
                raise ParamError("an 'in' clause's values must be strings, numbers, booleans or null")
            clean.append({"column": clause["column"], "op": "in", "values": values})
        else:
            raise ParamError("a filter clause's op must be 'range' or 'in'")
    out: dict[str, Any] = {"filter": clean}
    selection = check_selection(state.get("selection"))
    if selection is not None:
        out["selection"] = selection
    groups = state.get("groups")
    if groups is not None:
        if not isinstance(groups, dict) or not isinstance(groups.get("column"), str) or not groups["column"]:
            raise ParamError("state.groups must be null or {\"column\": <column name>}")
        out["groups"] = {"column": groups["column"][:MAX_NAME]}
    return out


def check_selection(selection: Any) -> dict[str, Any] | None:
    """A selection of rows made in one view: which component over which variables, with which parameters,
    and the component's own description of what was selected (``spec``: a confusion cell, a polygon, a
    duplicate group). The kernel asks that component which rows it means (``Component.select``)."""
    if selection is None:
        return None
    if not isinstance(selection, dict):
        raise ParamError("state.selection must be null or an object")
    component = selection.get("component")
    if not isinstance(component, str) or not component or len(component) > MAX_NAME:
        raise ParamError("state.selection.component must be a component name")
    names = selection.get("variables")
    if (
        not isinstance(names, list)
        or not 1 <= len(names) <= 4
        or not all(isinstance(n, str) and n.isidentifier() and not n.startswith("_") for n in names)
    ):
        raise ParamError("state.selection.variables must be 1 to 4 variable names (identifiers)")
    params = selection.get("params", {})
    spec = selection.get("spec")
    if not isinstance(params, dict) or not isinstance(spec, dict):
        raise ParamError("state.selection needs params and spec objects")
    if len(json.dumps(spec, default=str)) > MAX_SELECTION_BYTES:
        raise ParamError(f"state.selection.spec is over {MAX_SELECTION_BYTES:,} bytes")
    label = selection.get("label", "")
    if not isinstance(label, str):
        raise ParamError("state.selection.label must be a string")
    return {"component": component, "variables": list(names), "params": params, "spec": spec, "label": label[:200]}


class KernelAnalysis:
    def __init__(self, kernel_id: str, components: dict[str, Component], limits: dict[str, Any]) -> None:
        self.kernel_id = kernel_id
        self.components = components
        self.limits = limits
        self.state = AnalysisState()
        self.listeners: set[Callable[[dict[str, Any]], None]] = set()
        self._profiles: dict[str, dict[str, Any]] = {}  # fingerprint -> profile
        self._overlaps: dict[tuple[str, str], dict[str, Any] | None] = {}  # (fp a, fp b) -> overlap
        # (component, fingerprints, params) -> a model component's quick numbers for a pairing (or None)
        self._pairing_profiles: dict[str, dict[str, Any] | None] = {}
        self._views: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.profiling = False

    def reset(self) -> None:
        self._profiles.clear()
        self._overlaps.clear()
        self._pairing_profiles.clear()
        self._views.clear()
        self.state = AnalysisState()
        self._notify()

    def _notify(self) -> None:
        data = self.state.to_json(self.kernel_id)
        for listener in list(self.listeners):
            try:
                listener(data)
            except Exception:
                pass

    def snapshot(self) -> dict[str, Any]:
        return self.state.to_json(self.kernel_id)

    # -- profiles ---------------------------------------------------------------------------------

    def missing_work(self, variables: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The profile request still needed for this catalog, or None if everything is known."""
        names = [v["name"] for v in variables if profiled(v) and v.get("fingerprint") not in self._profiles]
        by_name = {v["name"]: v for v in variables}
        pairs = [
            [a, b]
            for a, b in candidate_pairs(variables)
            if (by_name[a]["fingerprint"], by_name[b]["fingerprint"]) not in self._overlaps
        ]
        models = [
            {"component": c, "variables": list(p.variables), "params": dict(p.params)}
            for p, c, key in self._pairing_work(variables)
            if key not in self._pairing_profiles
        ]
        if not names and not pairs and not models:
            return None
        return {"op": "profile", "names": names, "pairs": pairs, "models": models, "limits": self.limits}

    def _pairing_work(self, variables: list[dict[str, Any]]) -> list[tuple[Pairing, str, str]]:
        """(pairing, component, cache key) for every pairing a model component profiles."""
        by_name = {v["name"]: v for v in variables}
        out = []
        for pairing in find_pairings(variables):
            for component in self.components.values():
                if pairing.kind not in component.pairings or not component.profiles_pairings:
                    continue
                fingerprints = [by_name[n].get("fingerprint") for n in pairing.variables]
                key = json.dumps([component.name, fingerprints, pairing.params], sort_keys=True)
                out.append((pairing, component.name, key))
        return out

    def absorb(
        self,
        variables: list[dict[str, Any]],
        payload: dict[str, Any],
        pairs: list[list[str]],
    ) -> None:
        """Store a profile reply (keyed by the fingerprints the kernel reported)."""
        by_name = {v["name"]: v for v in variables}
        for item in payload.get("models") or []:
            if not isinstance(item, dict) or not all(n in by_name for n in item.get("variables") or []):
                continue
            fingerprints = item.get("fingerprints") or [by_name[n].get("fingerprint") for n in item["variables"]]
            key = json.dumps([item.get("component"), fingerprints, item.get("params") or {}], sort_keys=True)
            result = item.get("result")
            self._pairing_profiles[key] = result if isinstance(result, dict) else None
        # pairings asked for but not answered (the time budget ran out) are asked for again next time
        for name, profile in (payload.get("profiles") or {}).items():
            fingerprint = profile.get("fingerprint") if isinstance(profile, dict) else None
            if fingerprint and "error" not in profile:
                self._profiles[fingerprint] = profile
        for item in payload.get("overlaps") or []:
            a, b, overlap = item
            if a in by_name and b in by_name:
                self._overlaps[(by_name[a]["fingerprint"], by_name[b]["fingerprint"])] = overlap
        for a, b in pairs:  # asked for but not answered (too large, or the frames changed): do not ask again
            if a in by_name and b in by_name:
                self._overlaps.setdefault((by_name[a]["fingerprint"], by_name[b]["fingerprint"]), None)

    def update(self, variables: list[dict[str, Any]], execution_count: int | None) -> None:
        """Rank suggestions and findings for the catalog from what is known; notify if they changed."""
        context = Context()
        for v in variables:
            profile = self._profiles.get(v.get("fingerprint", ""))
            if profile is not None:
                context.profiles[v["name"]] = profile
        by_name = {v["name"]: v for v in variables}
        for a, b in candidate_pairs(variables):
            overlap = self._overlaps.get((by_name[a]["fingerprint"], by_name[b]["fingerprint"]))
            if overlap is not None:
                context.overlaps[(a, b)] = overlap
        context.pairings = find_pairings(variables)
        for pairing, component, key in self._pairing_work(variables):
            result = self._pairing_profiles.get(key)
            if result is not None:
                context.pairing_profiles[(component, pairing.variables)] = result
        suggestions, findings = rank(variables, context, self.components)
        new = AnalysisState(
            status="ok",
            execution_count=execution_count,
            suggestions=[s.to_json() for s in suggestions],
            findings=[f.to_json() for f in findings],
        )
        if (new.suggestions, new.findings, new.status) != (self.state.suggestions, self.state.findings, self.state.status):
            self.state = new
            self._notify()
        else:
            self.state.execution_count = execution_count
        live = {v["fingerprint"] for v in variables if "fingerprint" in v}
        for fp in [fp for fp in self._profiles if fp not in live]:
            del self._profiles[fp]
        wanted = {key for _, _, key in self._pairing_work(variables)}
        for key in [k for k in self._pairing_profiles if k not in wanted]:
            del self._pairing_profiles[key]

    # -- views ------------------------------------------------------------------------------------

    def view_request(
        self, body: Any, variables: list[dict[str, Any]], encoding: str = "json"
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Validate a view request; answer (cache key, kernel request, cached result or None).
        ``encoding`` is how the kernel should send the data (``json`` or ``arrow``), part of the key."""
        if not isinstance(body, dict):
            raise ViewError("the request body must be a JSON object", 400)
        name = body.get("component")
        component = self.components.get(name) if isinstance(name, str) else None
        if component is None:
            raise ViewError(f"unknown component {str(name)[:100]!r}; known: {sorted(self.components)}", 400)
        names = body.get("variables")
        low, high = component.arity
        if not isinstance(names, list) or not low <= len(names) <= high:
            raise ViewError(f"{component.name} takes {low} to {high} variable names", 400)
        if not all(isinstance(n, str) and n.isidentifier() and not n.startswith("_") for n in names):
            raise ViewError("variable names must be Python identifiers", 400)
        try:
            params = component.check_params(body.get("params"))
            state = check_state(body.get("state"))
        except ParamError as exc:
            raise ViewError(str(exc), 400) from None
        by_name = {v["name"]: v for v in variables}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise ViewError(f"the kernel holds no variable {missing[0]}", 404)
        fingerprints = [by_name[n].get("fingerprint") for n in names]
        selection = state.get("selection")
        if selection is not None:
            source = self.components.get(selection["component"])
            if source is None or not source.selects:
                raise ViewError(f"component {selection['component'][:100]!r} makes no selections", 400)
            try:
                selection["params"] = source.check_params(selection["params"])
            except ParamError as exc:
                raise ViewError(f"state.selection: {exc}", 400) from None
            # the rows a selection means change with its variables' data
            fingerprints += [by_name.get(n, {}).get("fingerprint") for n in selection["variables"]]
        key = json.dumps([component.name, fingerprints, params, state, encoding], sort_keys=True)
        request = {"op": "compute", "component": component.name, "variables": names, "params": params, "state": state,
                   "encoding": encoding}
        cached = self._views.get(key)
        if cached is not None:
            self._views.move_to_end(key)
        return key, request, cached

    def pairing_options(self, body: Any, variables: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """For a model view: the other pairings it could show (the same model with another split, or other
        labels and predictions), so the view can offer them; None for other views."""
        if not isinstance(body, dict) or not isinstance(body.get("variables"), list) or not body["variables"]:
            return None
        component = self.components.get(body.get("component")) if isinstance(body.get("component"), str) else None
        if component is None or not component.pairings:
            return None
        first = body["variables"][0]
        by_name = {v["name"]: v for v in variables}
        model_view = by_name.get(first, {}).get("kind") == "model"
        out = []
        for pairing in find_pairings(variables):
            if pairing.kind not in component.pairings:
                continue
            if model_view and (pairing.kind != "model" or pairing.variables[0] != first):
                continue
            if not model_view and pairing.kind != "predictions":
                continue
            out.append(pairing.to_json())
        return out

    def store_view(self, key: str, result: dict[str, Any]) -> None:
        self._views[key] = result
        while len(self._views) > VIEW_CACHE_SIZE:
            self._views.popitem(last=False)
