"""The watcher against a real server and real ipykernel kernels."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import psutil
import pytest
from tornado.httpclient import HTTPClientError

from .helpers import entry, names


async def test_new_dataframe_appears_after_execute(kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3], 'b': ['x', 'y', 'z']})")
    catalog = await wait_catalog(kernel_id, lambda c: "df" in names(c))
    df = entry(catalog, "df")
    assert df["kind"] == "dataframe"
    assert df["shape"] == [3, 2]
    assert [c["name"] for c in df["columns"]] == ["a", "b"]
    assert df["columns"][0]["dtype"] == "int64"
    assert df["memory"] > 0
    assert catalog["status"] == "ok"
    assert catalog["language"] == "python"
    # "as of which execution": the catalog names the user's last execution.
    assert catalog["execution_count"] == alice_count(alice)


def alice_count(client) -> int:
    counts = [m["content"]["execution_count"] for m in client.iopub if m["msg_type"] == "execute_input"]
    return counts[-1]


async def test_changed_frame_changes_fingerprint(kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd, numpy as np\ndf = pd.DataFrame({'a': np.arange(1000.0)})\nother = df.copy()")
    catalog = await wait_catalog(kernel_id, lambda c: "other" in names(c))
    before = entry(catalog, "df")["fingerprint"]
    other_before = entry(catalog, "other")["fingerprint"]
    count = catalog["execution_count"]

    await alice.run("x = 1")  # an execution that changes no frame
    catalog = await wait_catalog(kernel_id, lambda c: c["execution_count"] == count + 1)
    assert entry(catalog, "df")["fingerprint"] == before

    await alice.run("df['a'] = df['a'] * 2")  # same shape and schema, new values
    catalog = await wait_catalog(kernel_id, lambda c: c["execution_count"] == count + 2)
    assert entry(catalog, "df")["fingerprint"] != before
    assert entry(catalog, "other")["fingerprint"] == other_before

    await alice.run("df['b'] = 1")  # a new column
    catalog = await wait_catalog(kernel_id, lambda c: c["execution_count"] == count + 3)
    assert entry(catalog, "df")["shape"] == [1000, 2]

    await alice.run("other.iloc[0, 0] = -5.0")  # an in-place edit of a sampled cell
    catalog = await wait_catalog(kernel_id, lambda c: c["execution_count"] == count + 4)
    assert entry(catalog, "other")["fingerprint"] != other_before


async def test_watching_leaves_no_trace(kernel, user, fetch_catalog, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1]})")
    first = await alice.run("40 + 2")
    await wait_catalog(kernel_id, lambda c: c["execution_count"] == first["content"]["execution_count"])
    count = first["content"]["execution_count"]
    history_before = await alice.value("len(In)")
    out_before = await alice.value("sorted(Out)")

    for _ in range(5):  # many catalog requests
        await fetch_catalog(kernel_id, refresh=True)
        await asyncio.sleep(0.05)

    assert await alice.value("_") == "42"
    assert await alice.value("len(In)") == history_before
    assert await alice.value("sorted(Out)") == out_before
    reply = await alice.run("y = 1")
    assert reply["content"]["execution_count"] == count + 1
    # Nothing but status messages was published for requests that were not the user's.
    own = {m["parent_header"].get("msg_id") for m in alice.iopub if m["msg_type"] == "execute_input"}
    foreign = [m for m in alice.iopub if m["parent_header"].get("msg_id") not in own]
    assert foreign, "the watcher's requests should have been seen on IOPub (as status only)"
    assert {m["msg_type"] for m in foreign} <= {"status"}


async def test_busy_kernel_is_not_waited_for(kernel, user, fetch_catalog, wait_catalog, jp_serverapp):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1]})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    sleeper = alice.submit("import time\ndf2 = df\ntime.sleep(30)")
    await wait_catalog(kernel_id, lambda c: c["state"] == "busy", timeout=10)
    started = time.monotonic()
    catalog = await fetch_catalog(kernel_id, refresh=True)
    assert time.monotonic() - started < 2.0
    assert catalog["state"] == "busy"
    assert names(catalog) == ["df"]  # the last catalog, with the execution it describes
    await jp_serverapp.kernel_manager.interrupt_kernel(kernel_id)
    await asyncio.wait_for(sleeper, 30)


async def test_restart_empties_catalog(kernel, user, jp_fetch, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1]})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")
    catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "ok" and c["state"] == "idle" and not names(c))
    assert catalog["variables"] == []
    # The new kernel is watched as before.
    bob = await user(kernel_id)
    await bob.run("import numpy as np\narr = np.zeros((3, 4))")
    catalog = await wait_catalog(kernel_id, lambda c: "arr" in names(c))
    assert entry(catalog, "arr")["shape"] == [3, 4]


HOSTILE = """
import time, pandas as pd

