"""Components registered under the ``symphony_lab.components`` entry point group (ours included)."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from .base import Component

GROUP = "symphony_lab.components"
log = logging.getLogger(__name__)

_cache: dict[str, Component] | None = None


def load_components(refresh: bool = False) -> dict[str, Component]:
    """name -> component instance, from every installed distribution's entry points."""
    global _cache
    if _cache is not None and not refresh:
        return _cache
    found: dict[str, Component] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            cls = ep.load()
            component = cls()
        except Exception:  # one broken plugin must not hide the others
            log.exception("symphony-lab: could not load component %s", ep.name)
            continue
        if not isinstance(component, Component) or component.name != ep.name:
            log.warning("symphony-lab: entry point %s is not a Component named %s", ep.value, ep.name)
            continue
        found[ep.name] = component
    _cache = found
    return found
