"""Kernel end of the analysis requests: profiles of frames and the data of one view.

Variable names and component names arrive as data in the request; names are validated and looked up
in the namespace, components are looked up in the registry of installed components.
"""

from __future__ import annotations

import keyword
import sys
import time
from typing import Any

from .catalog import CatalogOptions, _Classifier, _hidden_by_ipython
from .safe import interrupted as _interrupted
from .safe import safe_message

PAIRING_SAMPLE_ROWS = 200_000
DEFAULT_LIMITS = {"max_rows": 200_000, "hash_max_rows": 2_000_000, "time_budget_ms": 2_000.0}
_LABEL_VARIABLE_PREFIXES = ("y_", "labels", "target")


class RequestError(Exception):
    """A request that names something missing or of the wrong kind; ``kind`` tells the server's status."""

    def __init__(self, message: str, kind: str = "params") -> None:
        super().__init__(message)
        self.kind = kind




def _valid(name: Any) -> bool:
    return type(name) is str and name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _lookup(namespace: dict[str, Any], name: Any, options: CatalogOptions) -> Any:
    if not _valid(name):
        raise RequestError("variable names must be Python identifiers")
    if name not in namespace or _hidden_by_ipython(name, namespace[name]) or options.is_hidden(name):
        raise RequestError(f"the kernel holds no variable {name}", "missing")
    return namespace[name]


def _as_frame(name: str, value: Any) -> Any:
    """A pandas DataFrame for a pandas DataFrame or Series; RequestError for anything else."""
    pd = sys.modules.get("pandas")
    if pd is None:
        raise RequestError(f"{name} is not a pandas DataFrame or Series")
    mro = type.__getattribute__(type(value), "__mro__")
    if any(b is pd.DataFrame for b in mro):
        return value
    if any(b is pd.Series for b in mro):
        label = value.name if value.name is not None else name
        return value.to_frame(name=label)
    raise RequestError(f"{name} is not a pandas DataFrame or Series")


def _fingerprint(value: Any, options: CatalogOptions) -> str | None:
    describer = _Classifier().describer(type(value))
    if describer is None:
        return None
    try:
        return describer(value, options.limits()).get("fingerprint")
    except Exception:
        return None


def _limits(request: dict[str, Any]) -> dict[str, Any]:
    raw = request.get("limits") if type(request.get("limits")) is dict else {}
    out = dict(DEFAULT_LIMITS)
    for key, default in DEFAULT_LIMITS.items():
        value = raw.get(key, default)
        if type(value) in (int, float) and value > 0:
            out[key] = type(default)(value)
    return out


def profile(namespace: dict[str, Any], request: dict[str, Any], options: CatalogOptions) -> dict[str, Any]:
    from .profile import overlap, profile_frame

    limits = _limits(request)
    deadline = time.perf_counter() + limits["time_budget_ms"] / 1000
    names = request.get("names") if type(request.get("names")) is list else []
    pairs = request.get("pairs") if type(request.get("pairs")) is list else []
    profiles: dict[str, Any] = {}
    overlaps: list[Any] = []
    skipped: list[str] = []
    for name in names[:200]:
        if time.perf_counter() > deadline:
            skipped.append(name)
            continue
        try:
            value = _lookup(namespace, name, options)
            frame = _as_frame(name, value)
            result = profile_frame(frame, limits["max_rows"], limits["hash_max_rows"])
            if frame is not value:  # a Series: its one column is a label when its name says so
                label = name.lower().startswith(_LABEL_VARIABLE_PREFIXES) or name.lower() == "y"
                for col in result["columns"]:
                    col["label_like"] = col["label_like"] or (label and bool(col.get("classes")))
            result["fingerprint"] = _fingerprint(value, options)
            profiles[name] = result
        except RequestError as exc:
            profiles[name] = {"error": str(exc)}
        except Exception as exc:
            profiles[name] = {"error": safe_message(exc)}
    for pair in pairs[:50]:
        if type(pair) is not list or len(pair) != 2 or time.perf_counter() > deadline:
            continue
        a_name, b_name = pair
        try:
            a = _as_frame(a_name, _lookup(namespace, a_name, options))
            b = _as_frame(b_name, _lookup(namespace, b_name, options))
            result = overlap(a, b, limits["hash_max_rows"])
        except Exception:
            continue
        if result is not None:
            result.update(_pair_profiles(b, a))
            overlaps.append([a_name, b_name, result])
    models = _profile_pairings(namespace, request, options, deadline, skipped)
    return {"profiles": profiles, "overlaps": overlaps, "models": models, "skipped": skipped}


def _pair_profiles(current: Any, reference: Any) -> dict[str, Any]:
    """What components that profile pairs of frames (``profiles_pairs``, e.g. drift) find, by name."""
    from ..components.registry import load_components

    out: dict[str, Any] = {}
    for component in load_components().values():
        if getattr(component, "profiles_pairs", False):
            try:
                out[component.name] = component.pair_profile(current, reference)
            except Exception as exc:
                if _interrupted(exc):
                    raise KeyboardInterrupt from None
    return out


