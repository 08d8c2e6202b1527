"""Outlier treatment before normalisation, following COINr's default ``Treat``.

Every method has the signature ``func(x, fit, ctx, **params) -> DataFrame`` with ``x`` and
``fit`` as in :mod:`wijkkompas.framework.normalise`: ``x`` the rows to treat, ``fit`` the rows
that decide the treatment.

The default treatment (COINr ``Treat`` with ``winsorise`` -> ``log_CT``), per indicator:

1. Test: the indicator *fails* when ``|skewness| >= skew_thresh`` AND ``kurtosis >=
   kurt_thresh`` (COINr ``check_SkewKurt``: pass = ``|skew| < skew_thresh`` OR ``kurt <
   kurt_thresh``). Skewness and kurtosis are the *sample* estimators of ``e1071`` type 2 (as
   Excel's SKEW/KURT) that COINr's ``skew()``/``kurt()`` use:

   ``G1 = sqrt(n) m3 / m2^(3/2) * sqrt(n (n - 1)) / (n - 2)``
   ``G2 = ((n + 1) (n m4 / m2^2 - 3) + 6) (n - 1) / ((n - 2) (n - 3))``

   with ``m_k`` the sums of the ``k``-th powers of the deviations from the mean. Fewer than
   4 values: no test, untreated, warned.
2. A failing indicator is winsorised: while it fails and fewer than ``winmax`` points are
   treated, the most extreme point on the side of the skew (high for skew >= 0) is replaced by
   the next value (tied points go together). ``force_win`` keeps going up to ``winmax`` even
   after passing (only for indicators that failed the first test, as in COINr).
3. Still failing: the winsorisation is undone and a log transform is applied instead (unless
   ``log_fallback=False``, which keeps the winsorised values as COINr does without ``f2``), COINr
   ``log_CT``: ``log(x - min + a)`` with ``a = 0.01 (max - min)``, which also works for
   negative values. For negative skew the mirrored form of COINr's ``log_CT_plus``,
   ``-log(max + a - x)``, is used (``log_CT`` would make a negative skew worse), unless
   ``log_mirror=False`` (set by ``conventions: coinr``): then ``log(x - min + a)`` whatever the
   skew, exactly as COINr's ``log_CT``. Both keep the order of the areas; the values are no
   longer in the input's units (so goalposts and ratio indices in raw units no longer apply),
   which the warning says.

Which rows decide (``by_year``): with ``by_year=True`` (default, COINr treats each coin of a
purse on its own) and ``fit`` holding the same years as ``x``, each year is decided on that
year's ``fit`` rows and applied to that year's ``x`` rows. Otherwise (a base-year anchor, or
``by_year=False`` for a pooled anchor) one decision is made on all ``fit`` rows and applied to
every row of ``x``: winsorisation becomes clipping at the caps found on ``fit`` (exactly
COINr's result when ``fit`` is ``x``), the log transform uses ``min``/``max`` of ``fit``; an
``x`` value beyond the anchor's worst-side extreme is clipped to it first (warned), since the
log is undefined there.

Every treated indicator gets one warning naming up to five areas.

COINr test ``treat_num``: ``x = c(1:10, 100)`` fails; one point is winsorised, 100 -> 10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework._stepkit import (
    MAX_NAMED,
    n_values,
    name_cells,
    require_panel,
    years_text,
)
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import TREAT

__all__ = ["none", "skew_kurt", "winsorise"]


def skew_kurt(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample skewness and kurtosis (e1071 type 2, as COINr) of each column of ``a``.

    NaN is ignored. Columns with fewer than 3 (skew) or 4 (kurtosis) values, or without
    spread, give NaN.

    >>> s, k = skew_kurt(np.array([[1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]]).T)
    >>> round(float(s[0]), 4), round(float(k[0]), 4)
    (3.2556, 10.7067)
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    ok = ~np.isnan(a)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(a, axis=0) / n
        d = a - mean if ok.all() else np.where(ok, a - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0)
        m3 = (d2 * d).sum(axis=0)
        m4 = (d2 * d2).sum(axis=0)
        spread = m2 > 1e-300
        skew = np.sqrt(n) * m3 / (m2 * np.sqrt(m2)) * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / (m2 * m2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    skew = np.where((n >= 3) & spread, skew, np.nan)
    kurt = np.where((n >= 4) & spread, kurt, np.nan)
    return skew, kurt


def _passes(skew: float, kurt: float, skew_thresh: float, kurt_thresh: float) -> bool | None:
    """COINr ``check_SkewKurt``; None when skewness or kurtosis cannot be computed."""
    if np.isnan(skew) or np.isnan(kurt):
        return None
    return bool(abs(skew) < skew_thresh or kurt < kurt_thresh)


@dataclass
class _Decision:
    """Outcome for one indicator in one decision unit."""

    lo: float = -np.inf
    hi: float = np.inf
    log: bool = False
    log_sign: float = 1.0
    vmin: float = np.nan
    vmax: float = np.nan
    still_skewed: bool = False


def _decide(v: np.ndarray, skew0: float, winmax: int, skew_thresh: float, kurt_thresh: float,
            force_win: bool, log_fallback: bool, log_mirror: bool = True) -> _Decision:
    """Winsorise ``v`` (no NaN, failing the test, skewness ``skew0``) COINr-style; fall back
    to the log when it still fails."""
    w = v.copy()
    imax = imin = np.empty(0, dtype=int)
    passing: bool | None = False
    s = skew0
    while (force_win or not passing) and len(imax) + len(imin) < winmax:
        if np.isnan(s):
            break
        if s >= 0:
            top = w.max()
            imax = np.flatnonzero(w == top)
            rest = w[w != top]
            if not rest.size:
                break
            w[imax] = rest.max()
        else:
            bottom = w.min()
            imin = np.flatnonzero(w == bottom)
            rest = w[w != bottom]
            if not rest.size:
                break
            w[imin] = rest.min()
        sk, kt = skew_kurt(w)
        s = float(sk[0])
        passing = _passes(s, float(kt[0]), skew_thresh, kurt_thresh)
        if passing is None:  # no spread left: nothing more to test
            passing = True
    out = _Decision(vmin=float(v.min()), vmax=float(v.max()), still_skewed=not passing)
    if passing or not log_fallback:
        if len(imax):
            out.hi = float(w.max())
        if len(imin):
            out.lo = float(w.min())
        return out
    out.log = True
    out.log_sign = 1.0 if skew0 > 0 or not log_mirror else -1.0
    return out


@dataclass
class _Record:
    """What happened to one indicator, for its warning."""

    winsorised: list[np.ndarray] = field(default_factory=list)  # row positions in x
    logged: list[np.ndarray] = field(default_factory=list)
    clipped: list[np.ndarray] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    skewed: list[str] = field(default_factory=list)


def _apply(xcol: np.ndarray, dec: _Decision) -> tuple[np.ndarray, np.ndarray]:
    """Treated column and the mask of values clipped before a log (beyond the anchor)."""
    if not dec.log:
        return np.clip(xcol, dec.lo, dec.hi), np.zeros(xcol.shape, dtype=bool)
    a = 0.01 * (dec.vmax - dec.vmin)
    if dec.log_sign > 0:
        beyond = xcol < dec.vmin
        return np.log(np.maximum(xcol, dec.vmin) - dec.vmin + a), beyond
    beyond = xcol > dec.vmax
    return -np.log(dec.vmax + a - np.minimum(xcol, dec.vmax)), beyond


def _units(x: pd.DataFrame, fit: pd.DataFrame, by_year: bool
           ) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, x row mask, fit row mask) per decision unit."""
    xy = x.index.get_level_values("year")
    fy = fit.index.get_level_values("year")
    if by_year and set(pd.unique(xy)) == set(pd.unique(fy)):
        return [(str(y), np.asarray(xy == y), np.asarray(fy == y)) for y in pd.unique(xy)]
    label = years_text(fit.index)
    return [(label, np.ones(len(x), dtype=bool), np.ones(len(fit), dtype=bool))]


