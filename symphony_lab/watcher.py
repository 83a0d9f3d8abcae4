"""KernelWatcher: follows one kernel and keeps its catalog current.

The watcher is a kernel client of its own (its own ZMQ sockets and its own Session identity, sharing
only the kernel's signing key): it listens on IOPub for executions by anyone, and after a user's
execution has finished it sends one silent request (empty code, ``store_history`` off, ``stop_on_error``
off, a single user expression) that leaves no trace in the kernel: no execution count spent, no
``_``/``Out`` entries, no output on any notebook.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import queue
from dataclasses import dataclass, field
from typing import Any, Callable

import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.session import Session

from .analysis import KernelAnalysis, ViewError
from .catalog import (
    BUSY,
    DEAD,
    IDLE,
    NOT_PYTHON,
    OK,
    PENDING,
    RESTARTING,
    STARTING,
    TIMEOUT,
    UNKNOWN,
    UNSUPPORTED,
    Catalog,
)
from .kernel.progress import MSG_TYPE as PROGRESS_MSG_TYPE
from .kernel.protocol import ENTRY_EXPRESSION, METADATA_KEY
from .quietstatus import OwnSessions

EXPRESSION_KEY = "symphony_lab"
_INITIALLY_BUSY = "<busy before we started watching>"
FIRST_REQUEST_TIMEOUT = 3.0
NUDGE_INTERVAL = 2.0
READ_POLL = 0.2  # seconds a read of a kernel socket waits before it looks again (see _read_loop)
MAX_RETRY_DELAY = 30.0
MAX_RESENDS = 2  # times a request the idle kernel never started is sent again
BUSY_CHECK_INTERVAL = 2.0  # seconds between looks at a kernel we believe busy (no message is sent)
ANALYSIS_GRACE = 0.25  # seconds between a catalog and the profiles, when views are open
# A cancelled view is interrupted only once it has run this long: a quick one is left to finish (its
# answer is dropped), so that an interrupt never lands just after it ended, when the kernel may have
# moved on to the next request before its idle status reached us.
MIN_INTERRUPT_AGE = 0.3


@dataclass(frozen=True)
class WatcherConfig:
    """What a watcher needs from the extension's configuration."""

    refresh_delay: float = 0.05
    request_timeout: float = 10.0
    analysis_timeout: float = 120.0
    kernel_options: dict[str, Any] = field(default_factory=dict)
    analysis_limits: dict[str, Any] = field(default_factory=dict)


@dataclass
class ViewTicket:
    """Identifies one view request in flight, so that it can be cancelled; ``on_progress`` (when set)
    receives the kernel's progress reports (``{"fraction", "phase"}``) while it computes."""

    msg_id: str | None = None
    on_progress: Callable[[dict[str, Any]], None] | None = None
    # Event-loop times (seconds) of the request's steps, for the Server-Timing header: sent to the
    # kernel, seen starting (its busy status), its reply read.
    sent_at: float | None = None
    started_at: float | None = None
    replied_at: float | None = None

    def server_timing(self, received_at: float, now: float, kernel_ms: Any) -> str:
        """A ``Server-Timing`` header value (W3C Server Timing) of this request: ``wait`` until sent to
        the kernel, ``queue`` until the kernel was seen starting it (its busy status read: a little
        after it started, so ``queue`` and ``kernel`` may overlap by the time that status took), ``kernel``
        its computation (as the kernel measured it), ``reply`` the rest until its reply was read,
        ``total`` in the server. Steps not reached (a cached answer is never sent) are left out."""
        parts: list[tuple[str, float]] = []
        if self.sent_at is not None:
            parts.append(("wait", self.sent_at - received_at))
            if self.started_at is not None and self.replied_at is not None:
                parts.append(("queue", self.started_at - self.sent_at))
                kernel = float(kernel_ms) / 1000 if type(kernel_ms) in (int, float) else None
                if kernel is not None:
                    parts.append(("kernel", kernel))
                    parts.append(("reply", max(0.0, self.replied_at - self.started_at - kernel)))
        parts.append(("total", now - received_at))
        return ", ".join(f"{name};dur={max(0.0, seconds) * 1000:.1f}" for name, seconds in parts)


class KernelGone(Exception):
    """The kernel was shut down or died while a request was in flight."""


