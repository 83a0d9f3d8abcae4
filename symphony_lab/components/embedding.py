"""Embedding map: every row as a point of a 2-D projection, coloured by a column, a label, a prediction or
whether the prediction is right; a lasso selects rows for every other view.

The projection is computed in the kernel: PCA by default (the two leading directions of the standardized
numeric features, from one pass of covariance over chunks of rows, signs fixed so that the largest loading
of each axis is positive: the same data gives the same map), UMAP or t-SNE when installed and asked for
(fitted on a fixed-seed sample of ``fit_rows`` rows; the rest are not shown, and the data says so). It is
cached by the fingerprints of the variables and the parameters that shape it, so a new colour, filter or
window costs no projection. Vectors come from the numeric columns of a frame, a column of vectors (an
embedding column), a 2-D array or tensor (e.g. activations), or a model pairing's features.

Points travel as little-endian typed arrays in base64 (x, y float32; colour codes uint8; integer index
labels int32), not as JSON lists. Above ``max_points`` points in the window the view is a density raster
(``raster`` × ``raster`` counts and the dominant colour of each pixel) plus a sample of points; the browser
asks for the points of the visible window (``x_min`` … ``y_max``) as the user zooms in.
"""

from __future__ import annotations

import base64
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .base import Component, Context, Entry, ParamError, Suggestion
from .confusion import model_params, scored_for

CHUNK = 1 << 20
MAX_CATEGORIES = 10  # shown categories; the rest are "other"
OTHER = MAX_CATEGORIES
MISSING = 255
MAX_INDEX_LIST = 100_000  # non-integer index labels travel as a JSON list up to this many points
VECTOR_HINTS = ("embed", "vector", "vec", "activation", "latent", "encoding", "features")
SELECTION_PARAMS = ("method", "features", "fit_rows", "label", "prediction", "task")
_CACHE_SIZE = 2
_cache: "OrderedDict[Any, Projection]" = OrderedDict()


@dataclass
class Projection:
    xy: Any  # (n, 2) float32: a point per position (NaN where the row has none)
    method: str
    source: str  # what the vectors were, in words
    features: list[str]
    explained: list[float] | None  # PCA: the share of variance of each axis
    fitted_rows: int  # rows the method was fitted on (all for PCA)


@dataclass
class Rows:
    """The rows of a map: their frame (for colours and the board's filter), vectors and model scores."""

    frame: Any  # pandas DataFrame with the rows' index labels
    matrix: Callable[[], tuple[Any, list[str], str]]  # -> (n × d float32 array, feature names, source)
    scored: Any | None  # kernel/models.Scored for a model pairing
    key: tuple[Any, ...] | None  # what identifies the vectors (None: do not cache)


def _b64(array: Any, dtype: str) -> str:
    """An array's values as ``dtype`` (little-endian, e.g. "<f4"), base64 of the bytes."""
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _own_fingerprint(value: Any) -> str | None:
    from ..kernel.analysis import _fingerprint
    from ..kernel.catalog import CatalogOptions

    return _fingerprint(value, CatalogOptions())


