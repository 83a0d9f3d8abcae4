"""``symphony_lab.export(views, "report.html")``: one self-contained HTML file of views, interactive offline.

The page carries the views' payloads (spec, aggregated data, provenance) as JSON in a
``<script type="application/json">``, the renderers of the lab extension bundled into one script
(``static/standalone.js``, built by ``jlpm build:standalone`` from src/pins/standalone.tsx) and our styles
with a light theme's variables, all inline: it makes no request when opened. Before the script runs (or
without scripts), the static HTML of each view is what shows.
"""

from __future__ import annotations

import html
import json
import os
import warnings
from pathlib import Path
from typing import Any, Iterable

from .bundle import PinError, jsonable
from .static import render_html

STATIC = Path(__file__).parent / "static"
#: bytes of offline codes, over every frame of a page, before rows are sampled (cube.py)
DEFAULT_BUDGET = 2 * 1024 * 1024

#: the JupyterLab theme variables our styles use, with light values of our choosing
THEME = """
:root {
  --jp-ui-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  --jp-code-font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  --jp-ui-font-size0: 11px; --jp-ui-font-size1: 13px; --jp-ui-font-size2: 15px; --jp-code-font-size: 13px;
  --jp-ui-font-color0: #000000; --jp-ui-font-color1: #1f1f1f; --jp-ui-font-color2: #5f5f5f;
  --jp-ui-font-color3: #8a8a8a; --jp-ui-inverse-font-color0: #ffffff; --jp-ui-inverse-font-color1: #f5f5f5;
  --jp-content-font-color0: #000000; --jp-content-font-color1: #1f1f1f; --jp-content-link-color: #1565c0;
  --jp-layout-color0: #ffffff; --jp-layout-color1: #ffffff; --jp-layout-color2: #eeeeee; --jp-layout-color3: #bdbdbd;
  --jp-border-color0: #a0a0a0; --jp-border-color1: #bdbdbd; --jp-border-color2: #e0e0e0; --jp-border-color3: #eeeeee;
  --jp-border-width: 1px; --jp-border-radius: 2px;
  --jp-brand-color0: #0d47a1; --jp-brand-color1: #1976d2; --jp-brand-color2: #64b5f6; --jp-brand-color3: #bbdefb;
  --jp-accent-color1: #388e3c; --jp-warn-color0: #e65100; --jp-warn-color1: #f57c00; --jp-warn-color3: #ffe0b2;
  --jp-error-color1: #d32f2f; --jp-error-color2: #e57373; --jp-success-color1: #388e3c; --jp-info-color1: #0097a7;
  --jp-input-background: #f5f5f5; --jp-input-border-color: #bdbdbd;
  --jp-elevation-z2: 0 1px 3px rgba(0, 0, 0, 0.2);
}
body { margin: 0; padding: 16px 24px; background: var(--jp-layout-color0); color: var(--jp-ui-font-color1);
  font-family: var(--jp-ui-font-family); font-size: var(--jp-ui-font-size1); }
.jp-SymphonyExport-header h1 { font-size: 18px; margin: 0 0 4px 0; }
.jp-SymphonyExport-header p { color: var(--jp-ui-font-color2); margin: 0 0 12px 0; }
"""


class ExportError(ValueError):
    """The views cannot be exported (nothing to export, the page's script was never built)."""


def _asset(name: str) -> str:
    path = STATIC / name
    if not path.is_file():
        raise ExportError(
            f"the dashboard's {name} is missing from the installed package (build the extension: jlpm build)"
        )
    return path.read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no "</", no "<!--", no U+2028/2029 breaking a line."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _inline_script(code: str) -> str:
    # A bundle never contains "</script" in practice; if it did, the page would break: make sure.
    return code.replace("</script", "<\\/script")


def _offline_text(offline: dict[str, Any] | None) -> str:
    """What the header says about filtering offline, and about samples (never a silent approximation)."""
    if not offline or not any(v.get("frame") is not None for v in offline.get("views") or []):
        text = ("Offline: the views show the data as exported; a filter or a selection made here is drawn, "
                "not computed again.")
        if offline and isinstance(offline.get("reason"), str):
            text += f" No codes of the rows were embedded: {html.escape(offline['reason'])}."
        return text
    text = ("Offline: a filter or a selection made here computes the summary, distribution, missing values and "
            "confusion views again from binned codes of the rows embedded in this page (bins as exported); "
            "other views keep the exported data.")
    for frame in offline.get("frames") or []:
        if frame.get("sampled"):
            text += (f" Counts of {html.escape(str(frame['name']))} are estimated from a sample of "
                     f"{frame['sample_rows']:,} of {frame['rows']:,} rows.")
    return text


