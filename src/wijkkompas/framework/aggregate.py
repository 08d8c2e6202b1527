"""Aggregation: one score per row from normalised children (indicators or sub-indices).

Registered in :data:`~wijkkompas.framework.registry.AGGREGATE`. Every method has the signature
``func(values, weights, ctx, **params) -> pd.Series``:

* ``values`` -- rows ``(year, area_code)``, one float column per child code, already normalised
  so that higher is better;
* ``weights`` -- non-negative weights keyed by child code (normalised here; weights that do not
  sum to one give the same ranks, and a warning says so).

Shared policies
---------------
* **Missing children.** A row's *available share* is the summed (normalised) weight of its
  non-missing children. Below ``min_share`` the row gets NaN and a warning names the areas
  (COINr's ``dat_thresh``, but weighted rather than counted). Otherwise the method uses the
  available children only; nothing is imputed here.
* **Constant children** (one value for every area in a year) are harmless for ``mean`` and
  ``geomean`` (they shift all scores equally); ``topsis`` warns because ideal = worst there.
* **Ties** in scores are kept; ranking applies its own declared rule
  (:mod:`wijkkompas.framework.rank`).

:func:`contributions` explains a score per child relative to a reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import AGGREGATE

__all__ = ["aggregate_mean", "aggregate_geomean", "aggregate_topsis", "contributions"]

_SUM_TOL = 1e-9
_MAX_NAMED = 10


# --------------------------------------------------------------------------- helpers


def _name_rows(index: pd.Index) -> str:
    """``BU05990110 (2020), ...`` for at most ten rows, then ``en N meer``."""
    names = index.names or []
    if isinstance(index, pd.MultiIndex) and "area_code" in names and "year" in names:
        areas = index.get_level_values("area_code")
        years = index.get_level_values("year")
        shown = [f"{a} ({y})" for a, y in zip(areas[:_MAX_NAMED], years[:_MAX_NAMED],
                                               strict=True)]
    else:
        shown = [str(i) for i in index[:_MAX_NAMED]]
    more = len(index) - len(shown)
    return ", ".join(shown) + (f" en {more} meer" if more > 0 else "")


def _by_year(frame: pd.DataFrame) -> pd.core.groupby.DataFrameGroupBy:
    if "year" in (frame.index.names or []):
        return frame.groupby(level="year", sort=False)
    return frame.groupby(np.zeros(len(frame), dtype=int), sort=False)


def _matrix(values: pd.DataFrame) -> np.ndarray:
    if not isinstance(values, pd.DataFrame):
        raise FrameworkError("values moet een pandas DataFrame zijn")
    if values.columns.has_duplicates:
        dup = sorted({str(c) for c in values.columns[values.columns.duplicated()]})
        raise FrameworkError(f"dubbele kolommen: {', '.join(dup)}")
    try:
        x = values.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise FrameworkError(f"niet-numerieke waarden in de indicatoren: {exc}") from None
    if np.isinf(x).any():
        bad = [str(c) for c, b in zip(values.columns, np.isinf(x).any(axis=0), strict=True) if b]
        raise FrameworkError(f"oneindige waarden in {', '.join(bad)}")
    return x


def _weights(values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
             method: str) -> np.ndarray:
    """Weights aligned to the columns of ``values`` by code, checked and normalised to sum 1."""
    if not isinstance(weights, pd.Series):
        raise FrameworkError(f"{method}: gewichten moeten een Series per code zijn")
    if weights.index.has_duplicates:
        raise FrameworkError(f"{method}: dubbele codes in de gewichten")
    missing = [str(c) for c in values.columns if c not in weights.index]
    if missing:
        raise FrameworkError(f"{method}: geen gewicht voor {', '.join(missing)}")
    extra = [str(c) for c in weights.index if c not in values.columns]
    if extra:
        ctx.warn(f"{method}: gewichten zonder gegevens genegeerd: {', '.join(extra)}")
    w = weights.reindex(values.columns).to_numpy(dtype=float)
    if np.isnan(w).any() or np.isinf(w).any():
        raise FrameworkError(f"{method}: ontbrekend of oneindig gewicht")
    if (w < 0).any():
        neg = [str(c) for c, v in zip(values.columns, w, strict=True) if v < 0]
        raise FrameworkError(f"{method}: negatief gewicht voor {', '.join(neg)}")
    total = w.sum()
    if total <= 0:
        raise FrameworkError(f"{method}: alle gewichten zijn nul")
    if abs(total - 1.0) > _SUM_TOL:
        ctx.warn(f"gewichten tellen op tot {total:g} in plaats van 1; ze zijn herschaald "
                 "(de rangorde blijft gelijk)")
    return w / total


def _usable(avail: np.ndarray, w: np.ndarray, min_share: float, index: pd.Index,
            ctx: StepContext, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Available weight share per row and the rows that reach ``min_share``."""
    if not 0.0 <= float(min_share) <= 1.0:
        raise FrameworkError(f"{method}: min_share moet tussen 0 en 1 liggen (kreeg {min_share})")
    share = avail @ w
    ok = (share >= float(min_share) - _SUM_TOL) & (share > 0)
    if (~ok).any():
        ctx.warn(f"{method}: te weinig gegevens (gewichtsaandeel < {min_share:g}), geen score "
                 f"voor {int((~ok).sum())} gebied(en): {_name_rows(index[~ok])}")
    return share, ok


