"""Vectorised helpers on pandas frames used by profiles and components (run in the kernel).

Everything here works on whole columns with numpy/pandas (no Python loop over rows) and is bounded by the
caller through ``max_rows``: larger frames are sampled with a fixed seed, and results say so.
"""

from __future__ import annotations

import json
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import progress

SAMPLE_SEED = 0


@dataclass
class Rows:
    """The rows a computation looks at: the frame itself, or a fixed-seed sample of it."""

    frame: pd.DataFrame
    total: int
    sampled: bool

    @classmethod
    def of(cls, df: pd.DataFrame, max_rows: int) -> "Rows":
        """Systematic sample beyond ``max_rows``: every (n / max_rows)-th row from a fixed-seed offset.
        It costs one ``take`` (no shuffle of all rows) and spreads over the whole frame."""
        n = len(df)
        if n <= max_rows:
            return cls(df, n, False)
        return cls(df.take(sample_positions(n, max_rows)), n, True)


def sample_positions(n: int, max_rows: int) -> np.ndarray:
    """The positions (of ``n``) that :meth:`Rows.of` keeps: every (n / max_rows)-th from a fixed offset."""
    step = n / max_rows
    offset = np.random.default_rng(SAMPLE_SEED).random() * step
    return (offset + np.arange(max_rows) * step).astype(np.int64)


@dataclass
class ViewRows:
    """What a view computes on: the frame's rows that pass the board's filter, sampled if too many."""

    frame: pd.DataFrame
    rows: int  # in the whole frame
    filtered: int  # passing the filter
    sampled: bool

    def counts(self) -> dict[str, Any]:
        """The fields every view reports about its rows."""
        return {"rows": self.rows, "filtered_rows": self.filtered, "sampled": self.sampled, "sample_rows": len(self.frame)}


def view_rows(df: pd.DataFrame, state: dict[str, Any] | None, max_rows: int, columns: list[Any] | None = None) -> ViewRows:
    """The rows ``Rows.of(apply_filter(df, state), max_rows)`` would give, taken from ``df`` in one go
    (a filter keeping 5M of 10M rows is not copied before a sample of 1M is taken from it). With
    ``columns``, only those columns are taken (the filter still reads every column it names)."""
    mask = filter_mask(df, state)
    part = df if columns is None else df.loc[:, list(dict.fromkeys(columns))]
    if mask is None:
        sample = Rows.of(part, max_rows)
        return ViewRows(sample.frame, int(len(df)), int(len(df)), sample.sampled)
    positions = np.flatnonzero(mask)
    kept = len(positions)
    if kept > max_rows:
        positions = positions[sample_positions(kept, max_rows)]
    return ViewRows(part.take(positions), int(len(df)), int(kept), kept > max_rows)


@dataclass
class ViewPositions:
    """The rows of :func:`view_rows` as positions in the frame, for views that take each column's rows
    themselves instead of materialising the filtered frame."""

    positions: np.ndarray | None  # ascending positions of the rows a view computes on; None: every row
    rows: int  # in the whole frame
    filtered: int  # passing the filter
    sampled: bool
    mask: np.ndarray | None = None  # the filter's mask, when it is exactly these rows (not sampled)

    def __post_init__(self) -> None:
        self._member: np.ndarray | None = self.mask
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return self.rows if self.positions is None else int(len(self.positions))

    def counts(self) -> dict[str, Any]:
        """The fields every view reports about its rows (as :meth:`ViewRows.counts`)."""
        return {"rows": self.rows, "filtered_rows": self.filtered, "sampled": self.sampled, "sample_rows": self.count}

    def member(self) -> np.ndarray | None:
        """The same rows as a boolean array over the frame's rows (None: every row); made on first use
        when sampled (one byte per row of the frame)."""
        if self.positions is None:
            return None
        with self._lock:
            if self._member is None:
                member = np.zeros(self.rows, dtype=bool)
                member[self.positions] = True
                self._member = member
            return self._member

    def take(self, values: np.ndarray) -> np.ndarray:
        """A column's values (a numpy array over the frame's rows) at these rows."""
        return values if self.positions is None else values.take(self.positions)

    def take_series(self, series: pd.Series) -> pd.Series:
        """A column at these rows, as the frame ``view_rows`` makes would hold it."""
        return series if self.positions is None else series.take(self.positions)


