"""Embedding map against a real server and real kernels: a planted cluster, a real scikit-learn model."""

from __future__ import annotations

import ast
import base64
import json
from typing import Any

import numpy as np
import pytest
from tornado.httpclient import HTTPClientError

from .helpers import fetch_view, names

PLANTED = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
rng = np.random.default_rng(3)
n = 3000
df = pd.DataFrame(rng.normal(size=(n, 6)), columns=[f"f{i}" for i in range(6)])
df.loc[:149, ["f0", "f1", "f2"]] += 9.0                      # planted: a cluster of 150 rows far away
df["kind"] = np.where(np.arange(n) < 150, "planted", "rest")
df["vec"] = list(df[["f0", "f1", "f2", "f3"]].to_numpy())    # an embedding column
acts = df[["f0", "f1", "f2", "f3", "f4", "f5"]].to_numpy()   # activations as a 2-D array
X = df[["f0", "f1", "f2", "f3", "f4", "f5"]]
y = (X["f3"] + 0.3 * rng.normal(size=n) > 0).astype(int)
y.iloc[:150] = 1 - (X["f3"].iloc[:150] > 0).astype(int)     # the model cannot get the planted rows right
clf = LogisticRegression().fit(X, y)
holes = X.copy()
holes.iloc[::7, 2] = np.nan                                 # missing values: a map all the same
holes["const"] = 1.0                                        # a constant column: nothing to project
"""


def decode(payload: dict, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(payload), dtype=dtype)


async def view(jp_fetch, kernel_id, body):
    response = await fetch_view(jp_fetch, kernel_id, body)
    return json.loads(response.body)


@pytest.fixture
def planted(kernel, user, wait_catalog):
    async def setup() -> tuple[str, Any]:
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(PLANTED, timeout=90)
        await wait_catalog(kernel_id, lambda c: "clf" in names(c))
        return kernel_id, alice

    return setup


def points(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    p = data["points"]
    x, y, c = decode(p["x"], "<f4"), decode(p["y"], "<f4"), decode(p["c"], "u1")
    assert len(x) == len(y) == len(c) == p["count"]
    index = decode(p["index"]["data"], "<i4") if p["index"]["dtype"] == "int32" else np.array(p["index"]["data"])
    return x, y, c, index


async def test_pca_map_of_a_frame_is_deterministic_and_shows_the_planted_cluster(planted, jp_fetch):
    kernel_id, _ = await planted()
    body = {"component": "embedding", "variables": ["df"], "params": {"color_by": "column", "color": "kind"}}
    first = await view(jp_fetch, kernel_id, body)
    data = first["data"]
    assert data["mode"] == "points" and data["rows"] == 3000 and data["method"] == "pca"
    assert data["features"] == ["f0", "f1", "f2", "f3", "f4", "f5"] or data["source"].startswith("the vectors")
    x, y, c, index = points(data)
    assert len(x) == 3000 and sorted(index.tolist()) == list(range(3000))
    # the colours: two categories, the planted one has its own code on exactly the planted rows
    legend = data["color"]
    assert legend["kind"] == "categorical" and {k["value"] for k in legend["categories"]} == {"planted", "rest"}
    planted_code = [k["value"] for k in legend["categories"]].index("planted")
    assert set(index[c == planted_code].tolist()) == set(range(150))
    # the planted cluster is far from the rest on the first axis
    assert abs(x[index < 150].mean() - x[index >= 150].mean()) > 5
    # deterministic: a fresh projection (another colour: same cache entry; restart the cache) is identical
    again = await view(jp_fetch, kernel_id, {**body, "params": {"color_by": "none"}})
    x2, y2, _, index2 = points(again["data"])
    assert np.array_equal(x, x2) and np.array_equal(y, y2) and np.array_equal(index, index2)
    assert again["data"]["color"]["kind"] == "none"


async def test_the_lasso_selects_exactly_the_rows_inside_and_every_view_follows(planted, jp_fetch):
    kernel_id, _ = await planted()
    params = {"features": None}
    data = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"], "params": params}))["data"]
    x, y, _, index = points(data)
    cluster = index < 150
    # a polygon (a hexagon, not a box) around the planted cluster, in projection coordinates
    cx, cy = float(x[cluster].mean()), float(y[cluster].mean())
    r = float(max(np.abs(x[cluster] - cx).max(), np.abs(y[cluster] - cy).max())) * 1.6
    angles = np.linspace(0, 2 * np.pi, 7)[:-1]
    polygon = [[cx + r * np.cos(a), cy + r * np.sin(a)] for a in angles]
    inside = _inside(x, y, np.array(polygon))
    assert set(index[inside].tolist()) == set(range(150))  # the polygon holds the cluster and nothing else
    selection = {"component": "embedding", "variables": ["df"], "params": params, "spec": {"polygon": polygon},
                 "label": "lasso"}
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == 150 and table["selection"]["rows"] == 150
    # a smaller polygon: exactly the rows whose points are inside, checked point by point here
    half = [[cx + r * 0.3 * np.cos(a), cy + r * 0.3 * np.sin(a)] for a in angles]
    expected = set(index[_inside(x, y, np.array(half))].tolist())
    assert 0 < len(expected) < 150
    selection["spec"] = {"polygon": half}
    summary = await view(jp_fetch, kernel_id, {"component": "summary", "variables": ["df"], "state": {"selection": selection}})
    assert summary["selection"]["rows"] == len(expected)
    # the map itself is the source: computed on every row, so it can draw its own lasso
    own = await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"], "params": params,
                                           "state": {"selection": selection}})
    assert own["data"]["filtered_rows"] == 3000 and own["selection"]["source"] is True


def _inside(x: np.ndarray, y: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Plain even-odd rule, one point at a time (the reference for the kernel's vectorized one)."""
    out = np.zeros(len(x), dtype=bool)
    for k in range(len(x)):
        inside = False
        for i in range(len(polygon)):
            (ax, ay), (bx, by) = polygon[i], polygon[(i + 1) % len(polygon)]
            if (ay <= y[k]) != (by <= y[k]) and x[k] < ax + (y[k] - ay) * (bx - ax) / (by - ay):
                inside = not inside
        out[k] = inside
    return out


