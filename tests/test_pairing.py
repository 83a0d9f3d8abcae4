"""Pairing models with their data from catalog entries (pure: no kernel)."""

from __future__ import annotations

from symphony_lab.pairing import find_pairings, split_of


def frame(name, columns, rows):
    return {"name": name, "kind": "dataframe", "library": "pandas", "shape": [rows, len(columns)],
            "columns": [{"name": c, "dtype": "float64"} for c in columns], "columns_total": len(columns),
            "fingerprint": name}


def series(name, rows, kind="series"):
    return {"name": name, "kind": kind, "library": "pandas" if kind == "series" else "numpy", "shape": [rows],
            "fingerprint": name}


def model(name, features=None, n=None, task="classifier", fitted=True):
    info = {"fitted": fitted, "task": task}
    if features is not None:
        info.update(feature_names=features, feature_names_total=len(features), n_features_in=len(features))
    if n is not None:
        info["n_features_in"] = n
    return {"name": name, "kind": "model", "library": "sklearn", "model": info, "fingerprint": name}


F = ["a", "b", "c"]


def variables_of(pairings):
    return [(p.kind, p.variables, p.params) for p in pairings]


def test_splits_pair_by_name_and_test_comes_first():
    entries = [frame("X_train", F, 80), frame("X_test", F, 20), series("y_train", 80), series("y_test", 20),
               model("clf", F)]
    pairings = find_pairings(entries)
    assert variables_of(pairings) == [
        ("model", ("clf", "X_test", "y_test"), {}),
        ("model", ("clf", "X_train", "y_train"), {}),
    ]
    assert pairings[0].split == "test" and "clf reads the features of X_test" in pairings[0].reason


def test_same_length_labels_by_name_or_not_at_all():
    # two vectors of the right length, neither named like a label nor like the frame: no guess
    entries = [frame("feats", F, 50), series("weights", 50), series("ages", 50), model("m", F)]
    assert find_pairings(entries) == []
    # one named like a label wins
    entries.append(series("target", 50))
    assert variables_of(find_pairings(entries)) == [("model", ("m", "feats", "target"), {})]


def test_a_label_column_inside_the_frame():
    entries = [frame("data", F + ["label"], 40), model("m", F)]
    assert variables_of(find_pairings(entries)) == [("model", ("m", "data"), {"label": "label"})]


def test_features_must_match_names_or_count():
    entries = [frame("other", ["x", "y", "z"], 10), series("y", 10), model("m", F)]
    assert find_pairings(entries) == []
    nameless = [frame("arr", ["0", "1", "2"], 10) | {"kind": "array", "library": "numpy"}, series("y", 10),
                model("m", None, n=3)]
    assert variables_of(find_pairings(nameless)) == [("model", ("m", "arr", "y"), {})]


def test_unfitted_models_and_transformers_are_left_out():
    entries = [frame("X", F, 10), series("y", 10), model("m", F, fitted=False), model("t", F, task="transformer")]
    assert find_pairings(entries) == []


def test_labels_and_predictions_already_computed():
    entries = [series("y_test", 30, "array"), series("y_pred", 30, "array"),
               {"name": "proba", "kind": "array", "library": "numpy", "shape": [30, 2], "fingerprint": "p"},
               frame("scores", ["label", "prediction", "x"], 12)]
    assert variables_of(find_pairings(entries)) == [
        ("predictions", ("y_test", "y_pred", "proba"), {}),
        ("predictions", ("scores",), {"label": "label", "prediction": "prediction"}),
    ]


def test_split_words():
    assert [split_of(n) for n in ("X_test", "Xtest", "X_val2", "df_train", "trainX", "X", "latest")] == [
        "test", None, "test", "train", "train", None, None
    ]
