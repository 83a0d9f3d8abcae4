"""Boards with jupyter-collaboration: real websocket clients (pycrdt) against the real server extension."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pycrdt import Doc, Map, create_update_message, write_var_uint
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from symphony_lab.collab import annotations as ann
from symphony_lab.collab.format import BOARD_CONTENT_TYPE, board_path_for, parse_board
from symphony_lab.collab.ydoc import YBoard

from .test_collab_helpers import connect_client, connect_raw, eventually, open_session, server_config

NOTEBOOK = "work/analysis.ipynb"
BOARD = board_path_for(NOTEBOOK)


@pytest.fixture
def rtc_save_delay() -> float:
    return 0.2


@pytest.fixture
def jp_server_config(jp_root_dir: Any, rtc_save_delay: float) -> Any:
    from traitlets.config import Config

    return Config(server_config(jp_root_dir, save_delay=rtc_save_delay))


@pytest.fixture
def board(jp_root_dir: Any, jp_fetch: Any) -> Any:
    """A notebook, its (new) board file, and a collaboration session for it."""

    async def make() -> dict[str, Any]:
        (jp_root_dir / "work").mkdir(exist_ok=True)
        (jp_root_dir / NOTEBOOK).write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        response = await jp_fetch("symphony-lab", "api", "boards", method="POST", body="", params={"notebook": NOTEBOOK})
        assert response.code == 201
        created = json.loads(response.body)
        assert created["path"] == BOARD and created["collaborative"] is True
        return await open_session(jp_fetch, BOARD)

    return make


@pytest.fixture
def clients(jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]) -> Any:
    opened: list[Any] = []

    async def connect(session: dict[str, Any], doc: Doc | None = None) -> Any:
        client = await connect_client(jp_http_port, jp_base_url, session, dict(jp_auth_header), doc)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.conn.close()


def room_doc(jp_serverapp: Any) -> YBoard:
    app = jp_serverapp.extension_manager.extension_apps["jupyter_server_ydoc"]
    (ext,) = app
    rooms = [r for r in ext.ywebsocket_server.rooms.values() if getattr(r, "file_type", None) == BOARD_CONTENT_TYPE]
    assert len(rooms) == 1
    return rooms[0]._document


def add_view(client: Any, view_id: str, component: str, order: int) -> None:
    with client.doc.transaction():
        client.views[view_id] = Map(
            {"component": component, "variables": ["df"], "params": {}, "order": order, "collapsed": False}
        )


async def test_clients_converge_and_every_annotation_is_kept(board, clients, jp_fetch, jp_root_dir, jp_serverapp):
    session = await board()
    a, b, c = [await clients(session) for _ in range(3)]
    await eventually(lambda: all(x.provider is not None for x in (a, b, c)))
    await asyncio.sleep(0.3)
    # Concurrent edits of different entries and keys, without waiting for each other.
    add_view(a, "va", "summary", 1)
    add_view(b, "vb", "duplicates", 2)
    c.state["filter"] = [{"column": "age", "op": "range", "min": 30, "max": 50}]
    b.state["groups"] = {"column": "city"}
    with a.doc.transaction():
        a.views["va"]["collapsed"] = True
    # Two people change different fields of one view at once.
    await eventually(lambda: "va" in b.views and "vb" in a.views, what="views to travel")
    with a.doc.transaction():
        a.views["vb"]["collapsed"] = True
    with b.doc.transaction():
        b.views["vb"]["order"] = 0
    # Annotations go through the server: 20 at once.
    posts = [
        jp_fetch(
            "symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
            body=json.dumps({"op": "create", "text": f"note {i}", "target": {"kind": "view", "ref": "va", "label": "summary of df"}}),
        )
        for i in range(20)
    ]
    # Meanwhile the file beside the notebook is read over and over: never empty, never half written.
    reads: list[int] = []
    stop_reading = asyncio.Event()

    async def read_file() -> None:
        path = jp_root_dir / BOARD
        while not stop_reading.is_set():
            text = path.read_text()
            assert text.strip(), "the board file was empty"
            parse_board(text)
            reads.append(len(text))
            await asyncio.sleep(0.002)

    reader = asyncio.create_task(read_file())
    created = [json.loads(r.body) for r in await asyncio.gather(*posts)]
    stop_reading.set()
    await reader
    assert len(reads) > 5 and len(set(reads)) > 1, "the file was read while it changed"
    assert len({x["id"] for x in created}) == 20
    await eventually(
        lambda: all(len(x.annotations) == 20 for x in (a, b, c))
        and a.snapshot() == b.snapshot() == c.snapshot()
        and a.snapshot()["views"]["vb"]["collapsed"] is True
        and a.snapshot()["views"]["vb"]["order"] == 0,
        what="convergence",
    )
    snap = a.snapshot()
    assert set(snap["views"]) == {"va", "vb"}
    assert snap["views"]["va"]["collapsed"] is True
    assert snap["state"]["groups"] == {"column": "city"}
    assert snap["state"]["filter"][0]["column"] == "age"
    # Stamped by the server (token-authenticated requests are each an anonymous user of their own).
    assert all(x["author"]["username"] and x["author"]["name"] for x in snap["annotations"].values())
    # The file beside the notebook holds the same board, as canonical JSON.
    path = jp_root_dir / BOARD

    def on_disk() -> dict[str, Any]:
        return parse_board(path.read_text())

    await eventually(lambda: len(on_disk()["annotations"]) == 20 and on_disk()["views"].keys() == {"va", "vb"}, what="save")
    assert path.read_text() == room_doc(jp_serverapp).get()


async def test_reply_resolve_reopen_and_forged_author_ignored(board, clients, jp_fetch):
    session = await board()
    a = await clients(session)

    cookies: dict[str, str] = {}

    async def post(body: dict[str, Any], keep: bool = True) -> dict[str, Any]:
        # The login cookie of the first answer keeps one identity; without it, another user.
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if keep and cookies else {}
        r = await jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                           body=json.dumps(body), headers=headers)
        if keep and not cookies:
            for header in r.headers.get_list("Set-Cookie"):
                name, _, rest = header.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return json.loads(r.body)

    root = await post({"op": "create", "text": "why 212 duplicates?", "target": {"kind": "finding", "ref": "duplicates:df", "label": "212 rows"},
                       "author": {"username": "mallory", "name": "Mallory"}})
    assert root["author"]["username"] != "mallory"
    reply = await post({"op": "reply", "parent": root["id"], "text": "train/test overlap"})
    assert reply["parent"] == root["id"] and reply["target"] == root["target"]
    nested = await post({"op": "reply", "parent": reply["id"], "text": "agreed"})
    assert nested["parent"] == root["id"], "a reply to a reply joins the thread"
    assert nested["author"]["username"] == root["author"]["username"]
    with pytest.raises(HTTPClientError) as info:
        await post({"op": "edit", "id": reply["id"], "text": "someone else's words"}, keep=False)
    assert info.value.code == 403
    edited = await post({"op": "edit", "id": reply["id"], "text": "train/test overlap (fixed)"})
    assert edited["edited"] is not None
    resolved = await post({"op": "resolve", "id": root["id"]})
    assert resolved["resolved"] is True and resolved["resolved_by"] == root["author"]["username"]
    reopened = await post({"op": "reopen", "id": root["id"]})
    assert reopened["resolved"] is False
    await eventually(lambda: len(a.annotations) == 3 and a.annotation(reply["id"])["text"].endswith("(fixed)"))
    for bad in ({"op": "create", "text": "", "target": {"kind": "view"}}, {"op": "nope"}, {"op": "create", "text": "x", "target": {"kind": "cell"}},
                {"op": "edit", "id": "missing", "text": "x"}):
        with pytest.raises(HTTPClientError) as info:
            await post(bad)
        assert info.value.code in (400, 404)


def test_only_the_author_edits_and_nobody_deletes():
    doc = YBoard()
    alice = {"username": "alice", "name": "Alice", "initials": "A", "color": "#f00"}
    bob = {"username": "bob", "name": "Bob", "initials": "B", "color": "#00f"}
    note = ann.apply(doc, {"op": "create", "text": "look", "target": {"kind": "board"}}, alice, now_ms=1)
    with pytest.raises(ann.AnnotationError) as info:
        ann.apply(doc, {"op": "edit", "id": note["id"], "text": "mine now"}, bob)
    assert info.value.status == 403
    assert doc.annotation(note["id"])["text"] == "look"
    ann.apply(doc, {"op": "resolve", "id": note["id"]}, bob)
    assert doc.annotation(note["id"])["resolved_by"] == "bob"
    with pytest.raises(ann.AnnotationError):
        ann.apply(doc, {"op": "delete", "id": note["id"]}, alice)


def test_annotations_are_json_strings_in_the_document_and_objects_in_the_file():
    doc = YBoard()
    alice = {"username": "alice", "name": "Alice", "initials": "A", "color": "#f00"}
    note = ann.apply(doc, {"op": "create", "text": "é **look**", "target": {"kind": "board"}}, alice, now_ms=7)
    raw = doc.yannotations[note["id"]]
    assert isinstance(raw, str) and json.loads(raw)["text"] == "é **look**" and "é" in raw
    assert doc.annotation(note["id"])["created"] == 7
    text = doc.get()
    line = next(line for line in text.splitlines() if note["id"] in line)
    assert '"text": "é **look**"' in line, "the file keeps a readable object, not an escaped string"
    # Loading the same file again writes nothing (the first load adds the meta entries).
    doc.set(text)
    before = doc.ydoc.get_state()
    doc.set(text)
    assert doc.ydoc.get_state() == before


def test_an_annotation_stored_as_an_object_before_strings_still_reads():
    """A Y store written by an earlier version holds JSON objects (and early maps): read, then upgraded."""
    old = Doc()
    entry = {"target": {"kind": "view", "ref": "v1", "label": "x"}, "parent": None, "text": "old words",
             "author": {"username": "bob", "name": "Bob", "initials": "B", "color": ""}, "created": 3.0,
             "edited": None, "resolved": False, "resolved_by": None, "resolved_at": None}
    with old.transaction():
        old.get("annotations", type=Map)["obj"] = entry
        old.get("annotations", type=Map)["map"] = Map({**entry, "text": "older words"})
    doc = YBoard(Doc())
    doc.ydoc.apply_update(old.get_update())
    assert doc.annotation("obj")["text"] == "old words" and doc.annotation("obj")["created"] == 3
    assert doc.annotation("map")["text"] == "older words"
    board = doc.to_dict()
    assert set(board["annotations"]) == {"obj", "map"}
    ann.apply(doc, {"op": "resolve", "id": "obj"}, {"username": "eve", "name": "Eve", "initials": "E", "color": ""})
    assert isinstance(doc.yannotations["obj"], str) and doc.annotation("obj")["resolved_by"] == "eve"
    doc.set(doc.get())
    assert all(isinstance(doc.yannotations[k], str) for k in ("obj", "map"))


async def test_a_browser_cannot_write_annotations(board, clients, jp_serverapp):
    session = await board()
    honest, forger = await clients(session), await clients(session)
    await asyncio.sleep(0.3)
    with forger.doc.transaction():
        forger.annotations["forged"] = Map(
            {"target": {"kind": "board", "ref": "", "label": ""}, "parent": None, "text": "hi",
             "author": {"username": "ceo", "name": "The CEO", "initials": "C", "color": ""}, "created": 1,
             "edited": None, "resolved": False, "resolved_by": None, "resolved_at": None}
        )
    await eventually(lambda: forger.conn.close_code is not None, what="the forger's connection to close")
    assert forger.conn.close_code == 4400
    add_view(honest, "v1", "summary", 1)
    await eventually(lambda: "v1" in room_doc(jp_serverapp).yviews)
    assert "forged" not in room_doc(jp_serverapp).yannotations
    assert "forged" not in honest.annotations
    # The same as a JSON string (how the server stores comments), and a rewrite of a real comment.
    note = await post_note(jp_serverapp)
    await eventually(lambda: note in honest.annotations, what="the server's comment")
    for key, value in (("forged2", json.dumps({"text": "hi"})), (note, honest.annotations[note].replace("hello", "HELLO"))):
        forger = await clients(session)
        await asyncio.sleep(0.3)
        forger.annotations[key] = value
        await eventually(lambda: forger.conn.close_code is not None, what="the forger's connection to close")
        assert forger.conn.close_code == 4400
    assert "forged2" not in room_doc(jp_serverapp).yannotations
    assert room_doc(jp_serverapp).annotation(note)["text"] == "hello"
    assert honest.annotation(note)["text"] == "hello"


async def post_note(serverapp: Any) -> str:
    """A comment written as the server writes one (through the room's document)."""
    doc = room_doc(serverapp)
    author = {"username": "alice", "name": "Alice", "initials": "A", "color": "#f00"}
    return ann.apply(doc, {"op": "create", "text": "hello", "target": {"kind": "board"}}, author)["id"]


async def test_malformed_and_oversized_updates_close_and_change_nothing(board, clients, jp_serverapp, jp_http_port, jp_base_url, jp_auth_header):
    session = await board()
    honest = await clients(session)
    add_view(honest, "v1", "summary", 1)
    await eventually(lambda: "v1" in room_doc(jp_serverapp).yviews)
    before = room_doc(jp_serverapp).get()

    # A view that does not follow the format, made by a real Y client.
    bad = Doc()
    bad.apply_update(room_doc(jp_serverapp).ydoc.get_update())
    with bad.transaction():
        bad.get("views", type=Map)["v2"] = Map({"component": 12, "variables": "df"})
    shape = create_update_message(bad.get_update(room_doc(jp_serverapp).ydoc.get_state()))
    garbage = bytes([0, 2]) + write_var_uint(40) + bytes(range(7, 47))
    oversized = create_update_message(b"\x00" * (2 * 1024 * 1024))
    for message in (garbage, shape, oversized):
        conn, _ = await connect_raw(jp_http_port, jp_base_url, session, dict(jp_auth_header))
        await conn.read_message()  # the server's sync step 1
        await conn.write_message(message, binary=True)
        while (await conn.read_message()) is not None:
            pass
        assert conn.close_code == 4400
    assert room_doc(jp_serverapp).get() == before
    # The honest client is still served.
    add_view(honest, "v3", "missing", 2)
    await eventually(lambda: "v3" in room_doc(jp_serverapp).yviews)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "token not-the-token"}], ids=["none", "wrong-token"])
