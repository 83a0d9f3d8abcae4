"""Components, suggestions and findings against a real server and real kernels, on frames with planted
issues whose answers are known."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .helpers import names

PLANTED = """
import numpy as np, pandas as pd
rng = np.random.default_rng(7)
n = 2000
train = pd.DataFrame({
    "age": rng.integers(18, 90, n).astype(float),
    "income": rng.normal(50_000, 12_000, n).round(2),
    "score": rng.random(n),                           # unique per row: no duplicates but the planted ones
    "sex": rng.choice(["F", "M"], n),
    "country": "NL",                                  # planted: a constant column
    "label": rng.choice(["ok", "fraud"], n, p=[0.985, 0.015]),   # planted: a rare class
})
train.loc[rng.choice(n, 1400, replace=False), "income"] = np.nan     # planted: 70% missing
train = pd.concat([train, train.iloc[:37]], ignore_index=True)      # planted: 37 duplicate rows
fresh = pd.DataFrame({"age": 200.0 + np.arange(300), "income": 1.0, "sex": "F", "country": "NL", "label": "ok"})
test = pd.concat([train.iloc[500:712], fresh], ignore_index=True)   # planted: 212 test rows also in train
del fresh
y_train = train["label"]                                           # a Series: 1-d shape, a label by its name
"""


async def view(jp_fetch, kernel_id, body, patience: float = 30.0):
    """POST a view. A 409 (the kernel is running a cell, or its catalog is being refreshed after one) is
    asked again, as the board does, for up to ``patience`` seconds; any other error is raised."""
    import asyncio
    import time

    deadline = time.monotonic() + patience
    while True:
        try:
            response = await jp_fetch(
                "symphony-lab", "api", "kernels", kernel_id, "views", method="POST", body=json.dumps(body)
            )
            return json.loads(response.body)
        except HTTPClientError as exc:
            if exc.code != 409 or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def suggestions(jp_fetch, kernel_id):
    response = await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "suggestions")
    return json.loads(response.body)


@pytest.fixture
def planted(kernel, user, wait_catalog):
    async def setup() -> str:
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(PLANTED, timeout=60)
        await wait_catalog(kernel_id, lambda c: "test" in names(c))
        return kernel_id

    return setup


async def wait_findings(jp_fetch, kernel_id, predicate, timeout: float = 60.0):
    """Suggestions once they satisfy ``predicate`` (profiles run when the kernel is idle, in the background)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = await suggestions(jp_fetch, kernel_id)
        if predicate(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"suggestions never matched: {json.dumps(result)[:3000]}")
        await asyncio.sleep(0.1)


async def test_findings_name_the_planted_issues(planted, jp_fetch):
    kernel_id = await planted()
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "leakage" for f in r["findings"]))
    by_kind = {}
    for f in result["findings"]:
        by_kind.setdefault(f["kind"], []).append(f)
    leak = by_kind["leakage"][0]
    assert leak["variables"] == ["test", "train"] and leak["severity"] == "high"
    assert leak["evidence"]["rows_b_in_a"] == 212
    assert leak["message"].startswith("212 rows of test also appear in train")
    dup = next(f for f in by_kind["duplicates"] if f["variables"] == ["train"])
    assert dup["evidence"]["extra_copies"] == 37
    assert any(f["evidence"]["column"] == "country" for f in by_kind["constant_column"])
    assert any(f["evidence"]["column"] == "income" for f in by_kind["mostly_missing"])
    rare = next(f for f in by_kind["rare_class"] if f["variables"] == ["train"])
    assert rare["evidence"]["class"] == "fraud"
    rare_series = next(f for f in by_kind["rare_class"] if f["variables"] == ["y_train"])
    assert rare_series["evidence"]["class"] == "fraud"
    # Severity orders them: high first.
    severities = [f["severity"] for f in result["findings"]]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)


async def test_suggestions_rank_matching_components_first(planted, jp_fetch):
    kernel_id = await planted()
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "leakage" for f in r["findings"]))
    top = result["suggestions"][:2]
    assert top[0]["component"] == "duplicates" and top[0]["variables"] == ["test", "train"]
    assert "212 rows of test also appear in train" in top[0]["reason"]
    assert top[1]["component"] == "duplicates" and top[1]["variables"] == ["train"]
    series_suggestions = [s["component"] for s in result["suggestions"] if s["variables"] == ["y_train"]]
    assert "summary" in series_suggestions and "distribution" in series_suggestions
    train_suggestions = [s["component"] for s in result["suggestions"] if s["variables"] == ["train"]]
    assert train_suggestions.index("missing") < train_suggestions.index("summary")
    # Deterministic: asking again gives the same answer.
    assert (await suggestions(jp_fetch, kernel_id))["suggestions"] == result["suggestions"]


