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
from .suggest import candidate_pairs, profiled, rank

Request = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
VIEW_CACHE_SIZE = 64
MAX_FILTER_CLAUSES = 32


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
        out.append({"component": view["component"][:100], "variables": names[:4]})
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
    return {"filter": clean}


class KernelAnalysis:
    def __init__(self, kernel_id: str, components: dict[str, Component], limits: dict[str, Any]) -> None:
        self.kernel_id = kernel_id
        self.components = components
        self.limits = limits
        self.state = AnalysisState()
        self.listeners: set[Callable[[dict[str, Any]], None]] = set()
        self._profiles: dict[str, dict[str, Any]] = {}  # fingerprint -> profile
        self._overlaps: dict[tuple[str, str], dict[str, Any] | None] = {}  # (fp a, fp b) -> overlap
        self._views: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.profiling = False

    def reset(self) -> None:
        self._profiles.clear()
        self._overlaps.clear()
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
        if not names and not pairs:
            return None
        return {"op": "profile", "names": names, "pairs": pairs, "limits": self.limits}

    def absorb(self, variables: list[dict[str, Any]], payload: dict[str, Any], pairs: list[list[str]]) -> None:
        """Store a profile reply (keyed by the fingerprints the kernel reported)."""
        by_name = {v["name"]: v for v in variables}
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
        key = json.dumps([component.name, fingerprints, params, state, encoding], sort_keys=True)
        request = {"op": "compute", "component": component.name, "variables": names, "params": params, "state": state,
                   "encoding": encoding}
        cached = self._views.get(key)
        if cached is not None:
            self._views.move_to_end(key)
        return key, request, cached

    def store_view(self, key: str, result: dict[str, Any]) -> None:
        self._views[key] = result
        while len(self._views) > VIEW_CACHE_SIZE:
            self._views.popitem(last=False)
