"""An interrupt that lands inside our kernel code (a cancelled view, a restart) is reported as an interrupt,
even when Python wraps it (e.g. ``RuntimeError: Error calling __set_name__`` while a module of ours is
imported), so that the server says 409 rather than calling it a failure of the view."""

from __future__ import annotations

from typing import Any

import pytest

from symphony_lab.kernel import analysis, protocol
from symphony_lab.kernel.safe import interrupted


class _InterruptOnName:
    def __set_name__(self, owner: type, name: str) -> None:
        raise KeyboardInterrupt


def _wrapped_interrupt() -> BaseException:
    """What Python raises when an interrupt lands in a class's making (wrapped on 3.11, bare later)."""
    try:
        type("Made", (), {"field": _InterruptOnName()})
    except BaseException as exc:  # noqa: BLE001 - the point of the test
        return exc
    raise AssertionError("the class was made")


def test_interrupted_finds_an_interrupt_in_the_chain() -> None:
    assert interrupted(_wrapped_interrupt())
    assert interrupted(KeyboardInterrupt())
    assert not interrupted(RuntimeError("a real failure"))
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("while interrupted")  # noqa: B904 - the implicit context is what we look for
    except ValueError as exc:
        assert interrupted(exc)


@pytest.mark.parametrize("failure", ["interrupt", "bug"])
def test_the_kernel_entry_reports_an_interrupt_as_one(monkeypatch: Any, failure: str) -> None:
    def compute(namespace: Any, request: Any, options: Any) -> Any:
        if failure == "interrupt":
            exc = _wrapped_interrupt()
            if isinstance(exc, KeyboardInterrupt):  # (Python 3.12 on: not wrapped; wrap it as a library might)
                raise RuntimeError("wrapped") from exc
            raise exc
        raise RuntimeError("a real failure")

    request = {"op": "compute", "component": "table", "variables": ["df"], "params": {}, "state": {}}
    monkeypatch.setattr(protocol, "_current_request", lambda: (request, {}))
    monkeypatch.setattr(analysis, "compute", compute)
    if failure == "interrupt":
        with pytest.raises(KeyboardInterrupt):
            protocol.handle_request()
    else:
        payload = protocol.handle_request().payload
        assert "a real failure" in payload["error"]