def render_page(
    payloads: list[dict[str, Any]], title: str = "Symphony board", offline: dict[str, Any] | None = None
) -> str:
    """The page of these payloads (pin_payload's), as one string; ``offline``: cube.build_offline's codes."""
    if not payloads:
        raise ExportError("there is no view to export")
    script, css = _asset("standalone.js"), _asset("standalone.css")
    data: dict[str, Any] = {"version": 1, "views": payloads}
    if offline is not None:
        data["offline"] = offline
    fallback = "".join(
        render_html(p["spec"], p["data"], p["provenance"], p["title"], p["summary"]) for p in payloads
    )
    generated = payloads[0]["provenance"].get("pinned_at") or ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        # Nothing may be fetched: no connection, no image or font from elsewhere, only inline code.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:\">"
        f"<title>{html.escape(title)}</title><style>{THEME}\n{css}</style></head><body>"
        f"<header class=\"jp-SymphonyExport-header\"><h1>{html.escape(title)}</h1>"
        f"<p>{len(payloads)} view(s) exported by symphony-lab {html.escape(str(payloads[0]['provenance'].get('library_version')))}"
        f"{' at ' + html.escape(generated) if generated else ''}. {_offline_text(offline)}</p></header>"
        f"<main id=\"symphony-lab-app\">{fallback}</main>"
        f"<script type=\"application/json\" id=\"symphony-lab-data\">{_script_json(data)}</script>"
        f"<script>{_inline_script(script)}</script></body></html>\n"
    )


# -- the export route (the panel's Export button): the server asks the kernel for the codes ---------------


#: bounds of what a view's hints may hold (a distribution has at most 200 bins and shows 30 categories, a
#: summary at most a few top values): a request of more is cut, never a reason for the kernel to loop
MAX_HINT_EDGES = 1024
MAX_HINT_CATEGORIES = 256
MAX_HINT_COLUMNS = 500


def _list(value: Any, limit: int) -> list[Any]:
    return value[:limit] if isinstance(value, list) else []


def _hint_columns(columns: Any) -> list[dict[str, Any]]:
    out = []
    for col in _list(columns, MAX_HINT_COLUMNS):
        if not isinstance(col, dict):
            continue
        hint: dict[str, Any] = {"name": col.get("name"), "kind": col.get("kind")}
        if isinstance(col.get("histogram"), dict):
            hint["histogram"] = {"edges": _list(col["histogram"].get("edges"), MAX_HINT_EDGES)}
        if isinstance(col.get("top"), list):
            hint["top"] = [{"value": t.get("value")} for t in _list(col["top"], MAX_HINT_CATEGORIES) if isinstance(t, dict)]
        out.append(hint)
    return out


def offline_hints(component: str, data: Any) -> dict[str, Any]:
    """The part of a view's data that its offline codes are made from (cube.py's ``_note_view`` and
    ``_filter_columns`` read nothing else): bin edges and the categories the view shows. The route sends
    these to the kernel instead of the whole data (a table page, duplicate groups)."""
    if not isinstance(data, dict):
        return {}
    if component == "distribution":
        return {
            "column": data.get("column"), "kind": data.get("kind"), "edges": _list(data.get("edges"), MAX_HINT_EDGES),
            "categories": _list(data.get("categories"), MAX_HINT_CATEGORIES), "by": data.get("by"),
            "series": [{"group": s.get("group")} for s in _list(data.get("series"), MAX_HINT_CATEGORIES) if isinstance(s, dict)],
        }
    if component == "summary":
        return {"columns": _hint_columns(data.get("columns"))}
    if component == "missing":
        return {"columns": [{"name": c.get("name")} for c in _list(data.get("columns"), MAX_HINT_COLUMNS) if isinstance(c, dict)]}
    return {}


def codes_request(
    payloads: list[dict[str, Any]], fingerprints: list[list[str | None] | None], budget: int
) -> dict[str, Any]:
    """The kernel request (op ``export_codes``) for the codes of these payloads' frames: each view's spec,
    its offline hints and the fingerprints its data was computed with (a variable changed since is said)."""
    return {
        "op": "export_codes",
        "budget": budget,
        "views": [
            {"spec": p["spec"], "data": offline_hints(p["spec"]["component"], p["data"]), "fingerprints": f}
            for p, f in zip(payloads, fingerprints)
        ],
    }


