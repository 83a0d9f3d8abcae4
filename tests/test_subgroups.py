"""Subgroup metrics and blind spots against a real server and real kernels, with real scikit-learn models
on data made here with a planted subgroup where the model fails."""

from __future__ import annotations

import json
import re

import pytest
from tornado.httpclient import HTTPClientError

from .helpers import names
from .test_components import view as _view, wait_findings


async def view(jp_fetch, kernel_id, body, tries=100):
    """A view, asked again while the kernel is still busy with a cell that just ran (409)."""
    import asyncio

    for _ in range(tries):
        try:
            return await _view(jp_fetch, kernel_id, body)
        except HTTPClientError as exc:
            if exc.code != 409:
                raise
            await asyncio.sleep(0.1)
    return await _view(jp_fetch, kernel_id, body)

# A classifier fitted on clean data; on the test split, 60% of the labels of women over 75 follow another
# rule: the model fails there (and only there).
PLANTED = """
import numpy as np, pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
rng = np.random.default_rng(11)
def make(n):
    X = pd.DataFrame({
        "age": rng.uniform(18, 98, n).round(1),
        "sex": pd.Categorical(rng.choice(["F", "M"], n)),
        "x1": rng.normal(size=n),
        "x2": rng.normal(size=n),
        "plan": pd.Categorical(rng.choice(["basic", "plus", "pro"], n)),
    })
    y = pd.Series((X["x1"] + 0.5 * X["x2"] > 0).astype(int), name="y")
    return X, y
X_train, y_train = make(3000)
X_test, y_test = make(6000)
planted = (X_test["sex"] == "F").to_numpy() & (X_test["age"] > 78).to_numpy()
flip = planted & (rng.random(len(planted)) < 0.6)
y_test[flip] = 1 - y_test[flip]
clf = HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(X_train, y_train)
"""

FINDING = re.compile(r"^accuracy on `(?P<slice>[^`]+)` is (?P<value>\d\.\d\d) against (?P<overall>\d\.\d\d) overall \(n=(?P<n>[\d,]+)\)$")


@pytest.fixture
def planted(kernel, user, wait_catalog):
    async def setup(code: str = PLANTED, wait_for: str = "clf"):
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(code, timeout=90)
        await wait_catalog(kernel_id, lambda c: wait_for in names(c))
        return kernel_id, alice

    return setup


def _selection(slice_: dict, variables: list[str], params: dict | None = None) -> dict:
    return {"component": "subgroups", "variables": variables, "params": params or {}, "spec": {"conditions": slice_["conditions"]},
            "label": slice_["label"]}


