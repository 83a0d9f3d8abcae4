"""``symphony_lab.show(obj, component=None, *others, **params)``: a view in a notebook cell, as an
ipywidgets 8 widget (``SymphonyView``) drawn by the lab extension with the same renderers as the side
panel. Its data is computed here, in the kernel, by the component's ``compute``; its output bundle also
carries our MIME type and the static fallbacks, so it reads without the extension or without widgets.

The widget's ``states`` (one board state per view) is written by the browser when the view is linked to
the panel's board (a brush, a selection there or in the widget); the views are computed again with it.
"""

from __future__ import annotations

import sys
from typing import Any

import ipywidgets as widgets
import traitlets

from .bundle import MIME_TYPE, PinError, clean_state, jsonable, make_bundle, now_iso, pin_payload, provenance

#: how many suggestions ``show(obj)`` without a component shows
TOP_SUGGESTIONS = 3
#: the version of the widget's model and view (the protocol between this class and src/pins/widget.tsx,
#: registered under the same number there), independent of the package's version
WIDGET_VERSION = "1.0.0"


def _user_namespace() -> dict[str, Any]:
    ipython = sys.modules.get("IPython")
    ip = ipython.get_ipython() if ipython is not None else None
    return ip.user_ns if ip is not None else vars(sys.modules["__main__"])


def _execution_count() -> int | None:
    ipython = sys.modules.get("IPython")
    ip = ipython.get_ipython() if ipython is not None else None
    count = getattr(ip, "execution_count", None)
    return int(count) if isinstance(count, int) else None


def name_of(obj: Any, namespace: dict[str, Any], taken: set[str]) -> str:
    """The name under which the user's namespace holds ``obj`` (by identity), else a fresh one."""
    for name, value in namespace.items():
        if value is obj and name.isidentifier() and not name.startswith("_") and name not in taken:
            return name
    base, i = "data", 1
    while (base if i == 1 else f"{base}_{i}") in taken or (base if i == 1 else f"{base}_{i}") in namespace:
        i += 1
    return base if i == 1 else f"{base}_{i}"


def _state(filter: Any = None, selection: Any = None, groups: Any = None) -> dict[str, Any]:
    """The state to compute with, checked like a browser's: ValueError says what is wrong."""
    state: dict[str, Any] = {"filter": filter if filter is not None else []}
    if selection is not None:
        state["selection"] = selection
    if groups is not None:
        state["groups"] = groups
    try:
        return clean_state(state)
    except PinError as exc:
        raise ValueError(f"symphony_lab.show(): {exc}") from None


