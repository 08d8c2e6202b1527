"""Weighting: one weight per child (indicator or sub-index), summing to one.

Registered in :data:`~wijkkompas.framework.registry.WEIGHT`. Every method has the signature
``func(values, nominal, ctx, **params) -> pd.Series``: ``values`` are the normalised children
(rows ``(year, area_code)``), ``nominal`` the weights written in the framework, keyed by child
code. The result is keyed by the columns of ``values`` (nominal weights of children that are
not in ``values``, e.g. screened out, are ignored with a warning) and sums to one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.registry import WEIGHT

__all__ = ["weight_manual", "weight_equal", "weight_pca"]

_SUM_TOL = 1e-9
_EIG_TOL = 1e-8


def _equal(columns: pd.Index) -> pd.Series:
    if len(columns) == 0:
        raise FrameworkError("weging: geen indicatoren")
    return pd.Series(1.0 / len(columns), index=columns, name="weight")


@WEIGHT.register("manual", label_nl="eigen gewichten")
def weight_manual(values: pd.DataFrame, nominal: pd.Series, ctx: StepContext) -> pd.Series:
    """The nominal weights from the framework, normalised to sum to one.

    Parameters
    ----------
    values
        Normalised children; only its columns are used.
    nominal
        Non-negative weights keyed by child code.
    ctx
        Receives a warning when the weights did not sum to one (normalising them does not
        change any rank) and when nominal weights name children absent from ``values``.

    Returns
    -------
    pandas.Series
        Weights keyed by the columns of ``values``, summing to one.

    Raises
    ------
    FrameworkError
        A child without a weight, a negative, missing or infinite weight, or all weights zero.

    Examples
    --------
    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> v = pd.DataFrame(columns=["a", "b"], dtype=float)
    >>> weight_manual(v, pd.Series({"a": 1.0, "b": 3.0}), ctx).tolist()
    [0.25, 0.75]
    """
    if not isinstance(nominal, pd.Series):
        raise FrameworkError("manual: gewichten moeten een Series per code zijn")
    missing = [str(c) for c in values.columns if c not in nominal.index]
    if missing:
        raise FrameworkError(f"manual: geen gewicht voor {', '.join(missing)}")
    extra = [str(c) for c in nominal.index if c not in values.columns]
    if extra:
        ctx.warn(f"manual: gewichten zonder gegevens genegeerd: {', '.join(extra)}")
    w = nominal.reindex(values.columns).astype(float)
    if w.isna().any() or np.isinf(w.to_numpy()).any():
        raise FrameworkError("manual: ontbrekend of oneindig gewicht voor "
                             f"{', '.join(str(c) for c in w.index[~np.isfinite(w.to_numpy())])}")
    if (w < 0).any():
        raise FrameworkError(f"manual: negatief gewicht voor "
                             f"{', '.join(str(c) for c in w.index[w < 0])}")
    total = float(w.sum())
    if total <= 0:
        raise FrameworkError("manual: alle gewichten zijn nul")
    if abs(total - 1.0) > _SUM_TOL:
        ctx.warn(f"gewichten tellen op tot {total:g} in plaats van 1; ze zijn herschaald "
                 "(de rangorde blijft gelijk)")
    return (w / total).rename("weight")


@WEIGHT.register("equal", label_nl="gelijke gewichten")
def weight_equal(values: pd.DataFrame, nominal: pd.Series, ctx: StepContext) -> pd.Series:
    """Equal weights ``1/k`` for the ``k`` children in ``values`` (``nominal`` is ignored).

    Examples
    --------
    >>> ctx = StepContext(directions=pd.Series(dtype=float))
    >>> weight_equal(pd.DataFrame(columns=["a", "b", "c", "d"]), pd.Series(), ctx).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    return _equal(values.columns)


@WEIGHT.register("pca", label_nl="gewichten uit hoofdcomponentenanalyse", loadings="squared",
                 year=None)
