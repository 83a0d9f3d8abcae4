"""Label issues against a real server and real kernels: real scikit-learn models, labels flipped here on
purpose (the planted truth), out-of-fold probabilities, selections, fallbacks and bad input."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .helpers import names
from .test_components import wait_findings
from .test_subgroups import view

# Three well separated classes; 5% of the training labels flipped to another class.
PLANTED = """
import numpy as np, pandas as pd
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
X, y = make_classification(n_samples=3000, n_features=8, n_informative=5, n_classes=3, class_sep=2.5,
                           flip_y=0, random_state=4)
X_train = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)], index=pd.RangeIndex(1000, 4000))
names_ = np.array(["cat", "dog", "fox"])
rng = np.random.default_rng(9)
flipped = np.sort(rng.choice(len(y), 150, replace=False))
noisy = y.copy()
noisy[flipped] = (noisy[flipped] + rng.integers(1, 3, len(flipped))) % 3
y_train = pd.Series(names_[noisy], index=X_train.index, name="animal")
planted_labels = sorted(int(i) for i in X_train.index[flipped])
true_of = dict(zip((int(i) for i in X_train.index[flipped]), names_[y[flipped]]))
clf = LogisticRegression(max_iter=2000).fit(X_train, y_train)
"""


@pytest.fixture
def planted(kernel, user, wait_catalog):
    async def setup(code: str = PLANTED, wait_for: str = "clf"):
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(code, timeout=90)
        await wait_catalog(kernel_id, lambda c: wait_for in names(c))
        return kernel_id, alice

    return setup


async def all_items(jp_fetch, kernel_id, variables, params=None, state=None):
    """Every issue, page by page."""
    items, page = [], 0
    while True:
        body = {"component": "label_issues", "variables": variables, "params": {**(params or {}), "page": page, "page_size": 200}}
        if state:
            body["state"] = state
        data = (await view(jp_fetch, kernel_id, body))["data"]
        items += data["items"]
        if len(items) >= data["issues_filtered"] or not data["items"]:
            return data, items
        page += 1


async def test_flipped_labels_are_found_out_of_fold(planted, jp_fetch):
    kernel_id, alice = await planted()
    variables = ["clf", "X_train", "y_train"]
    data, items = await all_items(jp_fetch, kernel_id, variables)
    assert data["method"] == "out_of_fold" and data["out_of_fold"] is True and data["folds"] == 5
    assert data["labelled"] == 3000 and data["issues_total"] == len(items)
    planted_rows = set(json.loads(await alice.value("planted_labels")))
    found = {i["index"] for i in items}
    recall = len(found & planted_rows) / len(planted_rows)
    precision = len(found & planted_rows) / len(found)
    print(f"label issues: recall {recall:.3f} on {len(planted_rows)} planted flips, precision {precision:.3f}")
    assert recall >= 0.8 and precision >= 0.8
    # the suggested label is the true one for the flips found
    expression = "__import__('json').dumps({str(k): str(v) for k, v in true_of.items()})"
    true_of = {int(k): v for k, v in json.loads((await alice.value(expression)).strip("'")).items()}
    hits = [i for i in items if i["index"] in planted_rows]
    assert sum(i["suggested"] == true_of[i["index"]] for i in hits) / len(hits) >= 0.95
    # ranked: lowest self-confidence first; the given label is never the suggested one
    confidences = [i["self_confidence"] for i in items]
    assert confidences == sorted(confidences)
    assert all(i["given"] != i["suggested"] and i["suggested_confidence"] > i["self_confidence"] for i in items)
    assert {c["class"] for c in data["classes"]} == {"cat", "dog", "fox"}
    assert sum(p["count"] for p in data["pairs"]) == data["issues_total"]
    # computed once: the second time comes from the kernel's cache (no cross-validation)
    again = (await view(jp_fetch, kernel_id, {"component": "label_issues", "variables": variables, "params": {"page": 1}}))["data"]
    assert again["issues_total"] == data["issues_total"] and again["seconds"] == data["seconds"]

    # the board's selection: every issue, one mix-up, one row
    base = {"component": "label_issues", "variables": variables, "params": {}, "label": "likely label errors"}
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_train"],
                                            "state": {"selection": dict(base, spec={"all": True})}})
    assert table["data"]["filtered_rows"] == data["issues_total"]
    pair = data["pairs"][0]
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_train"], "state": {
        "selection": dict(base, spec={"given": pair["given"], "suggested": pair["suggested"]})}})
    assert table["data"]["filtered_rows"] == pair["count"]
    first = items[0]
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_train"], "state": {
        "selection": dict(base, spec={"position": first["position"]})}})
    assert table["data"]["filtered_rows"] == 1
    # the board's filter: only the issues among its rows are listed
    state = {"filter": [{"column": "f0", "op": "range", "min": 0, "max": None}]}
    filtered, listed = await all_items(jp_fetch, kernel_id, variables, state=state)
    in_filter = json.loads((await alice.value("__import__('json').dumps([int(i) for i in X_train.index[X_train['f0'] >= 0]])")).strip("'"))
    assert {i["index"] for i in listed} == found & set(in_filter)
    assert filtered["issues_total"] == data["issues_total"]


async def test_the_finding_counts_the_mislabelled_rows(planted, jp_fetch):
    kernel_id, _ = await planted()
    result = await wait_findings(jp_fetch, kernel_id, lambda r: any(f["kind"] == "label_issues" for f in r["findings"]))
    finding = next(f for f in result["findings"] if f["kind"] == "label_issues")
    assert finding["variables"] == ["clf", "X_train", "y_train"] and finding["evidence"]["method"] == "out_of_fold"
    data = (await view(jp_fetch, kernel_id, {"component": "label_issues", "variables": finding["variables"]}))["data"]
    assert finding["evidence"]["issues"] == data["issues_total"]
    assert finding["message"].startswith(f"{data['issues_total']:,} rows of y_train look mislabelled (")
    assert finding["severity"] == "high"  # over 3% of the rows
    suggestion = next(s for s in result["suggestions"] if s["component"] == "label_issues")
    assert suggestion["reason"].startswith(f"{data['issues_total']:,} rows of y_train look mislabelled (out-of-fold)")


PREDICTIONS = """
import numpy as np
rng = np.random.default_rng(1)
n = 2000
y_true = rng.integers(0, 2, n)
proba = np.where(y_true[:, None] == np.arange(2), 0.95, 0.05) + rng.normal(0, 0.02, (n, 2))
proba = np.clip(proba, 0, 1); proba /= proba.sum(axis=1, keepdims=True)
wrong = np.sort(rng.choice(n, 60, replace=False))
y_true[wrong] = 1 - y_true[wrong]           # labels wrong, probabilities right
y_pred = proba.argmax(axis=1)
"""


async def test_given_probabilities_are_used_as_they_are(planted, jp_fetch):
    kernel_id, alice = await planted(PREDICTIONS, wait_for="y_pred")
    data, items = await all_items(jp_fetch, kernel_id, ["y_true", "y_pred", "proba"])
    assert data["method"] == "given" and data["out_of_fold"] is False
    wrong = set(json.loads(await alice.value("wrong.tolist()")))
    assert {i["position"] for i in items} == wrong
    # without probabilities there is nothing to be confident about: a clear 400
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, {"component": "label_issues", "variables": ["y_true", "y_pred"]})
    assert info.value.code == 400 and "probabilities" in json.loads(info.value.response.body)["message"]


SLOW = """
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
rng = np.random.default_rng(3)
X_train = pd.DataFrame(rng.normal(size=(3000, 6)), columns=list("abcdef"))
y_train = pd.Series((X_train["a"] > 0).astype(int), name="y")
forest = RandomForestClassifier(n_estimators=150, random_state=0).fit(X_train, y_train)
target = X_train["b"] * 2.0
reg = RandomForestRegressor(n_estimators=5, random_state=0).fit(X_train, target)
"""


async def test_over_the_time_budget_it_falls_back_and_says_so(planted, jp_fetch):
    kernel_id, _ = await planted(SLOW, wait_for="reg")
    body = {"component": "label_issues", "variables": ["forest", "X_train", "y_train"], "params": {"time_budget": 0.1}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    assert data["method"] == "model" and data["out_of_fold"] is False
    assert "would take about" in data["note"] and "not out-of-fold" in data["note"]
    # asked again with the same budget: not estimated again (the estimate is remembered)
    again = (await view(jp_fetch, kernel_id, dict(body, params={"time_budget": 0.1, "page_size": 5})))["data"]
    assert "would take about" in again["note"]
    bad = [
        ({"component": "label_issues", "variables": ["reg", "X_train", "target"]}, "for classifiers"),
        ({"component": "label_issues", "variables": ["forest", "X_train", "y_train"], "params": {"method": "magic"}}, "method"),
        ({"component": "label_issues", "variables": ["forest", "X_train", "y_train"], "params": {"folds": 1}}, "folds"),
        ({"component": "label_issues", "variables": ["forest", "X_train", "y_train"], "params": {"time_budget": "1; import os"}},
         "time_budget"),
    ]
    for body, message in bad:
        with pytest.raises(HTTPClientError) as info:
            await view(jp_fetch, kernel_id, body)
        assert info.value.code == 400, body
        assert message in json.loads(info.value.response.body)["message"], body
    selection = {"component": "label_issues", "variables": ["forest", "X_train", "y_train"], "params": {},
                 "spec": {"position": 10**9}, "label": "x"}
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["X_train"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == 3000 and "position" in table["selection"]["error"]
