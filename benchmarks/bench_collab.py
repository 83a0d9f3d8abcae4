"""Collaboration on the board: headless clients (pycrdt) against a real server on loopback.

A real ``jupyter server`` process runs jupyter-collaboration and symphony-lab. We measure, each beside
a baseline taken in the same run:

1. propagation: a change of the board's shared state by one client, until another client has it
   (p50/p95 of 300 changes). Baseline: the same two clients editing jupyter-collaboration's own plain
   text document type (``file``) in the same server. Goal: p95 at most 50 ms.
2. a scripted one-hour session compressed in time: 3,600 brush updates (one a second, each a filter
   change), 120 views opened and closed, 1,000 annotations written through the server. We report the
   stored document (the Y document's encoded state, what a late joiner downloads) against the plain
   JSON of the same board (the file beside the notebook). Goal: at most 2x. We also report the size of
   jupyter-collaboration's Y store (the history of every update) for the same session.
3. a late joiner: a board of 10,000 annotations is open in the server (loaded from its file); a new
   client connects and waits until its document holds all of them (p50/p95 of 20 joins), and, beside
   it, until it has also read every one of them into plain data (comments are stored as JSON strings:
   the reader parses them). Baseline: reading the same board as plain JSON through the contents API.
   Goal: at most 100 ms.

Usage: python benchmarks/bench_collab.py [--changes 300] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pycrdt import Map, Text  # noqa: E402
from tornado.httpclient import AsyncHTTPClient, HTTPRequest  # noqa: E402

from symphony_lab.collab.format import board_path_for, dump_board, empty_board  # noqa: E402
from tests.test_collab_helpers import connect_client  # noqa: E402
from tests.test_collab_random import Server  # noqa: E402

NOTEBOOK = "bench.ipynb"


def read_note(value: Any) -> Any:
    """A comment as a client reads it: a JSON string (or, stored before strings, an object)."""
    if isinstance(value, str):
        return json.loads(value)
    return value.to_py() if hasattr(value, "to_py") else value


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def wait_for(predicate: Any, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.0005)


async def open_room(server: Server, path: str, kind: str) -> dict[str, Any]:
    return await server.fetch(
        f"api/collaboration/session/{path}", "PUT", body=json.dumps({"format": "text", "type": kind})
    )


async def propagation(server: Server, changes: int) -> dict[str, Any]:
    board = board_path_for(NOTEBOOK)
    session = await open_room(server, board, "symphony-board")
    a = await connect_client(server.port, "/", session, server.headers)
    b = await connect_client(server.port, "/", session, server.headers)
    (server.root / "plain.txt").write_text("")
    plain = await open_room(server, "plain.txt", "file")
    pa = await connect_client(server.port, "/", plain, server.headers)
    pb = await connect_client(server.port, "/", plain, server.headers)
    await asyncio.sleep(1.0)
    board_ms: list[float] = []
    plain_ms: list[float] = []
    text_a = pa.doc.get("source", type=Text)
    text_b = pb.doc.get("source", type=Text)
    for i in range(changes):
        # Alternate the two measures so that both see the same machine.
        value = [{"column": "age", "op": "range", "min": i, "max": i + 10}]
        start = time.perf_counter()
        a.state["filter"] = value
        await wait_for(lambda: (b.state.get("filter") or [{}])[0].get("min") == i)
        board_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        length = len(str(text_b))
        text_a += "x"
        await wait_for(lambda: len(str(text_b)) == length + 1)
        plain_ms.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.005)
    for client in (a, b, pa, pb):
        await client.close()
    return {
        "board_p50_ms": pct(board_ms, 0.5),
        "board_p95_ms": pct(board_ms, 0.95),
        "plain_p50_ms": pct(plain_ms, 0.5),
        "plain_p95_ms": pct(plain_ms, 0.95),
        "ratio_p95": pct(board_ms, 0.95) / max(pct(plain_ms, 0.95), 1e-9),
        "changes": changes,
    }


async def session_size(server: Server) -> dict[str, Any]:
    notebook = "hour.ipynb"
    (server.root / notebook).write_text("{}")
    query = f"?notebook={notebook}"
    await server.fetch("symphony-lab/api/boards", "POST", body="", params=query)
    board = board_path_for(notebook)
    session = await open_room(server, board, "symphony-board")
    a = await connect_client(server.port, "/", session, server.headers)
    b = await connect_client(server.port, "/", session, server.headers)
    await asyncio.sleep(0.5)
    start = time.perf_counter()
    opened: list[str] = []
    for second in range(3600):
        a.state["filter"] = [{"column": "age", "op": "range", "min": second % 60, "max": 60 + second % 30}]
        if second % 30 == 0:
            view_id = f"view{second}"
            with a.doc.transaction():
                a.views[view_id] = Map(
                    {"component": "distribution", "variables": ["df"], "params": {"column": "age"},
                     "order": second, "collapsed": False}
                )
            opened.append(view_id)
            if len(opened) > 6:
                with a.doc.transaction():
                    del a.views[opened.pop(0)]
        if second % 100 == 0:
            await asyncio.sleep(0)
    sem = asyncio.Semaphore(8)

    async def note(i: int) -> None:
        async with sem:
            body = {"op": "create", "text": f"Finding {i}: the distribution of age shifts after the filter.",
                    "target": {"kind": "view", "ref": opened[-1], "label": "distribution of df"}}
            await server.fetch("symphony-lab/api/boards/annotations", "POST", json.dumps(body), query)

    await asyncio.gather(*(note(i) for i in range(1000)))
    await wait_for(lambda: len(b.annotations) == 1000, timeout=60)
    scripted_s = time.perf_counter() - start
    await asyncio.sleep(1.0)
    encoded = len(b.doc.get_update())
    served = (await server.fetch("symphony-lab/api/boards", params=query))["board"]
    plain_json = len(dump_board(served).encode())
    file_bytes = (server.root / board).stat().st_size
    store = sum(p.stat().st_size for p in server.root.glob(".jupyter_ystore.db*"))
    for client in (a, b):
        await client.close()
    return {
        "brush_updates": 3600,
        "views_opened": len(range(0, 3600, 30)),
        "annotations": 1000,
        "scripted_seconds": scripted_s,
        "document_bytes": encoded,
        "plain_json_bytes": plain_json,
        "file_bytes": file_bytes,
        "ratio": encoded / plain_json,
        "ystore_bytes": store,
    }


def big_board(n: int) -> dict[str, Any]:
    board = empty_board("late.ipynb")
    for i in range(n):
        board["annotations"][f"a{i:05d}"] = {
            "target": {"kind": "view", "ref": "v1", "label": "summary of df"},
            "parent": None if i % 4 == 0 else f"a{i - i % 4:05d}",
            "text": f"Note {i}: **look** at rows {i}-{i + 10}, they repeat.",
            "author": {"username": f"user{i % 7}", "name": f"User {i % 7}", "initials": "U", "color": "#1f77b4"},
            "created": 1_790_000_000_000 + i,
            "edited": None,
            "resolved": i % 9 == 0,
            "resolved_by": None,
            "resolved_at": None,
        }
    board["views"]["v1"] = {"component": "summary", "variables": ["df"], "params": {}, "order": 0, "collapsed": False}
    return board


async def late_joiner(server: Server, joins: int, n: int) -> dict[str, Any]:
    notebook = "late.ipynb"
    (server.root / notebook).write_text("{}")
    board = board_path_for(notebook)
    (server.root / board).write_text(dump_board(big_board(n)))
    session = await open_room(server, board, "symphony-board")
    first = await connect_client(server.port, "/", session, server.headers)
    await wait_for(lambda: len(first.annotations) == n, timeout=60)
    join_ms: list[float] = []
    read_ms: list[float] = []
    plain_ms: list[float] = []
    client = AsyncHTTPClient()
    for _ in range(joins):
        start = time.perf_counter()
        late = await connect_client(server.port, "/", session, server.headers)
        await wait_for(lambda: len(late.annotations) == n)
        join_ms.append((time.perf_counter() - start) * 1000)
        notes = [read_note(value) for value in late.annotations.values()]
        assert len(notes) == n and all(isinstance(note, dict) and note["text"] for note in notes)
        read_ms.append((time.perf_counter() - start) * 1000)
        await late.close()
        start = time.perf_counter()
        url = f"http://127.0.0.1:{server.port}/api/contents/{board}?type=file&format=text&content=1"
        response = await client.fetch(HTTPRequest(url, headers=server.headers))
        data = json.loads(json.loads(response.body)["content"])
        assert len(data["annotations"]) == n
        plain_ms.append((time.perf_counter() - start) * 1000)
    await first.close()
    return {
        "annotations": n,
        "join_p50_ms": pct(join_ms, 0.5),
        "join_p95_ms": pct(join_ms, 0.95),
        "join_read_p50_ms": pct(read_ms, 0.5),
        "join_read_p95_ms": pct(read_ms, 0.95),
        "plain_json_p50_ms": pct(plain_ms, 0.5),
        "plain_json_p95_ms": pct(plain_ms, 0.95),
        "ratio_p95": pct(join_ms, 0.95) / max(pct(plain_ms, 0.95), 1e-9),
        "joins": joins,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="symphony-bench-collab-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        (root / NOTEBOOK).write_text("{}")
        server = Server(root)
        await server.start()
        try:
            await server.fetch("symphony-lab/api/boards", "POST", body="", params=f"?notebook={NOTEBOOK}")
            results = {
                "propagation": await propagation(server, args.changes),
                "session": await session_size(server),
                "late_joiner": await late_joiner(server, args.joins, args.annotations),
            }
        finally:
            await server.stop()
    p, s, j = results["propagation"], results["session"], results["late_joiner"]
    print("Board collaboration (headless pycrdt clients, real server on loopback)")
    print(f"  propagation of a board change, p50/p95: {p['board_p50_ms']:.1f} / {p['board_p95_ms']:.1f} ms"
          f"  | plain text document (baseline): {p['plain_p50_ms']:.1f} / {p['plain_p95_ms']:.1f} ms"
          f"  | ratio p95 {p['ratio_p95']:.2f}x  (goal p95 <= 50 ms)")
    print(f"  one-hour session ({s['brush_updates']} brush updates, {s['views_opened']} views opened/closed, "
          f"{s['annotations']} annotations; scripted in {s['scripted_seconds']:.1f} s):")
    print(f"    stored document {s['document_bytes']:,} B vs plain JSON {s['plain_json_bytes']:,} B: "
          f"{s['ratio']:.2f}x (goal <= 2x); Y store history {s['ystore_bytes']:,} B")
    print(f"  late joiner, {j['annotations']:,} annotations, p50/p95: {j['join_p50_ms']:.1f} / {j['join_p95_ms']:.1f} ms"
          f"  | plain JSON via contents API (baseline): {j['plain_json_p50_ms']:.1f} / {j['plain_json_p95_ms']:.1f} ms"
          f"  | ratio p95 {j['ratio_p95']:.2f}x  (goal <= 100 ms)")
    print(f"    and every comment read into plain data, p50/p95: {j['join_read_p50_ms']:.1f} / {j['join_read_p95_ms']:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
