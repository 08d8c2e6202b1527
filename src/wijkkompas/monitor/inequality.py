"""The gap between areas: quintile gap, Theil index and coefficient of variation per group
(usually a municipality) and year, and whether the differences are growing.

For the :math:`n` areas of a group in a year with values :math:`x_i` and mean :math:`\\mu`:

* **quintile gap** :math:`\\bar x_{best} - \\bar x_{worst}`: the mean of the best
  :math:`k = \\max(1, \\operatorname{round}(n/5))` areas minus the mean of the worst :math:`k`
  ("best" follows the direction; the gap is positive whenever the best are better);
* **Theil index** :math:`T = \\frac1n \\sum_i \\frac{x_i}{\\mu} \\ln \\frac{x_i}{\\mu}`
  (0 when all areas are equal, :math:`\\ln n` when one area has everything). Defined for
  non-negative values with :math:`\\mu > 0`; zeros contribute 0 (the limit of
  :math:`x \\ln x`); with a negative value the index is NaN and a warning names the group;
* **coefficient of variation** :math:`CV = \\sigma/\\mu` with the population standard
  deviation :math:`\\sigma = \\sqrt{\\frac1n\\sum_i (x_i-\\mu)^2}`; NaN when :math:`\\mu \\le 0`.

Theil and CV are unweighted (each area counts once) unless ``weights`` (e.g. inhabitants)
are given: then :math:`\\mu_w = \\sum_i w_i x_i / \\sum_i w_i`,
:math:`T_w = \\sum_i \\frac{w_i}{\\sum w} \\frac{x_i}{\\mu_w} \\ln\\frac{x_i}{\\mu_w}` and
:math:`\\sigma_w^2 = \\sum_i \\frac{w_i}{\\sum w} (x_i - \\mu_w)^2`.

Scores that are deviations around 0 (Leefbaarometer) or indices can be negative or have no
natural zero; Theil and CV are then meaningless. :func:`is_growing` therefore uses, with
``measure="auto"``, the CV when every value is positive and the quintile gap otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.monitor.trend import MIN_POINTS, TOO_FEW, nl, theil_sen

MEASURES = {"gap": "kwintielkloof", "theil": "Theil-index", "cv": "variatiecoëfficiënt"}
STABLE_TOLERANCE = 0.02


def theil_index(values: np.ndarray | list[float], weights: np.ndarray | None = None) -> float:
    """Theil T index of non-negative values (see the module docstring).

    Examples
    --------
    >>> theil_index([5, 5, 5, 5])
    0.0
    >>> round(theil_index([0, 0, 0, 12]), 6) == round(float(np.log(4)), 6)
    True
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(x) & np.isfinite(w)
    x, w = x[keep], w[keep]
    if len(x) == 0 or (x < 0).any() or w.sum() <= 0:
        return float("nan")
    mu = float((w * x).sum() / w.sum())
    if mu <= 0:
        return float("nan")
    r = x / mu
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(r), 0.0)
    return float(max((w * terms).sum() / w.sum(), 0.0))


