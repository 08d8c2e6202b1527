"""Ranks, priority tiers and top-n selections of scores, within each year.

Pure, vectorised functions over a score Series indexed by ``(year, area_code)``. Aggregation
(:mod:`wijkkompas.framework.aggregate`) never breaks ties; these functions apply a declared tie
rule instead, so equal scores always get equal ranks and land in the same tier.

Tie rules, in short:

* :func:`rank_scores` -- ``ties="min"`` (default): equal scores share the best rank of their
  group and the next rank skips (1, 2, 2, 4), like ``scipy.stats.rankdata(method="min")``.
* :func:`tiers_by_quantile` -- an area's position is the share of areas in its year that
  score strictly lower; equal scores therefore share a position and a tier, so a tier can hold
  more areas than its nominal share.
* :func:`tiers_by_threshold` -- a score exactly on a threshold belongs to the tier above it.
* :func:`top_n` -- areas tied with the n-th area are all selected (so more than ``n`` can be).

Missing scores (NaN) get a missing rank / tier and are never selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError

__all__ = ["rank_scores", "tiers_by_quantile", "tiers_by_threshold", "top_n"]

TieRule = Literal["min", "max", "dense"]
_TOL = 1e-9


def _groups(scores: pd.Series, by_year: bool = True) -> pd.core.groupby.SeriesGroupBy:
    """Group ``scores`` by the ``year`` index level (or all rows together)."""
    if by_year and "year" in (scores.index.names or []):
        return scores.groupby(level="year", sort=False)
    return scores.groupby(np.zeros(len(scores), dtype=int), sort=False)


def _as_float(scores: pd.Series) -> pd.Series:
    if not isinstance(scores, pd.Series):
        raise FrameworkError("scores moeten een pandas Series zijn")
    return scores.astype(float)


def rank_scores(scores: pd.Series, *, by_year: bool = True, ascending: bool = False,
                ties: TieRule = "min") -> pd.Series:
    """Integer ranks of ``scores``, 1 = best, within each year.

    Parameters
    ----------
    scores
        One score per row, indexed by ``(year, area_code)`` (any index works when
        ``by_year=False`` or there is no ``year`` level).
    by_year
        Rank within each year (default) or over all rows together.
    ascending
        ``False`` (default): the highest score gets rank 1. ``True``: the lowest score gets
        rank 1 (e.g. to rank by need).
    ties
        ``"min"`` (default): tied scores share the best rank of the group and the next rank
        skips -- scores 9, 8, 8, 7 rank 1, 2, 2, 4. ``"max"``: they share the worst rank
        (1, 3, 3, 4). ``"dense"``: they share the best rank and the next rank does not skip
        (1, 2, 2, 3). Tie-breaking by order is deliberately not offered.

    Returns
    -------
    pandas.Series
        Nullable integer (``Int64``) ranks, same index; NaN scores get ``<NA>`` and do not
        count as competitors.

    Examples
    --------
    >>> s = pd.Series([9.0, 8.0, 8.0, 7.0, float("nan")])
    >>> rank_scores(s).tolist()
    [1, 2, 2, 4, <NA>]
    """
    if ties not in ("min", "max", "dense"):
        raise FrameworkError(f"onbekende ties-regel {ties!r}; kies uit: dense, max, min")
    s = _as_float(scores)
    ranks = _groups(s, by_year).rank(method=ties, ascending=ascending, na_option="keep")
    return ranks.round().astype("Int64").rename(scores.name)


def _tiers(codes: np.ndarray, valid: np.ndarray, labels: Sequence[str],
           index: pd.Index, name: object) -> pd.Series:
    codes = np.where(valid, codes, -1).astype(int)
    cat = pd.Categorical.from_codes(codes, categories=list(labels), ordered=True)
    return pd.Series(cat, index=index, name=name)


def _check_labels(labels: Sequence[str] | None, n: int) -> list[str]:
    if labels is None:
        return [f"klasse {i + 1}" for i in range(n)]
    labels = list(labels)
    if len(labels) != n:
        raise FrameworkError(f"{n} labels verwacht, kreeg {len(labels)}")
    if len(set(labels)) != n:
        raise FrameworkError("labels moeten verschillend zijn")
    return labels


def _check_cuts(cuts: Sequence[float], what: str) -> np.ndarray:
    arr = np.asarray(list(cuts), dtype=float)
    if arr.ndim != 1 or not np.all(np.isfinite(arr)):
        raise FrameworkError(f"{what} moeten eindige getallen zijn")
    if np.any(np.diff(arr) <= 0):
        raise FrameworkError(f"{what} moeten strikt oplopen")
    return arr


def tiers_by_quantile(scores: pd.Series, quantiles: Sequence[float] = (0.2, 0.4),
                      labels: Sequence[str] | None = None, *, by_year: bool = True
                      ) -> pd.Series:
    """Tiers by the share of areas that score lower, within each year (low score = tier 1).

    For area *i* in a year with *n* scored areas, its position is
    ``q_i = #{areas with score < s_i} / n`` (``rank_min - 1`` over ``n``). The tier is the
    number of cuts ``c`` with ``q_i >= c``. With cuts ``[0.2, 0.4]`` and 10 areas, the two
    lowest-scoring areas form the first tier, the next two the second, the rest the third;
    in general the first tier holds ``ceil(0.2 n)`` areas when there are no ties.

    Tie rule: equal scores share ``q`` and so share a tier; a tie across a cut pulls all tied
    areas into the lower (higher-priority) tier, which then holds more than its share.

    Parameters
    ----------
    scores
        Score per row, indexed by ``(year, area_code)``.
    quantiles
        Strictly increasing cut points in ``(0, 1)``.
    labels
        ``len(quantiles) + 1`` tier labels, lowest scores first; default ``klasse 1..k``.
    by_year
        Compute positions within each year (default) or over all rows.

    Returns
    -------
    pandas.Series
        Ordered categorical with ``labels`` as categories; NaN scores get NaN.

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> tiers_by_quantile(s, [0.2, 0.4], ["hoog", "midden", "laag"]).tolist()
    ['hoog', 'midden', 'laag', 'laag', 'laag']
    """
    cuts = _check_cuts(quantiles, "quantiles")
    if np.any((cuts <= 0) | (cuts >= 1)):
        raise FrameworkError("quantiles liggen tussen 0 en 1")
    labels = _check_labels(labels, len(cuts) + 1)
    s = _as_float(scores)
    grouped = _groups(s, by_year)
    below = grouped.rank(method="min", ascending=True, na_option="keep").to_numpy() - 1.0
    n = grouped.transform("count").to_numpy(dtype=float)
    valid = ~np.isnan(below)
    # q >= c  <=>  below >= c * n (compared with a tolerance against 0.3 * 10 = 3.0000000004)
    codes = (np.nan_to_num(below)[:, None] >= cuts[None, :] * n[:, None] - _TOL).sum(axis=1)
    return _tiers(codes, valid, labels, scores.index, scores.name)


def tiers_by_threshold(scores: pd.Series, thresholds: Sequence[float],
                       labels: Sequence[str] | None = None) -> pd.Series:
    """Tiers by fixed cut points on the score scale (the same in every year).

    The tier is the number of thresholds ``t`` with ``score >= t``: with thresholds
    ``[90, 100]`` a score below 90 is tier 1, ``90 <= score < 100`` tier 2, ``>= 100`` tier 3.
    A score exactly on a threshold belongs to the tier above it.

    Parameters
    ----------
    scores
        Score per row.
    thresholds
        Strictly increasing cut points.
    labels
        ``len(thresholds) + 1`` labels, lowest scores first; default ``klasse 1..k``.

    Returns
    -------
    pandas.Series
        Ordered categorical; NaN scores get NaN.

    Examples
    --------
    >>> tiers_by_threshold(pd.Series([80.0, 90.0, 120.0]), [90, 100]).tolist()
    ['klasse 1', 'klasse 2', 'klasse 3']
    """
    cuts = _check_cuts(thresholds, "thresholds")
    labels = _check_labels(labels, len(cuts) + 1)
    x = _as_float(scores).to_numpy()
    valid = ~np.isnan(x)
    codes = (np.nan_to_num(x)[:, None] >= cuts[None, :]).sum(axis=1)
    return _tiers(codes, valid, labels, scores.index, scores.name)


def top_n(scores: pd.Series, n: int, lowest: bool = True, *, by_year: bool = True
          ) -> pd.Series:
    """Select the ``n`` lowest (default) or highest scoring areas within each year.

    Tie rule: every area tied with the ``n``-th one is selected too (``rank_min <= n``), so a
    year can have more than ``n`` selected areas; none is dropped arbitrarily.

    Parameters
    ----------
    scores
        Score per row, indexed by ``(year, area_code)``.
    n
        Number of areas per year, ``>= 1``.
    lowest
        ``True`` (default): the lowest scores (greatest need). ``False``: the highest.
    by_year
        Select within each year (default) or over all rows.

    Returns
    -------
    pandas.Series
        Boolean, same index; NaN scores are never selected.

    Examples
    --------
    >>> top_n(pd.Series([3.0, 1.0, 1.0, 2.0]), 1).tolist()
    [False, True, True, False]
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise FrameworkError(f"n moet een geheel getal >= 1 zijn (kreeg {n!r})")
    ranks = rank_scores(scores, by_year=by_year, ascending=lowest, ties="min")
    return (ranks <= n).fillna(False).astype(bool).rename(scores.name)
