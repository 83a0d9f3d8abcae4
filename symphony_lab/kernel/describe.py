"""Describers: one per kind of object the catalog knows.

A describer is only ever called for an object whose type has one of the known classes in its MRO, and
only when the library defining it is already imported in the kernel (``sys.modules``): the catalog
never imports anything on the user's behalf. Describers read metadata (shape, schema, dtypes, buffer
identity, a fixed sample of a few values): never a scan of the data.
"""

from __future__ import annotations

import sys
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from .safe import Fingerprint, object_tokens, qualified_type_name, safe_label, sample_positions, type_attr


@dataclass(frozen=True)
class Limits:
    max_columns: int = 100
    max_labels: int = 50
    sample_rows: int = 16


Entry = dict[str, Any]
Describer = Callable[[Any, Limits], Entry]


# -- numpy ------------------------------------------------------------------------------------------

def _buffer_address(arr: Any) -> int:
    try:
        return int(arr.__array_interface__["data"][0])
    except Exception:
        return 0


def _ndarray_sample(arr: Any, limits: Limits) -> bytes:
    """Bytes of a fixed sample of an ndarray's values (first, last and evenly spread)."""
    np = sys.modules["numpy"]
    size = int(arr.size)
    if size == 0:
        return b""
    positions = sample_positions(size, limits.sample_rows)
    if arr.ndim == 1:
        picked = arr[positions]
    else:
        picked = arr[np.unravel_index(positions, arr.shape)]
    if picked.dtype.kind == "O":
        return object_tokens(list(picked))
    return np.ascontiguousarray(picked).tobytes()


def describe_ndarray(arr: Any, limits: Limits) -> Entry:
    shape = [int(n) for n in arr.shape]
    dtype = str(arr.dtype)
    fp = Fingerprint("ndarray", shape, dtype, _buffer_address(arr), _ndarray_sample(arr, limits))
    return {
        "kind": "array",
        "library": "numpy",
        "shape": shape,
        "dtype": dtype,
        "memory": int(arr.nbytes),
        "fingerprint": fp.hexdigest(),
    }


# -- pandas -----------------------------------------------------------------------------------------

def _numpy_sample(values: Any, positions: list[int]) -> bytes:
    np = sys.modules["numpy"]
    picked = values[positions] if values.ndim == 1 else values[:, positions]
    if picked.dtype.kind == "O":
        return object_tokens(list(picked.ravel()))
    return np.ascontiguousarray(picked).tobytes()


def _pandas_values_sample(values: Any, positions: list[int], limits: Limits) -> bytes:
    """A sample of one block's or column's values (ndarray or extension array) as bytes."""
    np = sys.modules["numpy"]
    ndarray = np.ndarray
    if type(values) is ndarray or any(b is ndarray for b in type_attr(type(values), "__mro__", ())):
        return _numpy_sample(values, positions)
    # Extension arrays: look at their numpy or arrow storage rather than building Python scalars.
    for attr in ("_ndarray", "_codes"):  # datetimes/timedeltas/numpy-backed; categoricals
        inner = getattr(values, attr, None)
        if type(inner) is ndarray:
            return _numpy_sample(inner, positions)
    data, mask = getattr(values, "_data", None), getattr(values, "_mask", None)
    if type(data) is ndarray and type(mask) is ndarray:  # nullable integers, floats, booleans
        return _numpy_sample(data, positions) + _numpy_sample(mask, positions)
    arrow = getattr(values, "_pa_array", None)
    if arrow is not None:  # arrow arrays are immutable: a change replaces the object
        return f"arrow@{id(arrow)}".encode()
    picked = values.take(positions)
    return object_tokens(list(picked))


def _frame_block_values(df: Any) -> list[Any] | None:
    """The values of each block of the frame (pandas internals, guarded); ``None`` when unavailable."""
    try:
        return [blk.values for blk in df._mgr.blocks]
    except Exception:
        return None


def _frame_public_sample(df: Any, positions: list[int], limits: Limits) -> bytes:
    """Value sample through the public API (slower; used when internals are not as expected)."""
    sample = df.iloc[positions, : limits.max_columns]
    parts = []
    for j in range(sample.shape[1]):
        col = sample.iloc[:, j]
        parts.append(_pandas_values_sample(col.array, list(range(len(positions))), limits))
    return b"\x1d".join(parts)


