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

NO_TIER = "geen (te klein)"


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
                 population: pd.Series | None, ctx: StepContext,
                 high_first: set[str] | None = None) -> pd.DataFrame:
    """Tier label per (year, area) for every opgave column of ``scores``.

    Areas under ``rule.min_population`` inhabitants get :data:`NO_TIER`.
    """
    small = None
    if population is not None and rule.min_population:
        small = (population.reindex(scores.index) < rule.min_population).fillna(False)
    out = pd.DataFrame(index=scores.index, columns=scores.columns, dtype=object)
    for code in scores.columns:
        col = scores[code]
        ref = float(reference_scores.get(code, float("nan")))
        if high_first and code in high_first:
            # Priority to the highest scores: mirror the scale, so "lowest" means "highest".
            col, ref = -col, -ref
        eligible = col.where(~small) if small is not None else col
        tier = _tiers_for(eligible, rule, ref)
        if small is not None:
            tier[small & scores[code].notna()] = NO_TIER
        out[code] = tier
    if small is not None and small.any():
        n = int(small.groupby(level="area_code").any().sum())
        ctx.warn(f"{n} gebieden onder {rule.min_population} inwoners krijgen geen "
                 "prioriteitsklasse")
    return out
