"""Score a framework: the JRC steps in order, from observations to a :class:`ScoreResult`.

    denominate -> screen -> impute -> treat -> normalise (anchored) -> weight -> aggregate
    -> rank -> tiers -> contributions

Scores are "higher is better" on every level. Priority tiers go to the LOWEST scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Importing the method modules registers their methods.
import wijkkompas.framework.aggregate
import wijkkompas.framework.impute
import wijkkompas.framework.normalise
import wijkkompas.framework.treat
import wijkkompas.framework.weights  # noqa: F401
from wijkkompas.data.catalogue import load_catalogue
from wijkkompas.errors import FrameworkError
from wijkkompas.framework.aggregate import contributions as contributions_of
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.rank import rank_scores
from wijkkompas.framework.registry import AGGREGATE, IMPUTE, NORMALISE, TREAT, WEIGHT
from wijkkompas.framework.result import Deferred, ScoreResult
from wijkkompas.framework.schema import Framework, StepSpec, ThemeSpec
from wijkkompas.framework.screening import screen_after_impute, screen_before_impute
from wijkkompas.framework.tiers import ASSESSMENT_COLUMNS, assess, assign_tiers

RANK_BASED = {"rank", "percentile", "borda"}
Progress = Callable[[str], None]


def directions_for(fw: Framework) -> pd.Series:
    """+1/-1 per indicator: the framework's override, else the catalogue's direction."""
    cat = load_catalogue()
    out = {}
    for code, spec in fw.indicator_specs().items():
        direction = spec.direction
        if direction is None and code in cat:
            direction = cat[code].direction
        if direction in (None, "neutral"):
            raise FrameworkError(
                f"indicator {code}: richting onbekend of neutraal in de catalogus; geef "
                "'direction: higher_better' of 'higher_worse' op in het afwegingskader"
            )
        out[code] = 1.0 if direction == "higher_better" else -1.0
    return pd.Series(out, dtype=float)


def _scope(fw: Framework, data: ScoringData, areas: list[str] | None) -> list[str]:
    table = data.areas
    sel = table[table["level"] == fw.level]
    if fw.municipalities:
        sel = sel[sel["municipality_code"].isin(fw.municipalities)]
    codes = list(sel.index)
    if areas is not None:
        wanted = set(areas)
        codes = [c for c in codes if c in wanted]
    if not codes:
        raise FrameworkError(
            f"geen gebieden op niveau {fw.level}"
            + (f" in {', '.join(fw.municipalities)}" if fw.municipalities else "")
        )
    return sorted(codes)


def _denominate(wide: pd.DataFrame, fw: Framework, ctx: StepContext) -> pd.DataFrame:
    out = wide.copy()
    for code, spec in fw.indicator_specs().items():
        if spec.denominator:
            denom = wide[spec.denominator]
            zero = denom <= 0
            if zero.any():
                ctx.warn(f"{code}: noemer {spec.denominator} is 0 of negatief voor "
                         f"{int(zero.sum())} gebied-jaren; waarde ontbreekt daar")
            out[code] = wide[code] / denom.where(~zero) * spec.per
    return out[fw.indicator_codes()]


def reference_values(fw: Framework, data: ScoringData, raw_scored: pd.DataFrame,
                     years: list[int], ctx: StepContext | None = None) -> pd.Series:
    """Raw reference value per indicator (denominated like the scored data)."""
    ref = fw.reference
    year = ref.year or (fw.anchor.year if fw.anchor.type == "base_year" else years[0])
    indicators = fw.indicator_codes()
    if ref.type == "fixed":
        missing = [c for c in indicators if c not in ref.values]
        if missing:
            raise FrameworkError(f"reference.values mist {', '.join(missing)}")
        return pd.Series({c: float(ref.values[c]) for c in indicators})
    if ref.type == "areas_mean":
        per_year = raw_scored.groupby(level="year").mean()
        if year in per_year.index:
            values = per_year.loc[year].copy()
        else:
            values = pd.Series(np.nan, index=per_year.columns)
        for code in values.index[values.isna()]:
            known = per_year[code].dropna()
            if not len(known):
                continue
            # Nearest year with data, earlier years first on a tie.
            nearest = min(known.index, key=lambda y: (abs(int(y) - year), int(y) > year))
            values[code] = known[nearest]
            if ctx is not None:
                ctx.warn(f"referentie voor {code}: geen waarde in {year}, gemiddelde van "
                         f"{int(nearest)} gebruikt")
        return values
    if ref.type == "municipality":
        codes = [ref.municipality] if ref.municipality else (fw.municipalities[:1])
        if not codes:
            raise FrameworkError("reference: geef 'municipality' op (bijv. GM0599)")
    elif ref.type == "national":
        codes = ["NL00"]
    else:
        codes = list(ref.codes)
    needed = sorted({*indicators, *[s.denominator for s in fw.indicator_specs().values()
                                    if s.denominator]})
    earlier = [y for y in data.all_years() if y <= year]
    wide = data.wide(codes, needed, earlier or [year])
    dummy = StepContext(directions=pd.Series(dtype=float))
    per_year = _denominate(wide, fw, dummy).groupby(level="year").mean()
    # Per indicator the reference year's value, else the most recent earlier one (said so).
    values = per_year.ffill().iloc[-1] if len(per_year) else pd.Series(dtype=float)
    for code in indicators:
        known = per_year[code].dropna()
        if len(known) and int(known.index[-1]) != year and ctx is not None:
            ctx.warn(f"referentie voor {code}: geen waarde in {year}, waarde van "
                     f"{int(known.index[-1])} gebruikt")
    missing = values[values.isna()].index.tolist()
    if missing:
        raise FrameworkError(
            f"referentie ({ref.type} {', '.join(codes)}, {year}) heeft geen waarde voor "
            f"{', '.join(missing)}"
        )
    return values


def _fit_rows(fw: Framework, x: pd.DataFrame, ctx: StepContext | None = None) -> pd.DataFrame:
    """The rows that fix normalisation and outlier treatment: the anchor's rows, without the
    areas that are not assessed (``ctx.not_assessed``) when the priority rule says so."""
    if ctx is not None and ctx.not_assessed is not None and fw.priority.scale_on_assessed:
        keep = ctx.not_assessed.reindex(x.index).isna()
        if keep.any():
            x = x[keep.to_numpy()]
    if fw.anchor.type == "base_year":
        years = x.index.get_level_values("year")
        if fw.anchor.year not in set(years):
            raise FrameworkError(f"anchor: basisjaar {fw.anchor.year} zit niet in de gegevens "
                                 f"(jaren: {', '.join(map(str, sorted(set(years))))})")
        return x[years == fw.anchor.year]
    return x


def _normalise(fw: Framework, x: pd.DataFrame, ref: pd.Series, ctx: StepContext
               ) -> tuple[pd.DataFrame, pd.Series]:
    spec = fw.steps.normalise
    method = NORMALISE.get(spec.method, "steps.normalise: ")
    params = method.check_params(spec.params, "steps.normalise: ")
    if fw.anchor.type == "per_year":
        parts = [method.func(g, _fit_rows(fw, g, ctx), ctx, **params)
                 for _, g in x.groupby(level="year")]
        norm = pd.concat(parts).reindex(x.index)
        fit = _fit_rows(fw, x, ctx)
        ctx.warn("normalisatie per jaar: scores van verschillende jaren zijn NIET onderling "
                 "vergelijkbaar")
    else:
        fit = _fit_rows(fw, x, ctx)
        norm = method.func(x, fit, ctx, **params)
    if spec.method in RANK_BASED:
        ref_norm = norm.mean()
    else:
        ref_frame = pd.DataFrame([ref.reindex(x.columns).to_numpy()], columns=x.columns,
                                 index=pd.MultiIndex.from_tuples([(0, "__referentie__")],
                                                                 names=["year", "area_code"]))
        quiet = StepContext(directions=ctx.directions, reference=ctx.reference,
                            goalposts=ctx.goalposts, targets=ctx.targets)
        ref_norm = method.func(ref_frame, fit, quiet, **params).iloc[0]
    return norm, ref_norm


def _aggregate(spec: StepSpec, values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
               where: str) -> pd.Series:
    method = AGGREGATE.get(spec.method, where)
    return method.func(values, weights, ctx, **method.check_params(spec.params, where))


def theme_weights(fw: Framework, theme: ThemeSpec, values: pd.DataFrame, ctx: StepContext,
                  where: str) -> pd.Series:
    """The weights of a theme's indicators. Framework weights are relative: they are normalised
    within the theme before the weighting method (manual, equal, pca) sees them."""
    nominal = pd.Series({ind.code: ind.weight for ind in theme.indicators}, dtype=float)
    if nominal.sum() <= 0:
        raise FrameworkError(f"{where}alle indicatorgewichten zijn 0")
    spec = fw.steps.weight
    method = WEIGHT.get(spec.method, where)
    return method.func(values, nominal / nominal.sum(), ctx,
                       **method.check_params(spec.params, where))


def _reference_score(spec: StepSpec, scores: pd.Series, contributions: pd.DataFrame,
                     reference: pd.Series, weights: pd.Series, where: str) -> float:
    """The score the reference itself gets. TOPSIS is relative to each year's best and worst
    areas, so its reference score is read back from the contributions (score minus the sum of
    contributions), averaged over the rows; the other methods aggregate the reference vector."""
    if spec.method == "topsis":
        back = scores - contributions.sum(axis=1, min_count=1)
        return float(back.mean())
    row = pd.DataFrame([reference.reindex(weights.index).to_numpy()], columns=weights.index)
    quiet = StepContext(directions=pd.Series(dtype=float))
    return float(_aggregate(spec, row, weights, quiet, where).iloc[0])


def _long_contributions(parts: list[tuple[str, str, pd.DataFrame]]) -> pd.DataFrame:
    """Long frame (year, area_code, opgave, theme, indicator, contribution) of the parts
    (opgave, theme, frame with rows (year, area_code) and one column per indicator), each
    part row by row (as ``DataFrame.stack``). All parts share one row index (that of the
    normalised data). Built by taking from the index and column arrays once: concatenating
    per-part frames with string columns is slow at national scale."""
    index = parts[0][2].index
    n = len(index)
    rows = np.concatenate([np.repeat(np.arange(n), p.shape[1]) for _, _, p in parts])
    names = pd.Index([c for _, _, p in parts for c in p.columns])
    cols = np.concatenate([np.tile(np.arange(p.shape[1]), n) for _, _, p in parts]
                          ) + np.repeat(np.cumsum([0] + [p.shape[1] for _, _, p in parts[:-1]]),
                                        [n * p.shape[1] for _, _, p in parts])
    nodes = pd.Index([o for o, _, _ in parts] + [t for _, t, _ in parts])
    which = np.repeat(np.arange(len(parts)), [n * p.shape[1] for _, _, p in parts])
    return pd.DataFrame({
        "year": index.get_level_values("year").take(rows).array,
        "area_code": index.get_level_values("area_code").take(rows).array,
        "opgave": nodes.take(which).array,
        "theme": nodes.take(which + len(parts)).array,
        "indicator": names.take(cols).array,
        "contribution": np.concatenate([p.to_numpy(dtype=float).ravel() for _, _, p in parts]),
    }, copy=False)


@dataclass
class Plan:
    """What one scoring run covers: the areas, the years (with the history that imputation may
    draw on) and the indicator columns to load."""

    indicators: list[str]
    needed: list[str]
    population_code: str
    codes: list[str]
    years: list[int]
    history: list[int]
    load_years: list[int]  # the data years read (history, or the peiljaar windows)


@dataclass
class Raw:
    """The loaded data after denomination and screening."""

    all_rows: pd.DataFrame  # denominated, scored years and history
    scored_rows: np.ndarray  # which rows of ``all_rows`` are in the scored years
    raw: pd.DataFrame  # scored years, after screening
    screened: pd.DataFrame
    assessment: pd.DataFrame  # ASSESSMENT_COLUMNS per scored row (who may get a tier)
    source_years: pd.DataFrame | None  # peiljaar mode: the data year of every raw value
    population: pd.Series | None = None  # per scored row (screening after imputation)


@dataclass
class Aggregated:
    """Scores per theme and opgave (and overall), their reference scores, the weights used and
    the contributions per (opgave, theme) before they are made long."""

    scores: dict[str, pd.Series] = field(default_factory=dict)
    reference_scores: dict[str, float] = field(default_factory=dict)
    weights: dict[str, pd.Series] = field(default_factory=dict)
    contribution_parts: list[tuple[str, str, pd.DataFrame]] = field(default_factory=list)


def plan_run(fw: Framework, data: ScoringData, years: list[int] | None,
             areas: list[str] | None, ctx: StepContext) -> Plan:
    """Stage 1 — choose areas, years and columns. The base year of an anchored framework is
    scored alongside a later year; ``previous_year`` imputation loads ``max_gap`` earlier years
    as history."""
    indicators = fw.indicator_codes()
    specs = fw.indicator_specs()
    denominators = sorted({s.denominator for s in specs.values() if s.denominator})
    pop_code = fw.screen.population_indicator
    rule = fw.priority
    needed = list(dict.fromkeys([*indicators, *denominators, pop_code,
                                 rule.households_indicator, rule.establishments_indicator]))
    codes = _scope(fw, data, areas)
    # A peiljaar may be any year with data for the areas' indicators or population (the
    # window brings the rest); otherwise the years with indicator values.
    candidates = data.years_with(needed if fw.peiljaar is not None else indicators)
    years = sorted(years or fw.years or candidates)
    if not years:
        raise FrameworkError("geen jaren met gegevens voor de indicatoren van dit kader")
    base = fw.anchor.year if fw.anchor.type == "base_year" else None
    if base is not None and base not in years and base in data.years_with(indicators):
        # A later year alone cannot be anchored: score the base year alongside it.
        years = sorted({*years, base})
        ctx.warn(f"basisjaar {base} meegescoord: de normalisatie is daarop verankerd")
    history: list[int] = []
    if fw.peiljaar is not None:
        # Each peiljaar draws on its window (who is assessed may also look as far ahead);
        # previous-year imputation needs no extra history.
        first, last = min(years) - fw.peiljaar.window, max(years) + fw.peiljaar.window
        load = [y for y in data.years_with(needed) if first <= y <= last]
        return Plan(indicators, needed, pop_code, codes, years, history,
                    sorted({*load, *years}))
    if fw.steps.impute.method == "previous_year":
        gap = int(fw.steps.impute.params.get("max_gap", 2))
        history = [y for y in data.years_with(indicators) if min(years) - gap <= y < min(years)]
    return Plan(indicators, needed, pop_code, codes, years, history, sorted({*history, *years}))


def select_peiljaar(wide: pd.DataFrame, peiljaren: list[int], window: int, *,
                    later: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per peiljaar and area, each column's most recent value from the peiljaar or up to
    ``window`` years before it, and the year that value comes from.

    ``wide`` has rows ``(year, area_code)`` (as :meth:`ScoringData.wide` returns them); both
    results have rows ``(peiljaar, area_code)``. Years without a value give NaN / <NA>. With
    ``later`` the window looks forward instead: the earliest value after the peiljaar, up to
    ``window`` years later (only for who-is-assessed inputs such as the population).
    """
    years = wide.index.get_level_values("year").to_numpy()
    values, sources = [], []
    for peiljaar in peiljaren:
        if later:
            inside = (years > peiljaar) & (years <= peiljaar + window)
        else:
            inside = (years <= peiljaar) & (years >= peiljaar - window)
        part = wide[inside].sort_index(level=["area_code", "year"], ascending=[True, not later])
        part_years = part.index.get_level_values("year").to_numpy(dtype=float)
        seen = pd.DataFrame(np.where(part.notna(), part_years[:, None], np.nan),
                            index=part.index, columns=part.columns)
        # groupby().last() takes the last non-missing value of each column: the latest year.
        value = part.groupby(level="area_code", sort=True).last()
        source = (seen.groupby(level="area_code", sort=True).min() if later
                  else seen.groupby(level="area_code", sort=True).max())
        key = pd.MultiIndex.from_arrays([np.full(len(value), peiljaar), value.index],
                                        names=["year", "area_code"])
        values.append(value.set_axis(key))
        sources.append(source.set_axis(key))
    return (pd.concat(values).sort_index(),
            pd.concat(sources).sort_index().astype("Int64"))


