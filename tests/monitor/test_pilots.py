"""Pilots: nearest-neighbour comparison areas on a hand case, and a known
difference-in-differences effect recovered within the interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.errors import ConfigError
from wijkkompas.monitor.pilots import CAVEAT, choose_comparisons, diff_in_diff


@pytest.fixture
def baseline() -> pd.DataFrame:
    # Two indicators on very different scales; standardisation makes them count equally.
    return pd.DataFrame({
        "income": [20.0, 21.0, 30.0, 20.5, 40.0, 19.0],
        "density": [9000.0, 3000.0, 9100.0, 8800.0, 1000.0, 9050.0],
    }, index=["P", "Q", "R", "S", "T", "OTHER"])


def test_nearest_neighbours_by_hand(baseline: pd.DataFrame) -> None:
    matches, warnings = choose_comparisons(baseline, ["P"], exclude=["OTHER"], k=2,
                                           method="euclidean")
    # P = (20, 9000). S (20.5, 8800) is close on both; R is close on density only, Q on
    # income only. OTHER (closest of all) belongs to another pilot and is excluded.
    pool = baseline.drop(index="OTHER")  # standardised over pilot + candidates
    z = (pool - pool.mean()) / pool.std(ddof=1)
    d = np.sqrt(((z.loc[["Q", "R", "S", "T"]] - z.loc["P"]) ** 2).sum(axis=1))
    assert matches["comparison_area"].tolist() == list(d.sort_values().index[:2])
    assert matches["comparison_area"].iloc[0] == "S"
    assert matches["distance"].iloc[0] == pytest.approx(d["S"])
    assert "OTHER" not in set(matches["comparison_area"]) and not warnings


def test_mahalanobis_and_exclusions(baseline: pd.DataFrame) -> None:
    matches, _ = choose_comparisons(baseline, ["P", "R"], exclude=["OTHER"], k=1)
    assert set(matches["pilot_area"]) == {"P", "R"}
    assert not set(matches["comparison_area"]) & {"P", "R", "OTHER"}
    with pytest.raises(ConfigError, match="k="):
        choose_comparisons(baseline, ["P"], exclude=["Q", "R", "S", "T", "OTHER"], k=1)
    with pytest.raises(ConfigError, match="methode"):
        choose_comparisons(baseline, ["P"], method="cosine")
    gappy = baseline.copy()
    gappy.loc["T", "income"] = np.nan
    _, warnings = choose_comparisons(gappy, ["P"], k=1)
    assert "T" in warnings[0]


def _panel(effect: float, seed: int = 1, n_pilot: int = 8, n_comp: int = 16) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_pilot + n_comp):
        code = f"P{i}" if i < n_pilot else f"C{i}"
        level = rng.normal(50, 5)
        for year in range(2014, 2022):
            value = level + 0.8 * (year - 2014) + rng.normal(0, 0.5)
            if code.startswith("P") and year >= 2018:
                value += effect
            rows.append((code, year, value))
    return pd.DataFrame(rows, columns=["area_code", "year", "value"])


@pytest.mark.parametrize("interval", ["welch", "bootstrap"])
def test_known_did_effect_is_recovered(interval: str) -> None:
    panel = _panel(effect=3.0)
    pilots = [f"P{i}" for i in range(8)]
    comps = [f"C{i}" for i in range(8, 24)]
    did = diff_in_diff(panel, pilots, comps, 2018, interval=interval, level=0.95)
    assert did.low < 3.0 < did.high
    assert did.effect == pytest.approx(3.0, abs=0.5)
    assert did.low > 0  # clearly better
    assert did.pre_years == [2014, 2015, 2016, 2017] and did.post_years == [2018, 2019, 2020, 2021]
    assert abs(did.pre_trend_gap) < 0.3  # parallel before the start, by construction
    assert did.caveat == CAVEAT and "oorzaak" in did.caveat
    assert "beter" in did.sentence() and "sluit 0 uit" in did.sentence()
    assert len(did.per_area) == 24


def test_no_effect_gives_an_interval_around_zero() -> None:
    panel = _panel(effect=0.0, seed=7)
    did = diff_in_diff(panel, [f"P{i}" for i in range(8)], [f"C{i}" for i in range(8, 24)], 2018)
    assert did.low < 0 < did.high
    assert "geen aantoonbaar verschil" in did.sentence()


def test_did_needs_before_and_after() -> None:
    panel = _panel(effect=1.0)
    with pytest.raises(ConfigError, match="vóór en vanaf"):
        diff_in_diff(panel, ["P0"], ["C9"], 2030)
