"""Benchmark: framework scoring of the whole Netherlands against plain numpy, in the same run.

    /work/venv/bin/python benchmarks/bench_framework.py [--areas 14500] [--runs 5] [--quick]
                                                        [--profile a|b|c]

Builds a seeded synthetic all-Netherlands case: ``--areas`` buurten (default 14,500) x 60
indicators (6 themes of 10, mixed directions, unequal weights; 2 opgaven of 3 themes) x 10
years (2015-2024), as the long observations frame the workspace hands to the scorer (columns
area_code, indicator, year, value, status; about 8.7 million rows), plus a population column.
Missing values are realistic: scattered cells, areas with a whole theme suppressed, one
indicator that only starts in 2018, and about 1% of areas with too little data (screened out).

Each measurement times wijkkompas and a plain numpy implementation of the same computation
(median of ``--runs``; outputs are compared once, untimed, so both really compute the same):

a. one year (2024): min-max normalisation, weighted arithmetic mean per theme and opgave,
   ranks, priority tiers and per-indicator contributions --
   (1) ``wijkkompas.framework.score.score`` on a ``ScoringData`` with a ``Framework`` built in
       code, against numpy starting from the same long frame (codes factorised, values
       scattered into a dense array);
   (2) the step functions directly on the wide frame (``minmax`` -> ``aggregate_mean`` ->
       ``rank_scores`` -> ``contributions``) against numpy on the dense array.
   Aim: <= 2x numpy.
b. TOPSIS over the 60 normalised indicators in one year: the registered AGGREGATE 'topsis'
   against numpy (aim <= 1.5x), and on a complete matrix (no NaN) against
   ``pymcdm.methods.TOPSIS()`` with its default validation (aim: wijkkompas >= 5x faster).
c. ten years with the normalisation pooled over all years, scores (and ranks, tiers,
   contributions) per year and the change per area year on year, through ``score``; against
   numpy from the same long frame. Aim: <= 1.5x numpy.

The timed ``score()`` runs reuse one ``ScoringData`` (its observations are factorised into
integer codes once per data version, the fingerprint kept per selection); a "cold" row times the
first run on a new ``ScoringData`` as well (no aim).

``--profile a|b|c`` adds a cProfile of one extra wijkkompas run of that measurement.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.framework.aggregate import aggregate_mean, aggregate_topsis, contributions
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.normalise import minmax
from wijkkompas.framework.rank import rank_scores, tiers_by_quantile
from wijkkompas.framework.schema import (
    AnchorSpec,
    Framework,
    IndicatorSpec,
    OpgaveSpec,
    ReferenceSpec,
    ThemeSpec,
)
from wijkkompas.framework.score import score

YEARS = list(range(2015, 2025))
N_THEMES = 6
PER_THEME = 10
N_IND = N_THEMES * PER_THEME
THEMES_PER_OPGAVE = 3
MIN_SHARE = 0.5  # default min_share of aggregate 'mean' and of screening
CUTS = np.array([0.2, 0.4])  # default priority rule: quantile tiers
LATE_INDICATOR = 7  # index of the indicator that only has values from LATE_FROM on
LATE_FROM = 2018
# The reference is the mean of the scored areas in the last year. (With the default, the first
# scored year, the late indicator has no reference value in 2015 and score() refuses.)
REFERENCE_YEAR = YEARS[-1]
AIMS = {"a": 2.0, "b": 1.5, "b_pymcdm": 5.0, "c": 1.5}


# --- the synthetic case ---------------------------------------------------------------------


@dataclass
class Case:
    codes: np.ndarray  # area codes (sorted)
    indicators: list[str]
    dirs: np.ndarray  # +1 / -1 per indicator
    weights: np.ndarray  # nominal indicator weights
    theme_weights: np.ndarray  # nominal theme weights
    cube: np.ndarray  # (years, areas, indicators) raw values, NaN = missing
    population: np.ndarray  # (years, areas)
    long: pd.DataFrame  # all years, workspace layout
    areas: pd.DataFrame
    fw: Framework

    @property
    def themes(self) -> list[np.ndarray]:
        return [np.arange(t * PER_THEME, (t + 1) * PER_THEME) for t in range(N_THEMES)]

    def data(self, years: list[int] | None = None) -> ScoringData:
        if years is None:
            return ScoringData(self.long, self.areas)
        long = self.long[self.long["year"].isin(years)].reset_index(drop=True)
        return ScoringData(long, self.areas)


def area_codes(n: int) -> np.ndarray:
    """``BUggggwwbb``: 45 buurten per gemeente (9 wijken of 5), about 320 gemeenten."""
    k = np.arange(n)
    gm, within = k // 45 + 1, k % 45
    return np.array([f"BU{g:04d}{w:02d}{b:02d}" for g, w, b in
                     zip(gm, within // 5, within % 5, strict=True)], dtype=object)


def build_case(n_areas: int, seed: int = 20240601) -> Case:
    rng = np.random.default_rng(seed)
    n_years = len(YEARS)
    codes = area_codes(n_areas)
    indicators = [f"ind{j + 1:02d}" for j in range(N_IND)]
    dirs = np.where(rng.random(N_IND) < 0.4, -1.0, 1.0)
    weights = rng.integers(1, 4, N_IND).astype(float)
    theme_weights = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 2.0])

    # Values: an area factor (deprivation) plus a theme factor plus noise, drifting slowly
    # over the years; per indicator its own location and scale, some skewed (counts, money).
    area_f = rng.normal(size=n_areas)
    theme_f = rng.normal(size=(n_areas, N_THEMES))
    loading = rng.uniform(0.3, 0.9, N_IND) * dirs
    base = (loading * area_f[:, None] + 0.5 * np.repeat(theme_f, PER_THEME, axis=1)
            + rng.normal(size=(n_areas, N_IND)))
    cube = np.empty((n_years, n_areas, N_IND))
    state = base
    for y in range(n_years):
        state = state + 0.05 + 0.15 * rng.normal(size=state.shape)
        cube[y] = state
    loc = rng.uniform(10, 60, N_IND)
    scale = rng.uniform(2, 15, N_IND)
    skewed = rng.random(N_IND) < 0.3
    cube = np.where(skewed, loc * np.exp(cube * 0.3), loc + scale * cube)

    # Missing values: scattered cells, suppressed themes, a late indicator, sparse areas.
    cube[rng.random(cube.shape) < 0.03] = np.nan
    for y in range(n_years):
        hidden = rng.random((n_areas, N_THEMES)) < 0.02
        cube[y][np.repeat(hidden, PER_THEME, axis=1)] = np.nan
    cube[: YEARS.index(LATE_FROM), :, LATE_INDICATOR] = np.nan
    sparse = rng.random(n_areas) < 0.01
    cube[:, sparse, :] = np.where(rng.random((n_years, int(sparse.sum()), N_IND)) < 0.7,
                                  np.nan, cube[:, sparse, :])
    population = np.round(np.exp(rng.normal(7, 1, n_areas))
                          * (1 + 0.01 * np.arange(n_years))[:, None])

    long = long_frame(codes, indicators, cube, population, rng)
    areas = pd.DataFrame({
        "name": [f"Buurt {c[2:]}" for c in codes],
        "level": "neighbourhood",
        "municipality_code": [f"GM{c[2:6]}" for c in codes],
    }, index=pd.Index(codes, name="area_code"))
    fw = framework(indicators, dirs, weights, theme_weights)
    return Case(codes, indicators, dirs, weights, theme_weights, cube, population, long,
                areas, fw)


def long_frame(codes: np.ndarray, indicators: list[str], cube: np.ndarray,
               population: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """The workspace's observations layout, sorted by (area_code, indicator, year)."""
    n_years, n_areas, n_ind = cube.shape
    names = np.array(["a_inw", *indicators], dtype=object)  # sorted: "a_inw" < "ind01"
    full = np.concatenate([population[:, :, None], cube], axis=2)  # (y, a, i)
    vals = full.transpose(1, 2, 0).ravel()  # area, indicator, year order
    status = np.where(np.isnan(vals), "missing", "ok").astype(object)
    # A few cells suppressed for privacy: a value exists in the source but is not shown.
    suppressed = (rng.random(len(vals)) < 0.002) & ~np.isnan(vals)
    status[suppressed] = "suppressed"
    vals = np.where(suppressed, np.nan, vals)
    return pd.DataFrame({
        "area_code": np.repeat(codes, (n_ind + 1) * n_years),
        "indicator": np.tile(np.repeat(names, n_years), n_areas),
        "year": np.tile(np.array(YEARS), n_areas * (n_ind + 1)),
        "value": vals,
        "status": status,
    })


