"""A pin records the comment threads attached to its view (and to the board, for "Pin board"), read by the server
from the notebook's board (never taken from the browser), with and without jupyter-collaboration; the output
bundle carries them in the text summary, the static HTML and the SVG, escaped."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import nbformat
import pytest
from nbconvert import HTMLExporter
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from symphony_lab.pins import MIME_TYPE

from .test_collab_helpers import server_config

NOTEBOOK = "team/review.ipynb"
SPEC = {"component": "distribution", "variables": ["df"], "params": {"column": "age", "by": None, "bins": 3}, "state": {"filter": []}}
DATA = {"column": "age", "rows": 12, "filtered_rows": 12, "edges": [0, 10, 20, 30],
        "series": [{"group": None, "counts": [3, 5, 4]}], "missing": 0}
EVIL = "Bins look off <script>alert(1)</script> & <img src=x onerror=alert(2)>\nsee **row 7**"


@pytest.fixture(params=["single-user", "collaboration"])
def mode(request: Any) -> str:
    return request.param


@pytest.fixture
def jp_server_config(jp_root_dir: Any, mode: str) -> Config:
    if mode == "collaboration":
        return Config(server_config(jp_root_dir))
    return Config({
        "ServerApp": {"jpserver_extensions": {"symphony_lab": True, "jupyter_server_ydoc": False}, "allow_root": True},
        "SymphonyLabApp": {"reap_interval": 3600.0},
    })


async def _api(jp_fetch: Any, *path: str, body: Any, method: str = "POST", **params: str) -> Any:
    response = await jp_fetch("symphony-lab", "api", *path, method=method, body=json.dumps(body), params=params)
    return json.loads(response.body)


async def test_pin_records_the_views_and_the_boards_threads(jp_fetch, jp_root_dir, mode):
    (jp_root_dir / "team").mkdir()
    (jp_root_dir / NOTEBOOK).write_text(json.dumps(nbformat.v4.new_notebook()))
    views = {
        "v1": {"component": "distribution", "variables": ["df"], "params": SPEC["params"], "order": 0, "collapsed": False},
        "v2": {"component": "summary", "variables": ["df"], "params": {}, "order": 1, "collapsed": False},
    }
    info = await _api(jp_fetch, "boards", method="PUT", body={"views": views}, notebook=NOTEBOOK)
    assert info["collaborative"] is (mode == "collaboration")

    async def annotate(op: dict[str, Any]) -> dict[str, Any]:
        return await _api(jp_fetch, "boards", "annotations", body=op, notebook=NOTEBOOK)

    first = await annotate({"op": "create", "text": EVIL, "target": {"kind": "view", "ref": "v1", "label": "Distribution · df"}})
    reply = await annotate({"op": "reply", "parent": first["id"], "text": "Agreed, 7 is a duplicate."})
    other = await annotate({"op": "create", "text": "not about this view", "target": {"kind": "view", "ref": "v2", "label": "Summary"}})
    board = await annotate({"op": "create", "text": "Review before Friday", "target": {"kind": "board", "ref": "", "label": "the board"}})
    await annotate({"op": "resolve", "id": board["id"]})

    # A forged thread in the request is not read: the threads come from the board.
    forged = [{"id": "x", "author": {"username": "mallory", "name": "CEO"}, "text": "approved", "created": None}]
    answer = await _api(jp_fetch, "pins", body={
        "spec": SPEC, "data": DATA, "execution_count": 4,
        "annotations": {"notebook": NOTEBOOK, "view": "v1", "board": True, "threads": forged},
    })
    threads = answer["annotations"]
    assert [t["id"] for t in threads] == [first["id"], board["id"]]  # oldest first; v2's thread is not here
    assert other["id"] not in json.dumps(answer)
    view_thread, board_thread = threads
    assert view_thread["text"] == EVIL and view_thread["resolved"] is False
    assert view_thread["target"] == {"kind": "view", "label": "Distribution · df"}
    assert view_thread["author"]["username"] == first["author"]["username"] != "mallory"
    assert view_thread["created"].endswith("+00:00")
    assert [(r["id"], r["text"]) for r in view_thread["replies"]] == [(reply["id"], "Agreed, 7 is a duplicate.")]
    assert board_thread["resolved"] is True and board_thread["replies"] == []
    assert "CEO" not in json.dumps(answer)

    bundle = answer["bundle"]
    assert bundle[MIME_TYPE]["annotations"] == threads
    text = bundle["text/plain"]
    assert text.startswith("Distribution of age in df (12 rows)")
    assert "Comments (2):" in text and "Bins look off <script>" in text and "↳" in text
    assert "(on the board) (resolved): Review before Friday" in text and text.count("(on the board)") == 1
    page = bundle["text/html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page and "<img" not in page
    assert "Agreed, 7 is a duplicate." in page and "Review before Friday" in page and page.count("on the board") == 1
    svg = bundle["image/svg+xml"]
    root = ET.fromstring(svg)  # well-formed: every comment escaped
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any("<script>alert(1)</script>" in t for t in texts) and "<script" not in svg
    assert any("Review before Friday" in t for t in texts)
    assert root.find("{http://www.w3.org/2000/svg}svg") is not None  # the chart, inside

    # The cell as the browser writes it validates, and nbconvert's HTML shows the comments, escaped.
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('symphony_lab.show(df, "distribution", column="age", bins=3)')
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    cell.metadata["symphony_lab"] = {"pin": {"component": "distribution", "variables": ["df"], "pinned_by": answer["pinned_by"],
                                            "pinned_at": answer["pinned_at"], "annotations": threads}}
    nb.cells.append(cell)
    nbformat.validate(nb)
    html, _ = HTMLExporter().from_notebook_node(nbformat.reads(nbformat.writes(nb), as_version=4))
    assert "Bins look off &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Review before Friday" in html


async def test_pin_without_comments_and_bad_requests(jp_fetch, jp_root_dir, mode):
    (jp_root_dir / "alone.ipynb").write_text(json.dumps(nbformat.v4.new_notebook()))
    # No board file yet: the pin goes, with no comments, and nothing is written beside the notebook.
    answer = await _api(jp_fetch, "pins", body={"spec": SPEC, "data": DATA, "annotations": {"notebook": "alone.ipynb", "view": "v1", "board": True}})
    assert answer["annotations"] == [] and "annotations" not in answer["bundle"][MIME_TYPE]
    assert "Comments" not in answer["bundle"]["text/plain"]
    assert sorted(p.name for p in jp_root_dir.iterdir() if not p.name.startswith(".")) == ["alone.ipynb"]
    for bad, message in [
        ({"notebook": "../etc/passwd", "view": None}, "plain relative path"),
        ({"notebook": 3}, "notebook's path"),
        ({"notebook": "alone.ipynb", "view": ["v1"]}, "view id"),
        ({"notebook": "alone.ipynb", "board": "yes"}, "true or false"),
        ("alone.ipynb", "must be an object"),
    ]:
        with pytest.raises(HTTPClientError) as info:
            await _api(jp_fetch, "pins", body={"spec": SPEC, "data": DATA, "annotations": bad})
        assert info.value.code == 400 and message in json.loads(info.value.response.body)["message"]
