"""Vectorised kernels of :mod:`wijkkompas.framework.sensitivity` (private).

Weight draws, block-wise evaluation of a framework for many weight draws at once, ranks and
tiers per draw, rank quantiles and the binning estimator of first-order sensitivity indices.
All functions work on numpy arrays with areas (plus a reference row) in rows and draws in
columns; see the module docstring of :mod:`wijkkompas.framework.sensitivity` for the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.framework.registry import AGGREGATE
from wijkkompas.framework.schema import Framework, StepSpec, TierRule

N_BINS = 20
_TOL = 1e-9


# --------------------------------------------------------------------------- weights


def draw_weights(nominal: np.ndarray, concentration: float, draws: int,
                 rng: np.random.Generator) -> np.ndarray:
    r"""Dirichlet weight draws centred on ``nominal``: :math:`w \sim \mathrm{Dir}(c\,\bar w)`.

    Parameters
    ----------
    nominal
        Non-negative weights (normalised here).
    concentration
        :math:`c > 0`; ``inf`` returns the nominal weights in every draw.
    draws
        Number of draws ``D``.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        ``(k, D)``; every column sums to 1; zero nominal weights stay zero.
    """
    w = np.asarray(nominal, dtype=float)
    w = w / w.sum()
    out = np.repeat(w[:, None], draws, axis=1)
    pos = w > 0
    if pos.sum() >= 2 and math.isfinite(concentration):
        out[pos] = rng.dirichlet(concentration * w[pos], size=draws).T
    return out


# --------------------------------------------------------------------------- evaluation


@dataclass
class _Theme:
    """Pre-computed matrices of one theme for one method combination (rows + reference)."""

    method: str
    min_share: float
    shift: float
    avail: np.ndarray
    a: np.ndarray
    b: np.ndarray | None = None


@dataclass
class _Combo:
    labels: dict[str, str]
    themes: dict[str, _Theme]
    specs: dict[str, tuple[str, dict[str, Any]]]


def _level_spec(own: StepSpec, alt: str | None) -> tuple[str, dict[str, Any]]:
    """(method, params) at one level: the framework's own, or ``alt`` with own min_share."""
    if alt is None or alt == own.method:
        return own.method, AGGREGATE.get(own.method).check_params(own.params)
    defaults = AGGREGATE.get(alt).defaults
    return alt, {**defaults, **{k: v for k, v in own.params.items() if k in defaults}}


def _theme(x: np.ndarray, n: int, method: str, params: dict[str, Any]) -> _Theme | None:
    """Matrices for ``x`` (areas + reference row); ``None`` when geomean meets values <= 0."""
    avail = ~np.isnan(x)
    shift = float(params.get("shift") or 0.0)
    t = _Theme(method, float(params.get("min_share", 0.5)), shift, avail.astype(float),
               np.where(avail, x, 0.0))
    if method == "geomean":
        if (avail & ~(x + shift > 0)).any():
            return None
        t.a = np.log(np.where(avail, x + shift, 1.0))
    elif method == "topsis":
        area = np.where(avail[:n], x[:n], np.nan)
        lo = np.where(np.isnan(area), np.inf, area).min(axis=0)
        hi = np.where(np.isnan(area), -np.inf, area).max(axis=0)
        span = hi - lo
        active = avail & (span > 0)
        with np.errstate(invalid="ignore"):
            r = np.where(active, (x - lo) / np.where(span > 0, span, 1.0), 0.0)
        t.a, t.b = np.where(active, r**2, 0.0), np.where(active, (1.0 - r) ** 2, 0.0)
    return t


