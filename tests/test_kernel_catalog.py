"""The kernel-side catalog as plain Python (the same code the kernel runs), on objects made here."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from symphony_lab.kernel.catalog import CatalogOptions, describe_variable, take_catalog
from symphony_lab.kernel.safe import Fingerprint, safe_label, safe_message, sample_positions


def catalog(ns, **options):
    return take_catalog(ns, CatalogOptions(**options))


def by_name(result):
    return {v["name"]: v for v in result["variables"]}


class Poison:
    """Any use beyond type() and identity fails loudly."""

    def __getattribute__(self, name):
        raise AssertionError(f"touched .{name}")

    def __repr__(self):
        raise AssertionError("repr")

    def __len__(self):
        raise AssertionError("len")


class PoisonMeta(type):
    def __getattribute__(cls, name):
        raise AssertionError(f"class attribute {name}")

    def __eq__(cls, other):
        raise AssertionError("meta eq")

    def __hash__(cls):
        raise AssertionError("meta hash")


class PoisonClass(metaclass=PoisonMeta):
    pass


def test_unknown_objects_are_never_touched():
    ns = {"p": Poison(), "q": PoisonClass(), "cls": PoisonClass, "f": lambda: 1, "mod": np, "n": 3}
    result = catalog(ns)
    assert result["variables"] == []
    assert result["skipped"] == 3  # p, q and n; the class, function and module are not data


def test_private_hidden_and_non_identifier_names_are_skipped():
    df = pd.DataFrame({"a": [1]})
    ns = {"_x": df, "ok": df, "not an identifier": df, 42: df, "secret_key": df}
    result = catalog(ns, hidden=("secret_*",))
    assert [v["name"] for v in result["variables"]] == ["ok"]


def test_frame_entry():
    df = pd.DataFrame(
        {"i": np.arange(4), "f": [0.5, 1.5, np.nan, 2.0], "s": list("abcd"), "c": pd.Categorical(list("xyxy"))},
        index=pd.date_range("2024-01-01", periods=4),
    )
    e = by_name(catalog({"df": df}))["df"]
    assert e["kind"] == "dataframe" and e["library"] == "pandas" and e["type"] == "pandas.DataFrame"
    assert e["shape"] == [4, 4]
    assert [c["name"] for c in e["columns"]] == ["i", "f", "s", "c"]
    assert e["columns"][3]["dtype"] == "category"
    assert e["index"].startswith("datetime64")
    assert e["memory"] >= 4 * 8 * 2


def test_fingerprint_follows_changes_that_matter():
    df = pd.DataFrame({"a": np.arange(100.0), "s": ["x"] * 100})
    ns = {"df": df}
    fp = lambda: by_name(catalog(ns))["df"]["fingerprint"]  # noqa: E731
    first = fp()
    assert fp() == first  # stable
    df.iloc[0, 0] = 7.0  # in place, a sampled row
    second = fp()
    assert second != first
    df.loc[len(df)] = [1.0, "y"]  # a new row
    third = fp()
    assert third != second
    df.rename(columns={"a": "b"}, inplace=True)
    assert fp() != third
    ns["df"] = df.copy()  # a copy with equal content describes the same
    assert by_name(catalog(ns))["df"]["fingerprint"] == fp()


def test_wide_frame_columns_are_capped():
    df = pd.DataFrame(np.zeros((2, 300)))
    e = by_name(catalog({"df": df}, max_columns=20))["df"]
    assert len(e["columns"]) == 20 and e["columns_total"] == 300
    detail = describe_variable({"df": df}, "df", CatalogOptions(max_detail_columns=1000))
    assert len(detail["columns"]) == 300 and detail["found"] is True


def test_hostile_column_labels_and_values():
    class Label:
        def __str__(self):
            raise AssertionError("str")

        def __repr__(self):
            raise AssertionError("repr")

    class Value:
        def __repr__(self):
            raise AssertionError("repr")

        def __eq__(self, other):
            raise AssertionError("eq")

        __hash__ = object.__hash__

    df = pd.DataFrame({Label(): [Value(), Value()], ("a", 1): [1, 2], 2**5000: [0, 0]})
    e = by_name(catalog({"df": df}))["df"]
    labels = [c["name"] for c in e["columns"]]
    assert labels[0].startswith("<") and labels[1] == "('a', 1)" and labels[2] == "<int of 5001 bits>"


def test_broken_known_object_is_an_error_entry():
    class Broken(pd.DataFrame):
        @property
        def index(self):
            raise RuntimeError("boom")

    e = by_name(catalog({"b": Broken({"a": [1]})}))["b"]
    assert e["kind"] == "error" and e["error"].endswith("RuntimeError: boom")


def test_series_index_and_arrays():
    s = pd.Series([1, 2, 3], name="target")
    arr = np.arange(12).reshape(3, 4)
    objs = np.array([object(), "x"], dtype=object)
    result = by_name(catalog({"s": s, "ix": s.index, "arr": arr, "objs": objs}))
    assert result["s"]["kind"] == "series" and result["s"]["series_name"] == "target"
    assert result["ix"]["kind"] == "index"
    assert result["arr"]["shape"] == [3, 4] and result["arr"]["dtype"] == "int64" and result["arr"]["memory"] == 96
    assert result["objs"]["dtype"] == "object"


def test_arrow_tables():
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    e = by_name(catalog({"t": table}))["t"]
    assert e["kind"] == "table" and e["shape"] == [3, 2] and e["columns"][1] == {"name": "b", "dtype": "string"}


def test_sklearn_models():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = pd.DataFrame({"u": np.arange(30.0), "v": np.arange(30.0) ** 2})
    y = np.arange(30) % 3
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    ridge = Ridge().fit(X.to_numpy(), X["u"])
    pipe = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=3))
    result = by_name(catalog({"forest": forest, "ridge": ridge, "pipe": pipe}))
    f = result["forest"]["model"]
    assert f["fitted"] and f["task"] == "classifier" and f["n_features_in"] == 2
    assert f["feature_names"] == ["u", "v"] and f["classes"] == ["0", "1", "2"] and f["n_classes"] == 3
    assert f["params"]["n_estimators"] == 5
    assert result["ridge"]["model"]["task"] == "regressor" and "feature_names" not in result["ridge"]["model"]
    assert result["pipe"]["model"]["fitted"] is False and result["pipe"]["model"]["task"] == "classifier"
    before = result["ridge"]["fingerprint"]
    ridge.fit(X.to_numpy(), X["v"])
    assert by_name(catalog({"ridge": ridge}))["ridge"]["fingerprint"] != before


def test_caps_cut_the_catalog_short():
    frames = {f"df{i}": pd.DataFrame({"a": [i]}) for i in range(30)}
    result = catalog(frames, max_variables=10)
    assert len(result["variables"]) == 10 and result["truncated"] == "variables"
    result = catalog(frames, time_budget_ms=0.0001)
    assert result["truncated"] == "time" and len(result["variables"]) < 30


def test_options_from_request_are_validated():
    opts = CatalogOptions.from_request({"max_columns": "lots", "max_variables": -5, "hidden": ["a*", 3], "time_budget_ms": 1e12})
    assert opts.max_columns == CatalogOptions().max_columns
    assert opts.max_variables == 1
    assert opts.hidden == ("a*",)
    assert opts.time_budget_ms == 60_000
    assert CatalogOptions.from_request("nonsense") == CatalogOptions()


@pytest.mark.parametrize("bad", ["1x", "a.b", "__class__", "for", "", None, 5, "x y"])
def test_describe_variable_refuses_bad_names(bad):
    assert describe_variable({"x": 1}, bad, CatalogOptions())["found"] is False


def test_catalog_of_many_frames_is_cheap():
    """Not a timing test: checks that the large frame costs no more than the small ones (no scan)."""
    small = {f"s{i}": pd.DataFrame({"a": np.arange(10.0)}) for i in range(5)}
    big = {"big": pd.DataFrame(np.ones((2_000_000, 5)))}
    take_catalog(small, CatalogOptions())

    def cost(ns):
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            take_catalog(ns, CatalogOptions())
            best = min(best, time.perf_counter() - t)
        return best

    assert cost(big) < cost(small) * 3


def test_safe_helpers():
    assert sample_positions(0, 16) == []
    assert sample_positions(5, 16) == [0, 1, 2, 3, 4]
    positions = sample_positions(10_000_000, 16)
    assert positions[0] == 0 and positions[-1] == 9_999_999 and len(positions) == 16
    assert safe_label("x" * 500).endswith("…") and len(safe_label("x" * 500)) == 120
    assert safe_label(np.int64(3)) == "3"

    class Shouty(Exception):
        def __str__(self):
            raise AssertionError("str")

    assert safe_message(Shouty("careful")) == "tests.test_kernel_catalog.test_safe_helpers.<locals>.Shouty: careful"
    assert Fingerprint(1, "a", (2.0, None)).hexdigest() == Fingerprint(1, "a", (2.0, None)).hexdigest()
    assert Fingerprint(1).hexdigest() != Fingerprint("1").hexdigest()


def test_torch_modules_and_tensors():
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    t = torch.zeros(5, 4)
    result = by_name(catalog({"net": net, "t": t}))
    m = result["net"]
    assert m["kind"] == "model" and m["library"] == "torch"
    assert m["model"]["n_parameters"] == 4 * 3 + 3 + 3 * 2 + 2
    assert m["memory"] == m["model"]["n_parameters"] * 4
    assert result["t"]["kind"] == "array" and result["t"]["shape"] == [5, 4] and result["t"]["dtype"] == "torch.float32"
    before_net, before_t = m["fingerprint"], result["t"]["fingerprint"]
    with torch.no_grad():
        net[0].weight.add_(1.0)  # an optimizer step changes weights in place
    t[0, 0] = 1.0
    after = by_name(catalog({"net": net, "t": t}))
    assert after["net"]["fingerprint"] != before_net and after["t"]["fingerprint"] != before_t


def test_polars_frames_and_series():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    result = by_name(catalog({"df": df, "s": df["a"]}))
    assert result["df"]["kind"] == "dataframe" and result["df"]["library"] == "polars"
    assert result["df"]["shape"] == [3, 2]
    assert result["df"]["columns"] == [{"name": "a", "dtype": "Int64"}, {"name": "b", "dtype": "String"}]
    assert result["s"]["kind"] == "series" and result["s"]["shape"] == [3] and result["s"]["series_name"] == "a"


def test_cached_entries_follow_every_change():
    """Entries of unchanged frames are reused; any change of structure or sampled values is seen."""
    df = pd.DataFrame({"a": np.arange(50), "b": np.arange(50.0), "s": ["x"] * 50})
    ns = {"df": df, "alias": df}
    first = by_name(catalog(ns))
    assert first["df"]["fingerprint"] == first["alias"]["fingerprint"]
    assert by_name(catalog(ns))["df"] == first["df"]
    df.columns = ["a", "b", "renamed"]
    e = by_name(catalog(ns))["df"]
    assert [c["name"] for c in e["columns"]] == ["a", "b", "renamed"]
    df["a"] = df["a"].astype("int32")
    e = by_name(catalog(ns))["df"]
    assert e["columns"][0]["dtype"] == "int32"
    df["b"] = df["b"] + 1  # same dtype, new values
    assert by_name(catalog(ns))["df"]["fingerprint"] != e["fingerprint"]
    df.drop(columns=["renamed"], inplace=True)
    assert by_name(catalog(ns))["df"]["shape"] == [50, 2]
    df.index = pd.RangeIndex(100, 150)
    assert by_name(catalog(ns))["df"]["fingerprint"] != e["fingerprint"]


def test_known_fingerprints_shorten_the_reply():
    df = pd.DataFrame({"a": [1, 2]})
    ns = {"df": df, "other": pd.DataFrame({"b": [3]})}
    full = by_name(catalog(ns))
    result = take_catalog(ns, CatalogOptions(), {"df": full["df"]["fingerprint"], "other": "stale"})
    assert result["variables"][0] == {"name": "df", "unchanged": True}
    assert result["variables"][1]["fingerprint"] == full["other"]["fingerprint"]
    df.iloc[0, 0] = 5
    result = take_catalog(ns, CatalogOptions(), {"df": full["df"]["fingerprint"]})
    assert "unchanged" not in result["variables"][0]


def test_row_hashes_agree_with_pandas_on_duplicates():
    from symphony_lab.kernel.frames import row_hashes

    rng = np.random.default_rng(0)
    frames = [
        pd.DataFrame(rng.integers(0, 3, (5000, 4))),  # many true duplicates
        pd.DataFrame(rng.integers(0, 100, (5000, 10)).astype(float)),  # floats of small integers
        pd.DataFrame({"f": rng.choice([0.0, -0.0, np.nan, 1.5], 5000), "s": rng.choice(["a", "b"], 5000),
                      "c": pd.Categorical(rng.choice(["x", "y"], 5000)), "n": pd.array(rng.choice([1, None], 5000), dtype="Int64")}),
    ]
    for df in frames:
        ours = pd.Series(row_hashes(df)).duplicated(keep=False).to_numpy()
        assert (ours == df.duplicated(keep=False).to_numpy()).all()
    swapped = pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]})
    h = row_hashes(swapped)
    assert h[0] != h[1]
