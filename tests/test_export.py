"""symphony_lab.export(): one self-contained HTML file. It parses, makes no request (no external URL, no
resource by reference), embeds exactly the views' data, and shows the static views before any script."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import symphony_lab
from symphony_lab.pins.export import ExportError, render_page

# Strings of the bundled React that look like URLs but are never fetched: XML namespaces of the DOM, and
# the base of React's error messages.
NOT_FETCHED = (
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/XML/1998/namespace",
    "https://reactjs.org/docs/error-decoder.html?invariant=",
)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in = None


@pytest.fixture
def frames(monkeypatch: Any) -> dict[str, Any]:
    import __main__

    rng = np.random.default_rng(2)
    df = pd.DataFrame({"age": rng.normal(40, 12, 500), "city": rng.choice(["Lyon", "Paris", "Nice"], 500)})
    df.loc[::7, "age"] = np.nan
    monkeypatch.setattr(__main__, "df", df, raising=False)
    return {"df": df}


def test_export_is_self_contained_and_embeds_the_views_data(frames: dict[str, Any], tmp_path: Path) -> None:
    df = frames["df"]
    views = [
        symphony_lab.show(df, "distribution", column="age"),
        symphony_lab.show(df, "missing"),
        symphony_lab.show(df, "summary", filter=[{"column": "city", "op": "in", "values": ["Lyon"]}]),
    ]
    path = symphony_lab.export(views, tmp_path / "report.html", title="Review of df")
    text = path.read_text(encoding="utf-8")

    page = Page()
    page.feed(text)
    page.close()
    # Nothing by reference: no external script, stylesheet, image, frame, or form target.
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "data"):
            assert not attrs.get(name), f"<{tag} {name}=...> in the export"
    assert not any(tag in ("link", "iframe", "object", "embed", "base") for tag, _ in page.tags)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:|//)", text)
    urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)\\]*", text))
    assert {u for u in urls if not u.startswith(NOT_FETCHED)} == set(), "external URLs in the export"
    # A policy that forbids the page any connection.
    assert "default-src 'none'" in text

    # The embedded data equals each view's data.
    embedded = json.loads(page.data["symphony-lab-data"])
    assert [v["data"] for v in embedded["views"]] == [w.views[0]["data"] for w in views]
    assert [v["spec"]["component"] for v in embedded["views"]] == ["distribution", "missing", "summary"]
    assert embedded["views"][2]["spec"]["state"]["filter"] == [{"column": "city", "op": "in", "values": ["Lyon"]}]
    assert embedded["views"][2]["data"]["filtered_rows"] == int((df.city == "Lyon").sum())
    # The renderers are inlined, and the static views show before any script runs.
    assert "Distribution of age in df (500 rows)" in text and "<svg" in text
    # Size: aggregates, not rows (the frame has 500 rows; the page is dominated by the bundled script).
    script_size = (Path(symphony_lab.__file__).parent / "pins" / "static" / "standalone.js").stat().st_size
    assert len(text.encode()) - script_size < 120_000


def test_embedded_json_cannot_close_its_script(tmp_path: Path) -> None:
    spec = {"component": "missing", "variables": ["df"], "params": {}, "state": {"filter": []}}
    data = {"rows": 1, "columns": [{"name": "</script><script>alert(1)</script>", "missing": 1, "fraction": 1.0}]}
    from symphony_lab.pins.bundle import pin_payload

    text = render_page([pin_payload(spec, data)])
    page = Page()
    page.feed(text)
    assert sum(1 for tag, _ in page.tags if tag == "script") == 2
    assert json.loads(page.data["symphony-lab-data"])["views"][0]["data"] == data
    with pytest.raises(ExportError):
        render_page([])


def test_export_of_the_board_computes_its_open_views(frames: dict[str, Any], tmp_path: Path) -> None:
    from symphony_lab.kernel import board

    df = frames["df"]
    clause = {"column": "city", "op": "in", "values": ["Nice"]}
    board.receive({"filter": [clause], "views": [{"component": "summary", "variables": ["df"]},
                                                 {"component": "missing", "variables": ["df"]},
                                                 {"component": "summary", "variables": ["gone"]}]})
    try:
        with pytest.warns(UserWarning, match="summary of gone"):
            path = symphony_lab.export("board", tmp_path / "board.html")
    finally:
        board.receive({})
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    views = json.loads(page.data["symphony-lab-data"])["views"]
    assert [v["spec"]["component"] for v in views] == ["summary", "missing"]
    nice = int((df.city == "Nice").sum())
    assert all(v["spec"]["state"]["filter"] == [clause] and v["data"]["filtered_rows"] == nice for v in views)
