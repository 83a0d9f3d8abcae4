"""The board's selection: made in one view, resolved by that view's component in the kernel, applied to
every other view and to ``symphony_lab.selection()``; validated before it reaches a kernel."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.httpclient import HTTPClientError

from .helpers import names
from .test_board_state import open_watch
from .test_components import view
from .test_watcher import read_until

FRAMES = """
import pandas as pd
df = pd.DataFrame({"a": [1, 2, 1, 3, 1, 2, 4], "b": ["x", "y", "x", "z", "x", "y", "w"]},
                  index=[10, 11, 12, 13, 14, 15, 16])
part = df.iloc[2:]
"""


async def group_of(jp_fetch, kernel_id, size):
    data = (await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["df"]}))["data"]
    return next(g for g in data["groups"] if g["size"] == size)


async def test_a_duplicate_group_selects_rows_in_every_other_view(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(FRAMES)
    await wait_catalog(kernel_id, lambda c: {"df", "part"} <= set(names(c)))
    group = await group_of(jp_fetch, kernel_id, 3)  # (1, "x") at labels 10, 12, 14
    selection = {"component": "duplicates", "variables": ["df"], "params": {}, "spec": {"group": group["id"]},
                 "label": "group of 3"}

    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == 3
    assert table["selection"] == {"label": "group of 3", "source": False, "rows": 3}
    # a frame split from df keeps its labels: the selection follows into it
    other = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["part"], "state": {"selection": selection}})
    assert other["data"]["filtered_rows"] == 2
    # the view that made it is computed without it
    source = await view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["df"], "state": {"selection": selection}})
    assert source["selection"]["source"] is True and source["data"]["filtered_rows"] == 7
    # with the shared filter too
    both = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {
        "selection": selection, "filter": [{"column": "a", "op": "range", "min": None, "max": 1}]}})
    assert both["data"]["filtered_rows"] == 3
    every = dict(selection, spec={"all": True})
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": every}})
    assert table["data"]["filtered_rows"] == 5


async def test_selection_of_a_variable_gone_is_reported_not_applied(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(FRAMES)
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    selection = {"component": "duplicates", "variables": ["gone"], "params": {}, "spec": {"all": True}, "label": ""}
    table = await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
    assert table["data"]["filtered_rows"] == 7
    assert "gone" in table["selection"]["error"]


@pytest.mark.parametrize(
    "selection, message",
    [
        ({"component": "summary", "variables": ["df"], "params": {}, "spec": {}}, "makes no selections"),
        ({"component": "duplicates", "variables": ["df; import os"], "params": {}, "spec": {}}, "identifiers"),
        ({"component": "duplicates", "variables": ["df"], "params": {"near": "yes"}, "spec": {}}, "near"),
        ({"component": "duplicates", "variables": ["df"], "params": {}, "spec": {"x": "y" * 70_000}}, "bytes"),
        ({"component": "duplicates", "variables": ["df"], "params": {}, "spec": "all"}, "spec"),
        ("everything", "selection must be"),
    ],
)
async def test_bad_selections_get_a_400_with_the_reason(kernel, user, wait_catalog, jp_fetch, selection, message):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(FRAMES)
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    with pytest.raises(HTTPClientError) as info:
        await view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "state": {"selection": selection}})
    assert info.value.code == 400
    assert message in json.loads(info.value.response.body)["message"]


async def test_python_reads_the_boards_selection_and_groups(kernel, user, wait_catalog, jp_fetch, jp_ws_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(FRAMES)
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    group = await group_of(jp_fetch, kernel_id, 2)  # (2, "y") at labels 11, 15
    ws, other = await open_watch(jp_ws_fetch, kernel_id), await open_watch(jp_ws_fetch, kernel_id)
    state = {
        "filter": [],
        "selection": {"component": "duplicates", "variables": ["df"], "params": {}, "spec": {"group": group["id"]},
                      "label": "pair"},
        "groups": {"column": "b"},
        "views": [{"component": "table", "variables": ["df"]}],
    }
    await ws.write_message(json.dumps({"type": "state", "kernel_id": kernel_id, "state": state}))
    seen = await read_until(other, lambda m: m["type"] == "state")
    assert seen["state"]["selection"]["spec"] == {"group": group["id"]} and seen["state"]["groups"] == {"column": "b"}
    for _ in range(400):  # the kernel gets the state when it is idle
        await alice.run("import symphony_lab\nrows = list(symphony_lab.selection().index)")
        if await alice.value("rows") == "[11, 15]":
            break
        await asyncio.sleep(0.05)
    assert await alice.value("rows") == "[11, 15]"
    assert await alice.value("list(symphony_lab.selection(part).index)") == "[15]"
    assert await alice.value("symphony_lab.board_state()['groups']") == "{'column': 'b'}"
    # Python's filter keeps the selection
    await alice.run("symphony_lab.set_filter('a', min=2)")
    moved = await read_until(ws, lambda m: m["type"] == "state" and m["state"]["origin"] == "kernel")
    assert moved["state"]["selection"]["label"] == "pair"
    ws.close()
    other.close()


async def test_the_boards_group_by_splits_a_distribution_that_names_none(kernel, user, wait_catalog, jp_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(FRAMES)
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    body = {"component": "distribution", "variables": ["df"], "params": {"column": "a"}, "state": {"groups": {"column": "b"}}}
    data = (await view(jp_fetch, kernel_id, body))["data"]
    assert data["by"] == "b" and data["by_board"] is True
    own = dict(body, params={"column": "a", "by": "a"})
    assert (await view(jp_fetch, kernel_id, own))["data"]["by_board"] is False
    gone = dict(body, state={"groups": {"column": "not there"}})
    assert (await view(jp_fetch, kernel_id, gone))["data"]["by"] is None
