"""Robust trends: the Theil–Sen estimator with a confidence interval for the slope.

The Theil–Sen slope is the median of all pairwise slopes,

.. math:: \\hat\\beta = \\operatorname{median}_{i<j,\\, x_i \\ne x_j} \\frac{y_j - y_i}{x_j - x_i},

with intercept :math:`\\hat\\alpha = \\operatorname{median}(y) - \\hat\\beta\\,\\operatorname{median}(x)`
(:func:`scipy.stats.theilslopes`). The slope interval is Sen's (1968) distribution-free
interval from the ranks of the pairwise slopes. One outlier among five or more points hardly
moves the estimate (breakdown point about 29%).

Honesty rule: with fewer than :data:`MIN_POINTS` observations a trend is not reported as
reliable; the caller gets ``reliable=False`` and must say so rather than draw a line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import theilslopes

MIN_POINTS = 4
TOO_FEW = "te weinig punten voor een betrouwbare trend"


@dataclass(frozen=True)
class Trend:
    """A Theil–Sen line ``y = intercept + slope * x`` with a slope interval.

    ``low_slope``/``high_slope`` bound the slope at confidence ``level``; with fewer than two
    distinct x values every field but ``n`` is NaN.
    """

    slope: float
    intercept: float
    low_slope: float
    high_slope: float
    n: int
    x_median: float
    y_median: float
    level: float
    reliable: bool

    def at(self, x: float) -> float:
        """Point forecast :math:`\\hat\\alpha + \\hat\\beta x`."""
        return self.intercept + self.slope * x

    def interval_at(self, x: float) -> tuple[float, float]:
        """Forecast band at ``x``: lines through the median point with the low and high slope,

        .. math:: \\tilde y + \\beta_{lo,hi}\\,(x - \\tilde x),

        ordered so that the first value is the lower one.
        """
        a = self.y_median + self.low_slope * (x - self.x_median)
        b = self.y_median + self.high_slope * (x - self.x_median)
        return (min(a, b), max(a, b))


def theil_sen(x: np.ndarray | list[float], y: np.ndarray | list[float], *,
              level: float = 0.90, min_points: int = MIN_POINTS) -> Trend:
    """Fit a Theil–Sen line to the finite pairs of ``x`` and ``y``.

    Parameters
    ----------
    x, y
        Years and values; pairs with a NaN are dropped.
    level
        Confidence level of the slope interval (default 0.90).
    min_points
        Fewer points than this give ``reliable=False``.

    Examples
    --------
    >>> t = theil_sen([2010, 2011, 2012, 2013], [1.0, 3.0, 5.0, 7.0])
    >>> round(t.slope, 6), round(t.at(2014), 6)
    (2.0, 9.0)
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    keep = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[keep], ya[keep]
    n = int(len(xa))
    nan = float("nan")
    if n < 2 or len(np.unique(xa)) < 2:
        return Trend(nan, nan, nan, nan, n, nan, nan, level, False)
    res = theilslopes(ya, xa, alpha=level)
    slope, intercept = float(res.slope), float(res.intercept)
    low, high = float(res.low_slope), float(res.high_slope)
    return Trend(slope, intercept, low, high, n, float(np.median(xa)), float(np.median(ya)),
                 level, n >= min_points)


def nl(value: float, digits: int = 3, *, sign: bool = False, significant: bool = True) -> str:
    """Format a number the Dutch way (decimal comma): ``nl(0.4716) == '0,472'``.

    ``significant`` uses ``digits`` significant digits (``g`` format), otherwise fixed
    decimals; ``sign`` always shows + or −.
    """
    from wijkkompas.formatting import number, signed

    if value is None or not np.isfinite(value):
        return "-"
    decimals = digits
    if significant:  # as many decimals as ``digits`` significant digits need (never 8e+03)
        magnitude = int(np.floor(np.log10(abs(value)))) if value else 0
        decimals = max(0, digits - 1 - magnitude)
        text = number(value, decimals)
        if "," in text:  # like the g format: no trailing zeros
            text = text.rstrip("0").rstrip(",")
        return ("+" + text) if sign and value > 0 and text.strip("0,.") else text
    return signed(value, decimals) if sign else number(value, decimals)