async def test_sources_an_embedding_column_an_array_and_a_model_coloured_by_prediction(planted, jp_fetch):
    kernel_id, alice = await planted()
    vec = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"],
                                            "params": {"features": "vec"}}))["data"]
    assert vec["source"] == "the vectors of column vec" and vec["features_total"] == 4
    arr = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["acts", "y"]}))["data"]
    assert arr["rows"] == 3000 and arr["features_total"] == 6 and arr["source"] == "the 6 columns of acts"
    arr_by_y = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["acts", "y"],
                                                 "params": {"color_by": "column", "color": "y"}}))["data"]
    assert {k["value"] for k in arr_by_y["color"]["categories"]} == {0, 1}
    body = {"component": "embedding", "variables": ["clf", "X", "y"], "params": {"color_by": "prediction"}}
    model = (await view(jp_fetch, kernel_id, body))["data"]
    assert model["features"] == ["f0", "f1", "f2", "f3", "f4", "f5"]
    x, yy, c, index = points(model)
    categories = [k["value"] for k in model["color"]["categories"]]
    assert sorted(categories) == [0, 1] and model["color"]["by"] == "prediction"
    correct = (await view(jp_fetch, kernel_id, {**body, "params": {"color_by": "correct"}}))["data"]
    names_ = [k["value"] for k in correct["color"]["categories"]]
    assert set(names_) == {"right", "wrong"}
    _, _, c2, index2 = points(correct)
    wrong = set(index2[c2 == names_.index("wrong")].tolist())
    assert len(wrong & set(range(150))) > 100  # the planted rows the model cannot get right are the wrong ones
    # the colour of each point is the model's prediction for its row (asked of the kernel last: a user's
    # execution makes the watcher wait)
    expected = json.loads(ast.literal_eval(await alice.value("__import__('json').dumps(clf.predict(X).tolist())")))
    assert [categories[code] for code in c] == [expected[i] for i in index]


async def test_raster_above_the_threshold_and_points_of_a_window(planted, jp_fetch):
    kernel_id, _ = await planted()
    params = {"max_points": 1000, "raster": 64, "sample": 300}
    data = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"], "params": params}))["data"]
    assert data["mode"] == "raster" and data["sampled"] is True
    raster = data["raster"]
    counts = decode(raster["counts"], "<u4")
    colour = decode(raster["color"], "u1")
    assert raster["width"] == raster["height"] == 64 and len(counts) == len(colour) == 64 * 64
    assert counts.sum() == 3000 and counts.max() == raster["max"]
    assert np.all((colour == 255) == (counts == 0))
    assert data["points"]["count"] == 300
    # zoomed in on the planted cluster: few enough points for points, exactly those inside the window
    x, y, _, index = points(data)
    full = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"]}))["data"]
    fx, fy, _, findex = points(full)
    cluster = findex < 150
    window = {"x_min": float(fx[cluster].min()) - 0.01, "x_max": float(fx[cluster].max()) + 0.01,
              "y_min": float(fy[cluster].min()) - 0.01, "y_max": float(fy[cluster].max()) + 0.01}
    zoomed = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["df"],
                                               "params": {**params, **window}}))["data"]
    assert zoomed["mode"] == "points" and zoomed["window"] == list(window.values())
    zx, zy, _, zindex = points(zoomed)
    in_window = (fx >= window["x_min"]) & (fx <= window["x_max"]) & (fy >= window["y_min"]) & (fy <= window["y_max"])
    assert sorted(zindex.tolist()) == sorted(findex[in_window].tolist())
    assert set(range(150)) <= set(zindex.tolist())


