"""Components: the unit of growth. See docs/components.md."""

from .base import Component, Context, Finding, ParamError, Suggestion
from .registry import load_components

__all__ = ["Component", "Context", "Finding", "ParamError", "Suggestion", "load_components"]