def framework(indicators: list[str], dirs: np.ndarray, weights: np.ndarray,
              theme_weights: np.ndarray, aggregate: str = "mean") -> Framework:
    themes = []
    for t in range(N_THEMES):
        inds = [IndicatorSpec(code=indicators[j], weight=float(weights[j]),
                              direction="higher_better" if dirs[j] > 0 else "higher_worse")
                for j in range(t * PER_THEME, (t + 1) * PER_THEME)]
        themes.append(ThemeSpec(code=f"thema{t + 1}", name=f"Thema {t + 1}",
                                weight=float(theme_weights[t]), indicators=inds))
    opgaven = [OpgaveSpec(code=f"opgave{o + 1}", name=f"Opgave {o + 1}",
                          themes=themes[o * THEMES_PER_OPGAVE:(o + 1) * THEMES_PER_OPGAVE],
                          aggregate={"method": aggregate})
               for o in range(N_THEMES // THEMES_PER_OPGAVE)]
    return Framework(format_version=1, id="bench-nl", name="Benchmark Nederland",
                     level="neighbourhood", anchor=AnchorSpec(type="pooled"),
                     reference=ReferenceSpec(type="areas_mean", year=REFERENCE_YEAR),
                     opgaven=opgaven)


# --- the numpy baseline ---------------------------------------------------------------------


def np_dense(long: pd.DataFrame, codes: np.ndarray, indicators: list[str], years: list[int]
             ) -> tuple[np.ndarray, np.ndarray]:
    """Long frame -> (years, areas, indicators) array and population (years, areas).

    Codes are turned into positions with ``pd.factorize`` (a hash table; numpy alone has no
    fast string lookup) and the values are scattered into a dense array."""
    value = long["value"].to_numpy(dtype=float)
    value = np.where(long["status"].to_numpy() == "ok", value, np.nan)
    a_code, a_uniq = pd.factorize(long["area_code"], sort=False)
    i_code, i_uniq = pd.factorize(long["indicator"], sort=False)
    a_pos = pd.Index(a_uniq).get_indexer(codes)
    i_pos = pd.Index(i_uniq).get_indexer([*indicators, "a_inw"])
    a_map = np.full(len(a_uniq), -1)
    a_map[a_pos[a_pos >= 0]] = np.flatnonzero(a_pos >= 0)
    i_map = np.full(len(i_uniq), -1)
    i_map[i_pos[i_pos >= 0]] = np.flatnonzero(i_pos >= 0)
    y_map = np.full(max(years) - min(years) + 1, -1)
    y_map[np.array(years) - min(years)] = np.arange(len(years))
    yv = long["year"].to_numpy()
    in_range = (yv >= min(years)) & (yv <= max(years))
    ai, ii = a_map[a_code], i_map[i_code]
    yi = np.where(in_range, y_map[np.clip(yv - min(years), 0, len(y_map) - 1)], -1)
    keep = (ai >= 0) & (ii >= 0) & (yi >= 0)
    out = np.full((len(years), len(codes), len(indicators) + 1), np.nan)
    out[yi[keep], ai[keep], ii[keep]] = value[keep]
    return out[:, :, :-1], out[:, :, -1]


def _agg_mean(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean over available children (last axis); (score, used mask, share)."""
    avail = ~np.isnan(x)
    share = avail @ w
    ok = (share >= MIN_SHARE - 1e-9) & (share > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(ok, (np.where(avail, x, 0.0) @ w) / share, np.nan)
    return s, avail & ok[..., None], share


def _rank_min(s: np.ndarray, ascending: bool) -> np.ndarray:
    """Ranks with ties sharing the best rank, NaN kept, along the last axis (any leading
    axes are groups, e.g. years)."""
    v = s if ascending else -s
    flat = v.reshape(-1, v.shape[-1])
    out = np.full(flat.shape, np.nan)
    for g in range(flat.shape[0]):
        row = flat[g]
        valid = ~np.isnan(row)
        srt = np.sort(row[valid])
        out[g, valid] = np.searchsorted(srt, row[valid], side="left") + 1.0
    return out.reshape(s.shape)


def np_score(x: np.ndarray, dirs: np.ndarray, weights: np.ndarray, theme_weights: np.ndarray,
             population: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The whole one-framework computation on dense raw values ``x`` (years, areas, inds).

    Screening (data share >= 0.5), min-max pooled over all rows, areas-mean reference (last
    year), weighted means per theme and opgave over available children, ranks per year,
    quantile tiers per opgave and year, per-indicator contributions to the opgave score
    (theme-level contributions spread over the theme's indicators), as ``score`` does."""
    n_years, n_areas, n_ind = x.shape
    keep = (~np.isnan(x)).mean(axis=2) >= MIN_SHARE  # (y, a)
    xd = np.where(keep[..., None], x * dirs, np.nan)
    mn = np.nanmin(xd, axis=(0, 1))
    mx = np.nanmax(xd, axis=(0, 1))
    span = mx - mn
    norm = (xd - mn) / span * 100.0
    # reference: mean of the scored areas in REFERENCE_YEAR (the last year of x)
    ref = np.nanmean(xd[-1], axis=0)
    ref_norm = (ref - mn) / span * 100.0

    themes = [np.arange(t * PER_THEME, (t + 1) * PER_THEME) for t in range(N_THEMES)]
    t_scores = np.empty((n_years, n_areas, N_THEMES))
    t_refs = np.empty(N_THEMES)
    inner = np.empty_like(norm)
    for t, cols in enumerate(themes):
        w = weights[cols] / weights[cols].sum()
        t_scores[..., t], used, share = _agg_mean(norm[..., cols], w)
        t_refs[t] = ref_norm[cols] @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(used, w / share[..., None], 0.0)
        inner[..., cols] = np.where(used, a * (norm[..., cols] - ref_norm[cols]), np.nan)
    o_scores = np.empty((n_years, n_areas, N_THEMES // THEMES_PER_OPGAVE))
    contrib = np.empty_like(norm)
    for o in range(o_scores.shape[-1]):
        tcols = np.arange(o * THEMES_PER_OPGAVE, (o + 1) * THEMES_PER_OPGAVE)
        tw = theme_weights[tcols] / theme_weights[tcols].sum()
        o_scores[..., o], used, share = _agg_mean(t_scores[..., tcols], tw)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(used, tw / share[..., None], 0.0)
            level = np.where(used, a * (t_scores[..., tcols] - t_refs[tcols]), np.nan)
        for k, t in enumerate(tcols):
            part = inner[..., themes[t]]
            # inner sum with min_count=1: NaN when every child is missing
            isum = np.where(np.isnan(part).all(axis=-1), np.nan, np.nansum(part, axis=-1))
            with np.errstate(invalid="ignore", divide="ignore"):
                sc = level[..., k] / np.where(isum != 0, isum, np.nan)
            contrib[..., themes[t]] = part * np.nan_to_num(sc, nan=0.0)[..., None]
    scores = np.concatenate([t_scores, o_scores], axis=2)  # (y, a, nodes)
    ranks = np.moveaxis(_rank_min(np.moveaxis(scores, 1, 2), ascending=False), 2, 1)
    below = np.moveaxis(_rank_min(np.moveaxis(o_scores, 1, 2), ascending=True), 2, 1) - 1.0
    n = (~np.isnan(o_scores)).sum(axis=1, keepdims=True)
    tiers = (np.nan_to_num(below)[..., None] >= CUTS * n[..., None] - 1e-9).sum(axis=-1)
    tiers = np.where(np.isnan(o_scores), -1, tiers)
    change = np.diff(o_scores, axis=0)  # per area, year on year
    return {"keep": keep, "norm": norm, "scores": scores, "ranks": ranks, "tiers": tiers,
            "contrib": contrib, "change": change}


def np_topsis(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """TOPSIS closeness x 100 over the available children of each row (one year):
    per-column min-max, ideal 1 and anti-ideal 0, weighted euclidean distances."""
    avail = ~np.isnan(v)
    w = w / w.sum()
    ok = (avail @ w >= MIN_SHARE - 1e-9)
    lo, hi = np.nanmin(v, axis=0), np.nanmax(v, axis=0)
    span = hi - lo
    active = avail & (span > 0)
    r = np.where(active, (v - lo) / np.where(span > 0, span, 1.0), 0.0)
    wm = np.where(active, w, 0.0)
    d_minus = np.sqrt(((wm * r) ** 2).sum(axis=1))
    d_plus = np.sqrt(((wm * (1.0 - r)) ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        close = d_minus / (d_minus + d_plus)
    return np.where(ok & np.isfinite(close), 100.0 * close, np.nan)


# --- wijkkompas through the step functions --------------------------------------------------


def steps_one_year(wide: pd.DataFrame, case: Case) -> dict[str, pd.DataFrame]:
    """normalise -> aggregate -> rank -> tiers -> contributions with the public step functions,
    on the wide (year, area_code) frame of the screened rows."""
    ctx = StepContext(directions=pd.Series(case.dirs, index=case.indicators))
    norm = minmax(wide, wide, ctx)
    ref_norm = norm.mean()  # areas-mean reference (min-max is linear)
    scores: dict[str, pd.Series] = {}
    inner: dict[str, pd.DataFrame] = {}
    refs: dict[str, float] = {}
    for t, cols_idx in enumerate(case.themes):
        code = f"thema{t + 1}"
        cols = [case.indicators[j] for j in cols_idx]
        w = pd.Series(case.weights[cols_idx] / case.weights[cols_idx].sum(), index=cols)
        scores[code] = aggregate_mean(norm[cols], w, ctx)
        inner[code] = contributions(norm[cols], w, ref_norm[cols], "mean")
        refs[code] = float(ref_norm[cols] @ w)
    contrib = {}
    for o in range(N_THEMES // THEMES_PER_OPGAVE):
        tcodes = [f"thema{t + 1}" for t in range(o * THEMES_PER_OPGAVE,
                                                  (o + 1) * THEMES_PER_OPGAVE)]
        tframe = pd.DataFrame({c: scores[c] for c in tcodes})
        tw = pd.Series(case.theme_weights[[int(c[5:]) - 1 for c in tcodes]], index=tcodes)
        tw = tw / tw.sum()
        scores[f"opgave{o + 1}"] = aggregate_mean(tframe, tw, ctx)
        level = contributions(tframe, tw, pd.Series({c: refs[c] for c in tcodes}), "mean")
        for c in tcodes:
            isum = inner[c].sum(axis=1, min_count=1)
            contrib[c] = inner[c].mul((level[c] / isum.where(isum != 0)).fillna(0.0), axis=0)
    frame = pd.DataFrame(scores)
    ranks = frame.apply(lambda s: rank_scores(s, ascending=False))
    tiers = pd.DataFrame({c: tiers_by_quantile(frame[c], list(CUTS), ["1", "2", "3"])
                          for c in ("opgave1", "opgave2")})
    return {"scores": frame, "ranks": ranks, "tiers": tiers,
            "contributions": pd.concat(contrib.values(), axis=1)}


# --- checks (untimed) -----------------------------------------------------------------------


def check_same(result, ref: dict[str, np.ndarray], case: Case, years: list[int]) -> None:  # noqa: ANN001
    """The pipeline's scores, ranks, tiers and contributions equal the numpy baseline."""
    year_pos = [YEARS.index(y) for y in years]
    keep = ref["keep"][year_pos] if len(ref["keep"]) == len(YEARS) else ref["keep"]
    rows = [(y, c) for k, y in enumerate(years) for c in case.codes[keep[k]]]
    nodes = [f"thema{t + 1}" for t in range(N_THEMES)] + ["opgave1", "opgave2"]
    got = result.scores.loc[rows, nodes].to_numpy(dtype=float)
    want = np.concatenate([ref["scores"][k][keep[k]] for k in range(len(years))])
    assert np.allclose(got, want, equal_nan=True, rtol=1e-9, atol=1e-9), "scores differ"
    got_r = result.ranks.loc[rows, nodes].to_numpy(dtype=float, na_value=np.nan)
    want_r = np.concatenate([ref["ranks"][k][keep[k]] for k in range(len(years))])
    assert np.array_equal(got_r, want_r, equal_nan=True), "ranks differ"
    labels = result.framework.priority.tier_labels()
    got_t = result.tiers.loc[rows, ["opgave1", "opgave2"]].map(
        lambda s: labels.index(s) if s is not None else -1).to_numpy()
    want_t = np.concatenate([ref["tiers"][k][keep[k]] for k in range(len(years))])
    assert np.array_equal(got_t, want_t), "tiers differ"
    c = result.contributions.pivot_table(index=["year", "area_code"], columns="indicator",
                                         values="contribution", aggfunc="first", dropna=False)
    got_c = c.reindex(index=pd.MultiIndex.from_tuples(rows), columns=case.indicators).to_numpy()
    want_c = np.concatenate([ref["contrib"][k][keep[k]] for k in range(len(years))])
    assert np.allclose(got_c, want_c, equal_nan=True, rtol=1e-8, atol=1e-8), \
        "contributions differ"


def check_steps(out: dict[str, pd.DataFrame], ref: dict[str, np.ndarray]) -> None:
    keep = ref["keep"][0]
    assert np.allclose(out["scores"].to_numpy(), ref["scores"][0][keep], equal_nan=True)
    assert np.array_equal(out["ranks"].to_numpy(dtype=float, na_value=np.nan),
                          ref["ranks"][0][keep], equal_nan=True)
    assert np.allclose(out["contributions"].to_numpy(), ref["contrib"][0][keep],
                       equal_nan=True, atol=1e-8)


# --- timing ---------------------------------------------------------------------------------


@dataclass
class Timing:
    wall: list[float]
    cpu: list[float]

    @property
    def med(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_med(self) -> float:
        return statistics.median(self.cpu)


def measure(runs: int, **fns: Callable[[], object]) -> dict[str, Timing]:
    """Run every function ``runs`` times, round-robin (so a machine that gets busier or
    quieter affects all of them alike); wall-clock and CPU (process) seconds of each call."""
    out = {name: Timing([], []) for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            out[name].wall.append(time.perf_counter() - t0)
            out[name].cpu.append(time.process_time() - c0)
    return out


def fresh(data: ScoringData) -> ScoringData:
    """The same observations in a new ScoringData: nothing cached yet (the first scoring run
    on a data version factorises the codes and hashes the fingerprint)."""
    return ScoringData(data.observations, data.areas)


def profile(fn: Callable[[], object], top: int = 30) -> str:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, Timing, Timing | None, str, bool]] = []

    def add(self, part: str, name: str, t: Timing, base: Timing | None = None, aim: str = "",
            inverse: bool = False) -> None:
        """A row; with ``base`` the ratio ``t / base`` (``base / t`` when ``inverse``)."""
        self.rows.append((part, name, t, base, aim, inverse))

    @staticmethod
    def ratio(t: Timing, base: Timing, inverse: bool, cpu: bool = False) -> float:
        a, b = (t.cpu_med, base.cpu_med) if cpu else (t.med, base.med)
        return b / a if inverse else a / b

    def print(self) -> None:
        print(f"\n{'':<2} {'measurement':<60} {'wall s':>7} {'cpu s':>7} {'ratio':>6} "
              f"{'(cpu)':>6}  aim     runs (wall s)")
        for part, name, t, base, aim, inverse in self.rows:
            r = rc = ""
            if base is not None:
                r = f"{self.ratio(t, base, inverse):.2f}"
                rc = f"{self.ratio(t, base, inverse, cpu=True):.2f}"
            shown = ", ".join(f"{x:.3f}" for x in t.wall)
            print(f"{part:<2} {name:<60} {t.med:>7.3f} {t.cpu_med:>7.3f} {r:>6} {rc:>6}  "
                  f"{aim:<7} {shown}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--areas", type=int, default=14_500, help="number of buurten")
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--quick", action="store_true", help="2,000 areas, 3 runs")
    ap.add_argument("--parts", default="abc", help="which measurements (default abc)")
    ap.add_argument("--profile", choices=["a", "b", "c"], help="cProfile one wijkkompas run")
    args = ap.parse_args(argv)
    if args.quick:
        args.areas, args.runs = min(args.areas, 2000), min(args.runs, 3)

    t0 = time.perf_counter()
    case = build_case(args.areas)
    print(f"case: {args.areas:,} areas x {N_IND} indicators x {len(YEARS)} years; long frame "
          f"{len(case.long):,} rows (built in {time.perf_counter() - t0:.1f} s); "
          f"median of {args.runs} runs (c: {max(1, args.runs - 2)}), run round-robin")
    table = Table()
    verdicts: list[tuple[str, bool]] = []
    last = YEARS[-1]
    runs = args.runs
    fw, inds, codes = case.fw, case.indicators, list(case.codes)
    data1 = case.data([last])
    wide1 = data1.wide(codes, inds, [last])
    wide1 = wide1[wide1.notna().mean(axis=1) >= MIN_SHARE]  # the screened rows, as score() has
    profiled: dict[str, Callable[[], object]] = {}

    # a. one year ------------------------------------------------------------------------------
    if "a" in args.parts:
        x1, pop1 = np_dense(data1.observations, case.codes, inds, [last])
        ref1 = np_score(x1, case.dirs, case.weights, case.theme_weights, pop1)
        check_same(score(fw, data1, years=[last]), ref1, case, [last])
        check_steps(steps_one_year(wide1, case), ref1)

        def np_a_long() -> dict[str, np.ndarray]:
            x, pop = np_dense(data1.observations, case.codes, inds, [last])
            return np_score(x, case.dirs, case.weights, case.theme_weights, pop)

        needed = ["a_inw", *inds]
        t = measure(
            runs,
            np_long=np_a_long,
            pipe=lambda: score(fw, data1, years=[last]),
            pipe_cold=lambda: score(fw, fresh(data1), years=[last]),
            np_dense=lambda: np_score(x1, case.dirs, case.weights, case.theme_weights, pop1),
            steps=lambda: steps_one_year(wide1, case),
            wide=lambda: data1.wide(codes, needed, [last]),
            fingerprint=lambda: data1.fingerprint(codes, needed, [last]),
        )
        table.add("a", "numpy from the long frame (factorise + scatter + compute)", t["np_long"])
        table.add("a", "wijkkompas score() (the pipeline, from the long frame)", t["pipe"],
                  t["np_long"], f"<= {AIMS['a']:g}")
        table.add("a", "  cold: a new ScoringData (codes factorised, fingerprint hashed)",
                  t["pipe_cold"], t["np_long"])
        table.add("a", "  of which ScoringData.wide (long -> wide)", t["wide"])
        table.add("a", "  of which ScoringData.fingerprint (provenance hash)", t["fingerprint"])
        table.add("a", "numpy on the dense array (compute only)", t["np_dense"])
        table.add("a", "wijkkompas step functions on the wide frame", t["steps"], t["np_dense"],
                  f"<= {AIMS['a']:g}")
        verdicts.append(("a pipeline", t["pipe"].med / t["np_long"].med <= AIMS["a"]))
        verdicts.append(("a steps", t["steps"].med / t["np_dense"].med <= AIMS["a"]))
        profiled["a"] = lambda: score(fw, data1, years=[last])

    # b. TOPSIS --------------------------------------------------------------------------------
    if "b" in args.parts:
        norm_frame = minmax(wide1, wide1, StepContext(directions=pd.Series(case.dirs, index=inds)))
        w_all = pd.Series(case.weights, index=inds)
        v = norm_frame.to_numpy()
        tw = case.weights / case.weights.sum()

        def wk_topsis(frame: pd.DataFrame) -> pd.Series:
            return aggregate_topsis(frame, w_all, StepContext(directions=pd.Series(dtype=float)))

        assert np.allclose(wk_topsis(norm_frame).to_numpy(), np_topsis(v, case.weights),
                           equal_nan=True), "topsis differs from numpy"
        # complete matrix (NaN -> column mean) for pymcdm, which does not accept NaN
        full = np.where(np.isnan(v), np.nanmean(v, axis=0), v)
        full_frame = pd.DataFrame(full, index=norm_frame.index, columns=inds)
        from pymcdm.methods import TOPSIS

        pm = TOPSIS()
        types = np.ones(N_IND)
        assert np.allclose(wk_topsis(full_frame).to_numpy(), 100.0 * pm(full, tw, types)), \
            "topsis differs from pymcdm"
        t = measure(
            runs,
            np_nan=lambda: np_topsis(v, case.weights),
            wk_nan=lambda: wk_topsis(norm_frame),
            np_full=lambda: np_topsis(full, case.weights),
            pymcdm=lambda: pm(full, tw, types),
            wk_full=lambda: wk_topsis(full_frame),
        )
        table.add("b", "numpy TOPSIS (with NaN)", t["np_nan"])
        table.add("b", "wijkkompas AGGREGATE 'topsis' (with NaN)", t["wk_nan"], t["np_nan"],
                  f"<= {AIMS['b']:g}")
        table.add("b", "numpy TOPSIS (complete matrix)", t["np_full"])
        table.add("b", "wijkkompas 'topsis' (complete matrix)", t["wk_full"], t["np_full"],
                  f"<= {AIMS['b']:g}")
        table.add("b", "pymcdm TOPSIS, default validation; ratio = pymcdm / wijkkompas",
                  t["pymcdm"], t["wk_full"], f">= {AIMS['b_pymcdm']:g}")
        verdicts.append(("b vs numpy", t["wk_nan"].med / t["np_nan"].med <= AIMS["b"]))
        verdicts.append(("b vs pymcdm",
                         t["pymcdm"].med / t["wk_full"].med >= AIMS["b_pymcdm"]))
        profiled["b"] = lambda: wk_topsis(norm_frame)

    # c. ten years -----------------------------------------------------------------------------
    if "c" in args.parts:
        data10 = case.data()

        def wk_c() -> pd.DataFrame:
            result = score(fw, data10, years=YEARS)
            return result.scores[["opgave1", "opgave2"]].groupby(level="area_code").diff()

        def np_c() -> dict[str, np.ndarray]:
            x, pop = np_dense(data10.observations, case.codes, inds, YEARS)
            return np_score(x, case.dirs, case.weights, case.theme_weights, pop)

        ref10 = np_c()
        result10 = score(fw, data10, years=YEARS)
        check_same(result10, ref10, case, YEARS)
        change = result10.scores[["opgave1", "opgave2"]].groupby(level="area_code").diff()
        both = ref10["keep"][-1] & ref10["keep"][-2]
        got = change.loc[[(last, c) for c in case.codes[both]]].to_numpy()
        assert np.allclose(got, ref10["change"][-1][both], equal_nan=True), "change differs"
        del result10, change
        def wk_c_cold() -> pd.DataFrame:
            result = score(fw, fresh(data10), years=YEARS)
            return result.scores[["opgave1", "opgave2"]].groupby(level="area_code").diff()

        t = measure(max(1, runs - 2), np_c=np_c, wk_c=wk_c, wk_c_cold=wk_c_cold)
        table.add("c", "numpy 10 years from the long frame (+ change)", t["np_c"])
        table.add("c", "wijkkompas score() 10 years pooled (+ change)", t["wk_c"], t["np_c"],
                  f"<= {AIMS['c']:g}")
        table.add("c", "  cold: a new ScoringData (codes factorised, fingerprint hashed)",
                  t["wk_c_cold"], t["np_c"])
        verdicts.append(("c", t["wk_c"].med / t["np_c"].med <= AIMS["c"]))
        profiled["c"] = wk_c

    table.print()
    print()
    for name, ok in verdicts:
        print(f"{name:<12} {'aim met' if ok else 'AIM MISSED'}")
    if args.profile:
        if args.profile not in profiled:
            print(f"--profile {args.profile}: that part was not run")
        else:
            print("\n" + profile(profiled[args.profile]))
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