_LABEL_CACHE: dict[int, tuple[Any, int, list[str]]] = {}


def _column_labels(columns: Any, limit: int) -> list[str]:
    """Text labels of the first ``limit`` column names, cached per (immutable) Index object."""
    key = id(columns)
    cached = _LABEL_CACHE.get(key)
    if cached is not None and cached[0]() is columns and cached[1] == limit:
        return cached[2]
    labels = [safe_label(c) for c in columns[:limit]]
    try:
        ref = weakref.ref(columns, lambda _r, key=key: _LABEL_CACHE.pop(key, None))
    except TypeError:
        return labels
    if len(_LABEL_CACHE) > 4096:
        _LABEL_CACHE.clear()
    _LABEL_CACHE[key] = (ref, limit, labels)
    return labels


def _columns(df: Any, limit: int) -> tuple[list[dict[str, str]], int]:
    columns = df.columns
    total = len(columns)
    try:  # pandas internals: an ndarray of dtypes, no Series built
        dtypes = [str(d) for d in df._mgr.get_dtypes()[:limit]]
    except Exception:
        dtypes = []
    if len(dtypes) == min(limit, total):
        pass
    elif total <= 10_000:
        dtypes = [str(d) for d in df.dtypes.iloc[:limit]]
    else:  # avoid building the dtype Series of a very wide frame
        dtypes = [str(df.iloc[:, j].dtype) for j in range(min(limit, total))]
    labels = _column_labels(columns, limit)
    return [{"name": n, "dtype": d} for n, d in zip(labels, dtypes)], total


# id(frame) -> (weak references to the frame, its columns, its index and each block's values; row
# count; value sample; limits; entry). A weak reference that is still alive to the very same object
# proves identity (ids of dead objects get reused, live ones cannot), so an entry is reused only when the
# frame is made of the same objects and its sampled values are unchanged.
_FRAME_CACHE: dict[int, tuple[list[Any], int, bytes, Limits, Entry]] = {}


def _cached_frame(key: int, parts: list[Any], nrows: int, sample: bytes, limits: Limits) -> Entry | None:
    cached = _FRAME_CACHE.get(key)
    if cached is None:
        return None
    refs, rows, old_sample, old_limits, entry = cached
    if rows != nrows or old_sample != sample or old_limits != limits or len(refs) != len(parts):
        return None
    if all(ref() is part for ref, part in zip(refs, parts)):
        return dict(entry)
    return None


def _remember_frame(key: int, parts: list[Any], nrows: int, sample: bytes, limits: Limits, entry: Entry) -> None:
    try:
        refs = [weakref.ref(parts[0], lambda _r, key=key: _FRAME_CACHE.pop(key, None))]
        refs += [weakref.ref(part) for part in parts[1:]]
    except TypeError:  # something in it does not support weak references: do not cache
        return
    if len(_FRAME_CACHE) > 4096:
        _FRAME_CACHE.clear()
    _FRAME_CACHE[key] = (refs, nrows, sample, limits, dict(entry))


def describe_pandas_frame(df: Any, limits: Limits) -> Entry:
    nrows = len(df.index)
    positions = sample_positions(nrows, limits.sample_rows)
    values_list = _frame_block_values(df)
    if values_list is None:  # public API only: slower, never cached
        sample = _frame_public_sample(df, positions, limits)
        addresses: list[int] = []
        memory: int | None = None
    else:
        sample = b"\x1d".join(_pandas_values_sample(v, positions, limits) for v in values_list[: limits.max_columns])
        parts = [df, df.columns, df.index, *values_list]
        cached = _cached_frame(id(df), parts, nrows, sample, limits)
        if cached is not None:
            return cached
        addresses = [_buffer_address(v) or id(v) for v in values_list[: limits.max_columns]]
        try:
            memory = sum(int(v.nbytes) for v in values_list) + int(df.index.nbytes)
        except Exception:
            memory = None
    columns, ncols = _columns(df, limits.max_columns)
    fp = Fingerprint(
        "pandas.DataFrame",
        nrows,
        ncols,
        "\x1f".join(f"{c['name']}\x1e{c['dtype']}" for c in columns),
        addresses,
        sample,
        id(df.index),
    )
    entry: Entry = {
        "kind": "dataframe",
        "library": "pandas",
        "shape": [nrows, ncols],
        "columns": columns,
        "columns_total": ncols,
        "index": str(df.index.dtype),
        "memory": memory,
        "memory_deep": False,
        "fingerprint": fp.hexdigest(),
    }
    if values_list is not None:
        _remember_frame(id(df), parts, nrows, sample, limits, entry)
    return entry