def compute_view(namespace: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """One view computed in this kernel: ``{spec, data, title, summary}`` or ``{spec, error}``."""
    from ..kernel.analysis import compute
    from ..kernel.catalog import CatalogOptions

    result = compute(namespace, {**spec, "state": dict(spec.get("state") or {})}, CatalogOptions())
    if "error" in result:
        return {"spec": jsonable(spec), "error": str(result["error"])}
    payload = pin_payload(spec, result["data"], provenance(pinned_at=now_iso(), execution_count=_execution_count()))
    payload["fingerprints"] = jsonable(result.get("fingerprints"))
    if result.get("selection"):
        payload["selection"] = jsonable(result["selection"])
    return payload


def suggest_for(namespace: dict[str, Any], name: str, limit: int = TOP_SUGGESTIONS) -> list[dict[str, Any]]:
    """The top suggestions (``{component, variables, params, reason}``) of the registry for the object the
    namespace holds under ``name``: the server's engine, on a catalog entry and profile made here."""
    from ..components.base import Context
    from ..components.registry import load_components
    from ..kernel.analysis import DEFAULT_LIMITS, _as_frame, _fingerprint
    from ..kernel.catalog import CatalogOptions, take_catalog
    from ..kernel.profile import profile_frame
    from ..pairing import find_pairings
    from ..suggest import profiled, rank

    options = CatalogOptions()
    catalog = take_catalog(namespace, options)
    variables = [v for v in catalog["variables"] if isinstance(v, dict) and v.get("kind") != "error"]
    entry = next((v for v in variables if v.get("name") == name), None)
    if entry is None:
        raise ValueError(f"symphony-lab does not know how to show a {type(namespace.get(name)).__name__}")
    context = Context()
    if profiled(entry):
        context.profiles[name] = profile_frame(
            _as_frame(name, namespace[name]), DEFAULT_LIMITS["max_rows"], DEFAULT_LIMITS["hash_max_rows"]
        )
        context.profiles[name]["fingerprint"] = _fingerprint(namespace[name], options)
    context.pairings = [p for p in find_pairings(variables) if name in p.variables]
    suggestions, _ = rank([entry], context, load_components())
    return [s.to_json() for s in suggestions if name in s.variables][:limit]


class SymphonyView(widgets.DOMWidget):
    """Views of symphony-lab in a cell. ``views``: ``[{spec, data, title, summary, provenance} | {spec,
    error}]``; ``states``: the board states the browser asks the views to be computed with."""

    _model_name = traitlets.Unicode("SymphonyViewModel").tag(sync=True)
    _model_module = traitlets.Unicode("symphony-lab").tag(sync=True)
    _model_module_version = traitlets.Unicode(WIDGET_VERSION).tag(sync=True)
    _view_name = traitlets.Unicode("SymphonyViewView").tag(sync=True)
    _view_module = traitlets.Unicode("symphony-lab").tag(sync=True)
    _view_module_version = traitlets.Unicode(WIDGET_VERSION).tag(sync=True)

    views = traitlets.List(traitlets.Dict()).tag(sync=True)
    states = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, specs: list[dict[str, Any]], namespace: dict[str, Any], **kwargs: Any) -> None:
        self._namespace = namespace
        self._specs = [dict(s) for s in specs]
        super().__init__(
            views=[compute_view(namespace, s) for s in self._specs],
            states=[dict(s.get("state") or {"filter": []}) for s in self._specs],
            **kwargs,
        )

    @traitlets.observe("states")
    def _states_changed(self, change: dict[str, Any]) -> None:
        states = change["new"]
        if not isinstance(states, list) or len(states) != len(self._specs):
            return
        views = []
        for spec, state in zip(self._specs, states):
            # States come from a browser: checked as the server checks a board's.
            try:
                spec["state"] = clean_state(state)
                views.append(compute_view(self._namespace, spec))
            except PinError as exc:
                views.append({"spec": jsonable(spec), "error": str(exc)})
        self.views = views

    def _payload(self) -> dict[str, Any] | None:
        ready = [v for v in self.views if "data" in v]
        if not ready:
            return None
        return ready[0] if len(ready) == 1 else {"version": 1, "views": ready}

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
        payload = self._payload()
        if payload is None:
            errors = "; ".join(str(v.get("error")) for v in self.views)
            bundle["text/plain"] = f"symphony-lab: {errors}"
            return bundle
        parts = [make_bundle(v) for v in payload.get("views", [payload])]
        bundle[MIME_TYPE] = payload
        bundle["text/plain"] = "\n".join(p["text/plain"] for p in parts)
        bundle["text/html"] = "".join(p["text/html"] for p in parts)
        svg = next((p["image/svg+xml"] for p in parts if "image/svg+xml" in p), None)
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


def show(
    obj: Any,
    component: str | None = None,
    *others: Any,
    filter: list[dict[str, Any]] | None = None,
    selection: dict[str, Any] | None = None,
    groups: dict[str, Any] | None = None,
    **params: Any,
) -> SymphonyView:
    """Show a view of ``obj`` in the cell: ``show(df, "distribution", column="age")``; models with their
    data: ``show(model, "confusion", X_test, y_test)``. Without ``component``, the top suggestions for
    ``obj``. ``filter``, ``selection`` and ``groups`` are the board's state to compute with."""
    if component is not None and not isinstance(component, str):
        raise TypeError("component must be a component name, e.g. 'duplicates'")
    namespace = dict(_user_namespace())
    taken: set[str] = set()
    names = []
    for value in (obj, *others):
        name = name_of(value, namespace, taken)
        namespace[name] = value
        taken.add(name)
        names.append(name)
    state = _state(filter, selection, groups)
    if component is None:
        if others or params:
            raise TypeError("name a component to pass more objects or parameters")
        found = suggest_for(namespace, names[0])
        if not found:
            raise ValueError(f"no view is suggested for {names[0]}: name one, e.g. show({names[0]}, 'summary')")
        specs = [{"component": s["component"], "variables": s["variables"], "params": s["params"], "state": state} for s in found]
    else:
        from ..components.registry import load_components

        if component not in load_components():
            known = ", ".join(sorted(load_components()))
            raise ValueError(f"unknown component {component!r}; installed: {known}")
        specs = [{"component": component, "variables": names, "params": jsonable(params), "state": state}]
    return SymphonyView(specs, namespace)
