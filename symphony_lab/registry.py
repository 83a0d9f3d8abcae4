"""WatcherRegistry: one KernelWatcher per kernel that somebody looks at, and none for the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Callable

import zmq.asyncio

from .quietstatus import OwnSessions
from .watcher import KernelWatcher, WatcherConfig

Listener = Callable[[dict[str, Any]], None]


class UnknownKernel(KeyError):
    """No running kernel has that id."""


class WatcherRegistry:
    """Starts watchers on demand, shares them between viewers, and stops the ones nobody views.

    A websocket subscription holds a watcher for as long as it lasts; a REST request holds it for
    ``idle_timeout`` seconds after the request. The reaper stops the rest and closes their sockets.
    """

    def __init__(
        self,
        kernel_manager: Any,
        config: WatcherConfig,
        idle_timeout: float = 60.0,
        reap_interval: float = 10.0,
        log: logging.Logger | None = None,
        components: dict[str, Any] | None = None,
        own_sessions: OwnSessions | None = None,
    ) -> None:
        self.components = components or {}
        # the watchers' kernel sessions, whose kernel statuses browsers are not shown (quietstatus.py)
        self.own_sessions = own_sessions if own_sessions is not None else OwnSessions()
        self.kernel_manager = kernel_manager
        self.config = config
        self.idle_timeout = idle_timeout
        self.reap_interval = reap_interval
        self.log = log or logging.getLogger(__name__)
        self._context = zmq.asyncio.Context()
        self._watchers: dict[str, KernelWatcher] = {}
        self._starting: dict[str, asyncio.Future[KernelWatcher]] = {}
        self._last_touch: dict[str, float] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._closed = False

    # -- access -------------------------------------------------------------------------------

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._watchers

    @property
    def watched(self) -> list[str]:
        return list(self._watchers)

    async def get(self, kernel_id: str) -> KernelWatcher:
        """The watcher of ``kernel_id``, started if needed. Raises UnknownKernel."""
        if self._closed:
            raise UnknownKernel(kernel_id)
        self._last_touch[kernel_id] = time.monotonic()
        watcher = self._watchers.get(kernel_id)
        if watcher is not None and not watcher.stopped:
            return watcher
        starting = self._starting.get(kernel_id)
        if starting is not None:
            return await asyncio.shield(starting)
        if kernel_id not in self.kernel_manager:
            raise UnknownKernel(kernel_id)
        future: asyncio.Future[KernelWatcher] = asyncio.get_running_loop().create_future()
        self._starting[kernel_id] = future
        try:
            km = self.kernel_manager.get_kernel(kernel_id)
            watcher = KernelWatcher(
                kernel_id,
                km,
                self.config,
                self._context,
                log=self.log,
                components=self.components,
                own_sessions=self.own_sessions,
            )
            await watcher.start()
            self._watchers[kernel_id] = watcher
            future.set_result(watcher)
            self._ensure_reaper()
            self.log.debug("symphony-lab: watching kernel %s", kernel_id)
            return watcher
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)
                future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._starting.pop(kernel_id, None)

    async def subscribe(
        self, kernel_id: str, listener: Listener, analysis: Listener | None = None, board: Listener | None = None
    ) -> KernelWatcher:
        watcher = await self.get(kernel_id)
        watcher.listeners.add(listener)
        if analysis is not None:
            watcher.analysis.listeners.add(analysis)
            watcher.request_analysis()
        if board is not None:
            watcher.board_listeners.add(board)
        return watcher

    def unsubscribe(
        self, kernel_id: str, listener: Listener, analysis: Listener | None = None, board: Listener | None = None
    ) -> None:
        watcher = self._watchers.get(kernel_id)
        if watcher is not None:
            watcher.listeners.discard(listener)
            if analysis is not None:
                watcher.analysis.listeners.discard(analysis)
            if board is not None:
                watcher.board_listeners.discard(board)
            self._last_touch[kernel_id] = time.monotonic()

    # -- kernel lifecycle ---------------------------------------------------------------------

    def on_kernel_action(self, kernel_id: str | None, action: str, status: str) -> None:
        """Called for the server's kernel_actions events."""
        if not kernel_id or status != "success":
            return
        watcher = self._watchers.get(kernel_id)
        if watcher is None:
            return
        if action == "restart":
            watcher.on_restart()
        elif action == "shutdown":
            watcher.on_shutdown()
            asyncio.ensure_future(self.stop_watching(kernel_id))

    async def stop_watching(self, kernel_id: str) -> None:
        watcher = self._watchers.pop(kernel_id, None)
        self._last_touch.pop(kernel_id, None)
        if watcher is not None:
            await watcher.stop()
            self.log.debug("symphony-lab: stopped watching kernel %s", kernel_id)

    # -- reaping ------------------------------------------------------------------------------

    def _ensure_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.ensure_future(self._reap_forever())

    async def _reap_forever(self) -> None:
        while not self._closed and self._watchers:
            await asyncio.sleep(self.reap_interval)
            await self.reap()

    async def reap(self) -> list[str]:
        """Stop watchers nobody subscribes to and nobody asked for recently, and those of gone kernels."""
        now = time.monotonic()
        stopped = []
        for kernel_id, watcher in list(self._watchers.items()):
            gone = kernel_id not in self.kernel_manager
            idle = not watcher.listeners and now - self._last_touch.get(kernel_id, 0) > self.idle_timeout
            if gone or idle:
                if gone:
                    watcher.on_shutdown()
                await self.stop_watching(kernel_id)
                stopped.append(kernel_id)
        return stopped

    async def close(self) -> None:
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(BaseException):
                await self._reaper
        for kernel_id in list(self._watchers):
            await self.stop_watching(kernel_id)
        self._context.destroy(linger=0)