def view_positions(df: pd.DataFrame, state: dict[str, Any] | None, max_rows: int) -> ViewPositions:
    """The rows ``view_rows(df, state, max_rows)`` would give (same filter, same sample), as positions: a
    view then takes only the columns it reads, each with one ``take`` (a boolean index of a million
    rows costs ten times more than taking their positions)."""
    n = int(len(df))
    mask = filter_mask(df, state)
    if mask is None:
        if n <= max_rows:
            return ViewPositions(None, n, n, False)
        return ViewPositions(sample_positions(n, max_rows), n, n, True)
    positions = np.flatnonzero(mask)
    kept = int(len(positions))
    if kept <= max_rows:
        return ViewPositions(positions, n, kept, False, mask)
    return ViewPositions(positions[sample_positions(kept, max_rows)], n, kept, True)


def column_kind(series: pd.Series) -> str:
    """numeric | boolean | datetime | categorical | text, by dtype (never by looking at values)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    return "text"


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SEED = 0x2545F4914F6CDD1D
_CHUNK = 1 << 16  # rows hashed at a time, so that every temporary stays in the CPU's cache
_PARALLEL_ROWS = 1_000_000  # below this, one thread
_SMALL = 1 << 16  # below this, rows are grouped by their full hash directly


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _in_threads(work: Callable[[int, int, threading.Event, bool], None], n: int) -> None:
    """Run ``work(start, stop, stop_flag, main)`` over [0, n) split among threads (numpy releases the
    GIL); the calling thread takes the first part and reports progress. An interrupt (KeyboardInterrupt,
    how a view is cancelled) stops the other threads at their next chunk before it propagates."""
    parts = _workers() if n >= _PARALLEL_ROWS else 1
    bounds = [n * i // parts for i in range(parts + 1)]
    stop_flag = threading.Event()
    threads = [
        threading.Thread(target=work, args=(bounds[i], bounds[i + 1], stop_flag, False), daemon=True)
        for i in range(1, parts)
    ]
    for t in threads:
        t.start()
    try:
        work(bounds[0], bounds[1], stop_flag, True)
    except BaseException:
        stop_flag.set()
        raise
    finally:
        for t in threads:
            t.join()


def _hashable_columns(frame: pd.DataFrame) -> tuple[list[np.ndarray], list[int]]:
    """Numpy columns hashed from their bit patterns, and the positions of the others (strings,
    categories, nullable, zoned datetimes), which go through pandas' hashing."""
    arrays: list[np.ndarray] = []
    others: list[int] = []
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        values = col.to_numpy() if isinstance(col.dtype, np.dtype) else None
        if values is not None and values.dtype.kind in "fiubmM" and values.dtype.itemsize <= 8:
            if values.dtype.kind in "mM":
                values = values.view(np.int64)  # NaT is one value
            arrays.append(np.ascontiguousarray(values))
        else:
            others.append(j)
    return arrays, others


def mix64_into(h: np.ndarray, t: np.ndarray, shifts: tuple[int, int, int], multipliers: tuple[int, int]) -> None:
    """A 64-bit xor-shift-multiply finalizer, in place on ``h`` (uint64), with ``t`` (same length) as
    scratch: ``h ^= h >> s0; h *= m0; h ^= h >> s1; h *= m1; h ^= h >> s2`` (a bijection of 64-bit words).
    MurmurHash3's fmix64 and splitmix64's finalizer are two choices of the constants. Overflow wraps."""
    for shift, multiplier in zip(shifts, (*multipliers, None)):
        np.right_shift(h, np.uint64(shift), out=t)
        np.bitwise_xor(h, t, out=h)
        if multiplier is not None:
            np.multiply(h, np.uint64(multiplier), out=h)