def _warn(ctx: StepContext, code: str, rec: _Record, index: pd.Index, winmax: int) -> None:
    """One message per treated indicator, naming up to five areas."""

    def _joined(parts: list[np.ndarray]) -> pd.Index:
        return index[np.concatenate(parts)]

    parts = []
    if rec.winsorised:
        rows = _joined(rec.winsorised)
        parts.append(f"{n_values(len(rows))} gewinsoriseerd: {name_cells(rows)}")
    if rec.logged:
        rows = _joined(rec.logged)
        parts.append(f"log-transformatie in {years_text(rows)} (na winsoriseren van max. "
                     f"{winmax} punten nog te scheef; waarden niet meer in de oorspronkelijke "
                     f"eenheid), uitschieters: {name_cells(rows)}")
    if rec.clipped:
        rows = _joined(rec.clipped)
        parts.append(f"{n_values(len(rows))} buiten het ankerbereik eerst afgekapt: "
                     f"{name_cells(rows)}")
    if rec.skewed:
        parts.append(f"na winsoriseren nog scheef in {', '.join(rec.skewed)} (geen "
                     "log-transformatie: log_fallback uit)")
    if rec.untested:
        parts.append(f"te weinig waarden voor de scheefheidstoets in {', '.join(rec.untested)}"
                     "; niet behandeld")
    if parts:
        ctx.warn(f"{code}: " + "; ".join(parts))


