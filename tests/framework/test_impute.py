"""Imputation methods: COINr's i_mean/i_median/i_mean_grp docs examples, impute_panel test
(tests/testthat/test-impute_panel.R "constant_imp_works") and hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkompas.errors import FrameworkError
from wijkkompas.framework import impute as im
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import IMPUTE

METHODS = ["group_mean", "group_median", "mean", "median", "none", "previous_year"]


def frame(cols: dict[str, list[float]], years: list[int] | None = None,
          areas: list[str] | None = None) -> pd.DataFrame:
    years = years or [2024]
    n = len(next(iter(cols.values()))) // len(years)
    areas = areas or [f"BU{i:02d}" for i in range(n)]
    idx = pd.MultiIndex.from_product([years, areas], names=["year", "area_code"])
    return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in cols.items()}, index=idx)


def context(groups: pd.Series | None = None) -> StepContext:
    return StepContext(directions=pd.Series(dtype=float), groups=groups)


def values(out: pd.DataFrame, code: str = "i") -> list[float]:
    return out[code].tolist()


def test_registry() -> None:
    assert set(METHODS) <= set(IMPUTE.names())
    assert IMPUTE.get("previous_year").defaults == {"max_gap": 2}


def test_mean_and_median_coinr_docs_example() -> None:
    # COINr docs: i_mean(c(1, 2, 3, 4, NA)) and i_median(...) both fill 2.5
    x = frame({"i": [1, 2, 3, 4, np.nan]})
    assert values(im.mean(x, context()))[-1] == 2.5
    assert values(im.median(x, context()))[-1] == 2.5
    # hand: 1, 2, 3, 10 -> mean 4, median 2.5
    x = frame({"i": [1, 2, 3, 10, np.nan]})
    assert values(im.mean(x, context()))[-1] == 4
    assert values(im.median(x, context()))[-1] == 2.5


def test_mean_is_per_year_and_warning_counts_cells() -> None:
    x = frame({"i": [1, np.nan, 3, np.nan, 10, 20, np.nan, 30]}, years=[2022, 2024])
    ctx = context()
    assert values(im.mean(x, ctx)) == [1, 2, 3, 2, 10, 20, 20, 30]
    assert ctx.warnings == ["i: 2 waarden geïmputeerd in 2022, gemiddelde van het jaar: BU01, BU03",
                            "i: 1 waarde geïmputeerd in 2024, gemiddelde van het jaar: BU02"]


def test_year_without_values_stays_nan_and_is_warned() -> None:
    x = frame({"i": [np.nan, np.nan, 1, 2]}, years=[2022, 2024])
    ctx = context()
    out = im.median(x, ctx)
    assert out["i"].iloc[:2].isna().all()
    assert ctx.warnings == ["i: 2 waarden niet te imputeren in 2022 (geen enkele waarde in "
                            "dat jaar): BU00, BU01"]


def groups_for(x: pd.DataFrame, labels: list[str]) -> pd.Series:
    per_area = dict(zip(x.index.get_level_values("area_code").unique(), labels, strict=True))
    return pd.Series(x.index.get_level_values("area_code").map(per_area), index=x.index)


def test_group_mean_within_group_and_year() -> None:
    # hand: group A = 1, 3, NaN -> 2; group B = 10, NaN, 30 -> 20
    x = frame({"i": [1, 3, np.nan, 10, np.nan, 30]})
    ctx = context(groups_for(x, ["A", "A", "A", "B", "B", "B"]))
    assert values(im.group_mean(x, ctx)) == [1, 3, 2, 10, 20, 30]
    assert ctx.warnings == [
        "i: 2 waarden geïmputeerd in 2024, gemiddelde van de groep (gemeente): BU02, BU04"]


def test_group_median_within_group() -> None:
    x = frame({"i": [1, 2, 9, np.nan, 100, np.nan]})
    ctx = context(groups_for(x, ["A", "A", "A", "A", "B", "B"]))
    assert values(im.group_median(x, ctx)) == [1, 2, 9, 2, 100, 100]


def test_whole_group_missing_falls_back_to_all_areas_with_warning() -> None:
    x = frame({"i": [1, 3, np.nan, np.nan]})
    ctx = context(groups_for(x, ["A", "A", "B", "B"]))
    assert values(im.group_mean(x, ctx)) == [1, 3, 2, 2]
    assert ctx.warnings[0] == ("i: groep B zonder waarden in 2024; 2 waarden met de gemiddelde "
                               "van alle gebieden geïmputeerd: BU02, BU03")
    assert ctx.warnings[1] == (
        "i: 2 waarden geïmputeerd in 2024, gemiddelde van de groep (gemeente): BU02, BU03")


def test_area_without_group_falls_back_too() -> None:
    x = frame({"i": [1, 3, 5, np.nan]})
    groups = groups_for(x, ["A", "A", "A", "A"])
    groups.iloc[3] = None
    ctx = context(groups)
    assert values(im.group_median(x, ctx)) == [1, 3, 5, 3]
    assert "(geen groep)" in ctx.warnings[0]


def test_group_methods_need_groups() -> None:
    x = frame({"i": [1, np.nan]})
    with pytest.raises(FrameworkError, match="groepen"):
        im.group_mean(x, context())


def test_previous_year_coinr_impute_panel_constant() -> None:
    # COINr "constant_imp_works": i2 = c(3, NA, 5) -> c(3, 3, 5); i4 = c(7, 8, NA) -> 7, 8, 8.
    # i3 = c(NA, 5, 6): COINr fills the first year backwards; we never fill from later years.
    x = frame({"i2": [3, np.nan, 5], "i3": [np.nan, 5, 6], "i4": [7, 8, np.nan]},
              years=[2020, 2021, 2022], areas=["A"])
    ctx = context()
    out = im.previous_year(x, ctx)
    assert values(out, "i2") == [3, 3, 5]
    assert values(out, "i4") == [7, 8, 8]
    assert math.isnan(out["i3"].iloc[0]) and values(out, "i3")[1:] == [5, 6]
    assert "i3: 1 waarde niet te imputeren in 2020 (geen waarde in de 2 jaar ervoor): A" \
        in ctx.warnings


def test_previous_year_respects_max_gap_in_years() -> None:
    # rows year by year: (2020 A, 2020 B), (2021 A, 2021 B), ...
    x = frame({"i": [1, np.nan, np.nan, 9, np.nan, np.nan, np.nan, 4]},
              years=[2020, 2021, 2022, 2023], areas=["A", "B"])
    out = im.previous_year(x, context(), max_gap=2)
    a = out.xs("A", level="area_code")["i"].tolist()
    b = out.xs("B", level="area_code")["i"].tolist()
    # A: 2020 = 1 carries to 2021 and 2022 (gap 2), not to 2023 (gap 3)
    assert a[:3] == [1, 1, 1] and math.isnan(a[3])
    # B: nothing before 2021; 9 carries to 2022; the observed 4 in 2023 stays; A never leaks
    assert math.isnan(b[0]) and b[1:] == [9, 9, 4]


def test_previous_year_biennial_monitor() -> None:
    x = frame({"i": [5, np.nan, np.nan]}, years=[2020, 2022, 2024], areas=["A"])
    ctx = context()
    out = im.previous_year(x, ctx, max_gap=2)
    assert values(out)[:2] == [5, 5] and math.isnan(values(out)[2])
    assert ctx.warnings == ["i: 1 waarde geïmputeerd in 2022, laatst bekende waarde: A",
                            "i: 1 waarde niet te imputeren in 2024 (geen waarde in de 2 jaar "
                            "ervoor): A"]


def test_previous_year_rejects_bad_gap() -> None:
    x = frame({"i": [1.0]})
    for bad in (0, 1.5, True):
        with pytest.raises(FrameworkError, match="max_gap"):
            im.previous_year(x, context(), max_gap=bad)  # type: ignore[arg-type]


def test_previous_year_keeps_row_order_of_x() -> None:
    x = frame({"i": [1, 2, np.nan, np.nan]}, years=[2022, 2024], areas=["B", "A"])
    x = x.iloc[[3, 0, 2, 1]]
    out = im.previous_year(x, context())
    assert out.index.equals(x.index)
    assert values(out) == [2, 1, 1, 2]


def test_rows_must_be_year_and_area() -> None:
    with pytest.raises(FrameworkError, match="year, area_code"):
        im.mean(pd.DataFrame({"i": [1.0, np.nan]}), context())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-100, 100)), min_size=6, max_size=6),
       st.sampled_from(METHODS))
def test_observed_values_never_change_and_nothing_leaks(
        raw: list[float | None], method: str) -> None:
    data = [np.nan if v is None else v for v in raw]
    x = frame({"i": data, "j": [1.0] * 6}, years=[2022, 2024])
    ctx = context(groups_for(x, ["A", "A", "B"]))
    out = IMPUTE.get(method)(x, ctx)
    observed = x.notna()
    assert (out[observed] == x[observed]).sum().sum() == observed.sum().sum()
    assert out.index.equals(x.index) and list(out.columns) == ["i", "j"]
    assert not [w for w in ctx.warnings if w.startswith("j:")]
