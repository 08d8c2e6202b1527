"""Imputation of missing values (NaN), per indicator.

Every method has the signature ``func(x, ctx, **params) -> DataFrame`` with rows
``(year, area_code)`` and one column per indicator. Only NaN cells change; observed values are
never touched. Every imputed cell is counted in a warning per indicator and year that names up
to five areas, e.g. ``a_inw: 3 waarden geïmputeerd (mean) in 2024: BU1, BU2, BU3``; cells that
stay NaN are warned too.

Methods (COINr ``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``, ``impute_panel``):

``mean`` / ``median``
    the mean / median of the areas with a value *in the same year* (a cross-section per year,
    as COINr imputes each coin of a purse on its own). A year without any value stays NaN.
``group_mean`` / ``group_median``
    the same within the area's group (``ctx.groups``) and year. The group is the municipality,
    or the column named by ``group`` (any column of the table or area attribute, text or
    number; the scoring run looks it up). When a whole group has no value in that year, or the
    area has no group, the statistic of all areas in that year is used instead (mean for
    ``group_mean``, median for ``group_median``), warned; with ``fallback="none"`` (set by
    ``conventions: coinr``) such cells stay NaN, as COINr's ``i_mean_grp`` leaves them.
``previous_year``
    the area's own last known value from an earlier year of ``x``, at most ``max_gap`` years
    back (year difference, so a biennial monitor with ``max_gap=2`` reaches the previous
    edition). COINr ``impute_panel`` with ``imp_type = "latest"``-style carry forward.

>>> import pandas as pd
>>> from wijkkompas.framework.context import StepContext
>>> idx = pd.MultiIndex.from_product([[2024], ["A", "B", "C", "D"]],
...                                  names=["year", "area_code"])
>>> x = pd.DataFrame({"i": [1.0, 2.0, 3.0, None]}, index=idx)
>>> mean(x, StepContext(directions=pd.Series(dtype=float)))["i"].tolist()
[1.0, 2.0, 3.0, 2.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework._stepkit import n_values, name_cells, require_panel
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import IMPUTE

__all__ = ["group_mean", "group_median", "mean", "median", "none", "previous_year"]


def _per_year(mask: pd.DataFrame, code: str) -> list[tuple[object, pd.Index]]:
    """Rows flagged in ``mask[code]``, split by year (in order)."""
    rows = mask.index[mask[code].to_numpy()]
    years = rows.get_level_values("year")
    return [(y, rows[np.asarray(years == y)]) for y in pd.unique(years)]


def _finish(x: pd.DataFrame, out: pd.DataFrame, ctx: StepContext, label: str,
            missing_reason: str, how: str | None = None) -> pd.DataFrame:
    """Warn per indicator and year about imputed cells and cells that stay NaN."""
    was = x.isna()
    imputed = was & out.notna()
    still = was & out.isna()
    # The method in words (its Dutch label), not its code: warnings are shown on pages.
    if how is None:
        how = IMPUTE.get(label).label_nl if label in IMPUTE else label
    for code in x.columns[imputed.any().to_numpy()]:
        for year, rows in _per_year(imputed, code):
            ctx.warn(f"{code}: {n_values(len(rows))} geïmputeerd in {year}, {how}: "
                     f"{name_cells(rows)}")
    for code in x.columns[still.any().to_numpy()]:
        for year, rows in _per_year(still, code):
            ctx.warn(f"{code}: {n_values(len(rows))} niet te imputeren in {year} "
                     f"({missing_reason}): {name_cells(rows)}")
    return out


def _cross_section(x: pd.DataFrame, ctx: StepContext, stat: str) -> pd.DataFrame:
    require_panel(x, f"impute '{stat}'")
    xf = x.astype(float)
    fill = xf.groupby(level="year", sort=False).transform(stat)
    return _finish(x, xf.fillna(fill), ctx, stat, "geen enkele waarde in dat jaar")


@IMPUTE.register("none", label_nl="niet imputeren")
def none(x: pd.DataFrame, ctx: StepContext) -> pd.DataFrame:
    """No imputation: ``x`` unchanged (as floats); missing values stay NaN."""
    return x.astype(float)


@IMPUTE.register("mean", label_nl="gemiddelde van het jaar")
def mean(x: pd.DataFrame, ctx: StepContext) -> pd.DataFrame:
    """Fill NaN with the indicator's mean over the areas with a value in the same year."""
    return _cross_section(x, ctx, "mean")


@IMPUTE.register("median", label_nl="mediaan van het jaar")
def median(x: pd.DataFrame, ctx: StepContext) -> pd.DataFrame:
    """Fill NaN with the indicator's median over the areas with a value in the same year
    (for an even count the mean of the two middle values, as R's ``median``)."""
    return _cross_section(x, ctx, "median")


FALLBACKS = ("overall", "none")


