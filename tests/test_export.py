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


# -- offline: binned codes that let the page compute its views again -----------------------------------


def _offline(path: Path) -> dict[str, Any]:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return json.loads(page.data["symphony-lab-data"])


def _codes(field: dict[str, Any]) -> np.ndarray:
    import base64

    dtype = {"uint8": "<u1", "uint16": "<u2"}[field["dtype"]]
    return np.frombuffer(base64.b64decode(field["codes"]), dtype=dtype).astype(np.int64)


def _field(frame: dict[str, Any], column: str, kind: str) -> dict[str, Any]:
    return next(f for f in frame["fields"] if f["column"] == column and f["type"] == kind)


def _range_rows(frame: dict[str, Any], column: str, low: float, high: float) -> np.ndarray:
    """Rows a brush from edge ``low`` to edge ``high`` keeps, read from the codes (1 + 2 i + eq)."""
    field = _field(frame, column, "bins")
    a, b = field["edges"].index(low), field["edges"].index(high)
    codes = _codes(field)
    return (codes >= 2 + 2 * a) & (codes <= 2 + 2 * b)


def _histogram(frame: dict[str, Any], column: str, edges: list[float], rows: np.ndarray) -> list[int]:
    field = _field(frame, column, "bins")
    codes = _codes(field)[rows]
    slots = [field["edges"].index(e) for e in edges]
    out = []
    for j in range(len(slots) - 1):
        high = 2 + 2 * slots[j + 1] if j == len(slots) - 2 else 1 + 2 * slots[j + 1]
        out.append(int(((codes >= 2 + 2 * slots[j]) & (codes <= high)).sum()))
    return out


@pytest.fixture
def people(monkeypatch: Any) -> pd.DataFrame:
    import __main__

    rng = np.random.default_rng(5)
    n = 3000
    df = pd.DataFrame({
        "age": rng.integers(18, 91, n).astype(float),  # integers: many values fall exactly on bin edges
        "city": rng.choice(["Lyon", "Paris", "Nice", "Lille", "</script><b>x"], n),
        "income": rng.lognormal(10, 1, n),
    })
    df.loc[rng.random(n) < 0.1, "income"] = np.nan
    df.loc[rng.random(n) < 0.05, "city"] = None
    monkeypatch.setattr(__main__, "people", df, raising=False)
    return df