@TREAT.register("none", label_nl="geen behandeling")
def none(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext) -> pd.DataFrame:
    """No outlier treatment: ``x`` unchanged (as floats)."""
    return x.astype(float)


@TREAT.register("winsorise", label_nl="winsoriseren, anders log (COINr)", winmax=5,
                skew_thresh=2.0, kurt_thresh=3.5, force_win=False, by_year=True,
                log_fallback=True, log_mirror=True)
def winsorise(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, winmax: int = 5,
              skew_thresh: float = 2.0, kurt_thresh: float = 3.5, force_win: bool = False,
              by_year: bool = True, log_fallback: bool = True, log_mirror: bool = True
              ) -> pd.DataFrame:
    """COINr's default treatment: winsorise up to ``winmax`` points, else log (see module).

    Parameters
    ----------
    winmax
        Maximum number of points winsorised per indicator (and year).
    skew_thresh, kurt_thresh
        An indicator fails when ``|skew| >= skew_thresh`` and ``kurtosis >= kurt_thresh``.
    force_win
        Keep winsorising a failing indicator up to ``winmax`` points even after it passes.
    by_year
        Decide per year when ``fit`` holds the same years as ``x``; ``False`` decides once
        on all ``fit`` rows (pooled anchor).
    log_fallback
        Apply the log transform when winsorising is not enough (COINr default). ``False``
        keeps the winsorised values (COINr with ``f2 = NULL``) and warns; use it when a later
        step needs raw units (``index``, ``goalposts``, ``dist_ref``, ``zindex``).
    log_mirror
        For a negative skew use the mirrored ``-log(max + a - x)`` (default). ``False``
        always uses COINr's ``log_CT``, ``log(x - min + a)``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2024], [f"BU{i:02d}" for i in range(11)]],
    ...                                  names=["year", "area_code"])
    >>> x = pd.DataFrame({"i": [*range(1, 11), 100.0]}, index=idx)
    >>> ctx = StepContext(directions=pd.Series({"i": 1.0}))
    >>> winsorise(x, x, ctx)["i"].tolist()[-2:]
    [10.0, 10.0]
    """
    require_panel(x, "treat 'winsorise'")
    if not isinstance(log_mirror, bool | np.bool_):
        raise FrameworkError(f"treat 'winsorise': parameter log_mirror moet true of false zijn, "
                             f"niet {log_mirror!r}")
    arr = x.astype(float).to_numpy(copy=True)
    fit_arr = fit.reindex(columns=x.columns).astype(float).to_numpy()
    records = {code: _Record() for code in x.columns}
    for label, xrows, frows in _units(x, fit, by_year):
        anchor = fit_arr[frows]
        xpos = np.flatnonzero(xrows)
        skew, kurt = skew_kurt(anchor)
        counts = (~np.isnan(anchor)).sum(axis=0)
        fails = (np.abs(skew) >= skew_thresh) & (kurt >= kurt_thresh)
        for j in np.flatnonzero((counts > 0) & (counts < 4)):
            records[x.columns[j]].untested.append(label)
        for j in np.flatnonzero(fails):
            code = x.columns[j]
            v = anchor[:, j]
            dec = _decide(v[~np.isnan(v)], float(skew[j]), int(winmax), skew_thresh,
                          kurt_thresh, bool(force_win), bool(log_fallback), bool(log_mirror))
            if dec.still_skewed and not dec.log:
                records[code].skewed.append(label)
            before = arr[xrows, j]
            after, beyond = _apply(before, dec)
            arr[xrows, j] = after
            if dec.log:
                # the most extreme values on the side of the skew, most extreme first
                key = np.where(np.isnan(before), -np.inf, dec.log_sign * before)
                top = min(MAX_NAMED, len(key))
                extreme = np.argpartition(-key, top - 1)[:top]
                extreme = extreme[np.argsort(-key[extreme], kind="stable")]
                records[code].logged.append(xpos[extreme[np.isfinite(key[extreme])]])
                if beyond.any():
                    records[code].clipped.append(xpos[beyond])
            else:
                changed = ~np.isnan(before) & (after != before)
                if changed.any():
                    records[code].winsorised.append(xpos[changed])
    for code, rec in records.items():
        _warn(ctx, code, rec, x.index, int(winmax))
    return pd.DataFrame(arr, index=x.index, columns=x.columns)