_FMIX64 = ((33, 33, 33), (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53))  # MurmurHash3's finalizer


def _finalize_into(h: np.ndarray, t: np.ndarray) -> None:
    """MurmurHash3's 64-bit finalizer, in place, with ``t`` as scratch."""
    mix64_into(h, t, *_FMIX64)


def _hasher(h: np.ndarray, arrays: list[np.ndarray], rest: np.ndarray | None) -> Callable[..., None]:
    def work(start: int, stop: int, stop_flag: threading.Event, main: bool) -> None:
        t = np.empty(_CHUNK, np.uint64)
        fbuf = np.empty(_CHUNK, np.float64)
        ibuf = np.empty(_CHUNK, np.int64)
        nan = np.empty(_CHUNK, bool)
        s32 = np.uint64(32)
        for lo in range(start, stop, _CHUNK):
            if stop_flag.is_set():
                return
            hi = min(stop, lo + _CHUNK)
            m = hi - lo
            hc, tc = h[lo:hi], t[:m]
            hc.fill(_SEED)
            for values in arrays:
                x = values[lo:hi]
                if x.dtype.kind == "f":
                    f = fbuf[:m]
                    np.add(x, 0.0, out=f)  # -0.0 becomes 0.0; float16/32 widen
                    isnan = nan[:m]
                    np.isnan(f, out=isnan)
                    if isnan.any():
                        f[isnan] = np.nan  # one NaN bit pattern
                    bits = f.view(np.uint64)
                elif x.dtype.itemsize == 8:
                    bits = x.view(np.uint64)
                else:  # narrower integers, booleans
                    b = ibuf[:m]
                    np.copyto(b, x, casting="unsafe")
                    bits = b.view(np.uint64)
                # Fold the high half (a float's exponent and top of mantissa) into the low half
                # before multiplying, which carries information only upward.
                np.right_shift(bits, s32, out=tc)
                np.bitwise_xor(tc, bits, out=tc)
                np.bitwise_xor(hc, tc, out=hc)
                np.multiply(hc, _MULTIPLIER, out=hc)
            if rest is not None:
                np.bitwise_xor(hc, rest[lo:hi], out=hc)
                np.multiply(hc, _MULTIPLIER, out=hc)
            _finalize_into(hc, tc)
            if main:
                progress.report((hi - start) / max(stop - start, 1))

    return work


def row_hashes(df: pd.DataFrame, columns: list[Any] | None = None) -> np.ndarray:
    """A 64-bit hash of each row's values (not its index label): equal rows hash equal (NaN equals
    NaN, -0.0 equals 0.0, as in pandas' ``duplicated``); unequal rows almost always differ, and
    :func:`find_duplicates` checks the values of rows whose hashes agree.

    Numeric, boolean and naive datetime numpy columns are mixed from their bit patterns, in chunks of
    rows that stay in cache, on several threads for large frames; other columns (strings, categories,
    nullable, zoned datetimes) go through pandas' ``hash_pandas_object``."""
    frame = df if columns is None else df[columns]
    arrays, others = _hashable_columns(frame)
    rest = pd.util.hash_pandas_object(frame.iloc[:, others], index=False).to_numpy() if others else None
    h = np.empty(len(frame), dtype=np.uint64)
    with progress.stage(0.0, 1.0, "hashing rows"):
        _in_threads(_hasher(h, arrays, rest), len(frame))
    return h


