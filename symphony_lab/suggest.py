"""The suggestion engine: ranks what the component registry offers for each catalog entry and for pairs
of entries, and gathers the components' findings. Pure and deterministic: same inputs, same output."""

from __future__ import annotations

import logging
from typing import Any, Iterable, Sequence

from .components.base import Component, Context, Finding, Suggestion

log = logging.getLogger(__name__)

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
PROFILED_KINDS = ("dataframe", "series")


def profiled(entry: dict[str, Any]) -> bool:
    return entry.get("kind") in PROFILED_KINDS and entry.get("library") == "pandas"


def candidate_pairs(variables: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Ordered pairs (a, b) of frames with the same column names, b the smaller: "rows of b also in a"."""
    frames = [
        v
        for v in variables
        if v.get("kind") == "dataframe"
        and v.get("library") == "pandas"
        and v.get("columns_total") == len(v.get("columns") or [])
        and v.get("columns")
    ]
    pairs = []
    for i, a in enumerate(frames):
        for b in frames[i + 1 :]:
            if {c["name"] for c in a["columns"]} != {c["name"] for c in b["columns"]}:
                continue
            if a["fingerprint"] == b["fingerprint"]:
                continue  # the same frame under two names
            big, small = (a, b) if a["shape"][0] >= b["shape"][0] else (b, a)
            pairs.append((big["name"], small["name"]))
    return pairs


def _ask(component: Component, entries: Sequence[dict[str, Any]], context: Context) -> tuple[Suggestion | None, list[Finding]]:
    """One component's suggestion and findings; a component that fails is logged and left out, so one
    faulty (perhaps third-party) component never takes the others' suggestions with it."""
    try:
        suggestion = component.suggest(entries, context)
        findings = component.findings(entries, context) if len(entries) == 1 else []
        return suggestion, list(findings)
    except Exception:
        log.exception("symphony-lab: component %s failed on %s", component.name, [e.get("name") for e in entries])
        return None, []


def _ask_pairing(component: Component, pairing: Any, context: Context) -> tuple[Suggestion | None, list[Finding]]:
    try:
        return component.suggest_pairing(pairing, context), list(component.pairing_findings(pairing, context))
    except Exception:
        log.exception("symphony-lab: component %s failed on pairing %s", component.name, pairing.variables)
        return None, []


def rank(
    variables: list[dict[str, Any]], context: Context, components: dict[str, Component]
) -> tuple[list[Suggestion], list[Finding]]:
    suggestions: list[Suggestion] = []
    findings: list[Finding] = []
    order = {v["name"]: i for i, v in enumerate(variables)}
    for entry in variables:
        if not profiled(entry):
            continue
        for component in components.values():
            if entry.get("kind") not in component.kinds and not (
                entry.get("kind") == "series" and "dataframe" in component.kinds
            ):
                continue
            if component.arity[0] > 1:
                continue
            suggestion, found = _ask(component, [entry], context)
            if suggestion is not None:
                suggestions.append(suggestion)
            findings.extend(found)
    by_name = {v["name"]: v for v in variables}
    for a, b in context.overlaps:
        if a in by_name and b in by_name:
            for component in components.values():
                if component.arity[0] <= 2 <= component.arity[1]:
                    suggestion, _ = _ask(component, [by_name[b], by_name[a]], context)
                    if suggestion is not None:
                        suggestions.append(suggestion)
                if component.profiles_pairs:
                    try:
                        findings.extend(component.pair_findings(b, a, context))
                    except Exception:
                        log.exception("symphony-lab: component %s failed on the pair %s, %s", component.name, b, a)
    for pairing in context.pairings:
        for component in components.values():
            if pairing.kind in component.pairings:
                suggestion, found = _ask_pairing(component, pairing, context)
                if suggestion is not None:
                    suggestions.append(suggestion)
                findings.extend(found)
    suggestions.sort(key=lambda s: (-s.score, order.get(s.variables[0], 1 << 30), s.component, s.variables))
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), order.get(f.variables[0], 1 << 30), f.kind, f.message))
    return suggestions, findings
