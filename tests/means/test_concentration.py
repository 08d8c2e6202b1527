"""The concentration index: a hand-computed example, an independent implementation, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from wijkkompas.means.allocation import reallocate
from wijkkompas.means.concentration import (
    concentration_curve,
    concentration_index,
    fractional_rank,
    index_from_curve,
)


def _series(*values: list[float]) -> list[pd.Series]:
    index = [f"A{i}" for i in range(len(values[0]))]
    return [pd.Series(v, index=index, dtype=float) for v in values]


def test_hand_computed_example() -> None:
    # Three areas, from the least to the most need: inhabitants 100, 100, 200; euros per
    # inhabitant 1, 2, 3. W = 400; R = (0 + 50)/400 = .125, (100 + 50)/400 = .375,
    # (200 + 100)/400 = .75; mean_w(y) = (100 + 200 + 600)/400 = 2.25;
    # cov_w = [100(-1.25)(-.375) + 100(-.25)(-.125) + 200(.75)(.25)]/400 = .21875;
    # CI = 2 · .21875 / 2.25 = 7/36.
    y, w, need = _series([1, 2, 3], [100, 100, 200], [1, 2, 3])
    assert fractional_rank(w.to_numpy(), need.to_numpy()) == pytest.approx([.125, .375, .75])
    assert concentration_index(y, w, need) == pytest.approx(7 / 36, abs=1e-15)


def test_hand_computed_example_with_a_tie() -> None:
    # The first two areas tie on need: both get the rank of their group, (0 + 200/2)/400 = .25;
    # cov_w = [100(-1.25)(-.25) + 100(-.25)(-.25) + 200(.75)(.25)]/400 = .1875; CI = 1/6.
    y, w, need = _series([1, 2, 3], [100, 100, 200], [5, 5, 9])
    assert fractional_rank(w.to_numpy(), need.to_numpy()) == pytest.approx([.25, .25, .75])
    assert concentration_index(y, w, need) == pytest.approx(1 / 6, abs=1e-15)


def _individual_level(y: np.ndarray, w: np.ndarray, need: np.ndarray) -> float:
    """Independent: expand every area into its inhabitants, rank the people with scipy
    (ties: average rank), fractional rank (r − ½)/N, plain covariance with numpy."""
    people_y = np.repeat(y, w)
    people_need = np.repeat(need, w)
    n = len(people_y)
    rank = (rankdata(people_need, method="average") - 0.5) / n
    return float(2 * np.cov(people_y, rank, bias=True)[0, 1] / people_y.mean())


def _weighted_numpy(y: np.ndarray, w: np.ndarray, need: np.ndarray) -> float:
    """Independent: numpy's weighted covariance, ranks by explicit sorting of tie groups."""
    order = np.argsort(need, kind="stable")
    rank = np.empty(len(y))
    total = w.sum()
    cum = 0.0
    for level in np.unique(need[order]):
        members = need == level
        group = w[members].sum()
        rank[members] = (cum + group / 2) / total
        cum += group
    cov = np.cov(y, rank, aweights=w, bias=True)[0, 1]
    return float(2 * cov / np.average(y, weights=w))


@pytest.mark.parametrize("seed", range(6))
def test_against_independent_implementations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 9
    w = rng.integers(1, 60, n)
    y = rng.uniform(0, 500, n)
    need = rng.integers(0, 4, n).astype(float)  # few levels: many ties
    ours = concentration_index(*_series(y, w, need))
    assert ours == pytest.approx(_individual_level(y, w, need), abs=1e-12)
    assert ours == pytest.approx(_weighted_numpy(y, w, need), abs=1e-12)


def test_curve_area_gives_the_same_index() -> None:
    rng = np.random.default_rng(7)
    y, w, need = rng.uniform(0, 9, 12), rng.integers(5, 90, 12), rng.integers(0, 5, 12)
    frame = _series(y, w, need.astype(float))
    curve = concentration_curve(*frame)
    assert curve["population_share"].iloc[0] == 0 and curve["population_share"].iloc[-1] == 1
    assert curve["money_share"].iloc[-1] == pytest.approx(1)
    assert index_from_curve(curve) == pytest.approx(concentration_index(*frame), abs=1e-12)
    # Tie groups are one step: as many steps as distinct need levels.
    assert len(curve) == len(np.unique(need)) + 1


def test_money_where_the_need_is_gives_a_positive_index() -> None:
    y, w, need = _series([0, 0, 0, 50], [100, 100, 100, 100], [1, 2, 3, 4])
    assert concentration_index(y, w, need) == pytest.approx(0.75)  # 1 − w/W for the last one
    y2, *_ = _series([50, 0, 0, 0])
    assert concentration_index(y2, w, need) == pytest.approx(-0.75)
    flat, *_ = _series([7, 7, 7, 7])
    assert concentration_index(flat, w, need) == pytest.approx(0)


def test_no_money_or_one_area_has_no_index() -> None:
    y, w, need = _series([0, 0], [10, 10], [1, 2])
    assert concentration_index(y, w, need) is None
    y, w, need = _series([3], [10], [1])
    assert concentration_index(y, w, need) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e7), st.integers(1, 100_000), st.integers(0, 6)),
                min_size=2, max_size=15),
       st.floats(1e-3, 1e3))
def test_scale_invariant_and_bounded(rows: list[tuple[float, int, int]], factor: float) -> None:
    y, w, need = _series(*map(list, zip(*rows, strict=True)))
    ci = concentration_index(y, w, need)
    if ci is None:
        assert (y * w).sum() == 0
        return
    assert -1 - 1e-9 <= ci <= 1 + 1e-9
    assert concentration_index(y * factor, w, need) == pytest.approx(ci, abs=1e-9)


def test_reallocation_keeps_the_total_and_the_floor() -> None:
    budget, inhabitants, score = _series([400, 300, 200, 100], [100, 100, 100, 100],
                                         [20, 40, 60, 80])
    # A low score is the priority; reference 50: the first two areas are on the need side,
    # 30 and 10 points from it, so they get 3/4 and 1/4 of the freed 10 %.
    out = reallocate(budget, inhabitants, score, reference=50, high_priority=False,
                     percent=10, domain="jeugd")
    areas = out.areas
    assert out.moved == pytest.approx(100)
    assert areas["after"].sum() == pytest.approx(1000)
    assert (areas["after"] >= 0.9 * areas["before"] - 1e-9).all()
    assert areas["after"].tolist() == pytest.approx([360 + 75, 270 + 25, 180, 90])
    need = -score
    before = concentration_index(budget / inhabitants, inhabitants, need)
    after = concentration_index(areas["after"] / inhabitants, inhabitants, need)
    assert after > before
    same = reallocate(budget, inhabitants, score, reference=50, high_priority=False,
                      percent=0, domain="jeugd")
    assert same.areas["after"].tolist() == pytest.approx(budget.tolist())
    high = reallocate(budget, inhabitants, score, reference=50, high_priority=True,
                      percent=10, domain="jeugd")
    assert high.areas["difference"].tolist() == pytest.approx([-40, -30, 25 - 20, 75 - 10])


def test_reallocation_refuses_a_bad_percentage() -> None:
    from wijkkompas.errors import ConfigError

    budget, inhabitants, score = _series([1, 2], [1, 1], [1, 2])
    with pytest.raises(ConfigError, match="tussen 0 en 100"):
        reallocate(budget, inhabitants, score, reference=1.5, high_priority=False,
                   percent=120, domain="jeugd")
