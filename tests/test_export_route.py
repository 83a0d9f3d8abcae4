"""The panel's Export button (``POST /symphony-lab/api/pins/export`` with the board's kernel): the server asks
the kernel, silently, for the codes of the exported views' frames, made by the same code as ``export()``
(pins/cube.py), so that the downloaded page filters offline. Real server, real kernel."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tornado.httpclient import HTTPClientError

from .test_export import Page, _codes, _field, _histogram, _range_rows
from .helpers import fetch_view

SETUP = """
import numpy as np, pandas as pd
import symphony_lab
rng = np.random.default_rng(5)
n = 3000
people = pd.DataFrame({
    "age": rng.integers(18, 91, n).astype(float),
    "city": rng.choice(["Lyon", "Paris", "Nice", "Lille", "</script><b>x"], n),
    "income": rng.lognormal(10, 1, n),
})
people.loc[rng.random(n) < 0.1, "income"] = np.nan
people.loc[rng.random(n) < 0.05, "city"] = None
"""

SPECS = [
    {"component": "distribution", "variables": ["people"], "params": {"column": "age"}},
    {"component": "distribution", "variables": ["people"], "params": {"column": "city"}},
    {"component": "missing", "variables": ["people"], "params": {}},
    {"component": "summary", "variables": ["people"], "params": {}},
    {"component": "table", "variables": ["people"], "params": {}},
]


async def _view(jp_fetch: Any, kernel_id: str, spec: dict[str, Any], state: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {**spec, "state": state or {"filter": []}}
    response = await fetch_view(jp_fetch, kernel_id, body)
    return json.loads(response.body)


async def _export(jp_fetch: Any, body: Any, offline: str | None = None) -> str:
    """The page; ``offline``: what the X-Symphony-Lab-Offline header must say (``codes`` or ``none``)."""
    response = await jp_fetch("symphony-lab", "api", "pins", "export", method="POST", body=json.dumps(body))
    assert response.headers["Content-Type"].startswith("text/html")
    if offline is not None:
        assert response.headers["X-Symphony-Lab-Offline"] == offline
    return response.body.decode()


async def _export_error(jp_fetch: Any, body: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as info:
        await _export(jp_fetch, body)
    return info.value.code, json.loads(info.value.response.body)["message"]


def _embedded(page_text: str) -> dict[str, Any]:
    page = Page()
    page.feed(page_text)
    page.close()
    assert sum(1 for tag, _ in page.tags if tag == "script") == 2  # "</script>" in a category closes nothing
    return json.loads(page.data["symphony-lab-data"])


def _body(kernel_id: str, views: list[dict[str, Any]]) -> dict[str, Any]:
    """What the panel sends: each view's spec (with the state it was computed with), data and fingerprints."""
    return {
        "title": "Board of people",
        "kernel_id": kernel_id,
        "views": [
            {"spec": {k: v[k] for k in ("component", "variables", "params", "state")}, "data": v["data"],
             "fingerprints": v["fingerprints"]}
            for v in views
        ],
    }


@pytest.fixture
def people_kernel(kernel: Any, user: Any, wait_catalog: Any) -> Any:
    async def start() -> tuple[str, Any]:
        kernel_id = await kernel()
        client = await user(kernel_id)
        await client.run(SETUP)
        # A fresh kernel's first catalog can be late on a loaded machine (the watcher asks again with backoff).
        await wait_catalog(kernel_id, lambda c: "people" in {v["name"] for v in c["variables"]}, timeout=60)
        return kernel_id, client

    return start


