"""What-if: shift a share of one domain's budget toward need, by a rule anyone can redo by hand.

The rule, for a share ``x`` (0–100 %) of domain ``D``:

1. every area keeps ``(100 − x) %`` of its own budget for ``D`` — that is the floor per area;
2. the freed ``x %`` of the total goes to the areas whose opgave score is on the need side of
   the reference (below it for an opgave where a low score is the priority, above it for one
   where a high score is), in proportion to *inhabitants × distance to the reference*;
3. areas on the other side of the reference get nothing extra.

The total stays the same. This is a view, not a decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wijkkompas.errors import ConfigError


@dataclass(frozen=True)
class Reallocation:
    """The per-area budgets before and after: ``before``, ``after``, ``difference`` (euros),
    ``inhabitants``, ``need_excess`` (the distance to the reference on the need side, 0 for
    the rest), ``share`` (of the freed amount)."""

    domain: str
    percent: float
    reference: float
    moved: float
    areas: pd.DataFrame


def need_excess(score: pd.Series, reference: float, high_priority: bool) -> pd.Series:
    """How far each score lies on the need side of the reference (0 on the other side)."""
    gap = score - reference if high_priority else reference - score
    return gap.clip(lower=0.0).fillna(0.0)


def reallocate(budget: pd.Series, inhabitants: pd.Series, score: pd.Series, *,
               reference: float, high_priority: bool, percent: float,
               domain: str) -> Reallocation:
    """Apply the rule above to ``budget`` (euros per area, one domain)."""
    if not 0 <= percent <= 100 or not np.isfinite(percent):
        raise ConfigError(f"percentage moet tussen 0 en 100 liggen, niet {percent}")
    frame = pd.DataFrame({"before": budget, "inhabitants": inhabitants, "score": score})
    frame = frame.dropna(subset=["before", "inhabitants"])
    frame["need_excess"] = need_excess(frame["score"], reference, high_priority)
    weight = frame["need_excess"] * frame["inhabitants"]
    share = x = percent / 100.0
    moved = float(frame["before"].sum() * x)
    if weight.sum() > 0:
        share = weight / weight.sum()
    else:  # nobody on the need side: nothing to shift toward
        share = pd.Series(0.0, index=frame.index)
        moved = 0.0
        x = 0.0
    frame["share"] = share
    frame["after"] = frame["before"] * (1.0 - x) + moved * share
    frame["difference"] = frame["after"] - frame["before"]
    return Reallocation(domain=domain, percent=float(percent), reference=float(reference),
                        moved=moved, areas=frame[["before", "after", "difference", "inhabitants",
                                                  "need_excess", "share"]])