def _sorted(keys: np.ndarray) -> np.ndarray:
    """``keys`` sorted: parts sorted on several threads, then merged (a stable sort of sorted runs is
    one merge pass)."""
    parts = _workers() if len(keys) >= _PARALLEL_ROWS else 1
    out = keys.copy()
    if parts == 1:
        out.sort()
        return out
    bounds = [len(out) * i // parts for i in range(parts + 1)]
    threads = [threading.Thread(target=out[bounds[i] : bounds[i + 1]].sort, daemon=True) for i in range(1, parts)]
    for t in threads:
        t.start()
    try:
        out[bounds[0] : bounds[1]].sort()
    finally:
        for t in threads:
            t.join()
    out.sort(kind="stable")
    return out


def _positions_in(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of ``keys`` (uint32) whose value may be in ``wanted``: all of those, and a few others
    (two bitmaps of 2**20 entries, on the top and low 20 bits, that stay in cache); the caller's
    grouping by full hash drops the others."""
    top = np.zeros(1 << 20, dtype=bool)
    top[wanted >> np.uint32(12)] = True
    low = np.zeros(1 << 20, dtype=bool)
    low[wanted & np.uint32(0xFFFFF)] = True
    mask = np.empty(len(keys), dtype=bool)
    scratch = np.empty(_CHUNK, dtype=np.uint32)
    for lo in range(0, len(keys), _CHUNK):
        hi = min(len(keys), lo + _CHUNK)
        s = scratch[: hi - lo]
        np.right_shift(keys[lo:hi], np.uint32(12), out=s)
        np.take(top, s, out=mask[lo:hi])
    positions = np.flatnonzero(mask)
    return positions[low[keys[positions] & np.uint32(0xFFFFF)]]


def _repeated_hash_positions(hashes: np.ndarray) -> np.ndarray:
    """Positions (ascending) of rows whose 64-bit hash occurs more than once.

    Large inputs avoid a hash table over every row (bound by cache misses) and a sort of the full
    hashes: the low 32 bits are sorted (parallel parts, merged), the repeated ones found by comparing
    neighbours, and only the rows carrying one of those (true repeats, and about n / 2**32 of the rest)
    are grouped by their full hash."""
    n = len(hashes)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    if n <= _SMALL:
        candidates = np.arange(n)
    else:
        keys = hashes.astype(np.uint32)
        ordered = _sorted(keys)
        progress.report(0.6)
        same = ordered[1:] == ordered[:-1]
        repeated = ordered[1:][same]
        if len(repeated) == 0:
            return np.zeros(0, dtype=np.int64)
        repeated = repeated[np.concatenate(([True], repeated[1:] != repeated[:-1]))]
        candidates = _positions_in(keys, repeated)
    codes, _ = pd.factorize(hashes[candidates])
    counts = np.bincount(codes)
    return candidates[counts[codes] > 1].astype(np.int64)


def _columns_equal(a: pd.Series, pa: np.ndarray, b: pd.Series, pb: np.ndarray) -> np.ndarray:
    """Whether a[pa[i]] equals b[pb[i]] for each i, missing equal to missing."""
    x = a.iloc[pa].reset_index(drop=True)
    y = b.iloc[pb].reset_index(drop=True)
    try:
        eq = (x == y).to_numpy(dtype=bool, na_value=False)
    except (TypeError, ValueError):  # e.g. categories that differ between two frames
        eq = (x.astype(object) == y.astype(object)).to_numpy(dtype=bool, na_value=False)
    return eq | (x.isna().to_numpy() & y.isna().to_numpy())


def _rows_equal(a: pd.DataFrame, pa: np.ndarray, b: pd.DataFrame, pb: np.ndarray) -> np.ndarray:
    """Whether row pa[i] of ``a`` has the same values as row pb[i] of ``b`` (same columns, in order)."""
    same = np.ones(len(pa), dtype=bool)
    for j in range(a.shape[1]):
        same &= _columns_equal(a.iloc[:, j], pa, b.iloc[:, j], pb)
    return same


def _exact_codes(frame: pd.DataFrame) -> np.ndarray:
    """A group number per row, equal exactly when the rows' values are (pandas' own comparison)."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.int64)
    keys = [frame.iloc[:, j].reset_index(drop=True) for j in range(frame.shape[1])]
    return pd.DataFrame({i: k for i, k in enumerate(keys)}).groupby(list(range(len(keys))), dropna=False, sort=False, observed=True).ngroup().to_numpy()


@dataclass
class DuplicateGroups:
    """Rows of a frame that appear more than once, grouped by exactly equal values."""

    rows: int  # rows looked at
    positions: np.ndarray  # positions of the rows that have a duplicate, ascending
    codes: np.ndarray  # the group of each such row, 0..groups-1, numbered by their first row
    hashes: np.ndarray  # each group's row hash
    ordinals: np.ndarray  # 0, or k for the k-th group whose hash an earlier group has (a hash collision)

    @property
    def groups(self) -> int:
        return int(len(self.hashes))

    @property
    def rows_in_groups(self) -> int:
        return int(len(self.positions))

    @property
    def extra_copies(self) -> int:
        return self.rows_in_groups - self.groups

    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.groups)

    def mask(self) -> np.ndarray:
        out = np.zeros(self.rows, dtype=bool)
        out[self.positions] = True
        return out

    def group_id(self, group: int) -> str:
        base = f"{int(self.hashes[group]):016x}"
        return base if self.ordinals[group] == 0 else f"{base}-{int(self.ordinals[group])}"