def load_raw(fw: Framework, data: ScoringData, plan: Plan, ctx: StepContext) -> Raw:
    """Stage 2 — load the wide table, denominate, and screen areas (data availability, minimum
    population). Indicators without any value are named in a warning."""
    loaded = wide = data.wide(plan.codes, plan.needed, plan.load_years)
    source_years = None
    if fw.peiljaar is not None:
        wide, source_years = select_peiljaar(loaded, plan.years, fw.peiljaar.window)
    scored_rows = wide.index.get_level_values("year").isin(plan.years)
    empty = wide.loc[scored_rows, plan.indicators].isna().all()
    earlier = wide.loc[~scored_rows, plan.indicators].notna().any()
    years = ", ".join(map(str, plan.years))
    for code in plan.indicators:
        if empty[code] and earlier[code]:
            # Imputation (previous_year) may still fill it: say so, not "no value at all".
            ctx.warn(f"{code}: geen waarde in {years}; waarden uit eerdere jaren worden "
                     "gebruikt waar de aanvulregel dat toestaat")
        elif empty[code]:
            ctx.warn(f"{code}: geen enkele waarde in de gekozen gebieden en jaren")
    raw_all = _denominate(wide, fw, ctx)
    population = (wide.loc[scored_rows, plan.population_code]
                  if plan.population_code in wide else None)
    raw, screened = screen_before_impute(raw_all[scored_rows], population, fw, ctx)
    if raw.empty:
        raise FrameworkError("na screening blijft geen enkel gebied over")
    rule = fw.priority
    inputs = dict(zip(ASSESSMENT_COLUMNS, (plan.population_code, rule.households_indicator,
                                           rule.establishments_indicator), strict=True))
    assessment = pd.DataFrame({name: (wide.loc[raw.index, code] if code in wide else np.nan)
                               for name, code in inputs.items()}, index=raw.index)
    if fw.peiljaar is not None:
        # Who is assessed rests on counts that change slowly: a population figure from a
        # few years after the peiljaar is better than none (the window bounds both ways).
        ahead, _ = select_peiljaar(loaded[[c for c in inputs.values() if c in loaded]],
                                   plan.years, fw.peiljaar.window, later=True)
        for name, code in inputs.items():
            if code in ahead:
                assessment[name] = assessment[name].fillna(ahead[code].reindex(raw.index))
    assessment["reason"] = assess(rule, assessment)
    ctx.not_assessed = assessment["reason"]
    if source_years is not None:
        source_years = source_years.loc[raw.index, plan.indicators]
    ctx.steps["denominated"] = raw_all  # all rows: the scored years are picked when written
    return Raw(raw_all, scored_rows, raw, screened, assessment, source_years, population)


