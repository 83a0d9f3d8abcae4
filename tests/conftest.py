"""Fixtures: a real Jupyter server with the extension enabled, real ipykernel kernels, user clients."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any, Awaitable, Callable

import pytest
from traitlets.config import Config

from .helpers import UserClient

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def symphony_config() -> dict[str, Any]:
    """Per-test overrides of the extension's traits (tests may update this dict)."""
    return {"refresh_delay": 0.02, "idle_timeout": 60.0, "reap_interval": 3600.0, "request_timeout": 10.0}


@pytest.fixture
def jp_server_config(symphony_config: dict[str, Any]) -> Config:
    # pytest-jupyter does not read the installed server config: enable the extension here.
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"symphony_lab": True}, "allow_root": True},
            "SymphonyLabApp": symphony_config,
        }
    )


@pytest.fixture
def echo_kernelspec(jp_data_dir: Any) -> str:
    """A real non-Python kernel (pytest-jupyter's echo kernel) installed as a kernelspec."""
    spec_dir = jp_data_dir / "kernels" / "echo"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "pytest_jupyter.echo_kernel", "-f", "{connection_file}"],
        "display_name": "Echo",
        "language": "echo",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return "echo"


@pytest.fixture
def kernel(jp_serverapp: Any, jp_asyncio_loop: Any) -> Any:
    """Start a real ipykernel through the server; shut it down afterwards."""
    km = jp_serverapp.kernel_manager
    started: list[str] = []

    async def start(kernel_name: str | None = None) -> str:
        kwargs = {"kernel_name": kernel_name} if kernel_name else {}
        kernel_id = await km.start_kernel(**kwargs)
        started.append(kernel_id)
        return kernel_id

    yield start
    for kernel_id in started:
        if kernel_id in km:
            jp_asyncio_loop.run_until_complete(km.shutdown_kernel(kernel_id, now=True))


@pytest.fixture
def user(jp_serverapp: Any) -> Any:
    """Factory of 'user' clients: their own session on a kernel, like a notebook frontend."""
    clients: list[UserClient] = []

    async def make(kernel_id: str) -> UserClient:
        client = UserClient(jp_serverapp.kernel_manager.get_kernel(kernel_id))
        await client.start()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.stop()


@pytest.fixture
def registry(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["symphony_lab_registry"]


@pytest.fixture
def fetch_catalog(jp_fetch: Any) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def fetch(kernel_id: str, refresh: bool = False) -> dict[str, Any]:
        params = {"refresh": "1"} if refresh else None
        response = await jp_fetch("symphony-lab", "api", "kernels", kernel_id, "catalog", params=params)
        return json.loads(response.body)

    return fetch


@pytest.fixture
def wait_catalog(fetch_catalog: Any) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Poll the REST route until ``predicate(catalog)`` holds (a test helper; the panel is pushed to)."""

    async def wait(kernel_id: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        catalog: dict[str, Any] = {}
        while time.monotonic() < deadline:
            catalog = await fetch_catalog(kernel_id)
            if predicate(catalog):
                return catalog
            await asyncio.sleep(0.05)
        raise AssertionError(f"catalog never matched; last: {json.dumps(catalog)[:2000]}")

    return wait
