"""The Summary under the board's filter (symphony_lab/components/summary.py) against a plain reference:
pandas on the materialised filtered (and sampled) frame. The Summary never builds that frame: each column
takes its own rows, integers and categoricals are counted with one bincount or comparison, and distinct
counts of many floats and dates come from cached bottom-k tables (symphony_lab/kernel/sketch.py). Every
figure must be the same: counts, histograms, distinct counts or their estimate and its marking; min, max,
mean and std up to float rounding."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from symphony_lab.components import summary as summary_module
from symphony_lab.components.summary import Summary
from symphony_lab.kernel import analysis, sketch
from symphony_lab.kernel.catalog import CatalogOptions
from symphony_lab.kernel.frames import Rows, apply_filter, column_kind, filter_mask, json_value
from symphony_lab.kernel.safe import sample_positions
from symphony_lab.kernel.sketch import EXACT_BELOW, BottomK, TableCache, distinct_count, kth_smallest_distinct

OPTIONS = CatalogOptions.from_request({})
N = 320_000
BINS = 20


def _planted(n: int = N, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = rng.random(n)
    score[rng.random(n) < 0.1] = np.nan
    score[rng.integers(0, n, 40)] = np.inf
    score[rng.integers(0, n, 40)] = -np.inf
    score[rng.integers(0, n, 200)] = 0.0
    score[rng.integers(0, n, 200)] = -0.0
    when = np.datetime64("2020-01-01") + rng.integers(0, 10**9, n).astype("timedelta64[s]")
    when[rng.integers(0, n, 500)] = np.datetime64("NaT")
    city_codes = rng.choice(np.array([-1, 0, 1, 2, 3]), n, p=[0.05, 0.4, 0.3, 0.15, 0.1])
    text = rng.choice(np.array(["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta"], dtype=object), n,
                      p=[0.3, 0.22, 0.16, 0.12, 0.09, 0.07, 0.04]).astype(object)
    text[rng.integers(0, n, 1000)] = None
    nullable = pd.array(rng.integers(0, 1000, n), dtype="Int64")
    nullable[rng.integers(0, n, 300)] = pd.NA
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),  # a small range: one bincount
            "wide": rng.integers(-(2**40), 2**40, n),  # a wide range: the sketch, from a table
            "tiny": rng.integers(-100, 101, n).astype(np.int8),  # -100 minus -100 overflows int8
            "huge": (np.uint64(2**64 - 1000) + rng.integers(0, 500, n).astype(np.uint64)),  # near 2**64
            "score": score,  # NaN, +-inf, 0.0 and -0.0
            "income": rng.normal(50_000, 15_000, n).round(2),
            "single": rng.random(n).astype(np.float32),
            "levels": rng.integers(0, 40, n) / 4.0,  # few distinct floats: exact
            "constant": np.full(n, 3.5),
            "nothing": np.full(n, np.nan),
            "flag": rng.random(n) < 0.3,
            "city": pd.Categorical.from_codes(city_codes, ["Oslo", "Lyon", "Porto", "Graz", "Unused"]),
            "code": pd.Categorical.from_codes(rng.integers(0, 30, n), list(range(100, 130))),  # many categories
            "yes": pd.Categorical(rng.random(n) < 0.5),  # categories True/False: kind boolean
            "text": text,
            "when": when,
            "span": (when - np.datetime64("2020-01-01")),  # timedelta64, NaT where ``when`` is
            "never": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
            "zoned": pd.Series(when).dt.tz_localize("UTC"),
            "nullable": nullable,
            "maybe": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
            "name": pd.Series(rng.choice(np.array(["x", "y", "z"]), n), dtype="string"),
        }
    )


def _reference(df: pd.DataFrame, state: dict[str, Any], bins: int, max_rows: int) -> dict[str, Any]:
    """The Summary's figures the plain way: pandas on the filtered frame, sampled as documented."""
    filtered = apply_filter(df, state)
    rows = Rows.of(filtered, max_rows)
    frame = rows.frame
    columns = []
    for label in frame.columns:
        col = frame[label]
        present = col.dropna()
        kind = column_kind(col)
        line: dict[str, Any] = {"name": str(label), "missing": int(col.isna().sum()), "kind": kind}
        numpy_values = isinstance(present.dtype, np.dtype) and present.dtype.kind in "fiumM"
        if kind in ("numeric", "datetime") and numpy_values and len(present) >= EXACT_BELOW:
            # The documented rule: estimated by the sketch of exactly these values (no table).
            line["distinct"], exact = distinct_count(present.to_numpy())
            line["approx"] = not exact
            if exact:
                assert line["distinct"] == present.nunique()
        else:
            line["distinct"], line["approx"] = int(present.nunique()), False
        if kind == "numeric":
            finite = present.astype(float)
            finite = finite[np.isfinite(finite)]
            if len(finite):
                low, high = float(finite.min()), float(finite.max())
                std = float(finite.std()) if len(finite) > 1 else None
                line.update(min=low, max=high, mean=float(finite.mean()), std=std)
                top = high if high != low else (low + 1.0 if low == 0 else low + abs(low) * 1e-9 + 1e-9)
                index = ((finite.to_numpy() - low) * (bins / (top - low))).astype(np.int64).clip(0, bins - 1)
                line["edges"] = [float(e) for e in np.linspace(low, top, bins + 1)]
                line["counts"] = pd.Series(index).value_counts().reindex(range(bins), fill_value=0).tolist()
        elif kind == "datetime" and len(present):
            line.update(min=json_value(present.min()), max=json_value(present.max()))
        elif len(present):
            if isinstance(col.dtype, pd.CategoricalDtype):
                counts = present.value_counts()  # every category, most rows first, ties in category order
                counts = counts[counts > 0].head(5)
            else:
                counts = present.astype("string").value_counts().head(5)  # values read as text
            line["top"] = [(json_value(k), int(v)) for k, v in counts.items()]
        columns.append(line)
    return {"rows": len(df), "filtered_rows": len(filtered), "sampled": rows.sampled, "sample_rows": len(frame),
            "columns": columns}


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    for key in ("rows", "filtered_rows", "sampled", "sample_rows"):
        assert got[key] == expected[key], key
    assert [c["name"] for c in got["columns"]] == [c["name"] for c in expected["columns"]]
    for line, ref in zip(got["columns"], expected["columns"]):
        where = ref["name"]
        assert line["kind"] == ref["kind"], where
        assert line["missing"] == ref["missing"], where
        assert line["distinct"] == ref["distinct"], where
        assert line.get("distinct_approx", False) == ref["approx"], where
        if "edges" in ref:
            assert line["min"] == ref["min"] and line["max"] == ref["max"], where
            assert _close(line["mean"], ref["mean"]) and _close(line["std"], ref["std"]), where
            assert line["histogram"]["edges"] == ref["edges"], where
            assert line["histogram"]["counts"] == ref["counts"], where
        elif ref["kind"] == "numeric":
            assert "histogram" not in line and "min" not in line, where
        if ref["kind"] == "datetime" and "min" in ref:
            assert (line["min"], line["max"]) == (ref["min"], ref["max"]), where
        if "top" in ref:
            assert [(t["value"], t["count"]) for t in line["top"]] == ref["top"], where
        elif ref["kind"] not in ("numeric", "datetime"):
            assert "top" not in line, where


