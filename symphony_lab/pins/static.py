"""Static fallbacks of a view: a short text summary, static HTML (inline, theme-independent styles) and an
SVG chart for the views that are charts. They are what GitHub, nbviewer, VS Code or a JupyterLab without
the extension show, so they use no script, no class from our CSS and no external resource.

They are drawn from the view's aggregated data (what ``compute()`` returned), never from rows of a frame.
Every value is escaped: column names and labels come from the user's data."""

from __future__ import annotations

import html
import math
from typing import Any, Callable

INK = "#1f1f1f"
MUTED = "#616161"
RULE = "#d0d0d0"
ACCENT = "#1565c0"
PALETTE = ("#1565c0", "#ef6c00", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#ad1457", "#4e342e")
MAX_TABLE_ROWS = 20
MAX_TABLE_COLUMNS = 12
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px"


def _esc(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value[:10]) + (f", … ({len(value)})" if len(value) > 10 else "")
    if isinstance(value, dict):
        return "{…}"
    return str(value)


def _number(value: float | int | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.{digits}g}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None


def component_title(name: str) -> str:
    try:
        from ..components.registry import load_components

        component = load_components().get(name)
    except Exception:
        component = None
    return (component.title if component is not None and component.title else name.replace("_", " ").capitalize())


def view_title(spec: dict[str, Any]) -> str:
    """"Distribution · df · age": the component's title, the variables, the main parameter."""
    parts = [component_title(spec["component"]), ", ".join(spec["variables"])]
    params = spec.get("params") or {}
    column = params.get("column")
    if isinstance(column, str):
        parts.append(column + (f" by {params['by']}" if isinstance(params.get("by"), str) else ""))
    return " · ".join(parts)


# -- text summaries ------------------------------------------------------------------------------------


def _rows(data: dict[str, Any]) -> str:
    rows, filtered = _num(data.get("rows")), _num(data.get("filtered_rows"))
    if rows is None:
        return ""
    if filtered is not None and filtered < rows:
        return f" ({_number(filtered)} of {_number(rows)} rows after the filter)"
    return f" ({_number(rows)} rows)"


def _summary_summary(spec: dict[str, Any], data: dict[str, Any]) -> str:
    cols = data.get("columns") if isinstance(data.get("columns"), list) else []
    missing = [c for c in cols if isinstance(c, dict) and (_num(c.get("missing")) or 0) > 0]
    total = data.get("columns_total", len(cols))
    return (
        f"Summary of {spec['variables'][0]}: {_number(_num(data.get('filtered_rows')) or _num(data.get('rows')))} rows × "
        f"{_number(_num(total))} columns; {len(missing)} column(s) with missing values."
    )


def _summary_distribution(spec: dict[str, Any], data: dict[str, Any]) -> str:
    column = data.get("column", (spec.get("params") or {}).get("column"))
    where = f"Distribution of {column} in {spec['variables'][0]}{_rows(data)}"
    edges = data.get("edges") if isinstance(data.get("edges"), list) else None
    series = data.get("series") if isinstance(data.get("series"), list) else []
    if edges and len(edges) >= 2:
        lo, hi = _num(edges[0]), _num(edges[-1])
        totals = _series_totals(series, len(edges) - 1)
        peak = max(range(len(totals)), key=lambda i: totals[i]) if totals else None
        text = f"{where}: from {_number(lo)} to {_number(hi)}"
        if peak is not None:
            text += f", most values between {_number(_num(edges[peak]))} and {_number(_num(edges[peak + 1]))}"
        return text + (f"; missing {_number(_num(data.get('missing')))}." if data.get("missing") else ".")
    categories = data.get("categories") if isinstance(data.get("categories"), list) else []
    totals = _series_totals(series, len(categories))
    top = sorted(zip(categories, totals), key=lambda t: -t[1])[:3]
    listed = ", ".join(f"{_text(c)} ({_number(n)})" for c, n in top)
    return f"{where}: {len(categories)} values shown; most frequent {listed}." if top else f"{where}."


def _series_totals(series: list[Any], n: int) -> list[float]:
    totals = [0.0] * n
    for s in series:
        counts = s.get("counts") if isinstance(s, dict) else None
        if isinstance(counts, list):
            for i, c in enumerate(counts[:n]):
                totals[i] += _num(c) or 0.0
    return totals


def _summary_confusion(spec: dict[str, Any], data: dict[str, Any]) -> str:
    names = spec["variables"]
    subject = f"{names[0]} on {names[1]}" if len(names) >= 2 else names[0]
    metrics = [
        f"{label} {_number(_num(data.get(key)))}"
        for key, label in (("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy"), ("macro_f1", "macro F1"))
        if _num(data.get(key)) is not None
    ]
    return f"Confusion matrix of {subject}{_rows(data)}: " + (", ".join(metrics) or "no labelled rows") + "."


def _summary_duplicates(spec: dict[str, Any], data: dict[str, Any]) -> str:
    names = spec["variables"]
    if data.get("mode") == "across" and len(names) >= 2:
        shared = _num(data.get("shared_rows")) or _num(data.get("rows_in_groups")) or 0
        return f"Duplicates across: {_number(shared)} rows of {names[0]} also appear in {names[1]}{_rows(data)}."
    return (
        f"Duplicates in {names[0]}{_rows(data)}: {_number(_num(data.get('rows_in_groups')) or 0)} rows appear more than once, "
        f"in {_number(_num(data.get('groups_total')) or 0)} groups ({_number(_num(data.get('extra_copies')) or 0)} extra copies)."
    )


def _summary_missing(spec: dict[str, Any], data: dict[str, Any]) -> str:
    cols = [c for c in data.get("columns") or [] if isinstance(c, dict) and (_num(c.get("missing")) or 0) > 0]
    rows = _num(data.get("filtered_rows")) or _num(data.get("rows")) or 0
    worst = max(cols, key=lambda c: _num(c.get("missing")) or 0) if cols else None
    text = f"Missing values in {spec['variables'][0]}: {_number(_num(data.get('complete_rows')))} of {_number(rows)} rows complete"
    if worst is not None:
        text += f"; most missing: {_text(worst.get('name'))} ({_number(_num(worst.get('missing')))})"
    return text + "."


def _summary_correlations(spec: dict[str, Any], data: dict[str, Any]) -> str:
    strongest = [s for s in data.get("strongest") or [] if isinstance(s, dict)][:3]
    pairs = ", ".join(f"{_text(s.get('a'))}–{_text(s.get('b'))} {_number(_num(s.get('value')))}" for s in strongest)
    return f"Correlations ({_text(data.get('method'))}) in {spec['variables'][0]}{_rows(data)}" + (f": strongest {pairs}." if pairs else ".")


def _summary_generic(spec: dict[str, Any], data: dict[str, Any]) -> str:
    facts = [
        f"{key.replace('_', ' ')} {_number(_num(value)) if _num(value) is not None else _text(value)}"
        for key, value in data.items()
        if isinstance(value, (int, float, str)) and not isinstance(value, bool) and key not in ("rows", "filtered_rows")
        and len(str(value)) < 60
    ][:5]
    head = f"{component_title(spec['component'])} of {', '.join(spec['variables'])}{_rows(data)}"
    return head + (": " + ", ".join(facts) + "." if facts else ".")


def _summary_drift(spec: dict[str, Any], data: dict[str, Any]) -> str:
    cols = [c for c in data.get("columns") or [] if isinstance(c, dict)]
    moved = [c for c in cols if c.get("significant")]
    names = spec["variables"]
    head = f"Drift of {names[0]} against {names[1] if len(names) > 1 else 'its reference'}"
    rows = f" ({_number(_num(data.get('filtered_current')))} and {_number(_num(data.get('filtered_reference')))} rows)"
    if not moved:
        return f"{head}{rows}: no column of {len(cols)} moved significantly."
    top = sorted(moved, key=lambda c: -(_num(c.get("statistic")) or 0))[:3]
    listed = ", ".join(f"{_text(c.get('column'))} ({_text(c.get('measure'))} {_number(_num(c.get('statistic')))})" for c in top)
    return f"{head}{rows}: {len(moved)} of {len(cols)} columns moved; most: {listed}."


def _summary_subgroups(spec: dict[str, Any], data: dict[str, Any]) -> str:
    overall = data.get("overall") if isinstance(data.get("overall"), dict) else {}
    metric = _text(data.get("metric"))
    worse = [s for s in data.get("slices") or [] if isinstance(s, dict) and s.get("significant")]
    text = f"Subgroups of {spec['variables'][0]} on {', '.join(spec['variables'][1:]) or 'its data'}{_rows(data)}: {metric} {_number(_num(overall.get('value')))} overall"
    if worse:
        w = worse[0]
        text += f"; {len(worse)} slice(s) significantly worse, e.g. {_text(w.get('label'))} ({metric} {_number(_num(w.get('value')))}, {_number(_num(w.get('n')))} rows)"
    return text + "."


def _summary_label_issues(spec: dict[str, Any], data: dict[str, Any]) -> str:
    return (
        f"Label issues of {_text(data.get('label'))} for {spec['variables'][0]}{_rows(data)}: "
        f"{_number(_num(data.get('issues_total')))} rows whose label the model doubts "
        f"({100 * (_num(data.get('fraction')) or 0):.1f}%, {_text(data.get('method')).replace('_', ' ')})."
    )


def _summary_embedding(spec: dict[str, Any], data: dict[str, Any]) -> str:
    color = data.get("color") if isinstance(data.get("color"), dict) else {}
    by = f", coloured by {_text(color.get('name'))}" if color.get("name") else ""
    return (
        f"Embedding map of {spec['variables'][0]}{_rows(data)}: {_text(data.get('method')).upper()} of "
        f"{_text(data.get('source'))}{by}."
    )


def _summary_outliers(spec: dict[str, Any], data: dict[str, Any]) -> str:
    rows = [o for o in data.get("outliers") or [] if isinstance(o, dict)]
    text = f"Outliers of {spec['variables'][0]}{_rows(data)}: {len(rows)} rows most unlike the others"
    if rows:
        text += f"; the first (index {_text(rows[0].get('index'))}) because of {_text((rows[0].get('because') or [])[:3])}"
    return text + "."


def _summary_model_card(spec: dict[str, Any], data: dict[str, Any]) -> str:
    kind = str(data.get("type") or "").rsplit(".", 1)[-1]
    splits = [s for s in data.get("splits") or [] if isinstance(s, dict) and _num(s.get("accuracy")) is not None]
    scores = ", ".join(f"accuracy {_number(_num(s.get('accuracy')))} on {_text(s.get('features'))}" for s in splits[:3])
    return f"Model card of {spec['variables'][0]}: {kind} ({_text(data.get('task'))}, {_number(_num(data.get('n_features')))} feature(s))" + (f"; {scores}." if scores else ".")


_SUMMARIES: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    "summary": _summary_summary,
    "distribution": _summary_distribution,
    "confusion": _summary_confusion,
    "duplicates": _summary_duplicates,
    "missing": _summary_missing,
    "correlations": _summary_correlations,
    "drift": _summary_drift,
    "subgroups": _summary_subgroups,
    "label_issues": _summary_label_issues,
    "embedding": _summary_embedding,
    "outliers": _summary_outliers,
    "model_card": _summary_model_card,
}