@pytest.mark.parametrize(
    "body, message",
    [
        ({"params": {"method": "mds"}}, "method must be one of"),
        ({"params": {"max_points": 10}}, "max_points must be at least"),
        ({"params": {"x_min": 0.0}}, "a window needs all of"),
        ({"params": {"x_min": 1.0, "x_max": 0.0, "y_min": 0.0, "y_max": 1.0}}, "x_min < x_max"),
        ({"params": {"features": "kind"}}, "is not a column of vectors"),
        ({"params": {"color_by": "column", "color": "nope"}}, "is not a column"),
        ({"params": {"color_by": "prediction"}}, "needs a model pairing"),
        ({"params": {"method": "umap"}}, "UMAP is not installed"),
        ({"variables": ["y"]}, "a map needs at least 2"),
    ],
)
async def test_bad_params_get_a_400_with_the_reason(planted, jp_fetch, body, message):
    kernel_id, _ = await planted()
    request = {"component": "embedding", "variables": ["df"], **body}
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, request)
    assert info.value.code == 400
    assert message in json.loads(info.value.response.body)["message"]


async def test_bad_lasso_polygons_are_reported(planted, jp_fetch):
    kernel_id, _ = await planted()
    for spec, message in [({"polygon": [[0, 0], [1, 1]]}, "3 to 2000"), ({"polygon": [[0, "a"], [1, 1], [2, 0]]}, "numbers")]:
        selection = {"component": "embedding", "variables": ["df"], "params": {}, "spec": spec, "label": ""}
        table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
        assert message in table["selection"]["error"] and table["data"]["filtered_rows"] == 3000


async def test_suggested_for_a_frame_and_a_model_pairing(planted, jp_fetch):
    import asyncio

    kernel_id, _ = await planted()
    for _ in range(150):
        response = await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "suggestions")
        result = json.loads(response.body)
        mine = [s for s in result["suggestions"] if s["component"] == "embedding"]
        if any(s["variables"][0] == "clf" for s in mine) and any(s["variables"] == ["df"] for s in mine):
            break
        await asyncio.sleep(0.1)
    assert any(s["variables"] == ["df"] for s in mine), json.dumps(result)[:4000]
    assert any(s["variables"][0] == "clf" for s in mine), json.dumps(result)[:4000]
    frame = next(s for s in mine if s["variables"] == ["df"])
    assert "map" in frame["reason"]
    model = next(s for s in mine if s["variables"][0] == "clf")
    assert model["variables"][1] == "X" and model["params"]["color_by"] == "correct"
    assert "mistakes" in model["reason"]


async def test_tsne_when_asked_fitted_on_a_sample_and_said_so(planted, jp_fetch):
    kernel_id, _ = await planted()
    body = {"component": "embedding", "variables": ["df"], "params": {"method": "tsne", "fit_rows": 300}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    assert data["method"] == "tsne" and data["fitted_rows"] == 300 and data["explained"] is None
    x, y, _, index = points(data)
    # only the rows t-SNE was fitted on have a point; the others are not drawn (and not in a lasso)
    assert len(x) == 300 and data["rows"] == 3000 and len(set(index.tolist())) == 300
    assert np.isfinite(x).all() and np.isfinite(y).all()
    again = (await view(jp_fetch, kernel_id, {**body, "params": {**body["params"], "color_by": "none"}}))["data"]
    assert np.array_equal(points(again)[0], x)  # cached, and seeded: the same map


async def test_missing_values_and_constant_columns_still_give_every_row_a_point(planted, jp_fetch):
    kernel_id, _ = await planted()
    data = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": ["holes"]}))["data"]
    x, y, _, index = points(data)
    assert len(x) == 3000 and np.isfinite(x).all() and np.isfinite(y).all()
    assert data["features_total"] == 7 and sum(data["explained"]) <= 1.0


async def test_a_lasso_on_a_model_map_selects_rows_of_its_data_for_other_views(planted, jp_fetch):
    kernel_id, _ = await planted()
    variables = ["clf", "X", "y"]
    data = (await view(jp_fetch, kernel_id, {"component": "embedding", "variables": variables}))["data"]
    assert data["color"]["by"] == "correct"  # the default for a model
    x, y, _, index = points(data)
    cluster = index < 150
    cx, cy = float(x[cluster].mean()), float(y[cluster].mean())
    r = float(max(np.abs(x[cluster] - cx).max(), np.abs(y[cluster] - cy).max())) * 1.6
    polygon = [[cx - r, cy - r], [cx + r, cy - r], [cx + r, cy + r], [cx - r, cy + r]]
    expected = set(index[_inside(x, y, np.array(polygon))].tolist())
    assert set(range(150)) <= expected
    selection = {"component": "embedding", "variables": variables, "params": {}, "spec": {"polygon": polygon},
                 "label": "lasso"}
    # df shares X's index labels: the table of df shows the rows lassoed on the model's map
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == len(expected)
