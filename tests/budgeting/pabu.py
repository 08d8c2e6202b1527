"""pabutools (GPL, a test-only dependency) as the reference: the same round in its terms."""

from __future__ import annotations

import pytest

from wijkkompas.budgeting.model import Round

pytest.importorskip("pabutools")

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance  # noqa: E402
from pabutools.election import Project as PProject  # noqa: E402
from pabutools.fractions import frac  # noqa: E402
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import lexico_tie_breaking, min_cost_tie_breaking  # noqa: E402

TIES = {"id": lexico_tie_breaking, "cost": min_cost_tie_breaking}


def convert(rnd: Round) -> tuple[Instance, ApprovalProfile]:
    """The round in pabutools' terms, money in cents (the rules do not depend on the unit)."""
    projects = {p.id: PProject(p.id, frac(p.cost)) for p in rnd.projects}
    inst = Instance(projects.values(), budget_limit=frac(rnd.budget))
    profile = ApprovalProfile([ApprovalBallot([projects[c] for c in b.projects])
                               for b in rnd.ballots], instance=inst)
    return inst, profile


def reference(rnd: Round, rule: str, completion: str | None = None,
              tie_break: str = "id") -> tuple[set[str], int]:
    """pabutools' selected ids and their cost in cents."""
    inst, profile = convert(rnd)
    tie = TIES[tie_break]
    mes = {"sat_class": Cost_Sat, "tie_breaking": tie}
    greedy = {"sat_class": Cost_Sat, "tie_breaking": tie}
    if rule == "greedy":
        out = greedy_utilitarian_welfare(inst, profile, **greedy)
    elif completion is None:
        out = method_of_equal_shares(inst, profile, **mes)
    elif completion == "greedy":
        out = completion_by_rule_combination(inst, profile,
                                             [method_of_equal_shares, greedy_utilitarian_welfare],
                                             [mes, greedy])
    else:  # add1: each voter's share up by one unit (100 cents) per step
        out = exhaustion_by_budget_increase(inst, profile, method_of_equal_shares, dict(mes),
                                            budget_step=100 * profile.num_ballots())
    return {p.name for p in out}, int(sum(p.cost for p in out))