def _through_kernel(df: pd.DataFrame, state: dict[str, Any], bins: int = BINS) -> dict[str, Any]:
    """The Summary as the kernel computes a view: with the catalog's fingerprint (so tables are used)."""
    request = {"component": "summary", "variables": ["df"], "params": {"bins": bins}, "state": state}
    answer = analysis.compute({"df": df}, request, OPTIONS)
    assert "error" not in answer, answer
    return answer["data"]


AGE_WIDE = {"filter": [{"column": "age", "op": "range", "min": 20, "max": 80}]}  # about 85 %: estimates
AGE_NARROW = {"filter": [{"column": "age", "op": "range", "min": 40, "max": 49}]}  # about 14 %: exact
CITIES = {"filter": [{"column": "city", "op": "in", "values": ["Oslo", "Lyon", None]}]}
MIXED = {"filter": [{"column": "score", "op": "range", "min": 0.1},
                   {"column": "text", "op": "in", "values": ["alpha", "beta", "gamma", None]}]}
DATES = {"filter": [{"column": "when", "op": "range", "min": "2021-01-01", "max": "2049-01-01"}]}


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return _planted()


@pytest.mark.parametrize(
    "state", [{}, AGE_WIDE, AGE_NARROW, CITIES, MIXED, DATES], ids=["all", "wide", "narrow", "cities", "mixed", "dates"]
)
def test_filtered_summary_is_the_summary_of_the_filtered_frame(planted: pd.DataFrame, state: dict[str, Any]) -> None:
    expected = _reference(planted, state, BINS, summary_module.MAX_ROWS)
    _assert_same(_through_kernel(planted, state), expected)
    # Again (the tables are cached now) and without a fingerprint (no tables): the same figures.
    _assert_same(_through_kernel(planted, state), expected)
    _assert_same(Summary().compute([planted], {"bins": BINS}, dict(state)), expected)


