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
