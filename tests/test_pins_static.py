"""The static fallbacks of every installed component's view: a bundle builds from real data, its text
summary says what the view shows, its HTML escapes the user's strings, its size stays small."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from symphony_lab.components.registry import load_components
from symphony_lab.kernel.analysis import compute
from symphony_lab.kernel.catalog import CatalogOptions
from symphony_lab.pins.bundle import MIME_TYPE, make_bundle, pin_payload

CHARTS = {"distribution", "confusion", "correlations", "embedding"}
# The variables each kind of component takes here.
CANDIDATES = (["df"], ["model", "X", "y"], ["df", "ref"])


@pytest.fixture(scope="module")
def namespace() -> dict[str, Any]:
    rng = np.random.default_rng(5)
    n = 1_000
    df = pd.DataFrame({
        "age": rng.normal(40, 10, n),
        "<b>city</b>": rng.choice(["Lyon", "<script>x</script>", "Nice"], n),
        "label": rng.integers(0, 2, n),
    })
    df.loc[::9, "age"] = np.nan
    X = df[["label"]].assign(noise=rng.normal(size=n))
    y = (X.noise + rng.normal(scale=0.8, size=n) > 0).astype(int)
    return {"df": df, "ref": df.sample(600, random_state=1), "X": X, "y": y, "model": LogisticRegression().fit(X, y)}


@pytest.mark.parametrize("name", sorted(load_components()))
def test_every_component_pins_with_fallbacks(name: str, namespace: dict[str, Any]) -> None:
    component = load_components()[name]
    params = {"column": "age"} if name == "distribution" else {}
    result = None
    for variables in CANDIDATES:
        if component.arity[0] <= len(variables) <= component.arity[1]:
            result = compute(namespace, {"component": name, "variables": variables, "params": params, "state": {"filter": []}}, CatalogOptions())
            if "data" in result:
                break
    assert result is not None and "data" in result, result
    bundle = make_bundle(pin_payload({"component": name, "variables": variables, "params": params}, result["data"]))
    assert bundle[MIME_TYPE]["data"] == json.loads(json.dumps(bundle[MIME_TYPE]["data"]))  # strict JSON
    text = bundle["text/plain"]
    assert variables[0] in text and 20 < len(text) < 400, text
    assert "<script>" not in bundle["text/html"] and "<b>city</b>" not in bundle["text/html"]
    if name in CHARTS:
        root = ElementTree.fromstring(bundle["image/svg+xml"])  # well-formed SVG
        assert root.tag.endswith("svg") and len(list(root)) >= 2
    # Aggregates, not rows: the frame has 1,000 rows.
    assert len(json.dumps(bundle)) < 150_000


def _extent_ok(svg: str) -> list[str]:
    """Texts of an SVG (the outer picture's coordinates) that would run out of it, estimating a character of
    the 11px sans-serif at static.CHAR_W: horizontal texts by their anchor, labels turned -45° by their length."""
    import re

    from symphony_lab.pins.static import CHAR_W

    root = ElementTree.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    out = []
    ns = "{http://www.w3.org/2000/svg}"
    nested = root.find(f"{ns}svg")
    shift = (float(nested.get("x", 0)), float(nested.get("y", 0))) if nested is not None else (0.0, 0.0)
    for parent, dx, dy in [(root, 0.0, 0.0)] + ([(nested, *shift)] if nested is not None else []):
        for text in parent.findall(f"{ns}text"):
            label = "".join(text.itertext()).replace("".join(t.text or "" for t in text.findall(f"{ns}title")), "")
            x, y = float(text.get("x")) + dx, float(text.get("y")) + dy
            length = len(label) * CHAR_W
            if re.match(r"rotate\(-45", text.get("transform") or ""):
                if y - length * 0.71 < 0 or x + length * 0.71 > width:
                    out.append(f"turned {label!r} at {x:.0f},{y:.0f}")
                continue
            if text.get("transform"):
                continue
            anchor = text.get("text-anchor", "start")
            lo = x if anchor == "start" else x - length if anchor == "end" else x - length / 2
            if lo < -0.5 or lo + length > width + 0.5 or y > height:
                out.append(f"{label!r} at {x:.0f},{y:.0f} ({anchor}) in {width:.0f}")
    return out


def test_chart_labels_and_comments_stay_inside_the_picture() -> None:
    """Long labels, the last edge of a histogram, a legend, a colour legend and a long comment: nothing is cut
    off at the picture's edges (seen in nbconvert's HTML in chromium before these were made to fit)."""
    from symphony_lab.pins.static import render_svg, svg_with_notes

    rng = np.random.default_rng(2)
    n = 500
    df = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "fare_in_euros_2024": rng.gamma(2.0, 15.0, n),
        "household_income": rng.normal(5e4, 1e4, n),
        "sex": rng.choice(["F", "M"], n),
        "score": rng.normal(size=n),
    })
    X = df[["age", "score"]]
    y = pd.Series(rng.choice(["benign", "malignant", "unclear after a second look"], n))
    ns = {"df": df, "X": X, "y": y, "model": LogisticRegression(max_iter=300).fit(X, y),
          "emb": pd.DataFrame(rng.normal(size=(300, 6))).assign(label=rng.choice(list("abcdefghijkl"), 300))}
    views = [
        ("distribution", ["df"], {"column": "fare_in_euros_2024", "bins": 25}),
        ("distribution", ["df"], {"column": "household_income", "by": "sex"}),
        ("confusion", ["model", "X", "y"], {}),
        ("correlations", ["df"], {}),
        ("embedding", ["emb"], {"color_by": "column", "color": "label"}),
        ("embedding", ["emb"], {"color_by": "column", "color": "0"}),
    ]
    note = {"id": "a", "author": {"username": "ada", "name": "Ada"}, "created": "2026-11-27T19:20:03+00:00",
            "text": "see " + "w" * 150 + " and a sentence long enough to wrap over more than one line of the picture",
            "resolved": False, "replies": [{"id": "b", "author": {"username": "bo", "name": "Bo"}, "created": None, "text": "ok"}]}
    for component, variables, params in views:
        result = compute(ns, {"component": component, "variables": variables, "params": params, "state": {"filter": []}}, CatalogOptions())
        assert "data" in result, result
        spec = {"component": component, "variables": variables, "params": params}
        svg = render_svg(spec, result["data"])
        assert svg is not None, component
        assert _extent_ok(svg) == [], (component, params, _extent_ok(svg))
        assert _extent_ok(svg_with_notes(svg, [note])) == [], (component, "with a comment")
    # The colour legend names what the colours mean.
    categorical = render_svg({"component": "embedding", "variables": ["emb"], "params": {}},
                             compute(ns, {"component": "embedding", "variables": ["emb"], "params": views[4][2], "state": {"filter": []}}, CatalogOptions())["data"])
    assert ">other<" in categorical and categorical.count("<circle") == 11  # ten categories and "other"