def _to_numpy(obj: Any) -> Any:
    """A torch tensor as a numpy array (only when torch is already imported); anything else as is."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(obj, torch.Tensor):
        return obj.detach().cpu().numpy()
    return obj


def _is_vector(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (list, tuple, np.ndarray)) and len(value) >= 2


def _vector_columns(frame: Any) -> list[Any]:
    """Columns whose values are vectors (lists or arrays of numbers): embedding columns."""
    out = []
    for label in frame.columns:
        col = frame[label]
        if getattr(col, "ndim", 1) != 1 or col.dtype != object or len(col) == 0:
            continue
        first = col.iloc[: min(len(col), 50)].dropna()
        if len(first) and all(_is_vector(v) for v in first):
            out.append(label)
    return out


def _stack_vectors(col: Any, name: str) -> Any:
    import numpy as np

    values = col.to_numpy()
    lengths = {len(v) for v in values if _is_vector(v)}
    if len(lengths) != 1:
        raise ParamError(f"the vectors of {name} do not all have one length (found {sorted(lengths)[:5]})")
    (d,) = lengths
    out = np.full((len(values), d), np.nan, dtype=np.float32)
    for i, v in enumerate(values):
        if _is_vector(v):
            out[i] = np.asarray(v, dtype=np.float32)
    return out


def _id_like(col: Any) -> bool:
    """An integer counter (0, 1, 2, … or any strictly increasing integers): it would only spread rows."""
    import numpy as np

    if col.dtype.kind not in "iu" or len(col) < 3:
        return False
    values = col.to_numpy()
    return bool(np.all(np.diff(values[: 100_000]) > 0)) and bool(col.is_monotonic_increasing)


def _numeric_matrix(frame: Any, exclude: set[Any], where: str) -> tuple[Any, list[str], str]:
    import numpy as np

    from ..kernel.frames import column_kind
    from ..kernel.safe import safe_label

    columns = []
    for label in frame.columns:
        if label in exclude:
            continue
        col = frame[label]
        if getattr(col, "ndim", 1) != 1:
            continue
        if column_kind(col) in ("numeric", "boolean") and not _id_like(col):
            columns.append(label)
    if len(columns) < 2:
        raise ParamError(
            f"{where} has {len(columns)} numeric feature(s); a map needs at least 2 (or a column of vectors)"
        )
    matrix = np.empty((len(frame), len(columns)), dtype=np.float32)
    for j, label in enumerate(columns):
        matrix[:, j] = frame[label].to_numpy(dtype=np.float32, na_value=np.nan)
    return matrix, [safe_label(c) for c in columns], f"{len(columns)} numeric columns of {where}"


def rows_of(objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any] | None) -> Rows:
    """What a map is drawn from (see the module's docstring)."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import resolve_column
    from ..kernel.models import is_model

    names = params.get("_variables") or [f"variable {i + 1}" for i in range(len(objects))]
    # Our own fingerprint (not the request's): compute and select then share one cached projection.
    fps = tuple(_own_fingerprint(o) for o in objects)
    cacheable = all(f is not None for f in fps)
    shape = (params.get("method"), params.get("features"), params.get("fit_rows"), params.get("label"))
    if objects and is_model(objects[0]):
        s = scored_for(objects, params, state)
        numeric = s.frame[s.features] if isinstance(s.frame, pd.DataFrame) else s.frame
        key = ("model", fps[1:], tuple(map(str, s.features)), shape) if cacheable else None
        return Rows(s.frame, lambda: _numeric_matrix(numeric, set(), names[1]), s, key)
    first = _to_numpy(objects[0])
    if isinstance(first, pd.Series):
        first = first.to_frame()
    if isinstance(first, pd.DataFrame):
        frame = first
        exclude: set[Any] = set()
        label_cols = []
        for p in ("label", "prediction"):
            if params.get(p):
                try:
                    label_cols.append(resolve_column(frame, params[p]))
                except KeyError:
                    raise ParamError(f"the {p} column {str(params[p])[:100]!r} is not a column of {names[0]}") from None
        exclude.update(label_cols)
        feature = params.get("features")
        if feature:
            try:
                column = resolve_column(frame, feature)
            except KeyError:
                raise ParamError(f"{str(feature)[:100]!r} is not a column of {names[0]}") from None
            if column not in _vector_columns(frame[[column]]):
                raise ParamError(f"{str(feature)[:100]!r} is not a column of vectors (lists or arrays of numbers)")
            vectors = column
        else:
            found = _vector_columns(frame)
            vectors = found[0] if found else None
        scored = None
        if params.get("label") and params.get("prediction"):
            scored = scored_for([frame], params)
        if vectors is not None:
            from ..kernel.safe import safe_label

            def matrix() -> tuple[Any, list[str], str]:
                m = _stack_vectors(frame[vectors], safe_label(vectors))
                return m, [f"{safe_label(vectors)}[{i}]" for i in range(m.shape[1])], f"the vectors of column {safe_label(vectors)}"

        else:

            def matrix() -> tuple[Any, list[str], str]:
                return _numeric_matrix(frame, exclude, names[0])

        key = ("frame", fps[:1], shape) if cacheable else None
        return Rows(frame, matrix, scored, key)
    array = np.asarray(first)
    if array.ndim != 2:
        raise ParamError(f"{names[0]} has shape {array.shape}; a map needs rows × features (2-D)")
    if array.dtype.kind not in "fiub":
        raise ParamError(f"{names[0]} holds {array.dtype} values; a map needs numbers")
    frame = pd.DataFrame(index=pd.RangeIndex(array.shape[0]))
    if len(objects) >= 2:
        labels = np.asarray(_to_numpy(objects[1]))
        if labels.ndim != 1 or len(labels) != array.shape[0]:
            raise ParamError(f"{names[1]} has shape {labels.shape}; colours need one value per row of {names[0]}")
        frame[names[1]] = labels
    key = ("array", fps[:1], shape) if cacheable else None
    return Rows(
        frame,
        lambda: (array.astype(np.float32, copy=False), [f"{names[0]}[:, {i}]" for i in range(array.shape[1])], f"the {array.shape[1]} columns of {names[0]}"),
        None,
        key,
    )


# -- projections --------------------------------------------------------------------------------------


def _column_means(matrix: Any) -> Any:
    """Mean of each column over its finite values (0 for a column without any), in float64."""
    import numpy as np

    d = matrix.shape[1]
    total = np.zeros(d)
    count = np.zeros(d)
    for start in range(0, matrix.shape[0], CHUNK):
        chunk = matrix[start : start + CHUNK]
        finite = np.isfinite(chunk)
        if finite.all():
            total += chunk.sum(axis=0, dtype=np.float64)
            count += len(chunk)
        else:
            total += np.where(finite, chunk, 0).sum(axis=0, dtype=np.float64)
            count += finite.sum(axis=0)
    return np.divide(total, count, out=np.zeros(d), where=count > 0)


def _centred(chunk: Any, mean32: Any) -> Any:
    """A chunk minus the means, float32; a missing value sits at the mean (0 after centring)."""
    import numpy as np

    z = chunk - mean32
    if not np.isfinite(z).all():
        np.nan_to_num(z, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return z


def _standardize_stats(matrix: Any) -> tuple[Any, Any]:
    """Means and standard deviations of the columns (missing values at the mean)."""
    import numpy as np

    mean = _column_means(matrix)
    mean32 = mean.astype(np.float32)
    squares = np.zeros(matrix.shape[1])
    for start in range(0, matrix.shape[0], CHUNK):
        z = _centred(matrix[start : start + CHUNK], mean32)
        squares += np.einsum("ij,ij->j", z, z, dtype=np.float64)
    std = np.sqrt(squares / max(matrix.shape[0] - 1, 1))
    return mean, np.where(np.isfinite(std) & (std > 0), std, 0.0)


def _standardized(chunk: Any, mean: Any, std: Any, keep: Any) -> Any:
    import numpy as np

    z = (chunk[:, keep].astype(np.float64) - mean[keep]) / std[keep]
    z[~np.isfinite(z)] = 0.0  # a missing value sits at the mean
    return z


def pca(matrix: Any) -> tuple[Any, list[float]]:
    """(n, 2) float32 coordinates and the share of variance of each axis, on standardized columns.
    Three passes over chunks of rows, float32 arithmetic (BLAS) with float64 sums: the means; the
    covariance of the centred columns (its diagonal gives the deviations, and the correlation matrix is
    what PCA of standardized columns diagonalizes); the projection. Deterministic: the sign of each axis
    makes its largest loading positive."""
    import numpy as np

    n, d = matrix.shape
    out = np.zeros((n, 2), dtype=np.float32)
    if n == 0 or d == 0:
        return out, [0.0, 0.0]
    mean32 = _column_means(matrix).astype(np.float32)
    cov = np.zeros((d, d))
    for start in range(0, n, CHUNK):
        z = _centred(matrix[start : start + CHUNK], mean32)
        cov += (z.T @ z).astype(np.float64)
    std = np.sqrt(np.diag(cov) / max(n - 1, 1))
    keep = np.flatnonzero(np.isfinite(std) & (std > 0))
    if len(keep) == 0:
        return out, [0.0, 0.0]
    corr = cov[np.ix_(keep, keep)] / np.outer(std[keep], std[keep]) / max(n - 1, 1)
    u, s, _ = np.linalg.svd(corr)
    axes = u[:, :2]
    if axes.shape[1] < 2:
        axes = np.column_stack([axes, np.zeros(len(keep))])
    for j in range(2):
        if axes[np.argmax(np.abs(axes[:, j])), j] < 0:
            axes[:, j] = -axes[:, j]
    weights = np.zeros((d, 2), dtype=np.float32)  # standardizing folded into the projection
    weights[keep] = (axes / std[keep, None]).astype(np.float32)
    for start in range(0, n, CHUNK):
        out[start : start + CHUNK] = _centred(matrix[start : start + CHUNK], mean32) @ weights
    total = float(s.sum())
    explained = [float(s[j] / total) if total > 0 and j < len(s) else 0.0 for j in range(2)]
    return out, explained


def _fit_sample(n: int, fit_rows: int) -> Any:
    import numpy as np

    if n <= fit_rows:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, fit_rows, replace=False))


