"""Pilots and comparison areas: nearest-neighbour matching on baseline indicators and a
difference-in-differences estimate with an interval.

Choosing comparison areas
-------------------------
Candidates are all areas in the pool except the pilot areas and the areas of other pilots.
Each baseline indicator is standardised over pilots and candidates together,
:math:`z = (x - \\bar x)/s`; areas lacking a baseline value are left out (named in the
warnings). Distances:

* ``"mahalanobis"`` (default): :math:`d(a,b) = \\sqrt{(z_a - z_b)^\\top S^{+} (z_a - z_b)}`
  with :math:`S^{+}` the pseudo-inverse of the covariance matrix of the standardised
  indicators, so correlated indicators do not count twice;
* ``"euclidean"``: standardised Euclidean :math:`d(a,b) = \\lVert z_a - z_b \\rVert`.

Every pilot area gets its ``k`` nearest candidates (matching with replacement: one candidate
may serve several pilot areas); the comparison group is the union.

Difference in differences
-------------------------
Per area :math:`\\Delta_a = \\bar y_a^{post} - \\bar y_a^{pre}` (means over the years
``>= start_year`` and ``< start_year``). Then

.. math:: DiD = \\overline{\\Delta}_{pilot} - \\overline{\\Delta}_{comparison}

Interval: ``"welch"`` (default) :math:`DiD \\pm t_{\\nu,1-\\alpha/2}\\,
\\sqrt{s_P^2/n_P + s_C^2/n_C}` with Welch–Satterthwaite degrees of freedom; or
``"bootstrap"``: percentile interval from resampling pilot and comparison areas with
replacement (seeded). With the direction ``higher_worse`` a negative DiD is an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from wijkkompas.errors import ConfigError
from wijkkompas.monitor.trend import nl

CAVEAT = (
    "Let op: verschil-in-verschillen veronderstelt dat pilot- en vergelijkingsgebieden zich "
    "zonder pilot gelijk zouden hebben ontwikkeld (parallelle trends). Het is een vergelijking, "
    "geen bewijs van oorzaak en gevolg: andere veranderingen in dezelfde periode kunnen het "
    "verschil verklaren, en met weinig gebieden is de bandbreedte breed."
)
METHODS = ("mahalanobis", "euclidean")


@dataclass(frozen=True)
class Pilot:
    """A pilot: areas, start year and the measures (agenda measure ids) it consists of."""

    code: str
    name: str
    areas: tuple[str, ...]
    start_year: int
    measure_ids: tuple[str, ...] = ()
    note: str = ""
    #: indicator codes the pilot is evaluated on (the first is the default)
    subjects: tuple[str, ...] = ()
    #: lock version of the stored pilot (1 for a new one)
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "areas", tuple(str(a).upper() for a in self.areas))
        object.__setattr__(self, "measure_ids", tuple(str(m) for m in self.measure_ids))
        object.__setattr__(self, "subjects", tuple(dict.fromkeys(
            str(s).strip().lower() for s in self.subjects if str(s).strip())))
        if not isinstance(self.start_year, int) or not 1990 <= self.start_year <= 2100:
            raise ConfigError(f"pilot: startjaar {self.start_year!r} is geen geldig jaartal")
        if not self.areas:
            raise ConfigError("pilot: kies minstens één pilotgebied")
        if not self.code:
            raise ConfigError("pilot: een pilot heeft een code nodig")


def choose_comparisons(baseline: pd.DataFrame, pilot_areas: list[str] | tuple[str, ...], *,
                       exclude: list[str] | tuple[str, ...] = (), k: int = 3,
                       method: str = "mahalanobis") -> tuple[pd.DataFrame, list[str]]:
    """Nearest-neighbour comparison areas.

    Parameters
    ----------
    baseline
        Wide frame: one row per area (index area code), one column per baseline indicator.
    pilot_areas
        The pilot's areas.
    exclude
        Areas of other pilots (never comparison areas).
    k
        Neighbours per pilot area.
    method
        ``mahalanobis`` or ``euclidean`` (standardised).

    Returns
    -------
    (matches, warnings)
        ``matches`` has ``pilot_area``, ``comparison_area``, ``rank`` (1 = nearest) and
        ``distance``.
    """
    if method not in METHODS:
        raise ConfigError(f"methode {method!r}: kies uit {', '.join(METHODS)}")
    if k < 1:
        raise ConfigError("k: minstens één vergelijkingsgebied per pilotgebied")
    warnings = []
    pilots = [a for a in pilot_areas]
    complete = baseline.dropna()
    dropped = sorted(set(baseline.index) - set(complete.index))
    if dropped:
        warnings.append("zonder volledige basiswaarden, niet gebruikt: " + ", ".join(dropped))
    missing = [a for a in pilots if a not in complete.index]
    if missing:
        raise ConfigError("pilotgebieden zonder basiswaarden: " + ", ".join(missing))
    banned = set(pilots) | set(exclude)
    candidates = [a for a in complete.index if a not in banned]
    if len(candidates) < k:
        raise ConfigError(f"te weinig kandidaat-vergelijkingsgebieden ({len(candidates)}) voor "
                          f"k={k}")
    pool = complete.loc[pilots + candidates].astype(float)
    sd = pool.std(ddof=1).replace(0, np.nan)
    constant = list(sd[sd.isna()].index)
    if constant:
        warnings.append("constante indicatoren tellen niet mee: " + ", ".join(constant))
    z = ((pool - pool.mean()) / sd).drop(columns=constant)
    if z.shape[1] == 0:
        raise ConfigError("geen bruikbare (niet-constante) basisindicatoren")
    zp, zc = z.loc[pilots].to_numpy(), z.loc[candidates].to_numpy()
    diff = zp[:, None, :] - zc[None, :, :]
    if method == "mahalanobis":
        cov = np.atleast_2d(np.cov(z.to_numpy(), rowvar=False))
        inv = np.linalg.pinv(cov)
        d2 = np.einsum("pcj,jk,pck->pc", diff, inv, diff)
    else:
        d2 = (diff ** 2).sum(axis=2)
    dist = np.sqrt(np.clip(d2, 0, None))
    rows = []
    for i, area in enumerate(pilots):
        order = np.lexsort((np.array(candidates), dist[i]))[:k]
        for rank, j in enumerate(order, start=1):
            rows.append((area, candidates[j], rank, float(dist[i, j])))
    matches = pd.DataFrame(rows, columns=["pilot_area", "comparison_area", "rank", "distance"])
    return matches, warnings


@dataclass
class DidResult:
    """A difference-in-differences estimate with its parts."""

    effect: float
    low: float
    high: float
    level: float
    method: str
    pilot_change: float
    comparison_change: float
    n_pilot: int
    n_comparison: int
    pre_years: list[int]
    post_years: list[int]
    per_area: pd.DataFrame
    pre_trend_gap: float
    caveat: str = CAVEAT
    warnings: list[str] = field(default_factory=list)

    def sentence(self, direction: str = "higher_better") -> str:
        """Plain Dutch reading of the estimate."""
        better = self.effect > 0 if direction == "higher_better" else self.effect < 0
        word = "beter" if better else "slechter"
        sure = (self.low > 0 or self.high < 0)
        certainty = ("de bandbreedte sluit 0 uit" if sure
                     else "maar de bandbreedte omvat 0: geen aantoonbaar verschil")
        return (f"De pilotgebieden ontwikkelden zich {nl(abs(self.effect))} {word} dan de "
                f"vergelijkingsgebieden (verschil-in-verschillen {nl(self.effect)}, "
                f"{int(self.level * 100)}%-interval {nl(self.low)} tot {nl(self.high)}); "
                f"{certainty}.")


def diff_in_diff(series: pd.DataFrame, pilot_areas: list[str] | tuple[str, ...],
                 comparison_areas: list[str] | tuple[str, ...], start_year: int, *,
                 interval: str = "welch", level: float = 0.90, n_boot: int = 2000,
                 seed: int = 20240101) -> DidResult:
    """Difference in differences of area means before/after ``start_year``.

    Parameters
    ----------
    series
        Long frame ``area_code, year, value``.
    pilot_areas, comparison_areas
        The two groups.
    start_year
        First year of the "after" period.
    interval
        ``welch`` (analytic) or ``bootstrap``.

    Returns
    -------
    DidResult
        With ``per_area`` (``area_code``, ``group``, ``pre``, ``post``, ``change``) and
        ``pre_trend_gap``: when there are at least two "before" years, the difference in mean
        per-year change between the groups before the start (close to 0 supports the
        parallel-trends assumption); NaN otherwise.
    """
    data = series.dropna(subset=["value"])
    data = data[data["area_code"].isin(list(pilot_areas) + list(comparison_areas))]
    pre = data[data["year"] < start_year]
    post = data[data["year"] >= start_year]
    if pre.empty or post.empty:
        raise ConfigError(f"verschil-in-verschillen heeft jaren vóór en vanaf {start_year} "
                          "nodig")
    per = pd.DataFrame({"pre": pre.groupby("area_code")["value"].mean(),
                        "post": post.groupby("area_code")["value"].mean()}).dropna()
    per["change"] = per["post"] - per["pre"]
    per["group"] = np.where(per.index.isin(list(pilot_areas)), "pilot", "vergelijking")
    warnings = []
    lost = sorted((set(pilot_areas) | set(comparison_areas)) - set(per.index))
    if lost:
        warnings.append("zonder waarden vóór én na de start, niet meegeteld: " + ", ".join(lost))
    p = per.loc[per["group"] == "pilot", "change"].to_numpy()
    c = per.loc[per["group"] == "vergelijking", "change"].to_numpy()
    if len(p) == 0 or len(c) == 0:
        raise ConfigError("verschil-in-verschillen: geen pilot- of vergelijkingsgebieden met "
                          "waarden vóór en na de start")
    effect = float(p.mean() - c.mean())
    alpha = 1 - level
    if interval == "welch":
        if len(p) < 2 or len(c) < 2:
            low = high = float("nan")
            warnings.append("interval niet te bepalen met één gebied in een groep; gebruik "
                            "meer gebieden")
        else:
            vp, vc = p.var(ddof=1) / len(p), c.var(ddof=1) / len(c)
            se = float(np.sqrt(vp + vc))
            if se == 0:
                low = high = effect
            else:
                df = (vp + vc) ** 2 / (vp ** 2 / (len(p) - 1) + vc ** 2 / (len(c) - 1))
                t = float(stats.t.ppf(1 - alpha / 2, df))
                low, high = effect - t * se, effect + t * se
    elif interval == "bootstrap":
        rng = np.random.default_rng(seed)
        bp = rng.choice(p, size=(n_boot, len(p)), replace=True).mean(axis=1)
        bc = rng.choice(c, size=(n_boot, len(c)), replace=True).mean(axis=1)
        low, high = (float(v) for v in np.quantile(bp - bc, [alpha / 2, 1 - alpha / 2]))
    else:
        raise ConfigError(f"interval {interval!r}: kies uit welch, bootstrap")
    pre_gap = float("nan")
    if pre["year"].nunique() >= 2:
        slopes = pre.groupby("area_code").apply(
            lambda g: np.polyfit(g["year"], g["value"], 1)[0] if g["year"].nunique() >= 2
            else np.nan, include_groups=False)
        grp = slopes.index.isin(list(pilot_areas))
        pre_gap = float(slopes[grp].mean() - slopes[~grp].mean())
    else:
        warnings.append("maar één jaar vóór de start: parallelle trends zijn niet te toetsen")
    return DidResult(effect=effect, low=float(low), high=float(high), level=level,
                     method=interval, pilot_change=float(p.mean()),
                     comparison_change=float(c.mean()), n_pilot=len(p), n_comparison=len(c),
                     pre_years=sorted(int(y) for y in pre["year"].unique()),
                     post_years=sorted(int(y) for y in post["year"].unique()),
                     per_area=per.reset_index().rename(columns={"index": "area_code"}),
                     pre_trend_gap=pre_gap, warnings=warnings)