async def test_the_route_page_carries_codes_that_filter_as_the_kernel_does(people_kernel, jp_fetch, tmp_path: Path):
    kernel_id, client = await people_kernel()
    views = [await _view(jp_fetch, kernel_id, spec) for spec in SPECS]
    before = len(client.iopub)
    embedded = _embedded(await _export(jp_fetch, _body(kernel_id, views), offline="codes"))

    # The page embeds exactly the panel's data, and the codes of the views' frame (all rows: under budget).
    assert [v["data"] for v in embedded["views"]] == [v["data"] for v in views]
    offline = embedded["offline"]
    assert [v.get("frame") for v in offline["views"]] == ["people"] * 4 + [None]
    assert "not computed again offline" in offline["views"][4]["reason"]
    (frame,) = offline["frames"]
    assert frame["rows"] == frame["sample_rows"] == 3000 and frame["sampled"] is False

    # A brush on age between two edges: the rows the codes keep are the kernel's, and the city counts read
    # from the codes are those of the city view the kernel computes with that filter.
    edges = views[0]["data"]["edges"]
    clause = {"column": "age", "op": "range", "min": edges[5], "max": edges[12]}
    kernel_city = (await _view(jp_fetch, kernel_id, SPECS[1], {"filter": [clause]}))["data"]
    rows = _range_rows(frame, "age", edges[5], edges[12])
    assert int(rows.sum()) == kernel_city["filtered_rows"]
    city = _field(frame, "city", "categories")
    codes = _codes(city)[rows]
    counts = {c: int((codes == 2 + i).sum()) for i, c in enumerate(city["categories"])}
    assert {c: n for c, n in zip(kernel_city["categories"], kernel_city["series"][0]["counts"])} == {
        c: n for c, n in counts.items() if n
    }
    assert int((codes == 0).sum()) == kernel_city["missing"]

    # A city filter: the age histogram in the exported bins and the missing incomes are the kernel's.
    lyon = {"column": "city", "op": "in", "values": ["Lyon", "</script><b>x"]}
    kernel_age = (await _view(jp_fetch, kernel_id, SPECS[0], {"filter": [lyon]}))["data"]
    picked = np.isin(_codes(city), [2 + city["categories"].index(v) for v in lyon["values"]])
    assert _histogram(frame, "age", edges, picked) == kernel_age["series"][0]["counts"]
    kernel_missing = (await _view(jp_fetch, kernel_id, SPECS[2], {"filter": [lyon]}))["data"]
    income = _codes(next(f for f in frame["fields"] if f["column"] == "income"))
    assert {c["name"]: c["missing"] for c in kernel_missing["columns"]}["income"] == int((income[picked] == 0).sum())

    # The same kernel-side code as export(): a page written by export() in the kernel carries the same codes.
    target = tmp_path / "from-python.html"
    await client.run(
        "symphony_lab.export([symphony_lab.show(people, 'distribution', column='age'),"
        " symphony_lab.show(people, 'distribution', column='city'), symphony_lab.show(people, 'missing'),"
        f" symphony_lab.show(people, 'summary'), symphony_lab.show(people, 'table')], {str(target)!r})"
    )
    python = _embedded(target.read_text(encoding="utf-8"))
    assert python["offline"]["frames"] == offline["frames"]
    assert python["offline"]["views"] == offline["views"]

    # The request left no trace in the user's session: nothing but status messages for it on IOPub.
    ours = [m for m in client.iopub[before:] if m["parent_header"].get("session") != client.client.session.session]
    assert {m["msg_type"] for m in ours} <= {"status"}


async def test_the_route_refuses_names_that_are_not_variable_names(people_kernel, jp_fetch):
    kernel_id, client = await people_kernel()
    view = await _view(jp_fetch, kernel_id, SPECS[0])
    good = _body(kernel_id, [view])
    hostile = [
        (["__import__"], "identifiers"),  # private: never looked up
        (["os.system('touch /tmp/pwned')"], "identifiers"),
        (["__builtins__"], "identifiers"),
    ]
    for variables, message in hostile:
        body = json.loads(json.dumps(good))
        body["views"][0]["spec"]["variables"] = variables
        code, text = await _export_error(jp_fetch, body)
        assert code == 400 and message in text, text
    for key, value, message in [
        ("kernel_id", "../../etc", "kernel_id"),
        ("kernel_id", 12, "kernel_id"),
    ]:
        code, text = await _export_error(jp_fetch, {**good, key: value})
        assert code == 400 and message in text
    bad = json.loads(json.dumps(good))
    bad["views"][0]["fingerprints"] = "people"
    assert (await _export_error(jp_fetch, bad))[0] == 400
    bad = json.loads(json.dumps(good))
    bad["views"][0]["spec"]["params"] = {"column": "age", "bins": "all of them"}
    assert (await _export_error(jp_fetch, bad))[0] == 400
    assert not Path("/tmp/pwned").exists()
    # The kernel still holds what it held; the good request works.
    assert "offline" in _embedded(await _export(jp_fetch, good))

    # Data made up to make the kernel work (200,000 categories, 32 filters of 1,000 values): bounded.
    city = await _view(jp_fetch, kernel_id, SPECS[1])
    city["data"] = {**city["data"], "categories": [f"c{i}" for i in range(200_000)]}
    city["state"] = {"filter": [{"column": f"x{j}", "op": "in", "values": [f"v{j}-{i}" for i in range(1000)]}
                                for j in range(32)]}
    offline = _embedded(await _export(jp_fetch, _body(kernel_id, [city])))["offline"]
    (frame,) = offline["frames"]
    assert len(_field(frame, "city", "categories")["categories"]) == 256


