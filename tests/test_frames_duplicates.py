"""Exact duplicates and rows shared between frames (symphony_lab.kernel.frames), against pandas, including
hash collisions forced on purpose: a collision must never make a false duplicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symphony_lab.kernel import frames, progress
from symphony_lab.kernel.frames import find_duplicates, group_rows, row_hashes, rows_in


def _frames() -> list[pd.DataFrame]:
    rng = np.random.default_rng(3)
    n = 5000
    return [
        pd.DataFrame(rng.integers(0, 3, (n, 4))),  # most rows repeat
        pd.DataFrame(rng.integers(0, 100, (n, 10)).astype(float)),  # floats of small integers
        pd.DataFrame(
            {
                "f": rng.choice([0.0, -0.0, np.nan, 1.5], n),
                "f32": rng.choice([0.5, np.nan], n).astype(np.float32),
                "i8": rng.integers(0, 3, n).astype(np.int8),
                "b": rng.choice([True, False], n),
                "t": pd.to_datetime(rng.choice(["2024-01-01", None], n)),
                "s": rng.choice(["a", "b"], n),
                "c": pd.Categorical(rng.choice(["x", "y"], n)),
                "n": pd.array(rng.choice([1, None], n), dtype="Int64"),
            }
        ),
        pd.DataFrame({"a": [1.0]}),
        pd.DataFrame({"a": []}, dtype=float),
    ]


def _pandas_groups(df: pd.DataFrame) -> list[list[int]]:
    mask = df.duplicated(keep=False).to_numpy()
    rows = np.flatnonzero(mask)
    if not len(rows):
        return []
    codes = frames._exact_codes(df.iloc[rows])
    return sorted(sorted(rows[codes == c].tolist()) for c in np.unique(codes))


def _our_groups(found: frames.DuplicateGroups) -> list[list[int]]:
    return sorted(sorted(found.positions[found.codes == g].tolist()) for g in range(found.groups))


@pytest.mark.parametrize("index", range(5))
def test_find_duplicates_matches_pandas(index):
    df = _frames()[index]
    found = find_duplicates(df)
    assert (found.mask() == df.duplicated(keep=False).to_numpy()).all()
    assert found.extra_copies == int(df.duplicated().sum())
    assert _our_groups(found) == _pandas_groups(df)


def test_large_frame_takes_the_sorted_path_and_matches_pandas():
    rng = np.random.default_rng(1)
    rows = 300_000  # above the small-input threshold: low-32-bit sort, bitmaps, full-hash check
    df = pd.DataFrame(rng.integers(0, 1000, (rows, 3)).astype(float))
    df.iloc[:500] = df.iloc[1000:1500].to_numpy()
    found = find_duplicates(df)
    assert (found.mask() == df.duplicated(keep=False).to_numpy()).all()
    assert found.extra_copies == int(df.duplicated().sum())
    # groups are numbered by their first row
    firsts = [int(found.positions[found.codes == g][0]) for g in range(found.groups)]
    assert firsts == sorted(firsts)


def test_a_hash_collision_never_makes_a_false_duplicate():
    df = pd.DataFrame({"a": [1, 2, 1, 3, 2, 4], "b": ["x", "y", "x", "z", "y", "w"]})
    colliding = np.zeros(len(df), dtype=np.uint64)  # every row "hashes" the same
    found = find_duplicates(df, colliding)
    assert _our_groups(found) == [[0, 2], [1, 4]]
    assert found.extra_copies == 2
    ids = [found.group_id(g) for g in range(found.groups)]
    assert ids == ["0000000000000000", "0000000000000000-1"]
    assert np.flatnonzero(group_rows(df, colliding, ids[0])).tolist() == [0, 2]
    assert np.flatnonzero(group_rows(df, colliding, ids[1])).tolist() == [1, 4]
    assert not group_rows(df, colliding, "0000000000000000-5").any()
    # Large enough for the sorted path, with half of the rows colliding on one hash.
    big = pd.DataFrame({"a": np.arange(100_000) % 50_000})
    hashes = row_hashes(big)
    hashes[::2] = 7
    found = find_duplicates(big, hashes)
    assert (found.mask() == big.duplicated(keep=False).to_numpy()).all()
    assert found.groups == 50_000


def test_group_rows_without_collision_is_the_hash_match():
    df = pd.DataFrame({"a": [1, 2, 1, 1]})
    found = find_duplicates(df)
    assert np.flatnonzero(group_rows(df, row_hashes(df), found.group_id(0))).tolist() == [0, 2, 3]
    with pytest.raises(ValueError):
        group_rows(df, row_hashes(df), "xyz")


def test_rows_in_matches_a_merge_and_survives_collisions(monkeypatch):
    a = pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0, -0.0], "y": ["p", "q", "r", "s", "t"]})
    b = pd.DataFrame({"x": [2.0, np.nan, 9.0, 0.0], "y": ["q", "r", "s", "t"], "z": [0, 0, 0, 0]})
    assert rows_in(a, b, ["x", "y"]).tolist() == [False, True, True, False, True]
    monkeypatch.setattr(frames, "row_hashes", lambda df, columns=None: np.zeros(len(df), dtype=np.uint64))
    assert rows_in(a, b, ["x", "y"]).tolist() == [False, True, True, False, True]


def test_hashing_reports_progress_only_to_a_listener():
    sent: list[tuple[float, str]] = []
    clock = iter(np.arange(0, 1000, 1.0))
    reporter = progress.Reporter(lambda f, p: sent.append((f, p)), delay=0.0, interval=0.0, clock=lambda: next(clock))
    df = pd.DataFrame(np.zeros((300_000, 2)))
    find_duplicates(df)  # nobody listens: nothing to check but that it runs
    with progress.reporting(reporter):
        find_duplicates(df)
    phases = [p for _, p in sent]
    assert "hashing rows" in phases and "grouping rows" in phases and "checking values" in phases
    fractions = [f for f, _ in sent]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