async def test_component_data_is_right(planted, jp_fetch):
    kernel_id = await planted()
    summary = await view(jp_fetch, kernel_id, {"component": "summary", "variables": ["train"]})
    cols = {c["name"]: c for c in summary["data"]["columns"]}
    assert summary["data"]["rows"] == 2037 and summary["params"] == {"bins": 20}
    assert cols["country"]["distinct"] == 1 and cols["income"]["missing"] > 1400 * 0.9
    assert cols["age"]["min"] >= 18 and cols["age"]["max"] < 90
    assert sum(cols["age"]["histogram"]["counts"]) == 2037

    dups = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["train"]})
    assert dups["data"]["extra_copies"] == 37 and dups["data"]["groups_total"] == 37
    assert dups["data"]["groups"][0]["size"] == 2 and len(dups["data"]["groups"][0]["index"]) == 2

    leak = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["test", "train"]})
    assert leak["data"]["mode"] == "across" and leak["data"]["rows_in_other"] == 212

    missing = await view(jp_fetch, kernel_id, {"component": "missing", "variables": ["train"]})
    income = next(c for c in missing["data"]["columns"] if c["name"] == "income")
    assert income["missing"] == sum(p["count"] for p in missing["data"]["patterns"] if "income" in p["columns"])

    dist = await view(jp_fetch, kernel_id, {"component": "distribution", "variables": ["train"], "params": {"column": "sex"}})
    assert dist["data"]["kind"] == "text" and sorted(dist["data"]["categories"]) == ["F", "M"]
    assert sum(dist["data"]["series"][0]["counts"]) == 2037


async def test_shared_filter_changes_the_other_views(planted, jp_fetch):
    kernel_id = await planted()
    state = {"filter": [{"column": "age", "op": "range", "min": 18, "max": 30}]}
    unfiltered = await view(jp_fetch, kernel_id, {"component": "summary", "variables": ["train"]})
    filtered = await view(jp_fetch, kernel_id, {"component": "summary", "variables": ["train"], "state": state})
    age = next(c for c in filtered["data"]["columns"] if c["name"] == "age")
    assert age["max"] <= 30 and age["min"] >= 18
    assert filtered["data"]["filtered_rows"] < unfiltered["data"]["filtered_rows"] == 2037
    dups = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["train"], "state": state})
    assert dups["data"]["filtered_rows"] == filtered["data"]["filtered_rows"]
    assert 0 < dups["data"]["extra_copies"] < 37
    by_sex = {"filter": [{"column": "sex", "op": "in", "values": ["F"]}]}
    dist = await view(jp_fetch, kernel_id, {"component": "distribution", "variables": ["train"], "params": {"column": "sex"}, "state": by_sex})
    assert dist["data"]["categories"] == ["F"]
    again = await view(jp_fetch, kernel_id, {"component": "summary", "variables": ["train"], "state": state})
    assert again["cached"] is True and again["data"] == filtered["data"]


@pytest.mark.parametrize(
    "body,status,words",
    [
        ({"component": "nope", "variables": ["train"]}, 400, "unknown component"),
        ({"component": "summary", "variables": ["__import__('os')"]}, 400, "identifiers"),
        ({"component": "summary", "variables": ["train", "test"]}, 400, "1 to 1"),
        ({"component": "summary", "variables": ["train"], "params": {"bins": "many"}}, 400, "summary.bins must be of type integer"),
        ({"component": "summary", "variables": ["train"], "params": {"bins": 10_000}}, 400, "at most 100"),
        ({"component": "summary", "variables": ["train"], "params": {"rm": 1}}, 400, "unknown parameter 'rm'"),
        ({"component": "distribution", "variables": ["train"], "params": {"column": "nope"}}, 400, "no column 'nope'"),
        ({"component": "summary", "variables": ["train"], "state": {"filter": [{"column": "age", "op": "drop"}]}}, 400, "op must be"),
        ({"component": "summary", "variables": ["ghost"]}, 404, "no variable ghost"),
        ([1, 2], 400, "JSON object"),
    ],
)
async def test_bad_view_requests_get_clear_errors(planted, jp_fetch, body, status, words):
    kernel_id = await planted()
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, body)
    assert info.value.code == status
    message = json.loads(info.value.response.body)["message"]
    assert words in message