def summary_text(spec: dict[str, Any], data: Any) -> str:
    """A short text summary of the view, e.g. "Confusion matrix of m on X_test (200 rows): accuracy 0.95…"."""
    if not isinstance(data, dict):
        return f"{view_title(spec)} (no data)"
    try:
        text = _SUMMARIES.get(spec["component"], _summary_generic)(spec, data)
    except Exception:  # a snapshot of an unexpected shape: the generic summary never fails
        text = _summary_generic(spec, data)
    clauses = (spec.get("state") or {}).get("filter") or []
    if clauses:
        text += " Filter: " + "; ".join(_clause_text(c) for c in clauses if isinstance(c, dict)) + "."
    selection = (spec.get("state") or {}).get("selection")
    if isinstance(selection, dict) and selection.get("label"):
        text += f" Selection: {_text(selection.get('label'))}."
    return text


def _clause_text(clause: dict[str, Any]) -> str:
    if clause.get("op") == "range":
        return f"{_text(clause.get('column'))} in [{_text(clause.get('min'))}, {_text(clause.get('max'))}]"
    return f"{_text(clause.get('column'))} in {{{_text(clause.get('values'))}}}"


# -- SVG charts ------------------------------------------------------------------------------------------


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{_esc(label)}" font-family="system-ui, sans-serif" font-size="11">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def _short(value: Any, limit: int) -> str:
    """A label cut to ``limit`` characters, with an ellipsis when cut (escaped by the caller)."""
    text = str(_text(value))
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _svg_distribution(spec: dict[str, Any], data: dict[str, Any]) -> str | None:
    series = [s for s in data.get("series") or [] if isinstance(s, dict) and isinstance(s.get("counts"), list)]
    edges = data.get("edges") if isinstance(data.get("edges"), list) else None
    categories = data.get("categories") if isinstance(data.get("categories"), list) else None
    n = len(edges) - 1 if edges and len(edges) >= 2 else len(categories or [])
    if not series or n <= 0:
        return None
    totals = _series_totals(series, n)
    peak = max(totals) or 1.0
    legend = len(series) > 1
    width, height, left, right, bottom = 480, 200 + (18 if legend else 0), 44, 14, 36
    top = 30 if legend else 12
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_w = plot_w / n
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{RULE}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left + plot_w}" y2="{top}" stroke="#eeeeee" stroke-dasharray="3 3"/>',
    ]
    base = [0.0] * n
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        for i, c in enumerate(s["counts"][:n]):
            value = _num(c) or 0.0
            if value <= 0:
                continue
            h = plot_h * value / peak
            y = top + plot_h - plot_h * base[i] / peak - h
            body.append(
                f'<rect x="{left + i * bar_w + 0.5:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 0.5):.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{_esc(s.get('group')) if s.get('group') is not None else ''} {_number(value)}</title></rect>"
            )
            base[i] += value
    body.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{MUTED}">{_number(peak)}</text>')
    body.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" fill="{MUTED}">0</text>')
    if edges:
        # A few edges along the axis: the first, the last, and evenly between (never past the picture).
        ticks = sorted({round(n * j / 4) for j in range(5)}) if n >= 4 else list(range(n + 1))
        for pos in ticks:
            x = left + pos * bar_w
            anchor = "start" if pos == 0 else "end" if pos == n else "middle"
            body.append(
                f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 3}" stroke="{RULE}"/>'
                f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="{anchor}" fill="{MUTED}">{_esc(_number(_num(edges[pos])))}</text>'
            )
    elif categories:
        shown = min(n, 12)
        limit = max(3, int(bar_w // 6.5))
        for i, cat in enumerate(categories[:shown]):
            body.append(
                f'<text x="{left + (i + 0.5) * bar_w:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="{MUTED}">'
                f"{_esc(_short(cat, limit))}<title>{_esc(cat)}</title></text>"
            )
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="{INK}">{_esc(data.get("column"))}</text>')
    if legend:
        for k, s in enumerate(series[:8]):
            x = left + k * 72
            body.append(
                f'<rect x="{x}" y="6" width="9" height="9" fill="{PALETTE[k % len(PALETTE)]}"/>'
                f'<text x="{x + 13}" y="14" fill="{INK}">{_esc(_short(s.get("group"), 9))}</text>'
            )
    return _svg(width, height, body, summary_text(spec, data))


def _heat(value: float, peak: float, rgb: tuple[int, int, int] = (21, 101, 192)) -> str:
    t = 0.0 if peak <= 0 else max(0.0, min(1.0, value / peak))
    r, g, b = (int(255 + (c - 255) * t) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


NEGATIVE = (216, 67, 21)  # a negative correlation: orange-red, a positive one blue
CHAR_W = 6.4  # the width of a character of the 11px sans-serif these pictures use (generous)


def _svg_matrix(
    spec: dict[str, Any], matrix: list[Any], rows: list[Any], cols: list[Any], label: str, signed: bool,
    axes: tuple[str, str] | None = None,
) -> str | None:
    n, m = len(matrix), len(matrix[0]) if matrix and isinstance(matrix[0], list) else 0
    if n == 0 or m == 0 or n > 40 or m > 40:
        return None
    cell = max(14, min(48, 360 // max(n, m)))
    row_labels = [_short(r, 14) for r in rows[:n]]
    col_labels = [_short(c, 14) for c in cols[:m]]
    # Room for the labels: row labels on the left, column labels turned 45° above (and past the last column).
    slant = max((len(c) for c in col_labels), default=1) * (CHAR_W + 0.6) * 0.71 + 6
    axis = 16 if axes is not None else 0
    left = int(axis + 8 + max((len(r) for r in row_labels), default=1) * CHAR_W)
    top = int(axis + 10 + slant)
    width, height = int(left + m * cell + max(10, slant - cell / 2)), top + n * cell + 10
    values = [[_num(v) for v in row] for row in matrix]
    peak = max((abs(v) for row in values for v in row if v is not None), default=1.0) or 1.0
    body = []
    for i, row in enumerate(values):
        body.append(
            f'<text x="{left - 4}" y="{top + i * cell + cell / 2 + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{_esc(row_labels[i])}<title>{_esc(rows[i])}</title></text>"
        )
        for j, v in enumerate(row):
            if v is None:
                fill = "#f5f5f5"
            elif signed:
                fill = _heat(abs(v), peak, NEGATIVE if v < 0 else (21, 101, 192))
            else:
                fill = _heat(max(v, 0.0), peak)
            body.append(
                f'<rect x="{left + j * cell}" y="{top + i * cell}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                f"<title>{_esc(rows[i])} / {_esc(cols[j])}: {_esc(_number(v))}</title></rect>"
            )
            if cell >= 24 and v is not None:
                ink = "#ffffff" if abs(v) > peak * 0.55 else INK
                body.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{top + i * cell + cell / 2 + 4:.1f}" text-anchor="middle" fill="{ink}">{_esc(_number(v, 2))}</text>')
    for j in range(m):
        x, y = left + j * cell + cell / 2, top - 6
        body.append(
            f'<text x="{x:.1f}" y="{y}" transform="rotate(-45 {x:.1f} {y})" fill="{INK}">'
            f"{_esc(col_labels[j])}<title>{_esc(cols[j])}</title></text>"
        )
    if axes is not None:
        body.append(f'<text x="{left + m * cell / 2:.1f}" y="12" text-anchor="middle" fill="{MUTED}">{_esc(axes[1])}</text>')
        body.append(f'<text x="12" y="{top + n * cell / 2:.1f}" transform="rotate(-90 12 {top + n * cell / 2:.1f})" text-anchor="middle" fill="{MUTED}">{_esc(axes[0])}</text>')
    return _svg(width, height, body, label)


def _svg_confusion(spec: dict[str, Any], data: dict[str, Any]) -> str | None:
    matrix, classes = data.get("matrix"), data.get("classes")
    if not isinstance(matrix, list) or not isinstance(classes, list):
        return None
    labels = classes + (["other"] if len(matrix) > len(classes) else [])
    return _svg_matrix(spec, matrix, labels, labels, summary_text(spec, data), False, ("actual", "predicted"))


def _svg_correlations(spec: dict[str, Any], data: dict[str, Any]) -> str | None:
    matrix, cols = data.get("matrix"), data.get("columns")
    if not isinstance(matrix, list) or not isinstance(cols, list):
        return None
    names = [c.get("name") if isinstance(c, dict) else c for c in cols]
    return _svg_matrix(spec, matrix, names, names, summary_text(spec, data), True)


def _svg_missing(spec: dict[str, Any], data: dict[str, Any]) -> str | None:
    cols = [c for c in data.get("columns") or [] if isinstance(c, dict) and (_num(c.get("missing")) or 0) > 0][:20]
    if not cols:
        return None
    width, row, left, track = 480, 18, 130, 280
    height = 30 + len(cols) * row
    body = [
        f'<text x="{left}" y="12" fill="{MUTED}">0%</text>',
        f'<text x="{left + track}" y="12" text-anchor="end" fill="{MUTED}">100% missing</text>',
    ]
    for i, c in enumerate(cols):
        frac = max(0.0, min(1.0, _num(c.get("fraction")) or 0.0))
        y = 20 + i * row
        body.append(
            f'<text x="{left - 6}" y="{y + 11}" text-anchor="end" fill="{INK}">{_esc(_short(c.get("name"), 18))}'
            f'<title>{_esc(c.get("name"))}</title></text>'
            f'<rect x="{left}" y="{y}" width="{track}" height="{row - 5}" fill="#eeeeee"/>'
            f'<rect x="{left}" y="{y}" width="{max(track * frac, 1.0):.1f}" height="{row - 5}" fill="{ACCENT}"/>'
            f'<text x="{left + track + 8}" y="{y + 11}" fill="{MUTED}">{100 * frac:.1f}% ({_number(_num(c.get("missing")))})</text>'
        )
    return _svg(width, height, body, summary_text(spec, data))


def _floats(text: Any, n: int) -> list[float] | None:
    """Little-endian float32 values from base64 (the embedding's points), or None."""
    import base64
    import struct

    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    if len(raw) < 4 * n:
        return None
    return list(struct.unpack(f"<{n}f", raw[: 4 * n]))


def _svg_embedding(spec: dict[str, Any], data: dict[str, Any]) -> str | None:
    points = data.get("points") if isinstance(data.get("points"), dict) else None
    n = int(_num(points.get("count")) or 0) if points else 0
    if not points or n <= 0:
        return None
    xs, ys = _floats(points.get("x"), n), _floats(points.get("y"), n)
    if xs is None or ys is None:
        return None
    codes: list[int] | None = None
    if isinstance(points.get("c"), str):
        import base64

        try:
            raw = base64.b64decode(points["c"], validate=True)
            codes = list(raw[:n]) if len(raw) >= n else None
        except ValueError:
            codes = None
    color = data.get("color") if isinstance(data.get("color"), dict) else {}
    continuous = color.get("kind") == "continuous"
    categories = [c for c in color.get("categories") or [] if isinstance(c, dict)] if not continuous else []

    def paint(code: int) -> str:
        # The component's codes: categories 0..9 (most frequent first), 10 "other", 255 missing; or, for
        # numbers, 0..254 from the 1st to the 99th percentile.
        if code == MISSING_CODE:
            return "#9e9e9e"
        if continuous:
            return _ramp(code / 254)
        return CATEGORY_COLORS[code] if code < len(CATEGORY_COLORS) else "#616161"

    step = max(1, -(-n // 1000))  # at most 1,000 dots: a picture, not the data
    finite = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
    if not finite:
        return None
    x0, x1 = min(p[0] for p in finite), max(p[0] for p in finite)
    y0, y1 = min(p[1] for p in finite), max(p[1] for p in finite)
    size, pad = 360, 8
    sx = (size - 2 * pad) / ((x1 - x0) or 1.0)
    sy = (size - 2 * pad) / ((y1 - y0) or 1.0)
    # One path per colour, a round dot per point ("M x y h0"): a few bytes each.
    paths: dict[str, list[str]] = {}
    for i in range(0, n, step):
        x, y = xs[i], ys[i]
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        dot = paint(codes[i]) if codes is not None else ACCENT
        paths.setdefault(dot, []).append(f"M{pad + (x - x0) * sx:.1f} {size - pad - (y - y0) * sy:.1f}h0")
    body = [f'<rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="none" stroke="{RULE}"/>'] + [
        f'<path d="{"".join(d)}" stroke="{dot}" stroke-opacity="0.7" stroke-width="3.5" stroke-linecap="round" fill="none"/>'
        for dot, d in paths.items()
    ]
    # The legend, right of the map: what the colours mean.
    legend: list[tuple[str, str]] = []
    if codes is not None and continuous:
        legend = [(_ramp(1.0), f"{_number(_num(color.get('max')))} (high)"), (_ramp(0.5), ""), (_ramp(0.0), f"{_number(_num(color.get('min')))} (low)")]
    elif codes is not None:
        legend = [(CATEGORY_COLORS[k], _short(c.get("value"), 16)) for k, c in enumerate(categories[: len(CATEGORY_COLORS)])]
        if color.get("other"):
            legend.append(("#616161", "other"))
    if codes is not None and color.get("missing"):
        legend.append(("#9e9e9e", "missing"))
    width = size + (150 if legend else 0)
    if legend:
        body.append(f'<text x="{size + 12}" y="16" font-weight="600" fill="{INK}">{_esc(_short(color.get("name") or "", 20))}</text>')
        for k, (fill, text) in enumerate(legend[:14]):
            y = 26 + k * 16
            body.append(f'<circle cx="{size + 17}" cy="{y + 5}" r="4" fill="{fill}"/><text x="{size + 27}" y="{y + 9}" fill="{INK}">{_esc(text)}</text>')
    note = "sampled: " + _number(_num(data.get("rows"))) + " rows, " if data.get("sampled") else ""
    body.append(f'<text x="{size - 6}" y="{size - 6}" text-anchor="end" fill="{MUTED}">{note}{_number(len(range(0, n, step)))} dots</text>')
    return _svg(width, size, body, summary_text(spec, data))


MISSING_CODE = 255
#: ten categories (the embedding shows at most ten), then "other"
CATEGORY_COLORS = PALETTE + ("#9e9d24", "#5d4037")


def _ramp(t: float) -> str:
    """A colour from light blue (0) to dark blue (1), for a number."""
    t = max(0.0, min(1.0, t))
    lo, hi = (179, 212, 252), (13, 47, 120)
    r, g, b = (int(a + (c - a) * t) for a, c in zip(lo, hi))
    return f"#{r:02x}{g:02x}{b:02x}"


_CHARTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], str | None]] = {
    "distribution": _svg_distribution,
    "confusion": _svg_confusion,
    "correlations": _svg_correlations,
    "missing": _svg_missing,
    "embedding": _svg_embedding,
}


def render_svg(spec: dict[str, Any], data: Any) -> str | None:
    """An SVG picture of the view when it is a chart, else None."""
    chart = _CHARTS.get(spec["component"])
    if chart is None or not isinstance(data, dict):
        return None
    try:
        return chart(spec, data)
    except Exception:
        return None


# -- static HTML ---------------------------------------------------------------------------------------

_TABLE = f"border-collapse:collapse;margin:6px 0;color:{INK};background:#ffffff"
_TH = f"text-align:left;padding:2px 8px;border-bottom:1px solid {RULE};font-weight:600"
_TD = f"text-align:left;padding:2px 8px;border-bottom:1px solid #eeeeee;vertical-align:top"


def _records_table(caption: str, records: list[dict[str, Any]]) -> str:
    keys: list[str] = []
    for r in records[:MAX_TABLE_ROWS]:
        for k in r:
            if k not in keys and not isinstance(r[k], (dict, list)) or k not in keys and isinstance(r[k], list) and len(r[k]) <= 10:
                keys.append(k)
    keys = keys[:MAX_TABLE_COLUMNS]
    head = "".join(f'<th style="{_TH}">{_esc(k.replace("_", " "))}</th>' for k in keys)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_TD}">{_esc(r.get(k))}</td>' for k in keys) + "</tr>" for r in records[:MAX_TABLE_ROWS]
    )
    more = f'<p style="color:{MUTED};margin:2px 0">… {len(records) - MAX_TABLE_ROWS} more</p>' if len(records) > MAX_TABLE_ROWS else ""
    return f'<table style="{_TABLE}"><caption style="text-align:left;color:{MUTED}">{_esc(caption.replace("_", " "))}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def _rows_table(caption: str, headers: list[Any], rows: list[list[Any]]) -> str:
    headers = headers[:MAX_TABLE_COLUMNS]
    head = "".join(f'<th style="{_TH}">{_esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_TD}">{_esc(v)}</td>' for v in row[: len(headers)]) + "</tr>" for row in rows[:MAX_TABLE_ROWS]
    )
    return f'<table style="{_TABLE}"><caption style="text-align:left;color:{MUTED}">{_esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _bins_table(data: dict[str, Any]) -> str:
    """A distribution's counts as a table: one row per bin (or category), one column per group."""
    series = [x for x in data.get("series") or [] if isinstance(x, dict) and isinstance(x.get("counts"), list)]
    edges = data.get("edges") if isinstance(data.get("edges"), list) else None
    categories = data.get("categories") if isinstance(data.get("categories"), list) else None
    if not series:
        return ""
    if edges and len(edges) >= 2:
        labels = [f"{_number(_num(edges[i]))} – {_number(_num(edges[i + 1]))}" for i in range(len(edges) - 1)]
        head = str(data.get("column") or "bin")
    elif categories:
        labels = [_text(c) for c in categories]
        head = str(data.get("column") or "value")
    else:
        return ""
    groups = [str(_text(x.get("group"))) if x.get("group") is not None else "count" for x in series]
    rows = [[label] + [(x["counts"][i] if i < len(x["counts"]) else None) for x in series] for i, label in enumerate(labels)]
    table = _rows_table("counts", [head] + groups, rows)
    more = len(rows) - MAX_TABLE_ROWS
    return table + (f'<p style="color:{MUTED};margin:2px 0">… {more} more</p>' if more > 0 else "")


def _data_html(data: dict[str, Any], component: str = "") -> str:
    facts = [
        (k, v) for k, v in data.items()
        if (v is None or isinstance(v, (int, float, str, bool))) and len(_text(v)) < 80
    ][:16]
    parts = []
    if facts:
        parts.append(
            f'<table style="{_TABLE}"><tbody>'
            + "".join(f'<tr><th style="{_TH}">{_esc(k.replace("_", " "))}</th><td style="{_TD}">{_esc(v)}</td></tr>' for k, v in facts)
            + "</tbody></table>"
        )
    headers = data.get("columns") if isinstance(data.get("columns"), list) else None
    if component == "distribution":
        parts.append(_bins_table(data))
    for key, value in data.items():
        if not isinstance(value, list) or not value or component == "distribution" and key in ("series", "edges", "categories"):
            continue
        if all(isinstance(v, dict) for v in value[:MAX_TABLE_ROWS]):
            parts.append(_records_table(key, value))
        elif key == "values" and headers and all(isinstance(v, list) for v in value[:MAX_TABLE_ROWS]):
            names = [h.get("name") if isinstance(h, dict) else h for h in headers]
            parts.append(_rows_table(key, names, value))
    return "".join(parts)


def render_html(
    spec: dict[str, Any], data: Any, prov: dict[str, Any] | None, title: str, summary: str, annotations: Any = None
) -> str:
    """The view as static HTML: title, summary, the chart (SVG inline), the data's tables and the comments."""
    by = (prov or {}).get("pinned_by") or {}
    who = by.get("display_name") or by.get("name") or by.get("username")
    when = (prov or {}).get("pinned_at")
    footer = " · ".join(
        x for x in (f"pinned by {_esc(who)}" if who else "", f"at {_esc(when)}" if when else "", f"symphony-lab {_esc((prov or {}).get('library_version'))}") if x
    )
    chart = render_svg(spec, data) or ""
    body = _data_html(data, spec["component"]) if isinstance(data, dict) and spec["component"] not in ("embedding",) else ""
    return (
        f'<div class="symphony-lab-static" style="{FONT};color:{INK};background:#ffffff;border:1px solid {RULE};'
        f'border-radius:4px;padding:8px 12px;max-width:760px;overflow:auto">'
        f'<div style="font-weight:600;font-size:14px">{_esc(title)}</div>'
        f'<p style="margin:4px 0 8px 0">{_esc(summary)}</p>{chart}{body}{render_notes_html(annotations)}'
        f'<div style="color:{MUTED};font-size:11px;margin-top:6px">{footer}</div></div>'
    )


# -- annotations -----------------------------------------------------------------------------------------
# Comments are other people's text: always escaped, shown as plain text (Markdown as typed), never as markup.


def _when(iso: Any) -> str:
    return str(iso).replace("T", " ").replace("+00:00", " UTC") if isinstance(iso, str) and iso else ""


def _who(note: dict[str, Any]) -> str:
    author = note.get("author") if isinstance(note.get("author"), dict) else {}
    return str(author.get("name") or author.get("username") or "someone")


def _notes(threads: Any) -> list[dict[str, Any]]:
    return [t for t in threads if isinstance(t, dict) and isinstance(t.get("text"), str)] if isinstance(threads, list) else []


def _replies(thread: dict[str, Any]) -> list[dict[str, Any]]:
    return _notes(thread.get("replies"))


def _on_board(thread: dict[str, Any]) -> bool:
    """A thread about the whole board (recorded by "Pin board"), not about this view."""
    target = thread.get("target")
    return isinstance(target, dict) and target.get("kind") == "board"


def notes_text(threads: Any) -> str:
    """The threads as plain text, for ``text/plain``: one line per annotation, replies indented; empty when none."""
    notes = _notes(threads)
    if not notes:
        return ""
    lines = [f"Comments ({len(notes)}):"]
    for thread in notes:
        head = f"- {_who(thread)}" + (f", {_when(thread.get('created'))}" if thread.get("created") else "")
        if _on_board(thread):
            head += " (on the board)"
        if thread.get("resolved"):
            head += " (resolved)"
        lines.append(f"{head}: " + thread["text"].strip().replace("\n", "\n    "))
        for reply in _replies(thread):
            head = f"    ↳ {_who(reply)}" + (f", {_when(reply.get('created'))}" if reply.get("created") else "")
            lines.append(f"{head}: " + reply["text"].strip().replace("\n", "\n      "))
    return "\n".join(lines)


def render_notes_html(threads: Any) -> str:
    """The threads as static HTML (inline styles, every text escaped); empty when none."""
    notes = _notes(threads)
    if not notes:
        return ""

    def one(note: dict[str, Any], reply: bool) -> str:
        when = _when(note.get("created"))
        resolved = ' · <span style="color:#2e7d32">resolved</span>' if not reply and note.get("resolved") else ""
        if not reply and _on_board(note):
            resolved = " · on the board" + resolved
        return (
            f'<div style="margin:{"2px 0 2px 16px" if reply else "6px 0 2px 0"}">'
            f'<div style="color:{MUTED};font-size:11px"><b style="color:{INK}">{_esc(_who(note))}</b>'
            f'{" · " + _esc(when) if when else ""}{resolved}</div>'
            f'<div style="white-space:pre-wrap;overflow-wrap:anywhere">{_esc(note["text"])}</div></div>'
        )

    body = "".join(
        f'<div style="border-left:3px solid {RULE};padding-left:8px;margin:4px 0">'
        + one(thread, False) + "".join(one(r, True) for r in _replies(thread)) + "</div>"
        for thread in notes
    )
    return (
        f'<div class="symphony-lab-notes" style="margin-top:8px;border-top:1px solid {RULE};padding-top:4px">'
        f'<div style="font-weight:600">Comments ({len(notes)})</div>{body}</div>'
    )


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    for paragraph in text.strip().split("\n"):
        words, line = paragraph.split(" "), ""
        for word in words:
            while len(word) > width:  # a long word (a URL) is cut, not allowed to run off the picture
                if line:
                    out.append(line)
                    line = ""
                out.append(word[:width])
                word = word[width:]
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return out


MAX_SVG_NOTE_LINES = 40


def svg_with_notes(svg: str, threads: Any) -> str:
    """The chart ``svg`` (from ``render_svg``) with the threads written below it, as SVG text (escaped)."""
    notes = _notes(threads)
    if not notes:
        return svg
    import re

    size = re.match(r'<svg [^>]*?width="(\d+)" height="(\d+)"', svg)
    if size is None:
        return svg
    chart_w, chart_h = int(size.group(1)), int(size.group(2))
    width = max(chart_w, 480)
    def chars(indent: int) -> int:
        return max(20, int((width - indent - 12) / CHAR_W))

    lines: list[tuple[str, str, int]] = [(f"Comments ({len(notes)})", "title", 8)]
    for thread in notes:
        for note, indent in [(thread, 8)] + [(r, 24) for r in _replies(thread)]:
            head = _who(note) + (f" · {_when(note.get('created'))}" if note.get("created") else "")
            if indent == 8 and _on_board(thread):
                head += " · on the board"
            if indent == 8 and thread.get("resolved"):
                head += " · resolved"
            lines.append((head, "head", indent))
            lines.extend((part, "text", indent) for part in _wrap(note["text"], chars(indent)))
    if len(lines) > MAX_SVG_NOTE_LINES:
        lines = lines[: MAX_SVG_NOTE_LINES - 1] + [("… more in the notebook (cell metadata symphony_lab.pin)", "head", 8)]
    step, top = 15, chart_h + 14
    body = [f'<line x1="0" y1="{chart_h + 2}" x2="{width}" y2="{chart_h + 2}" stroke="{RULE}"/>']
    for i, (text, kind, indent) in enumerate(lines):
        style = {"title": f'font-weight="600" fill="{INK}"', "head": f'fill="{MUTED}"', "text": f'fill="{INK}"'}[kind]
        body.append(f'<text x="{indent}" y="{top + i * step}" {style} xml:space="preserve">{_esc(text)}</text>')
    height = top + len(lines) * step
    inner = svg.replace("<svg ", f'<svg x="{(width - chart_w) // 2}" y="0" ', 1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="system-ui, sans-serif" font-size="11"><rect width="{width}" height="{height}" fill="#ffffff"/>'
        + inner + "".join(body) + "</svg>"
    )