def describe_pandas_series(s: Any, limits: Limits) -> Entry:
    n = len(s.index)
    values = s.array
    positions = sample_positions(n, limits.sample_rows)
    raw = getattr(values, "_ndarray", values)
    fp = Fingerprint(
        "pandas.Series",
        n,
        str(s.dtype),
        safe_label(s.name),
        _buffer_address(raw) or id(raw),
        _pandas_values_sample(values, positions, limits),
        id(s.index),
    )
    try:
        memory: int | None = int(values.nbytes) + int(s.index.nbytes)
    except Exception:
        memory = None
    return {
        "kind": "series",
        "library": "pandas",
        "shape": [n],
        "dtype": str(s.dtype),
        "series_name": None if s.name is None else safe_label(s.name),
        "memory": memory,
        "memory_deep": False,
        "fingerprint": fp.hexdigest(),
    }


def describe_pandas_index(idx: Any, limits: Limits) -> Entry:
    n = len(idx)
    positions = sample_positions(n, limits.sample_rows)
    fp = Fingerprint("pandas.Index", n, str(idx.dtype), id(idx), _pandas_values_sample(idx.array, positions, limits))
    return {
        "kind": "index",
        "library": "pandas",
        "shape": [n],
        "dtype": str(idx.dtype),
        "memory": int(idx.nbytes),
        "memory_deep": False,
        "fingerprint": fp.hexdigest(),
    }


# -- polars and pyarrow (immutable columnar tables) ------------------------------------------------

def describe_polars_frame(df: Any, limits: Limits) -> Entry:
    nrows, ncols = (int(n) for n in df.shape)
    schema = df.schema
    names = list(schema.keys())[: limits.max_columns]
    columns = [{"name": safe_label(n), "dtype": str(schema[n])} for n in names]
    try:
        memory: int | None = int(df.estimated_size())
    except Exception:
        memory = None
    fp = Fingerprint("polars.DataFrame", id(df), nrows, ncols, [(c["name"], c["dtype"]) for c in columns])
    return {
        "kind": "dataframe",
        "library": "polars",
        "shape": [nrows, ncols],
        "columns": columns,
        "columns_total": ncols,
        "memory": memory,
        "fingerprint": fp.hexdigest(),
    }


def describe_polars_series(s: Any, limits: Limits) -> Entry:
    n = int(s.len())
    fp = Fingerprint("polars.Series", id(s), n, str(s.dtype))
    return {
        "kind": "series",
        "library": "polars",
        "shape": [n],
        "dtype": str(s.dtype),
        "series_name": safe_label(s.name),
        "memory": int(s.estimated_size()),
        "fingerprint": fp.hexdigest(),
    }


def describe_arrow_table(table: Any, limits: Limits) -> Entry:
    nrows, ncols = int(table.num_rows), int(table.num_columns)
    schema = table.schema
    columns = [
        {"name": safe_label(schema.field(j).name), "dtype": str(schema.field(j).type)}
        for j in range(min(ncols, limits.max_columns))
    ]
    try:
        memory: int | None = int(table.get_total_buffer_size())
    except Exception:
        memory = None
    fp = Fingerprint("pyarrow.Table", id(table), nrows, ncols, [(c["name"], c["dtype"]) for c in columns])
    return {
        "kind": "table",
        "library": "pyarrow",
        "shape": [nrows, ncols],
        "columns": columns,
        "columns_total": ncols,
        "memory": memory,
        "fingerprint": fp.hexdigest(),
    }


# -- scikit-learn -----------------------------------------------------------------------------------

def _labels(values: Any, limit: int) -> tuple[list[str], int]:
    try:
        total = len(values)
        head = list(values[:limit])
    except Exception:
        return [], 0
    return [safe_label(v) for v in head], total


def _sklearn_task(est: Any) -> str | None:
    base = sys.modules.get("sklearn.base")
    if base is None:
        return None
    for fn, task in (("is_classifier", "classifier"), ("is_regressor", "regressor"), ("is_clusterer", "clusterer")):
        check = getattr(base, fn, None)
        if check is not None:
            try:
                if check(est):
                    return task
            except Exception:
                pass
    mro = type_attr(type(est), "__mro__", ())
    transformer = getattr(base, "TransformerMixin", None)
    if transformer is not None and any(b is transformer for b in mro):
        return "transformer"
    return None