async def test_unauthenticated_refused_before_any_room_or_file(headers, jp_root_dir, jp_fetch, jp_serverapp, jp_http_port, jp_base_url, http_server_client):
    (jp_root_dir / "secret.ipynb").write_text("{}")
    session = await open_session(jp_fetch, "secret.ipynb")  # a real file id, asked with credentials
    room = f"text:{BOARD_CONTENT_TYPE}:{session['fileId']}"
    url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url.rstrip('/')}/api/collaboration/room/{room}"
    with pytest.raises(HTTPClientError) as info:
        await websocket_connect(HTTPRequest(url, headers=headers))
    assert info.value.code == 403
    (ext,) = jp_serverapp.extension_manager.extension_apps["jupyter_server_ydoc"]
    assert room not in ext.ywebsocket_server.rooms
    base = jp_base_url.rstrip("/")
    for method, path, body in (
        ("GET", "/symphony-lab/api/boards?notebook=secret.ipynb", None),
        ("POST", "/symphony-lab/api/boards?notebook=secret.ipynb", "{}"),
        ("PUT", "/symphony-lab/api/boards?notebook=secret.ipynb", "{}"),
        ("POST", "/symphony-lab/api/boards/annotations?notebook=secret.ipynb", "{}"),
    ):
        response = await http_server_client.fetch(f"{base}{path}", method=method, body=body, headers=headers, raise_error=False)
        assert response.code == 403, (method, path)
    assert not (jp_root_dir / "secret.symphony.json").exists()


