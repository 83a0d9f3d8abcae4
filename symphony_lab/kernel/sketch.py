"""Distinct counts of large numeric columns without a hash table of every value.

``pandas.Series.nunique`` builds a hash table of the column: for a column of half a million floats that are
nearly all different (prices, scores, measurements) that is 20-45 ms, most of a Summary brushed at 1M rows.
``distinct_count`` answers exactly whenever that is cheap, and otherwise estimates with a k-minimum-values
sketch (Bar-Yossef et al. 2002; Beyer et al. 2007): each value's 64-bit pattern goes through a bijective
mixer (the splitmix64 finaliser, so distinct values have distinct hashes), the k-th smallest distinct hash
``h_k`` gives ``(k - 1) / (h_k / 2**64)`` distinct values, with a relative standard error of about
``1 / sqrt(k - 2)`` (1.1 % for k = 8192). Finding the k smallest needs one pass over the hashes, no sort
of them all.

Exact answers: fewer than ``EXACT_BELOW`` values; integers over a small range (one bincount); columns a
strided probe shows to have few distinct values (their hash table is small and fast); and any column whose
sketch finds fewer than k distinct hashes in the whole range (then it counts every value). The caller marks an
estimate as such.

Under a filter (a brushed view), the same estimate comes from a :class:`BottomK` table instead of hashing the
kept values again: built once per column of a large frame (every row whose hash falls below a fixed fraction
of the range, sorted by hash), it holds every kept row whose hash is that small, so the kept rows' k-th
smallest distinct hash is read from it whenever at least k distinct ones survive the filter; otherwise the
values are hashed as above. Tables are cached by :class:`TableCache` within a memory budget.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

EXACT_BELOW = 200_000  # values: below this an exact count is cheap enough for an interactive view
K = 8192  # hashes kept by the sketch: relative standard error about 1.1 %
RELATIVE_ERROR = 1.0 / np.sqrt(K - 2)
_PROBE = 4096  # values looked at to tell a low-cardinality column from a high-cardinality one
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)


def _exact(values: np.ndarray) -> int:
    import pandas as pd

    return int(pd.unique(values).size)


_MIX_CHUNK = 1 << 15  # words mixed at a time: the temporaries stay in the CPU's cache (3x faster at 1M)


def _mix(bits: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a private uint64 array (a bijection of 64-bit words)."""
    from .frames import mix64_into

    scratch = np.empty(min(_MIX_CHUNK, len(bits)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for lo in range(0, len(bits), _MIX_CHUNK):
            chunk = bits[lo : lo + _MIX_CHUNK]
            mix64_into(chunk, scratch[: len(chunk)], (30, 27, 31), (int(_C1), int(_C2)))
    return bits


def _words(values: np.ndarray) -> np.ndarray | None:
    """The values as 64-bit words equal exactly when the values are equal, in a new array."""
    kind = values.dtype.kind
    if kind == "f":
        as_float = values.astype(np.float64, copy=True)
        as_float += 0.0  # -0.0 and 0.0 are one value
        return as_float.view(np.uint64)
    if kind in "iu":
        return values.astype(np.int64 if kind == "i" else np.uint64, copy=True).view(np.uint64)
    if kind in "mM":
        return values.view(np.int64).astype(np.int64, copy=True).view(np.uint64)
    return None


def integer_offsets(values: np.ndarray, low: int) -> np.ndarray:
    """``values - low`` as int64 for an integer array whose range is small (no wrap-around in a narrow
    dtype: int8 values from -100 to 100 minus -100 overflow int8)."""
    if values.dtype.kind == "u":
        return (values - values.dtype.type(low)).astype(np.int64, copy=False)
    return values.astype(np.int64, copy=False) - np.int64(low)


def _limits(n: int) -> list[np.uint64]:
    """The hash thresholds the sketch tries for ``n`` values, smallest first: fractions 3k/n, 12k/n, ...
    of the range, below 1."""
    out: list[np.uint64] = []
    fraction = 3.0 * K / n
    while fraction < 1.0:
        out.append(np.uint64(int(fraction * 2.0**64)))
        fraction *= 4.0
    return out


def kth_smallest_distinct(hashes: np.ndarray, n: int) -> np.uint64 | None:
    """The k-th smallest distinct hash, found below one of the thresholds of ``_limits(n)``, or None."""
    # The hashes are uniform: with D distinct values, about D * f of them fall below the fraction f of
    # the range. Keep those below 3k/n first (one comparison, no partition), widening while fewer than
    # k distinct ones are kept; a column with few distinct values ends at an exact count.
    for limit in _limits(n):
        kept = np.unique(hashes[hashes < limit])
        if len(kept) >= K:
            return kept[K - 1]
    return None


def _estimate(kth: np.uint64, n: int) -> int:
    return int(min(n, round((K - 1) * 2.0**64 / (float(kth) + 1.0))))


def distinct_count(values: np.ndarray, kth_hash: Callable[[], np.uint64 | None] | None = None) -> tuple[int, bool]:
    """(number of distinct values, exact?) of a 1-d numpy array without missing values.

    Numeric, boolean and datetime arrays are counted as the module docstring says; anything else exactly.
    ``kth_hash``, when given, is asked for the k-th smallest distinct hash of exactly these values (a
    :class:`BottomK` table of the column they were taken from): it answers that or None (it cannot
    tell), and the answer is then the same as from hashing the values."""
    n = len(values)
    if n < EXACT_BELOW or values.dtype.kind not in "fiumMb":
        return _exact(values), True
    if values.dtype.kind == "b":
        return int(np.any(values)) + int(not np.all(values)), True
    if values.dtype.kind in "iu":
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * n:
            seen = np.bincount(integer_offsets(values, low), minlength=1)
            return int(np.count_nonzero(seen)), True
    probe = values[:: max(1, n // _PROBE)]
    if _exact(probe) < len(probe) // 2:  # few distinct values: a small, fast hash table
        return _exact(values), True
    kth = kth_hash() if kth_hash is not None else None
    if kth is None:
        words = _words(values)
        if words is None:
            return _exact(values), True
        kth = kth_smallest_distinct(_mix(words), n)
    else:  # the sketch finds it only below its widest threshold; else it counts exactly
        limits = _limits(n)
        if not limits or kth >= limits[-1]:
            kth = None
    if kth is None:
        return _exact(values), True
    return _estimate(kth, n), False


TABLE_FRACTION = 2.0 * K / EXACT_BELOW  # of the hash range kept in a table: about 2k hashes of 200,000 rows
# Columns up to this many rows get tables (building one costs about 10 ms per million rows, hashing and
# sorting; at 10M rows it would cost more than twenty brushes of the 1M-row sample save).
TABLE_MAX_ROWS = 2_000_000


def _present(values: np.ndarray) -> np.ndarray | None:
    """Which of the values are not missing (NaN, NaT), or None when none is."""
    if values.dtype.kind == "f":
        missing = np.isnan(values)
    elif values.dtype.kind in "mM":
        missing = values.view(np.int64) == np.iinfo(np.int64).min
    else:
        return None
    return ~missing if missing.any() else None


class BottomK:
    """The rows of one column (missing values left out) whose hash is below ``TABLE_FRACTION`` of the
    range, sorted by hash: with R rows of mostly distinct values, about R * TABLE_FRACTION of them, 12
    bytes each (16 beyond 2**31 rows).

    Any subset of the rows that holds at least k distinct hashes below the threshold has its k-th
    smallest distinct hash in the table, so :meth:`kth` gives the subset's sketch without hashing it.

    It also keeps the values of ``PROBES`` rows picked at random (fixed seed), which :meth:`matches`
    compares with the column before each use: values changed in place on more than about one row in a
    thousand are caught (the table is rebuilt); fewer changed rows move the estimate by about their
    number times k / distinct values in k, far inside its 1.1 % error."""

    PROBES = 4096

    def __init__(
        self, hashes: np.ndarray, rows: np.ndarray, total: int, probe_rows: np.ndarray, probe_bytes: bytes
    ) -> None:
        self.hashes = hashes
        self.rows = rows
        self.total = total  # rows of the column
        self.probe_rows = probe_rows
        self.probe_bytes = probe_bytes

    @classmethod
    def expected_bytes(cls, rows: int) -> int:
        return int(rows * TABLE_FRACTION * 1.1 + 1) * (8 + (4 if rows < 2**31 else 8)) + cls.PROBES * 16

    @classmethod
    def build(cls, values: np.ndarray) -> "BottomK | None":
        """The table of a column's values (missing ones included: they are left out); None for a kind
        the sketch does not hash."""
        words = _words(values)
        if words is None:
            return None
        hashes = _mix(words)
        below = hashes < np.uint64(int(TABLE_FRACTION * 2.0**64))
        present = _present(values)
        if present is not None:
            below &= present
        rows = np.flatnonzero(below)
        picked = hashes[rows]
        order = np.argsort(picked)  # rows of one value share a hash: their order does not matter
        index_type = np.int32 if len(values) < 2**31 else np.int64
        probe_rows = cls._probe_rows(len(values))
        return cls(picked[order], rows[order].astype(index_type), len(values), probe_rows, values[probe_rows].tobytes())

    @classmethod
    def _probe_rows(cls, n: int) -> np.ndarray:
        return np.sort(np.random.default_rng(0).integers(0, n, min(n, cls.PROBES))) if n else np.zeros(0, np.int64)

    def matches(self, values: np.ndarray) -> bool:
        """Whether ``values`` (the column now) still hold the probed values, bit for bit."""
        return len(values) == self.total and values[self.probe_rows].tobytes() == self.probe_bytes

    @property
    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.rows.nbytes + self.probe_rows.nbytes + len(self.probe_bytes))

    def kth(self, member: np.ndarray | None, members: int | None = None) -> np.uint64 | None:
        """The k-th smallest distinct hash of the non-missing values of the rows where ``member`` (a
        boolean array over the column's rows; None: every row) is true, or None when fewer than k
        distinct ones are in the table. ``members``, the number of such rows, lets it read only the
        table's first entries (about k / (members / rows) of them hold the answer), then more if not."""
        end = len(self.hashes) if not members else int(K * 1.5 * self.total / members) + 1024
        while True:
            found = self._kth_in(member, min(end, len(self.hashes)))
            if found is not None or end >= len(self.hashes):
                return found
            end *= 2

    def _kth_in(self, member: np.ndarray | None, end: int) -> np.uint64 | None:
        """``kth`` on the first ``end`` entries (the smallest hashes)."""
        hashes = self.hashes[:end]
        if member is not None:
            hashes = hashes[member[self.rows[:end]]]
        if len(hashes) < K:
            return None
        new = np.empty(len(hashes), dtype=bool)
        new[0] = True
        np.not_equal(hashes[1:], hashes[:-1], out=new[1:])
        firsts = np.flatnonzero(new)
        return hashes[firsts[K - 1]] if len(firsts) >= K else None


TABLE_BUDGET = 64 << 20  # bytes of tables kept: a 1M-row column's table is about 1 MB, a 10M-row one 11 MB


class TableCache:
    """:class:`BottomK` tables of the columns of a few frames, newest last, within ``budget`` bytes.

    Each is kept with a weak reference to its frame and a key that the caller derives from the frame's
    identity, its catalog fingerprint and the column's buffer: a table is given back only for the very
    same frame under the same key. To make room, tables of other frames go first (oldest first); a frame
    whose own tables fill the budget gets no more (its other columns are hashed each time, as without
    a table), so that a wide frame never evicts its own tables in turn. Thread-safe (columns are
    summarised on several threads)."""

    def __init__(self, budget: int = TABLE_BUDGET) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._items: list[tuple[Any, Any, BottomK]] = []  # (key, weak reference to the frame, table)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(t.nbytes for _, _, t in self._items)

    def get(self, owner: Any, key: Any, values: np.ndarray) -> BottomK | None:
        """The table kept for ``owner`` under ``key``, if it still matches the column's ``values``
        (else it is dropped)."""
        with self._lock:
            for index, (cached_key, ref, table) in enumerate(self._items):
                if cached_key == key and ref() is owner:
                    if table.matches(values):
                        return table
                    del self._items[index]
                    return None
        return None

    def _make_room(self, owner: Any, size: int) -> bool:
        """Drop tables of dead frames, then other frames' (oldest first), until ``size`` more bytes fit.
        Called with the lock held."""
        self._items = [item for item in self._items if item[1]() is not None]
        used = sum(t.nbytes for _, _, t in self._items)
        index = 0
        while used + size > self.budget and index < len(self._items):
            if self._items[index][1]() is owner:
                index += 1
                continue
            used -= self._items.pop(index)[2].nbytes
        return used + size <= self.budget

    def get_or_build(
        self, owner: Any, key: Any, values: np.ndarray, build: Callable[[np.ndarray], BottomK | None] = BottomK.build
    ) -> BottomK | None:
        """The cached table of the column ``values``, or the one ``build`` makes of them (kept), or None
        when the budget has no room for it or the owner cannot be referenced weakly."""
        found = self.get(owner, key, values)
        if found is not None:
            return found
        try:
            ref = weakref.ref(owner)
        except TypeError:
            return None
        with self._lock:
            if not self._make_room(owner, BottomK.expected_bytes(len(values))):
                return None
        table = build(values)
        if table is None:
            return None
        with self._lock:
            if any(k == key and r() is owner for k, r, _ in self._items):
                return table
            if self._make_room(owner, table.nbytes):
                self._items.append((key, ref, table))
        return table


tables = TableCache()