def _prepare(values: pd.DataFrame, weights: pd.Series, ctx: StepContext, method: str,
             min_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                        np.ndarray]:
    x = _matrix(values)
    w = _weights(values, weights, ctx, method)
    avail = ~np.isnan(x)
    share, ok = _usable(avail, w, min_share, values.index, ctx, method)
    return x, w, avail, share, ok


def _shifted(x: np.ndarray, used: np.ndarray, shift: float | None, columns: pd.Index,
             index: pd.Index, what: str) -> np.ndarray:
    """``x + shift``; any used value still <= 0 is an error naming children and areas."""
    xs = x + float(shift) if shift is not None else x
    bad = used & ~(xs > 0)
    if bad.any():
        cols = [str(c) for c, b in zip(columns, bad.any(axis=0), strict=True) if b]
        raise FrameworkError(
            f"geomean: {what} <= 0 in {', '.join(cols)} voor {_name_rows(index[bad.any(axis=1)])}; "
            "het meetkundig gemiddelde kan dat niet aan. Normaliseer naar een schaal boven nul "
            "(bv. minmax met low=1) of geef shift op")
    return xs


# --------------------------------------------------------------------------- methods


@AGGREGATE.register("mean", label_nl="gewogen rekenkundig gemiddelde", min_share=0.5)
def aggregate_mean(values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
                   min_share: float = 0.5) -> pd.Series:
    r"""Weighted arithmetic mean (COINr ``a_amean``; JRC Handbook 2008, section 6.2).

    .. math:: y_a = \frac{\sum_{i \in A_a} w_i x_{ai}}{\sum_{i \in A_a} w_i}

    where :math:`A_a` are the children available for row *a*. Fully compensatory: a loss in
    one child is offset by an equal weighted gain in another.

    Parameters
    ----------
    values
        Normalised children (higher = better), rows ``(year, area_code)``.
    weights
        Non-negative weights by child code; normalised here (warning when they did not sum
        to one -- the ranks do not change).
    ctx
        Receives the warnings.
    min_share
        Minimum available weight share (``sum_{i in A_a} w_i / sum_i w_i``); rows below it get
        NaN and are named in a warning.

    Returns
    -------
    pandas.Series
        One score per row, same index; on the scale of the children.

    Examples
    --------
    COINr's ``a_amean`` example, ``x = 1..10`` with weights ``10..1``, gives 220/55 = 4:

    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> v = pd.DataFrame([list(range(1, 11))], columns=list("abcdefghij"), dtype=float)
    >>> float(aggregate_mean(v, pd.Series(range(10, 0, -1), index=v.columns), ctx).iloc[0])
    4.0
    """
    x, w, avail, share, ok = _prepare(values, weights, ctx, "mean", min_share)
    num = np.where(avail, x, 0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(ok, num / share, np.nan)
    return pd.Series(score, index=values.index, name="score")


@AGGREGATE.register("geomean", label_nl="gewogen meetkundig gemiddelde", min_share=0.5,
                    shift=None)
def aggregate_geomean(values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
                      min_share: float = 0.5, shift: float | None = None) -> pd.Series:
    r"""Weighted geometric mean (COINr ``a_gmean``; JRC Handbook 2008, section 6.2).

    .. math:: y_a = \exp\Big(\frac{\sum_{i \in A_a} w_i \ln(x_{ai} + s)}
                              {\sum_{i \in A_a} w_i}\Big) - s

    with :math:`s` = ``shift`` (0 by default). Partly compensatory: a low child costs more
    than a high child gains, so balanced profiles score higher than unbalanced ones with the
    same arithmetic mean.

    Zero and negative values: the logarithm is undefined, and a single zero would force the
    score to 0 whatever the other children are (no compensation at all). The policy is to
    refuse: a :class:`~wijkkompas.errors.FrameworkError` names the children and areas. Either
    normalise onto a positive scale (e.g. ``minmax`` with ``low=1``, as COINr advises) or set
    ``shift``: it is added to every value before the logarithm and subtracted from the result
    again, so a row whose children all equal ``v`` still scores ``v``. The score depends on
    the shift (a larger shift makes it closer to the arithmetic mean).

    Parameters
    ----------
    values, weights, ctx, min_share
        As for ``mean``.
    shift
        Constant added before taking logs (``None``: no shift).

    Returns
    -------
    pandas.Series
        One score per row, same index.

    Examples
    --------
    Equal weights on ``x = 1..10`` give ``(10!)^(1/10)``:

    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> v = pd.DataFrame([list(range(1, 11))], columns=list("abcdefghij"), dtype=float)
    >>> round(float(aggregate_geomean(v, pd.Series(1.0, index=v.columns), ctx).iloc[0]), 4)
    4.5287
    """
    x, w, avail, share, ok = _prepare(values, weights, ctx, "geomean", min_share)
    used = avail & ok[:, None]
    xs = _shifted(x, used, shift, values.columns, values.index, "waarde")
    logs = np.log(np.where(used, xs, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.exp((logs @ w) / share) - (float(shift) if shift is not None else 0.0)
    return pd.Series(np.where(ok, score, np.nan), index=values.index, name="score")


def _topsis_parts(values: pd.DataFrame, x: np.ndarray, w: np.ndarray, avail: np.ndarray,
                  ctx: StepContext, per_row: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-year min-max rescaled matrix ``r``, the weight per cell (0 where unused), and the
    year's column min and max (``lo``, ``hi``: one row per year, or with ``per_row`` (and
    when the years are not in blocks) one per row)."""
    blocks = _year_blocks(values, len(x))
    if blocks is None:
        lo, hi = _grouped_min_max(values)
        bounds = [(slice(None), lo, hi)]
    else:
        lo = np.fmin.reduceat(x, blocks[:-1], axis=0) if len(x) else np.empty((0, x.shape[1]))
        hi = np.fmax.reduceat(x, blocks[:-1], axis=0) if len(x) else np.empty((0, x.shape[1]))
        bounds = [(slice(start, stop), lo[k], hi[k])
                  for k, (start, stop) in enumerate(zip(blocks[:-1], blocks[1:], strict=True))]
    r = np.empty_like(x)
    wm = np.empty_like(x)
    constant_cols = np.zeros(x.shape[1], dtype=bool)
    constant_rows = np.zeros(len(x), dtype=bool)
    for rows, lo_b, hi_b in bounds:  # one pass per year: no full-size copies of lo and hi
        span = hi_b - lo_b
        av = avail[rows]
        if (span == 0).any():
            constant = av & (span == 0)
            constant_cols |= constant.any(axis=0)
            constant_rows[rows] = constant.any(axis=1)
        active = av & (span > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            r[rows] = np.where(active, (x[rows] - lo_b) / np.where(active, span, 1.0), 0.0)
        wm[rows] = np.where(active, w[None, :], 0.0)
    if constant_cols.any():
        cols = [str(c) for c, b in zip(values.columns, constant_cols, strict=True) if b]
        years = sorted({str(y) for y in _years(values.index)[constant_rows]})
        ctx.warn(f"topsis: indicator(en) {', '.join(cols)} constant in {', '.join(years)}: "
                 "ideaal = slechtst, telt niet mee")
    if per_row and blocks is not None:
        sizes = np.diff(blocks)
        lo, hi = np.repeat(lo, sizes, axis=0), np.repeat(hi, sizes, axis=0)
    return r, wm, lo, hi


def _year_blocks(values: pd.DataFrame, n: int) -> np.ndarray | None:
    """Start rows of the year blocks plus ``n`` at the end, when the rows of each year are
    one contiguous block of integer years (as the scorer hands them over) or there is no
    year; ``None`` otherwise."""
    if "year" not in (values.index.names or []):
        return np.array([0, n]) if n else np.array([0])
    years = np.asarray(values.index.get_level_values("year"))
    if years.dtype.kind not in "iu":
        return None
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]]) if n else \
        np.zeros(0, dtype=np.intp)
    if len(np.unique(years[starts])) != len(starts):  # a year in several blocks
        return None
    return np.r_[starts, n]


def _grouped_min_max(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per-year column min and max (NaN ignored) for every row, through a pandas groupby."""
    grouped = _by_year(values.astype(float))
    return (grouped.transform("min").to_numpy(dtype=float, na_value=np.nan),
            grouped.transform("max").to_numpy(dtype=float, na_value=np.nan))


def _years(index: pd.Index) -> np.ndarray:
    if "year" in (index.names or []):
        return np.asarray(index.get_level_values("year"))
    return np.zeros(len(index), dtype=int)


def _closeness(r: np.ndarray, wm: np.ndarray) -> np.ndarray:
    """TOPSIS closeness ``d- / (d+ + d-)`` with ideal 1 and anti-ideal 0 in every used column."""
    d_minus = np.sqrt(((wm * r) ** 2).sum(axis=1))
    d_plus = np.sqrt(((wm * (1.0 - r)) ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return d_minus / (d_minus + d_plus)


@AGGREGATE.register("topsis", label_nl="TOPSIS (afstand tot ideaal)", min_share=0.5)
def aggregate_topsis(values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
                     min_share: float = 0.5) -> pd.Series:
    r"""TOPSIS closeness to the ideal area, per year, scaled 0-100 (Hwang & Yoon 1981).

    Within each year, every child is first rescaled by min-max over the areas of that year,
    :math:`r_{ai} = (x_{ai} - \min_a x_{ai}) / (\max_a x_{ai} - \min_a x_{ai})`. This is
    pymcdm's default TOPSIS normalisation (``minmax_normalization``), so on the same raw
    matrix (all criteria of the benefit type) the scores equal ``100 *
    pymcdm.methods.TOPSIS()(matrix, weights, types=1)``, and they equal scikit-criteria's
    ``TOPSIS`` (which does not normalise) fed the min-max rescaled matrix. A side effect is
    that the result does not depend on the upstream normalisation (any increasing affine
    rescaling of a child gives the same scores). Then, with weights :math:`w` normalised to
    sum 1, :math:`v_{ai} = w_i r_{ai}`, ideal :math:`v^+_i = w_i` (column max), anti-ideal
    :math:`v^-_i = 0` (column min), and

    .. math:: d^+_a = \sqrt{\textstyle\sum_i (v_{ai} - v^+_i)^2},\quad
              d^-_a = \sqrt{\textstyle\sum_i (v_{ai} - v^-_i)^2},\quad
              y_a = 100\,\frac{d^-_a}{d^+_a + d^-_a}.

    Edge cases:

    * TOPSIS is relative: scores depend on which areas are compared in the year (adding an
      area can change the others' scores and even their order).
    * Missing children: nothing is imputed. Rows with an available weight share below
      ``min_share`` get NaN (warning naming the areas); other rows are measured over their
      available children only (the year's ideal and anti-ideal per child come from all
      areas that have that child). Re-normalising the weights over the available children is
      not needed: the closeness is invariant to scaling all weights.
    * A child constant in a year (ideal = anti-ideal) adds nothing to either distance; a
      warning names it. A row whose available children are all constant gets NaN.

    Parameters
    ----------
    values, weights, ctx, min_share
        As for ``mean``.

    Returns
    -------
    pandas.Series
        Closeness times 100 per row (0 = worst in every child, 100 = best in every child).

    Examples
    --------
    pymcdm's TOPSIS docstring example (cost criterion turned into benefit by negation):

    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> v = pd.DataFrame({"a": [-1.0, -2.0, -5.0], "b": [3000.0, 3750.0, 4500.0]})
    >>> aggregate_topsis(v, pd.Series({"a": 0.5, "b": 0.5}), ctx).round(1).tolist()
    [50.0, 61.7, 50.0]
    """
    x, w, avail, _share, ok = _prepare(values, weights, ctx, "topsis", min_share)
    r, wm, _lo, _hi = _topsis_parts(values, x, w, avail, ctx)
    close = _closeness(r, wm)
    undefined = ok & ~np.isfinite(close)
    if undefined.any():
        ctx.warn(f"topsis: alleen constante indicatoren, geen score voor "
                 f"{_name_rows(values.index[undefined])}")
    score = np.where(ok & np.isfinite(close), 100.0 * close, np.nan)
    return pd.Series(score, index=values.index, name="score")


# --------------------------------------------------------------------------- contributions

# Gauss-Legendre nodes and weights on [0, 1] for the TOPSIS path integral.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)
_GL_NODES = (_GL_NODES + 1.0) / 2.0
_GL_WEIGHTS = _GL_WEIGHTS / 2.0


def _reference_matrix(values: pd.DataFrame, reference: pd.Series | None) -> np.ndarray:
    if reference is None:
        return _by_year(values.astype(float)).transform("mean").to_numpy(
            dtype=float, na_value=np.nan)
    missing = [str(c) for c in values.columns if c not in reference.index]
    if missing:
        raise FrameworkError(f"geen referentiewaarde voor {', '.join(missing)}")
    ref = reference.reindex(values.columns).to_numpy(dtype=float)
    return np.broadcast_to(ref, values.shape).copy()


def contributions(values: pd.DataFrame, weights: pd.Series, reference: pd.Series | None = None,
                  method: str = "mean", *, min_share: float = 0.5, shift: float | None = None,
                  ctx: StepContext | None = None) -> pd.DataFrame:
    r"""How far each child pushes a row's score above (+) or below (-) the reference.

    The reference is a vector of normalised child values: ``reference`` (keyed by child
    code) or, when ``None``, the mean of each child over the rows of the same year. For every
    row the reference score :math:`y^{ref}_a` is the score of the reference vector computed
    over the same available children (like for like), and the contributions sum to
    :math:`y_a - y^{ref}_a` (up to rounding). With :math:`a_i = w_i / \sum_{j \in A_a} w_j`:

    * ``mean`` -- exact: :math:`c_{ai} = a_i (x_{ai} - x^{ref}_i)`.
    * ``geomean`` -- exact log-mean (LMDI) decomposition: with the shifted values,
      :math:`\ell_{ai} = a_i(\ln x_{ai} - \ln x^{ref}_i)`, :math:`\ln y_a - \ln y^{ref}_a =
      \sum_i \ell_{ai}`, and :math:`c_{ai} = L(y_a, y^{ref}_a)\,\ell_{ai}` where
      :math:`L(p, q) = (p - q)/(\ln p - \ln q)` (and :math:`L(p, p) = p`) is the logarithmic
      mean. Each contribution has the sign of :math:`x_{ai} - x^{ref}_i`. Reference values
      must be positive (after ``shift``) too.
    * ``topsis`` -- an approximation, because TOPSIS is not additive over children: the
      score difference is attributed along the straight line from the reference to the row
      (in the year's min-max space) by integrating each child's partial derivative of the
      closeness (Aumann-Shapley / integrated gradients, 16-point Gauss-Legendre), then
      rescaled by a factor close to one so they sum exactly to the score difference. The
      closeness increases in every child, so each contribution has the sign of the child's
      deviation. Caveat: other attribution paths give other splits; the year's ideal and
      anti-ideal stay fixed; treat the numbers as "which children matter most", not as an
      exact budget.

    Parameters
    ----------
    values
        Normalised children, rows ``(year, area_code)``.
    weights
        Weights by child code (normalised here).
    reference
        Reference value per child on the normalised scale, or ``None`` for the year mean.
    method
        ``"mean"``, ``"geomean"`` or ``"topsis"``.
    min_share, shift
        As for the aggregation method; rows without a score get NaN contributions.
    ctx
        Receives warnings (a throw-away context when ``None``).

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``values``; NaN for missing children and unscored rows.
    """
    if method not in ("mean", "geomean", "topsis"):
        raise FrameworkError(f"onbekende methode {method!r}; kies uit: geomean, mean, topsis")
    ctx = ctx if ctx is not None else StepContext(directions=pd.Series(dtype=float))
    x, w, avail, share, ok = _prepare(values, weights, ctx, method, min_share)
    ref = _reference_matrix(values, reference)
    used = avail & ok[:, None]
    if (used & np.isnan(ref)).any():
        missing = sorted({str(c) for c in np.asarray(values.columns)[
            (used & np.isnan(ref)).any(axis=0)]})
        raise FrameworkError(f"referentiewaarde ontbreekt voor {', '.join(missing)}")
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(used, w[None, :] / share[:, None], 0.0)
    if method == "mean":
        contrib = a * (np.where(used, x, 0.0) - np.where(used, ref, 0.0))
    elif method == "geomean":
        contrib = _geomean_contrib(values, x, ref, a, used, shift)
    else:
        contrib = _topsis_contrib(values, x, w, avail, ok, ref, ctx)
    return pd.DataFrame(np.where(used, contrib, np.nan), index=values.index,
                        columns=values.columns)


def _geomean_contrib(values: pd.DataFrame, x: np.ndarray, ref: np.ndarray, a: np.ndarray,
                     used: np.ndarray, shift: float | None) -> np.ndarray:
    xs = _shifted(x, used, shift, values.columns, values.index, "waarde")
    rs = _shifted(ref, used, shift, values.columns, values.index, "referentiewaarde")
    lx = np.log(np.where(used, xs, 1.0))
    lr = np.log(np.where(used, rs, 1.0))
    ell = a * (lx - lr)
    log_y, log_ref = (a * lx).sum(axis=1), (a * lr).sum(axis=1)
    y, y_ref = np.exp(log_y), np.exp(log_ref)
    diff = log_y - log_ref
    with np.errstate(invalid="ignore", divide="ignore"):
        lmean = np.where(np.abs(diff) > 1e-12, (y - y_ref) / diff, y)
    return lmean[:, None] * ell


def _topsis_contrib(values: pd.DataFrame, x: np.ndarray, w: np.ndarray, avail: np.ndarray,
                    ok: np.ndarray, ref: np.ndarray, ctx: StepContext) -> np.ndarray:
    r, wm, lo, hi = _topsis_parts(values, x, w, avail, ctx, per_row=True)
    span = hi - lo
    active = wm > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        r_ref = np.where(active, (ref - lo) / np.where(active, span, 1.0), 0.0)
    delta = r - r_ref
    w2 = wm**2
    grad_sum = np.zeros_like(r)
    for t, gw in zip(_GL_NODES, _GL_WEIGHTS, strict=True):  # 16 nodes, vectorised over rows
        p = r_ref + t * delta
        am = np.sqrt((w2 * p**2).sum(axis=1))[:, None]
        bm = np.sqrt((w2 * (1.0 - p) ** 2).sum(axis=1))[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            grad = w2 * (bm * p / am + am * (1.0 - p) / bm) / (am + bm) ** 2
        grad_sum += gw * np.where(np.isfinite(grad), grad, 0.0)
    contrib = 100.0 * grad_sum * delta
    target = 100.0 * (_closeness(r, wm) - _closeness(r_ref, wm))
    total = contrib.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(np.abs(total) > 1e-12, target / total, 1.0)
    factor = np.where(ok & np.isfinite(factor), factor, np.nan)
    return contrib * factor[:, None]
