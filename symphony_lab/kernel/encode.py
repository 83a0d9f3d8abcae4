"""How a view's data leaves the kernel: JSON for small scalars and metadata, Apache Arrow for the
columnar parts.

A component's ``compute`` returns JSON-shaped data (dicts, lists, scalars). Any list in it that is a
table (at least ``MIN_ROWS`` records with the same keys, rows of the same length, or scalars) and holds
at least ``MIN_CELLS`` values is written as one Arrow IPC stream, and replaced in the JSON by
``{"$arrow": i}`` (its position in ``streams``). Schema metadata says how to rebuild the list
(``records`` with their keys, ``rows``, ``values``), so the browser decodes it back to the same shape as
the JSON would have had: renderers never see the encoding. A stream is kept only when it is smaller than
the node's JSON (tiny tables stay JSON). Columns Arrow cannot type (mixed values, objects) travel as
JSON text inside the stream (field metadata ``json``).

Without pyarrow in the kernel (a user's environment may lack it) everything stays JSON, and the result
says ``"encoding": "json"``; the browser reads both the same way.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

MIN_ROWS = 8
MIN_CELLS = 64
KIND_KEY = b"symphony_lab.kind"
KEYS_KEY = b"symphony_lab.keys"
JSON_FIELD_KEY = b"symphony_lab.json"
_SCALARS = (type(None), bool, int, float, str)


class _Unencodable(Exception):
    """The data already uses our placeholder key: send it as JSON."""


def _pyarrow() -> Any:
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        return pa
    try:
        import pyarrow  # noqa: F401  (pandas itself uses it for strings when it is installed)
    except Exception:
        return None
    return sys.modules["pyarrow"]


def _json_size(node: Any) -> int:
    return len(json.dumps(node, separators=(",", ":"), allow_nan=True))


def _table_shape(node: list[Any]) -> tuple[str, list[str], list[list[Any]]] | None:
    """(kind, keys, columns) when ``node`` is a table worth encoding, else None."""
    if len(node) < MIN_ROWS:
        return None
    first = node[0]
    if type(first) is dict:
        keys = list(first)
        if not keys or not all(type(k) is str for k in keys):
            return None
        for item in node:
            if type(item) is not dict or len(item) != len(keys) or list(item) != keys:
                return None
        columns = [[item[k] for item in node] for k in keys]
        kind = "records"
    elif type(first) is list:
        width = len(first)
        if width == 0 or not all(type(item) is list and len(item) == width for item in node):
            return None
        keys = [str(j) for j in range(width)]
        columns = [[item[j] for item in node] for j in range(width)]
        kind = "rows"
    elif all(type(item) in _SCALARS for item in node):
        keys, columns, kind = ["v"], [node], "values"
    else:
        return None
    if len(node) * len(keys) < MIN_CELLS:
        return None
    return kind, keys, columns


def _array(pa: Any, values: list[Any]) -> tuple[Any, bool]:
    """An Arrow array for one column, and whether it carries JSON text (for values Arrow cannot type)."""
    try:
        array = pa.array(values, from_pandas=True)  # NaN becomes null, as json_value does
        if _plain(pa, array.type):
            return _narrow(pa, array), False
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    text = [None if v is None else json.dumps(v, separators=(",", ":"), allow_nan=True) for v in values]
    return pa.array(text, type=pa.string()), True


def _plain(pa: Any, typ: Any) -> bool:
    """Types the browser decodes to JSON values: null, bool, integers, floats, strings, lists of those."""
    t = pa.types
    if t.is_null(typ) or t.is_boolean(typ) or t.is_integer(typ) or t.is_floating(typ) or t.is_string(typ):
        return True
    if t.is_list(typ) or t.is_large_list(typ):
        return _plain(pa, typ.value_type)
    return False


def _narrow(pa: Any, array: Any) -> Any:
    """Numbers in the narrowest type that holds them exactly (counts are small, many floats are halves
    or whole numbers; bytes matter): integers in int8/16/32, floats in float32 when no value changes.
    Lists of numbers likewise."""
    import pyarrow.compute as pc

    typ = array.type
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        values = _narrow(pa, array.flatten())
        if values.type == typ.value_type:
            return array
        return array.cast(pa.list_(values.type) if pa.types.is_list(typ) else pa.large_list(values.type))
    if array.null_count == len(array):
        return array
    if pa.types.is_int64(typ):
        bounds = pc.min_max(array).as_py()
        low, high = bounds["min"], bounds["max"]
        for narrow, limit in ((pa.int8(), 2**7), (pa.int16(), 2**15), (pa.int32(), 2**31)):
            if -limit <= low and high < limit:
                return array.cast(narrow)
    elif pa.types.is_float64(typ):
        single = array.cast(pa.float32(), safe=False)
        same = pc.all(pc.or_kleene(pc.equal(single.cast(pa.float64()), array), pc.is_nan(array))).as_py()
        if same is not False:
            return single
    return array


def _stream(pa: Any, kind: str, keys: list[str], columns: list[list[Any]]) -> bytes:
    arrays, fields = [], []
    for key, values in zip(keys, columns):
        array, as_json = _array(pa, values)
        arrays.append(array)
        fields.append(pa.field(key, array.type, metadata={JSON_FIELD_KEY: b"1"} if as_json else None))
    schema = pa.schema(fields, metadata={KIND_KEY: kind.encode(), KEYS_KEY: json.dumps(keys).encode()})
    batch = pa.record_batch(arrays, schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def encode_data(data: Any, pa: Any) -> tuple[Any, list[bytes]]:
    """``data`` with its large tables replaced by ``{"$arrow": i}``, and the Arrow IPC streams."""
    streams: list[bytes] = []

    def visit(node: Any) -> Any:
        if type(node) is dict:
            if "$arrow" in node:
                raise _Unencodable()
            return {k: visit(v) for k, v in node.items()}
        if type(node) is list:
            shape = _table_shape(node)
            if shape is not None:
                encoded = _stream(pa, *shape)
                if len(encoded) < _json_size(node):
                    streams.append(encoded)
                    return {"$arrow": len(streams) - 1}
            return [visit(item) for item in node]
        return node

    return visit(data), streams


def encode_result(result: dict[str, Any], wanted: Any) -> dict[str, Any]:
    """The kernel's answer to a compute request, with its data encoded as the server asked
    (``"arrow"``; anything else: JSON). Says which encoding was used."""
    if "data" not in result:
        return result
    pa = _pyarrow() if wanted == "arrow" else None
    if pa is None:
        return {**result, "encoding": "json"}
    try:
        data, streams = encode_data(result["data"], pa)
    except _Unencodable:
        return {**result, "encoding": "json"}
    return {
        **result,
        "data": data,
        "encoding": "arrow",
        "arrow": [base64.b64encode(s).decode("ascii") for s in streams],
    }


def decode_data(data: Any, streams: list[bytes]) -> Any:
    """The inverse of :func:`encode_data` (what the browser does, in Python: for tests and benchmarks)."""
    pa = _pyarrow()
    if pa is None:
        raise RuntimeError("decoding Arrow needs pyarrow")

    def table(index: int) -> list[Any]:
        reader = pa.ipc.open_stream(streams[index])
        t = reader.read_all()
        meta = t.schema.metadata or {}
        kind = meta.get(KIND_KEY, b"").decode()
        keys = json.loads(meta.get(KEYS_KEY, b"[]"))
        columns = []
        for field, column in zip(t.schema, t.columns):
            values = column.to_pylist()
            if (field.metadata or {}).get(JSON_FIELD_KEY) == b"1":
                values = [None if v is None else json.loads(v) for v in values]
            columns.append(values)
        if kind == "values":
            return columns[0]
        if kind == "rows":
            return [list(row) for row in zip(*columns)] if columns else []
        return [dict(zip(keys, row)) for row in zip(*columns)]

    def visit(node: Any) -> Any:
        if type(node) is dict:
            if set(node) == {"$arrow"} and type(node["$arrow"]) is int:
                return table(node["$arrow"])
            return {k: visit(v) for k, v in node.items()}
        if type(node) is list:
            return [visit(item) for item in node]
        return node

    return visit(data)
