"""Dispersion between areas: known Theil and CV values, quintile gap, growth verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wijkkompas.monitor.inequality import (
    coefficient_of_variation,
    dispersion,
    is_growing,
    quintile_gap,
    theil_index,
)


def test_theil_equal_values_is_zero_and_one_has_everything_is_ln_n() -> None:
    assert theil_index([7.0] * 9) == 0.0
    for n in (2, 5, 40):
        values = [0.0] * (n - 1) + [123.0]
        assert theil_index(values) == pytest.approx(math.log(n))


def test_theil_known_value_and_weights() -> None:
    # x = (1, 3): mu = 2; T = 1/2 (0.5 ln 0.5 + 1.5 ln 1.5)
    assert theil_index([1, 3]) == pytest.approx(0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)))
    # integer weights equal repetition
    assert theil_index([1, 3], np.array([2, 1])) == pytest.approx(theil_index([1, 1, 3]))
    assert math.isnan(theil_index([1.0, -2.0, 3.0]))  # negatives: undefined
    assert math.isnan(theil_index([0.0, 0.0]))  # mean 0


def test_coefficient_of_variation_known_values() -> None:
    assert coefficient_of_variation([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(0.4)
    assert coefficient_of_variation([5, 5, 5]) == 0.0
    assert coefficient_of_variation([1, 1, 3], np.array([1, 1, 1])) == pytest.approx(
        np.std([1, 1, 3]) / np.mean([1, 1, 3]))
    assert math.isnan(coefficient_of_variation([-1, 1]))


def test_quintile_gap_follows_direction() -> None:
    values = list(range(1, 11))  # k = 2
    gap, best, worst, k = quintile_gap(values, "higher_better")
    assert (gap, best, worst, k) == (8.0, 9.5, 1.5, 2)
    gap, best, worst, _ = quintile_gap(values, "higher_worse")
    assert (gap, best, worst) == (8.0, 1.5, 9.5)


def _frame(spreads: dict[int, float], groups: tuple[str, ...] = ("GM1",)) -> pd.DataFrame:
    rows = []
    for g in groups:
        for year, spread in spreads.items():
            for i, z in enumerate(np.linspace(-1, 1, 10)):
                rows.append((g, f"{g}-{i}", year, 50 + spread * z))
    return pd.DataFrame(rows, columns=["municipality", "area_code", "year", "value"])


def test_growing_differences_with_enough_years() -> None:
    table, warnings = dispersion(_frame({2014: 5, 2016: 6, 2018: 7, 2020: 8.5, 2022: 10}))
    assert not warnings
    verdict = is_growing(table, "GM1", name="Rotterdam")
    assert verdict.measure == "cv" and verdict.verdict == "growing"
    assert verdict.sentence.startswith("Rotterdam: de verschillen tussen gebieden groeien")
    shrinking = is_growing(dispersion(_frame({2014: 9, 2016: 7, 2018: 6, 2020: 4}))[0], "GM1")
    assert shrinking.verdict == "shrinking"


def test_few_years_are_described_but_not_called_a_trend() -> None:
    table, _ = dispersion(_frame({2012: 5, 2014: 6, 2016: 7}))
    verdict = is_growing(table, "GM1", name="Assen")
    assert verdict.verdict == "too_few"
    assert "lijken groter te worden" in verdict.sentence
    assert "te weinig punten voor een betrouwbare trend" in verdict.sentence
    two = is_growing(dispersion(_frame({2012: 5, 2016: 5.01}))[0], "GM1")
    assert "ongeveer gelijk" in two.sentence
    one = is_growing(dispersion(_frame({2016: 5}))[0], "GM1")
    assert "te weinig jaren" in one.sentence


def test_negative_values_fall_back_to_the_quintile_gap() -> None:
    frame = _frame({2012: 5, 2014: 6, 2016: 7})
    frame["value"] -= 50  # deviations around 0 (like the Leefbaarometer)
    table, warnings = dispersion(frame)
    assert table["theil"].isna().all() and table["cv"].isna().all()
    assert warnings and "kwintielkloof" in warnings[0]
    assert is_growing(table, "GM1").measure == "gap"
