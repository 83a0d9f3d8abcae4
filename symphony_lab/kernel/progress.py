"""Progress of a long computation in the kernel, reported while it runs.

Code that loops over chunks calls :func:`report` with the fraction done of its current *stage*; stages
(:func:`stage`) nest and map their fraction into the whole computation's, with a phase name. Nothing
happens unless a :class:`Reporter` is installed (:func:`reporting`), which the view request does; a
reporter stays silent for the first ``delay`` seconds (a quick view sends nothing) and then sends at
most one message per ``interval``.

In a kernel the messages go out on IOPub with a message type of our own (``symphony_lab_progress``),
parented to the watcher's request: the watcher reads them; notebooks and consoles ignore message types
they do not know (JupyterLab renders only outputs of its own requests, and its log console only
``stream``/``display_data``/``execute_result``/``error``), so they appear in nobody's output.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

MSG_TYPE = "symphony_lab_progress"


class Reporter:
    """Sends ``(fraction, phase)`` through ``send``, rate limited."""

    def __init__(
        self,
        send: Callable[[float, str], None],
        delay: float = 0.3,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.send = send
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.last_sent = float("-inf")
        self.last_phase = ""
        self.sent = 0

    def __call__(self, fraction: float, phase: str) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if phase == self.last_phase and now - self.last_sent < self.interval:
            return
        self.last_sent, self.last_phase = now, phase
        self.sent += 1
        try:
            self.send(round(min(1.0, max(0.0, fraction)), 4), phase)
        except Exception:  # progress is a courtesy: never let it break the computation
            pass


_reporter: ContextVar[Reporter | None] = ContextVar("symphony_lab_reporter", default=None)
_span: ContextVar[tuple[float, float, str]] = ContextVar("symphony_lab_span", default=(0.0, 1.0, ""))


def report(fraction: float) -> None:
    """The current stage is ``fraction`` (0..1) done. Cheap when nobody listens."""
    reporter = _reporter.get()
    if reporter is None:
        return
    low, high, phase = _span.get()
    reporter(low + min(1.0, max(0.0, fraction)) * (high - low), phase)


@contextmanager
def stage(low: float, high: float, phase: str) -> Iterator[None]:
    """Run a stage that covers [low, high] of the enclosing stage, named ``phase``."""
    outer_low, outer_high, _ = _span.get()
    width = outer_high - outer_low
    token = _span.set((outer_low + low * width, outer_low + high * width, phase))
    try:
        report(0.0)
        yield
        report(1.0)
    finally:
        _span.reset(token)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Install ``reporter`` for the code run inside (None: report nothing)."""
    token = _reporter.set(reporter)
    span = _span.set((0.0, 1.0, ""))
    try:
        yield
    finally:
        _span.reset(span)
        _reporter.reset(token)


def iopub_reporter(request_id: Any = None) -> Reporter | None:
    """A reporter that publishes on the kernel's IOPub, parented to the request being executed; None
    outside an IPython kernel."""
    ipython = sys.modules.get("IPython")
    ip = ipython.get_ipython() if ipython is not None else None
    kernel = getattr(ip, "kernel", None)
    session = getattr(kernel, "session", None)
    socket = getattr(kernel, "iopub_socket", None)
    if kernel is None or session is None or socket is None:
        return None
    parent = kernel.get_parent("shell")
    topic = kernel._topic(MSG_TYPE) if hasattr(kernel, "_topic") else None

    def send(fraction: float, phase: str) -> None:
        session.send(socket, MSG_TYPE, {"fraction": fraction, "phase": phase}, parent=parent, ident=topic)

    return Reporter(send)
