"""The component contract (Python side). One component = one idea, e.g. "duplicates".

A component says, by its ``name``:
- when it applies, from catalog entries and profiles (``suggest``; runs in the server, cheap, no data);
- its parameters (``params_schema``, a JSON schema checked before anything reaches a kernel);
- how its data is computed where the data lives (``compute``; runs in the kernel, on the objects).
The TypeScript side registers a renderer under the same name (see docs/components.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

Entry = dict[str, Any]
Profile = dict[str, Any]


@dataclass(frozen=True)
class Suggestion:
    component: str
    variables: tuple[str, ...]
    score: float  # 0..1, higher first
    reason: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "variables": list(self.variables),
            "score": round(self.score, 4),
            "reason": self.reason,
            "params": self.params,
        }


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str  # "high" | "medium" | "low"
    variables: tuple[str, ...]
    message: str
    component: str
    params: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "variables": list(self.variables),
            "message": self.message,
            "component": self.component,
            "params": self.params,
            "evidence": self.evidence,
        }


@dataclass
class Context:
    """What a suggestion needs besides the entries: the profiles of frames (by variable name) and the
    overlaps between pairs of frames ((a, b) -> overlap), the pairings of models with their data, and what
    model components found about them."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    overlaps: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: models, features, labels and predictions that belong together (symphony_lab.pairing.Pairing)
    pairings: list[Any] = field(default_factory=list)
    #: (component, pairing variables) -> what that component's ``profile_pairing`` found in the kernel
    pairing_profiles: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)


class ParamError(ValueError):
    """A parameter that does not fit the component's schema; the message says which and why."""


class Component:
    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    arity: ClassVar[tuple[int, int]] = (1, 1)  # least and most variables the view takes
    kinds: ClassVar[tuple[str, ...]] = ("dataframe",)
    params_schema: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}

    # -- server side ----------------------------------------------------------------------------

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        """A suggestion for these entries (``arity`` of them), or None when it does not fit."""
        return None

    def findings(self, entries: Sequence[Entry], context: Context) -> list[Finding]:
        """Proactive findings this component can show, with the numbers that back them."""
        return []

    def check_params(self, params: Any) -> dict[str, Any]:
        """Validate ``params`` against ``params_schema`` (a small JSON-schema subset); raise ParamError."""
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise ParamError("params must be an object")
        props = self.params_schema.get("properties", {})
        unknown = sorted(set(params) - set(props))
        if unknown:
            raise ParamError(f"unknown parameter {unknown[0]!r} for {self.name}; expected one of {sorted(props)}")
        out: dict[str, Any] = {}
        for key, spec in props.items():
            if key not in params:
                if "default" in spec:
                    out[key] = spec["default"]
                continue
            out[key] = _check_value(f"{self.name}.{key}", params[key], spec)
        return out

    # -- kernel side ----------------------------------------------------------------------------

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """The view's data, JSON-ready. ``state`` is the board's shared state: ``filter`` (clauses),
        ``groups`` (``{"column"}`` or absent), and private keys set by the kernel: ``_selected`` (index
        labels of the board's selection; ``kernel.frames.apply_filter`` applies both) and ``_fingerprint``
        (a function: object -> fingerprint, for caches). ``params`` carries the checked parameters and, in
        ``_variables``, the variables' names (also for ``select`` and ``profile_pairing``)."""
        raise NotImplementedError

    #: kinds of pairing (symphony_lab/pairing.py) this component takes: "model", "predictions"
    pairings: ClassVar[tuple[str, ...]] = ()
    #: whether ``profile_pairing`` runs in the kernel for every pairing (for findings)
    profiles_pairings: ClassVar[bool] = False

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        """A suggestion for a pairing of a model (or predictions) with its data, or None."""
        return None

    def pairing_findings(self, pairing: Any, context: Context) -> list[Finding]:
        """Findings for a pairing, from ``context.pairing_profiles[(self.name, pairing.variables)]``."""
        return []

    def profile_pairing(self, objects: Sequence[Any], params: dict[str, Any]) -> dict[str, Any] | None:
        """Kernel side, after every change of a pairing's variables while someone watches: a few numbers
        for findings (cheap: sample, and say so). The objects are as ``compute`` gets them."""
        return None

    #: whether ``pair_profile`` runs in the kernel for every pair of frames with the same columns
    profiles_pairs: ClassVar[bool] = False

    def pair_profile(self, current: Any, reference: Any) -> dict[str, Any] | None:
        """Kernel side, beside the overlap of two frames of the same columns (``current`` the smaller):
        a few numbers for suggestions and findings, found in ``context.overlaps[(reference, current)]``
        under the component's name. Cheap: sample, and say so."""
        return None

    def pair_findings(self, current: str, reference: str, context: Context) -> list[Finding]:
        """Findings for a pair of frames, from ``pair_profile``'s numbers."""
        return []

    #: compute/select get the variables' objects as they are (models, arrays, series) instead of frames
    raw_objects: ClassVar[bool] = False
    #: whether the view can select rows for the other views (``select``)
    selects: ClassVar[bool] = False

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """The rows a selection made in this component's view means (a confusion cell, a lasso polygon,
        a duplicate group): a boolean mask over the rows of ``objects[0]`` (as ``compute`` gets them, before
        any filter), or a ``pandas.Index`` of row labels. The kernel applies the labels to every other view."""
        raise ParamError(f"{self.name} makes no selections")

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "arity": self.arity,
            "kinds": list(self.kinds),
            "params_schema": self.params_schema,
            "selects": self.selects,
        }


def _check_value(where: str, value: Any, spec: dict[str, Any]) -> Any:
    types = spec.get("type")
    allowed = types if isinstance(types, list) else [types]
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if types is not None and not any(checks[t](value) for t in allowed if t in checks):
        raise ParamError(f"{where} must be of type {' or '.join(str(t) for t in allowed)}")
    if isinstance(value, str) and len(value) > spec.get("maxLength", 1000):
        raise ParamError(f"{where} is too long")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in spec and value < spec["minimum"]:
            raise ParamError(f"{where} must be at least {spec['minimum']}")
        if "maximum" in spec and value > spec["maximum"]:
            raise ParamError(f"{where} must be at most {spec['maximum']}")
    if "enum" in spec and value not in spec["enum"]:
        raise ParamError(f"{where} must be one of {spec['enum']}")
    return value
