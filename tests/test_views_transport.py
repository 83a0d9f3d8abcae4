"""How a view's data travels (Arrow in a framed answer, JSON otherwise) and how a long view reports
progress and is cancelled, against a real server and real kernels."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from symphony_lab import framing
from symphony_lab.kernel.encode import decode_data

from .helpers import names

FRAME = {"Accept": framing.MEDIA_TYPE}

SETUP = """
import numpy as np, pandas as pd
rng = np.random.default_rng(0)
n = 20_000
df = pd.DataFrame({"age": rng.integers(18, 90, n), "income": rng.normal(5e4, 1.5e4, n).round(2),
                   "city": rng.choice(["Paris", "Lyon", "Nice"], n), "mixed": pd.Series(rng.choice(["a", 1, None], n), dtype=object)})
df = pd.concat([df, df.iloc[:300]], ignore_index=True)
"""

SLOW = """
import numpy as np, pandas as pd
rng = np.random.default_rng(1)
words = np.array([f"  Name {i} " for i in range(50_000)])
slow = pd.DataFrame({"name": words[rng.integers(0, 50_000, 2_000_000)], "x": rng.random(2_000_000)})
"""


async def post_view(jp_fetch: Any, kernel_id: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return await jp_fetch(
        "symphony-lab", "api", "kernels", kernel_id, "views", method="POST", body=json.dumps(body), headers=dict(headers or {})
    )


def decode(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The answer of a framed body (its data decoded) and the progress frames before it."""
    frames = framing.parse_frames(body)
    progress = [json.loads(p) for k, p in frames if k == framing.PROGRESS]
    headers = [json.loads(p) for k, p in frames if k == framing.HEADER]
    streams = [p for k, p in frames if k == framing.ARROW]
    assert len(headers) == 1, frames[:3]
    header = headers[0]
    if header["encoding"] == "arrow":
        header["data"] = decode_data(header["data"], streams)
    else:
        assert streams == []
    return header, progress


@pytest.fixture
def frames_kernel(kernel, user, wait_catalog):
    async def setup(code: str = SETUP, name: str = "df") -> tuple[str, Any]:
        kernel_id = await kernel()
        alice = await user(kernel_id)
        await alice.run(code, timeout=120)
        await wait_catalog(kernel_id, lambda c: name in names(c), timeout=60)
        return kernel_id, alice

    return setup


@pytest.mark.parametrize(
    "body",
    [
        {"component": "table", "variables": ["df"], "params": {"page_size": 200, "sort": "income"}},
        {"component": "duplicates", "variables": ["df"], "params": {"page_size": 200}},
        {"component": "summary", "variables": ["df"]},
    ],
)
async def test_the_framed_answer_carries_arrow_tables_that_decode_to_the_json_answer(frames_kernel, jp_fetch, body):
    kernel_id, _ = await frames_kernel()
    as_json = json.loads((await post_view(jp_fetch, kernel_id, body)).body)
    assert as_json["encoding"] == "json"
    response = await post_view(jp_fetch, kernel_id, body, FRAME)
    assert response.headers["Content-Type"] == framing.MEDIA_TYPE
    answer, progress = decode(response.body)
    assert progress == []  # a quick view reports none
    assert answer["data"] == as_json["data"]
    assert {k: v for k, v in answer.items() if k not in ("data", "encoding", "cached", "elapsed_ms")} == {
        k: v for k, v in as_json.items() if k not in ("data", "encoding", "cached", "elapsed_ms")
    }
    if body["component"] in ("table", "duplicates"):  # 200 rows: a table, smaller as Arrow than as JSON
        assert answer["encoding"] == "arrow"
        assert '{"$arrow": 0}' in framing.parse_frames(response.body)[0][1].decode()
        assert len(response.body) < len(json.dumps(as_json))
    # The cache keeps both encodings apart.
    again, _ = decode((await post_view(jp_fetch, kernel_id, body, FRAME)).body)
    assert again["cached"] is True and again["data"] == as_json["data"]


async def test_a_kernel_without_pyarrow_answers_json_in_the_same_frames(frames_kernel, jp_fetch):
    kernel_id, alice = await frames_kernel()
    await alice.run("import sys; sys.modules['pyarrow'] = None  # as if it were not installed")
    body = {"component": "table", "variables": ["df"], "params": {"page_size": 200}}
    answer, _ = decode((await post_view(jp_fetch, kernel_id, body, FRAME)).body)
    assert answer["encoding"] == "json"
    assert answer["data"] == json.loads((await post_view(jp_fetch, kernel_id, body)).body)["data"]


async def test_bad_requests_get_the_same_errors_framed(frames_kernel, jp_fetch):
    kernel_id, _ = await frames_kernel()
    with pytest.raises(HTTPClientError) as info:
        await post_view(jp_fetch, kernel_id, {"component": "table", "variables": ["df"], "params": {"page": -1}}, FRAME)
    assert info.value.code == 400 and b"table.page" in info.value.response.body
    with pytest.raises(HTTPClientError) as info:
        await post_view(jp_fetch, kernel_id, {"component": "table", "variables": ["nope"]}, FRAME)
    assert info.value.code == 404


