"""Priority tiers per opgave and year, from the framework's priority rule.

The tie rules are those of :mod:`wijkkompas.framework.rank`: equal scores always share a tier.
By default the lowest scores get priority; an opgave with ``priority_when: high`` (e.g.
potential to build on) gives priority to the highest scores instead.
"""

from __future__ import annotations

import pandas as pd

from wijkkompas.framework.context import StepContext
from wijkkompas.framework.rank import tiers_by_quantile, tiers_by_threshold, top_n
from wijkkompas.framework.schema import TierRule

NO_TIER = "niet beoordeeld"
#: What :func:`assess` reads per (year, area_code).
ASSESSMENT_COLUMNS = ["population", "households", "establishments"]


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def assess(rule: TierRule, inputs: pd.DataFrame) -> pd.Series:
    """Why an area gets no priority tier, per ``(year, area_code)`` (a Dutch reason), or
    ``None`` for an area that is assessed.

    An area is not assessed when it has fewer inhabitants than ``min_population`` (or no
    population figure at all, with ``unknown_population: not_assessed``), fewer private
    households than ``min_households``, or more business establishments per inhabitant than
    ``max_establishments_per_inhabitant`` (a business or harbour area): rates of such areas
    rest on too few residents to rank them. The first rule that applies is the reason.
    """
    reason = pd.Series(None, index=inputs.index, dtype=object)

    def mark(mask: pd.Series, text: str) -> None:
        reason[mask.fillna(False).astype(bool) & reason.isna()] = text

    pop = inputs["population"] if "population" in inputs else pd.Series(float("nan"),
                                                                        index=inputs.index)
    if rule.min_population:
        if rule.unknown_population == "not_assessed":
            mark(pop.isna(), "aantal inwoners onbekend")
        mark(pop < rule.min_population,
             f"te weinig bewoners (minder dan {rule.min_population} inwoners)")
    if rule.min_households and "households" in inputs:
        mark(inputs["households"] < rule.min_households,
             f"te weinig huishoudens (minder dan {rule.min_households})")
    if rule.max_establishments_per_inhabitant and "establishments" in inputs:
        ratio = inputs["establishments"] / pop.where(pop > 0)
        mark(ratio > rule.max_establishments_per_inhabitant,
             "bedrijventerrein of haven (meer dan "
             f"{_number(rule.max_establishments_per_inhabitant)} bedrijfsvestiging per inwoner)")
    return reason


def _tiers_for(scores: pd.Series, rule: TierRule, ref_score: float) -> pd.Series:
    labels = rule.tier_labels()
    if rule.type == "quantile":
        tiers = tiers_by_quantile(scores, rule.cuts, labels)
    elif rule.type == "threshold":
        cuts = [ref_score * c / 100.0 for c in rule.cuts] if rule.relative_to_reference \
            else list(rule.cuts)
        if ref_score < 0 and rule.relative_to_reference:
            cuts = sorted(cuts)
        tiers = tiers_by_threshold(scores, cuts, labels)
    else:
        chosen = top_n(scores, rule.n or 1, lowest=True)
        tiers = chosen.map({True: labels[0], False: labels[1]}).where(scores.notna())
    return tiers.astype(object).where(tiers.notna(), None)


def assign_tiers(scores: pd.DataFrame, rule: TierRule, reference_scores: dict[str, float],
                 not_assessed: pd.Series | None, ctx: StepContext,
                 high_first: set[str] | None = None) -> pd.DataFrame:
    """Tier label per (year, area) for every opgave column of ``scores``.

    Areas with a reason in ``not_assessed`` (see :func:`assess`) get :data:`NO_TIER` and do not
    count for quantile or top-n cuts. A first tier holding more than ``rule.max_top_share`` of
    the assessed areas of a year gives a warning: a priority tier is meant to be a minority.
    """
    skip = None
    if not_assessed is not None:
        skip = not_assessed.reindex(scores.index).notna()
        if not skip.any():
            skip = None
    labels = rule.tier_labels()
    out = pd.DataFrame(index=scores.index, columns=scores.columns, dtype=object)
    for code in scores.columns:
        col = scores[code]
        ref = float(reference_scores.get(code, float("nan")))
        if high_first and code in high_first:
            # Priority to the highest scores: mirror the scale, so "lowest" means "highest".
            col, ref = -col, -ref
        eligible = col.where(~skip) if skip is not None else col
        tier = _tiers_for(eligible, rule, ref)
        if skip is not None:
            tier[skip & scores[code].notna()] = NO_TIER
        out[code] = tier
        tiered = tier[tier.notna() & (tier != NO_TIER)]
        if len(tiered):
            share = (tiered == labels[0]).groupby(level="year").mean()
            for year, value in share[share > rule.max_top_share].items():
                ctx.warn(f"{code} {int(year)}: {round(100 * value)}% van de beoordeelde "
                         f"gebieden in de klasse '{labels[0]}' (meer dan "
                         f"{round(100 * rule.max_top_share)}%); een eerste klasse hoort een "
                         "minderheid te zijn: kies strengere grenzen")
    if skip is not None:
        per_area = not_assessed.reindex(scores.index)[skip]
        n = int(per_area.index.get_level_values("area_code").nunique())
        ctx.warn(f"{n} gebieden niet beoordeeld (geen prioriteitsklasse): "
                 + "; ".join(sorted(set(per_area))))
    return out