def set_references(fw: Framework, data: ScoringData, plan: Plan, raw: Raw,
                   ctx: StepContext) -> None:
    """Stage 3 — what the later steps compare with: the reference values (anchor), goalposts,
    targets and the municipality of every row (for group imputation)."""
    specs = fw.indicator_specs()
    basis = raw.raw
    if fw.priority.scale_on_assessed and raw.assessment["reason"].notna().any():
        assessed = raw.assessment["reason"].isna().to_numpy()
        basis = raw.raw[assessed] if assessed.any() else raw.raw
    ctx.reference = reference_values(fw, data, basis, plan.years, ctx)
    ctx.goalposts = pd.DataFrame(
        {c: {"low": s.goalposts[0], "high": s.goalposts[1]} for c, s in specs.items()
         if s.goalposts}).T.reindex(columns=["low", "high"])
    ctx.targets = pd.Series({c: s.target for c, s in specs.items() if s.target is not None},
                            dtype=float)
    ctx.groups = _groups(fw, data, raw.raw.index)


def _groups(fw: Framework, data: ScoringData, index: pd.Index) -> pd.Series:
    """The group of every row for group imputation: ``params.group``, else the municipality."""
    return data.group_labels(fw.steps.impute.params.get("group") or "municipality_code",
                             index)