def weight_pca(values: pd.DataFrame, nominal: pd.Series, ctx: StepContext,
               loadings: str = "squared", year: int | None = None) -> pd.Series:
    r"""Weights from the first principal component of the correlation matrix.

    As COINr's ``get_PCA`` (``stats::prcomp(center = TRUE, scale = TRUE)`` after dropping
    incomplete rows): the children are standardised, :math:`R` is their correlation matrix
    and :math:`v` the unit eigenvector of its largest eigenvalue (the first PC's loadings,
    COINr's ``rotation[, 1]``). Then

    * ``loadings="squared"`` (default): :math:`w_i = v_i^2` -- squared loadings, which sum to
      one and are never negative (the JRC Handbook 2008, section 6.1, scales squared factor
      loadings to unity sum in the same way; its varimax rotation over several factors is
      not done here);
    * ``loadings="raw"``: :math:`w_i = v_i / \sum_j v_j` -- COINr's PCA weights as they act
      after ``a_amean`` re-normalises them. A negative loading would mean improving a child
      lowers the score, so it is an error naming the children.

    Sign: the eigenvector's sign is arbitrary; it is fixed so that :math:`\sum_i v_i > 0`
    (ties: the largest absolute loading positive), so results are deterministic.

    Edge cases (all with a warning, never silent):

    * rows with a missing child are dropped (COINr does the same);
    * a child constant over the remaining rows explains no variance and gets weight 0;
    * fewer than 3 complete rows, fewer than 2 varying children, or a first component that
      is not unique (equal top eigenvalues, e.g. uncorrelated children) -> equal weights.

    Parameters
    ----------
    values
        Normalised children, rows ``(year, area_code)``; all years are pooled unless ``year``
        is given.
    nominal
        Ignored (the data decide).
    ctx
        Receives the warnings.
    loadings
        ``"squared"`` or ``"raw"``, see above.
    year
        Use only the rows of this year (e.g. the base year, so weights stay fixed over a
        monitor); ``None`` pools all rows.

    Returns
    -------
    pandas.Series
        Weights keyed by the columns of ``values``, summing to one.
    """
    if loadings not in ("squared", "raw"):
        raise FrameworkError(f"pca: onbekende loadings {loadings!r}; kies uit: raw, squared")
    columns = values.columns
    if len(columns) < 2:
        if len(columns) == 1:
            ctx.warn(f"pca: maar een indicator ({columns[0]}); gewicht 1")
        return _equal(columns)
    data = values.astype(float)
    if year is not None:
        if "year" not in (data.index.names or []):
            raise FrameworkError("pca: year opgegeven maar de gegevens hebben geen jaar")
        data = data[data.index.get_level_values("year") == year]
    complete = data.dropna()
    if len(complete) < len(data):
        ctx.warn(f"pca: {len(data) - len(complete)} rij(en) met ontbrekende waarden "
                 "weggelaten")
    if len(complete) < 3:
        ctx.warn(f"pca: te weinig complete rijen ({len(complete)}); gelijke gewichten")
        return _equal(columns)
    x = complete.to_numpy(dtype=float)
    sd = x.std(axis=0, ddof=1)
    varying = sd > 1e-12 * np.maximum(1.0, np.abs(x).max(axis=0))
    if (~varying).any():
        ctx.warn(f"pca: {', '.join(str(c) for c in columns[~varying])} constant; gewicht 0")
    if varying.sum() < 2:
        ctx.warn("pca: minder dan twee varierende indicatoren; gelijke gewichten")
        return _equal(columns)
    z = (x[:, varying] - x[:, varying].mean(axis=0)) / sd[varying]
    corr = (z.T @ z) / (len(z) - 1)
    eigval, eigvec = np.linalg.eigh(corr)  # ascending eigenvalues
    if eigval[-1] - eigval[-2] <= _EIG_TOL * max(1.0, abs(eigval[-1])):
        ctx.warn("pca: eerste hoofdcomponent niet eenduidig; gelijke gewichten")
        return _equal(columns)
    v = eigvec[:, -1]
    total = v.sum()
    sign = np.sign(total) if abs(total) > _EIG_TOL else np.sign(v[np.argmax(np.abs(v))])
    v = v * sign
    full = np.zeros(len(columns))
    if loadings == "squared":
        full[varying] = v**2
    else:
        if (v < -_EIG_TOL).any() or v.sum() <= _EIG_TOL:
            neg = [str(c) for c, val in zip(columns[varying], v, strict=True) if val < 0]
            raise FrameworkError(
                f"pca: negatieve lading voor {', '.join(neg) or 'alle indicatoren'}; gebruik "
                "loadings: squared of andere gewichten")
        full[varying] = np.clip(v, 0.0, None)
    return pd.Series(full / full.sum(), index=columns, name="weight")
