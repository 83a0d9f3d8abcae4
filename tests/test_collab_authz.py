"""The board routes need authorization: on symphony_lab, and on contents like the notebook itself."""

from __future__ import annotations

import json
from typing import Any

import asyncio

import pytest
from jupyter_server.auth import Authorizer
from pycrdt import Map
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from symphony_lab.collab.handlers import collab_handlers
from symphony_lab.handlers import AUTH_RESOURCE

from .test_collab_helpers import connect_client, eventually, open_session, server_config

NOTEBOOK = "secret.ipynb"
CALLS = [
    ("GET", ("boards",)),
    ("POST", ("boards",)),
    ("PUT", ("boards",)),
    ("POST", ("boards", "annotations")),
]


def test_every_board_route_is_walked():
    assert {cls.auth_resource for _, cls in collab_handlers()} == {AUTH_RESOURCE}
    methods = {(m.upper(), cls.__name__) for _, cls in collab_handlers() for m in ("get", "post", "put") if m in vars(cls)}
    assert methods == {("GET", "BoardHandler"), ("POST", "BoardHandler"), ("PUT", "BoardHandler"), ("POST", "AnnotationsHandler")}
    assert len(CALLS) == len(methods)


class DenySymphony(Authorizer):
    def is_authorized(self, handler, user, action, resource):  # type: ignore[override]
        return resource != AUTH_RESOURCE


class ReadOnlyContents(Authorizer):
    """May read the notebook's files, not write them."""

    def is_authorized(self, handler, user, action, resource):  # type: ignore[override]
        return not (resource == "contents" and action == "write")


@pytest.fixture
def authorizer() -> type[Authorizer]:
    return DenySymphony


@pytest.fixture
def jp_server_config(jp_root_dir: Any, authorizer: type[Authorizer]) -> Config:
    config = server_config(jp_root_dir)
    config["ServerApp"]["authorizer_class"] = authorizer
    return Config(config)


async def _call(jp_fetch: Any, method: str, parts: tuple[str, ...]) -> int:
    body = json.dumps({"op": "create", "text": "x", "target": {"kind": "board"}}) if method != "GET" else None
    try:
        response = await jp_fetch("symphony-lab", "api", *parts, method=method, body=body, params={"notebook": NOTEBOOK})
        return response.code
    except HTTPClientError as exc:
        return exc.code


@pytest.mark.parametrize("method,parts", CALLS, ids=[f"{m} {'/'.join(p)}" for m, p in CALLS])
async def test_board_route_requires_symphony_authorization(method, parts, jp_fetch, jp_root_dir):
    (jp_root_dir / NOTEBOOK).write_text("{}")
    assert await _call(jp_fetch, method, parts) == 403
    assert not (jp_root_dir / "secret.symphony.json").exists()


@pytest.mark.parametrize("authorizer", [ReadOnlyContents])
async def test_reading_the_notebook_is_not_writing_its_board(authorizer, jp_fetch, jp_root_dir):
    (jp_root_dir / NOTEBOOK).write_text("{}")
    assert await _call(jp_fetch, "GET", ("boards",)) == 200
    for method, parts in CALLS[1:]:
        assert await _call(jp_fetch, method, parts) == 403, (method, parts)
    assert not (jp_root_dir / "secret.symphony.json").exists()


@pytest.mark.parametrize("authorizer", [ReadOnlyContents])
async def test_a_reader_follows_the_board_but_does_not_change_it(
    authorizer, jp_fetch, jp_root_dir, jp_http_port, jp_base_url, jp_auth_header, jp_serverapp
):
    from symphony_lab.collab.format import dump_board, empty_board

    (jp_root_dir / NOTEBOOK).write_text("{}")
    board = empty_board(NOTEBOOK)
    board["views"]["v1"] = {"component": "summary", "variables": ["df"], "params": {}, "order": 0, "collapsed": False}
    (jp_root_dir / "secret.symphony.json").write_text(dump_board(board))
    # jupyter-collaboration gives a reader no session (PUT .../session needs write); the room itself
    # only asks for read: connect to it directly, with the board's file id.
    with pytest.raises(HTTPClientError):
        await open_session(jp_fetch, "secret.symphony.json")
    file_id = jp_serverapp.web_app.settings["file_id_manager"].index("secret.symphony.json")
    from jupyter_server_ydoc.utils import SERVER_SESSION

    session = {"format": "text", "type": "symphony-board", "fileId": file_id, "sessionId": SERVER_SESSION}
    reader = await connect_client(jp_http_port, jp_base_url, session, dict(jp_auth_header))
    await eventually(lambda: "v1" in reader.views, what="the reader to receive the board")
    with reader.doc.transaction():
        reader.views["v2"] = Map({"component": "missing", "variables": ["df"], "params": {}, "order": 1, "collapsed": False})
        reader.state["filter"] = []
    await asyncio.sleep(0.5)
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyter_server_ydoc"]
    (room,) = [r for r in ext.ywebsocket_server.rooms.values() if getattr(r, "file_type", "") == "symphony-board"]
    assert set(room._document.yviews.keys()) == {"v1"}
    assert "filter" in room._document.to_dict()["state"] and "v2" not in room._document.to_dict()["views"]
    reader.conn.close()
