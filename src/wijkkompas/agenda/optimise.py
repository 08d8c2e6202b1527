"""Optimise an investeringsagenda: build the MILP (:mod:`wijkkompas.agenda.milp`), solve it
(:mod:`wijkkompas.agenda.solver`), turn the solution into allocations in exact cents and explain
it (:mod:`wijkkompas.agenda.explain`). Priorities per (area, opgave) come from a framework
result (:func:`area_priorities`)."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pandas as pd

from wijkkompas.agenda.cents import check_allocations, to_allocations
from wijkkompas.agenda.milp import SCALE, build_model
from wijkkompas.agenda.model import Agenda, Allocation
from wijkkompas.agenda.phasing import collapse, variant_code
from wijkkompas.agenda.solver import Solution, add_disturbance, polish, solve
from wijkkompas.agenda.starts import start_reasons


def area_priorities(result, year: int | None = None, *, method: str = "tier+score",  # noqa: ANN001
                    tier_weights: Mapping[str, float] | None = None) -> pd.Series:
    """Priority weight per (area_code, opgave) from a ScoreResult.

    ``tier``: the most urgent tier weighs *T* (the number of tiers), the next *T-1*, ..., the
    last 1 (or ``tier_weights`` by label). ``score``: 1 + the area's urgency, its rank in the
    priority direction of the opgave scaled to [0, 1] (1 = most urgent). ``tier+score``
    (default): tier weight + urgency, so tiers dominate and scores order areas within a tier.
    Unscored areas get no entry (the optimiser then uses 1, with a warning).
    """
    year = year or result.years[-1]
    labels = result.framework.priority.tier_labels()
    weights = dict(tier_weights or {lab: float(len(labels) - i) for i, lab in enumerate(labels)})
    scores = result.scores.xs(year, level="year")
    tiers = result.tiers.xs(year, level="year")
    out = {}
    for op in result.framework.opgaven:
        s = scores[op.code].dropna()
        n = len(s)
        r = s.rank(method="average")
        urgency = (n - r) / (n - 1) if op.priority_when == "low" else (r - 1) / (n - 1)
        urgency = urgency if n > 1 else r * 0 + 0.5
        for area, u in urgency.items():
            tier_w = weights.get(tiers.loc[area, op.code], 1.0) if op.code in tiers else 1.0
            out[(area, op.code)] = {"tier": tier_w, "score": 1.0 + u,
                                    "tier+score": tier_w + u}[method]
    series = pd.Series(out, dtype=float, name="priority")
    series.index = series.index.set_names(["area_code", "opgave"])
    return series


def optimise(agenda: Agenda, priorities: Mapping[tuple[str, str], float] | pd.Series, *,
             previous: list[Allocation] | None = None, time_limit: float = 60.0,
             gap: float = 1e-6, explain: bool = True, alternatives: int = 2,
             probe_cents: int | None = None):  # noqa: ANN201 - AllocationResult
    """Optimise the allocation of ``agenda``'s streams to its measures.

    Parameters
    ----------
    agenda
        Measures, streams and manual allocations (kept exactly); other allocations are
        replaced by the optimum.
    priorities
        Priority per ``(area_code, opgave)``, e.g. :func:`area_priorities` of a ScoreResult.
    previous
        Last year's allocations: among the optimal plans, the one that moves the least money
        away from them (decided measures first) is chosen — the dynamische agenda.
    time_limit, gap
        HiGHS limits (seconds, relative MIP gap).
    explain
        Fill binding rules, unused budget, shadow prices and alternatives (or, when
        infeasible, which rules conflict).
    alternatives
        How many alternative optima to look for (no-good cuts).
    probe_cents
        The extra budget per year tried per stream to show what more money would buy
        (default: enough for the cheapest measure that stream may pay and is not funded).

    Returns
    -------
    AllocationResult

    Examples
    --------
    >>> from wijkkompas.agenda.model import Agenda, FundingStream, Measure
    >>> ag = Agenda("voorbeeld", 2025, 2025, 2025, 2025,
    ...     measures=[Measure("a", "A", "fysiek", 2025, 2025, {2025: 100_00}, {"o": 1}, ("w",))],
    ...     streams=[FundingStream("g", "Gemeente", "gemeente", {2025: 150_00})])
    >>> optimise(ag, {("w", "o"): 2.0}, explain=False).agenda.allocations[0].cents
    10000
    """
    from wijkkompas.agenda import explain as explaining
    from wijkkompas.agenda.result import AllocationResult

    warnings = agenda.validate()
    start = time.perf_counter()
    model, more = build_model(agenda, priorities)
    build_seconds = time.perf_counter() - start
    warnings += more
    sol = solve(model, time_limit=time_limit, gap=gap)
    result = AllocationResult(
        agenda=agenda.with_allocations([a for a in agenda.allocations if a.manual]),
        status=sol.status, objective=sol.objective, bound=sol.bound, gap=sol.gap,
        funded={}, value=dict(model.value), priorities=pd.Series(priorities, dtype=float),
        build_seconds=build_seconds, solve_seconds=sol.seconds, warnings=warnings)
    if sol.status not in ("optimaal", "tijdslimiet"):
        if explain:
            result.infeasibility = explaining.diagnose(agenda, priorities,
                                                       time_limit=time_limit)
        return result
    if previous:
        previous = _onto_variants(agenda, model, previous)
        second, _ = build_model(agenda, priorities)
        floor = sol.objective - max(abs(sol.objective) * max(gap, 1e-7), 1e-7)
        add_disturbance(second, previous, floor)
        sol2 = solve(second, time_limit=time_limit, gap=gap)
        if sol2.status in ("optimaal", "tijdslimiet"):
            model, sol = second, Solution(sol2.status, sol2.values, sol.objective, sol.bound,
                                          sol.gap, sol.seconds + sol2.seconds)
            result.disturbance_cents = round(sol2.objective * SCALE)
    else:
        sol.values = polish(model, sol, time_limit=min(time_limit, 10.0))
    allocations = to_allocations(model, sol.values)
    shares = {m: max(0.0, float(round(sol.values[j], 9))) for m, j in model.x.items()}
    result.agenda, result.funded, result.starts = collapse(agenda, model.agenda, allocations,
                                                           shares)
    result.value = {base: model.value[next((c for c in codes if shares[c] > 1e-6), codes[0])]
                    for base, codes in model.groups.items()}
    result.violations = check_allocations(result.agenda)
    if explain:
        explaining.explain(result, model, sol, alternatives=alternatives,
                           probe_cents=probe_cents, time_limit=time_limit,
                           planned=model.agenda.with_allocations(allocations))
        result.start_reasons = start_reasons(agenda, result, priorities,
                                             time_limit=min(time_limit, 20.0))
    return result


def _onto_variants(agenda: Agenda, model, previous: list[Allocation]) -> list[Allocation]:  # noqa: ANN001
    """Last year's allocations of a movable measure count against the variant that starts
    where the measure is planned to start now; if that start is no longer allowed, all of it
    counts as moved."""
    import dataclasses

    out = []
    for a in previous:
        codes = model.groups.get(a.measure)
        if codes and a.measure not in model.x:
            start = agenda.measure(a.measure).start_year
            same = [c for c in codes if model.agenda.measure(c).start_year == start]
            a = dataclasses.replace(a, measure=same[0] if same else variant_code(a.measure, start))
        out.append(a)
    return out