class Loud:
    def __repr__(self): raise RuntimeError('repr!')
    def __str__(self): raise RuntimeError('str!')
    def __len__(self): raise RuntimeError('len!')
    def __getattr__(self, name): time.sleep(30)
    def __getattribute__(self, name): time.sleep(30)
    def __eq__(self, other): raise RuntimeError('eq!')
    def __hash__(self): raise RuntimeError('hash!')

class Meta(type):
    def __getattribute__(cls, name): time.sleep(30)
    def __eq__(cls, other): raise RuntimeError('meta eq!')
    def __hash__(cls): raise RuntimeError('meta hash!')

class Weird(metaclass=Meta):
    pass

class BrokenFrame(pd.DataFrame):
    @property
    def index(self): raise RuntimeError('no index for you')

class Label:  # hashable, but its text is poisoned
    def __repr__(self): raise RuntimeError('repr!')
    def __str__(self): time.sleep(30)

loud = Loud()
weird = Weird()
broken = BrokenFrame({'a': [1, 2]})
fine = pd.DataFrame({Label(): [1, 2], 'b': [3, 4]})
"""


async def test_hostile_objects_do_not_break_the_catalog(kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    started = time.monotonic()
    reply = await alice.run(HOSTILE)
    catalog = await wait_catalog(kernel_id, lambda c: "fine" in names(c), timeout=15)
    assert time.monotonic() - started < 10
    assert "loud" not in names(catalog) and "weird" not in names(catalog)
    assert catalog["skipped"] >= 2
    broken = entry(catalog, "broken")
    assert broken["kind"] == "error"
    assert "RuntimeError" in broken["error"]
    fine = entry(catalog, "fine")
    assert [c["name"] for c in fine["columns"]] == ["<__main__.Label>", "b"]
    assert not alice.outputs_of(reply["parent_header"]["msg_id"])


async def test_large_frame_is_catalogued_without_a_scan(kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd, time\n"
        "big = pd.DataFrame(np.ones((10_000_000, 10)), columns=[f'c{i}' for i in range(10)])\n"
        "t = time.perf_counter(); big.sum(); scan_ms = (time.perf_counter() - t) * 1000",
        timeout=120,
    )
    catalog = await wait_catalog(kernel_id, lambda c: "big" in names(c), timeout=60)
    big = entry(catalog, "big")
    assert big["shape"] == [10_000_000, 10]
    assert 800_000_000 <= big["memory"] < 800_001_000  # the buffers' sizes (and the RangeIndex)
    scan_ms = float(await alice.value("scan_ms"))
    # One pass over the data (a sum) against the whole catalog: far below it.
    assert catalog["elapsed_ms"] < scan_ms / 5, (catalog["elapsed_ms"], scan_ms)


@pytest.mark.parametrize("bad", ["1abc", "a b", "__class__", "os.system", "for", "_private", "x;import os"])
async def test_variable_names_must_be_identifiers(kernel, jp_fetch, bad):
    kernel_id = await kernel()
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "variables", bad)
    assert info.value.code in (400, 404)
    if info.value.code == 400:
        body = json.loads(info.value.response.body)
        assert "identifier" in body["message"]
        assert not body.get("traceback")


async def test_variable_detail_has_every_column(kernel, user, jp_fetch, wait_catalog, symphony_config):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\nwide = pd.DataFrame({f'col{i}': [i] for i in range(250)})")
    catalog = await wait_catalog(kernel_id, lambda c: "wide" in names(c))
    wide = entry(catalog, "wide")
    assert wide["columns_total"] == 250 and len(wide["columns"]) == 100
    response = await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "variables", "wide")
    detail = json.loads(response.body)
    assert len(detail["columns"]) == 250
    assert detail["columns"][-1] == {"name": "col249", "dtype": "int64"}
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "variables", "nothing_here")
    assert info.value.code == 404


async def test_unknown_kernel_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("symphony-lab", "api", "kernels", "00000000-0000-0000-0000-000000000000", "catalog")
    assert info.value.code == 404


async def test_kernel_without_symphony_lab_says_what_to_do(kernel, user, fetch_catalog, registry, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    # Make the package unimportable in this kernel, as in an environment that lacks it.
    await alice.run("import sys\nfor m in [m for m in sys.modules if m.startswith('symphony_lab')]: del sys.modules[m]\n"
                    "sys.modules['symphony_lab'] = None")
    catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "missing_package")
    assert "pip install symphony-lab" in catalog["message"]


async def test_non_python_kernel_gets_a_clear_message(kernel, echo_kernelspec, fetch_catalog):
    kernel_id = await kernel(echo_kernelspec)
    catalog = await fetch_catalog(kernel_id)
    assert catalog["status"] == "not_python"
    assert "echo" in catalog["message"] and "Python" in catalog["message"]
    assert catalog["variables"] == []


@pytest.fixture
def hidden_config(symphony_config):
    symphony_config["hidden_names"] = ["secret_*"]
    return symphony_config


async def test_configured_hidden_names(hidden_config, kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\nsecret_df = pd.DataFrame({'a': [1]})\npublic_df = secret_df\n_private = secret_df")
    catalog = await wait_catalog(kernel_id, lambda c: "public_df" in names(c))
    assert names(catalog) == ["public_df"]


async def test_models_and_arrays_are_described(kernel, user, wait_catalog):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "X = pd.DataFrame({'f1': np.arange(20.0), 'f2': np.arange(20.0) % 3})\n"
        "y = pd.Series(np.arange(20) % 2, name='label')\n"
        "model = LogisticRegression().fit(X, y)\n"
        "unfitted = LogisticRegression(C=0.5)\n"
        "proba = model.predict_proba(X)\n",
        timeout=60,
    )
    catalog = await wait_catalog(kernel_id, lambda c: "proba" in names(c))
    model = entry(catalog, "model")
    assert model["kind"] == "model" and model["library"] == "sklearn"
    assert model["type"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert model["model"]["fitted"] is True
    assert model["model"]["task"] == "classifier"
    assert model["model"]["n_features_in"] == 2
    assert model["model"]["feature_names"] == ["f1", "f2"]
    assert model["model"]["classes"] == ["0", "1"]
    unfitted = entry(catalog, "unfitted")
    assert unfitted["model"]["fitted"] is False and unfitted["model"]["params"]["C"] == 0.5
    assert entry(catalog, "y")["kind"] == "series" and entry(catalog, "y")["series_name"] == "label"
    assert entry(catalog, "proba")["shape"] == [20, 2]


async def read_until(ws, predicate, timeout: float = 20.0) -> dict:
    """Next message on ``ws`` that satisfies ``predicate`` (others, e.g. suggestions, are passed over)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "no matching message"
        msg = json.loads(await asyncio.wait_for(ws.read_message(), remaining))
        if predicate(msg):
            return msg


