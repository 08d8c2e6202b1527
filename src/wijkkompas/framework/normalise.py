"""Normalisation: bring indicators onto a common scale where higher is always better.

Every method has the signature ``func(x, fit, ctx, **params) -> DataFrame``:

``x``
    raw values (input units) of all rows to transform, rows ``(year, area_code)``, one column
    per indicator code.
``fit``
    the rows whose statistics anchor the transformation (the base year, all years pooled, or
    ``x`` itself). Anchoring on fixed rows is what keeps scores comparable over time: a later
    year may fall outside the anchor's range (e.g. minmax below 0 or above 100); nothing is
    truncated unless a method says so.

Direction is applied first, as COINr's ``Normalise.numeric`` does (``x * direction``), so the
normalised value is "higher is better" for every method.

Policies (named warnings via ``ctx.warn``, each naming the indicator):

* **constant indicator** in the anchor (max == min, or sd == 0 / fewer than two values for
  z-scores): every available value gets the middle of the target range -- minmax
  ``(low + high) / 2``, zscore ``mean``, dist_max ``scale / 2``, zindex ``base``; for the
  rank-based methods (constant within a year) rank ``(n + 1) / 2``, percentile ``0.5``,
  borda ``(n - 1) / 2``. COINr returns NaN (minmax, zscore) or 0 (prank, borda) here; a
  constant indicator carries no information and must neither empty nor drag down a composite.
  With ``constant="coinr"`` (set by ``conventions: coinr``) the formula's own result is kept,
  as COINr does: NaN for the linear methods (``0 / 0``), rank 1 (``ties="min"``), percentile
  0 (NaN for a single area) and borda 0.
* **all-NaN indicator**: stays NaN, warned. An indicator with values in ``x`` but none in
  ``fit`` cannot be anchored: NaN, warned.
* **NaN** is never turned into a number and never changes another cell's value except through
  the anchor statistics (which ignore NaN, like R's ``na.rm = TRUE``).

Worked example (COINr ``n_minmax(1:5)`` = 0, 25, 50, 75, 100):

>>> import pandas as pd
>>> from wijkkompas.framework.context import StepContext
>>> idx = pd.MultiIndex.from_product([[2024], ["A", "B", "C", "D", "E"]],
...                                  names=["year", "area_code"])
>>> x = pd.DataFrame({"i": [1.0, 2, 3, 4, 5]}, index=idx)
>>> ctx = StepContext(directions=pd.Series({"i": 1.0}))
>>> minmax(x, x, ctx)["i"].tolist()
[0.0, 25.0, 50.0, 75.0, 100.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework._stepkit import (
    check_positive,
    directions,
    n_values,
    name_cells,
    per_indicator,
    require_panel,
    years_text,
)
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import NORMALISE

__all__ = ["borda", "dist_max", "dist_ref", "dist_target", "goalposts", "index", "minmax",
           "percentile", "rank", "zindex", "zscore"]


# --------------------------------------------------------------------------------------------
# shared machinery


def _oriented(x: pd.DataFrame, fit: pd.DataFrame | None, ctx: StepContext, where: str
              ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Series]:
    """``x * dir`` and ``fit * dir`` (float), after checking frames and directions."""
    require_panel(x, where)
    dirs = directions(ctx.directions, x.columns, where)
    xd = x.astype(float).mul(dirs, axis=1)
    fd = None
    if fit is not None:
        missing = [c for c in x.columns if c not in fit.columns]
        if missing:
            raise FrameworkError(f"{where}: ankerrijen (fit) missen {', '.join(missing)}")
        fd = fit[list(x.columns)].astype(float).mul(dirs, axis=1)
    for code in x.columns[x.isna().all().to_numpy()]:
        ctx.warn(f"{code}: geen waarden; scores blijven leeg")
    return xd, fd, dirs


def _anchor_ok(x: pd.DataFrame, fd: pd.DataFrame, ctx: StepContext) -> pd.Series:
    """Columns whose anchor has at least one value; warn for those that have none."""
    has = fd.notna().any()
    for code in x.columns[(~has & x.notna().any()).to_numpy()]:
        ctx.warn(f"{code}: geen waarden in de ankerrijen ({years_text(fd.index)}); "
                 "scores blijven leeg")
    return has


def _linear(xd: pd.DataFrame, offset: pd.Series, span: pd.Series, mult: float, add: float
            ) -> pd.DataFrame:
    """``(xd - offset) / span * mult + add`` column-wise; span 0 or NaN gives NaN."""
    span = span.where(span != 0)
    arr = (xd.to_numpy() - offset.to_numpy()) / span.to_numpy() * mult + add
    return pd.DataFrame(arr, index=xd.index, columns=xd.columns)


CONSTANT_POLICIES = ("middle", "coinr")


def _check_constant(constant: str, where: str) -> None:
    if constant not in CONSTANT_POLICIES:
        raise FrameworkError(f"{where}: parameter constant moet 'middle' of 'coinr' zijn, niet "
                             f"{constant!r}")


def _fill_constant(out: pd.DataFrame, xd: pd.DataFrame, constant: pd.Series, mid: float,
                   ctx: StepContext, anchor: pd.Index, policy: str = "middle") -> pd.DataFrame:
    """Set every available value of constant columns to ``mid`` and warn once per column;
    with ``policy="coinr"`` the columns become NaN (COINr's ``0 / 0``), also warned."""
    cols = list(xd.columns[constant.to_numpy()])
    if not cols:
        return out
    out = out.copy()
    coinr = policy == "coinr"
    out[cols] = np.nan if coinr else np.where(xd[cols].notna(), mid, np.nan)
    for code in cols:
        ctx.warn(f"{code}: constant in de ankerrijen ({years_text(anchor)}); "
                 + ("scores leeg (COINr)" if coinr else f"alle scores op {mid:g}"))
    return out


def _range_method(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, lo: float, hi: float,
                  where: str, constant: str = "middle") -> pd.DataFrame:
    _check_constant(constant, where)
    xd, fd, _ = _oriented(x, fit, ctx, where)
    assert fd is not None
    has = _anchor_ok(x, fd, ctx)
    fmin, fmax = fd.min(), fd.max()
    out = _linear(xd, fmin, fmax - fmin, hi - lo, lo)
    return _fill_constant(out, xd, has & (fmax == fmin), (lo + hi) / 2, ctx, fd.index,
                          constant)


def _year_scores(a: np.ndarray, kind: str, coinr: bool = False
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Rank-based scores per column of one year's values ``a`` (NaN stays NaN), and the
    per-column "no spread" flag. ``kind``: ``rank`` (average ties), ``rank_min``,
    ``percentile`` or ``borda`` (the last three from min-ranks). Without spread every area
    gets the middle score, or with ``coinr`` what the formula gives (COINr)."""
    m = a.shape[0]
    order = np.argsort(a, axis=0)  # NaN sorts last; tie order is irrelevant here
    srt = np.take_along_axis(a, order, axis=0)
    count = m - np.isnan(srt).sum(axis=0)
    pos = np.arange(m, dtype=float)[:, None]
    starts = np.ones(srt.shape, dtype=bool)
    starts[1:] = srt[1:] != srt[:-1]
    first = np.maximum.accumulate(np.where(starts, pos, 0.0), axis=0)
    if kind == "rank":
        ends = np.ones(srt.shape, dtype=bool)
        ends[:-1] = starts[1:]
        last = np.minimum.accumulate(np.where(ends, pos, m)[::-1], axis=0)[::-1]
        score = (first + last) / 2 + 1
    elif kind == "rank_min":
        score = first + 1
    elif kind == "borda":
        score = first
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            score = first / (count - 1.0)
    top = np.take_along_axis(srt, np.maximum(count - 1, 0)[None, :], axis=0)[0]
    flat = (count > 0) & (srt[0] == top)
    if flat.any() and not coinr:
        mid = {"rank": (count + 1) / 2, "rank_min": (count + 1) / 2,
               "borda": (count - 1) / 2}.get(kind, 0.5)
        score = np.where(flat, mid, score)
    out = np.empty(a.shape)
    np.put_along_axis(out, order, score, axis=0)
    out[np.isnan(a)] = np.nan
    return out, flat


def _by_year_ranks(x: pd.DataFrame, ctx: StepContext, kind: str, constant: str = "middle"
                   ) -> pd.DataFrame:
    """Rank-based ``kind`` scores of ``x * dir`` within each year; years without spread for
    an indicator get the middle score (or COINr's, ``constant="coinr"``) and a warning."""
    where = f"normalise '{kind.removesuffix('_min')}'"
    _check_constant(constant, where)
    coinr = constant == "coinr"
    xd, _, _ = _oriented(x, None, ctx, where)
    arr = xd.to_numpy()
    years = np.asarray(xd.index.get_level_values("year"))
    out = np.full(arr.shape, np.nan)
    flat_years: dict[str, list[str]] = {}
    for year in pd.unique(years):  # a loop over years, vectorised over areas and indicators
        rows = np.flatnonzero(years == year)
        scores, flat = _year_scores(arr[rows], kind, coinr)
        out[rows] = scores
        for j in np.flatnonzero(flat):
            flat_years.setdefault(xd.columns[j], []).append(str(year))
    for code, ys in flat_years.items():
        ctx.warn(f"{code}: geen spreiding in {', '.join(ys)}; "
                 + ("scores volgens COINr" if coinr else "scores op het midden"))
    return pd.DataFrame(out, index=x.index, columns=x.columns)


def _nonpositive(x: pd.DataFrame, ctx: StepContext, what: str) -> pd.DataFrame:
    """Mask of cells ``<= 0`` (NaN excluded), warned per indicator with the areas named."""
    bad = x <= 0
    for code in x.columns[bad.any().to_numpy()]:
        rows = x.index[bad[code].to_numpy()]
        ctx.warn(f"{code}: {n_values(len(rows))} ≤ 0, {what} niet te berekenen (leeg): "
                 f"{name_cells(rows)}")
    return bad


# --------------------------------------------------------------------------------------------
# methods anchored on fit


@NORMALISE.register("minmax", label_nl="min-max (0–100)", low=0.0, high=100.0,
                    constant="middle")
def minmax(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, low: float = 0.0,
           high: float = 100.0, constant: str = "middle") -> pd.DataFrame:
    """Min-max scaling, COINr ``n_minmax`` with direction applied first.

    ``y = (x*d - min) / (max - min) * (high - low) + low`` with ``min``/``max`` of ``fit*d``.
    Rows outside the anchor's range fall outside ``[low, high]`` (no truncation), so scores of
    later years stay comparable with the base year. Constant anchor: ``(low + high) / 2``
    (``constant="coinr"``: NaN, as COINr's ``0 / 0``).

    Parameters
    ----------
    low, high
        Target range; ``high`` must exceed ``low``.
    constant
        ``middle`` (default) or ``coinr``: what a constant anchor gives (see the module).
    """
    if not high > low:
        raise FrameworkError(f"normalise 'minmax': high ({high}) moet groter zijn dan low "
                             f"({low})")
    return _range_method(x, fit, ctx, float(low), float(high), "normalise 'minmax'",
                         constant)


@NORMALISE.register("zscore", label_nl="z-score", mean=0.0, sd=1.0, constant="middle")
def zscore(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, mean: float = 0.0,
           sd: float = 1.0, constant: str = "middle") -> pd.DataFrame:
    """Standardisation, COINr ``n_zscore``: ``y = (x*d - m) / s * sd + mean``.

    ``m`` and ``s`` are the mean and the *sample* standard deviation (``n - 1``, as R's
    ``sd()``) of ``fit*d``. Fewer than two anchor values or ``s == 0``: every value ``mean``
    (``constant="coinr"``: NaN).
    """
    where = "normalise 'zscore'"
    check_positive(sd, "sd", where)
    _check_constant(constant, where)
    xd, fd, _ = _oriented(x, fit, ctx, where)
    assert fd is not None
    has = _anchor_ok(x, fd, ctx)
    fsd = fd.std(ddof=1)
    out = _linear(xd, fd.mean(), fsd, float(sd), float(mean))
    return _fill_constant(out, xd, has & ~(fsd > 0), float(mean), ctx, fd.index, constant)


@NORMALISE.register("dist_max", label_nl="afstand tot het maximum", scale=100.0,
                    constant="middle")
def dist_max(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, scale: float = 100.0,
             constant: str = "middle") -> pd.DataFrame:
    """Distance to the best anchor value, COINr ``n_dist2max``, times ``scale``.

    ``y = (1 - (max - x*d) / (max - min)) * scale`` with ``max``/``min`` of ``fit*d``: the best
    anchor value scores ``scale``, the worst 0. Computed in exactly this order (as COINr), so
    near-ties round as in COINr (minmax onto ``[0, scale]`` equals it in exact arithmetic
    only). Constant anchor: ``scale / 2`` (``constant="coinr"``: NaN).
    """
    where = "normalise 'dist_max'"
    check_positive(scale, "scale", where)
    _check_constant(constant, where)
    xd, fd, _ = _oriented(x, fit, ctx, where)
    assert fd is not None
    has = _anchor_ok(x, fd, ctx)
    fmin, fmax = fd.min(), fd.max()
    span = (fmax - fmin).where(fmax != fmin).to_numpy()
    arr = (1.0 - (fmax.to_numpy() - xd.to_numpy()) / span) * float(scale)
    out = pd.DataFrame(arr, index=xd.index, columns=xd.columns)
    return _fill_constant(out, xd, has & (fmax == fmin), float(scale) / 2, ctx, fd.index,
                          constant)


def _distance_to(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, anchor: pd.Series,
                 scale: float, cap_max: bool, what: str, where: str) -> pd.DataFrame:
    """``(x*d - min) / (a*d - min) * scale`` with ``min`` of ``fit*d``; cap at ``scale``."""
    check_positive(scale, "scale", where)
    xd, fd, dirs = _oriented(x, fit, ctx, where)
    assert fd is not None
    _anchor_ok(x, fd, ctx)
    ad = per_indicator(anchor, x.columns, what, where) * dirs
    fmin = fd.min()
    span = ad - fmin
    for code in x.columns[(span <= 0).to_numpy()]:
        ctx.warn(f"{code}: {what} is niet beter dan de slechtste ankerwaarde; afstand niet "
                 "te bepalen (leeg)")
    out = _linear(xd, fmin, span.where(span > 0), float(scale), 0.0)
    if cap_max:
        out = out.clip(upper=float(scale))
    return out


@NORMALISE.register("dist_ref", label_nl="afstand tot referentie", scale=100.0, cap_max=False)
def dist_ref(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, scale: float = 100.0,
             cap_max: bool = False) -> pd.DataFrame:
    """Distance to the reference value ``ctx.reference``, COINr ``n_dist2ref``, times ``scale``.

    ``y = (1 - (ref*d - x*d) / (ref*d - min)) * scale`` with ``min`` the worst value of
    ``fit*d``: the worst anchor value scores 0, the reference ``scale``; values better than
    the reference exceed ``scale`` unless ``cap_max`` (COINr's default is no cap). COINr takes
    the reference from the data (``x[iref]``); here it is a raw value per indicator. For
    direction -1 this reads ``(max - x) / (max - ref)``.

    A reference not better than the worst anchor value (``ref*d <= min``) has no distance
    scale: that indicator stays NaN, warned (COINr would return inverted or infinite scores).
    Missing reference: :class:`FrameworkError`.
    """
    return _distance_to(x, fit, ctx, ctx.reference, scale, cap_max, "referentie",
                        "normalise 'dist_ref'")


@NORMALISE.register("dist_target", label_nl="afstand tot doel", scale=100.0, cap_max=False)
def dist_target(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, scale: float = 100.0,
                cap_max: bool = False) -> pd.DataFrame:
    """Distance to the target ``ctx.targets``, COINr ``n_dist2targ``, times ``scale``.

    Direction +1: ``(x - min) / (target - min)``; direction -1: ``(max - x) / (max - target)``
    with ``min``/``max`` from ``fit`` (COINr test ``dist2targ``: ``x = (0, 5, 11)``, target 10
    gives ``0, 0.5, 1.1``). With ``cap_max`` values beyond the target score ``scale``.
    A target not better than the worst anchor value: NaN, warned (COINr warns and returns
    negative scores). Missing target: :class:`FrameworkError`.
    """
    return _distance_to(x, fit, ctx, ctx.targets, scale, cap_max, "doel",
                        "normalise 'dist_target'")


@NORMALISE.register("zindex", label_nl="index, 100 = referentie (gestandaardiseerd)",
                    base=100.0, scale=10.0, constant="middle")
def zindex(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, base: float = 100.0,
           scale: float = 10.0, constant: str = "middle") -> pd.DataFrame:
    """Standardised index where ``base`` = the reference: ``base + scale * d * (x - ref) / s``.

    ``s`` is the sample standard deviation of ``fit`` (raw units), ``ref`` comes from
    ``ctx.reference``. One anchor standard deviation better than the reference scores
    ``base + scale`` (110 by default). This is how "100 = Rotterdam 2014"-style indices are
    usually built (not a COINr method). Constant anchor or fewer than two anchor values:
    every value ``base`` (``constant="coinr"``: NaN), warned. Missing reference:
    :class:`FrameworkError`.
    """
    where = "normalise 'zindex'"
    check_positive(scale, "scale", where)
    _check_constant(constant, where)
    xd, fd, dirs = _oriented(x, fit, ctx, where)
    assert fd is not None
    has = _anchor_ok(x, fd, ctx)
    refd = per_indicator(ctx.reference, x.columns, "referentie", where) * dirs
    fsd = fd.std(ddof=1)
    out = _linear(xd, refd, fsd, float(scale), float(base))
    return _fill_constant(out, xd, has & ~(fsd > 0), float(base), ctx, fd.index, constant)


# --------------------------------------------------------------------------------------------
# methods that need no anchor statistics


@NORMALISE.register("goalposts", label_nl="doelpalen", scale=100.0, trunc=True)
def goalposts(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, scale: float = 100.0,
              trunc: bool = True) -> pd.DataFrame:
    """Goalposts, COINr ``n_goalposts``: the fraction of the way from the bad to the good post.

    With ``low``/``high`` from ``ctx.goalposts`` (raw units, ``low < high``): direction +1
    ``(x - low) / (high - low)``; direction -1 the posts swap, ``(high - x) / (high - low)``
    (COINr test: ``n_goalposts(1, c(0, 10, 1), direction = -1) = 0.9``). With ``trunc`` the
    fraction is clipped to ``[0, 1]``; then times ``scale``. ``fit`` is not used. Missing or
    reversed goalposts: :class:`FrameworkError` naming the indicator.
    """
    where = "normalise 'goalposts'"
    check_positive(scale, "scale", where)
    xd, _, dirs = _oriented(x, None, ctx, where)
    posts = ctx.goalposts.reindex(index=x.columns, columns=["low", "high"])
    low = per_indicator(posts["low"], x.columns, "doelpalen (low)", where)
    high = per_indicator(posts["high"], x.columns, "doelpalen (high)", where)
    bad = list(x.columns[(high <= low).to_numpy()])
    if bad:
        raise FrameworkError(f"{where}: low moet kleiner zijn dan high voor {', '.join(bad)}")
    # oriented posts: the bad post is low for +1 and high for -1 (both times d)
    bad_post = low.where(dirs > 0, high) * dirs
    frac = _linear(xd, bad_post, high - low, float(scale), 0.0).to_numpy()
    if trunc:
        frac = np.clip(frac, 0.0, float(scale))
    return pd.DataFrame(frac, index=x.index, columns=x.columns)


@NORMALISE.register("index", label_nl="index, 100 = referentie", base=100.0)
def index(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, base: float = 100.0
          ) -> pd.DataFrame:
    """Ratio index where ``base`` = the reference, as Rotterdam's Wijkprofiel presents it.

    Direction +1: ``base * x / ref``; direction -1: ``base * ref / x`` (half the reference's
    burden scores 200). A ratio scale needs strictly positive values: values ``<= 0`` become
    NaN, warned with the areas named; a reference ``<= 0`` or missing is a
    :class:`FrameworkError`. ``fit`` is not used.
    """
    where = "normalise 'index'"
    check_positive(base, "base", where)
    _, _, dirs = _oriented(x, None, ctx, where)
    ref = per_indicator(ctx.reference, x.columns, "referentie", where)
    bad = list(x.columns[(ref <= 0).to_numpy()])
    if bad:
        raise FrameworkError(f"{where}: referentie moet positief zijn voor {', '.join(bad)}")
    xf = x.astype(float)
    xf = xf.mask(_nonpositive(xf, ctx, "index"))
    ratio = np.power(xf.to_numpy() / ref.to_numpy(), dirs.to_numpy())
    return pd.DataFrame(float(base) * ratio, index=x.index, columns=x.columns)


# --------------------------------------------------------------------------------------------
# rank-based methods: relative within each year of x; fit is not used


@NORMALISE.register("rank", label_nl="rangnummer", ties="average", constant="middle")
def rank(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, ties: str = "average",
         constant: str = "middle") -> pd.DataFrame:
    """Rank within each year, 1 = worst, ``n`` = best; ties get their average rank.

    Like R's ``rank()`` default (``ties.method = "average"``). ``ties="min"`` gives tied
    areas the lowest rank of their group (1, 2, 2, 4), as COINr's ``n_rank``. NaN stays NaN
    and is not counted. ``fit`` is not used: ranks are relative by nature. A year without
    spread gives every area ``(n + 1) / 2`` (what average ties give); with
    ``constant="coinr"`` what the tie rule gives (``ties="min"``: 1, as COINr).
    """
    if ties not in ("average", "min"):
        raise FrameworkError(f"normalise 'rank': parameter ties moet 'average' of 'min' zijn, "
                             f"niet {ties!r}")
    return _by_year_ranks(x, ctx, "rank" if ties == "average" else "rank_min", constant)


@NORMALISE.register("percentile", label_nl="percentielrang (0–1)", constant="middle")
def percentile(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *,
               constant: str = "middle") -> pd.DataFrame:
    """Percentile rank within each year, COINr ``n_prank``: ``(r - 1) / (n - 1)`` in ``[0, 1]``.

    ``r`` is the rank with ties ``"min"`` ("sport" ranking: tied areas share the lowest rank)
    and ``n`` the number of areas with a value in that year. So the worst area scores 0, the
    best 1, and ``y`` is the share of the other areas that are strictly worse. A year
    without spread (including a single area) scores 0.5; with ``constant="coinr"`` 0, or NaN
    for a single area (``0 / 0``), as COINr.
    """
    return _by_year_ranks(x, ctx, "percentile", constant)


@NORMALISE.register("borda", label_nl="Borda-score", constant="middle")
def borda(x: pd.DataFrame, fit: pd.DataFrame, ctx: StepContext, *, constant: str = "middle"
          ) -> pd.DataFrame:
    """Borda score within each year: the number of areas with a strictly worse value.

    COINr ``n_borda``: ``rank(x, ties.method = "min") - 1``. Ranges from 0 to ``n - 1``. A year
    without spread scores ``(n - 1) / 2`` for every area (``constant="coinr"``: 0, as COINr).
    """
    return _by_year_ranks(x, ctx, "borda", constant)
