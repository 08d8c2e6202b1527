"""Theil–Sen trends and progress towards targets on constructed series with known trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wijkkompas.monitor.progress import assess_progress
from wijkkompas.monitor.targets import Target
from wijkkompas.monitor.trend import TOO_FEW, nl, theil_sen


def _series(area: str, years: list[int], values: list[float], flag: str = "") -> pd.DataFrame:
    return pd.DataFrame({"area_code": area, "year": years, "value": values, "flag": flag})


def test_theil_sen_recovers_a_linear_slope_exactly() -> None:
    years = np.arange(2012, 2024)
    trend = theil_sen(years, 3.0 + 0.75 * (years - 2012))
    assert trend.slope == pytest.approx(0.75, abs=1e-12)
    assert trend.at(2031) == pytest.approx(3.0 + 0.75 * 19, abs=1e-9)
    assert trend.low_slope == pytest.approx(0.75) and trend.high_slope == pytest.approx(0.75)
    assert trend.reliable


def test_theil_sen_is_robust_to_one_outlier() -> None:
    years = np.arange(2014, 2022)
    values = 10.0 - 0.5 * (years - 2014)
    values[3] = 100.0  # one wild value
    trend = theil_sen(years, values)
    assert trend.slope == pytest.approx(-0.5, abs=1e-12)
    ols = np.polyfit(years, values, 1)[0]
    assert abs(ols + 0.5) > 1  # least squares is thrown off; Theil–Sen is not


def test_theil_sen_with_few_points_is_not_reliable() -> None:
    assert not theil_sen([2020, 2022], [1.0, 2.0]).reliable
    assert not theil_sen([2020, 2021, 2022], [1.0, 2.0, 3.0]).reliable
    one = theil_sen([2020], [1.0])
    assert np.isnan(one.slope)


def test_nl_formatting() -> None:
    assert nl(0.4716) == "0,472"
    assert nl(2.0, 1, sign=True, significant=False) == "+2,0"
    assert nl(float("nan")) == "-"


def _target(**kw: object) -> Target:
    base = dict(code="t1", name="Test", areas=("A", "B", "C", "D"), measure="indicator",
                subject="x", kind="absolute", value=20.0, baseline_year=2014, target_year=2030)
    base.update(kw)
    return Target(**base)  # type: ignore[arg-type]


def test_progress_on_off_track_achieved_and_too_few() -> None:
    years = list(range(2014, 2023))
    data = pd.concat([
        _series("A", years, [10 + 1.0 * (y - 2014) for y in years]),   # reaches 20 in 2024
        _series("B", years, [10 + 0.2 * (y - 2014) for y in years]),   # 13.2 in 2030
        _series("C", years, [10 + 1.5 * (y - 2014) for y in years]),   # 22 in 2022: achieved
        _series("D", [2014, 2022], [10.0, 14.0]),                      # two points only
    ])
    result = assess_progress(_target(), data)
    t = result.table.set_index("area_code")
    assert list(t.index) == ["A", "B", "C", "D"]  # every area, in target order
    assert t.loc["A", "status"] == "on_track"
    assert t.loc["A", "forecast"] == pytest.approx(26.0)
    assert t.loc["A", "share_of_way"] == pytest.approx(0.8)
    assert t.loc["B", "status"] == "off_track"
    assert t.loc["B", "forecast"] == pytest.approx(13.2)
    assert t.loc["C", "status"] == "achieved"
    assert t.loc["D", "status"] == "too_few_points"
    assert t.loc["D", "status_label"] == TOO_FEW
    assert np.isnan(t.loc["D", "forecast"]) and np.isnan(t.loc["D", "slope"])  # no line drawn
    assert t.loc["D", "pace_observed"] == pytest.approx(0.5)
    assert t.loc["D", "pace_needed"] == pytest.approx(6 / 8)
    assert "te weinig punten" in result.summary()


def test_progress_uncertain_when_target_inside_the_band() -> None:
    rng = np.random.default_rng(3)
    years = list(range(2014, 2020))
    values = [10 + 0.5 * (y - 2014) + rng.normal(0, 2.0) for y in years]
    result = assess_progress(_target(areas=("A",), value=17.5, target_year=2029),
                             _series("A", years, values))
    row = result.table.iloc[0]
    assert row["forecast_low"] < 17.5 < row["forecast_high"]
    assert row["status"] == "uncertain"


def test_progress_lower_is_better_and_milestones_and_flags() -> None:
    years = list(range(2014, 2023))
    data = _series("A", years, [30 - 1.0 * (y - 2014) for y in years], flag="geharmoniseerd")
    target = _target(areas=("A",), kind="change", value=-10.0, direction="higher_worse",
                     milestones={2018: -3.0, 2020: -8.0})
    result = assess_progress(target, data)
    row = result.table.iloc[0]
    assert row["target_value"] == pytest.approx(20.0)
    assert row["current_value"] == pytest.approx(22.0)
    assert row["status"] == "on_track"  # falling 1 a year: 14 in 2030, below the 20 aimed at
    assert row["forecast"] == pytest.approx(14.0)
    assert row["milestones"] == "2018: gehaald; 2020: niet gehaald"
    assert row["flags"] == "2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022: geharmoniseerd"
    assert any("geharmoniseerd" in w for w in result.warnings)


def test_progress_as_of_replays_an_earlier_monitor() -> None:
    years = list(range(2014, 2023))
    data = _series("A", years, [10 + 1.0 * (y - 2014) for y in years])
    result = assess_progress(_target(areas=("A",)), data, as_of=2016)
    row = result.table.iloc[0]
    assert row["current_year"] == 2016 and row["status"] == "too_few_points"


def test_milestone_between_data_years_is_interpolated_and_says_so() -> None:
    # Measured in 2014, 2016 and 2020 only (too few points for a trend): the 2018 milestone
    # is judged on the straight line between 2016 (12) and 2020 (20): 16 in 2018.
    data = _series("A", [2014, 2016, 2020], [10.0, 12.0, 20.0])
    target = _target(areas=("A",), kind="change", value=20.0, target_year=2030,
                     milestones={2015: 0.5, 2018: 7.0})
    result = assess_progress(target, data)
    checks = result.details["A"]["milestone_checks"]
    assert [c["basis"] for c in checks] == ["interpolated", "interpolated"]
    assert checks[0]["value"] == pytest.approx(11.0) and checks[0]["met"] is True
    assert checks[1]["value"] == pytest.approx(16.0) and checks[1]["met"] is False  # 17 needed
    assert result.table.iloc[0]["milestones"] == (
        "2015: geen meting in 2015; lineair tussen 2014 en 2016 11, gehaald; "
        "2018: geen meting in 2018; lineair tussen 2016 en 2020 16, niet gehaald")


def test_milestone_uses_the_trend_when_reliable_and_never_before_the_first_measurement() -> None:
    years = [2016, 2017, 2019, 2020, 2021]
    data = _series("A", years, [10 + 2.0 * (y - 2016) for y in years])
    target = _target(areas=("A",), kind="absolute", value=40.0, baseline_year=2014,
                     target_year=2030, milestones={2015: 5.0, 2018: 14.5})
    result = assess_progress(target, data, trend_start=2014)
    checks = result.details["A"]["milestone_checks"]
    assert checks[0]["basis"] == "none" and checks[0]["met"] is None
    assert checks[1]["basis"] == "trend" and checks[1]["value"] == pytest.approx(14.0)
    assert checks[1]["met"] is False
    assert "2015: geen meting in 2015" in result.table.iloc[0]["milestones"]
