"""Outlier treatment against COINr's worked examples (tests/testthat/test-treat.R,
"treat_num") and hand-computed skewness/kurtosis (e1071 type 2, as COINr's skew()/kurt())."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wijkkompas.framework import treat as tr
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import TREAT


def frame(cols: dict[str, list[float]], years: list[int] | None = None) -> pd.DataFrame:
    years = years or [2024]
    n = len(next(iter(cols.values()))) // len(years)
    idx = pd.MultiIndex.from_product([years, [f"BU{i:02d}" for i in range(n)]],
                                     names=["year", "area_code"])
    return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in cols.items()}, index=idx)


def context(*codes: str) -> StepContext:
    return StepContext(directions=pd.Series(dict.fromkeys(codes or ("i",), 1.0)))


def test_registry() -> None:
    assert {"none", "winsorise"} <= set(TREAT.names())
    assert TREAT.get("winsorise").defaults == {
        "winmax": 5, "skew_thresh": 2.0, "kurt_thresh": 3.5, "force_win": False,
        "by_year": True, "log_fallback": True, "log_mirror": True}


def test_skew_kurt_hand_example() -> None:
    # hand: x = 1, 2, 3, 10; deviations -3, -2, -1, 6; m2 = 50, m3 = 180, m4 = 1394
    # G1 = sqrt(4) 180 / 50^1.5 * sqrt(12) / 2; G2 = (5 (4 * 1394 / 2500 - 3) + 6) * 3 / 2
    s, k = tr.skew_kurt(np.array([1.0, 2, 3, 10, np.nan]))
    assert s[0] == pytest.approx(2 * 180 / 50 ** 1.5 * math.sqrt(12) / 2)
    assert k[0] == pytest.approx((5 * (4 * 1394 / 2500 - 3) + 6) * 3 / 2)


def test_skew_kurt_need_enough_values_and_spread() -> None:
    s, k = tr.skew_kurt(np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]))
    assert not math.isnan(s[0]) and math.isnan(k[0])  # 3 values: skew yes, kurtosis no
    assert math.isnan(s[1]) and math.isnan(k[1])  # no spread


def test_coinr_treat_num_single_outlier_is_winsorised() -> None:
    # COINr test-treat.R "treat_num": x = c(1:10, 100) fails; 100 -> 10, rest unchanged
    x = frame({"i": [*range(1, 11), 100]})
    s, k = tr.skew_kurt(x["i"].to_numpy())
    assert abs(s[0]) >= 2 and k[0] >= 3.5
    ctx = context()
    out = tr.winsorise(x, x, ctx)
    assert out["i"].tolist() == [*range(1, 11), 10]
    s, k = tr.skew_kurt(out["i"].to_numpy())
    assert abs(s[0]) < 2 or k[0] < 3.5
    assert ctx.warnings == ["i: 1 waarde gewinsoriseerd: BU10"]


def test_coinr_two_outliers_winmax_one_falls_back_to_log_ct() -> None:
    # COINr "treat_num": x = c(1:20, 100, 200) with winmax = 1 still fails after
    # winsorising, so the second step applies; COINr default f2 is log_CT:
    # log(x - min(x) + 0.01 (max(x) - min(x)))
    raw = [*range(1, 21), 100, 200]
    x = frame({"i": raw})
    ctx = context()
    out = tr.winsorise(x, x, ctx, winmax=1)
    expected = [math.log(v - 1 + 0.01 * 199) for v in raw]
    assert out["i"].tolist() == pytest.approx(expected)
    assert len(ctx.warnings) == 1
    assert ctx.warnings[0].startswith("i: log-transformatie in 2024")
    assert ctx.warnings[0].endswith("uitschieters: BU21, BU20, BU19, BU18, BU17")


def test_without_log_fallback_the_winsorised_values_are_kept() -> None:
    # COINr "treat_num": f2 not given, winmax = 1 -> the winsorised vector, still failing
    raw = [*range(1, 21), 100, 200]
    x = frame({"i": raw})
    ctx = context()
    out = tr.winsorise(x, x, ctx, winmax=1, log_fallback=False)
    assert out["i"].tolist() == [*range(1, 21), 100, 100]
    assert ctx.warnings == ["i: 1 waarde gewinsoriseerd: BU21; na winsoriseren nog scheef in "
                            "2024 (geen log-transformatie: log_fallback uit)"]


def test_negative_skew_uses_mirrored_log() -> None:
    # COINr log_CT_plus for negative skew: -log(max + a - x), a = 0.01 (max - min)
    raw = [-v for v in [*range(1, 21), 100, 200]]
    x = frame({"i": raw})
    out = tr.winsorise(x, x, context(), winmax=1)
    expected = [-math.log(-1 + 1.99 - v) for v in raw]
    assert out["i"].tolist() == pytest.approx(expected)
    assert out["i"].rank().tolist() == x["i"].rank().tolist()  # order kept


def test_coinr_force_win_treats_exactly_winmax_points() -> None:
    # COINr "treat_num": force_win with winmax = 3 on c(1:20, 100, 200) treats 3 points
    x = frame({"i": [*range(1, 21), 100, 200]})
    out = tr.winsorise(x, x, context(), winmax=3, force_win=True)
    assert int((out["i"] != x["i"]).sum()) == 3


def test_negative_outlier_is_winsorised_at_the_low_side() -> None:
    x = frame({"i": [-100, *range(1, 11)]})
    out = tr.winsorise(x, x, context())
    assert out["i"].tolist() == [1, *range(1, 11)]


def test_passing_data_and_nan_are_untouched() -> None:
    x = frame({"i": [3, 1, np.nan, 4, 1, 5, 9, 2, 6], "j": [np.nan] * 9})
    ctx = context("i", "j")
    out = tr.winsorise(x, x, ctx)
    pd.testing.assert_frame_equal(out, x)
    assert ctx.warnings == []


def test_nan_rows_stay_nan_while_others_are_treated() -> None:
    x = frame({"i": [*range(1, 11), 100, np.nan]})
    out = tr.winsorise(x, x, context())
    assert out["i"].iloc[10] == 10 and math.isnan(out["i"].iloc[11])


def test_too_few_values_untreated_and_warned() -> None:
    x = frame({"i": [1, 2, 1000]})
    ctx = context()
    pd.testing.assert_frame_equal(tr.winsorise(x, x, ctx), x)
    assert ctx.warnings == ["i: te weinig waarden voor de scheefheidstoets in 2024; "
                            "niet behandeld"]


def test_decided_per_year_when_fit_is_x() -> None:
    # 2022 has the outlier, 2024 does not: only 2022 is treated
    x = frame({"i": [*range(1, 11), 100, *range(1, 12)]}, years=[2022, 2024])
    ctx = context()
    out = tr.winsorise(x, x, ctx)
    assert out.loc[2022, "i"].tolist() == [*range(1, 11), 10]
    assert out.loc[2024, "i"].tolist() == list(range(1, 12))
    assert ctx.warnings == ["i: 1 waarde gewinsoriseerd: BU10"]


def test_base_year_anchor_clips_later_years_at_the_base_year_cap() -> None:
    # fit = 2022: the cap found there (10) applies to 2024 as well
    x = frame({"i": [*range(1, 11), 100, *range(2, 12), 5]}, years=[2022, 2024])
    ctx = context()
    out = tr.winsorise(x, x.loc[[2022]], ctx)
    assert out.loc[2024, "i"].tolist() == [*range(2, 11), 10, 5]
    assert ctx.warnings == ["i: 2 waarden gewinsoriseerd: BU10 (2022), BU09 (2024)"]


def test_pooled_decision_with_by_year_false() -> None:
    # pooled over both years the single outlier is diluted differently than per year
    x = frame({"i": [*range(1, 11), 100, *range(1, 12)]}, years=[2022, 2024])
    ctx = context()
    out = tr.winsorise(x, x, ctx, by_year=False)
    assert out["i"].max() == 11  # capped at the pooled next value
    assert out.loc[2024, "i"].tolist() == list(range(1, 12))


def test_log_with_anchor_clips_values_beyond_the_anchor_minimum() -> None:
    base = [*range(1, 21), 100, 200]
    x = frame({"i": [*base, *[v - 5 for v in base]]}, years=[2022, 2024])
    ctx = context()
    out = tr.winsorise(x, x.loc[[2022]], ctx, winmax=1)
    a = 0.01 * 199
    assert out.loc[2024, "i"].iloc[0] == pytest.approx(math.log(a))  # -4 clipped to 1
    assert out.loc[2024, "i"].iloc[-1] == pytest.approx(math.log(195 - 1 + a))
    assert "buiten het ankerbereik eerst afgekapt" in ctx.warnings[0]


def test_warning_names_at_most_five_areas() -> None:
    x = frame({"i": [*range(1, 31), 1000]})
    ctx = context()
    tr.winsorise(x, x, ctx, winmax=7, force_win=True)
    assert len(ctx.warnings) == 1
    assert ctx.warnings[0].count("BU") == 5 and "(+" in ctx.warnings[0]


def test_none_returns_the_data_unchanged() -> None:
    x = frame({"i": [1, 2, 1000]})
    pd.testing.assert_frame_equal(TREAT.get("none")(x, x, context()), x)
