"""symphony_lab.show() in a real kernel: a widget whose state round-trips through the comm protocol, an
output bundle that validates against nbformat and converts with nbconvert carrying the static fallback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import nbformat
from nbconvert import HTMLExporter

from symphony_lab.pins import MIME_TYPE

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SETUP = """
import numpy as np, pandas as pd
import symphony_lab
rng = np.random.default_rng(0)
df = pd.DataFrame({"age": rng.normal(40, 10, 300), "sex": rng.choice(["f", "m"], 300)})
"""


def _iopub(client: Any, msg_type: str, parent: str | None = None) -> list[dict[str, Any]]:
    return [
        m for m in client.iopub
        if m["msg_type"] == msg_type and (parent is None or m["parent_header"].get("msg_id") == parent)
    ]


async def _until(predicate: Any, timeout: float = 20.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        found = predicate()
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def test_show_widget_round_trips_and_reads_everywhere(kernel, user):
    kernel_id = await kernel()
    client = await user(kernel_id)
    await client.run(SETUP)
    future = client.submit('w = symphony_lab.show(df, "distribution", column="age", bins=10)\nw')
    reply = await asyncio.wait_for(future, 60)
    assert reply["content"]["status"] == "ok", reply["content"]
    await client.wait_idle(future.msg_id)

    # The widget's model is opened with its state: the spec and the data computed in the kernel.
    opens = [m for m in _iopub(client, "comm_open", future.msg_id) if m["content"]["data"]["state"].get("_model_name") == "SymphonyViewModel"]
    assert len(opens) == 1
    comm_id = opens[0]["content"]["comm_id"]
    state = opens[0]["content"]["data"]["state"]
    assert state["_model_module"] == "symphony-lab" and state["_view_name"] == "SymphonyViewView"
    assert state["_model_module_version"] == state["_view_module_version"] == "1.0.0"
    (view,) = state["views"]
    assert view["spec"] == {"component": "distribution", "variables": ["df"], "params": {"column": "age", "bins": 10}, "state": {"filter": []}}
    counts = view["data"]["series"][0]["counts"]
    assert len(counts) == 10 and sum(counts) == 300

    # The output bundle: widget view, our MIME type and the static fallbacks.
    (result,) = [m for m in client.outputs_of(future.msg_id) if m["msg_type"] == "execute_result"]
    bundle = result["content"]["data"]
    assert bundle[WIDGET_MIME]["model_id"] == comm_id
    assert bundle[MIME_TYPE]["data"] == view["data"]
    assert bundle["text/plain"].startswith("Distribution of age in df (300 rows)")
    assert "<svg" in bundle["image/svg+xml"] and "<svg" in bundle["text/html"]

    # Round trip: the browser writes `states` (a brush on the board); the kernel computes again.
    clause = {"column": "sex", "op": "in", "values": ["f"]}
    females = int(await client.value("int((df.sex == 'f').sum())"))
    msg = client.client.session.msg(
        "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"states": [{"filter": [clause]}]}, "buffer_paths": []}}
    )
    client.client.shell_channel.send(msg)

    def updated() -> Any:
        for m in _iopub(client, "comm_msg"):
            data = m["content"]["data"]
            if m["content"]["comm_id"] == comm_id and data.get("method") == "update" and "views" in data.get("state", {}):
                return data["state"]["views"]
        return None

    views = await _until(updated)
    assert views[0]["spec"]["state"] == {"filter": [clause]}
    assert views[0]["data"]["filtered_rows"] == females and sum(views[0]["data"]["series"][0]["counts"]) == females
    # ... and the kernel's widget holds it: its state as Python sees it.
    assert json.loads((await client.value("__import__('json').dumps(w.states)")).strip("'")) == [{"filter": [clause]}]
    assert "filter: sex in {f}" in (await client.value("w.views[0]['summary']")).lower()

    # A state that is not one (from a browser: data, never trusted) gives the view an error, not a crash.
    bad = client.client.session.msg(
        "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"states": [{"filter": [{"column": "sex", "op": "drop"}]}]}, "buffer_paths": []}}
    )
    client.client.shell_channel.send(bad)

    def refused() -> Any:
        for m in _iopub(client, "comm_msg"):
            views = m["content"]["data"].get("state", {}).get("views")
            if m["content"]["comm_id"] == comm_id and views and "error" in views[0]:
                return views[0]["error"]
        return None

    assert "op must be 'range' or 'in'" in await _until(refused)

    # The output validates against nbformat and nbconvert renders its static fallback.
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('symphony_lab.show(df, "distribution", column="age", bins=10)')
    cell.outputs = [nbformat.v4.output_from_msg(result)]
    nb.cells.append(cell)
    nbformat.validate(nb)
    body, _ = HTMLExporter().from_notebook_node(nbformat.reads(nbformat.writes(nb), as_version=4))
    assert "Distribution of age in df (300 rows)" in body
    assert "<svg" in body and MIME_TYPE not in body


async def test_show_without_component_gives_top_suggestions(kernel, user):
    kernel_id = await kernel()
    client = await user(kernel_id)
    await client.run(SETUP + "dup = pd.concat([df, df.head(20)], ignore_index=True)\n")
    await client.run("w = symphony_lab.show(dup)")
    components = json.loads((await client.value("__import__('json').dumps([v['spec']['component'] for v in w.views])")).strip("'"))
    assert 1 <= len(components) <= 3
    # 20 copied rows: the duplicates view is among the top suggestions, computed on dup.
    assert "duplicates" in components
    rows = await client.value("[v for v in w.views if v['spec']['component'] == 'duplicates'][0]['data']['rows_in_groups']")
    assert int(rows) == 40
    # Bad input: a clear error, nothing else.
    future = client.submit('symphony_lab.show(df, "no_such_view")')
    reply = await asyncio.wait_for(future, 30)
    assert reply["content"]["status"] == "error"
    assert "unknown component 'no_such_view'" in reply["content"]["evalue"]
    future = client.submit('symphony_lab.show(df, "summary", filter=[{"column": "age", "op": "between"}])')
    reply = await asyncio.wait_for(future, 30)
    assert reply["content"]["status"] == "error" and "op must be 'range' or 'in'" in reply["content"]["evalue"]
