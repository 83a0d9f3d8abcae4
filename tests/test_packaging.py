"""The package as users get it: a wheel that carries the prebuilt lab extension and enables the server
extension, and an installation that Jupyter reports as enabled and OK."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "symphony_lab" / "labextension" / "package.json").exists():
        pytest.fail("the lab extension is not built: run `make install` (or `jlpm build`) first")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    (found,) = out.glob("symphony_lab-*.whl")
    return found


def test_wheel_carries_the_prebuilt_lab_extension(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    data = [n for n in names if ".data/data/" in n]
    share = "share/jupyter/labextensions/symphony-lab/"
    assert any(n.endswith(share + "package.json") for n in data)
    assert any(n.endswith(share + "install.json") for n in data)
    assert any(share + "static/remoteEntry." in n for n in data)
    assert any(n.endswith(share + "schemas/symphony-lab/package.json.orig") for n in data)
    assert any(n.endswith("etc/jupyter/jupyter_server_config.d/symphony_lab.json") for n in data)
    assert "symphony_lab/kernel/protocol.py" in names
    config_name = next(n for n in data if n.endswith("symphony_lab.json"))
    config = json.loads(zipfile.ZipFile(wheel).read(config_name))
    assert config == {"ServerApp": {"jpserver_extensions": {"symphony_lab": True}}}


def _jupyter(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout + result.stderr


def test_jupyter_lists_both_extensions_enabled_and_ok() -> None:
    server = _jupyter("server", "extension", "list")
    assert "symphony_lab enabled" in server.replace("\x1b[32m", "").replace("\x1b[0m", "")
    assert "symphony_lab 0." in server and "OK" in server
    lab = _jupyter("labextension", "list").replace("\x1b[32m", "").replace("\x1b[0m", "")
    line = next(line for line in lab.splitlines() if "symphony-lab" in line)
    assert "enabled" in line and "OK" in line