def coefficient_of_variation(values: np.ndarray | list[float],
                             weights: np.ndarray | None = None) -> float:
    """:math:`\\sigma/\\mu` with the population (weighted) standard deviation; NaN if
    :math:`\\mu \\le 0`.

    >>> round(coefficient_of_variation([2, 4, 4, 4, 5, 5, 7, 9]), 6)
    0.4
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(x) & np.isfinite(w)
    x, w = x[keep], w[keep]
    if len(x) == 0 or w.sum() <= 0:
        return float("nan")
    mu = float((w * x).sum() / w.sum())
    if mu <= 0:
        return float("nan")
    return float(np.sqrt((w * (x - mu) ** 2).sum() / w.sum()) / mu)


def quintile_gap(values: np.ndarray | list[float], direction: str = "higher_better"
                 ) -> tuple[float, float, float, int]:
    """``(gap, best_mean, worst_mean, k)`` with :math:`k = \\max(1, round(n/5))`."""
    x = np.sort(np.asarray(values, dtype=float)[np.isfinite(np.asarray(values, dtype=float))])
    n = len(x)
    if n < 2:
        return (float("nan"), float("nan"), float("nan"), 0)
    k = max(1, int(round(n / 5)))
    low, high = float(x[:k].mean()), float(x[-k:].mean())
    best, worst = (high, low) if direction == "higher_better" else (low, high)
    return (abs(high - low), best, worst, k)


def dispersion(frame: pd.DataFrame, *, group: str = "municipality",
               direction: str = "higher_better", weight: str | None = None
               ) -> tuple[pd.DataFrame, list[str]]:
    """Gap, Theil and CV per group and year.

    Parameters
    ----------
    frame
        Long frame with ``area_code``, ``year``, ``value``, the ``group`` column and, if
        ``weight`` is given, that weight column.
    group
        Column to group by (a municipality code, or any grouping).
    direction
        Which end is "best" for the quintile means.

    Returns
    -------
    (table, warnings)
        ``table`` indexed by (group, year) with ``n``, ``mean``, ``best_quintile``,
        ``worst_quintile``, ``k``, ``gap``, ``theil``, ``cv``, ``min``, ``max``.
    """
    data = frame.dropna(subset=["value"])
    rows, warnings = [], []
    for (g, year), part in data.groupby([group, "year"], sort=True):
        x = part["value"].to_numpy(dtype=float)
        w = part[weight].to_numpy(dtype=float) if weight else None
        gap, best, worst, k = quintile_gap(x, direction)
        if (x < 0).any():
            warnings.append(str(g))
        rows.append({
            group: g, "year": int(year), "n": int(len(x)),
            "mean": float(np.average(x, weights=w)) if len(x) else np.nan,
            "best_quintile": best, "worst_quintile": worst, "k": k, "gap": gap,
            "theil": theil_index(x, w), "cv": coefficient_of_variation(x, w) if (x >= 0).all()
            else np.nan, "min": float(x.min()), "max": float(x.max()),
        })
    cols = [group, "year", "n", "mean", "best_quintile", "worst_quintile", "k", "gap", "theil",
            "cv", "min", "max"]
    table = pd.DataFrame(rows, columns=cols).set_index([group, "year"])
    notes = []
    if warnings:
        notes.append("negatieve waarden in " + ", ".join(sorted(set(warnings))) + ": Theil-index "
                     "en variatiecoëfficiënt zijn daar niet bepaald (gebruik de kwintielkloof)")
    return table, notes


@dataclass(frozen=True)
class GrowthVerdict:
    """The answer to "are the differences growing?" for one group."""

    group: str
    measure: str
    years: list[int]
    first: float
    last: float
    slope: float
    slope_low: float
    slope_high: float
    verdict: str  # growing / shrinking / stable / unclear / too_few
    sentence: str


def is_growing(table: pd.DataFrame, group: str, *, measure: str = "auto",
               name: str | None = None, level: float = 0.90,
               min_points: int = MIN_POINTS) -> GrowthVerdict:
    """Trend of a dispersion measure over the years for one group, in plain Dutch.

    With at least ``min_points`` years the verdict follows the Theil–Sen slope interval:
    growing when the whole interval is above 0, shrinking when below, else "no clear
    change". With fewer years the direction of the change is described but explicitly not
    called a trend ("te weinig punten voor een betrouwbare trend"); a relative change below
    2% counts as stable.
    """
    part = table.xs(group, level=0)
    if measure == "auto":
        measure = "cv" if part["cv"].notna().all() and (part["min"] > 0).all() else "gap"
    if measure not in MEASURES:
        from wijkkompas.errors import ConfigError

        raise ConfigError(f"maat {measure!r}: kies uit auto, {', '.join(MEASURES)}")
    s = part[measure].dropna()
    who = name or group
    label = MEASURES[measure]
    years = [int(y) for y in s.index]
    if len(s) < 2:
        return GrowthVerdict(group, measure, years, np.nan, np.nan, np.nan, np.nan, np.nan,
                             "too_few", f"{who}: te weinig jaren om iets te zeggen over de "
                                        f"verschillen tussen gebieden ({len(s)} jaar).")
    first, last = float(s.iloc[0]), float(s.iloc[-1])
    trend = theil_sen(years, s.to_numpy(), level=level, min_points=min_points)
    change = (last - first) / abs(first) if first else np.inf * np.sign(last - first)
    span = f"{label} van {nl(first)} ({years[0]}) naar {nl(last)} ({years[-1]})"
    if not trend.reliable:
        if abs(change) < STABLE_TOLERANCE:
            direction = "lijken ongeveer gelijk te blijven"
        elif last > first:
            direction = "lijken groter te worden"
        else:
            direction = "lijken kleiner te worden"
        sentence = (f"{who}: de verschillen tussen gebieden {direction} ({span}), maar met "
                    f"{len(s)} meetjaren is dat {TOO_FEW}.")
        verdict = "too_few"
    elif trend.low_slope > 0:
        verdict = "growing"
        sentence = f"{who}: de verschillen tussen gebieden groeien ({span})."
    elif trend.high_slope < 0:
        verdict = "shrinking"
        sentence = f"{who}: de verschillen tussen gebieden worden kleiner ({span})."
    else:
        verdict = "stable"
        sentence = (f"{who}: geen duidelijke verandering in de verschillen tussen gebieden "
                    f"({span}; de trend is onzeker).")
    return GrowthVerdict(group, measure, years, first, last, trend.slope, trend.low_slope,
                         trend.high_slope, verdict, sentence)
