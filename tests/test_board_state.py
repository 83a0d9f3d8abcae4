"""The board's shared state between browsers, the server and Python code in the kernel."""

from __future__ import annotations

import asyncio
import json

from .helpers import names
from .test_watcher import read_until


async def open_watch(jp_ws_fetch, kernel_id):
    ws = await jp_ws_fetch("symphony-lab", "api", "watch")
    await ws.write_message(json.dumps({"type": "watch", "kernel_id": kernel_id}))
    await read_until(ws, lambda m: m["type"] == "catalog")
    initial = await read_until(ws, lambda m: m["type"] == "state")  # the server's state, on every watch
    assert initial["state"]["kernel_id"] == kernel_id
    return ws


async def test_selection_follows_the_board_and_python_moves_the_board(kernel, user, wait_catalog, jp_ws_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'age': range(100), 'sex': ['F', 'M'] * 50})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    ws, other = await open_watch(jp_ws_fetch, kernel_id), await open_watch(jp_ws_fetch, kernel_id)

    state = {"filter": [{"column": "age", "op": "range", "min": 10, "max": 19}],
             "views": [{"component": "summary", "variables": ["df"]}]}
    await ws.write_message(json.dumps({"type": "state", "kernel_id": kernel_id, "state": state}))
    seen = await read_until(other, lambda m: m["type"] == "state")  # the other viewer follows
    assert seen["state"]["filter"] == state["filter"] and seen["state"]["origin"] == "board"

    for _ in range(100):  # the kernel gets it when idle (until then selection() says no view is open)
        await alice.run(
            "import symphony_lab\ntry:\n    n = len(symphony_lab.selection())\nexcept ValueError:\n    n = None"
        )
        if await alice.value("n") == "10":
            break
        await asyncio.sleep(0.05)
    assert await alice.value("n") == "10"
    assert await alice.value("len(symphony_lab.selection(df[df.sex == 'F']))") == "5"
    assert await alice.value("list(symphony_lab.selection(df['age']))[:2]") == "[10, 11]"

    await alice.run("symphony_lab.set_filter('sex', values=['M'])")
    moved = await read_until(ws, lambda m: m["type"] == "state" and m["state"]["origin"] == "kernel")
    assert moved["state"]["filter"] == [state["filter"][0], {"column": "sex", "op": "in", "values": ["M"]}]
    assert moved["state"]["views"] == state["views"]
    await alice.run("symphony_lab.clear_filter()")
    cleared = await read_until(other, lambda m: m["type"] == "state" and m["state"]["origin"] == "kernel" and not m["state"]["filter"])
    assert cleared["state"]["filter"] == []

    for bad in [{"filter": [{"column": "age", "op": "drop"}]}, {"views": [{"component": "x", "variables": ["a b"]}]}, "nope"]:
        await ws.write_message(json.dumps({"type": "state", "kernel_id": kernel_id, "state": bad}))
        error = await read_until(ws, lambda m: m["type"] == "error")
        assert error["message"].startswith("Invalid board state")
    ws.close()
    other.close()


async def test_selection_without_a_view_says_what_to_do(kernel, user):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    reply = alice.submit("import symphony_lab\nsymphony_lab.selection()")
    result = await asyncio.wait_for(reply, 30)
    assert result["content"]["status"] == "error"
    assert "pass the frame" in result["content"]["evalue"]