def test_offline_codes_count_what_the_kernel_counts_under_a_filter(people: pd.DataFrame, tmp_path: Path) -> None:
    from symphony_lab.kernel.frames import filter_mask

    df = people
    views = [
        symphony_lab.show(df, "distribution", column="age"),
        symphony_lab.show(df, "distribution", column="city"),
        symphony_lab.show(df, "missing"),
        symphony_lab.show(df, "summary"),
    ]
    embedded = _offline(symphony_lab.export(views, tmp_path / "report.html"))
    offline = embedded["offline"]
    assert [v["frame"] for v in offline["views"]] == ["people"] * 4
    (frame,) = offline["frames"]
    assert frame["rows"] == frame["sample_rows"] == len(df) and frame["sampled"] is False
    age_edges = embedded["views"][0]["data"]["edges"]

    # A brush on age (from one edge to another, as the histogram sets it): the city view the kernel
    # computes with that filter equals the counts read from the codes.
    low, high = age_edges[5], age_edges[12]
    clause = {"column": "age", "op": "range", "min": low, "max": high}
    kernel = symphony_lab.show(df, "distribution", column="city", filter=[clause]).views[0]["data"]
    rows = _range_rows(frame, "age", low, high)
    assert int(rows.sum()) == kernel["filtered_rows"] == int(filter_mask(df, {"filter": [clause]}).sum())
    city = _field(frame, "city", "categories")
    codes = _codes(city)[rows]
    counts = {c: int((codes == 2 + i).sum()) for i, c in enumerate(city["categories"])}
    assert city["other"] == 0  # every city is in the list: exact
    assert {c: n for c, n in zip(kernel["categories"], kernel["series"][0]["counts"])} == {c: n for c, n in counts.items() if n}
    assert int((codes == 0).sum()) == kernel["missing"]

    # A filter on city: the age histogram in the exported bins equals numpy's on the kernel's filtered rows.
    lyon = {"column": "city", "op": "in", "values": ["Lyon", "</script><b>x"]}
    mask = filter_mask(df, {"filter": [lyon]})
    wanted = np.histogram(df.age[mask].dropna(), bins=np.asarray(age_edges))[0].tolist()
    picked = np.isin(_codes(city), [2 + city["categories"].index(v) for v in lyon["values"]])
    assert _histogram(frame, "age", age_edges, picked) == wanted
    # The kernel's own view under that filter counts the same rows and the same missing values.
    again = symphony_lab.show(df, "distribution", column="age", filter=[lyon]).views[0]["data"]
    assert again["filtered_rows"] == int(picked.sum())
    assert again["missing"] == int((_codes(_field(frame, "age", "bins"))[picked] == 0).sum())
    # Missing values per column under the filter, as the missing view computes them.
    missing = symphony_lab.show(df, "missing", filter=[lyon]).views[0]["data"]
    income = _codes(next(f for f in frame["fields"] if f["column"] == "income"))
    assert {c["name"]: c["missing"] for c in missing["columns"]}["income"] == int((income[picked] == 0).sum())

    # A category that holds "</script>" cannot close the page's script.
    page = Page()
    page.feed((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert sum(1 for tag, _ in page.tags if tag == "script") == 2
    assert "</script><b>x" in city["categories"]
    # No raw value leaves the kernel: the incomes (no view bins them beyond the summary's edges) are not there.
    text = json.dumps(offline)
    assert not any(f"{v:.6f}"[:9] in text for v in df.income.dropna().head(50))


def test_offline_confusion_codes_match_the_kernel(tmp_path: Path, monkeypatch: Any) -> None:
    import __main__
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = pd.DataFrame({"f1": rng.normal(size=400), "f2": rng.normal(size=400)})
    y = pd.Series(np.where(X.f1 + rng.normal(scale=0.8, size=400) > 0, "yes", "no"), name="label")
    model = LogisticRegression().fit(X, y)
    for name, value in (("X_test", X), ("y_test", y), ("model", model)):
        monkeypatch.setattr(__main__, name, value, raising=False)
    views = [symphony_lab.show(model, "confusion", X, y), symphony_lab.show(X, "distribution", column="f1")]
    embedded = _offline(symphony_lab.export(views, tmp_path / "model.html"))
    offline = embedded["offline"]
    assert offline["views"][0]["frame"] == "X_test" and offline["views"][1]["frame"] == "X_test"
    (frame,) = offline["frames"]
    (m,) = frame["models"]
    truth = _codes(next(f for f in frame["fields"] if f.get("role") == "true" and f["model"] == m["id"]))
    pred = _codes(next(f for f in frame["fields"] if f.get("role") == "pred" and f["model"] == m["id"]))
    edges = embedded["views"][1]["data"]["edges"]
    clause = {"column": "f1", "op": "range", "min": edges[10], "max": edges[25]}
    rows = _range_rows(frame, "f1", edges[10], edges[25])
    kernel = symphony_lab.show(model, "confusion", X, y, filter=[clause]).views[0]["data"]
    k = len(m["classes"])
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (truth[rows] - 1, pred[rows] - 1), 1)
    order = [m["classes"].index(c) for c in kernel["classes"]]
    assert matrix[np.ix_(order, order)].tolist() == kernel["matrix"]
    assert kernel["filtered_rows"] == int(rows.sum())


def test_offline_codes_beyond_the_budget_are_a_marked_sample(people: pd.DataFrame, tmp_path: Path) -> None:
    big = pd.concat([people] * 20, ignore_index=True)  # 60,000 rows
    import __main__

    __main__.big = big
    try:
        views = [symphony_lab.show(big, "distribution", column="age"), symphony_lab.show(big, "missing")]
        path = symphony_lab.export(views, tmp_path / "big.html", offline_budget=40_000)
    finally:
        del __main__.big
    text = path.read_text(encoding="utf-8")
    (frame,) = _offline(path)["offline"]["frames"]
    per_row = sum(1 if f["dtype"] == "uint8" else 2 for f in frame["fields"])
    assert frame["sampled"] is True and frame["rows"] == 60_000
    assert frame["sample_rows"] == 40_000 // per_row
    assert all(len(_codes(f)) == frame["sample_rows"] for f in frame["fields"])
    # The page says so, in its header (the views say it again when they are computed offline).
    assert f"estimated from a sample of {frame['sample_rows']:,} of 60,000 rows" in text
    # Same seed, same sample.
    again = symphony_lab.export(views, tmp_path / "again.html", offline_budget=40_000)
    assert _offline(again)["offline"]["frames"][0]["fields"] == frame["fields"]


def test_offline_can_be_left_out_and_views_say_why_they_are_not_computed(people: pd.DataFrame, tmp_path: Path) -> None:
    views = [symphony_lab.show(people, "distribution", column="age"), symphony_lab.show(people, "table")]
    offline = _offline(symphony_lab.export(views, tmp_path / "r.html"))["offline"]
    assert offline["views"][0] == {"frame": "people"}
    assert offline["views"][1]["frame"] is None and "not computed again offline" in offline["views"][1]["reason"]
    plain = _offline(symphony_lab.export(views, tmp_path / "plain.html", offline=False))
    assert "offline" not in plain


def test_offline_codes_of_dates_and_booleans_follow_the_kernels_filter(tmp_path: Path, monkeypatch: Any) -> None:
    import __main__
    from symphony_lab.kernel.frames import filter_mask

    rng = np.random.default_rng(4)
    n = 2000
    events = pd.DataFrame({
        "when": pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 86400 * 60, n), unit="s"),
        "done": rng.random(n) < 0.3,
    })
    events.loc[::40, "when"] = pd.NaT
    monkeypatch.setattr(__main__, "events", events, raising=False)
    views = [symphony_lab.show(events, "distribution", column="when"), symphony_lab.show(events, "distribution", column="done")]
    embedded = _offline(symphony_lab.export(views, tmp_path / "events.html"))
    (frame,) = embedded["offline"]["frames"]
    edges = embedded["views"][0]["data"]["edges"]
    assert all(isinstance(e, str) for e in edges)  # dates travel as the view's own text
    clause = {"column": "when", "op": "range", "min": edges[3], "max": edges[17]}
    rows = _range_rows(frame, "when", edges[3], edges[17])
    assert np.array_equal(rows, filter_mask(events, {"filter": [clause]}))
    done = _field(frame, "done", "categories")
    assert done["categories"] == ["False", "True"] or done["categories"] == ["True", "False"]
    picked = _codes(done) == 2 + done["categories"].index("True")
    clause = {"column": "done", "op": "in", "values": ["True"]}
    assert np.array_equal(picked, filter_mask(events, {"filter": [clause]}))


def test_a_frame_that_cannot_be_encoded_leaves_its_views_as_exported(people: pd.DataFrame, tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    from symphony_lab.pins import cube

    def broken(*args: Any) -> Any:
        raise RuntimeError("cannot bin this")

    monkeypatch.setattr(cube, "_category_codes", broken)
    views = [symphony_lab.show(people, "distribution", column="city")]
    embedded = _offline(symphony_lab.export(views, tmp_path / "r.html"))
    assert embedded["views"][0]["data"] == views[0].views[0]["data"]
    assert embedded["offline"]["views"] == [{"frame": None, "reason": "its frame could not be encoded (RuntimeError: cannot bin this)"}]
