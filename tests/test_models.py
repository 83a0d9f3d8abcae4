"""Model components on real kernels and real scikit-learn models: pairing, confusion matrix, drift and the
model card, on data made here with a planted truth."""

from __future__ import annotations

import ast
import json

import pytest
from tornado.httpclient import HTTPClientError

from .helpers import names
from .test_components import view, wait_findings

SETUP = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
rng = np.random.default_rng(3)
n = 3000
frame = pd.DataFrame({
    "a": rng.normal(0, 1, n),
    "b": rng.normal(0, 1, n),
    "c": rng.normal(0, 1, n),
    "group": rng.choice(["north", "south", "east"], n),
})
logit = 2.5 * frame["a"] - 1.5 * frame["b"]
species = np.where(logit > 1, "setosa", np.where(logit < -1, "virginica", "versicolor"))
features = frame[["a", "b", "c"]]
X_train, X_test, y_train, y_test = train_test_split(features, pd.Series(species, name="species"),
                                                    test_size=0.3, random_state=0)
clf = LogisticRegression(max_iter=500).fit(X_train, y_train)
y_pred = clf.predict(X_test)
X_shifted = X_test.assign(c=X_test["c"] + 1.5)    # planted: c moved, a and b did not
"""


@pytest.fixture
def fitted(kernel, user, wait_catalog):
    async def setup(extra: str = "") -> tuple[str, object]:
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(SETUP + extra, timeout=90)
        await wait_catalog(kernel_id, lambda c: {"clf", "X_test", "y_pred"} <= set(names(c)))
        return kernel_id, alice

    return setup


async def test_the_model_is_paired_with_its_data_and_suggested(fitted, jp_fetch):
    kernel_id, _ = await fitted()
    def profiled(r):  # the model's test pairing and the precomputed predictions both profiled
        reasons = {tuple(s["variables"]): s["reason"] for s in r["suggestions"] if s["component"] == "confusion"}
        return "accuracy" in reasons.get(("clf", "X_test", "y_test"), "") and ("y_test", "y_pred") in reasons

    result = await wait_findings(jp_fetch, kernel_id, profiled)
    confusion = [s for s in result["suggestions"] if s["component"] == "confusion"]
    first = confusion[0]
    assert first["variables"] == ["clf", "X_test", "y_test"]  # the test split first
    assert first["reason"].startswith("accuracy 0.") and "on X_test (900 rows, 3 classes)" in first["reason"]
    assert ["clf", "X_train", "y_train"] in [s["variables"] for s in confusion]
    # labels and predictions already computed pair up as well
    assert ["y_test", "y_pred"] in [s["variables"] for s in confusion]
    card = next(s for s in result["suggestions"] if s["component"] == "model_card")
    assert card["variables"] == ["clf", "X_test", "y_test", "X_train", "y_train"]


async def test_confusion_matrix_equals_scikit_learns(fitted, jp_fetch):
    kernel_id, alice = await fitted()
    result = await view(jp_fetch, kernel_id, {"component": "confusion", "variables": ["clf", "X_test", "y_test"]})
    data = result["data"]
    # the view can offer the model's other pairings
    assert [p["variables"] for p in result["pairings"]] == [
        ["clf", "X_test", "y_test"], ["clf", "X_shifted", "y_test"], ["clf", "X_train", "y_train"]
    ]
    order = data["classes"]
    expected = ast.literal_eval(await alice.value(
        f"__import__('sklearn.metrics', fromlist=['x']).confusion_matrix(y_test, clf.predict(X_test), labels={order!r}).tolist()"
    ))
    assert data["matrix"] == expected
    accuracy = float(await alice.value("float((clf.predict(X_test) == y_test).mean())"))
    assert data["accuracy"] == pytest.approx(accuracy)
    assert {c["class"] for c in data["per_class"]} == {"setosa", "versicolor", "virginica"}
    # the same from labels and predictions already computed
    again = (await view(jp_fetch, kernel_id, {"component": "confusion", "variables": ["y_test", "y_pred"]}))["data"]
    assert again["matrix"] == data["matrix"] and again["prediction"] == "y_pred"


async def test_many_classes_fold_into_other_and_groups_split(fitted, jp_fetch):
    kernel_id, alice = await fitted(
        "\nmany = pd.DataFrame({'label': rng.integers(0, 30, 5000), 'pred': rng.integers(0, 30, 5000),"
        " 'site': rng.choice(['x', 'y'], 5000)})\n"
    )
    body = {"component": "confusion", "variables": ["many"], "params": {"label": "label", "prediction": "pred", "max_classes": 10}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    assert data["other"] is True and len(data["classes"]) == 9 and data["classes_total"] == 30
    assert len(data["matrix"]) == 10 and sum(map(sum, data["matrix"])) == 5000
    body["state"] = {"groups": {"column": "site"}}
    grouped = (await view(jp_fetch, kernel_id, body))["data"]["groups"]
    assert {g["value"] for g in grouped["items"]} == {"x", "y"}
    assert sum(g["rows"] for g in grouped["items"]) == 5000


async def test_a_confusion_cell_selects_its_rows_everywhere(fitted, jp_fetch):
    kernel_id, alice = await fitted()
    data = (await view(jp_fetch, kernel_id, {"component": "confusion", "variables": ["clf", "X_test", "y_test"]}))["data"]
    i, j = 1, 2
    count = data["matrix"][i][j]
    assert count > 0
    selection = {"component": "confusion", "variables": ["clf", "X_test", "y_test"], "params": {},
                 "spec": {"true": data["classes"][i], "pred": data["classes"][j]}, "label": "cell"}
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_test"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == count
    # the frame the split came from follows by index label
    whole = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["frame"], "state": {"selection": selection}})
    assert whole["data"]["filtered_rows"] == count
    mistakes = dict(selection, spec={"correct": False})
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_test"], "state": {"selection": mistakes}})
    wrong = sum(data["matrix"][r][c] for r in range(3) for c in range(3) if r != c)
    assert table["data"]["filtered_rows"] == wrong


async def test_drift_ranks_the_shifted_column_first_and_says_so(fitted, jp_fetch):
    kernel_id, _ = await fitted()
    data = (await view(jp_fetch, kernel_id, {"component": "drift", "variables": ["X_shifted", "X_train"]}))["data"]
    assert [c["column"] for c in data["columns"]][0] == "c"
    first = data["columns"][0]
    assert first["measure"] == "ks" and first["statistic"] > 0.4 and first["significant"] is True
    assert not any(c["significant"] for c in data["columns"][1:])
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "drift" for f in r["findings"]))
    finding = next(f for f in result["findings"] if f["kind"] == "drift" and f["variables"] == ["X_shifted", "X_train"])
    assert finding["message"].startswith("c moved between X_train and X_shifted (KS 0.")
    drift = next(s for s in result["suggestions"] if s["component"] == "drift" and s["variables"] == ["X_shifted", "X_train"])
    assert "most c" in drift["reason"]


async def test_model_card_measures_the_model(fitted, jp_fetch):
    kernel_id, alice = await fitted()
    body = {"component": "model_card", "variables": ["clf", "X_test", "y_test", "X_train", "y_train"]}
    card = (await view(jp_fetch, kernel_id, body))["data"]
    assert card["type"] == "sklearn.linear_model._logistic.LogisticRegression" and card["task"] == "classifier"
    assert card["params"]["max_iter"] == 500 and card["n_features"] == 3 and card["features"] == ["a", "b", "c"]
    assert card["size_bytes"] > 500 and card["latency"]["per_row_seconds"] > 0
    test, train = card["splits"]
    assert test["rows"] == 900 and train["rows"] == 2100
    assert test["accuracy"] == pytest.approx(float(await alice.value("float(clf.score(X_test, y_test))")))
    assert {i["feature"] for i in card["importances"][:2]} == {"a", "b"}  # c carries no signal


@pytest.mark.parametrize(
    "body, message",
    [
        ({"component": "confusion", "variables": ["clf", "X_test"]}, "where are the labels"),
        ({"component": "confusion", "variables": ["clf", "X_test", "y_train"]}, "not one split"),
        ({"component": "confusion", "variables": ["frame"], "params": {"label": "nope<script>", "prediction": "a"}}, "not a column"),
        ({"component": "confusion", "variables": ["unfitted", "X_test", "y_test"]}, "not fitted"),
        ({"component": "confusion", "variables": ["clf", "X_test", "y_test"], "params": {"max_classes": 1}}, "at least 2"),
        ({"component": "model_card", "variables": ["X_test"]}, "not a scikit-learn model"),
    ],
)
async def test_bad_model_views_get_a_400_that_says_why(fitted, jp_fetch, body, message):
    kernel_id, _ = await fitted("\nunfitted = LogisticRegression()\n")
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, body)
    assert info.value.code == 400
    assert message in json.loads(info.value.response.body)["message"]


async def test_a_class_the_model_misses_is_a_finding(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\n"
        "rng = np.random.default_rng(1)\n"
        "y_test = pd.Series(rng.choice(['cat', 'dog', 'fox'], 2000, p=[0.45, 0.45, 0.1]))\n"
        "y_pred = y_test.copy()\n"
        "fox = np.flatnonzero(y_test == 'fox')\n"
        "y_pred.iloc[fox[: int(len(fox) * 0.7)]] = 'dog'\n",  # planted: 70% of foxes called dogs
        timeout=60,
    )
    await wait_catalog(kernel_id, lambda c: "y_pred" in names(c))
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "weak_class" for f in r["findings"]))
    finding = next(f for f in result["findings"] if f["kind"] == "weak_class")
    assert finding["variables"] == ["y_test", "y_pred"] and finding["severity"] == "high"
    assert finding["message"].startswith("recall of class fox on y_test is 0.3")
    assert finding["evidence"]["class"] == "fox"


def test_the_profile_of_many_predictions_samples_them():
    """Above 200,000 rows the background profile counts a fixed sample (and says so)."""
    import numpy as np
    import pandas as pd

    from symphony_lab.kernel.analysis import profile
    from symphony_lab.kernel.catalog import CatalogOptions

    rng = np.random.default_rng(0)
    n = 300_000
    truth = rng.integers(0, 3, n)
    namespace = {"y_test": pd.Series(truth), "y_pred": pd.Series(np.where(rng.random(n) < 0.9, truth, (truth + 1) % 3))}
    request = {"names": [], "pairs": [], "models": [{"component": "confusion", "variables": ["y_test", "y_pred"], "params": {}}]}
    (item,) = profile(namespace, request, CatalogOptions())["models"]
    result = item["result"]
    assert result["sampled"] is True and result["rows"] == n
    assert abs(result["accuracy"] - 0.9) < 0.01