def impute(fw: Framework, data: ScoringData, plan: Plan, raw: Raw,
           ctx: StepContext) -> pd.DataFrame:
    """Stage 4 — fill gaps with the framework's imputation method. With history years the
    imputer sees them as a source; their rows and what it said about them are dropped."""
    imp = IMPUTE.get(fw.steps.impute.method, "steps.impute: ")
    params = imp.check_params(fw.steps.impute.params, "steps.impute: ")
    if not plan.history:
        return imp.func(raw.raw, ctx, **params)
    with_history = pd.concat([raw.all_rows[~raw.scored_rows], raw.raw]).sort_index()
    ctx.groups = _groups(fw, data, with_history.index)
    before = len(ctx.warnings)
    x = imp.func(with_history, ctx, **params)
    # History rows are only a source; drop what the imputer said about them.
    ctx.warnings[before:] = [w for w in ctx.warnings[before:]
                             if not any(f" in {y} " in w or f" in {y}:" in w
                                        for y in plan.history)]
    ctx.groups = ctx.groups.loc[raw.raw.index]
    return x.loc[raw.raw.index]


def treat_and_normalise(fw: Framework, imputed: pd.DataFrame, ctx: StepContext
                        ) -> tuple[pd.DataFrame, pd.Series]:
    """Stage 5 — outlier treatment (fitted on the anchor rows) and normalisation; returns the
    normalised values and the normalised reference."""
    treat = TREAT.get(fw.steps.treat.method, "steps.treat: ")
    x = treat.func(imputed, _fit_rows(fw, imputed, ctx) if fw.anchor.type != "per_year"
                   else imputed,
                   ctx, **treat.check_params(fw.steps.treat.params, "steps.treat: "))
    ctx.steps["treated"] = x
    return _normalise(fw, x, ctx.reference, ctx)