def _groups_of(rows: int, positions: np.ndarray, keys: np.ndarray, hashes: np.ndarray) -> DuplicateGroups:
    """Groups from a key per candidate row; keys seen once are dropped; numbered by first row."""
    codes, _ = pd.factorize(keys)
    counts = np.bincount(codes) if len(codes) else np.zeros(0, dtype=np.int64)
    keep = counts[codes] > 1
    positions, codes = positions[keep], codes[keep]
    codes, _ = pd.factorize(codes)
    codes = codes.astype(np.int64)
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, -1, dtype=np.int64)
    first[codes[::-1]] = positions[::-1]  # the last write for each group is its first row
    group_hashes = hashes[first] if len(first) else np.zeros(0, dtype=np.uint64)
    ordinals = pd.Series(group_hashes).groupby(group_hashes).cumcount().to_numpy() if len(first) else np.zeros(0, np.int64)
    return DuplicateGroups(rows, positions, codes, group_hashes, ordinals)


def find_duplicates(frame: pd.DataFrame, hashes: np.ndarray | None = None) -> DuplicateGroups:
    """Groups of rows of ``frame`` with exactly equal values (as pandas' ``duplicated`` compares them).

    Rows are found by their 64-bit hash (``hashes``, computed when not given), then every candidate's
    values are compared with its group's first row: a hash collision never makes a false duplicate (the
    rows it joined are regrouped by value)."""
    with progress.stage(0.0, 0.45, "hashing rows"):
        if hashes is None:
            hashes = row_hashes(frame)
    with progress.stage(0.45, 0.9, "grouping rows"):
        positions = _repeated_hash_positions(hashes)
    with progress.stage(0.9, 1.0, "checking values"):
        groups = _groups_of(len(frame), positions, hashes[positions], hashes)
        if groups.groups == 0:
            return groups
        first = np.empty(groups.groups, dtype=np.int64)
        first[groups.codes[::-1]] = groups.positions[::-1]
        same = _rows_equal(frame, groups.positions, frame, first[groups.codes])
        if same.all():
            return groups
        # A hash collision: regroup the rows of the groups it touched by their values.
        touched = np.isin(groups.codes, np.unique(groups.codes[~same]))
        keys = groups.codes.copy()
        keys[touched] = groups.groups + _exact_codes(frame.iloc[groups.positions[touched]])
        return _groups_of(len(frame), groups.positions, keys, hashes)


def group_rows(frame: pd.DataFrame, hashes: np.ndarray, group_id: str) -> np.ndarray:
    """The rows (a mask) of the duplicate group that :meth:`DuplicateGroups.group_id` named."""
    base, _, ordinal_text = group_id.partition("-")
    if len(base) != 16 or (ordinal_text and not ordinal_text.isdigit()):
        raise ValueError("a duplicate group id is 16 hex digits, optionally followed by -N")
    wanted = np.uint64(int(base, 16))
    ordinal = int(ordinal_text or 0)
    mask = np.asarray(hashes, dtype=np.uint64) == wanted
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return mask
    if ordinal == 0 and _rows_equal(frame, rows, frame, np.full(len(rows), rows[0])).all():
        return mask
    groups = _groups_of(len(frame), rows, _exact_codes(frame.iloc[rows]), hashes)
    out = np.zeros(len(frame), dtype=bool)
    if ordinal < groups.groups:
        out[groups.positions[groups.codes == ordinal]] = True
    return out


