"""The framed view body that the browser's decoder is tested on (src/__tests__/arrow.spec.ts) is what
the kernel's encoder and the server's framing make of a known data structure.

Regenerate the fixture with ``python tests/test_arrow_fixture.py`` after changing the format."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pyarrow as pa

from symphony_lab import framing
from symphony_lab.kernel.encode import decode_data, encode_data

FIXTURE = Path(__file__).parent.parent / "src" / "__tests__" / "fixtures" / "view-frames.json"


def sample_data() -> dict:
    """Every shape the encoder turns into Arrow: records, rows, values; ints of several widths, floats,
    strings, booleans, nulls, lists, and a mixed column that travels as JSON text."""
    n = 120
    return {
        "rows": 1_000_000,
        "sampled": True,
        "columns": [{"name": f"c{i}", "dtype": "float64"} for i in range(3)],  # small: stays JSON
        "values": [[i, i * 0.5, f"name {i}", i % 2 == 0, None if i % 7 == 0 else i * 1000, [i, i + 1]] for i in range(n)],
        "groups": [
            {"id": f"{i:016x}", "size": i + 2, "exact": i % 3 != 0, "index": list(range(i % 4)),
             "values": ["a", i, None] if i % 2 else [1.5, "b", True], "big": 2**40 + i}
            for i in range(n)
        ],
        "counts": list(range(0, 300, 3)),
        "edges": [i / 7 for i in range(101)],
    }


def make_body() -> tuple[bytes, dict]:
    data = sample_data()
    encoded, streams = encode_data(data, pa)
    result = {"component": "fixture", "variables": ["df"], "params": {}, "state": {}, "data": encoded,
              "fingerprints": [None], "execution_count": 1, "elapsed_ms": 1.0, "encoding": "arrow",
              "arrow": streams, "cached": False}
    body = framing.MAGIC + framing.json_frame(framing.PROGRESS, {"fraction": 0.5, "phase": "hashing rows"})
    body += framing.answer_frames(result)
    return body, json.loads(json.dumps(data))


def test_the_fixture_is_what_the_encoder_makes_and_decodes_back():
    body, expected = make_body()
    fixture = json.loads(FIXTURE.read_text())
    assert fixture["expected"] == expected
    frames = framing.parse_frames(base64.b64decode(fixture["body"]))
    header = json.loads(next(p for k, p in frames if k == framing.HEADER))
    streams = [p for k, p in frames if k == framing.ARROW]
    # Tables go as Arrow when that is smaller: rows, records, floats; 100 small integers and a
    # three-record list are smaller as JSON (an Arrow stream's schema costs a few hundred bytes).
    placeholders = {k for k, v in header["data"].items() if isinstance(v, dict) and "$arrow" in v}
    assert placeholders == {"values", "groups", "edges"}
    assert len(streams) == 3
    assert decode_data(header["data"], streams) == expected
    assert header["data"]["columns"] == expected["columns"] and header["data"]["counts"] == expected["counts"]
    assert len(base64.b64decode(fixture["body"])) < len(json.dumps(expected))


if __name__ == "__main__":
    body, expected = make_body()
    FIXTURE.write_text(json.dumps({"body": base64.b64encode(body).decode(), "expected": expected}, indent=1) + "\n")
    print(f"wrote {FIXTURE} ({len(body)} bytes framed, {len(json.dumps(expected))} bytes as JSON)")