async def test_components_route_lists_the_registry(jp_fetch):
    response = await jp_fetch("symphony-lab", "api", "components")
    listed = {c["name"]: c for c in json.loads(response.body)["components"]}
    assert {"summary", "distribution", "missing", "duplicates"} <= set(listed)
    assert listed["duplicates"]["arity"] == [1, 2]
    assert listed["summary"]["params_schema"]["properties"]["bins"]["default"] == 20


async def test_profiles_are_taken_once_per_change(kernel, user, wait_catalog, jp_fetch, registry):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1, 1, 2]})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "duplicates" for f in r["findings"]))
    watcher = await registry.get(kernel_id)
    profiled = dict(watcher.analysis._profiles)
    count = watcher.catalog.execution_count
    await alice.run("x = 1")
    await wait_catalog(kernel_id, lambda c: c["execution_count"] == count + 1)
    assert watcher.analysis._profiles == profiled  # nothing changed: nothing profiled again
    await alice.run("df.loc[3] = [5]")
    await wait_findings(jp_fetch, kernel_id, lambda r: r["execution_count"] == count + 2)
    assert set(watcher.analysis._profiles) != set(profiled)


@pytest.fixture
def example_component(tmp_path, monkeypatch):
    """Install examples/components/memory the way pip would (a dist-info with the entry point), on a
    path both the server and the kernels see: a third party's component, loaded like ours."""
    from pathlib import Path

    from symphony_lab.components import load_components

    source = Path(__file__).resolve().parents[1] / "examples" / "components" / "memory"
    site = tmp_path / "site"
    info = site / "symphony_example_memory-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: symphony-example-memory\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[symphony_lab.components]\nmemory = symphony_memory:Memory\n")
    (site / "symphony_memory.py").write_text((source / "symphony_memory.py").read_text())
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))
    load_components(refresh=True)
    yield "memory"
    monkeypatch.undo()
    load_components(refresh=True)


async def test_a_third_party_component_is_loaded_and_computed(example_component, kernel, user, wait_catalog, jp_fetch):
    listed = json.loads((await jp_fetch("symphony-lab", "api", "components")).body)["components"]
    assert "memory" in {c["name"] for c in listed}
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'n': range(1000), 's': ['some text'] * 1000})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    result = await view(jp_fetch, kernel_id, {"component": "memory", "variables": ["df"], "params": {"top": 2}})
    columns = {c["name"]: c["bytes"] for c in result["data"]["columns"]}
    assert set(columns) == {"n", "s"} and columns["s"] > 9 * 1000
    found = await wait_findings(jp_fetch, kernel_id, lambda r: any(s["component"] == "memory" for s in r["suggestions"]))
    assert any(s["component"] == "memory" and s["variables"] == ["df"] for s in found["suggestions"])


async def test_outliers_and_correlations_find_what_was_planted(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(3)\n"
        "m = pd.DataFrame({'height': rng.normal(170, 10, 3000), 'city': rng.choice(['A', 'B', 'C'], 3000)})\n"
        "m['weight'] = m['height'] * 0.9 - 80 + rng.normal(0, 2, 3000)\n"
        "m['noise'] = rng.normal(size=3000)\n"
        "m.loc[1234, ['height', 'weight']] = [120.0, 95.0]   # planted: short and heavy\n",
        timeout=60,
    )
    await wait_catalog(kernel_id, lambda c: "m" in names(c))
    out = await view(jp_fetch, kernel_id, {"component": "outliers", "variables": ["m"], "params": {"top": 5}})
    first = out["data"]["outliers"][0]
    assert first["index"] == 1234 and set(first["because"][:2]) == {"height", "weight"}
    corr = await view(jp_fetch, kernel_id, {"component": "correlations", "variables": ["m"]})
    strongest = corr["data"]["strongest"][0]
    assert {strongest["a"], strongest["b"]} == {"height", "weight"} and strongest["value"] > 0.9
    cols = [c["name"] for c in corr["data"]["columns"]]
    i, j = cols.index("height"), cols.index("noise")
    assert abs(corr["data"]["matrix"][i][j]) < 0.1


