"""symphony-lab: live views of the DataFrames and models in your JupyterLab kernel."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    import warnings

    warnings.warn("Importing 'symphony_lab' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def __getattr__(name: str) -> Any:
    """``symphony_lab.selection`` etc., imported on first use (the server never needs them)."""
    if name in ("selection", "set_filter", "clear_filter", "board_state"):
        from . import api

        return getattr(api, name)
    if name in ("show", "export"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "symphony-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import SymphonyLabApp

    return [{"module": "symphony_lab", "app": SymphonyLabApp}]