async def test_the_planted_blind_spot_is_ranked_first_and_named_with_its_numbers(planted, jp_fetch):
    kernel_id, alice = await planted()
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "blind_spot" for f in r["findings"]))
    finding = next(f for f in result["findings"] if f["kind"] == "blind_spot")
    assert finding["variables"] == ["clf", "X_test", "y_test"] and finding["component"] == "subgroups"
    match = FINDING.match(finding["message"])
    assert match, finding["message"]
    conditions = finding["evidence"]["conditions"]
    assert {c["column"] for c in conditions} == {"sex", "age"}
    sex = next(c for c in conditions if c["column"] == "sex")
    age = next(c for c in conditions if c["column"] == "age")
    assert sex == {"column": "sex", "op": "eq", "value": "F"}
    assert age["op"] == "range" and age["max"] is None and 70 <= age["min"] <= 80
    assert match["slice"] == f"sex=F & age>{age['min']:g}" or match["slice"] == f"age>{age['min']:g} & sex=F"
    # the numbers, recomputed here with pandas and scikit-learn
    check = (
        f"(lambda m: (round(float((clf.predict(X_test[m]) == y_test[m]).mean()), 2), int(m.sum()),"
        f" round(float((clf.predict(X_test) == y_test).mean()), 2)))"
        f"((X_test['sex'] == 'F') & (X_test['age'] > {age['min']!r}))"
    )
    value, n, overall = json.loads((await alice.value(check)).replace("(", "[").replace(")", "]"))
    assert float(match["value"]) == pytest.approx(value, abs=0.006)
    assert float(match["overall"]) == pytest.approx(overall, abs=0.006)
    assert int(match["n"].replace(",", "")) == n
    assert finding["evidence"]["value"] < finding["evidence"]["overall"] - 0.2
    # the suggestion says it too
    suggestion = next(s for s in result["suggestions"] if s["component"] == "subgroups" and s["variables"][1] == "X_test")
    assert match["slice"] in suggestion["reason"]

    # the view: the same slice first, its interval above none of the others' worst case, sizes and support
    data = (await view(jp_fetch, kernel_id, {"component": "subgroups", "variables": ["clf", "X_test", "y_test"]}))["data"]
    assert data["task"] == "classifier" and data["metric"] == "accuracy"
    top = data["slices"][0]
    assert top["conditions"] == conditions and top["n"] == n and top["significant"]
    assert top["low"] <= top["value"] <= top["high"] < data["overall"]["value"]
    assert data["overall"]["n"] == 6000 and data["overall"]["value"] == pytest.approx(overall, abs=0.005)
    assert all(s["n"] >= data["search"]["min_support"] for s in data["slices"])
    assert [s["worse"] for s in data["slices"]] == sorted((s["worse"] for s in data["slices"]), reverse=True)
    assert set(data["search"]["columns"]) == {"age", "sex", "x1", "x2", "plan"} and data["search"]["depth"] == 3
    planted_rows = int(await alice.value("int(planted.sum())"))
    overlap = int(await alice.value(f"int((planted & (X_test['sex'] == 'F').to_numpy() & (X_test['age'] > {age['min']!r}).to_numpy()).sum())"))
    assert overlap / max(planted_rows, n) > 0.85

    # a slice selects its rows in every other view
    selection = _selection(top, ["clf", "X_test", "y_test"])
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_test"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == n
    assert table["selection"]["rows"] == n and table["selection"]["source"] is False