class KernelWatcher:
    """Keeps the catalog of one kernel; notifies ``listeners`` whenever it changes."""

    def __init__(
        self,
        kernel_id: str,
        kernel_manager: Any,
        config: WatcherConfig,
        context: zmq.asyncio.Context,
        log: logging.Logger | None = None,
        components: dict[str, Any] | None = None,
        own_sessions: OwnSessions | None = None,
    ) -> None:
        self.kernel_id = kernel_id
        self._own_sessions = own_sessions
        self.config = config
        self.catalog = Catalog(kernel_id=kernel_id)
        self.listeners: set[Callable[[dict[str, Any]], None]] = set()
        self.log = log or logging.getLogger(__name__)
        self._km = kernel_manager
        self._context = context
        self._client: AsyncKernelClient | None = None
        self._session: Session | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._our_status: dict[str, str] = {}  # last IOPub status of each pending request of ours (diagnostics)
        self._user_executions: set[str] = set()  # parent ids of executions by others, until idle
        self._foreign_busy: set[str] = set()  # requests of others the kernel is busy with
        self._generation = 0  # bumped at every restart; replies of an older generation are dropped
        self._refresh_handle: asyncio.TimerHandle | None = None
        self._refreshing = False
        self._retries = 0
        self._dirty = False
        self._idle_strikes = 0  # checks in a row that found the server's kernel idle while we saw it busy
        self._first_catalog = asyncio.Event()
        self._stopped = False
        self.analysis = KernelAnalysis(kernel_id, components or {}, config.analysis_limits)
        self._analysis_task: asyncio.Future[Any] | None = None
        self.board_state: dict[str, Any] = {"filter": [], "views": []}
        self.board_listeners: set[Callable[[dict[str, Any]], None]] = set()
        self._board_pending: dict[str, Any] | None = None  # to send to the kernel when it is idle
        self._board_seen_version = 0  # the kernel's board version last taken over
        self._board_task: asyncio.Future[Any] | None = None
        self._probe_id: str | None = None
        self._connected_to: dict[str, Any] = {}
        self._running_ours: str | None = None  # our request the kernel is executing now
        self._running_since = 0.0  # loop time its busy status arrived
        self._cancelled: set[str] = set()  # our requests nobody waits for any more
        self._progress: dict[str, Callable[[dict[str, Any]], None]] = {}  # msg_id -> progress listener
        self._tickets: dict[str, ViewTicket] = {}  # msg_id -> the view request's ticket (its timings)
        self._restart_cb = self._on_auto_restart
        self._dead_cb = self._on_dead

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        km = self._km
        info = km.get_connection_info(session=False)
        # Our own Session (own session id and username); only the signing key is the kernel's.
        self._session = Session(
            key=km.session.key,
            signature_scheme=km.session.signature_scheme,
            username="symphony-lab",
        )
        if self._own_sessions is not None:
            self._own_sessions.add(self._session.session)
        self._connect(info)
        with contextlib.suppress(Exception):
            km.add_restart_callback(self._restart_cb, "restart")
            km.add_restart_callback(self._dead_cb, "dead")
        state = str(getattr(km, "execution_state", None) or UNKNOWN)
        self.catalog.state = state if state in (IDLE, BUSY, STARTING) else UNKNOWN
        if state == BUSY:
            # Busy with a request we did not see start: wait for the kernel's next idle.
            self._foreign_busy.add(_INITIALLY_BUSY)
        self._check_language()
        if self.catalog.status == PENDING:
            self.request_refresh(delay=0)

    _PORTS = ("shell_port", "iopub_port", "ip", "transport")

    def _connect(self, info: dict[str, Any]) -> None:
        """Open our shell and IOPub sockets to the kernel described by ``info`` and start reading."""
        assert self._session is not None
        client = AsyncKernelClient(session=self._session, context=self._context)
        client.load_connection_info(info)
        client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        self._client = client
        self._connected_to = {k: info.get(k) for k in self._PORTS}
        # A kernel_info request first: cheap, answered even by a kernel that just started, and it
        # establishes our shell connection before the first catalog request.
        probe = self._session.msg("kernel_info_request", {})
        self._probe_id = probe["header"]["msg_id"]
        client.shell_channel.send(probe)
        self._tasks = [
            asyncio.ensure_future(self._read_loop(client.iopub_channel, self._on_iopub)),
            asyncio.ensure_future(self._read_loop(client.shell_channel, self._on_shell)),
        ]

    def _disconnect(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if self._client is not None:
            for channel in (self._client.shell_channel, self._client.iopub_channel):
                with contextlib.suppress(Exception):
                    channel.close()
            self._client = None

    def _follow_kernel(self) -> None:
        """Reconnect if the kernel now listens elsewhere: the server's restarter starts a dead kernel
        again on new ports."""
        if self._stopped:
            return
        try:
            info = self._km.get_connection_info(session=False)
        except Exception:
            return
        if {k: info.get(k) for k in self._PORTS} != self._connected_to:
            self.log.debug("symphony-lab: kernel %s moved to new ports; reconnecting", self.kernel_id)
            self._disconnect()
            self._connect(info)

    async def stop(self) -> None:
        """Stop listening and close our sockets. Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        if self._refresh_handle is not None:
            self._refresh_handle.cancel()
        for task in (self._analysis_task, self._board_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._fail_pending(KernelGone())
        if self._own_sessions is not None and self._session is not None:
            self._own_sessions.discard(self._session.session)
        with contextlib.suppress(Exception):
            self._km.remove_restart_callback(self._restart_cb, "restart")
            self._km.remove_restart_callback(self._dead_cb, "dead")
        if self._client is not None:
            for channel in (self._client.shell_channel, self._client.iopub_channel):
                with contextlib.suppress(Exception):
                    channel.close()
            self._client = None
        self.listeners.clear()
        self.analysis.listeners.clear()
        self.board_listeners.clear()

    @property
    def stopped(self) -> bool:
        return self._stopped

    async def wait_analysis(self, timeout: float) -> None:
        """Wait (bounded) for a profiling request in flight, so a first answer has its findings."""
        task = self._analysis_task
        if task is None or task.done():
            return
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(task), timeout)

    async def wait_first_catalog(self, timeout: float) -> None:
        """Wait (bounded) until a first answer came, unless the kernel is busy with someone else."""
        if self._first_catalog.is_set() or self.catalog.state == BUSY:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._first_catalog.wait(), timeout)

    # -- events from the server ---------------------------------------------------------------

    def on_restart(self) -> None:
        """The kernel was restarted (by a user, through the server): forget what it held."""
        self._generation += 1
        self._fail_pending(KernelGone())
        self._user_executions.clear()
        self._foreign_busy.clear()
        self.catalog.reset()
        self.analysis.reset()
        self._board_seen_version = 0
        if any(self.board_state.get(k) for k in ("filter", "views", "selection", "groups")):
            self._board_pending = self.board_state  # the new kernel gets the board's state again
        self.catalog.state = RESTARTING
        self._notify()
        self.request_refresh(delay=0)

    def on_shutdown(self) -> None:
        self._generation += 1
        self._fail_pending(KernelGone())
        self.catalog.reset()
        self.analysis.reset()
        self.catalog.state = DEAD
        self.catalog.message = "The kernel was shut down."
        self._notify()

    def _on_auto_restart(self) -> None:
        self.on_restart()

    def _on_dead(self) -> None:
        self._generation += 1
        self._fail_pending(KernelGone())
        self.catalog.reset()
        self.analysis.reset()
        self.catalog.state = DEAD
        self.catalog.message = "The kernel died and could not be restarted."
        self._notify()

    # -- listeners ----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return self.catalog.to_json()

    def _notify(self) -> None:
        data = self.catalog.to_json()
        for listener in list(self.listeners):
            try:
                listener(data)
            except Exception:  # one broken listener must not stop the others
                self.log.exception("symphony-lab: a catalog listener failed")

    # -- refreshing ---------------------------------------------------------------------------

    def request_refresh(self, delay: float | None = None) -> None:
        """Ask for a new catalog soon, coalescing bursts; never queued behind a busy kernel."""
        if self._stopped or self.catalog.status in (NOT_PYTHON, UNSUPPORTED):
            return
        if self._refresh_handle is not None:
            self._refresh_handle.cancel()
        wait = self.config.refresh_delay if delay is None else delay
        loop = asyncio.get_running_loop()
        self._refresh_handle = loop.call_later(wait, lambda: asyncio.ensure_future(self._refresh()))

    async def _refresh(self) -> None:
        self._refresh_handle = None
        try:
            await self._refresh_once()
        finally:
            # A refresh asked for while this one was in flight is due now, whatever became of this
            # one (answered, dropped after a restart, timed out).
            if self._dirty and not self._refreshing and not self._stopped:
                self._dirty = False
                self.request_refresh()

    async def _refresh_once(self) -> None:
        if self._stopped:
            return
        if self._foreign_busy and not self._heal_lost_idle():
            # Someone else's request is running: do not queue behind it. The idle that ends it
            # schedules the next refresh if it was an execution; until then, look again now and
            # then in case that idle never reaches us (no kernel message is sent for that).
            self.request_refresh(delay=BUSY_CHECK_INTERVAL)
            return
        if self._refreshing:
            self._dirty = True
            return
        self._refreshing = True
        generation = self._generation
        # A first request gets a short timeout: a request to a kernel that just started can sit
        # unread until another message arrives (ipykernel 7), and a retry sends that message.
        first = self.catalog.updated is None
        timeout = min(self.config.request_timeout, FIRST_REQUEST_TIMEOUT) if first else None
        try:
            request = {"op": "catalog", "options": self.config.kernel_options, "known": self.catalog.known()}
            reply = await self._request(request, timeout=timeout)
        except KernelGone:
            return
        except asyncio.TimeoutError:
            if generation == self._generation:
                waited = timeout or self.config.request_timeout
                self.catalog.status = TIMEOUT if self.catalog.status == PENDING else self.catalog.status
                self.catalog.message = (
                    f"The kernel did not answer within {waited:g} s; the list below may be out of date. "
                    "Asking again."
                )
                self._notify()
                # Retry with backoff (never while someone else's request runs: see _refresh).
                self._retries += 1
                self.request_refresh(delay=min(MAX_RETRY_DELAY, 0.5 * 2**self._retries))
            return
        finally:
            self._refreshing = False
        self._retries = 0
        if generation != self._generation:
            return  # stale: the kernel restarted since we asked
        content = reply.get("content", {})
        expressions = content.get("user_expressions") or {}
        expression = expressions.get(EXPRESSION_KEY)
        if isinstance(expression, dict) and expression.get("ename") == "KeyboardInterrupt":
            # Someone interrupted the kernel while it answered us: keep what we have, ask again.
            self.request_refresh()
            return
        self.catalog.apply_reply(expression)
        if self.catalog.state in (UNKNOWN, STARTING, RESTARTING) and not self._foreign_busy:
            self.catalog.state = IDLE
        self._first_catalog.set()
        self._notify()
        if self.catalog.status == OK:
            self._take_kernel_board()
            self._after_catalog()
            self._send_board()

    def _heal_lost_idle(self) -> bool:
        """Whether a busy state we hold is stale: the server, which watches the same kernel's IOPub
        for its own activity tracking, has seen it idle at two checks in a row (an idle message we
        missed). Then we forget the busy state and carry on."""
        if getattr(self._km, "execution_state", None) != "idle":
            self._idle_strikes = 0
            return False
        self._idle_strikes += 1
        if self._idle_strikes < 2:
            return False
        self.log.warning("symphony-lab: kernel %s is idle but we missed its idle message; carrying on", self.kernel_id)
        self._idle_strikes = 0
        self._foreign_busy.clear()
        self._user_executions.clear()
        self.catalog.state = IDLE
        self._notify()
        return True

    # -- the board's shared state -----------------------------------------------------------------

    def _notify_board(self, origin: str) -> None:
        message = {"kernel_id": self.kernel_id, "origin": origin, **self.board_state}
        for listener in list(self.board_listeners):
            try:
                listener(message)
            except Exception:
                self.log.exception("symphony-lab: a board listener failed")

    def set_board_state(self, state: dict[str, Any], source: Callable[..., None] | None = None) -> None:
        """A browser changed the board (validated state): tell the other viewers and the kernel."""
        self.board_state = state
        for listener in list(self.board_listeners):
            if listener is not source:
                try:
                    listener({"kernel_id": self.kernel_id, "origin": "board", **state})
                except Exception:
                    self.log.exception("symphony-lab: a board listener failed")
        self._board_pending = state
        self._send_board()

    def _send_board(self) -> None:
        if self._board_pending is None or self._foreign_busy or self._stopped or self.catalog.status != OK:
            return
        if self._board_task is not None and not self._board_task.done():
            return
        state, self._board_pending = self._board_pending, None
        self._board_task = asyncio.ensure_future(self._push_board(state))

    async def _push_board(self, state: dict[str, Any]) -> None:
        try:
            reply = await self._request({"op": "board", "state": state})
        except (KernelGone, asyncio.TimeoutError):
            return
        payload = self._payload(reply) or {}
        board = payload.get("board")
        if isinstance(board, dict):
            self._board_seen_version = max(self._board_seen_version, int(board.get("version") or 0))
        self._send_board()  # a newer state may have come meanwhile

    def _take_kernel_board(self) -> None:
        """Python code changed the board's filter (symphony_lab.set_filter): move every board."""
        board = self.catalog.kernel_board
        if not board or board.get("origin") != "kernel":
            return
        version = int(board.get("version") or 0)
        if version <= self._board_seen_version:
            return
        self._board_seen_version = version
        self.board_state = {**self.board_state, "filter": list(board.get("filter") or [])}
        self._notify_board("kernel")

    # -- suggestions, findings and views ----------------------------------------------------------

    @property
    def analysis_wanted(self) -> bool:
        return bool(self.listeners or self.analysis.listeners)

    def _after_catalog(self) -> None:
        self.analysis.update(self.catalog.variables, self.catalog.execution_count)
        if self.analysis_wanted:
            if self.board_state.get("views"):
                # Views open on a board are asked for again as soon as the browser sees the new
                # catalog: let them reach the kernel before the profiles behind the suggestions.
                asyncio.get_running_loop().call_later(ANALYSIS_GRACE, self.request_analysis)
            else:
                self.request_analysis()

    def request_analysis(self) -> None:
        """Profile the frames that changed since they were last profiled (never while others run)."""
        if self._stopped or self._foreign_busy or self.analysis.profiling or self.catalog.status != OK:
            return
        work = self.analysis.missing_work(self.catalog.variables)
        if work is None:
            return
        self.analysis.profiling = True
        self._analysis_task = asyncio.ensure_future(self._profile(work))

    async def _profile(self, work: dict[str, Any]) -> None:
        generation = self._generation
        try:
            reply = await self._request(work, timeout=self.config.analysis_timeout)
        except (KernelGone, asyncio.TimeoutError):
            return
        finally:
            self.analysis.profiling = False
        if generation != self._generation or self._stopped:
            return
        payload = self._payload(reply)
        if payload is None or "error" in payload:
            return
        self.analysis.absorb(self.catalog.variables, payload, work["pairs"])
        self.analysis.update(self.catalog.variables, self.catalog.execution_count)
        if payload.get("skipped"):  # the time budget ran out: the rest next time the kernel is idle
            self.request_analysis()

    @staticmethod
    def _payload(reply: dict[str, Any]) -> dict[str, Any] | None:
        expression = (reply.get("content", {}).get("user_expressions") or {}).get(EXPRESSION_KEY)
        if not expression or expression.get("status") != "ok":
            return None
        payload = (expression.get("data") or {}).get("application/json")
        return payload if isinstance(payload, dict) else None

    def cancel(self, ticket: "ViewTicket") -> None:
        """Nobody waits for this view any more (the browser went away or moved on). If the kernel is
        computing it, interrupt the kernel: only our request is running then, so no cell of anyone's is
        touched; if it is still queued, interrupt it when it starts."""
        msg_id = ticket.msg_id
        if msg_id is None or self._stopped:
            return
        if msg_id == self._running_ours:
            self._interrupt(msg_id)
        elif msg_id in self._pending:
            self._cancelled.add(msg_id)

    def _interrupt(self, msg_id: str) -> None:
        self._cancelled.discard(msg_id)
        if self._running_ours != msg_id or self._foreign_busy:
            return
        loop = asyncio.get_running_loop()
        age = loop.time() - self._running_since
        if age < MIN_INTERRUPT_AGE:
            loop.call_later(MIN_INTERRUPT_AGE - age, self._interrupt, msg_id)  # checks again then
            return
        self.log.info("symphony-lab: interrupting kernel %s to cancel a view nobody waits for", self.kernel_id)
        result = self._km.interrupt_kernel()
        if asyncio.iscoroutine(result):
            asyncio.ensure_future(result)

    async def compute_view(
        self, body: Any, ticket: "ViewTicket | None" = None, encoding: str = "json"
    ) -> dict[str, Any]:
        """Data of one view, computed in the kernel (or from the cache). Raises ViewError.

        With ``encoding="arrow"`` the kernel sends the columnar parts of the data as Arrow IPC streams
        (``data`` holds ``{"$arrow": i}`` in their place, ``arrow`` the streams as bytes), or plain JSON
        when it cannot (no pyarrow there); ``encoding`` in the result says which."""
        if self.catalog.status != OK:
            raise ViewError(self.catalog.message or "The kernel's catalog is not available yet.", 409)
        key, request, cached = self.analysis.view_request(body, self.catalog.variables, encoding)
        if cached is not None:
            return {**cached, "cached": True}
        if ticket is not None and ticket.on_progress is not None:
            request["progress"] = True
        if self._foreign_busy:
            raise ViewError("The kernel is busy; the view is computed when it is idle.", 409)
        generation = self._generation
        try:
            reply = await self._request(request, timeout=self.config.analysis_timeout, ticket=ticket)
        except asyncio.TimeoutError:
            raise ViewError("The kernel did not answer in time.", 504) from None
        except KernelGone:
            raise ViewError("The kernel restarted or shut down during the request.", 409) from None
        if generation != self._generation or reply.get("content", {}).get("status") != "ok":
            raise ViewError("The kernel restarted or was interrupted during the request.", 409)
        payload = self._payload(reply)
        if payload is None:
            expression = (reply.get("content", {}).get("user_expressions") or {}).get(EXPRESSION_KEY) or {}
            if expression.get("ename") == "KeyboardInterrupt":
                raise ViewError("The kernel restarted or was interrupted during the request.", 409)
            detail = f": {expression.get('ename')}: {expression.get('evalue')}" if expression.get("ename") else ""
            raise ViewError(f"The kernel could not compute the view{detail}"[:500], 502)
        if "error" in payload:
            status = {"missing": 404, "params": 400}.get(str(payload.get("error_kind")), 500)
            raise ViewError(str(payload["error"]), status)
        result = {
            "component": request["component"],
            "variables": request["variables"],
            "params": request["params"],
            "state": request["state"],
            "execution_count": payload.get("execution_count"),
            "elapsed_ms": payload.get("elapsed_ms"),
            "fingerprints": payload.get("fingerprints"),
            "selection": payload.get("selection"),
            "data": payload.get("data"),
            "encoding": "arrow" if payload.get("encoding") == "arrow" else "json",
        }
        if result["encoding"] == "arrow":
            try:
                result["arrow"] = [base64.b64decode(s, validate=True) for s in payload.get("arrow") or []]
            except (binascii.Error, TypeError, ValueError):
                raise ViewError("The kernel sent unreadable Arrow data.", 502) from None
        self.analysis.store_view(key, result)
        return {**result, "cached": False}

    async def export_codes(self, request: dict[str, Any], ticket: "ViewTicket | None" = None) -> dict[str, Any]:
        """The offline codes of exported views (op ``export_codes``, pins/cube.py), asked like a view:
        silently, never queued behind someone's cell. Raises ViewError: 409 when the kernel is busy, 400
        when the kernel refuses the request, 503 when the kernel cannot answer (restarting, gone, timed
        out, failed): the export route then writes its page without codes and says why."""
        if self.catalog.status != OK:
            raise ViewError(self.catalog.message or "the kernel's catalog is not available yet", 503)
        if self._foreign_busy:
            raise ViewError("The kernel is busy; export again when it is idle.", 409)
        generation = self._generation
        try:
            reply = await self._request(request, timeout=self.config.analysis_timeout, ticket=ticket)
        except asyncio.TimeoutError:
            raise ViewError("the kernel did not answer in time", 503) from None
        except KernelGone:
            raise ViewError("the kernel restarted or shut down during the export", 503) from None
        if generation != self._generation or reply.get("content", {}).get("status") != "ok":
            raise ViewError("the kernel restarted or was interrupted during the export", 503)
        payload = self._payload(reply)
        if payload is None:
            expression = (reply.get("content", {}).get("user_expressions") or {}).get(EXPRESSION_KEY) or {}
            detail = f" ({expression.get('ename')}: {expression.get('evalue')})" if expression.get("ename") else ""
            raise ViewError(f"the kernel could not encode the frames{detail}"[:500], 503)
        if "error" in payload:
            raise ViewError(str(payload["error"]), 400 if payload.get("error_kind") == "params" else 503)
        offline = payload.get("offline")
        if not isinstance(offline, dict):
            raise ViewError("the kernel sent no codes", 503)
        return offline

    async def describe(self, name: str) -> dict[str, Any]:
        """Full description of one variable (every column). ``name`` travels as data."""
        reply = await self._request({"op": "describe", "name": name, "options": self.config.kernel_options})
        expression = (reply.get("content", {}).get("user_expressions") or {}).get(EXPRESSION_KEY)
        if not expression or expression.get("status") != "ok":
            probe = Catalog(kernel_id=self.kernel_id)
            probe.apply_reply(expression)
            raise RuntimeError(probe.message or "the kernel could not describe the variable")
        payload = (expression.get("data") or {}).get("application/json") or {}
        if "error" in payload:
            raise RuntimeError(str(payload["error"]))
        return dict(payload.get("variable") or {"found": False})

    @property
    def busy(self) -> bool:
        return bool(self._foreign_busy)

    async def _request(
        self, request: dict[str, Any], timeout: float | None = None, ticket: "ViewTicket | None" = None
    ) -> dict[str, Any]:
        self._follow_kernel()
        if self._client is None or self._session is None:
            raise KernelGone()
        content = {
            "code": "",
            "silent": True,
            "store_history": False,
            "user_expressions": {EXPRESSION_KEY: ENTRY_EXPRESSION},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        msg = self._session.msg("execute_request", content, metadata={METADATA_KEY: request})
        msg_id = msg["header"]["msg_id"]
        loop = asyncio.get_running_loop()
        if ticket is not None:
            ticket.msg_id = msg_id
            ticket.sent_at = loop.time()
            self._tickets[msg_id] = ticket
            if ticket.on_progress is not None:
                self._progress[msg_id] = ticket.on_progress
        try:
            reply = await self._send(msg, timeout or self.config.request_timeout)
            if ticket is not None:
                ticket.replied_at = loop.time()
            return reply
        finally:
            self._progress.pop(msg_id, None)
            self._tickets.pop(msg_id, None)

    async def _send(self, msg: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self._client is not None
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        msg_id = msg["header"]["msg_id"]
        self._pending[msg_id] = future
        aliases = [msg_id]  # ids this request was sent under (see below)
        resent = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            self._client.shell_channel.send(msg)
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    # Never expected: say what we knew, so that a lost request can be understood.
                    self.log.warning(
                        "symphony-lab: kernel %s left request %s (%s) unanswered for %.0f s; sent as %s, "
                        "its statuses %s, resent %d times, others' executions %s, server state %s, ours running %s",
                        self.kernel_id,
                        msg_id,
                        (msg.get("metadata") or {}).get(METADATA_KEY, {}).get("op", msg["header"].get("msg_type")),
                        timeout,
                        aliases,
                        [self._our_status.get(a) for a in aliases],
                        resent,
                        sorted(self._foreign_busy),
                        getattr(self._km, "execution_state", None),
                        self._running_ours,
                    )
                    raise asyncio.TimeoutError()
                try:
                    return await asyncio.wait_for(asyncio.shield(future), min(NUDGE_INTERVAL, remaining))
                except asyncio.TimeoutError:
                    if future.done():
                        return future.result()
                    # No answer yet. If nobody else's execution runs, our request may be sitting
                    # unread (ipykernel 7 can leave a message unread until the next one arrives):
                    # a cheap kernel_info request makes the kernel read its queue.
                    # (A busy state whose idle we missed would stop these nudges: heal it here too.)
                    if self._foreign_busy:
                        self._heal_lost_idle()
                    if not self._foreign_busy and self._client is not None and self._session is not None:
                        if (
                            resent < MAX_RESENDS
                            and self._running_ours not in aliases
                            and getattr(self._km, "execution_state", None) == "idle"
                        ):
                            # The kernel is idle and never started our request: it was lost or left
                            # unread. Send it again under a new id (a replayed message would be
                            # refused as a duplicate signature); whichever answer comes first counts.
                            again = self._session.msg("execute_request", msg["content"], metadata=msg["metadata"])
                            aliases.append(again["header"]["msg_id"])
                            self._pending[aliases[-1]] = future
                            self._client.shell_channel.send(again)
                            resent += 1
                        self._client.shell_channel.send(self._session.msg("kernel_info_request", {}))
        finally:
            for alias in aliases:
                self._pending.pop(alias, None)
                self._our_status.pop(alias, None)
            if not future.done():
                future.cancel()

    def _fail_pending(self, exc: BaseException) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(exc)
        self._pending.clear()

    def _check_language(self) -> None:
        """Non-Python kernels (by their kernel spec) are told so and never sent a request."""
        language = None
        with contextlib.suppress(Exception):
            language = str(self._km.kernel_spec.language or "") or None
        self.catalog.language = language
        if language is not None and language.lower() != "python":
            self.catalog.status = NOT_PYTHON
            self.catalog.message = (
                f"This notebook's kernel runs {language}. symphony-lab describes Python kernels "
                "(ipykernel); switch the notebook to a Python kernel to see its DataFrames and models."
            )
            self._first_catalog.set()

    # -- message loops ------------------------------------------------------------------------

    async def _read_loop(self, channel: Any, handler: Callable[[dict[str, Any]], None]) -> None:
        while not self._stopped:
            try:
                # Never wait without a timeout: pyzmq's asyncio poll wakes on an edge of the socket's file
                # descriptor, and a send on the same socket from another task can take that edge while a
                # message waits; the poll then sleeps forever and every later reply queues unread behind
                # it (seen: requests whose kernel went busy and idle under every id we sent, never
                # answered). Each new poll looks at the socket first, so a missed edge costs READ_POLL.
                msg = await channel.get_msg(timeout=READ_POLL)
            except queue.Empty:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a malformed or badly signed message: skip it
                socket = getattr(channel, "socket", None)
                if self._stopped or socket is None or socket.closed:
                    return  # stopped, or this channel was replaced (the kernel moved)
                self.log.debug("symphony-lab: dropped an unreadable kernel message: %s", exc)
                await asyncio.sleep(0)
                continue
            try:
                handler(msg)
            except Exception:
                self.log.exception("symphony-lab: failed to handle a kernel message")

    def _on_shell(self, msg: dict[str, Any]) -> None:
        parent_id = msg.get("parent_header", {}).get("msg_id")
        if parent_id is not None and parent_id == self._probe_id:
            # The kernel answered our first request: whatever made it look busy when we started
            # (the server's state can lag behind the kernel's) is over.
            self._probe_id = None
            if _INITIALLY_BUSY in self._foreign_busy:
                self._foreign_busy.discard(_INITIALLY_BUSY)
                if not self._foreign_busy:
                    self.catalog.state = IDLE
                    self.request_refresh(delay=0)
            return
        future = self._pending.get(parent_id) if parent_id else None
        if future is not None and not future.done():
            future.set_result(msg)

    def _on_iopub(self, msg: dict[str, Any]) -> None:
        msg_type = msg.get("header", {}).get("msg_type") or msg.get("msg_type")
        parent = msg.get("parent_header") or {}
        parent_id = parent.get("msg_id")
        ours = self._session is not None and parent.get("session") == self._session.session
        if ours:
            if msg_type == PROGRESS_MSG_TYPE:
                listener = self._progress.get(parent_id) if parent_id else None
                content = msg.get("content") or {}
                fraction, phase = content.get("fraction"), content.get("phase")
                if listener is not None and type(fraction) in (int, float) and type(phase) is str:
                    listener({"fraction": min(1.0, max(0.0, float(fraction))), "phase": phase[:100]})
                return
            if msg_type == "status":
                state = (msg.get("content") or {}).get("execution_state")
                if parent_id in self._pending:
                    self._our_status[parent_id] = str(state)
                if state == "busy":
                    self._running_ours = parent_id
                    self._running_since = asyncio.get_running_loop().time()
                    ticket = self._tickets.get(parent_id) if parent_id else None
                    if ticket is not None and ticket.started_at is None:
                        ticket.started_at = self._running_since
                    if parent_id in self._cancelled:
                        self._interrupt(parent_id)
                elif state == "idle" and self._running_ours == parent_id:
                    self._running_ours = None
                    self._cancelled.discard(parent_id)
            return
        content = msg.get("content") or {}
        if msg_type == "execute_input":
            if parent_id:
                self._user_executions.add(parent_id)
        elif msg_type == "status":
            state = content.get("execution_state")
            if parent.get("msg_type") not in ("execute_request", None):
                # Completions, inspections and kernel-info requests are short: they would only make
                # the state flicker. Their idle still ends a busy state we saw before we started.
                if state == "idle" and _INITIALLY_BUSY in self._foreign_busy:
                    self._foreign_busy.discard(_INITIALLY_BUSY)
                    if not self._foreign_busy:
                        self.catalog.state = IDLE
                        self.request_refresh()
                return
            if state == "busy":
                if parent_id:
                    self._foreign_busy.add(parent_id)
                if self.catalog.state != BUSY:
                    self.catalog.state = BUSY
                    self._notify()
            elif state == "idle":
                # The kernel's shell runs one execution at a time: the end of one means none runs
                # (this also heals a busy we saw whose idle was lost).
                self._foreign_busy.clear()
                executed = parent_id in self._user_executions
                self._user_executions.discard(parent_id)
                if not self._foreign_busy:
                    changed = self.catalog.state != IDLE
                    self.catalog.state = IDLE
                    if executed or self.catalog.status in (PENDING, TIMEOUT):
                        self.request_refresh()
                    elif self.analysis_wanted:
                        self.request_analysis()
                    self._send_board()
                    if changed:
                        self._notify()
            elif state == "starting":
                # A new kernel process published its first message. After a catalog, that is a
                # restart we may not have been told about (the server's restart event was missed);
                # before one, it is just the kernel starting.
                if self.catalog.updated is not None:
                    self.on_restart()
                elif self.catalog.state != STARTING:
                    self.catalog.state = STARTING
                    self._notify()


__all__ = ["KernelWatcher", "WatcherConfig", "KernelGone", "OK"]
