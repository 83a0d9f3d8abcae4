"""Pins through the server: a view computed in a real kernel becomes an output bundle (our MIME type with
the server's identity of who pinned, and static fallbacks) that validates against nbformat and renders with
nbconvert to HTML carrying the fallback; the pin's code recreates the view's data in the kernel."""

from __future__ import annotations

import ast
import asyncio
import json
from typing import Any

import nbformat
import pytest
from nbconvert import HTMLExporter
from tornado.httpclient import HTTPClientError

from symphony_lab.pins import MIME_TYPE
from .helpers import fetch_view

SETUP = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import symphony_lab
rng = np.random.default_rng(1)
X_test = pd.DataFrame({"x": rng.normal(size=400)})
y_test = (X_test.x + rng.normal(scale=0.5, size=400) > 0).astype(int)
model = LogisticRegression().fit(X_test, y_test)
"""


async def _post(jp_fetch: Any, *path: str, body: Any) -> Any:
    response = await jp_fetch("symphony-lab", "api", *path, method="POST", body=json.dumps(body))
    return json.loads(response.body)


async def test_pin_bundle_validates_and_converts(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    client = await user(kernel_id)
    await client.run(SETUP)
    await wait_catalog(kernel_id, lambda c: {"model", "X_test", "y_test"} <= {v["name"] for v in c["variables"]})
    spec = {"component": "confusion", "variables": ["model", "X_test", "y_test"], "params": {}, "state": {"filter": []}}
    view = await _post(jp_fetch, "kernels", kernel_id, "views", body=spec)
    answer = await _post(jp_fetch, "pins", body={"spec": spec, "data": view["data"], "execution_count": view["execution_count"]})

    bundle = answer["bundle"]
    payload = bundle[MIME_TYPE]
    assert payload["spec"] == spec and payload["data"] == view["data"]
    # Who pinned comes from the server's identity of the authenticated user, not from the request.
    assert answer["pinned_by"] and payload["provenance"]["pinned_by"] == answer["pinned_by"]
    assert payload["provenance"]["pinned_at"] == answer["pinned_at"]
    assert payload["provenance"]["execution_count"] == view["execution_count"]
    accuracy = view["data"]["accuracy"]
    assert bundle["text/plain"].startswith(f"Confusion matrix of model on X_test (400 rows): accuracy {accuracy:.3f}")
    assert bundle["image/svg+xml"].startswith("<svg")
    # Small: aggregates, not rows.
    assert len(json.dumps(bundle)) < 30_000

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('symphony_lab.show(model, "confusion", X_test, y_test)')
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    cell.metadata["symphony_lab"] = {"pin": {"pinned_by": answer["pinned_by"], "pinned_at": answer["pinned_at"], "annotations": []}}
    nb.cells.append(cell)
    nbformat.validate(nb)
    body, _ = HTMLExporter().from_notebook_node(nbformat.reads(nbformat.writes(nb), as_version=4))
    assert "Confusion matrix of model on X_test" in body and "<svg" in body

    # The pin's code, run in the kernel, recreates the same data.
    await client.run('w = symphony_lab.show(model, "confusion", X_test, y_test)')
    again = json.loads((await client.value("__import__('json').dumps(w.views[0]['data'])")).strip("'"))
    assert again["matrix"] == view["data"]["matrix"] and again["accuracy"] == accuracy


@pytest.mark.parametrize(
    "body,message",
    [
        ({"spec": {"component": "summary", "variables": ["import os"]}, "data": {}}, "identifiers"),
        ({"spec": "summary", "data": {}}, "spec must be an object"),
        ([1, 2], "must be an object"),
        ({"spec": {"component": "summary", "variables": ["df"]}, "data": {"x": "y" * (5 * 1024 * 1024)}}, "over the"),
        ({"spec": {"component": "summary", "variables": ["df"], "state": {"filter": [{"column": "a", "op": "drop"}]}}, "data": {}}, "op must be"),
    ],
)
async def test_pin_refuses_bad_input(jp_fetch, body, message):
    with pytest.raises(HTTPClientError) as info:
        await _post(jp_fetch, "pins", body=body)
    assert info.value.code == 400
    assert message in json.loads(info.value.response.body)["message"]


async def test_export_route_writes_a_page(jp_fetch):
    data = {"rows": 3, "columns": [{"name": "a", "missing": 1, "fraction": 0.3333}], "complete_rows": 2, "patterns": []}
    spec = {"component": "missing", "variables": ["df"], "params": {}, "state": {"filter": []}}
    response = await jp_fetch(
        "symphony-lab", "api", "pins", "export", method="POST", body=json.dumps({"title": "Q3 <review>", "views": [{"spec": spec, "data": data}]})
    )
    page = response.body.decode()
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>Q3 &lt;review&gt;</title>" in page and "symphony-lab-data" in page
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("symphony-lab", "api", "pins", "export", method="POST", body=json.dumps({"views": []}))
    assert info.value.code == 400
    await asyncio.sleep(0)


BOARD_SETUP = """
import numpy as np, pandas as pd
import symphony_lab
rng = np.random.default_rng(3)
people = pd.DataFrame({"age": rng.integers(18, 80, size=300), "fare": rng.gamma(2.0, 10.0, size=300),
                       "sex": rng.choice(["F", "M"], size=300)})
