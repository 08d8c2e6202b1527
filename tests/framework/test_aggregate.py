"""Aggregation (mean, geomean, topsis) and per-child contributions.

Worked examples: COINr's ``a_amean`` / ``a_gmean`` roxygen examples (R/aggregate.R) and the
TOPSIS example in pymcdm's docstring (after Hwang & Yoon 1981). Equivalence with pymcdm and
scikit-criteria runs when those (test-only) libraries are installed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.aggregate import (
    aggregate_geomean,
    aggregate_mean,
    aggregate_topsis,
    contributions,
)
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.rank import rank_scores
from wijkkompas.framework.registry import AGGREGATE

METHODS = {"mean": aggregate_mean, "geomean": aggregate_geomean, "topsis": aggregate_topsis}


def new_ctx() -> StepContext:
    return StepContext(directions=pd.Series(dtype=float))


def frame(data: np.ndarray, years: list[int] | None = None) -> pd.DataFrame:
    data = np.asarray(data, dtype=float)
    n = data.shape[0]
    years = years or [2020] * n
    idx = pd.MultiIndex.from_arrays([years, [f"BU{i:04d}" for i in range(n)]],
                                    names=["year", "area_code"])
    return pd.DataFrame(data, index=idx, columns=[f"i{j}" for j in range(data.shape[1])])


def random_case(seed: int, n: int = 50, k: int = 8) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    raw = rng.uniform(1, 100, size=(n, k)) * rng.uniform(0.1, 10, size=k)
    w = rng.uniform(0.1, 1, size=k)
    v = frame(raw)
    return v, pd.Series(w / w.sum(), index=v.columns)


def minmax(v: pd.DataFrame) -> pd.DataFrame:
    return (v - v.min()) / (v.max() - v.min())


# --------------------------------------------------------------------------- worked examples


def test_registered_names_and_params() -> None:
    assert {"mean", "geomean", "topsis"} <= set(AGGREGATE.names())
    assert AGGREGATE.get("geomean").check_params({}) == {"min_share": 0.5, "shift": None}
    assert AGGREGATE.get("topsis").check_params({}) == {"min_share": 0.5}


def test_coinr_amean_example() -> None:
    # COINr a_amean example: x = 1:10, w = 10:1 -> sum(w x) / sum(w) = 220 / 55 = 4
    v = frame([list(range(1, 11))])
    w = pd.Series(range(10, 0, -1), index=v.columns, dtype=float)
    ctx = new_ctx()
    assert aggregate_mean(v, w, ctx).iloc[0] == pytest.approx(4.0)
    assert len([m for m in ctx.warnings if "herschaald" in m]) == 1


def test_coinr_gmean_example_equal_weights() -> None:
    v = frame([list(range(1, 11))])
    w = pd.Series(0.1, index=v.columns)
    assert aggregate_geomean(v, w, new_ctx()).iloc[0] == pytest.approx(
        math.factorial(10) ** 0.1)


def test_compensability_mean_vs_geomean() -> None:
    # JRC Handbook 2008 sec. 6.2: the geometric mean rewards balanced profiles
    v = frame([[1.0, 100.0], [50.5, 50.5]])
    w = pd.Series([0.5, 0.5], index=v.columns)
    mean = aggregate_mean(v, w, new_ctx())
    geo = aggregate_geomean(v, w, new_ctx())
    assert mean.tolist() == [50.5, 50.5]
    assert geo.iloc[0] == pytest.approx(10.0) and geo.iloc[1] == pytest.approx(50.5)


def test_topsis_pymcdm_docstring_example() -> None:
    # pymcdm TOPSIS docstring: [[1, 3000], [2, 3750], [5, 4500]], w = (.5, .5), types
    # (-1, 1) -> (0.500, 0.617, 0.500); the cost column is negated to make it benefit-type.
    v = frame([[-1, 3000], [-2, 3750], [-5, 4500]])
    s = aggregate_topsis(v, pd.Series([0.5, 0.5], index=v.columns), new_ctx())
    np.testing.assert_allclose(s.to_numpy(), [50.0, 61.7218, 50.0], atol=1e-4)


# --------------------------------------------------------------------------- missing data


def test_mean_renormalises_over_available_children() -> None:
    v = frame([[10, np.nan, 40], [10, 20, 40]])
    w = pd.Series([0.5, 0.25, 0.25], index=v.columns)
    s = aggregate_mean(v, w, new_ctx())
    assert s.iloc[0] == pytest.approx((0.5 * 10 + 0.25 * 40) / 0.75)
    assert s.iloc[1] == pytest.approx(17.5 + 2.5 + 5.0 - 5.0)


@pytest.mark.parametrize("method", list(METHODS))
def test_min_share_gives_nan_and_names_area(method: str) -> None:
    v = frame([[np.nan, np.nan, 4], [1, 2, 3], [2, 3, 5], [3, 1, 2]])
    w = pd.Series([0.4, 0.4, 0.2], index=v.columns)
    ctx = new_ctx()
    s = METHODS[method](v, w, ctx)
    assert np.isnan(s.iloc[0]) and s.iloc[1:].notna().all()
    assert any("BU0000 (2020)" in m and "gewichtsaandeel < 0.5" in m for m in ctx.warnings)
    # share 0.2 is enough with min_share=0.2
    assert METHODS[method](v, w, new_ctx(), min_share=0.2).notna().all()


def test_weight_errors() -> None:
    v = frame([[1, 2]])
    with pytest.raises(FrameworkError, match="geen gewicht voor i1"):
        aggregate_mean(v, pd.Series({"i0": 1.0}), new_ctx())
    with pytest.raises(FrameworkError, match="negatief"):
        aggregate_mean(v, pd.Series({"i0": 1.0, "i1": -1.0}), new_ctx())
    with pytest.raises(FrameworkError, match="min_share"):
        aggregate_mean(v, pd.Series({"i0": 1.0, "i1": 1.0}), new_ctx(), min_share=1.5)


# --------------------------------------------------------------------------- geomean policy


def test_geomean_zero_is_an_error_naming_child_and_area() -> None:
    v = frame([[1, 2], [0, 3]])
    w = pd.Series([0.5, 0.5], index=v.columns)
    with pytest.raises(FrameworkError, match=r"i0 voor BU0001 \(2020\)"):
        aggregate_geomean(v, w, new_ctx())


def test_geomean_shift_is_added_and_removed() -> None:
    v = frame([[0, 0], [0, 8], [5, 5]])
    s = aggregate_geomean(v, pd.Series([0.5, 0.5], index=v.columns), new_ctx(), shift=1.0)
    np.testing.assert_allclose(s.to_numpy(), [0.0, 2.0, 5.0])  # sqrt(1 * 9) - 1 = 2


# --------------------------------------------------------------------------- topsis policies


def test_topsis_constant_child_warns_and_is_ignored() -> None:
    v = frame([[1, 5, 3], [2, 5, 1], [3, 5, 2]])
    w = pd.Series([0.3, 0.3, 0.4], index=v.columns)
    ctx = new_ctx()
    with_const = aggregate_topsis(v, w, ctx)
    assert any("i1 constant in 2020" in m for m in ctx.warnings)
    without = aggregate_topsis(v[["i0", "i2"]], w[["i0", "i2"]], new_ctx())
    np.testing.assert_allclose(with_const.to_numpy(), without.to_numpy())
    ctx = new_ctx()
    assert aggregate_topsis(v[["i1"]], w[["i1"]], ctx).isna().all()
    assert any("alleen constante" in m for m in ctx.warnings)


def test_topsis_is_per_year_and_affine_invariant() -> None:
    v, w = random_case(11, n=20, k=4)
    v.index = v.index.set_levels([2020], level="year")
    later = (v * 3 + 7).set_axis(v.index.set_levels([2021], level="year"))
    both = pd.concat([v, later])
    s = aggregate_topsis(both, w, new_ctx())
    np.testing.assert_allclose(s.xs(2020).to_numpy(), s.xs(2021).to_numpy(), atol=1e-10)
    np.testing.assert_allclose(s.xs(2020).to_numpy(),
                               aggregate_topsis(v, w, new_ctx()).to_numpy(), atol=1e-10)


def test_topsis_missing_child_uses_available_columns() -> None:
    v = frame([[1, 20, np.nan], [2, 30, 5], [3, 10, 1]])
    w = pd.Series([0.5, 0.3, 0.2], index=v.columns)
    s = aggregate_topsis(v, w, new_ctx())
    r = np.array([0.0, 0.5])  # first row in min-max space of i0 and i1
    d_minus = np.sqrt(((w.iloc[:2].to_numpy() * r) ** 2).sum())
    d_plus = np.sqrt(((w.iloc[:2].to_numpy() * (1 - r)) ** 2).sum())
    assert s.iloc[0] == pytest.approx(100 * d_minus / (d_minus + d_plus))


def test_ties_are_not_broken() -> None:
    v = frame([[1, 2], [2, 1], [1, 2]])
    w = pd.Series([0.5, 0.5], index=v.columns)
    for func in METHODS.values():
        s = func(v, w, new_ctx())
        assert s.iloc[0] == s.iloc[2]


# --------------------------------------------------------------------------- contributions


def test_mean_contributions_sum_exactly_with_missing_and_given_reference() -> None:
    v = frame([[10, np.nan, 40], [10, 20, 40], [30, 50, 60]])
    w = pd.Series([0.5, 0.25, 0.25], index=v.columns)
    ref = pd.Series({"i0": 20.0, "i1": 30.0, "i2": 50.0})
    c = contributions(v, w, ref, "mean")
    score = aggregate_mean(v, w, new_ctx())
    ref_score = pd.Series([(0.5 * 20 + 0.25 * 50) / 0.75, 30.0, 30.0], index=v.index)
    np.testing.assert_allclose(c.sum(axis=1).to_numpy(), (score - ref_score).to_numpy(),
                               atol=1e-12)
    assert np.isnan(c.iloc[0, 1])
    assert c.iloc[0, 0] == pytest.approx(0.5 / 0.75 * (10 - 20))


@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("seed", [0, 1])
def test_contributions_sum_to_score_difference(method: str, seed: int) -> None:
    v, w = random_case(seed, n=30, k=6)
    v = v.set_axis(pd.MultiIndex.from_arrays(
        [[2020] * 15 + [2021] * 15, v.index.get_level_values("area_code")],
        names=["year", "area_code"]))
    v.iloc[3, 2] = np.nan
    ref = v.groupby(level="year").transform("mean")
    c = contributions(v, w, None, method)
    score = METHODS[method](v, w, new_ctx())
    if method == "topsis":
        # reference score in each year's min-max space, over the same available children
        lo, hi = v.groupby(level="year").transform("min"), v.groupby(level="year").transform("max")
        r_ref, avail = (ref - lo) / (hi - lo), v.notna().to_numpy()
        wm = np.where(avail, w.to_numpy(), 0.0)
        dm = np.sqrt(((wm * r_ref.to_numpy()) ** 2).sum(axis=1))
        dp = np.sqrt(((wm * (1 - r_ref.to_numpy())) ** 2).sum(axis=1))
        ref_score = 100 * dm / (dm + dp)
    else:
        ref_score = METHODS[method](ref.where(v.notna()), w, new_ctx()).to_numpy()
    np.testing.assert_allclose(c.sum(axis=1).to_numpy(), score.to_numpy() - ref_score,
                               atol=1e-9)
    dev = (v - ref).to_numpy()
    signs = np.sign(c.to_numpy())[np.abs(dev) > 1e-9]
    assert (signs == np.sign(dev[np.abs(dev) > 1e-9])).all()  # sign of the child's deviation


def test_topsis_contributions_match_a_brute_force_path_integral() -> None:
    # integrated gradients by finite differences on a fine grid, independent of the code
    v = frame([[1, 7, 3], [4, 2, 9], [2, 5, 5], [8, 1, 2], [6, 9, 4]])
    w = pd.Series([0.5, 0.3, 0.2], index=v.columns)
    r = minmax(v).to_numpy()
    r_ref = ((v.mean() - v.min()) / (v.max() - v.min())).to_numpy()
    wv = w.to_numpy()

    def closeness(p: np.ndarray) -> np.ndarray:
        dm = np.sqrt(((wv * p) ** 2).sum(axis=-1))
        dp = np.sqrt(((wv * (1 - p)) ** 2).sum(axis=-1))
        return 100 * dm / (dm + dp)

    t = (np.arange(4000) + 0.5) / 4000
    expected = np.zeros_like(r)
    for j in range(3):
        step = np.zeros(3)
        step[j] = 1e-6
        path = r_ref + t[:, None, None] * (r - r_ref)[None]
        grad = (closeness(path + step) - closeness(path - step)) / 2e-6
        expected[:, j] = grad.mean(axis=0) * (r - r_ref)[:, j]
    c = contributions(v, w, None, "topsis")
    np.testing.assert_allclose(c.to_numpy(), expected, atol=1e-4)


def test_contributions_of_reference_row_are_zero() -> None:
    v = frame([[10, 20], [30, 40]])
    w = pd.Series([0.5, 0.5], index=v.columns)
    ref = pd.Series({"i0": 10.0, "i1": 20.0})
    for method in METHODS:
        assert np.abs(contributions(v, w, ref, method).iloc[0]).max() < 1e-9


def test_contributions_unknown_method() -> None:
    with pytest.raises(FrameworkError, match="kies uit"):
        contributions(frame([[1.0]]), pd.Series({"i0": 1.0}), None, "median")


# --------------------------------------------------------------------------- libraries


SEEDS = [0, 1, 2, 3, 4]


@pytest.mark.parametrize("seed", SEEDS)
def test_topsis_equals_pymcdm_on_raw_matrix(seed: int) -> None:
    methods = pytest.importorskip("pymcdm.methods")
    v, w = random_case(seed)
    ours = aggregate_topsis(v, w, new_ctx())
    theirs = methods.TOPSIS()(v.to_numpy(), w.to_numpy(), np.ones(v.shape[1]))
    np.testing.assert_allclose(ours.to_numpy(), 100 * theirs, atol=1e-9)
    expected = pd.Series(theirs, index=v.index).rank(method="min", ascending=False)
    assert rank_scores(ours).tolist() == expected.astype(int).tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_topsis_and_wsm_equal_scikit_criteria_on_minmax_matrix(seed: int) -> None:
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.agg.topsis import TOPSIS

    v, w = random_case(seed)
    mm = minmax(v)
    dm = skc.mkdm(mm.to_numpy(), objectives=[max] * v.shape[1], weights=w.to_numpy())
    topsis = TOPSIS().evaluate(dm)
    ours = aggregate_topsis(mm, w, new_ctx())
    np.testing.assert_allclose(ours.to_numpy(), 100 * topsis.e_.similarity, atol=1e-9)
    assert rank_scores(ours).tolist() == topsis.rank_.tolist()
    wsm = WeightedSumModel().evaluate(dm)
    mean = aggregate_mean(mm, w, new_ctx())
    np.testing.assert_allclose(mean.to_numpy(), wsm.e_.score, atol=1e-12)
    assert rank_scores(mean).tolist() == wsm.rank_.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_mean_equals_pymcdm_wsm_without_normalisation(seed: int) -> None:
    methods = pytest.importorskip("pymcdm.methods")
    v, w = random_case(seed)
    wsm = methods.WSM(normalization_function=lambda x, cost: x)
    theirs = wsm(v.to_numpy(), w.to_numpy(), np.ones(v.shape[1]))
    ours = aggregate_mean(v, w, new_ctx())
    np.testing.assert_allclose(ours.to_numpy(), theirs, rtol=1e-12)
    expected = pd.Series(theirs, index=v.index).rank(method="min", ascending=False)
    assert rank_scores(ours).tolist() == expected.astype(int).tolist()


# --------------------------------------------------------------------------- properties

MATRIX = arrays(np.float64, st.tuples(st.integers(3, 8), st.integers(2, 5)),
                elements=st.floats(0.5, 100, allow_nan=False))
PROPS = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(data=MATRIX, method=st.sampled_from(list(METHODS)), delta=st.floats(0, 50),
       cell=st.tuples(st.integers(0, 100), st.integers(0, 100)))
def test_improving_a_child_never_lowers_the_score(data: np.ndarray, method: str,
                                                  delta: float, cell: tuple[int, int]) -> None:
    v = frame(data)
    w = pd.Series(np.linspace(1, 2, v.shape[1]), index=v.columns)
    i, j = cell[0] % v.shape[0], cell[1] % v.shape[1]
    better = v.copy()
    better.iloc[i, j] += delta
    before = METHODS[method](v, w, new_ctx()).iloc[i]
    after = METHODS[method](better, w, new_ctx()).iloc[i]
    if np.isfinite(before) and np.isfinite(after):
        assert after >= before - 1e-9


@PROPS
@given(data=MATRIX, method=st.sampled_from(list(METHODS)), factor=st.floats(1e-3, 1e3))
def test_scaling_all_weights_changes_nothing(data: np.ndarray, method: str,
                                             factor: float) -> None:
    v = frame(data)
    w = pd.Series(np.linspace(0.1, 1, v.shape[1]), index=v.columns)
    a = METHODS[method](v, w, new_ctx())
    b = METHODS[method](v, w * factor, new_ctx())
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-9)


@PROPS
@given(data=MATRIX, method=st.sampled_from(["mean", "geomean"]),
       holes=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), max_size=10))
def test_no_nan_leaks_into_rows_with_enough_data(data: np.ndarray, method: str,
                                                 holes: list[tuple[int, int]]) -> None:
    v = frame(data)
    for i, j in holes:
        v.iloc[i % v.shape[0], j % v.shape[1]] = np.nan
    w = pd.Series(1.0, index=v.columns)
    s = METHODS[method](v, w, new_ctx())
    enough = v.notna().mean(axis=1) >= 0.5
    assert s[enough].notna().all() and s[~enough].isna().all()


@PROPS
@given(data=MATRIX, holes=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)),
                                   max_size=6))
def test_topsis_nan_only_where_not_enough_data_or_all_constant(
        data: np.ndarray, holes: list[tuple[int, int]]) -> None:
    v = frame(data)
    for i, j in holes:
        v.iloc[i % v.shape[0], j % v.shape[1]] = np.nan
    s = aggregate_topsis(v, pd.Series(1.0, index=v.columns), new_ctx())
    varying = (v.max() > v.min()).to_numpy()
    has_varying = (v.notna().to_numpy() & varying).any(axis=1)
    enough = (v.notna().mean(axis=1) >= 0.5).to_numpy()
    assert s[enough & has_varying].between(0, 100).all()
    assert s[~enough].isna().all()