def without_codes(reason: str, count: int) -> dict[str, Any]:
    """An ``offline`` block with no codes, saying why (the page's header and each filtered view say it)."""
    reason = reason.strip().rstrip(".")[:300]
    return {"version": 1, "frames": [], "views": [{"frame": None, "reason": reason}] * count, "reason": reason}


def _payloads_of(views: Any) -> list[dict[str, Any]]:
    return [p for p, _ in _sources_of(views)]


def _sources_of(views: Any) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The payloads of ``views``, each with the namespace its variables are looked up in (the widget's own,
    else the user's) for the offline codes."""
    from .show import SymphonyView, _user_namespace

    items: Iterable[Any] = views if isinstance(views, (list, tuple)) else [views]
    out: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for item in items:
        if isinstance(item, SymphonyView):
            out.extend((v, item._namespace) for v in item.views if "data" in v)
        elif isinstance(item, dict) and isinstance(item.get("views"), list):
            out.extend((v, _user_namespace()) for v in item["views"])
        elif isinstance(item, dict) and "spec" in item and "data" in item:
            out.append((item, _user_namespace()))
        else:
            raise TypeError("export() takes show() widgets, pinned payloads, or nothing for the board's views")
    return out


def _state_for_view(component: Any, variables: Any, params: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """The board's state as the panel computes one view with it (src/registry.ts ``stateForView``): the view
    that made the selection without it, and a distribution without the clauses on its own column (it draws
    that brush itself)."""
    state = dict(shared)
    selection = state.get("selection")
    if isinstance(selection, dict) and selection.get("component") == component and selection.get("variables") == variables:
        state.pop("selection", None)
    if component == "distribution" and isinstance(params.get("column"), str):
        state["filter"] = [c for c in state.get("filter") or [] if not (isinstance(c, dict) and c.get("column") == params["column"])]
    return state


def _board_payloads() -> list[dict[str, Any]]:
    """The views open on the board (as the kernel last heard of them), computed here with its state."""
    from ..kernel import board
    from .show import _user_namespace, compute_view

    state = board.snapshot()
    shared = {k: state[k] for k in ("filter", "selection", "groups") if state.get(k)}
    shared.setdefault("filter", [])
    namespace = _user_namespace()
    out, failed = [], []
    for view in state.get("views") or []:
        # The view's own parameters, as the board sent them (checked by the server); {} means the defaults.
        params = view.get("params") if isinstance(view.get("params"), dict) else {}
        spec = {"component": view.get("component"), "variables": view.get("variables"), "params": params,
                "state": _state_for_view(view.get("component"), view.get("variables"), params, shared)}
        try:
            payload = compute_view(namespace, spec)
        except PinError as exc:
            payload = {"error": str(exc)}
        if "data" in payload:
            out.append(payload)
        else:
            failed.append(f"{spec['component']} of {', '.join(map(str, spec['variables'] or []))}: {payload['error']}")
    if failed:
        # A view that cannot be computed here (a variable gone, a failing compute): say what was left out.
        warnings.warn("views left out of the export: " + "; ".join(failed), stacklevel=3)
    return out


def export(
    views: Any = None,
    path: str | os.PathLike[str] = "report.html",
    title: str | None = None,
    offline: bool = True,
    offline_budget: int | None = None,
) -> Path:
    """Write ``views`` (a show() widget, a list of them, or None / ``"board"`` for the views open on the board) as one
    self-contained HTML file at ``path``; returns the path written. With ``offline`` (the default), the page also
    carries binned codes of the views' frames (at most ``offline_budget`` bytes of codes, 2 MiB by default: beyond,
    a sample of rows, marked), so that filtering in the page computes the views again."""
    if views is None or views == "board":
        from .show import _user_namespace

        payloads = _board_payloads()
        namespaces: list[dict[str, Any] | None] = [_user_namespace()] * len(payloads)
    else:
        sources = _sources_of(views)
        payloads, namespaces = [p for p, _ in sources], [n for _, n in sources]
    if not payloads:
        raise ExportError("there is no view to export: open views on the board, or pass show() results")
    payloads = [jsonable(p) for p in payloads]
    for p in payloads:
        if not isinstance(p.get("spec"), dict) or "provenance" not in p:
            raise PinError("a view to export needs its spec and provenance (use show() results)")
    cube = None
    if offline:
        from .cube import DEFAULT_BUDGET, build_offline  # numpy and pandas: the kernel's side only

        cube = jsonable(build_offline(payloads, namespaces, DEFAULT_BUDGET if offline_budget is None else offline_budget))
    target = Path(path)
    target.write_text(render_page(payloads, title or "Symphony board", cube), encoding="utf-8")
    return target