"""


async def test_board_views_params_reach_the_kernel_and_export(kernel, user, wait_catalog, jp_ws_fetch, jp_fetch, tmp_path):
    """A board view with non-default parameters, exported from Python, carries those parameters and their data."""
    from .test_board_state import open_watch
    from .test_watcher import read_until

    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(BOARD_SETUP)
    await wait_catalog(kernel_id, lambda c: "people" in {v["name"] for v in c["variables"]})
    ws = await open_watch(jp_ws_fetch, kernel_id)
    params = {"column": "fare", "bins": 7}
    state = {"filter": [{"column": "age", "op": "range", "min": 30, "max": 60}],
             "views": [{"component": "distribution", "variables": ["people"], "params": params},
                       {"component": "summary", "variables": ["people"]},
                       {"component": "distribution", "variables": ["people"], "params": {"column": "age"}}]}
    await ws.write_message(json.dumps({"type": "state", "kernel_id": kernel_id, "state": state}))

    # The kernel hears of the views with their parameters, checked (defaults filled) by the server.
    seen = ""
    for _ in range(100):
        seen = await alice.value("__import__('json').dumps(symphony_lab.board_state()['views'])")
        if "fare" in seen:
            break
        await asyncio.sleep(0.05)
    views = json.loads(ast.literal_eval(seen))
    assert views[0] == {"component": "distribution", "variables": ["people"], "params": {"column": "fare", "by": None, "bins": 7}}
    assert views[1] == {"component": "summary", "variables": ["people"], "params": {}}

    # export("board") computes each view with its parameters and the board's filter.
    target = tmp_path / "board.html"
    await alice.run(f"symphony_lab.export('board', {str(target)!r})")
    page = target.read_text(encoding="utf-8")
    start = page.index('id="symphony-lab-data">') + len('id="symphony-lab-data">')
    exported = json.loads(page[start: page.index("</script>", start)])["views"]
    assert [v["spec"]["component"] for v in exported] == ["distribution", "summary", "distribution"]
    # The distribution of age draws the brush on age: as on the board, that clause does not filter it.
    own = exported[2]
    assert own["spec"]["state"]["filter"] == []
    assert sum(own["data"]["series"][0]["counts"]) == int(await alice.value("int(people.age.notna().sum())"))
    dist = exported[0]
    assert dist["spec"]["params"] == {"column": "fare", "by": None, "bins": 7}
    assert dist["spec"]["state"]["filter"] == state["filter"]
    assert dist["data"]["column"] == "fare" and len(dist["data"]["edges"]) == 8
    # The same data as the server computes for that view.
    response = await fetch_view(jp_fetch, kernel_id,
                                {"component": "distribution", "variables": ["people"], "params": params, "state": {"filter": state["filter"]}})
    served = json.loads(response.body)["data"]
    assert dist["data"]["edges"] == served["edges"] and dist["data"]["series"] == served["series"]
    assert sum(dist["data"]["series"][0]["counts"]) == int(await alice.value("int(people.age.between(30, 60).sum())"))

    # A view whose parameters the component refuses: the state is refused with a message, nothing changes.
    bad = {"filter": [], "views": [{"component": "distribution", "variables": ["people"], "params": {"bins": 1}}]}
    await ws.write_message(json.dumps({"type": "state", "kernel_id": kernel_id, "state": bad}))
    error = await read_until(ws, lambda m: m["type"] == "error")
    assert error["message"].startswith("Invalid board state") and "bins" in error["message"]
    assert "fare" in await alice.value("__import__('json').dumps(symphony_lab.board_state()['views'])")
    ws.close()
