"""The population-weighted concentration index of money per inhabitant over the need ranking.

O'Donnell, van Doorslaer, Wagstaff & Lindelöw (2008), *Analyzing Health Equity Using Household
Survey Data*, ch. 8, "convenient covariance" form::

    CI = 2 · cov_w(y, R) / mean_w(y)

* ``y``: euros (or FTE, hours) per inhabitant of each area, unrounded;
* ``w``: the inhabitants of each area (the weights);
* ``R``: the weighted fractional rank, ordered from the **least** to the **most** need:
  ``R_i = (W_before_i + w_i / 2) / W``, where ``W_before_i`` is the population of the areas
  with less need. Areas with exactly the same need (a tie) share one rank: that of their group
  as a whole.

Convention: a **positive** index means the money concentrates where the need is greatest, a
negative one where it is least; 0 is no relation to the ranking. It lies in [−1, 1] for
non-negative amounts and does not change when every amount is multiplied by the same factor.

The concentration curve plots the cumulative share of money against the cumulative share of
inhabitants, here from the **most** need first: above the diagonal the money follows the need.
With that ordering ``CI = 2 · (area under the curve) − 1`` (trapezoids over tie groups).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _arrays(y: pd.Series, weights: pd.Series, need: pd.Series
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"y": y, "w": weights, "need": need}).dropna()
    return (frame["y"].to_numpy(float), frame["w"].to_numpy(float),
            frame["need"].to_numpy(float))


def fractional_rank(weights: np.ndarray, need: np.ndarray) -> np.ndarray:
    """The weighted fractional rank from the least (``need`` low) to the most need; ties get
    the rank of their group's midpoint."""
    total = weights.sum()
    levels, group = np.unique(need, return_inverse=True)  # levels ascending: least need first
    group_w = np.bincount(group, weights=weights, minlength=len(levels))
    before = np.concatenate([[0.0], np.cumsum(group_w)[:-1]])
    return (before + group_w / 2.0)[group] / total


def concentration_index(y: pd.Series, weights: pd.Series, need: pd.Series) -> float | None:
    """The index; ``need`` is any number that is higher where the need is greater (aligned
    with ``y`` and ``weights`` by index). None when there is no money or fewer than two
    areas with inhabitants."""
    yy, ww, nn = _arrays(y, weights, need)
    keep = ww > 0
    yy, ww, nn = yy[keep], ww[keep], nn[keep]
    if len(yy) < 2:
        return None
    total = ww.sum()
    mean = float((ww * yy).sum() / total)
    if mean <= 0:
        return None
    rank = fractional_rank(ww, nn)
    cov = float((ww * (yy - mean) * (rank - (ww * rank).sum() / total)).sum() / total)
    return 2.0 * cov / mean


def concentration_curve(y: pd.Series, weights: pd.Series, need: pd.Series) -> pd.DataFrame:
    """Points of the curve from the most need first: ``population_share`` and ``money_share``
    (cumulative, from 0 to 1) and the ``areas`` of each step (a tie group is one step)."""
    yy, ww, nn = _arrays(y, weights, need)
    frame = pd.DataFrame({"y": yy, "w": ww, "need": nn},
                         index=pd.DataFrame({"y": y, "w": weights, "need": need}).dropna().index)
    frame = frame[frame["w"] > 0]
    money = frame["y"] * frame["w"]
    groups = (frame.assign(money=money, area=frame.index.astype(str))
              .groupby("need", sort=True)
              .agg(w=("w", "sum"), money=("money", "sum"), areas=("area", list))
              .iloc[::-1])
    points = pd.DataFrame({
        "population_share": groups["w"].cumsum() / frame["w"].sum(),
        "money_share": groups["money"].cumsum() / money.sum() if money.sum() > 0 else np.nan,
        "areas": groups["areas"],
    }).reset_index(drop=True)
    start = pd.DataFrame({"population_share": [0.0], "money_share": [0.0], "areas": [[]]})
    return pd.concat([start, points], ignore_index=True)


def index_from_curve(curve: pd.DataFrame) -> float:
    """``2 · area − 1`` of a curve from :func:`concentration_curve` (trapezoids)."""
    x = curve["population_share"].to_numpy(float)
    m = curve["money_share"].to_numpy(float)
    return float(2.0 * np.sum((x[1:] - x[:-1]) * (m[1:] + m[:-1]) / 2.0) - 1.0)
