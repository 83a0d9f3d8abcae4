"""Pins, notebook widgets and export: a view as an output bundle of our own MIME type with static
fallbacks (``bundle``, ``static``), ``show()`` as an ipywidgets widget (``show``), and one
self-contained HTML dashboard (``export``)."""

from .bundle import MIME_TYPE, make_bundle, pin_payload

__all__ = ["MIME_TYPE", "make_bundle", "pin_payload"]