def rows_in(frame: pd.DataFrame, other: pd.DataFrame, columns: list[Any]) -> np.ndarray:
    """Which rows of ``frame`` (on ``columns``) appear as a row of ``other`` (a mask); hash matches
    are confirmed by comparing values."""
    a, b = frame[columns], other[columns]
    ha, hb = row_hashes(a), row_hashes(b)
    with progress.stage(0.0, 1.0, "matching rows"):
        candidates = np.flatnonzero(np.isin(ha, hb))
        out = np.zeros(len(a), dtype=bool)
        if len(candidates) == 0:
            return out
        in_b = np.flatnonzero(np.isin(hb, ha[candidates]))
        first = pd.Series(in_b, index=hb[in_b])
        first = first[~first.index.duplicated()]
        partner = first.reindex(ha[candidates]).to_numpy()
        same = _rows_equal(a, candidates, b, partner)
        out[candidates[same]] = True
        doubtful = candidates[~same]  # a collision, or b holds the row under a colliding hash too
        if len(doubtful):
            b_rows = in_b[np.isin(hb[in_b], ha[doubtful])]
            both = pd.concat([b.iloc[b_rows], a.iloc[doubtful]], ignore_index=True)
            codes = _exact_codes(both)
            out[doubtful[np.isin(codes[len(b_rows) :], codes[: len(b_rows)])]] = True
        return out


def json_value(value: Any) -> Any:
    """A JSON-safe version of one cell value (numbers stay numbers; NaN/NaT become None)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if np.isfinite(f) else None
    if value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (pd.Timestamp, pd.Timedelta)):
        return str(value)
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:199] + "…"
    from .safe import safe_label

    return safe_label(value)


def column_labels(df: pd.DataFrame) -> dict[str, Any]:
    """Text label (as the catalog shows it) -> the frame's actual column key."""
    from .safe import safe_label

    return {safe_label(c): c for c in df.columns}


def resolve_column(df: pd.DataFrame, label: Any) -> Any:
    """The frame's column whose catalog label is ``label``; KeyError if none."""
    if not isinstance(label, str):
        raise KeyError(label)
    labels = column_labels(df)
    if label not in labels:
        raise KeyError(label)
    return labels[label]


def apply_filter(df: pd.DataFrame, state: dict[str, Any] | None) -> pd.DataFrame:
    """Rows of ``df`` that pass the board's shared filter (clauses on columns the frame has) and are in
    its selection."""
    mask = filter_mask(df, state)
    return df if mask is None else df[mask]


_MASK_CACHE_ROWS = 1_000_000  # frames from this size keep their last masks (a brush recomputes every view)
_mask_cache: list[tuple[Any, Any, np.ndarray]] = []  # (key, weak reference to the frame, mask), newest last


def filter_mask(df: pd.DataFrame, state: dict[str, Any] | None) -> np.ndarray | None:
    """The boolean mask of ``apply_filter``, or None when the state keeps every row.

    On large frames the last two masks are kept, keyed by the frame (identity and the catalog's
    fingerprint, ``state["_fingerprint"]``), the clauses and the selection: the views of one board state
    (a Summary, a Table, a map) ask for the same mask in turn. The server's cache of views already trusts
    the same fingerprint, so a mask is never older than a view it would serve."""
    clauses = (state or {}).get("filter") or []
    selected = (state or {}).get("_selected")
    if not clauses and selected is None:
        return None
    key = _mask_key(df, state, clauses, selected)
    if key is not None:
        for cached_key, ref, cached in _mask_cache:
            if cached_key == key and ref() is df:
                return cached
    mask = _compute_mask(df, clauses, selected)
    if key is not None:
        try:
            ref = weakref.ref(df)
        except TypeError:
            return mask
        mask.setflags(write=False)  # shared between views: nobody may change it in place
        _mask_cache.append((key, ref, mask))
        del _mask_cache[:-2]
    return mask