def _grouped(x: pd.DataFrame, ctx: StepContext, stat: str, fallback: str,
             group: str | None) -> pd.DataFrame:
    label = f"group_{stat}"
    how = None if group is None else (
        f"{'mediaan' if stat == 'median' else 'gemiddelde'} van de groep ({group})")
    where = f"impute '{label}'"
    require_panel(x, where)
    if fallback not in FALLBACKS:
        raise FrameworkError(f"{where}: parameter fallback moet 'overall' of 'none' zijn, niet "
                             f"{fallback!r}")
    if ctx.groups is None:
        raise FrameworkError(f"{where}: geen groepen (bijv. gemeente) per gebied opgegeven")
    xf = x.astype(float)
    groups = ctx.groups.reindex(x.index)
    years = x.index.get_level_values("year")
    in_group = xf.groupby([years, groups.to_numpy()], sort=False, dropna=True).transform(stat)
    in_group = in_group.reindex(x.index)  # rows without a group come back as NaN
    if fallback == "none":
        return _finish(x, xf.fillna(in_group), ctx, label,
                       "geen waarde in de groep in dat jaar, of geen groep", how)
    overall = xf.groupby(level="year", sort=False).transform(stat)
    falls_back = xf.isna() & in_group.isna() & overall.notna()
    for code in x.columns[falls_back.any().to_numpy()]:
        for year, rows in _per_year(falls_back, code):
            names = pd.unique(groups.reindex(rows).fillna("(geen groep)").astype(str))
            shown = ", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else "")
            ctx.warn(f"{code}: groep {shown} zonder waarden in {year}; {n_values(len(rows))} "
                     f"met de {'mediaan' if stat == 'median' else 'gemiddelde'} van alle "
                     f"gebieden geïmputeerd: {name_cells(rows)}")
    out = xf.fillna(in_group).fillna(overall)
    return _finish(x, out, ctx, label, "geen enkele waarde in dat jaar", how)


@IMPUTE.register("group_mean", label_nl="gemiddelde van de groep (gemeente)", group=None,
                 fallback="overall")
def group_mean(x: pd.DataFrame, ctx: StepContext, *, group: str | None = None,
               fallback: str = "overall") -> pd.DataFrame:
    """Fill NaN with the mean of the area's group (``ctx.groups``: the municipality, or the
    column ``group``) in the same year; a group without values falls back to the mean of all
    areas in that year (warned), or stays NaN with ``fallback="none"`` (COINr
    ``i_mean_grp``)."""
    return _grouped(x, ctx, "mean", fallback, group)


@IMPUTE.register("group_median", label_nl="mediaan van de groep (gemeente)", group=None,
                 fallback="overall")
def group_median(x: pd.DataFrame, ctx: StepContext, *, group: str | None = None,
                 fallback: str = "overall") -> pd.DataFrame:
    """Fill NaN with the median of the area's group (``ctx.groups``: the municipality, or the
    column ``group``) in the same year; a group without values falls back to the median of
    all areas in that year (warned), or stays NaN with ``fallback="none"`` (COINr
    ``i_median_grp``)."""
    return _grouped(x, ctx, "median", fallback, group)


@IMPUTE.register("previous_year", label_nl="laatst bekende waarde", max_gap=2)
def previous_year(x: pd.DataFrame, ctx: StepContext, *, max_gap: int = 2) -> pd.DataFrame:
    """Carry the area's last known value forward from an earlier year, at most ``max_gap``
    years back. Only years present in ``x`` are searched; later years never fill earlier
    ones. Cells with no value in that window stay NaN (warned).

    >>> idx = pd.MultiIndex.from_product([[2020, 2022, 2024], ["A"]],
    ...                                  names=["year", "area_code"])
    >>> x = pd.DataFrame({"i": [5.0, None, None]}, index=idx)
    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> previous_year(x, ctx, max_gap=2)["i"].tolist()
    [5.0, 5.0, nan]
    """
    where = "impute 'previous_year'"
    require_panel(x, where)
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 1:
        raise FrameworkError(f"{where}: max_gap moet een geheel getal ≥ 1 zijn, niet "
                             f"{max_gap!r}")
    xf = x.astype(float)
    order = xf.sort_index(level=["area_code", "year"])
    year = pd.Series(order.index.get_level_values("year").astype(float), index=order.index)
    seen = pd.DataFrame(np.where(order.notna(), year.to_numpy()[:, None], np.nan),
                        index=order.index, columns=order.columns)
    by_area = order.index.get_level_values("area_code")
    carried = order.groupby(by_area, sort=False).ffill()
    seen_at = seen.groupby(by_area, sort=False).ffill()
    within = seen_at.rsub(year, axis=0) <= max_gap
    filled = order.where(order.notna() | ~within, carried).reindex(x.index)
    return _finish(x, filled, ctx, "previous_year",
                   f"geen waarde in de {max_gap} jaar ervoor")
