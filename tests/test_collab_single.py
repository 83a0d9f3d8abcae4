"""Boards without jupyter-collaboration: one user, the same file, saved through the REST routes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from traitlets.config import Config

from symphony_lab.collab.format import board_path_for, dump_board, parse_board

NOTEBOOK = "solo.ipynb"


@pytest.fixture
def jp_server_config(jp_root_dir: Any) -> Config:
    # symphony-lab alone: jupyter_server_ydoc (jupyter-collaboration) is not enabled.
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"symphony_lab": True, "jupyter_server_ydoc": False}, "allow_root": True},
            "SymphonyLabApp": {"reap_interval": 3600.0},
        }
    )


async def test_single_user_board_is_saved_to_the_same_file(jp_fetch, jp_root_dir):
    (jp_root_dir / NOTEBOOK).write_text("{}")
    info = json.loads((await jp_fetch("symphony-lab", "api", "boards", params={"notebook": NOTEBOOK})).body)
    assert info["collaborative"] is False and "jupyter-collaboration" in info["reason"]
    assert info["exists"] is False and info["board"] is None
    views = {"v1": {"component": "summary", "variables": ["df"], "params": {}, "order": 0, "collapsed": False}}
    state = {"filter": [{"column": "age", "op": "range", "min": 1, "max": 2}], "selection": None, "groups": {"column": "city"}}
    r = await jp_fetch("symphony-lab", "api", "boards", method="PUT", params={"notebook": NOTEBOOK}, body=json.dumps({"views": views, "state": state}))
    saved = json.loads(r.body)["board"]
    assert saved["views"] == views and saved["state"] == state
    note = json.loads((await jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                                      body=json.dumps({"op": "create", "text": "<b>kept</b>", "target": {"kind": "view", "ref": "v1"}}))).body)
    path = jp_root_dir / board_path_for(NOTEBOOK)
    text = path.read_text()
    on_disk = parse_board(text)
    assert text == dump_board(on_disk), "the file is canonical JSON"
    assert on_disk["views"] == views and on_disk["state"] == state
    assert on_disk["annotations"][note["id"]]["text"] == "<b>kept</b>"
    # Closing a view (a save without it) keeps the annotations.
    await jp_fetch("symphony-lab", "api", "boards", method="PUT", params={"notebook": NOTEBOOK}, body=json.dumps({"views": {}}))
    on_disk = parse_board(path.read_text())
    assert on_disk["views"] == {} and note["id"] in on_disk["annotations"] and on_disk["state"] == state


async def test_bad_saves_change_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / NOTEBOOK).write_text("{}")
    await jp_fetch("symphony-lab", "api", "boards", method="POST", params={"notebook": NOTEBOOK}, body="")
    path = jp_root_dir / board_path_for(NOTEBOOK)
    before = path.read_text()
    assert parse_board(before)["views"] == {}
    for body in ("not json", json.dumps({"views": {"bad id!": {}}}), json.dumps({"views": {"v": {"component": 3}}}),
                 json.dumps({"state": {"filter": "all"}}), json.dumps({"state": {"BadKey": 1}})):
        with pytest.raises(Exception) as info:
            await jp_fetch("symphony-lab", "api", "boards", method="PUT", params={"notebook": NOTEBOOK}, body=body)
        assert getattr(info.value, "code", None) == 400
    assert path.read_text() == before


async def test_a_broken_board_file_is_reported_not_overwritten(jp_fetch, jp_root_dir):
    (jp_root_dir / NOTEBOOK).write_text("{}")
    path = jp_root_dir / board_path_for(NOTEBOOK)
    path.write_text('{"views": [1, 2')
    with pytest.raises(Exception) as info:
        await jp_fetch("symphony-lab", "api", "boards", params={"notebook": NOTEBOOK})
    assert getattr(info.value, "code", None) == 409
    with pytest.raises(Exception):
        await jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                       body=json.dumps({"op": "create", "text": "x", "target": {"kind": "board"}}))
    assert path.read_text() == '{"views": [1, 2'