def describe_sklearn(est: Any, limits: Limits) -> Entry:
    attrs = object.__getattribute__(est, "__dict__")
    fitted_keys = sorted(k for k in attrs if type(k) is str and k.endswith("_") and not k.startswith("_"))
    model: dict[str, Any] = {"fitted": bool(fitted_keys), "task": _sklearn_task(est)}
    n_features = attrs.get("n_features_in_")
    if type(n_features) is int or (n_features is not None and type_attr(type(n_features), "__module__") == "numpy"):
        model["n_features_in"] = int(n_features)
    names = attrs.get("feature_names_in_")
    if names is not None:
        model["feature_names"], model["feature_names_total"] = _labels(names, limits.max_labels)
    classes = attrs.get("classes_")
    if classes is not None and type_attr(type(classes), "__module__") == "numpy":
        model["classes"], model["n_classes"] = _labels(classes, limits.max_labels)
    params = {}
    for key, value in attrs.items():
        if type(key) is str and not key.endswith("_") and not key.startswith("_"):
            tp = type(value)
            if tp is str or tp is int or tp is float or tp is bool or value is None:
                params[key] = value if tp is not float or value == value else None
            if len(params) >= 40:
                break
    model["params"] = params
    fp = Fingerprint(
        qualified_type_name(type(est)),
        id(est),
        [(k, id(attrs[k])) for k in fitted_keys],
        sorted((k, repr(v)) for k, v in params.items()),
    )
    return {"kind": "model", "library": "sklearn", "model": model, "memory": None, "fingerprint": fp.hexdigest()}


# -- PyTorch ----------------------------------------------------------------------------------------

def describe_torch_module(module: Any, limits: Limits) -> Entry:
    n_params = 0
    versions = 0
    count = 0
    memory = 0
    addresses = []
    for p in module.parameters():
        n_params += int(p.numel())
        memory += int(p.numel()) * int(p.element_size())
        versions += int(p._version)
        if count < 64:
            addresses.append(int(p.data_ptr()))
        count += 1
        if count > 100_000:
            break
    model = {"fitted": None, "task": "torch", "n_parameters": n_params, "training": bool(module.training)}
    fp = Fingerprint(qualified_type_name(type(module)), id(module), n_params, versions, addresses)
    return {"kind": "model", "library": "torch", "model": model, "memory": memory, "fingerprint": fp.hexdigest()}


def describe_torch_tensor(t: Any, limits: Limits) -> Entry:
    shape = [int(n) for n in t.shape]
    fp = Fingerprint("torch.Tensor", shape, str(t.dtype), int(t.data_ptr()), int(t._version), str(t.device))
    return {
        "kind": "array",
        "library": "torch",
        "shape": shape,
        "dtype": str(t.dtype),
        "device": str(t.device),
        "memory": int(t.nelement()) * int(t.element_size()),
        "fingerprint": fp.hexdigest(),
    }


# -- the registry of known classes -----------------------------------------------------------------

# (module that must already be imported, attribute path of the class, describer); first match wins,
# so subclasses come before their bases where both are listed.
KNOWN: list[tuple[str, str, Describer]] = [
    ("pandas", "DataFrame", describe_pandas_frame),
    ("pandas", "Series", describe_pandas_series),
    ("pandas", "Index", describe_pandas_index),
    ("numpy", "ndarray", describe_ndarray),
    ("polars", "DataFrame", describe_polars_frame),
    ("polars", "Series", describe_polars_series),
    ("pyarrow", "Table", describe_arrow_table),
    ("pyarrow", "RecordBatch", describe_arrow_table),
    ("sklearn.base", "BaseEstimator", describe_sklearn),
    ("torch", "nn.Module", describe_torch_module),
    ("torch", "Tensor", describe_torch_tensor),
]


def known_classes() -> list[tuple[type, Describer]]:
    """The known classes whose libraries are imported right now (nothing is imported here)."""
    found: list[tuple[type, Describer]] = []
    for module_name, path, describer in KNOWN:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        obj: Any = module
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        if type(obj) is type or isinstance(obj, type):
            found.append((obj, describer))
    return found
