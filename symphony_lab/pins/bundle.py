"""A view as a notebook output bundle: our MIME type (spec + data snapshot + provenance) next to static
fallbacks (``text/html``, ``image/svg+xml`` for charts, ``text/plain``) that read anywhere.

The payload of ``application/vnd.symphony-lab.view+json``::

    {"version": 1,
     "spec": {"component", "variables", "params", "state": {"filter", "selection"?, "groups"?}},
     "data": <the component's compute() result: aggregates, JSON-safe>,
     "title": "Confusion matrix · m, X_test, y_test", "summary": "<the text/plain summary>",
     "provenance": {"pinned_by": {...} | null, "pinned_at": ISO-8601 | null,
                    "execution_count": int | null, "library_version": str},
     "annotations": [thread, ...]}   (only when the view has comment threads: notes.py)
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from .static import notes_text, render_html, render_svg, summary_text, svg_with_notes, view_title

MIME_TYPE = "application/vnd.symphony-lab.view+json"
PAYLOAD_VERSION = 1
#: the largest data snapshot a bundle carries (JSON bytes); views are aggregates, far below this
MAX_DATA_BYTES = 4 * 1024 * 1024


class PinError(ValueError):
    """A spec or a snapshot that cannot become a bundle; the message says why."""


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` as strict JSON: NaN and infinities become null, numpy scalars and arrays plain values,
    tuples lists, keys text. Anything else becomes its type name (never a repr of user data)."""
    if depth > 64:
        raise PinError("the view's data is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, depth + 1) for v in value]
    tolist = getattr(type(value), "tolist", None)
    module = type(value).__module__.split(".")[0]
    if tolist is not None and module == "numpy":
        return jsonable(value.tolist(), depth + 1)
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def clean_state(state: Any) -> dict[str, Any]:
    """A board state checked as the server checks a browser's (filter, selection, groups); PinError."""
    from ..analysis import check_state
    from ..components.base import ParamError

    try:
        clean = check_state(state if state is not None else {})
    except ParamError as exc:
        raise PinError(str(exc)) from None
    return {"filter": clean.get("filter", []), **{k: clean[k] for k in ("selection", "groups") if k in clean}}


def check_spec(spec: Any) -> dict[str, Any]:
    """A clean spec ``{component, variables, params, state}``; PinError when it is not one."""
    if not isinstance(spec, dict):
        raise PinError("spec must be an object")
    component = spec.get("component")
    if not isinstance(component, str) or not component or len(component) > 100:
        raise PinError("spec.component must be a component name")
    variables = spec.get("variables")
    if not isinstance(variables, list) or not 1 <= len(variables) <= 8 or not all(
        isinstance(v, str) and v.isidentifier() for v in variables
    ):
        raise PinError("spec.variables must be 1 to 8 Python identifiers")
    params = spec.get("params") if spec.get("params") is not None else {}
    if not isinstance(params, dict):
        raise PinError("spec.params must be an object")
    state = clean_state(spec.get("state"))
    return {
        "component": component,
        "variables": list(variables),
        "params": jsonable({k: v for k, v in params.items() if not str(k).startswith("_")}),
        "state": jsonable(state),
    }


def library_version() -> str:
    from .. import __version__

    return str(__version__)


def provenance(
    pinned_by: dict[str, Any] | None = None,
    pinned_at: str | None = None,
    execution_count: int | None = None,
) -> dict[str, Any]:
    """Who pinned (the server's identity of the user, or None when made in a kernel), when, after which
    execution, with which version of symphony-lab."""
    by = None
    if isinstance(pinned_by, dict):
        by = {k: str(pinned_by[k])[:200] for k in ("username", "name", "display_name") if pinned_by.get(k)}
    return {
        "pinned_by": by or None,
        "pinned_at": pinned_at,
        "execution_count": execution_count if isinstance(execution_count, int) and not isinstance(execution_count, bool) else None,
        "library_version": library_version(),
    }


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def pin_payload(
    spec: Any, data: Any, prov: dict[str, Any] | None = None, title: str | None = None,
    annotations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The payload of our MIME type; PinError for a bad spec or a snapshot over ``MAX_DATA_BYTES``.
    ``annotations``: the threads attached to the view (notes.threads_of), carried when there are any."""
    clean = check_spec(spec)
    snapshot = jsonable(data)
    size = len(json.dumps(snapshot, separators=(",", ":")))
    if size > MAX_DATA_BYTES:
        raise PinError(
            f"the view's data is {size // 1024} KiB, over the {MAX_DATA_BYTES // 1024} KiB a pin may carry; "
            "show fewer rows (a smaller page, fewer bins) and pin again"
        )
    payload = {
        "version": PAYLOAD_VERSION,
        "spec": clean,
        "data": snapshot,
        "title": title or view_title(clean),
        "summary": summary_text(clean, snapshot),
        "provenance": prov if prov is not None else provenance(),
    }
    if annotations:
        payload["annotations"] = jsonable(annotations)
    return payload


def make_bundle(payload: dict[str, Any]) -> dict[str, Any]:
    """The output bundle (MIME type -> value) of a payload: ours and the static fallbacks."""
    spec, data = payload["spec"], payload["data"]
    notes = payload.get("annotations")
    comments = notes_text(notes)
    bundle: dict[str, Any] = {
        MIME_TYPE: payload,
        "text/plain": payload["summary"] + ("\n\n" + comments if comments else ""),
        "text/html": render_html(spec, data, payload["provenance"], payload["title"], payload["summary"], notes),
    }
    svg = render_svg(spec, data)
    if svg is not None:
        bundle["image/svg+xml"] = svg_with_notes(svg, notes)
    return bundle


def output(bundle: dict[str, Any]) -> dict[str, Any]:
    """An nbformat 4 ``display_data`` output carrying ``bundle``."""
    return {"output_type": "display_data", "data": bundle, "metadata": {}}