def _mask_key(df: pd.DataFrame, state: dict[str, Any] | None, clauses: list[Any], selected: Any) -> Any:
    fingerprint_of = (state or {}).get("_fingerprint")
    if len(df) < _MASK_CACHE_ROWS or not callable(fingerprint_of):
        return None
    try:
        fingerprint = fingerprint_of(df)
        text = json.dumps(clauses, sort_keys=True, default=str)
    except Exception:
        return None
    if fingerprint is None:
        return None
    return (id(df), fingerprint, text, id(selected) if selected is not None else None)


def _compute_mask(df: pd.DataFrame, clauses: list[Any], selected: Any) -> np.ndarray:
    mask = np.ones(len(df), dtype=bool)
    if selected is not None:  # the board's selection, resolved to index labels (kernel/selection.py)
        mask &= df.index.isin(selected)
    labels = column_labels(df)
    for clause in clauses:
        column = labels.get(clause.get("column"))
        if column is None:
            continue
        values = df[column]
        if clause.get("op") == "range":
            low, high = clause.get("min"), clause.get("max")
            array = values.to_numpy() if isinstance(values.dtype, np.dtype) else None
            if (
                array is not None
                and array.dtype.kind in "iuf"
                and all(type(b) in (int, float) for b in (low, high) if b is not None)
            ):
                # Numbers of a numpy column, compared on the array (NaN fails both comparisons, as
                # the missing values are left out below): a third of the time of the pandas route.
                if low is not None:
                    mask &= array >= low
                if high is not None:
                    mask &= array <= high
                if low is None and high is None and array.dtype.kind == "f":
                    mask &= ~np.isnan(array)
                continue
            if column_kind(values) == "datetime":
                low = pd.Timestamp(low) if low is not None else None
                high = pd.Timestamp(high) if high is not None else None
            keep = values.notna().to_numpy(copy=True)
            if low is not None:
                keep &= (values >= low).to_numpy(dtype=bool, na_value=False)
            if high is not None:
                keep &= (values <= high).to_numpy(dtype=bool, na_value=False)
            mask &= keep
        elif clause.get("op") == "in":
            wanted = clause.get("values") or []
            include_missing = None in wanted
            texts = [str(v) for v in wanted if v is not None]
            if isinstance(values.dtype, pd.CategoricalDtype):  # compare the few categories, then codes
                lookup = np.zeros(len(values.cat.categories) + 1, dtype=bool)  # the last slot: missing (-1)
                lookup[:-1] = values.cat.categories.astype("string").isin(texts)
                keep = np.take(lookup, values.cat.codes.to_numpy(), mode="wrap")
            elif pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
                keep = values.astype("string").isin(texts).to_numpy(dtype=bool, na_value=False)
            else:  # booleans, numbers, mixed objects: the distinct values read as text, then codes
                codes, names = text_codes(values)
                lookup = np.zeros(len(names) + 1, dtype=bool)  # the last slot: missing (-1)
                lookup[:-1] = [str(name) in texts for name in names]
                keep = np.take(lookup, codes, mode="wrap")
            if include_missing:
                keep = keep | values.isna().to_numpy()
            mask &= keep
    return mask


def text_codes(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes (int64, -1 for missing) and the values they stand for, values compared as text (so 1 and
    "1" are one value, as after ``astype("string")``) without converting every row to text: the values
    are factorized as they are (categoricals through their codes), then only the distinct ones are read
    as text and merged."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy(dtype=np.int64)
        uniques: Any = values.cat.categories
    else:
        raw, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.asarray(raw, dtype=np.int64)
    names = pd.Index(uniques).astype("string")
    merged, firsts = pd.factorize(names, use_na_sentinel=True)
    merged = np.asarray(merged, dtype=np.int64)
    if len(firsts) != len(names) or (merged < 0).any():  # two values read the same (or as missing)
        lookup = np.append(merged, -1)  # code -1 stays -1
        codes = lookup[codes]
    return codes, [json_value(v) for v in firsts]
