"""The server extension application: configuration, wiring, lifecycle."""

from __future__ import annotations

from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Int, List, Unicode

from .collab.handlers import collab_handlers
from .collab.rooms import RoomGuards, authenticated_room_route
from .collab.store import BoardStore
from .components import load_components
from .handlers import handlers
from .quietstatus import DEFAULT_DELAY as DEFAULT_STATUS_DELAY
from .quietstatus import OwnSessions
from .quietstatus import install as install_quiet_status
from .registry import WatcherRegistry
from .watcher import WatcherConfig

KERNEL_ACTIONS_SCHEMA = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"


class SymphonyLabApp(ExtensionApp):
    """Watches the kernels that the Symphony panel looks at and serves their catalogs."""

    name = "symphony_lab"
    load_other_extensions = True

    hidden_names = List(
        Unicode(),
        default_value=[],
        help="Glob patterns (fnmatch, case-sensitive) of variable names never shown, e.g. ['secret_*'].",
    ).tag(config=True)
    max_variables = Int(500, help="Most variables described in one catalog.").tag(config=True)
    max_columns = Int(100, help="Most columns (and their dtypes) sent per DataFrame in a catalog.").tag(
        config=True
    )
    max_detail_columns = Int(
        5000, help="Most columns sent when one variable is asked for in full (the variables route)."
    ).tag(config=True)
    max_labels = Int(50, help="Most class labels and feature names listed per model.").tag(config=True)
    catalog_time_budget_ms = Float(
        250.0,
        help="Time the kernel may spend on one catalog; past it the catalog is cut short (truncated).",
    ).tag(config=True)
    refresh_delay = Float(
        0.05,
        help="Seconds to wait after an execution ends before asking for the catalog; executions "
        "that follow within it are coalesced.",
    ).tag(config=True)
    request_timeout = Float(10.0, help="Seconds to wait for the kernel's answer to a request.").tag(
        config=True
    )
    idle_timeout = Float(
        60.0, help="Seconds after the last request before a kernel nobody subscribes to is unwatched."
    ).tag(config=True)
    reap_interval = Float(10.0, help="Seconds between checks for watchers nobody uses.").tag(config=True)
    first_catalog_wait = Float(
        3.0, help="Seconds a catalog request waits for the first catalog of a newly watched idle kernel."
    ).tag(config=True)

    profile_max_rows = Int(
        200_000, help="Rows a frame's profile looks at for per-column statistics (a fixed-seed sample beyond)."
    ).tag(config=True)
    hash_max_rows = Int(
        2_000_000,
        help="Largest frame checked in the background for exact duplicates and rows shared with another frame.",
    ).tag(config=True)
    analysis_time_budget_ms = Float(
        2000.0, help="Kernel time one background profiling request may take; the rest waits for the next idle."
    ).tag(config=True)
    analysis_timeout = Float(120.0, help="Seconds to wait for a profile or a view's data.").tag(config=True)

    kernel_status_delay = Float(
        DEFAULT_STATUS_DELAY,
        help="Seconds one of the extension's kernel requests must run before the notebook's users are shown "
        "the kernel busy for it. Shorter requests (nearly all: catalogs, views, profiles) stay invisible, "
        "with no busy flicker in the notebook's toolbar, status bar and tab icon; a longer one is shown "
        "busy from then on, since a cell run meanwhile waits for it. 0 shows every request as Jupyter "
        "does by default.",
    ).tag(config=True)

    board_max_message_bytes = Int(
        1024 * 1024, help="Largest message a browser may send into a board's room; larger ones close the connection."
    ).tag(config=True)
    board_save_delay = Float(
        0.1, help="Seconds after the last change of a shared board before its file is saved."
    ).tag(config=True)

    def kernel_options(self) -> dict[str, Any]:
        return {
            "max_variables": self.max_variables,
            "max_columns": self.max_columns,
            "max_detail_columns": self.max_detail_columns,
            "max_labels": self.max_labels,
            "time_budget_ms": self.catalog_time_budget_ms,
            "hidden": list(self.hidden_names),
        }

    def initialize_settings(self) -> None:
        config = WatcherConfig(
            refresh_delay=self.refresh_delay,
            request_timeout=self.request_timeout,
            analysis_timeout=self.analysis_timeout,
            kernel_options=self.kernel_options(),
            analysis_limits={
                "max_rows": self.profile_max_rows,
                "hash_max_rows": self.hash_max_rows,
                "time_budget_ms": self.analysis_time_budget_ms,
            },
        )
        self.components = load_components(refresh=True)
        own_sessions = OwnSessions()
        # (self.settings: the web app's, copied for initialize_settings and written back after it)
        install_quiet_status(self.settings, own_sessions, self.kernel_status_delay, self.log)
        self.registry = WatcherRegistry(
            self.serverapp.kernel_manager,
            config,
            idle_timeout=self.idle_timeout,
            reap_interval=self.reap_interval,
            log=self.log,
            components=self.components,
            own_sessions=own_sessions,
        )
        self.settings.update(
            {
                "symphony_lab_registry": self.registry,
                "symphony_lab_first_wait": self.first_catalog_wait,
                "symphony_lab_components": self.components,
            }
        )
        # Boards (collaboration): guards on jupyter-collaboration's board rooms, and the store.
        self.room_guards = RoomGuards(
            self.log, max_bytes=self.board_max_message_bytes, save_delay=self.board_save_delay
        )
        self.settings["symphony_lab_boards"] = BoardStore(self.serverapp, self.room_guards, self.log)
        self.serverapp.event_logger.add_listener(schema_id=KERNEL_ACTIONS_SCHEMA, listener=self._on_kernel_action)

    async def _on_kernel_action(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        self.registry.on_kernel_action(data.get("kernel_id"), str(data.get("action")), str(data.get("status")))

    def initialize_handlers(self) -> None:
        self.handlers.extend(handlers())
        self.handlers.extend(collab_handlers())
        self._attach_collaboration()

    def _attach_collaboration(self) -> None:
        # jupyter_server_ydoc (loaded before us: extensions load in name order) has made its
        # websocket server and routes by now; starting the extension tries again in case it had not.
        if self.room_guards.attach(self.serverapp) and not getattr(self, "_room_route_guarded", False):
            self._room_route_guarded = authenticated_room_route(self.serverapp.web_app, self.log)

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        self._attach_collaboration()

    async def stop_extension(self) -> None:
        registry = getattr(self, "registry", None)
        if registry is not None:
            await registry.close()
        self.serverapp.event_logger.remove_listener(listener=self._on_kernel_action)
        guards = getattr(self, "room_guards", None)
        if guards is not None:
            guards.close()