async def test_table_pages_sort_and_follow_the_filter(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\n"
        "t = pd.DataFrame({'k': np.arange(1000) % 97, 'v': np.arange(1000.0), 's': [f'r{i}' for i in range(1000)]})\n"
        "t.loc[5, 'v'] = np.nan\n"
    )
    await wait_catalog(kernel_id, lambda c: "t" in names(c))
    first = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "params": {"page_size": 10}})
    assert first["data"]["pages"] == 100 and first["data"]["index"] == list(range(10))
    assert [c["name"] for c in first["data"]["columns"]] == ["k", "v", "s"]
    assert first["data"]["values"][5] == [5, None, "r5"]
    desc = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "params": {"page_size": 3, "sort": "v", "descending": True}})
    assert [row[1] for row in desc["data"]["values"]] == [999.0, 998.0, 997.0]
    # k == 0 on 11 rows (0, 97, ..., 970): sorted by k, positions 9 to 11 are 0, 0, 1.
    page3 = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "params": {"page_size": 3, "page": 3, "sort": "k"}})
    assert [row[0] for row in page3["data"]["values"]] == [0, 0, 1]
    last = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "params": {"page_size": 10, "page": 99, "sort": "v"}})
    assert last["data"]["values"][-1][1] is None  # missing values sort last
    state = {"filter": [{"column": "k", "op": "range", "min": 0, "max": 0}]}
    filtered = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "state": state})
    assert filtered["data"]["filtered_rows"] == 11 and {row[0] for row in filtered["data"]["values"]} == {0}
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, {"component": "table", "variables": ["t"], "params": {"sort": "zzz"}})
    assert info.value.code == 400


async def test_near_duplicates_are_found_beside_exact_ones(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import pandas as pd\n"
        "people = pd.DataFrame({'name': ['Ada Lovelace', ' ada  lovelace', 'Alan Turing', 'Alan Turing', 'Grace Hopper'],\n"
        "                       'score': [0.1 + 0.2, 0.3, 1.0, 1.0, 2.0]})\n"
    )
    await wait_catalog(kernel_id, lambda c: "people" in names(c))
    exact = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["people"]})
    assert exact["data"]["groups_total"] == 1 and exact["data"]["groups"][0]["index"] == [2, 3]
    near = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["people"], "params": {"near": True}})
    groups = {tuple(g["index"]): g["exact"] for g in near["data"]["groups"]}
    assert groups == {(0, 1): False, (2, 3): True}


async def test_a_view_nobody_waits_for_is_cancelled_in_the_kernel(
    kernel, user, wait_catalog, jp_fetch, registry, http_server_client, jp_base_url, jp_auth_header
):
    """The browser gives up on a long view (its request is closed): the kernel is interrupted, so the
    user's next cell runs at once instead of after the computation; the namespace is intact."""
    import time

    from tornado.httpclient import HTTPClientError as ClientError

    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\nrng = np.random.default_rng(0)\n"
        "words = np.array([f'  Name {i} ' for i in range(50_000)])\n"
        "big = pd.DataFrame({'name': words[rng.integers(0, 50_000, 3_000_000)], 'x': rng.random(3_000_000)})",
        timeout=120,
    )
    await wait_catalog(kernel_id, lambda c: "big" in names(c), timeout=60)
    watcher = await registry.get(kernel_id)
    await watcher.wait_analysis(60)
    started = time.monotonic()
    await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["big"], "params": {"near": True}})
    full = time.monotonic() - started
    assert full > 1.0, "the computation must be long enough to cancel"

    url = f"{jp_base_url.rstrip('/')}/symphony-lab/api/kernels/{kernel_id}/views"
    body = json.dumps({"component": "duplicates", "variables": ["big"], "params": {"near": True, "page": 1}})
    with pytest.raises(ClientError):  # the browser's request is dropped after 0.3 s
        await http_server_client.fetch(url, method="POST", body=body, headers=jp_auth_header, request_timeout=0.3)
    started = time.monotonic()
    await alice.run("x = 1")
    assert time.monotonic() - started < full / 2
    assert await alice.value("big.shape") == "(3000000, 2)"