async def test_busy_kernel_409_and_kernels_that_cannot_encode_say_why(people_kernel, jp_fetch, jp_serverapp, wait_catalog):
    kernel_id, client = await people_kernel()
    views = [await _view(jp_fetch, kernel_id, spec) for spec in SPECS[:2]]
    body = _body(kernel_id, views)

    # Busy with someone's cell: never queued in front of it, a 409 at once.
    sleeper = client.submit("import time\ntime.sleep(30)")
    await wait_catalog(kernel_id, lambda c: c["state"] == "busy", timeout=10)
    code, text = await _export_error(jp_fetch, body)
    assert code == 409 and "busy" in text
    await jp_serverapp.kernel_manager.interrupt_kernel(kernel_id)
    await asyncio.wait_for(sleeper, 30)
    await wait_catalog(kernel_id, lambda c: c["state"] == "idle", timeout=10)

    # A variable changed since the views were computed: their data no longer describes it; said per view.
    await client.run("people = people.head(100)")
    await wait_catalog(kernel_id, lambda c: any(v["name"] == "people" and v["shape"][0] == 100 for v in c["variables"]))
    offline = _embedded(await _export(jp_fetch, body))["offline"]
    assert offline["frames"] == []
    assert all("people changed after the view was computed" in v["reason"] for v in offline["views"])

    # A variable gone: the page is written from the panel's data, without codes, and says why.
    await client.run("del people")
    await wait_catalog(kernel_id, lambda c: "people" not in {v["name"] for v in c["variables"]})
    page = await _export(jp_fetch, body)
    offline = _embedded(page)["offline"]
    assert offline["frames"] == [] and all("no variable people" in v["reason"] for v in offline["views"])
    assert "filter or a selection made here is drawn, not computed again" in page

    # The kernel shut down: the page says that no codes could be embedded, and why.
    await jp_serverapp.kernel_manager.shutdown_kernel(kernel_id, now=True)
    page = await _export(jp_fetch, body, offline="none")
    offline = _embedded(page)["offline"]
    assert offline["frames"] == [] and offline["reason"] == "the kernel is not running any more"
    assert "No codes of the rows were embedded: the kernel is not running any more." in page


async def test_beyond_the_budget_the_route_codes_a_marked_sample(people_kernel, jp_fetch, jp_serverapp):
    kernel_id, _ = await people_kernel()
    jp_serverapp.web_app.settings["symphony_lab_export_budget"] = 4000
    views = [await _view(jp_fetch, kernel_id, spec) for spec in SPECS[:3]]
    page = await _export(jp_fetch, _body(kernel_id, views))
    (frame,) = _embedded(page)["offline"]["frames"]
    per_row = sum(1 if f["dtype"] == "uint8" else 2 for f in frame["fields"])
    assert frame["sampled"] is True and frame["rows"] == 3000 and frame["seed"] == 0
    assert frame["sample_rows"] == 4000 // per_row
    assert all(len(_codes(f)) == frame["sample_rows"] for f in frame["fields"])
    assert f"estimated from a sample of {frame['sample_rows']:,} of 3,000 rows" in page