async def test_xss_payloads_are_stored_as_text(board, jp_fetch, jp_root_dir):
    await board()
    payloads = [
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(document.cookie))",
        '<form action="https://evil.example"><input name=p></form>',
        "<script>alert(1)</script> **bold**",
    ]
    for text in payloads:
        r = await jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                           body=json.dumps({"op": "create", "text": text, "target": {"kind": "selection", "ref": "<b>x</b>", "label": "<svg onload=alert(1)>"}}))
        assert json.loads(r.body)["text"] == text
    r = await jp_fetch("symphony-lab", "api", "boards", params={"notebook": NOTEBOOK})
    board_data = json.loads(r.body)["board"]
    assert sorted(a["text"] for a in board_data["annotations"].values()) == sorted(payloads)
    assert r.headers["Content-Type"].startswith("application/json")


async def test_a_comment_is_saved_while_the_room_of_a_deleted_board_lingers(board, clients, jp_fetch, jp_root_dir):
    """A board deleted while its room is still open (a test folder removed, a file moved) has no path
    any more: saving another board's room after a comment must not trip over it (it answered 500)."""
    (jp_root_dir / "gone").mkdir()
    (jp_root_dir / "gone" / "old.ipynb").write_text("{}")
    await jp_fetch("symphony-lab", "api", "boards", method="POST", body="", params={"notebook": "gone/old.ipynb"})
    lingering = await clients(await open_session(jp_fetch, board_path_for("gone/old.ipynb")))
    await asyncio.sleep(0.3)
    add_view(lingering, "v1", "summary", 1)
    await asyncio.sleep(0.3)
    # Deleted through the contents API (as Galata removes a test's folder): the file ids go too.
    for path in (board_path_for("gone/old.ipynb"), "gone/old.ipynb", "gone"):
        await jp_fetch("api", "contents", *path.split("/"), method="DELETE")
    session = await board()
    a = await clients(session)
    r = await jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                       body=json.dumps({"op": "create", "text": "still saved", "target": {"kind": "board"}}))
    note = json.loads(r.body)
    await eventually(lambda: a.annotation(note["id"]) is not None, what="the comment in the room")
    await eventually(lambda: note["id"] in parse_board((jp_root_dir / BOARD).read_text())["annotations"], what="the file")