async def test_websocket_pushes_updates_to_every_viewer(kernel, user, jp_ws_fetch):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    sockets = [await jp_ws_fetch("symphony-lab", "api", "watch") for _ in range(2)]
    for ws in sockets:
        await ws.write_message(json.dumps({"type": "watch", "kernel_id": kernel_id}))
        first = json.loads(await asyncio.wait_for(ws.read_message(), 10))
        assert first["type"] == "catalog" and first["catalog"]["kernel_id"] == kernel_id
    await alice.run("import pandas as pd\nshared = pd.DataFrame({'a': range(5)})")
    for ws in sockets:
        await read_until(ws, lambda m: m["type"] == "catalog" and "shared" in names(m["catalog"]))
    # Malformed messages are answered with an error and the connection keeps working.
    ws = sockets[0]
    for bad in ["not json", "[1, 2]", json.dumps({"type": "explode"}), json.dumps({"type": "watch", "kernel_id": 5}),
                "x" * 70_000]:
        await ws.write_message(bad)
        await read_until(ws, lambda m: m["type"] == "error", 10)
    await ws.write_message(json.dumps({"type": "watch", "kernel_id": "no-such-kernel"}))
    reply = await read_until(ws, lambda m: m["type"] == "error", 10)
    assert reply["kernel_id"] == "no-such-kernel"
    await ws.write_message(json.dumps({"type": "refresh", "kernel_id": kernel_id}))
    await read_until(ws, lambda m: m["type"] == "catalog", 10)
    for ws in sockets:
        ws.close()


async def test_shutdown_is_pushed_and_watcher_stops(kernel, jp_ws_fetch, jp_serverapp, registry):
    kernel_id = await kernel()
    ws = await jp_ws_fetch("symphony-lab", "api", "watch")
    await ws.write_message(json.dumps({"type": "watch", "kernel_id": kernel_id}))
    json.loads(await asyncio.wait_for(ws.read_message(), 10))
    await jp_serverapp.kernel_manager.shutdown_kernel(kernel_id)
    await read_until(ws, lambda m: m["type"] == "catalog" and m["catalog"]["state"] == "dead", 15)
    for _ in range(100):
        if kernel_id not in registry:
            break
        await asyncio.sleep(0.05)
    assert kernel_id not in registry
    ws.close()


