"""Randomized: many clients, random edits, disconnects and reconnects, and real server restarts.

A real ``jupyter server`` process (jupyter-collaboration and symphony-lab on) is started, stopped and
started again on the same root. Clients keep their documents across their disconnections and the
restarts, as a browser tab does, and reconnect with them. At the end every client and the server hold
the same board, every annotation written is there exactly once, and no view is doubled.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Map
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from symphony_lab.collab.format import board_path_for, parse_board

from .test_collab_helpers import BoardClient, connect_client, eventually, server_config

NOTEBOOK = "team.ipynb"
SEED = int(os.environ.get("SYMPHONY_COLLAB_SEED", "20261127"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A jupyter server process on a fixed port and root."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen[bytes] | None = None
        config = server_config(root, save_delay=0.1)
        config["ServerApp"].update(
            {"port": self.port, "port_retries": 0, "token": self.token, "open_browser": False, "root_dir": str(root)}
        )
        config["LanguageServerManager"] = {"autodetect": False}
        self.config_file = root.parent / f"config-{self.port}.json"
        self.config_file.write_text(json.dumps(config))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    async def start(self) -> None:
        log = open(self.root.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={self.config_file}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.root,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                await self.fetch("api/status")
                return
            except Exception:
                await asyncio.sleep(0.2)
        raise RuntimeError("the server did not start")

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(asyncio.to_thread(self.proc.wait), 20)
            except asyncio.TimeoutError:
                self.proc.kill()
            self.proc = None

    async def fetch(self, path: str, method: str = "GET", body: Any = None, params: str = "") -> Any:
        url = f"http://127.0.0.1:{self.port}/{path}{params}"
        request = HTTPRequest(url, method=method, body=body, headers=self.headers, request_timeout=20)
        response = await AsyncHTTPClient().fetch(request)
        return json.loads(response.body) if response.body else None


@pytest.fixture
def server(tmp_path: Path, jp_asyncio_loop: Any) -> Any:
    root = tmp_path / "root"
    root.mkdir()
    (root / NOTEBOOK).write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    srv = Server(root)
    yield srv
    jp_asyncio_loop.run_until_complete(srv.stop())


async def test_random_edits_disconnects_and_restarts_converge(server: Server) -> None:
    rng = random.Random(SEED)
    await server.start()
    query = f"?notebook={NOTEBOOK}"
    await server.fetch("symphony-lab/api/boards", "POST", body="", params=query)
    board = board_path_for(NOTEBOOK)
    session = await server.fetch(
        f"api/collaboration/session/{board}", "PUT", body=json.dumps({"format": "text", "type": "symphony-board"})
    )

    clients: list[BoardClient] = []
    for _ in range(4):
        clients.append(await connect_client(server.port, "/", session, server.headers))
    written: dict[str, str] = {}  # annotation id -> text
    markers: set[str] = set()  # one per view ever added
    counter = 0

    def connected() -> list[BoardClient]:
        return [c for c in clients if c.conn.close_code is None and c.conn.protocol is not None]

    async def annotate() -> None:
        nonlocal counter
        counter += 1
        text = f"note {counter}"
        roots = [k for k, v in written.items() if v.startswith("note")]
        if roots and rng.random() < 0.3:
            body = {"op": "reply", "parent": rng.choice(roots), "text": f"reply {counter}"}
        else:
            body = {"op": "create", "text": text, "target": {"kind": "view", "ref": "x", "label": "x"}}
        entry = await server.fetch("symphony-lab/api/boards/annotations", "POST", json.dumps(body), query)
        assert entry["id"] not in written
        written[entry["id"]] = entry["text"]

    async def edit(client: BoardClient) -> None:
        nonlocal counter
        counter += 1
        views = client.views
        roll = rng.random()
        if roll < 0.35 or len(views) == 0:
            marker = f"m{counter}"
            markers.add(marker)
            with client.doc.transaction():
                views[f"v{counter}"] = Map(
                    {"component": "summary", "variables": ["df"], "params": {"marker": marker}, "order": counter, "collapsed": False}
                )
        elif roll < 0.55:
            key = rng.choice(list(views.keys()))
            with client.doc.transaction():
                views[key]["collapsed"] = not views[key]["collapsed"]
                views[key]["order"] = rng.randint(0, 1000)
        elif roll < 0.65:
            key = rng.choice(list(views.keys()))
            with client.doc.transaction():
                marker = views[key]["params"]["marker"]
                del views[key]
            markers.discard(marker)
        elif roll < 0.85:
            client.state["filter"] = [{"column": "age", "op": "range", "min": rng.randint(0, 50), "max": rng.randint(50, 99)}]
        else:
            client.state["groups"] = rng.choice([None, {"column": "city"}, {"column": "plan"}])

    async def settle() -> None:
        live = connected()
        await eventually(
            lambda: all(c.snapshot() == live[0].snapshot() for c in live) and len(live[0].annotations) == len(written),
            timeout=20,
            what="clients to converge",
        )

    restarts = 0
    for step in range(100):
        live = connected()
        roll = rng.random()
        if roll < 0.55 and live:
            await edit(rng.choice(live))
        elif roll < 0.8:
            await annotate()
        elif roll < 0.9 and len(live) > 1:
            # A client drops; it keeps its document and comes back later with it.
            victim = rng.choice(live)
            victim.conn.close()
            await asyncio.sleep(0.05)
        else:
            for i, client in enumerate(clients):
                if client not in connected():
                    clients[i] = await connect_client(server.port, "/", session, server.headers, doc=client.doc)
        if step in (40, 80):
            # A server restart: every client is cut; the second time without the Y store, from the file alone.
            await asyncio.sleep(0.5)  # the room's save delay
            await server.stop()
            restarts += 1
            if step == 80:
                for extra in server.root.glob(".jupyter_ystore.db*"):
                    extra.unlink()
            await server.start()
            for i, client in enumerate(clients):
                clients[i] = await connect_client(server.port, "/", session, server.headers, doc=client.doc)
        await asyncio.sleep(rng.random() * 0.02)

    for i, client in enumerate(clients):
        if client not in connected():
            clients[i] = await connect_client(server.port, "/", session, server.headers, doc=client.doc)
    await settle()
    assert restarts == 2
    final = clients[0].snapshot()
    # Every annotation written is there, exactly as written, once.
    assert {k: v["text"] for k, v in final["annotations"].items()} == written
    # No view doubled or lost: each live marker once.
    seen = [v["params"]["marker"] for v in final["views"].values()]
    assert len(seen) == len(set(seen))
    assert set(seen) == markers
    # The server's board (and its file) hold the same.
    served = (await server.fetch("symphony-lab/api/boards", params=query))["board"]
    assert set(served["annotations"]) == set(written)
    assert {v["params"]["marker"] for v in served["views"].values()} == markers

    def on_disk() -> dict[str, Any]:
        return parse_board((server.root / board).read_text())

    await eventually(lambda: set(on_disk()["annotations"]) == set(written), timeout=10, what="the file")
    for client in clients:
        await client.close()
