"""Weighting methods: manual, equal and PCA (COINr ``get_PCA``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import WEIGHT
from wijkkompas.framework.weights import weight_equal, weight_manual, weight_pca


@pytest.fixture
def ctx() -> StepContext:
    return StepContext(directions=pd.Series(dtype=float))


def frame(data: np.ndarray, years: list[int] | None = None) -> pd.DataFrame:
    n = data.shape[0]
    years = years or [2020] * n
    idx = pd.MultiIndex.from_arrays([years, [f"BU{i:04d}" for i in range(n)]],
                                    names=["year", "area_code"])
    return pd.DataFrame(data, index=idx, columns=[f"i{j}" for j in range(data.shape[1])])


def hand_example() -> pd.DataFrame:
    """Three children with correlation matrix [[1, .8, 0], [.8, 1, 0], [0, 0, 1]].

    u, v, z are orthogonal zero-mean contrasts; x1 = u, x2 = 0.8 u + 0.6 v, x3 = z. The
    eigenvalues are 1.8, 1 and 0.2, and the first PC is (1, 1, 0)/sqrt(2), so both the squared
    and the raw (COINr) loadings give weights (0.5, 0.5, 0).
    """
    u = np.array([1, 1, -1, -1], dtype=float)
    v = np.array([1, -1, 1, -1], dtype=float)
    z = np.array([1, -1, -1, 1], dtype=float)
    return frame(np.column_stack([u + 5, 0.8 * u + 0.6 * v + 5, z + 5]))


def test_registered_names_and_params() -> None:
    assert {"manual", "equal", "pca"} <= set(WEIGHT.names())
    assert WEIGHT.get("pca").check_params({"loadings": "raw"}) == {"loadings": "raw",
                                                                     "year": None}
    with pytest.raises(FrameworkError, match="geldig: loadings, year"):
        WEIGHT.get("pca").check_params({"rotation": "varimax"})


def test_manual_normalises_and_warns(ctx: StepContext) -> None:
    v = frame(np.ones((3, 3)))
    w = weight_manual(v, pd.Series({"i2": 2.0, "i0": 1.0, "i1": 1.0, "gone": 5.0}), ctx)
    assert w.index.tolist() == ["i0", "i1", "i2"]
    assert w.tolist() == [0.25, 0.25, 0.5]
    assert any("herschaald" in m for m in ctx.warnings)
    assert any("gone" in m for m in ctx.warnings)


def test_manual_no_warning_when_summing_to_one(ctx: StepContext) -> None:
    v = frame(np.ones((3, 2)))
    weight_manual(v, pd.Series({"i0": 0.3, "i1": 0.7}), ctx)
    assert ctx.warnings == []


@pytest.mark.parametrize(("nominal", "match"), [
    ({"i0": -1.0, "i1": 2.0}, "negatief gewicht voor i0"),
    ({"i0": 1.0}, "geen gewicht voor i1"),
    ({"i0": 0.0, "i1": 0.0}, "nul"),
    ({"i0": np.nan, "i1": 1.0}, "ontbrekend"),
])
def test_manual_errors(ctx: StepContext, nominal: dict[str, float], match: str) -> None:
    with pytest.raises(FrameworkError, match=match):
        weight_manual(frame(np.ones((2, 2))), pd.Series(nominal), ctx)


def test_equal(ctx: StepContext) -> None:
    w = weight_equal(frame(np.ones((2, 4))), pd.Series({"i0": 9.0}), ctx)
    assert w.to_dict() == {"i0": 0.25, "i1": 0.25, "i2": 0.25, "i3": 0.25}


@pytest.mark.parametrize("loadings", ["squared", "raw"])
def test_pca_hand_example(ctx: StepContext, loadings: str) -> None:
    w = weight_pca(hand_example(), pd.Series(dtype=float), ctx, loadings=loadings)
    np.testing.assert_allclose(w.to_numpy(), [0.5, 0.5, 0.0], atol=1e-12)
    assert ctx.warnings == []


def correlated(seed: int, n: int = 60, k: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    loads = rng.uniform(0.3, 1.0, size=(1, k))
    return frame(latent @ loads + rng.normal(scale=0.7, size=(n, k)) * rng.uniform(0.5, 3, k))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pca_matches_sklearn_on_standardised_data(ctx: StepContext, seed: int) -> None:
    decomposition = pytest.importorskip("sklearn.decomposition")
    v = correlated(seed)
    x = v.to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)  # prcomp(center=TRUE, scale=TRUE)
    pc1 = decomposition.PCA(n_components=1).fit(z).components_[0]
    w = weight_pca(v, pd.Series(dtype=float), ctx)
    np.testing.assert_allclose(w.to_numpy(), pc1**2, atol=1e-10)
    pc1 = pc1 * np.sign(pc1.sum())
    raw = weight_pca(v, pd.Series(dtype=float), ctx, loadings="raw")
    np.testing.assert_allclose(raw.to_numpy(), pc1 / pc1.sum(), atol=1e-10)


def test_pca_is_deterministic_and_keyed_by_code(ctx: StepContext) -> None:
    v = correlated(4)
    w = weight_pca(v, pd.Series(dtype=float), ctx, loadings="raw")
    reordered = weight_pca(v[v.columns[::-1]], pd.Series(dtype=float), ctx, loadings="raw")
    flipped = weight_pca(-v + 100, pd.Series(dtype=float), ctx, loadings="raw")
    pd.testing.assert_series_equal(w, reordered.reindex(w.index), atol=1e-12)
    pd.testing.assert_series_equal(w, flipped, atol=1e-12)
    assert w.sum() == pytest.approx(1.0)


def test_pca_drops_incomplete_rows_with_warning(ctx: StepContext) -> None:
    v = correlated(5)
    full = weight_pca(v, pd.Series(dtype=float), ctx)
    extra = v.copy()
    extra.iloc[:5, 1] = np.nan
    w = weight_pca(extra, pd.Series(dtype=float), ctx)
    assert any("5 rij(en)" in m for m in ctx.warnings)
    expected = weight_pca(v.iloc[5:], pd.Series(dtype=float), StepContext(pd.Series(dtype=float)))
    pd.testing.assert_series_equal(w, expected)
    assert not np.allclose(w, full)


def test_pca_year_parameter(ctx: StepContext) -> None:
    a, b = correlated(6, n=30), correlated(7, n=30)
    both = pd.concat([a, b.set_axis(b.index.set_levels([2021], level="year"))])
    w = weight_pca(both, pd.Series(dtype=float), ctx, year=2021)
    pd.testing.assert_series_equal(w, weight_pca(b, pd.Series(dtype=float), ctx))


@pytest.mark.parametrize(("data", "match"), [
    (np.ones((2, 3)) + np.arange(3), "te weinig complete rijen"),
    (np.arange(5.0)[:, None], "maar een indicator"),
])
def test_pca_falls_back_to_equal(ctx: StepContext, data: np.ndarray, match: str) -> None:
    w = weight_pca(frame(data), pd.Series(dtype=float), ctx)
    np.testing.assert_allclose(w.to_numpy(), np.full(data.shape[1], 1 / data.shape[1]))
    assert any(match in m for m in ctx.warnings)


def test_pca_uncorrelated_children_fall_back_to_equal(ctx: StepContext) -> None:
    u = np.array([1, 1, -1, -1], dtype=float)
    v = np.array([1, -1, 1, -1], dtype=float)
    w = weight_pca(frame(np.column_stack([u, v])), pd.Series(dtype=float), ctx)
    assert w.tolist() == [0.5, 0.5]
    assert any("niet eenduidig" in m for m in ctx.warnings)


def test_pca_constant_child_gets_zero(ctx: StepContext) -> None:
    v = hand_example()
    v["i3"] = 7.0
    w = weight_pca(v, pd.Series(dtype=float), ctx)
    np.testing.assert_allclose(w.to_numpy(), [0.5, 0.5, 0.0, 0.0], atol=1e-12)
    assert any("i3 constant" in m for m in ctx.warnings)


def test_pca_raw_negative_loading_is_an_error(ctx: StepContext) -> None:
    rng = np.random.default_rng(8)
    t = rng.normal(size=50)
    v = frame(np.column_stack([t, t + rng.normal(scale=.1, size=50), -t + rng.normal(size=50)]))
    with pytest.raises(FrameworkError, match="negatieve lading voor i2"):
        weight_pca(v, pd.Series(dtype=float), ctx, loadings="raw")
    w = weight_pca(v, pd.Series(dtype=float), ctx)  # squared: fine, all >= 0
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    with pytest.raises(FrameworkError, match="loadings"):
        weight_pca(v, pd.Series(dtype=float), ctx, loadings="varimax")