async def test_board_routes_need_an_existing_notebook(jp_fetch):
    for notebook in ("nope.ipynb", "../etc/passwd", ""):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch("symphony-lab", "api", "boards", params={"notebook": notebook})
        assert info.value.code in (400, 404)


@pytest.mark.parametrize("rtc_save_delay", [30.0])
async def test_the_file_follows_the_board_within_a_fraction_of_a_second(rtc_save_delay, board, clients, jp_root_dir):
    """jupyter-collaboration would wait 30 s here; a board room saves 0.1 s after its last change."""
    session = await board()
    a = await clients(session)
    await asyncio.sleep(0.3)
    add_view(a, "quick", "summary", 1)
    a.state["groups"] = {"column": "city"}

    def on_disk() -> dict[str, Any]:
        return parse_board((jp_root_dir / BOARD).read_text())

    await eventually(lambda: "quick" in on_disk()["views"] and on_disk()["state"].get("groups") == {"column": "city"},
                     timeout=3, what="the file to follow")


@pytest.mark.parametrize("rtc_save_delay", [30.0])
async def test_a_board_room_saves_once_after_a_change_then_stays_quiet(rtc_save_delay, board, clients, jp_root_dir):
    """The room's own save writes its document's state map (dirty, hash): that is not a change of the
    board, so it must not schedule another save (it did, ten times a second, for as long as the room lived)."""
    session = await board()
    a = await clients(session)
    await asyncio.sleep(0.3)
    add_view(a, "once", "summary", 1)
    path = jp_root_dir / BOARD
    await eventually(lambda: "once" in parse_board(path.read_text())["views"], timeout=3, what="the first save")
    await asyncio.sleep(0.3)
    settled = path.stat().st_mtime_ns
    await asyncio.sleep(1.0)  # ten save delays
    assert path.stat().st_mtime_ns == settled, "the board file was written again with nothing changed"