def _profile_pairings(
    namespace: dict[str, Any], request: dict[str, Any], options: CatalogOptions, deadline: float, skipped: list[str]
) -> list[dict[str, Any]]:
    """What model components find about each pairing of a model with its data (for findings)."""
    from ..components.registry import load_components

    asks = request.get("models") if type(request.get("models")) is list else []
    components = load_components()
    out: list[dict[str, Any]] = []
    for ask in asks[:40]:
        if type(ask) is not dict:
            continue
        component = components.get(ask.get("component")) if type(ask.get("component")) is str else None
        names = ask.get("variables")
        if component is None or type(names) is not list:
            continue
        if time.perf_counter() > deadline:
            skipped.append(f"{component.name}:{','.join(str(n) for n in names)}")
            continue
        item: dict[str, Any] = {"component": component.name, "variables": names, "params": ask.get("params") or {}}
        try:
            values = [_lookup(namespace, n, options) for n in names]
            objects = [_prepare(component, n, v) for n, v in zip(names, values)]
            params = component.check_params(ask.get("params"))
            params["_variables"] = list(names)
            params["_fingerprint"] = lambda value: _fingerprint(value, options)  # predictions cached across components
            params["_sample_rows"] = PAIRING_SAMPLE_ROWS  # a model never scores more than this for findings
            item["result"] = component.profile_pairing(objects, params)
            item["fingerprints"] = [_fingerprint(v, options) for v in values]
        except Exception as exc:
            if _interrupted(exc):
                raise KeyboardInterrupt from None
            item["result"] = None
            item["error"] = safe_message(exc)
        out.append(item)
    return out


def compute(namespace: dict[str, Any], request: dict[str, Any], options: CatalogOptions) -> dict[str, Any]:
    from ..components.base import ParamError
    from ..components.registry import load_components

    name = request.get("component")
    components = load_components()
    if type(name) is not str or name not in components:
        return {"error": f"unknown component {name!r}"[:200], "error_kind": "params"}
    component = components[name]
    variables = request.get("variables")
    low, high = component.arity
    if type(variables) is not list or not low <= len(variables) <= high:
        return {"error": f"{name} takes {low} to {high} variables", "error_kind": "params"}
    selection_info: dict[str, Any] | None = None
    try:
        values = [_lookup(namespace, v, options) for v in variables]
        objects = [_prepare(component, v, value) for v, value in zip(variables, values)]
        params = component.check_params(request.get("params"))
        state = dict(request["state"]) if type(request.get("state")) is dict else {}
        state, selection_info = _with_selection(namespace, state, components, name, variables, options)
        params["_variables"] = list(variables)
        state["_fingerprint"] = lambda value: _fingerprint(value, options)
        data = component.compute(objects, params, state)
    except RequestError as exc:
        return {"error": str(exc), "error_kind": exc.kind}
    except ParamError as exc:
        return {"error": str(exc), "error_kind": "params"}
    except Exception as exc:  # a bug, or an object that breaks pandas: say what, never a traceback
        if _interrupted(exc):
            raise KeyboardInterrupt from None  # an interrupt wrapped by Python (e.g. in __set_name__)
        return {"error": f"{name} failed: {safe_message(exc)}", "error_kind": "internal"}
    return {
        "data": data,
        "fingerprints": [_fingerprint(v, options) for v in values],
        "selection": selection_info,
    }


def _prepare(component: Any, name: str, value: Any) -> Any:
    """What a component's compute/select gets for a variable: the object itself for components that take
    models and arrays (``raw_objects``), else a pandas DataFrame (a Series becomes a one-column frame)."""
    return value if getattr(component, "raw_objects", False) else _as_frame(name, value)


def _with_selection(
    namespace: dict[str, Any],
    state: dict[str, Any],
    components: dict[str, Any],
    name: str,
    variables: list[str],
    options: CatalogOptions,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The state a view is computed with: the board's selection resolved to index labels (``_selected``),
    except for the view that made it. Also what the view is told about the selection."""
    from .selection import SelectionError, is_source, resolve

    selection = state.pop("selection", None)
    if type(selection) is not dict:
        return state, None
    info: dict[str, Any] = {"label": str(selection.get("label") or "")[:200], "source": False}
    if is_source(selection, name, variables):
        info["source"] = True
        return state, info
    try:
        labels = resolve(
            selection,
            components,
            lambda n: _lookup(namespace, n, options),
            _prepare,
            lambda v: _fingerprint(v, options),
        )
    except (SelectionError, RequestError) as exc:
        info["error"] = str(exc)[:300]
        return state, info
    except Exception as exc:  # the selecting component failed: the view is computed without it
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        info["error"] = f"{selection.get('component')} could not select: {safe_message(exc)}"[:300]
        return state, info
    state["_selected"] = labels
    info["rows"] = int(len(labels))
    return state, info