def _finish(method: str, acc1: np.ndarray, acc2: np.ndarray | None, share: np.ndarray,
            min_share: float, shift: float) -> np.ndarray:
    ok = (share >= min_share - _TOL) & (share > 0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "mean":
            val = acc1 / share
        elif method == "geomean":
            val = np.exp(acc1 / share) - shift
        else:
            dm, dp = np.sqrt(acc1), np.sqrt(acc2)
            val = 100.0 * dm / (dm + dp)
    return np.where(ok & np.isfinite(val), val, np.nan)


def _theme_scores(t: _Theme, w: np.ndarray) -> np.ndarray:
    """Theme scores ``(rows, draws)`` for weight draws ``w`` ``(k, draws)``."""
    share = t.avail @ w
    if t.method == "topsis":
        w2 = w * w
        return _finish("topsis", t.a @ w2, t.b @ w2, share, t.min_share, t.shift)
    return _finish(t.method, t.a @ w, None, share, t.min_share, t.shift)


def _combine(children: list[np.ndarray], w: np.ndarray, spec: tuple[str, dict[str, Any]],
             n: int, warn: Callable[[str], None]) -> np.ndarray:
    """Aggregate child scores ``(rows, draws)`` with per-draw weights ``w`` ``(k, draws)``.

    Element-wise over draws; TOPSIS rescales every child per draw over the area rows.
    """
    method, params = spec
    shift = float(params.get("shift") or 0.0)
    share = np.zeros_like(children[0])
    acc1 = np.zeros_like(children[0])
    acc2 = np.zeros_like(children[0]) if method == "topsis" else None
    for ch, wi in zip(children, w, strict=True):
        avail = ~np.isnan(ch)
        if method == "geomean":
            bad = avail & ~(ch + shift > 0)
            if bad.any():
                warn("geomean: score <= 0 op een hoger niveau telt als ontbrekend")
                avail &= ~bad
            term = np.log(np.where(avail, ch + shift, 1.0))
        elif method == "topsis":
            area = ch[:n]
            lo = np.where(np.isnan(area), np.inf, area).min(axis=0)
            hi = np.where(np.isnan(area), -np.inf, area).max(axis=0)
            span = hi - lo
            act = avail & (span > 0)
            with np.errstate(invalid="ignore"):
                r = np.where(act, (ch - lo) / np.where(span > 0, span, 1.0), 0.0)
            acc2 += np.where(act, (wi * (1.0 - r)) ** 2, 0.0)
            term = r * r * wi
        else:
            term = ch
        acc1 += np.where(avail, wi * term, 0.0)
        share += np.where(avail, wi, 0.0)
    return _finish(method, acc1, acc2, share, float(params.get("min_share", 0.5)), shift)


def _evaluate(fw: Framework, combo: _Combo, weights: dict[str, np.ndarray], n: int,
              warn: Callable[[str], None]) -> dict[str, np.ndarray]:
    """Scores ``(rows, draws)`` of every theme, opgave and the overall index."""
    out: dict[str, np.ndarray] = {}
    for op in fw.opgaven:
        kids = [_theme_scores(combo.themes[th.code], weights[th.code]) for th in op.themes]
        out.update({th.code: k for th, k in zip(op.themes, kids, strict=True)})
        out[op.code] = _combine(kids, weights[op.code], combo.specs[op.code], n, warn)
    if fw.overall is not None:
        out[fw.overall.code] = _combine([out[op.code] for op in fw.opgaven],
                                        weights[fw.overall.code],
                                        combo.specs[fw.overall.code], n, warn)
    return out


# --------------------------------------------------------------------------- ranks and tiers


def _rank_stats(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``s`` (draws x areas), NaN ignored: ascending min-rank (1 = lowest),
    descending min-rank (1 = highest) and the count of scored areas."""
    m = s.shape[1]
    order = np.argsort(s, axis=1)
    srt = np.take_along_axis(s, order, axis=1)
    count = (~np.isnan(s)).sum(axis=1)
    pos = np.broadcast_to(np.arange(m), s.shape)
    starts = np.ones(s.shape, dtype=bool)
    starts[:, 1:] = srt[:, 1:] != srt[:, :-1]
    ends = np.ones(s.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, pos, m)[:, ::-1], axis=1)[:, ::-1]
    asc = np.empty(s.shape)
    desc = np.empty(s.shape)
    np.put_along_axis(asc, order, first + 1.0, axis=1)
    np.put_along_axis(desc, order, count[:, None] - last, axis=1)
    nan = np.isnan(s)
    asc[nan] = np.nan
    desc[nan] = np.nan
    return asc, desc, count


def _tiers(s: np.ndarray, ref: np.ndarray, rule: TierRule, high_first: bool,
           small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tier codes (0 = first tier, -1 = none), priority rank and descending rank per draw.

    ``s`` is ``(draws, areas)``; the rule is applied per draw as
    :func:`~wijkkompas.framework.tiers.assign_tiers` does per year.
    """
    asc, desc, _ = _rank_stats(s)
    so, ro = (-s, -ref) if high_first else (s, ref)
    if small.any():
        need, _, count = _rank_stats(np.where(small[None, :], np.nan, so))
    else:
        need, count = (desc if high_first else asc), (~np.isnan(s)).sum(axis=1)
    elig = ~np.isnan(need)
    if rule.type == "quantile":
        cuts = np.asarray(rule.cuts)[None, None, :] * count[:, None, None] - _TOL
        codes = ((need - 1.0)[:, :, None] >= cuts).sum(axis=2)
    elif rule.type == "top_n":
        codes = (need > (rule.n or 1)).astype(int)
    else:
        cuts = np.asarray(rule.cuts, dtype=float)[None, :]
        cuts = np.sort(ro[:, None] * cuts / 100.0, axis=1) if rule.relative_to_reference \
            else np.broadcast_to(cuts, (len(s), cuts.shape[1]))
        codes = (np.nan_to_num(so)[:, :, None] >= cuts[:, None, :]).sum(axis=2)
    return np.where(elig, codes, -1).astype(np.int8), need, desc


def _row_quantiles(a: np.ndarray, ps: list[float]) -> np.ndarray:
    """Quantiles (numpy's linear rule) per row of ``a``, NaN ignored; all-NaN rows NaN."""
    srt = np.sort(a, axis=1)
    m = (~np.isnan(a)).sum(axis=1)
    out = np.full((len(a), len(ps)), np.nan)
    rows = np.flatnonzero(m > 0)
    for j, p in enumerate(ps):
        pos = (m[rows] - 1) * p
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, m[rows] - 1)
        frac = pos - lo
        vlo, vhi = srt[rows, lo], srt[rows, hi]
        out[rows, j] = vlo + frac * (vhi - vlo)
    return out


# --------------------------------------------------------------------------- drivers


def first_order_indices(y: np.ndarray, inputs: dict[str, np.ndarray], *,
                        bins: int = N_BINS, categorical: set[str] | None = None
                        ) -> pd.DataFrame:
    r"""First-order indices :math:`S_i = \sum_a \mathrm{Var}(E[Y_a|X_i]) / \sum_a
    \mathrm{Var}(Y_a)` by binning (variance of conditional means).

    Parameters
    ----------
    y
        Output per area and draw, ``(areas, draws)``; NaN is replaced by the area's mean.
    inputs
        Input values per draw, ``(draws,)`` each.
    bins
        Quantile bins for continuous inputs (equal-count bins of the draws).
    categorical
        Names of inputs whose values are categories (one bin per category).

    Returns
    -------
    pandas.DataFrame
        Index input name; columns ``s_first`` and ``noise`` (:math:`(B-1)/D`, the expected
        index of an input without effect).
    """
    categorical = categorical or set()
    y = np.asarray(y, dtype=float)
    d = y.shape[1]
    mean = np.nanmean(np.where(np.isnan(y).all(axis=1)[:, None], 0.0, y), axis=1)
    yc = np.where(np.isnan(y), 0.0, y - mean[:, None])
    total = float((yc**2).sum()) / d
    codes, sizes = [], []
    for name, x in inputs.items():
        x = np.asarray(x)
        if name in categorical:
            _, code = np.unique(x, return_inverse=True)
        else:
            code = np.minimum((np.argsort(np.argsort(x, kind="stable")) * bins) // d, bins - 1)
        codes.append(code)
        sizes.append(int(code.max()) + 1)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    onehot = np.zeros((d, int(offsets[-1])), dtype=np.float32)
    for code, off in zip(codes, offsets[:-1], strict=True):
        onehot[np.arange(d), off + code] = 1.0
    sums = yc.astype(np.float32) @ onehot
    counts = onehot.sum(axis=0)
    between = ((sums.astype(float) ** 2).sum(axis=0) / np.maximum(counts, 1)) / d
    rows = []
    for name, size, off in zip(inputs, sizes, offsets[:-1], strict=True):
        s = float(between[off:off + size].sum()) / total if total > 0 else 0.0
        rows.append({"input": name, "s_first": s, "noise": (size - 1) / d})
    return pd.DataFrame(rows).set_index("input")