def aggregate_opgaven(fw: Framework, norm: pd.DataFrame, ref_norm: pd.Series,
                      ctx: StepContext) -> Aggregated:
    """Stage 6 — weight and aggregate indicators into themes and themes into opgaven, with
    reference scores, and split each opgave's distance to its reference over the indicators
    (contributions)."""
    out = Aggregated()
    for i, op in enumerate(fw.opgaven):
        agg_spec = op.aggregate or fw.steps.aggregate
        theme_scores: dict[str, pd.Series] = {}
        theme_refs: dict[str, float] = {}
        theme_contribs: dict[str, pd.DataFrame] = {}
        for j, th in enumerate(op.themes):
            where = f"opgaven[{i}].themes[{j}]: "
            cols = [ind.code for ind in th.indicators]
            w = theme_weights(fw, th, norm[cols], ctx, where)
            out.weights[th.code] = w
            theme_scores[th.code] = _aggregate(agg_spec, norm[cols], w, ctx, where)
            theme_contribs[th.code] = contributions_of(norm[cols], w, ref_norm[cols],
                                                       agg_spec.method, **agg_spec.params)
            theme_refs[th.code] = _reference_score(agg_spec, theme_scores[th.code],
                                                   theme_contribs[th.code], ref_norm[cols], w,
                                                   where)
        tframe = pd.DataFrame(theme_scores)
        tnominal = pd.Series({th.code: th.weight for th in op.themes}, dtype=float)
        tw = tnominal / tnominal.sum() if tnominal.sum() > 0 else tnominal
        if tnominal.sum() <= 0:
            raise FrameworkError(f"opgaven[{i}]: alle themagewichten zijn 0")
        out.weights[op.code] = tw
        out.scores.update(theme_scores)
        out.scores[op.code] = _aggregate(agg_spec, tframe, tw, ctx, f"opgaven[{i}]: ")
        out.reference_scores.update(theme_refs)
        theme_level = contributions_of(tframe, tw, pd.Series(theme_refs), agg_spec.method,
                                       **agg_spec.params)
        out.reference_scores[op.code] = _reference_score(
            agg_spec, out.scores[op.code], theme_level, pd.Series(theme_refs), tw,
            f"opgaven[{i}]: ")
        for th in op.themes:
            inner = theme_contribs[th.code]
            inner_sum = inner.sum(axis=1, min_count=1)
            # When the theme sits exactly at its reference, spread nothing.
            scale = (theme_level[th.code] / inner_sum.where(inner_sum != 0)).fillna(0.0)
            out.contribution_parts.append((op.code, th.code, inner.mul(scale, axis=0)))
    return out


