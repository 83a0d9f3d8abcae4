"""The rows a view computes on (symphony_lab.kernel.frames.view_rows, filter_mask): the same rows as
filtering then sampling, taken without copying the filtered frame; category filters on codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symphony_lab.kernel.frames import Rows, apply_filter, filter_mask, view_rows


def _frame(n: int = 50_000) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    df = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "city": pd.Categorical.from_codes(rng.integers(-1, 4, n), ["Oslo", "Lyon", "Porto", "Graz"]),
        "name": pd.Series(rng.choice(["a", "b", None], n), dtype="string"),
    }, index=pd.RangeIndex(n) * 3)
    df.loc[df.index[::17], "age"] = np.nan
    return df


STATES = [
    {},
    {"filter": [{"column": "age", "op": "range", "min": 30, "max": 60}]},
    {"filter": [{"column": "city", "op": "in", "values": ["Lyon", "Graz"]}]},
    {"filter": [{"column": "city", "op": "in", "values": ["Oslo", None]}]},
    {"filter": [{"column": "name", "op": "in", "values": ["a", None]}, {"column": "age", "op": "range", "min": 20}]},
    {"filter": [{"column": "age", "op": "range", "min": 30, "max": 60}], "_selected": list(range(0, 150_000, 6))},
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("max_rows", [1_000, 10_000, 1_000_000])
def test_view_rows_are_filter_then_sample(state, max_rows):
    df = _frame()
    expected_filtered = apply_filter(df, state)
    expected = Rows.of(expected_filtered, max_rows)
    got = view_rows(df, state, max_rows)
    assert got.rows == len(df) and got.filtered == len(expected_filtered)
    assert got.sampled == expected.sampled
    pd.testing.assert_frame_equal(got.frame, expected.frame)


def test_a_category_filter_matches_the_text_comparison():
    df = _frame()
    for values in (["Lyon"], ["Porto", "Nowhere"], [None], ["Graz", None], []):
        state = {"filter": [{"column": "city", "op": "in", "values": values}]}
        as_text = df["city"].astype("string").isin([str(v) for v in values if v is not None]).to_numpy(
            dtype=bool, na_value=False)
        if None in values:
            as_text = as_text | df["city"].isna().to_numpy()
        assert (filter_mask(df, state) == as_text).all()


@pytest.mark.parametrize("params", [{}, {"page": 7}, {"sort": "age"}, {"sort": "age", "descending": True, "page": 2}])
def test_a_filtered_table_page_is_the_page_of_the_filtered_frame(params):
    from symphony_lab.components.table import Table

    df = _frame()
    state = STATES[4]
    table = Table()
    checked = table.check_params(params)
    got = table.compute([df], checked, state)
    filtered = apply_filter(df, state)
    assert got["filtered_rows"] == len(filtered)
    start = checked["page"] * checked["page_size"]
    if "sort" in params:
        ordered = filtered.sort_values("age", ascending=not checked["descending"], kind="stable", na_position="last")
        expected = ordered.iloc[start : start + checked["page_size"]]
        assert [v for v in got["index"]] == [int(i) for i in expected.index]
    else:
        expected = filtered.iloc[start : start + checked["page_size"]]
        assert got["index"] == [int(i) for i in expected.index]


def test_value_filters_on_booleans_numbers_and_mixed_objects_match_text_comparison() -> None:
    rng = np.random.default_rng(9)
    n = 20_000
    df = pd.DataFrame({
        "flag": rng.random(n) < 0.3,
        "level": rng.integers(0, 5, n),
        "mixed": pd.Series(rng.choice([1, "1", 2.5, None], n), dtype=object),
        "maybe": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
    })
    for column, values in (("flag", ["True"]), ("level", ["3", "4"]), ("mixed", ["1", None]), ("maybe", ["False", None])):
        mask = filter_mask(df, {"filter": [{"column": column, "op": "in", "values": values}]})
        text = df[column].astype("string")
        expected = text.isin([v for v in values if v is not None]).to_numpy(dtype=bool, na_value=False).copy()
        if None in values:
            expected |= df[column].isna().to_numpy()
        assert (mask == expected).all(), column


def test_large_frames_share_one_mask_per_state_until_the_fingerprint_changes() -> None:
    import symphony_lab.kernel.frames as frames

    n = frames._MASK_CACHE_ROWS
    df = pd.DataFrame({"age": np.arange(n) % 90, "x": np.zeros(n)})
    version = {"v": 1}
    state = {"filter": [{"column": "age", "op": "range", "min": 20, "max": 40}], "_fingerprint": lambda _: f"fp{version['v']}"}
    first = filter_mask(df, state)
    assert first is not None and not first.flags.writeable  # shared, so read-only
    assert filter_mask(df, dict(state)) is first  # the next view of the same board state
    other = filter_mask(df, {**state, "filter": [{"column": "age", "op": "range", "min": 50}]})
    assert other is not first and int(other.sum()) == int(((np.arange(n) % 90) >= 50).sum())
    df.loc[df["age"] == 30, "age"] = 99  # changed in place: the catalog's fingerprint changes with it
    version["v"] = 2
    again = filter_mask(df, state)
    assert again is not first
    assert int(again.sum()) == int(((df["age"] >= 20) & (df["age"] <= 40)).sum())
    # Small frames and states without a fingerprint are never cached.
    small = df.head(1000)
    assert filter_mask(small, state) is not filter_mask(small, state)
    no_fp = {"filter": state["filter"]}
    assert filter_mask(df, no_fp) is not filter_mask(df, no_fp)


@pytest.mark.parametrize(
    "column, low, high",
    [
        ("i", 20.5, 60.25), ("i", None, 40), ("i", -5, None), ("f", 0.2, 0.7), ("f", None, None), ("f", 0.5, None),
        ("u8", -5, 3.5), ("u8", 10, 250), ("u64", 2**63, None), ("f32", 0.25, 0.75), ("pdint", 3, 30), ("dt", "2024-01-03", None),
    ],
)
def test_a_range_on_a_numeric_column_keeps_what_pandas_keeps(column, low, high) -> None:
    """Numpy number columns are compared on their arrays (the brush's path); the rows kept are those of
    pandas' comparisons with missing values left out, for every dtype and bound."""
    rng = np.random.default_rng(7)
    n = 20_000
    df = pd.DataFrame({
        "i": rng.integers(-50, 90, n),
        "f": np.where(rng.random(n) < 0.1, np.nan, rng.random(n)),
        "u8": rng.integers(0, 256, n).astype(np.uint8),
        "u64": rng.integers(0, 2**63, n, dtype=np.uint64) * np.uint64(2),
        "f32": rng.random(n).astype(np.float32),
        "pdint": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 40, n)), dtype="Int64"),
        "dt": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10, n), unit="D"),
    })
    mask = filter_mask(df, {"filter": [{"column": column, "op": "range", "min": low, "max": high}]})
    values = df[column]
    if column == "dt":
        low, high = (pd.Timestamp(b) if b is not None else None for b in (low, high))
    expected = values.notna().to_numpy(copy=True)
    if low is not None:
        expected &= (values >= low).to_numpy(dtype=bool, na_value=False)
    if high is not None:
        expected &= (values <= high).to_numpy(dtype=bool, na_value=False)
    assert mask is not None and 0 < expected.sum() < n  # (every case keeps some rows and drops some)
    np.testing.assert_array_equal(mask, expected)