async def test_unviewed_kernels_are_unwatched_and_sockets_closed(kernel, fetch_catalog, registry, jp_ws_fetch):
    process = psutil.Process()
    kernel_ids = [await kernel() for _ in range(3)]
    for kernel_id in kernel_ids:  # warm up: first watchers create shared resources
        await fetch_catalog(kernel_id)
    registry.idle_timeout = 0.0
    await registry.reap()
    fds_before = process.num_fds()
    for _ in range(3):
        for kernel_id in kernel_ids:
            await fetch_catalog(kernel_id)
        assert set(kernel_ids) <= set(registry.watched)
        await asyncio.sleep(0.05)
        stopped = await registry.reap()
        assert set(kernel_ids) <= set(stopped)
        assert not set(kernel_ids) & set(registry.watched)
    await asyncio.sleep(0.2)
    assert process.num_fds() <= fds_before + 2, (fds_before, process.num_fds())
    # A websocket subscription keeps its kernel watched however idle.
    ws = await jp_ws_fetch("symphony-lab", "api", "watch")
    await ws.write_message(json.dumps({"type": "watch", "kernel_id": kernel_ids[0]}))
    await asyncio.wait_for(ws.read_message(), 10)
    await registry.reap()
    assert kernel_ids[0] in registry.watched
    ws.close()
    await asyncio.sleep(0.2)
    await registry.reap()
    assert kernel_ids[0] not in registry.watched


async def test_kernel_restart_mid_request_answers_and_recovers(kernel, user, jp_fetch, wait_catalog, registry):
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run(
        "import numpy as np, pandas as pd\n"
        "big = pd.DataFrame(np.random.default_rng(0).random((6_000_000, 4)))",
        timeout=120,
    )
    await wait_catalog(kernel_id, lambda c: "big" in names(c), timeout=60)
    watcher = await registry.get(kernel_id)
    await watcher.wait_analysis(60)  # let background profiling finish first
    body = json.dumps({"component": "duplicates", "variables": ["big"]})
    pending = asyncio.ensure_future(
        jp_fetch("symphony-lab", "api", "kernels", kernel_id, "views", method="POST", body=body)
    )
    for _ in range(200):  # wait until the request is in the kernel
        if watcher._pending:
            break
        await asyncio.sleep(0.01)
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")
    with pytest.raises(HTTPClientError) as info:
        await asyncio.wait_for(pending, 30)
    assert info.value.code == 409
    assert "restarted" in json.loads(info.value.response.body)["message"]
    catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "ok" and not names(c))
    assert catalog["state"] == "idle"


async def test_a_request_that_times_out_is_retried(kernel, jp_serverapp, fetch_catalog, wait_catalog):
    """A kernel frozen when the watcher starts (stopped process): the first request times out, the
    panel says so, and the watcher asks again by itself until the kernel answers."""
    import os
    import signal

    kernel_id = await kernel()
    km = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    client.stop_channels()
    pid = km.provisioner.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "timeout", timeout=20)
        assert "Asking again" in catalog["message"]
    finally:
        os.kill(pid, signal.SIGCONT)
    catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "ok", timeout=30)
    assert catalog["state"] == "idle"


async def test_a_kernel_that_dies_is_restarted_and_its_catalog_reset(kernel, user, wait_catalog, jp_serverapp):
    """The kernel process is killed: the server's restarter starts a new one, and the catalog empties
    (nothing of the dead process is shown as if it were still there)."""
    import os
    import signal

    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\ndf = pd.DataFrame({'a': [1]})")
    await wait_catalog(kernel_id, lambda c: "df" in names(c))
    km = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    os.kill(km.provisioner.pid, signal.SIGKILL)
    catalog = await wait_catalog(kernel_id, lambda c: c["status"] == "ok" and not names(c), timeout=60)
    assert catalog["state"] == "idle" and catalog["execution_count"] == 0


async def test_a_lost_idle_message_does_not_leave_the_panel_stuck(kernel, user, registry, wait_catalog):
    """We hold the kernel busy (an idle message we never saw), the server saw it idle: after two looks
    the watcher carries on and the catalog comes again, without any message to the kernel meanwhile."""
    kernel_id = await kernel()
    alice = await user(kernel_id)
    await alice.run("import pandas as pd\na = pd.DataFrame({'x': [1, 2]})")
    first = await wait_catalog(kernel_id, lambda c: "a" in names(c))
    watcher = await registry.get(kernel_id)
    watcher._foreign_busy.add("an execution whose idle we missed")
    watcher.request_refresh(delay=0)
    deadline = time.monotonic() + 20
    while watcher._foreign_busy and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not watcher._foreign_busy
    again = await wait_catalog(kernel_id, lambda c: c["updated"] != first["updated"])
    assert again["state"] == "idle" and "a" in names(again)