def aggregate_overall(fw: Framework, agg: Aggregated, ctx: StepContext) -> None:
    """Stage 7 — the optional overall index over the opgaven (weighted by opgave weight)."""
    if fw.overall is None:
        return
    oframe = pd.DataFrame({op.code: agg.scores[op.code] for op in fw.opgaven})
    ow = pd.Series({op.code: op.weight for op in fw.opgaven}, dtype=float)
    ow = ow / ow.sum()
    agg.weights[fw.overall.code] = ow
    agg.scores[fw.overall.code] = _aggregate(fw.overall.aggregate, oframe, ow, ctx, "overall: ")
    agg.reference_scores[fw.overall.code] = float(_aggregate(
        fw.overall.aggregate, pd.DataFrame([{k: agg.reference_scores[k] for k in ow.index}]), ow,
        StepContext(directions=ctx.directions), "overall: ").iloc[0])


def rank_and_tier(fw: Framework, agg: Aggregated, assessment: pd.DataFrame,
                  ctx: StepContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stage 8 — ranks per year (1 = highest score) and priority tiers per opgave; areas that
    :func:`~wijkkompas.framework.tiers.assess` sets apart get no tier."""
    score_frame = pd.DataFrame(agg.scores)
    ranks = score_frame.apply(lambda s: rank_scores(s, by_year=True, ascending=False))
    tiers = assign_tiers(score_frame[[op.code for op in fw.opgaven]], fw.priority,
                         agg.reference_scores, assessment["reason"], ctx,
                         high_first={op.code for op in fw.opgaven if op.priority_when == "high"})
    return score_frame, ranks, tiers


def score(fw: Framework, data: ScoringData, *, years: list[int] | None = None,
          areas: list[str] | None = None, progress: Progress | None = None,
          keep_steps: bool = False) -> ScoreResult:
    """Score ``fw`` on ``data`` for ``years`` (default: the framework's years, else every
    year with data) and ``areas`` (default: every area of the framework's level and scope).

    The stages, each a function of this module: :func:`plan_run`, :func:`load_raw`
    (denominate, screen), :func:`set_references`, :func:`impute`, :func:`treat_and_normalise`,
    :func:`aggregate_opgaven`, :func:`aggregate_overall` and :func:`rank_and_tier`.
    With ``keep_steps`` the result also keeps every intermediate step (``steps``, for
    :func:`~wijkkompas.framework.stepfiles.write_steps`).
    """
    fw = fw.for_own_level()
    ctx = StepContext(directions=directions_for(fw))
    plan = plan_run(fw, data, years, areas, ctx)
    if progress:
        progress(f"{len(plan.codes)} gebieden × {len(plan.years)} jaren × "
                 f"{len(plan.indicators)} indicatoren")
    raw = load_raw(fw, data, plan, ctx)
    set_references(fw, data, plan, raw, ctx)
    if progress:
        progress("imputeren, uitschieters, normaliseren")
    imputed = ctx.steps["imputed"] = impute(fw, data, plan, raw, ctx)
    if fw.screen.after_impute:  # COINr's order: screen the imputed values
        imputed = screen_after_impute(fw, raw, imputed, ctx)
        set_references(fw, data, plan, raw, ctx)
    norm, ref_norm = treat_and_normalise(fw, imputed, ctx)
    if progress:
        progress("wegen en aggregeren")
    agg = aggregate_opgaven(fw, norm, ref_norm, ctx)
    aggregate_overall(fw, agg, ctx)
    score_frame, ranks, tiers = rank_and_tier(fw, agg, raw.assessment, ctx)
    return ScoreResult(
        framework=fw,
        raw=raw.raw,
        normalised=norm,
        scores=score_frame,
        ranks=ranks,
        tiers=tiers,
        # The long table is built when it is first read (explain, exports), not per run.
        contributions=Deferred(_long_contributions, agg.contribution_parts),
        reference=ctx.reference,
        reference_normalised=ref_norm,
        reference_scores=pd.Series(agg.reference_scores),
        weights=agg.weights,
        screened=raw.screened,
        warnings=list(ctx.warnings),
        imputed=imputed,
        data_fingerprint=data.fingerprint(plan.codes, plan.needed, plan.load_years),
        areas=data.areas.reindex(plan.codes),
        comparable_over_time=fw.anchor.type != "per_year" and fw.steps.normalise.method
        not in RANK_BASED,
        assessment=raw.assessment,
        source_years=raw.source_years,
        steps={**ctx.steps, "screened": raw.raw if not fw.screen.after_impute else imputed}
        if keep_steps else {},
    )

