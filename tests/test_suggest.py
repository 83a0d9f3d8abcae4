"""The suggestion engine alone: deterministic ranking, pairs, and resilience to a failing component."""

from __future__ import annotations

from symphony_lab.components import Component, Context, Suggestion, load_components
from symphony_lab.suggest import candidate_pairs, rank


def frame(name, shape, columns, fingerprint=None):
    return {
        "name": name,
        "kind": "dataframe",
        "library": "pandas",
        "shape": shape,
        "columns": [{"name": c, "dtype": "float64"} for c in columns],
        "columns_total": len(columns),
        "fingerprint": fingerprint or name,
    }


def profile(rows, columns, duplicates=0):
    return {
        "rows": rows,
        "sampled": False,
        "sample_rows": rows,
        "columns": [
            {"name": c, "kind": "numeric", "dtype": "float64", "missing": 0, "missing_fraction": 0.0,
             "distinct": rows, "id_like": False, "label_like": False}
            for c in columns
        ],
        "duplicates": {"extra_copies": duplicates, "rows_in_groups": 2 * duplicates, "groups": duplicates},
    }


class Broken(Component):
    name = "broken"

    def suggest(self, entries, context):
        raise RuntimeError("a bug in a plugin")


class Always(Component):
    name = "always"

    def suggest(self, entries, context):
        return Suggestion(self.name, (entries[0]["name"],), 0.2, "always")


def test_pairs_are_frames_with_the_same_columns_larger_first():
    a = frame("train", [1000, 2], ["x", "y"])
    b = frame("test", [200, 2], ["y", "x"])
    c = frame("other", [50, 2], ["x", "z"])
    alias = frame("same", [1000, 2], ["x", "y"], fingerprint="train")
    series = {"name": "s", "kind": "series", "library": "pandas", "shape": [10], "fingerprint": "s"}
    assert candidate_pairs([b, a, c, alias, series]) == [("train", "test"), ("same", "test")]


def test_a_failing_component_does_not_hide_the_others():
    components = dict(load_components())
    components["broken"] = Broken()
    components["always"] = Always()
    variables = [frame("df", [100, 2], ["x", "y"])]
    context = Context(profiles={"df": profile(100, ["x", "y"], duplicates=3)})
    suggestions, findings = rank(variables, context, components)
    names = [s.component for s in suggestions]
    assert "always" in names and "duplicates" in names and "broken" not in names
    assert findings and findings[0].kind == "duplicates"


def test_ranking_is_deterministic_and_ordered():
    variables = [frame("b", [10, 2], ["x", "y"]), frame("a", [10, 2], ["x", "y"], fingerprint="a2")]
    context = Context(profiles={"b": profile(10, ["x", "y"]), "a": profile(10, ["x", "y"], duplicates=1)})
    first = rank(variables, context, load_components())
    second = rank(list(variables), context, load_components())
    assert [s.to_json() for s in first[0]] == [s.to_json() for s in second[0]]
    scores = [s.score for s in first[0]]
    assert scores == sorted(scores, reverse=True)
    # Ties keep the namespace's order: b (defined first) before a.
    summaries = [s.variables[0] for s in first[0] if s.component == "summary"]
    assert summaries == ["b", "a"]
