"""The notebook's kernel websocket does not show the kernel busy for the extension's own short requests
(quietstatus.py), and still shows the user's executions and our long requests."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from symphony_lab.quietstatus import OwnSessions, install

from .helpers import fetch_view

V1 = "v1.kernel.websocket.jupyter.org"
FRAME = "import numpy as np, pandas as pd\n" "df = pd.DataFrame(np.random.default_rng(0).random((%d, 5)), columns=list('abcde'))"


class Notebook:
    """A kernel websocket as JupyterLab opens it (the v1 binary protocol, or the older JSON one)."""

    def __init__(self, ws: Any, binary: bool) -> None:
        self.ws = ws
        self.binary = binary
        self.session = uuid.uuid4().hex
        self.received: list[dict[str, Any]] = []

    def execute(self, code: str) -> str:
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session, "username": "alice",
                       "date": "2026-11-28T00:00:00Z", "version": "5.3"},
            "parent_header": {},
            "metadata": {},
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
            "buffers": [],
        }
        if self.binary:
            pack = lambda part: json.dumps(part).encode()  # noqa: E731
            self.ws.write_message(serialize_msg_to_ws_v1(msg, "shell", pack=pack), binary=True)
        else:
            self.ws.write_message(json.dumps({**msg, "channel": "shell"}))
        return msg_id

    async def read_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), left)
            except asyncio.TimeoutError:
                return
            assert raw is not None, "the kernel websocket closed"
            self.received.append(self._decode(raw))

    async def read_until_idle(self, msg_id: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(self._is(m, msg_id, "idle") for m in self.received):
            assert time.monotonic() < deadline, "no idle for the execution"
            raw = await asyncio.wait_for(self.ws.read_message(), deadline - time.monotonic())
            assert raw is not None
            self.received.append(self._decode(raw))

    def _decode(self, raw: Any) -> dict[str, Any]:
        if isinstance(raw, bytes):
            channel, parts = deserialize_msg_from_ws_v1(raw)
            header, parent, _, content = (json.loads(p) for p in parts[:4])
            return {"channel": channel, "header": header, "parent_header": parent, "content": content}
        return json.loads(raw)

    @staticmethod
    def _is(msg: dict[str, Any], parent_id: str, state: str) -> bool:
        return (
            msg["header"]["msg_type"] == "status"
            and msg["parent_header"].get("msg_id") == parent_id
            and msg["content"].get("execution_state") == state
        )

    def statuses(self, session: str) -> list[tuple[str, str]]:
        """(parent msg_id, state) of the status messages received for requests of ``session``."""
        return [
            (m["parent_header"].get("msg_id"), m["content"].get("execution_state"))
            for m in self.received
            if m["header"]["msg_type"] == "status" and m["parent_header"].get("session") == session
        ]

    def of_session(self, session: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("parent_header", {}).get("session") == session]


async def open_notebook(jp_ws_fetch: Any, kernel_id: str, binary: bool) -> Notebook:
    kwargs = {"subprotocols": [V1]} if binary else {}
    ws = await jp_ws_fetch("api", "kernels", kernel_id, "channels", **kwargs)
    return Notebook(ws, binary)


@pytest.mark.parametrize("binary", [True, False], ids=["v1-protocol", "json-protocol"])
async def test_our_short_requests_never_show_the_kernel_busy(kernel, jp_ws_fetch, jp_fetch, registry, binary):
    kernel_id = await kernel()
    notebook = await open_notebook(jp_ws_fetch, kernel_id, binary)
    run = notebook.execute(FRAME % 2000)
    await notebook.read_until_idle(run)
    # The user's own execution is shown busy, then idle, as always.
    assert (run, "busy") in notebook.statuses(notebook.session)
    assert (run, "idle") in notebook.statuses(notebook.session)

    # Now the extension works on this kernel: catalog, profile, a view.
    response = await fetch_view(jp_fetch, kernel_id, {"component": "summary", "variables": ["df"]})
    assert json.loads(response.body)["data"]
    watcher = await registry.get(kernel_id)
    ours = watcher._session.session
    await notebook.read_for(1.0)  # anything late (a held status shown after its delay) arrives by now
    assert notebook.of_session(ours) == [], notebook.of_session(ours)[:3]

    # And the websocket still carries everything else: another execution of the user's, with output.
    again = notebook.execute("print('still here')")
    await notebook.read_until_idle(again)
    streams = [m for m in notebook.received if m["header"]["msg_type"] == "stream"]
    assert any("still here" in m["content"].get("text", "") for m in streams)


@pytest.fixture
def short_delay(symphony_config: dict[str, Any]) -> dict[str, Any]:
    symphony_config["kernel_status_delay"] = 0.02
    return symphony_config


async def test_a_long_request_of_ours_is_shown_busy_until_it_ends(short_delay, kernel, jp_ws_fetch, jp_fetch, registry):
    kernel_id = await kernel()
    notebook = await open_notebook(jp_ws_fetch, kernel_id, True)
    run = notebook.execute(FRAME % 1_500_000)
    await notebook.read_until_idle(run)
    # Correlations of 1.5M rows x 5 take far longer than 20 ms in the kernel.
    await fetch_view(jp_fetch, kernel_id, {"component": "correlations", "variables": ["df"]})
    await notebook.read_for(0.5)
    ours = (await registry.get(kernel_id))._session.session
    shown = notebook.statuses(ours)
    assert shown, "a long request of ours was never shown busy"
    # Each request shown is shown busy first, then idle: never a busy left without its idle.
    for parent_id in {p for p, _ in shown}:
        states = [s for p, s in shown if p == parent_id]
        assert states == ["busy", "idle"], (parent_id, states)
    # Our private progress messages never reach a notebook.
    assert {m["header"]["msg_type"] for m in notebook.of_session(ours)} == {"status"}


def test_only_jupyters_own_connection_is_wrapped_and_zero_turns_it_off() -> None:
    import logging

    own = OwnSessions()
    log = logging.getLogger("test")
    settings: dict[str, Any] = {"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection}
    assert install(settings, own, 0.5, log)
    wrapped = settings["kernel_websocket_connection_class"]
    assert issubclass(wrapped, ZMQChannelsWebsocketConnection) and wrapped is not ZMQChannelsWebsocketConnection
    assert install(settings, own, 0.5, log) and settings["kernel_websocket_connection_class"] is wrapped  # once
    off: dict[str, Any] = {"kernel_websocket_connection_class": ZMQChannelsWebsocketConnection}
    assert not install(off, own, 0, log) and off["kernel_websocket_connection_class"] is ZMQChannelsWebsocketConnection

    class Gateway:  # another kind of connection (a gateway's) is left alone
        pass

    other: dict[str, Any] = {"kernel_websocket_connection_class": Gateway}
    assert not install(other, own, 0.5, log) and other["kernel_websocket_connection_class"] is Gateway
    own.add("abc")
    assert "abc" in own and own.mentioned_in(b'{"session": "abc"}') and not own.mentioned_in(b"{}")
    own.discard("abc")
    assert "abc" not in own


@pytest.fixture
def long_delay(symphony_config: dict[str, Any]) -> dict[str, Any]:
    symphony_config["kernel_status_delay"] = 4.0
    return symphony_config


@pytest.mark.parametrize("how", ["restart", "kill"])
async def test_a_request_of_ours_that_dies_with_its_kernel_is_never_shown_late(
    long_delay, kernel, jp_ws_fetch, jp_fetch, jp_serverapp, registry, how
):
    """A request of ours is running (its busy held back) when the kernel restarts (asked for, or after
    its process died): its busy must not reach the notebook after the new kernel said it is idle."""
    import os
    import signal

    kernel_id = await kernel()
    notebook = await open_notebook(jp_ws_fetch, kernel_id, True)
    run = notebook.execute(FRAME % 3_000_000)
    await notebook.read_until_idle(run, timeout=60)
    watcher = await registry.get(kernel_id)
    await watcher.wait_analysis(60)
    ours = watcher._session.session
    pending = asyncio.ensure_future(fetch_view(jp_fetch, kernel_id, {"component": "duplicates", "variables": ["df"]}))
    for _ in range(500):  # until the kernel runs it
        if watcher._running_ours is not None:
            break
        await asyncio.sleep(0.01)
    assert watcher._running_ours is not None
    if how == "restart":
        await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="")
    else:
        os.kill(jp_serverapp.kernel_manager.get_kernel(kernel_id).provisioner.pid, signal.SIGKILL)
    with pytest.raises(Exception):
        await asyncio.wait_for(pending, 60)
    await notebook.read_for(6.0)  # past the 4 s a held busy would have waited
    shown = notebook.statuses(ours)
    assert ("busy" not in [s for _, s in shown]) or shown[-1][1] == "idle", shown
    # The notebook goes on: the new kernel runs its cells.
    again = notebook.execute("1 + 1")
    await notebook.read_until_idle(again, timeout=60)