async def test_a_long_view_streams_progress_that_no_notebook_shows(frames_kernel, jp_fetch, user):
    kernel_id, alice = await frames_kernel(SLOW, "slow")
    bob = await user(kernel_id)  # another notebook on the same kernel
    seen_before = len(bob.iopub)
    body = {"component": "duplicates", "variables": ["slow"], "params": {"near": True}}
    answer, progress = decode((await post_view(jp_fetch, kernel_id, body, FRAME)).body)
    assert answer["data"]["mode"] == "within"
    assert progress, "a computation of seconds reports progress"
    fractions = [p["fraction"] for p in progress]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    assert {"hashing rows", "grouping rows"} & {p["phase"] for p in progress}
    # On IOPub, the request made only status and progress messages, which nobody renders: JupyterLab
    # shows outputs of its own requests only, and these are not outputs.
    for client in (alice, bob):
        foreign = [m for m in client.iopub[seen_before if client is bob else 0 :]
                   if m["parent_header"].get("session") not in (None, client.client.session.session)]
        assert {m["msg_type"] for m in foreign} <= {"status", "symphony_lab_progress"}
        assert any(m["msg_type"] == "symphony_lab_progress" for m in foreign)
        assert not [m for m in client.iopub if m["msg_type"] in ("stream", "display_data", "execute_result", "error")
                    and m["parent_header"].get("session") != client.client.session.session]


async def test_cancelling_a_view_that_reports_progress_frees_the_kernel(
    frames_kernel, http_server_client, jp_base_url, jp_auth_header, registry
):
    kernel_id, alice = await frames_kernel(SLOW, "slow")
    url = f"{jp_base_url.rstrip('/')}/symphony-lab/api/kernels/{kernel_id}/views"
    body = json.dumps({"component": "duplicates", "variables": ["slow"], "params": {"near": True, "decimals": 3}})
    received: list[bytes] = []

    def on_chunk(chunk: bytes) -> None:
        received.append(chunk)
        if b"".join(received).count(framing.PROGRESS) and len(b"".join(received)) > len(framing.MAGIC):
            raise RuntimeError("the user pressed Cancel")  # the client drops the connection

    started = time.monotonic()
    with pytest.raises(Exception):
        await http_server_client.fetch(
            url, method="POST", body=body, headers={**jp_auth_header, **FRAME}, streaming_callback=on_chunk,
            request_timeout=60,
        )
    assert b"".join(received).startswith(framing.MAGIC + framing.PROGRESS)
    cancelled_after = time.monotonic() - started
    # The kernel was interrupted: the user's next cell runs at once, the namespace is intact.
    started = time.monotonic()
    await alice.run("x = 1", timeout=60)
    assert time.monotonic() - started < 1.5, (cancelled_after, time.monotonic() - started)
    assert await alice.value("slow.shape") == "(2000000, 2)"
    watcher = await registry.get(kernel_id)
    assert not any('"decimals": 3' in key for key in watcher.analysis._views)  # nothing half-done was cached
    await asyncio.sleep(0)


def server_timing(header: str) -> dict[str, float]:
    """``Server-Timing: wait;dur=0.2, queue;dur=3.1, ...`` as ``{"wait": 0.2, "queue": 3.1, ...}``."""
    out: dict[str, float] = {}
    for part in header.split(","):
        name, _, duration = part.strip().partition(";dur=")
        out[name] = float(duration)
    return out


async def test_a_view_answer_says_where_its_time_went(frames_kernel, jp_fetch):
    """Server-Timing (W3C): sent to the kernel, started there, computed (as the kernel measured it), read
    back; a cached answer has only the server's own time."""
    kernel_id, _ = await frames_kernel()
    body = {"component": "summary", "variables": ["df"], "state": {"filter": [{"column": "age", "op": "range", "min": 30, "max": 50}]}}
    for headers in ({}, FRAME):
        response = await post_view(jp_fetch, kernel_id, {**body, "params": {"bins": 7 if headers else 9}}, headers)
        timing = server_timing(response.headers["Server-Timing"])
        assert list(timing) == ["wait", "queue", "kernel", "reply", "total"], timing
        answer = json.loads(response.body) if not headers else decode(response.body)[0]
        assert timing["kernel"] == pytest.approx(answer["elapsed_ms"], abs=0.05)
        assert all(value >= 0 for value in timing.values())
        # (the kernel's busy status is read by the server a little after the kernel started: queue and
        # kernel may overlap by that much; the total is the server's own clock)
        assert timing["total"] >= max(timing["wait"] + timing["queue"], timing["kernel"])
    again = await post_view(jp_fetch, kernel_id, {**body, "params": {"bins": 9}})
    assert json.loads(again.body)["cached"] is True
    assert list(server_timing(again.headers["Server-Timing"])) == ["total"]