def _nonlinear(matrix: Any, method: str, fit_rows: int) -> tuple[Any, int]:
    import numpy as np

    mean, std = _standardize_stats(matrix)
    keep = np.flatnonzero(std > 0)
    if len(keep) == 0:
        raise ParamError("every feature is constant: there is nothing to project")
    positions = _fit_sample(matrix.shape[0], fit_rows)
    z = _standardized(matrix[positions], mean, std, keep)
    if method == "umap":
        try:
            import umap  # type: ignore[import-not-found]
        except ImportError:
            raise ParamError("UMAP is not installed in this kernel (pip install umap-learn); PCA needs nothing") from None
        coords = umap.UMAP(n_components=2, random_state=0).fit_transform(z)
    else:
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise ParamError("t-SNE needs scikit-learn in this kernel; PCA needs nothing") from None
        perplexity = float(min(30.0, max(2.0, (len(positions) - 1) / 3)))
        coords = TSNE(n_components=2, init="pca", random_state=0, perplexity=perplexity).fit_transform(z)
    out = np.full((matrix.shape[0], 2), np.nan, dtype=np.float32)
    out[positions] = np.asarray(coords, dtype=np.float32)
    return out, len(positions)


def project(rows: Rows, params: dict[str, Any]) -> Projection:
    """The projection of ``rows`` (cached by the fingerprints of the variables and the shaping params)."""
    if rows.key is not None and rows.key in _cache:
        _cache.move_to_end(rows.key)
        return _cache[rows.key]
    matrix, features, source = rows.matrix()
    method = params.get("method") or "pca"
    if method == "pca":
        xy, explained = pca(matrix)
        result = Projection(xy, method, source, features, explained, int(matrix.shape[0]))
    else:
        xy, fitted = _nonlinear(matrix, method, int(params.get("fit_rows") or 20_000))
        result = Projection(xy, method, source, features, None, fitted)
    if rows.key is not None:
        _cache[rows.key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    _cache.clear()


# -- colours ------------------------------------------------------------------------------------------


def _colour_values(rows: Rows, params: dict[str, Any]) -> tuple[str, str | None, Any]:
    """(what colours mean, its name, the values per row or None)."""
    import numpy as np

    from ..kernel.frames import resolve_column

    by = params.get("color_by") or "auto"
    s = rows.scored
    if by == "auto":
        if s is not None:
            by = "correct"
        elif params.get("color"):
            by = "column"
        else:
            by = "none"
            from ..kernel.frames import column_kind

            for label in rows.frame.columns:  # a label-like column: few classes, named like one
                name = str(label).lower()
                if name in ("y", "label", "labels", "target", "class", "cluster", "category", "species"):
                    col = rows.frame[label]
                    if getattr(col, "ndim", 1) == 1 and column_kind(col) != "datetime":
                        return "column", str(label), col.to_numpy()
    if by == "none":
        return "none", None, None
    if by == "column":
        name = params.get("color")
        if not name:
            raise ParamError("color_by column needs the color parameter: which column")
        try:
            column = resolve_column(rows.frame, name)
        except KeyError:
            raise ParamError(f"{str(name)[:100]!r} is not a column of these rows") from None
        col = rows.frame[column]
        if getattr(col, "ndim", 1) != 1:
            raise ParamError(f"{str(name)[:100]!r} names more than one column")
        return "column", str(name), col.to_numpy()
    if s is None:
        raise ParamError(f"color_by {by} needs a model pairing (or label and prediction columns)")
    if by == "label":
        return "label", s.label_name, s.y_true
    if by == "prediction":
        return "prediction", s.prediction_name, s.y_pred
    if s.task == "classifier":
        correct = s.true_codes == s.pred_codes
        values = np.where(s.true_codes < 0, None, np.where(correct, "right", "wrong")).astype(object)
        return "correct", "prediction right or wrong", values
    error = np.abs(np.asarray(s.y_pred, dtype=float) - np.asarray(s.y_true, dtype=float))
    return "correct", "absolute error", error


def _factorize(series: Any) -> tuple[Any, Any]:
    """pandas.factorize, with integers of a small range coded by one bincount (the common case of labels
    and clusters at 10M rows: no hashing)."""
    import numpy as np
    import pandas as pd

    if series.dtype.kind in "iu" and len(series):
        values = series.to_numpy()
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < 1_000_000:
            shifted = (values - lo).astype(np.int64, copy=False)
            present = np.flatnonzero(np.bincount(shifted, minlength=hi - lo + 1))
            table = np.full(hi - lo + 1, -1, dtype=np.int64)
            table[present] = np.arange(len(present))
            return table[shifted], pd.Index(present + lo)
    return pd.factorize(series, sort=False)


def _colour_options(rows: Rows) -> dict[str, Any]:
    """What the view can colour by: the model's (label, prediction, correctness) and the frame's columns."""
    from ..kernel.safe import safe_label

    columns = []
    for label in rows.frame.columns[:500]:
        col = rows.frame[label]
        if getattr(col, "ndim", 1) == 1 and not (col.dtype == object and len(col) and _is_vector(col.iloc[0])):
            columns.append(safe_label(label))
    return {"model": rows.scored is not None, "columns": columns[:200]}


def encode_colours(values: Any, positions: Any) -> tuple[Any, dict[str, Any]]:
    """uint8 codes for the points at ``positions`` and the legend. Few distinct values (or non-numbers):
    categories, the most frequent first, then "other" (code 10); numbers: 0..254 over the 1st..99th
    percentile. Missing values: 255."""
    import numpy as np
    import pandas as pd

    from ..kernel.frames import json_value

    n = len(positions)
    if values is None:
        return np.zeros(n, dtype=np.uint8), {"kind": "none"}
    series = pd.Series(values)
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    if numeric and series.nunique(dropna=True) > 12:
        v = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = v[np.isfinite(v)]
        if len(finite) == 0:
            return np.full(n, MISSING, dtype=np.uint8), {"kind": "continuous", "min": None, "max": None}
        lo, hi = (float(q) for q in np.quantile(finite[:: max(1, len(finite) // 1_000_000)], [0.01, 0.99]))
        if hi <= lo:
            hi = lo + 1.0
        picked = v[positions]
        codes = np.clip(np.round((picked - lo) / (hi - lo) * 254), 0, 254)
        codes = np.where(np.isfinite(picked), codes, MISSING).astype(np.uint8)
        return codes, {"kind": "continuous", "min": lo, "max": hi, "clipped": True}
    codes, uniques = _factorize(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    shown = order[:MAX_CATEGORIES] if len(uniques) > MAX_CATEGORIES else order
    table = np.full(len(uniques) + 1, OTHER, dtype=np.uint8)
    table[shown] = np.arange(len(shown), dtype=np.uint8)
    table[-1] = MISSING  # code -1 (missing) indexes the last slot
    point_codes = table[codes[positions]]
    legend = {
        "kind": "categorical",
        "categories": [{"value": json_value(uniques[i]), "rows": int(counts[i])} for i in shown],
        "other": int(counts[order[len(shown) :]].sum()) if len(uniques) > len(shown) else 0,
        "missing": int((codes < 0).sum()),
    }
    return point_codes, legend


# -- rasters ------------------------------------------------------------------------------------------


def density_raster(
    x: Any, y: Any, codes: Any, bounds: tuple[float, float, float, float], size: int, continuous: bool
) -> tuple[Any, Any]:
    """Counts per pixel (uint32, row 0 at the top) and the colour of each pixel: the most frequent code
    (categories) or the mean code (numbers), uint8, 255 where empty."""
    import numpy as np

    x0, x1, y0, y1 = bounds
    w = h = size
    sx = w / (x1 - x0) if x1 > x0 else 0.0
    sy = h / (y1 - y0) if y1 > y0 else 0.0
    px = np.clip(((x - x0) * sx).astype(np.int64), 0, w - 1)
    py = np.clip(((y1 - y) * sy).astype(np.int64), 0, h - 1)
    cell = py * w + px
    counts = np.bincount(cell, minlength=w * h)
    colour = np.full(w * h, MISSING, dtype=np.uint8)
    if continuous:
        valid = codes != MISSING
        sums = np.bincount(cell[valid], weights=codes[valid].astype(np.float64), minlength=w * h)
        n_valid = np.bincount(cell[valid], minlength=w * h)
        has = n_valid > 0
        colour[has] = np.round(sums[has] / n_valid[has]).astype(np.uint8)
    elif w * h * 12 <= 1 << 22:  # one bincount of (pixel, code): at most 32 MB of counts
        k = 12  # codes 0..9, other (10), missing (11)
        c = np.where(codes == MISSING, 11, np.minimum(codes, 10)).astype(np.int64)
        per = np.bincount(cell * k + c, minlength=w * h * k).reshape(w * h, k)
        best_code = per.argmax(axis=1)
        has = counts > 0
        colour[has] = np.where(best_code[has] == 11, MISSING, best_code[has]).astype(np.uint8)
    else:  # one pass per code present: memory stays a few pixel-sized arrays
        best = np.zeros(w * h, dtype=np.int64)
        for code in np.flatnonzero(np.bincount(codes, minlength=256)):
            per = np.bincount(cell[codes == code], minlength=w * h)
            better = per > best
            best[better] = per[better]
            colour[better] = code
    return counts.astype(np.uint32), colour


def _index_payload(index: Any) -> dict[str, Any] | None:
    import numpy as np

    from ..kernel.frames import json_value

    if index.dtype.kind in "iu" and len(index):
        values = index.to_numpy()
        if values.min() >= -(2**31) and values.max() < 2**31:
            return {"dtype": "int32", "data": _b64(values, "<i4")}
        return {"dtype": "float64", "data": _b64(values, "<f8")}
    if len(index) <= MAX_INDEX_LIST:
        return {"dtype": "list", "data": [json_value(v) for v in index]}
    return None


def _points_payload(x: Any, y: Any, codes: Any, index: Any) -> dict[str, Any]:
    return {
        "count": int(len(x)),
        "x": _b64(x, "<f4"),
        "y": _b64(y, "<f4"),
        "c": _b64(codes, "u1"),
        "index": _index_payload(index),
    }


def _point_in_polygon(x: Any, y: Any, polygon: Any) -> Any:
    """Boolean mask of the points inside a polygon (even-odd rule), vectorized: points sorted by y once;
    each edge toggles only the points in its band of y (a contiguous slice of the sorted points), so the
    work is about the points times how many edges a horizontal line crosses, not times every edge."""
    import numpy as np

    px, py = polygon[:, 0], polygon[:, 1]
    inside = np.zeros(len(x), dtype=bool)
    box = (x >= px.min()) & (x <= px.max()) & (y >= py.min()) & (y <= py.max())
    candidates = np.flatnonzero(box)
    if len(candidates) == 0:
        return inside
    cy = y[candidates]
    order = np.argsort(cy, kind="stable")
    sy = cy[order]
    sx = x[candidates][order]
    flags = np.zeros(len(candidates), dtype=bool)
    m = len(px)
    for i in range(m):
        ax, ay, bx, by = px[i], py[i], px[(i + 1) % m], py[(i + 1) % m]
        if ay == by:
            continue
        lo, hi = (ay, by) if ay < by else (by, ay)
        start = np.searchsorted(sy, lo, side="left")
        stop = np.searchsorted(sy, hi, side="left")  # half-open band [lo, hi): a vertex counts once
        if start >= stop:
            continue
        band_y = sy[start:stop]
        cross_x = ax + (band_y - ay) * (bx - ax) / (by - ay)
        flags[start:stop] ^= sx[start:stop] < cross_x
    inside[candidates[order[flags]]] = True
    return inside


def _window(params: dict[str, Any]) -> tuple[float, float, float, float] | None:
    keys = ("x_min", "x_max", "y_min", "y_max")
    values = [params.get(k) for k in keys]
    if all(v is None for v in values):
        return None
    if any(v is None for v in values):
        raise ParamError("a window needs all of x_min, x_max, y_min and y_max")
    x0, x1, y0, y1 = (float(v) for v in values)
    if not (x1 > x0 and y1 > y0):
        raise ParamError("a window needs x_min < x_max and y_min < y_max")
    return x0, x1, y0, y1


def _bounds(x: Any, y: Any) -> list[float]:
    import numpy as np

    if len(x) == 0:
        return [-1.0, 1.0, -1.0, 1.0]
    x0, x1, y0, y1 = float(np.min(x)), float(np.max(x)), float(np.min(y)), float(np.max(y))
    if x1 <= x0:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 <= y0:
        y0, y1 = y0 - 0.5, y1 + 0.5
    return [x0, x1, y0, y1]


class EmbeddingMap(Component):
    name = "embedding"
    title = "Embedding map"
    description = (
        "Every row as a point of a 2-D projection (PCA; UMAP or t-SNE when installed), coloured by a column, "
        "the label, the prediction or whether it is right. Drag to pan, wheel to zoom, shift-drag to lasso rows "
        "for every other view."
    )
    arity = (1, 3)
    kinds = ("dataframe", "array", "model")
    raw_objects = True
    pairings = ("model",)
    selects = True
    params_schema = model_params(
        method={"type": "string", "enum": ["pca", "umap", "tsne"], "default": "pca"},
        features={"type": ["string", "null"], "maxLength": 200, "default": None},
        fit_rows={"type": "integer", "minimum": 100, "maximum": 200_000, "default": 20_000},
        color_by={
            "type": "string",
            "enum": ["auto", "none", "column", "label", "prediction", "correct"],
            "default": "auto",
        },
        color={"type": ["string", "null"], "maxLength": 200, "default": None},
        max_points={"type": "integer", "minimum": 1_000, "maximum": 20_000_000, "default": 2_000_000},
        raster={"type": "integer", "minimum": 64, "maximum": 2048, "default": 512},
        sample={"type": "integer", "minimum": 0, "maximum": 500_000, "default": 50_000},
        x_min={"type": ["number", "null"], "default": None},
        x_max={"type": ["number", "null"], "default": None},
        y_min={"type": ["number", "null"], "default": None},
        y_max={"type": ["number", "null"], "default": None},
    )

    # -- server side ------------------------------------------------------------------------------

    def suggest(self, entries: Sequence[Entry], context: Context) -> Suggestion | None:
        if len(entries) != 1:  # pairs of frames are drift's and leakage's; models come as pairings
            return None
        (entry,) = entries
        if entry.get("kind") != "dataframe":
            return None
        profile = context.profiles.get(entry["name"])
        if not profile or profile.get("rows", 0) < 20:
            return None
        columns = profile.get("columns") or []
        numeric = [c for c in columns if c.get("kind") == "numeric" and not c.get("id_like") and not c.get("label_like")]
        vectors = [
            c for c in columns
            if c.get("kind") == "text" and any(h in str(c.get("name", "")).lower() for h in VECTOR_HINTS)
        ]
        label = next((c for c in columns if c.get("label_like")), None)
        colour = f", coloured by {label['name']}" if label else ""
        params: dict[str, Any] = {"color_by": "column", "color": label["name"]} if label else {}
        if label and label.get("kind") in ("numeric", "boolean"):
            params["label"] = label["name"]  # a label is what the map is coloured by, not a feature of it
        if vectors:
            name = vectors[0]["name"]
            return Suggestion(
                self.name, (entry["name"],), 0.35,
                f"The {profile['rows']:,} rows as a map of their vectors in {name}{colour}: clusters and strays",
                {"features": name, **params},
            )
        if len(numeric) < 3:
            return None
        return Suggestion(
            self.name, (entry["name"],), 0.25,
            f"The {profile['rows']:,} rows on a PCA map of {len(numeric)} numeric columns{colour}: clusters and strays",
            params,
        )

    def suggest_pairing(self, pairing: Any, context: Context) -> Suggestion | None:
        if pairing.kind != "model" or pairing.task not in ("classifier", "regressor", "unknown"):
            return None
        model, data = pairing.variables[0], pairing.variables[1]
        score = {"test": 0.5, None: 0.4, "train": 0.3}.get(pairing.split, 0.4)
        what = "where its mistakes are" if pairing.task != "regressor" else "where its errors are large"
        return Suggestion(
            self.name, pairing.variables, score,
            f"The rows of {data} on a PCA map of {model}'s features, coloured by {what}",
            {**dict(pairing.params), "color_by": "correct"},
        )

    # -- kernel side ------------------------------------------------------------------------------

    def compute(self, objects: Sequence[Any], params: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from ..kernel.frames import filter_mask

        window = _window(params)
        rows = rows_of(objects, params, state)
        projection = project(rows, params)
        xy = projection.xy
        total = len(xy)
        has_point = np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])
        mask = filter_mask(rows.frame, state)
        shown = has_point if mask is None else (has_point & mask)
        by, colour_name, values = _colour_values(rows, params)
        all_x, all_y = xy[:, 0], xy[:, 1]
        bounds = _bounds(all_x[has_point], all_y[has_point])
        in_view = shown
        if window is not None:
            x0, x1, y0, y1 = window
            in_view = shown & (all_x >= x0) & (all_x <= x1) & (all_y >= y0) & (all_y <= y1)
        positions = np.flatnonzero(in_view)
        result: dict[str, Any] = {
            "rows": total,
            "filtered_rows": int(shown.sum()),
            "in_window": int(len(positions)),
            "method": projection.method,
            "source": projection.source,
            "features": projection.features[:50],
            "features_total": len(projection.features),
            "explained": projection.explained,
            "fitted_rows": projection.fitted_rows,
            "bounds": bounds,
            "window": list(window) if window is not None else None,
            "color": {"by": by, "name": colour_name},
            "color_options": _colour_options(rows),
            "max_points": params["max_points"],
            "raster": None,
            "points": None,
            "sampled": False,
        }
        codes, legend = encode_colours(values, positions)
        if len(positions) <= params["max_points"]:
            result["points"] = _points_payload(all_x[positions], all_y[positions], codes, rows.frame.index[positions])
            result["mode"] = "points"
        else:
            size = params["raster"]
            rb = window if window is not None else tuple(bounds)
            counts, colour = density_raster(
                all_x[positions], all_y[positions], codes, rb, size, legend.get("kind") == "continuous"
            )
            result["raster"] = {
                "width": size,
                "height": size,
                "bounds": list(rb),
                "counts": _b64(counts, "<u4"),
                "color": _b64(colour, "u1"),
                "max": int(counts.max()) if len(counts) else 0,
            }
            k = min(params["sample"], len(positions))
            pick = np.sort(np.random.default_rng(0).choice(len(positions), k, replace=False)) if k else np.array([], dtype=np.int64)
            sample = positions[pick]
            result["points"] = _points_payload(all_x[sample], all_y[sample], codes[pick], rows.frame.index[sample])
            result["mode"] = "raster"
            result["sampled"] = True
        result["color"].update(legend)
        return result

    def select(self, objects: Sequence[Any], params: dict[str, Any], spec: dict[str, Any]) -> Any:
        """The rows whose point lies inside ``spec.polygon`` ([[x, y], …] in projection coordinates)."""
        import numpy as np

        polygon = spec.get("polygon")
        if not isinstance(polygon, list) or not 3 <= len(polygon) <= 2000:
            raise ParamError("a lasso selection needs a polygon of 3 to 2000 [x, y] points")
        try:
            vertices = np.array([[float(p[0]), float(p[1])] for p in polygon], dtype=np.float64)
        except (TypeError, ValueError, IndexError, KeyError):
            raise ParamError("a lasso polygon's points are [x, y] pairs of numbers") from None
        if vertices.shape != (len(polygon), 2) or not np.all(np.isfinite(vertices)):
            raise ParamError("a lasso polygon's points are [x, y] pairs of finite numbers")
        rows = rows_of(objects, params, None)
        xy = project(rows, params).xy
        finite = np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])
        x = np.where(finite, xy[:, 0], np.inf).astype(np.float64)
        y = np.where(finite, xy[:, 1], np.inf).astype(np.float64)
        inside = _point_in_polygon(x, y, vertices)
        return rows.frame.index[inside]
