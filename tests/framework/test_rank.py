"""Ranks, tiers and top-n within each year, with their declared tie rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.rank import rank_scores, tiers_by_quantile, tiers_by_threshold, top_n


def scores(by_year: dict[int, list[float]]) -> pd.Series:
    tuples, data = [], []
    for year, vals in by_year.items():
        for i, v in enumerate(vals):
            tuples.append((year, f"BU{i:04d}"))
            data.append(v)
    idx = pd.MultiIndex.from_tuples(tuples, names=["year", "area_code"])
    return pd.Series(data, index=idx, dtype=float, name="score")


def test_rank_min_ties_skip_and_nan_within_year() -> None:
    s = scores({2020: [9, 8, 8, 7, np.nan], 2021: [1, 2, 3, 4, 5]})
    r = rank_scores(s)
    assert str(r.dtype) == "Int64"
    assert r.xs(2020).tolist()[:4] == [1, 2, 2, 4]
    assert r.xs(2020).isna().tolist() == [False] * 4 + [True]
    assert r.xs(2021).tolist() == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(("ties", "expected"), [
    ("min", [1, 2, 2, 4]), ("max", [1, 3, 3, 4]), ("dense", [1, 2, 2, 3])])
def test_rank_tie_rules(ties: str, expected: list[int]) -> None:
    assert rank_scores(scores({2020: [9, 8, 8, 7]}), ties=ties).tolist() == expected


def test_rank_ascending_and_pooled() -> None:
    s = scores({2020: [3, 1], 2021: [2, 4]})
    assert rank_scores(s, ascending=True).tolist() == [2, 1, 1, 2]
    assert rank_scores(s, by_year=False).tolist() == [2, 4, 3, 1]


def test_rank_rejects_unknown_tie_rule() -> None:
    with pytest.raises(FrameworkError, match="ties"):
        rank_scores(scores({2020: [1, 2]}), ties="first")  # type: ignore[arg-type]


def test_rank_matches_scipy_rankdata_min() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    vals = rng.integers(0, 20, 200).astype(float)  # many ties
    s = scores({2020: list(vals)})
    expected = stats.rankdata(-vals, method="min")
    assert rank_scores(s).to_numpy(dtype=int).tolist() == expected.tolist()


def test_quantile_tiers_sizes_and_labels() -> None:
    s = scores({2020: list(range(10)), 2021: list(range(7))})
    t = tiers_by_quantile(s, [0.2, 0.4], ["hoog", "midden", "laag"])
    assert t.cat.ordered and list(t.cat.categories) == ["hoog", "midden", "laag"]
    counts = t.xs(2020).value_counts().to_dict()
    assert counts == {"hoog": 2, "midden": 2, "laag": 6}
    # 7 areas: the lowest tier holds ceil(0.2 * 7) = 2 areas, the next ceil(0.4 * 7) - 2 = 1
    assert t.xs(2021).tolist() == ["hoog", "hoog", "midden"] + ["laag"] * 4


def test_quantile_tie_across_cut_goes_to_lower_tier_and_nan_stays_nan() -> None:
    s = scores({2020: [1, 2, 2, 2, 5, 6, 7, 8, 9, np.nan]})
    t = tiers_by_quantile(s, [0.2])
    # 9 scored areas; area with 1 has 0 below -> tier 1; the three tied 2s have 1/9 below
    assert t.tolist()[:5] == ["klasse 1"] * 4 + ["klasse 2"]
    assert pd.isna(t.iloc[-1])


def test_quantile_float_cut_is_exact() -> None:
    # 0.3 * 10 = 3.0000000000000004 in floating point: still exactly 3 areas in tier 1
    t = tiers_by_quantile(scores({2020: list(range(10))}), [0.3])
    assert (t == "klasse 1").sum() == 3


def test_quantile_bad_input() -> None:
    s = scores({2020: [1, 2, 3]})
    with pytest.raises(FrameworkError):
        tiers_by_quantile(s, [0.4, 0.2])
    with pytest.raises(FrameworkError):
        tiers_by_quantile(s, [1.2])
    with pytest.raises(FrameworkError, match="labels"):
        tiers_by_quantile(s, [0.2], ["a", "b", "c"])


def test_threshold_tiers_boundary_goes_up() -> None:
    s = scores({2020: [80, 90, 99.9, 100, 130, np.nan]})
    t = tiers_by_threshold(s, [90, 100], ["onder", "rond", "boven"])
    assert t.tolist()[:5] == ["onder", "rond", "rond", "boven", "boven"]
    assert pd.isna(t.iloc[5])


def test_top_n_lowest_highest_ties_and_nan() -> None:
    s = scores({2020: [3, 1, 1, 2, np.nan], 2021: [5, 4, 3, 2, 1]})
    sel = top_n(s, 1)
    assert sel.dtype == bool
    assert sel.xs(2020).tolist() == [False, True, True, False, False]  # tie: both selected
    assert sel.xs(2021).tolist() == [False, False, False, False, True]
    assert top_n(s, 2, lowest=False).xs(2021).tolist() == [True, True, False, False, False]
    assert top_n(scores({2020: [np.nan, np.nan]}), 1).tolist() == [False, False]


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_top_n_rejects_bad_n(n: object) -> None:
    with pytest.raises(FrameworkError):
        top_n(scores({2020: [1.0]}), n)  # type: ignore[arg-type]
