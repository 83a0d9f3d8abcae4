"""Distinct counts of large columns (symphony_lab/kernel/sketch.py) and how the Summary marks estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symphony_lab.components.summary import Summary
from symphony_lab.kernel.sketch import EXACT_BELOW, RELATIVE_ERROR, distinct_count

RNG = np.random.default_rng(7)
N = 400_000


@pytest.mark.parametrize(
    "values",
    [
        RNG.integers(18, 90, N),  # small integer range: one bincount
        RNG.choice(RNG.integers(0, 2**62, 300), N),  # wide integers, few values: the probe sends it to pandas
        RNG.integers(0, 40, N) / 4.0,  # floats with few values
        np.r_[np.zeros(N // 2), -np.zeros(N // 2), np.arange(5.0)],  # -0.0 and 0.0 are one value
        RNG.random(N) < 0.3,
        RNG.random(1000),  # small: always exact
        np.repeat(RNG.random(5000), 80),  # 5,000 values 80 times each: fewer than k hashes, exact
    ],
    ids=["int-range", "wide-few", "float-few", "signed-zero", "bool", "small", "repeated"],
)
def test_exact_when_cheap_or_few(values: np.ndarray) -> None:
    count, exact = distinct_count(values)
    assert exact
    assert count == pd.Series(values).nunique()


@pytest.mark.parametrize(
    "values",
    [
        RNG.random(N),
        RNG.normal(50_000, 15_000, N).round(2),  # many ties, still mostly distinct
        RNG.integers(0, 2**62, N),
        np.datetime64("2020-01-01") + RNG.integers(0, 10**9, N).astype("timedelta64[s]"),
        np.repeat(RNG.random(N // 2), 2),  # every value twice
        np.sort(np.r_[np.zeros(N // 2), RNG.random(N // 2)]),  # half one value, sorted: 200,001 values
    ],
    ids=["uniform", "rounded-normal", "wide-int", "datetime", "pairs", "sorted-half"],
)
def test_estimate_within_error(values: np.ndarray) -> None:
    count, exact = distinct_count(values)
    truth = pd.Series(values).nunique()
    assert not exact
    # Four standard errors: this fails by chance about once in 16,000 runs of a given seed (and the
    # seeds are fixed).
    assert abs(count - truth) <= 4 * RELATIVE_ERROR * truth, (count, truth)
    assert count <= len(values)


def test_summary_marks_estimated_distinct_counts() -> None:
    rows = EXACT_BELOW + 50_000
    df = pd.DataFrame(
        {
            "score": RNG.random(rows),
            "age": RNG.integers(18, 90, rows),
            "city": pd.Categorical.from_codes(RNG.integers(0, 3, rows), ["a", "b", "c"]),
        }
    )
    df.loc[::10, "score"] = np.nan
    data = Summary().compute([df], {"bins": 20}, {})
    columns = {c["name"]: c for c in data["columns"]}
    score, age, city = columns["score"], columns["age"], columns["city"]
    assert score["distinct_approx"] is True
    truth = df["score"].nunique()
    assert abs(score["distinct"] - truth) <= 4 * RELATIVE_ERROR * truth
    assert score["missing"] == rows // 10
    assert "distinct_approx" not in age and age["distinct"] == 72
    assert "distinct_approx" not in city and city["distinct"] == 3
    # Under a filter that keeps fewer rows than the threshold, the count is exact again.
    filtered = Summary().compute([df], {"bins": 20}, {"filter": [{"column": "age", "op": "range", "min": 18, "max": 30}]})
    score = {c["name"]: c for c in filtered["columns"]}["score"]
    assert "distinct_approx" not in score
    kept = df[(df["age"] >= 18) & (df["age"] <= 30)]
    assert score["distinct"] == kept["score"].nunique()


def test_profile_estimates_only_where_no_finding_depends_on_it() -> None:
    from symphony_lab.kernel.profile import profile_frame

    rows = 300_000
    df = pd.DataFrame(
        {
            "score": RNG.random(rows),  # floats: never an identifier, estimated
            "user_id": np.arange(rows),  # integers, unique: an identifier, counted exactly
            "code": np.r_[np.arange(rows - 3_000), np.zeros(3_000, dtype=int)],  # 99.0 % unique: exact
            "price": RNG.integers(0, 10**9, rows).astype(float),  # integral floats: could be an id, and is near
        }
    )
    columns = {c["name"]: c for c in profile_frame(df, max_rows=rows, hash_max_rows=0)["columns"]}
    assert columns["score"].get("distinct_approx") is True
    assert abs(columns["score"]["distinct"] - rows) <= 4 * RELATIVE_ERROR * rows
    assert not columns["score"]["id_like"]
    for name in ("user_id", "code", "price"):
        assert "distinct_approx" not in columns[name], name
        assert columns[name]["distinct"] == df[name].nunique(), name
    assert columns["user_id"]["id_like"]
    assert columns["code"]["distinct"] == rows - 3_000 and columns["code"]["id_like"]  # exactly 99 %
