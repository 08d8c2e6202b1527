"""Screening: which area-years are scored at all (data availability, minimum population).

By default screening comes before imputation (an area-year with too few measured values is
set aside before gaps are filled). With ``screen.after_impute`` (COINr's order, set by
``conventions: coinr``) it looks at the imputed values instead: the denominated data is
imputed for every area, then the area-years below the thresholds are dropped, and only the
remaining ones go on to outlier treatment and normalisation.

An area-year's data share is ``1 - missing / n`` over the framework's ``n`` indicators
(COINr's ``Dat_Avail``); it is dropped when that is below ``min_data_share``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.schema import Framework

if TYPE_CHECKING:
    from wijkkompas.framework.score import Raw


def data_share(values: pd.DataFrame) -> pd.Series:
    """Share of available values per row, as COINr computes it: ``1 - missing / n``."""
    return 1.0 - values.isna().sum(axis=1) / values.shape[1]


def screen(raw: pd.DataFrame, population: pd.Series | None, fw: Framework,
           ctx: StepContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``raw`` that pass, and the screened-out rows with their Dutch reason."""
    share = data_share(raw)
    reasons = pd.Series("", index=raw.index, dtype=object)
    low_data = share < fw.screen.min_data_share
    reasons[low_data] = "te weinig gegevens (" + (share[low_data] * 100).round().astype(
        int).astype(str) + "% beschikbaar)"
    if fw.screen.min_population and population is not None:
        small = population.reindex(raw.index) < fw.screen.min_population
        reasons[small & ~low_data] = (
            "minder dan " + str(fw.screen.min_population) + " inwoners"
        )
    out = reasons != ""
    screened = pd.DataFrame({"reason": reasons[out]})
    if out.any():
        n_areas = screened.index.get_level_values("area_code").nunique()
        ctx.warn(f"{n_areas} gebieden (deels) uitgesloten bij screening: te weinig inwoners "
                 "of te weinig gegevens" + (" (na imputeren)" if fw.screen.after_impute else ""))
    return raw[~out], screened


def screen_before_impute(raw: pd.DataFrame, population: pd.Series | None, fw: Framework,
                         ctx: StepContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`screen` in the default order; with ``after_impute`` every row passes here."""
    if fw.screen.after_impute:
        return raw, pd.DataFrame({"reason": pd.Series(dtype=object)},
                                 index=raw.index[:0])
    return screen(raw, population, fw, ctx)


def screen_after_impute(fw: Framework, raw: Raw, imputed: pd.DataFrame,
                        ctx: StepContext) -> pd.DataFrame:
    """Screen the imputed values (``after_impute``) and drop the screened rows from ``raw``
    (its raw values, assessment and source years) and from the context."""
    kept, screened = screen(imputed, raw.population, fw, ctx)
    if kept.empty:
        raise FrameworkError("na screening blijft geen enkel gebied over")
    raw.screened = screened
    rows = kept.index
    raw.raw = raw.raw.loc[rows]
    raw.assessment = raw.assessment.loc[rows]
    if raw.source_years is not None:
        raw.source_years = raw.source_years.loc[rows]
    ctx.not_assessed = raw.assessment["reason"]
    if ctx.groups is not None:
        ctx.groups = ctx.groups.reindex(rows)
    return kept