async def test_chosen_columns_and_the_boards_group_by_break_the_metric_down(planted, jp_fetch):
    kernel_id, alice = await planted()
    body = {"component": "subgroups", "variables": ["clf", "X_test", "y_test"], "params": {"column": "plan", "by": "sex"}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    items = data["breakdown"]["items"]
    assert data["breakdown"]["column"] == "plan" and data["breakdown"]["by"] == "sex" and len(items) == 6
    expected = json.loads(
        (await alice.value(
            "__import__('json').dumps({f'plan={p} & sex={s}': [int(m.sum()), float((clf.predict(X_test[m]) == y_test[m]).mean())]"
            " for p in ['basic', 'plus', 'pro'] for s in ['F', 'M']"
            " for m in [((X_test['plan'] == p) & (X_test['sex'] == s)).to_numpy()]})"
        )).strip("'")
    )
    assert {i["label"]: [i["n"], pytest.approx(i["value"])] for i in items} == expected
    # no column chosen: the board's group-by is the breakdown; with a filter, only its rows count
    state = {"groups": {"column": "sex"}, "filter": [{"column": "age", "op": "range", "min": None, "max": 50}]}
    data = (await view(jp_fetch, kernel_id, {"component": "subgroups", "variables": ["clf", "X_test", "y_test"], "state": state}))["data"]
    assert data["breakdown"]["column"] == "sex" and data["breakdown"]["by"] is None
    rows = int(await alice.value("int((X_test['age'] <= 50).sum())"))
    assert data["filtered_rows"] == rows and sum(i["n"] for i in data["breakdown"]["items"]) == rows
    # under 50 the model does not fail: nothing there is significantly worse than overall
    assert not any(s["significant"] and s["gap"] > 0.1 for s in data["slices"])


REGRESSION = """
import numpy as np, pandas as pd
from sklearn.linear_model import LinearRegression
rng = np.random.default_rng(5)
n = 5000
houses = pd.DataFrame({"area": rng.uniform(30, 200, n), "rooms": rng.integers(1, 6, n),
                       "city": rng.choice(["north", "south", "east", "west"], n), "price": 0.0})
noisy = (houses["city"] == "east").to_numpy()
houses["price"] = 3 * houses["area"] + 10 * houses["rooms"] + rng.normal(0, 5, n) + noisy * rng.normal(0, 60, n)
reg = LinearRegression().fit(houses[["area", "rooms"]], houses["price"])
"""


async def test_regression_gets_error_metrics_per_slice(planted, jp_fetch):
    kernel_id, alice = await planted(REGRESSION, wait_for="reg")
    body = {"component": "subgroups", "variables": ["reg", "houses"], "params": {"label": "price", "column": "city"}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    assert data["task"] == "regressor" and data["metric"] == "mae" and data["higher_is_better"] is False
    top = data["slices"][0]
    assert top["label"] == "city=east" and top["significant"] and top["value"] > 2 * data["overall"]["value"]
    truth = json.loads(
        (await alice.value(
            "__import__('json').dumps({c: [float(np.abs(e[m]).mean()), float(np.sqrt((e[m] ** 2).mean())), int(m.sum())]"
            " for e in [reg.predict(houses[['area', 'rooms']]) - houses['price'].to_numpy()]"
            " for c in ['north', 'south', 'east', 'west'] for m in [(houses['city'] == c).to_numpy()]})"
        )).strip("'")
    )
    by_city = {i["conditions"][0]["value"]: i for i in data["breakdown"]["items"]}
    for city, (mae, rmse, n) in truth.items():
        assert by_city[city]["n"] == n
        assert by_city[city]["value"] == pytest.approx(mae) and by_city[city]["rmse"] == pytest.approx(rmse)
        assert by_city[city]["low"] < mae < by_city[city]["high"]
    # the price column is the label: never a slice
    assert "price" not in data["search"]["columns"]


HOSTILE = """
import numpy as np, pandas as pd
rng = np.random.default_rng(2)
n = 400
name = "__import__('os').system('touch /tmp/owned') & `x`"
scores = pd.DataFrame({name: rng.choice(["a\\"b", "<img src=x>"], n), "label": rng.integers(0, 2, n)})
scores["prediction"] = np.where(scores[name] == "a\\"b", 1 - scores["label"], scores["label"])
"""


async def test_hostile_column_names_are_data_and_bad_params_get_a_400(planted, jp_fetch):
    kernel_id, alice = await planted(HOSTILE, wait_for="scores")
    name = "__import__('os').system('touch /tmp/owned') & `x`"
    params = {"label": "label", "prediction": "prediction", "column": name}
    data = (await view(jp_fetch, kernel_id, {"component": "subgroups", "variables": ["scores"], "params": params}))["data"]
    assert data["slices"][0]["label"] == f'{name}=a"b' and data["slices"][0]["value"] == 0.0
    assert {i["label"] for i in data["breakdown"]["items"]} == {f'{name}=a"b', f"{name}=<img src=x>"}
    assert await alice.value("__import__('os').path.exists('/tmp/owned')") == "False"
    selection = _selection(data["slices"][0], ["scores"], {"label": "label", "prediction": "prediction"})
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["scores"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == data["slices"][0]["n"]
    bad = [
        ({"component": "subgroups", "variables": ["scores"], "params": {**params, "column": "nope"}}, "not a column"),
        ({"component": "subgroups", "variables": ["scores"], "params": {**params, "bins": 1}}, "bins"),
        ({"component": "subgroups", "variables": ["scores"], "params": {"label": "label"}}, "prediction"),
    ]
    for body, message in bad:
        with pytest.raises(HTTPClientError) as info:
            await view(jp_fetch, kernel_id, body)
        assert info.value.code == 400, body
        assert message in json.loads(info.value.response.body)["message"], body
    # a selection the component refuses is reported on the view and not applied (no row is lost)
    refused = [
        ({"conditions": [{"column": name, "op": "exec", "value": "x"}]}, "op must be one of"),
        ({"conditions": []}, "1 to 3 conditions"),
        ({"conditions": [{"column": "ghost", "op": "eq", "value": 1}]}, "not a column"),
        ({"conditions": [{"column": name, "op": "range", "min": "0"}]}, "must be a number"),
        ({"rows": "all"}, "needs conditions"),
    ]
    for spec, message in refused:
        body = {"component": "table", "variables": ["scores"], "state": {"selection": dict(selection, spec=spec)}}
        table = await view(jp_fetch, kernel_id, body)
        assert table["data"]["filtered_rows"] == 400
        assert message in table["selection"]["error"], spec