def test_the_wide_filter_estimates_and_reads_the_tables(planted: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case the tables are for: the estimate marked, equal to hashing the kept values."""
    monkeypatch.setattr(sketch, "tables", TableCache())
    got = {c["name"]: c for c in _through_kernel(planted, AGE_WIDE)["columns"]}
    for name in ("wide", "score", "income", "single", "when", "span"):
        assert got[name].get("distinct_approx") is True, name
    for name in ("age", "tiny", "huge", "levels", "constant", "nothing", "flag", "city"):
        assert "distinct_approx" not in got[name], name
    assert got["nothing"]["distinct"] == 0 and got["constant"]["distinct"] == 1
    assert 0 < sketch.tables.nbytes <= 6 * BottomK.expected_bytes(N)  # wide, score, income, single, when, span
    mask = filter_mask(planted, AGE_WIDE)
    for _, _, table in sketch.tables._items:  # each answers for the filter (no hashing of the kept values)
        assert table.kth(mask, int(mask.sum())) is not None


@pytest.mark.parametrize("bins", [2, 7, 100])
def test_bins_of_integers_counted_by_value(planted: pd.DataFrame, bins: int) -> None:
    expected = _reference(planted, AGE_WIDE, bins, summary_module.MAX_ROWS)
    _assert_same(_through_kernel(planted, AGE_WIDE, bins), expected)


def test_selection_and_filter(planted: pd.DataFrame) -> None:
    state = {**AGE_WIDE, "_selected": planted.index[::2]}
    expected = _reference(planted, state, BINS, summary_module.MAX_ROWS)
    state["_fingerprint"] = lambda value: analysis._fingerprint(value, OPTIONS)
    _assert_same(Summary().compute([planted], {"bins": BINS}, state), expected)


@pytest.mark.parametrize("state", [{}, AGE_WIDE, AGE_NARROW], ids=["all", "wide", "narrow"])
def test_frames_beyond_max_rows_are_sampled_the_same_way(
    planted: pd.DataFrame, state: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_module, "MAX_ROWS", 250_000)
    expected = _reference(planted, state, BINS, 250_000)
    got = _through_kernel(planted, state)
    assert got["sampled"] == (expected["filtered_rows"] > 250_000)
    _assert_same(got, expected)


def test_a_changed_frame_never_reads_a_stale_table() -> None:
    df = _planted(260_000, seed=9)[["age", "income", "score"]]
    first = _through_kernel(df, AGE_WIDE)
    df["income"] = np.random.default_rng(10).random(len(df)) * 1e6  # a new buffer, new values
    expected = _reference(df, AGE_WIDE, BINS, summary_module.MAX_ROWS)
    _assert_same(_through_kernel(df, AGE_WIDE), expected)
    assert first["columns"][1]["distinct"] != expected["columns"][1]["distinct"]


def test_values_changed_in_place_are_caught_by_the_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows written in place keep the frame's buffers, and the catalog's fingerprint (a sample of 16
    values) can miss them: the table's own probes do not, and it is rebuilt."""
    monkeypatch.setattr(sketch, "tables", TableCache())
    df = _planted(260_000, seed=9)[["age", "income"]]
    _through_kernel(df, AGE_WIDE)
    (table,) = [t for _, _, t in sketch.tables._items]
    fingerprint = analysis._fingerprint(df, OPTIONS)
    address = df["income"].to_numpy().__array_interface__["data"][0]
    changed = np.arange(1, len(df), 97)  # 1 % of the rows, none of those the fingerprint samples
    changed = changed[~np.isin(changed, sample_positions(len(df), 16))]
    df.loc[df.index[changed], "income"] = np.linspace(5.0, 6.0, len(changed))
    assert analysis._fingerprint(df, OPTIONS) == fingerprint
    assert df["income"].to_numpy().__array_interface__["data"][0] == address
    assert not table.matches(df["income"].to_numpy())
    _assert_same(_through_kernel(df, AGE_WIDE), _reference(df, AGE_WIDE, BINS, summary_module.MAX_ROWS))
    (rebuilt,) = [t for _, _, t in sketch.tables._items]
    assert rebuilt is not table and rebuilt.matches(df["income"].to_numpy())


@pytest.mark.parametrize("first", [True, False])
def test_booleans_in_a_tie_keep_the_first_value_first(first: bool) -> None:
    n = 1_000
    df = pd.DataFrame({"flag": np.tile([first, not first], n // 2), "age": np.arange(n) % 50,
                       "never": np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")})
    for state in ({}, {"filter": [{"column": "age", "op": "range", "min": 10, "max": 29}]}):
        expected = _reference(df, state, BINS, summary_module.MAX_ROWS)
        got = _through_kernel(df, state)
        _assert_same(got, expected)
        assert [t["value"] for t in got["columns"][0]["top"]] == [str(first), str(not first)]


def test_small_and_empty_frames() -> None:
    df = _planted(5_000, seed=5)
    for state in ({}, AGE_WIDE, {"filter": [{"column": "age", "op": "range", "min": 200}]}):
        _assert_same(_through_kernel(df, state), _reference(df, state, BINS, summary_module.MAX_ROWS))
    empty = df.iloc[:0]
    _assert_same(_through_kernel(empty, {}), _reference(empty, {}, BINS, summary_module.MAX_ROWS))


# -- the sketch's tables ----------------------------------------------------------------------------------

RNG = np.random.default_rng(11)


@pytest.mark.parametrize(
    "values",
    [
        RNG.random(400_000),
        np.repeat(RNG.random(150_000), 3)[RNG.permutation(450_000)],  # each value three times
        RNG.integers(0, 2**62, 400_000),
        np.datetime64("2020-01-01") + RNG.integers(0, 10**9, 400_000).astype("timedelta64[s]"),
    ],
    ids=["uniform", "thrice", "wide-int", "datetime"],
)
def test_a_table_gives_the_kth_hash_of_any_subset(values: np.ndarray) -> None:
    table = BottomK.build(values)
    assert table is not None
    for keep in (1.0, 0.8, 0.5, 0.2):
        member = RNG.random(len(values)) < keep
        subset = values[member]
        hashes = sketch._mix(sketch._words(subset))
        truth = kth_smallest_distinct(hashes, len(subset))
        got = table.kth(member, int(member.sum()))
        if got is not None:  # the table answers only when it holds k distinct hashes of the subset
            assert got == truth or truth is None and got >= sketch._limits(len(subset))[-1]
            assert distinct_count(subset, lambda: got) == distinct_count(subset)
        else:
            assert keep <= 0.5  # a large subset always has its k-th smallest hash in the table
    assert table.kth(None) == kth_smallest_distinct(sketch._mix(sketch._words(values)), len(values))


def test_a_table_leaves_out_missing_values() -> None:
    values = RNG.random(300_000)
    values[::3] = np.nan
    table = BottomK.build(values)
    assert not np.isnan(values[table.rows]).any()
    present = values[~np.isnan(values)]
    assert table.kth(None) == kth_smallest_distinct(sketch._mix(sketch._words(present)), len(present))


def test_few_surviving_distinct_values_fall_back_to_hashing() -> None:
    """60,000 values repeated: too few of them in the table under a filter keeping 250,000 rows; the
    count is the sketch's on the kept values all the same."""
    values = np.repeat(RNG.random(60_000), 5)[RNG.permutation(300_000)]
    member = np.zeros(len(values), dtype=bool)
    member[:250_000] = True
    table = BottomK.build(values)
    assert table.kth(member, 250_000) is None
    count, exact = distinct_count(values[member], lambda: table.kth(member, 250_000))
    assert (count, exact) == distinct_count(values[member])
    assert not exact


class _Owner:
    """Something a table belongs to (a frame, in the Summary)."""


def test_the_table_cache_keeps_its_budget_and_its_owners() -> None:
    values = RNG.random(EXACT_BELOW)
    one = BottomK.build(values)
    assert one is not None
    cache = TableCache(budget=int(one.nbytes * 2.5))
    a, b = _Owner(), _Owner()
    built: list[str] = []

    def build(name: str) -> Any:
        def make(column: np.ndarray) -> BottomK | None:
            built.append(name)
            return BottomK.build(column)
        return make

    assert cache.get_or_build(a, "x", values, build("a.x")) is not None
    assert cache.get_or_build(a, "x", values, build("again")) is cache.get(a, "x", values)
    assert cache.get(b, "x", values) is None  # same key, another frame
    cache.get_or_build(a, "y", values, build("a.y"))
    # A third table of the same frame does not fit: not built, the frame's own tables stay.
    assert cache.get_or_build(a, "z", values, build("a.z")) is None
    assert cache.get(a, "x", values) is not None and cache.get(a, "y", values) is not None
    # Another frame's table evicts the oldest of a's.
    assert cache.get_or_build(b, "x", values, build("b.x")) is not None
    assert cache.get(a, "x", values) is None and cache.get(a, "y", values) is not None
    assert built == ["a.x", "a.y", "b.x"]
    assert cache.nbytes <= cache.budget
    # A column whose values changed under the same key: the table is dropped and built again.
    changed = values.copy()
    changed[::500] += 1.0
    assert cache.get(b, "x", changed) is None
    assert cache.get_or_build(b, "x", changed, build("b.x again")) is not None
    assert built[-1] == "b.x again"
    del a  # a dead frame's tables go at the next insertion
    cache.get_or_build(b, "y", values, build("b.y"))
    kept = [cache.get(b, "x", changed), cache.get(b, "y", values)]
    assert None not in kept and cache.nbytes == sum(t.nbytes for t in kept)  # a's last table is gone


def test_narrow_integers_do_not_overflow() -> None:
    values = RNG.integers(-100, 101, 300_000).astype(np.int8)
    assert distinct_count(values) == (201, True)
    big = np.uint64(2**64 - 10) + RNG.integers(0, 9, 300_000).astype(np.uint64)
    assert distinct_count(big) == (9, True)


@pytest.mark.parametrize("max_rows", [1_000, 30_000, 1_000_000])
@pytest.mark.parametrize(
    "state",
    [{}, AGE_NARROW, CITIES, {**MIXED, "_selected": pd.RangeIndex(0, 50_000, 3)}],
    ids=["all", "narrow", "cities", "selected"],
)
def test_view_positions_are_the_rows_of_view_rows(state: dict[str, Any], max_rows: int) -> None:
    from symphony_lab.kernel.frames import view_positions, view_rows

    df = _planted(50_000, seed=2)
    expected = view_rows(df, state, max_rows)
    got = view_positions(df, state, max_rows)
    assert got.counts() == expected.counts()
    frame = df if got.positions is None else df.take(got.positions)
    pd.testing.assert_frame_equal(frame, expected.frame)
    member = got.member()
    if got.positions is None:
        assert member is None
    else:
        assert (np.flatnonzero(member) == got.positions).all()