async def test_views_added_at_once_on_a_brand_new_board_are_all_kept(jp_root_dir, jp_fetch, clients, jp_serverapp):
    """A board file just made, two browsers joining at once and adding views from their first moment on,
    for 3 seconds (the room's first load and first saves happen meanwhile): nothing is lost."""
    (jp_root_dir / "work").mkdir(exist_ok=True)
    (jp_root_dir / NOTEBOOK).write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    r = await jp_fetch("symphony-lab", "api", "boards", method="POST", body="", params={"notebook": NOTEBOOK})
    assert r.code == 201
    # The server writes a comment into the room while the two browsers join (it may be the one that
    # makes the room).
    note = asyncio.ensure_future(
        jp_fetch("symphony-lab", "api", "boards", "annotations", method="POST", params={"notebook": NOTEBOOK},
                 body=json.dumps({"op": "create", "text": "first!", "target": {"kind": "board"}}))
    )
    sessions = await asyncio.gather(open_session(jp_fetch, BOARD), open_session(jp_fetch, BOARD))
    a, b = await asyncio.gather(*(clients(s) for s in sessions))
    note_id = json.loads((await note).body)["id"]
    written: set[str] = set()
    for step in range(30):
        for name, client in (("a", a), ("b", b)):
            view_id = f"{name}{step}"
            add_view(client, view_id, "summary", step)
            written.add(view_id)
        if step % 10 == 0:
            client.state["filter"] = [{"column": "age", "op": "range", "min": step, "max": step + 1}]
        await asyncio.sleep(0.1)

    def on_disk() -> set[str]:
        return set(parse_board((jp_root_dir / BOARD).read_text())["views"])

    await eventually(
        lambda: set(a.views.keys()) == written and set(b.views.keys()) == written
        and set(room_doc(jp_serverapp).yviews.keys()) == written,
        what="every view everywhere",
    )
    await eventually(lambda: on_disk() == written, what="every view in the file")
    await asyncio.sleep(1.5)  # past the file watcher's next look: nothing reloaded over the views
    assert set(a.views.keys()) == written and on_disk() == written
    assert a.annotation(note_id)["text"] == "first!" and b.annotation(note_id) is not None
