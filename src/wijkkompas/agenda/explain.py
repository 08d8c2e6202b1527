"""Why the allocation is what it is — in words a council memo can use, never a solver trace.

* :func:`binding_constraints` — rules that are exactly met and hold the plan back;
* :func:`unused_budget` — money left per stream and year, exact in cents;
* :func:`shadow_prices` — what an extra euro in each stream would buy. Two answers:

  1. the LP dual ("schaduwprijs"): fix every all-or-nothing decision at its optimal value,
     solve the remaining LP (partial measures and the split over streams stay free) and read
     the dual of each budget row: the objective gained per extra euro in that stream and year,
     at the margin. It is zero when money cannot be used at the margin (only whole measures
     would fit), which is why we also give
  2. a probe: re-solve the full MILP with ``probe_cents`` extra per year in one stream and
     report the gain and which measures come in;

* :func:`alternative_optima` — other sets of funded measures with the same value, found by
  re-solving with a no-good cut ``sum_{x*=1} (1 - x) + sum_{x*=0} x >= 1`` and the objective
  held at the optimum;
* :func:`diagnose` — for an infeasible plan: direct checks per committed measure, then each
  rule group left out in turn (which groups conflict), then an elastic budget model (budget
  rows may be exceeded at a cost) that says how much money is short, per stream and year.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wijkkompas.agenda.milp import GROUPS, SCALE, Model, Row, build_model, planned_measures
from wijkkompas.agenda.model import Agenda, format_euros
from wijkkompas.agenda.result import Alternative, Binding, Conflict, Infeasibility
from wijkkompas.agenda.solver import Solution, solve
from wijkkompas.formatting import number, percent, signed

if TYPE_CHECKING:
    from wijkkompas.agenda.result import AllocationResult

TOL = 2e-5  # solver units (EUR 1,000): 2 cents


def explain(result: AllocationResult, model: Model, sol: Solution, *, alternatives: int = 2,
            probe_cents: int | None = None, time_limit: float = 60.0,
            planned: Agenda | None = None) -> None:
    """Fill ``result`` with binding rules, unused budget, shadow prices and alternatives;
    ``planned`` is the model's (expanded) agenda with the allocations, when starts move."""
    planned = planned or result.agenda
    result.binding = binding_constraints(model, sol.values, planned)
    result.unused = unused_budget(planned)
    result.shadow_prices = shadow_prices(model, sol, result.priorities, probe_cents=probe_cents,
                                         time_limit=time_limit)
    if alternatives:
        result.alternatives = alternative_optima(model, sol, n=alternatives,
                                                 time_limit=min(time_limit, 20.0))


def _activity(model: Model, values: np.ndarray) -> np.ndarray:
    arr = model.arrays()
    return arr["A"] @ values


def binding_constraints(model: Model, values: np.ndarray, agenda: Agenda) -> list[Binding]:
    """Budgets spent to the last cent, maximum shares reached, co-financing exactly met and
    areas at their maximum share."""
    out: list[Binding] = []
    unused = unused_budget(agenda)
    for row in unused[unused["unused"] == 0].itertuples():
        if row.budget > 0:
            out.append(Binding("budget", ("budget", row.stream, row.year),
                               f"{row.stream_name} {row.year} volledig besteed "
                               f"({format_euros(row.budget, whole=True)})"))
    at_max: dict[tuple[str, str], list[int]] = {}
    for (s, m, y), j in model.f.items():
        x, stream = values[model.x[m]], agenda.stream(s)
        # the cap is a share of what is funded (x of the cost), see milp.add_funded_caps
        up = min(model.col_upper[j], float(stream.max_share) * x) if stream.max_share is not None \
            else 1.0
        if up < x and x > 1e-6 and values[j] >= up - 1e-7:
            at_max.setdefault((s, m), []).append(y)
    for (s, m), years in sorted(at_max.items()):
        stream, measure = agenda.stream(s), agenda.measure(m)
        span = f"{min(years)}" if len(years) == 1 else f"{min(years)}-{max(years)}"
        out.append(Binding("maximaal_aandeel", ("maximaal_aandeel", s, m),
                           f"{stream.name} betaalt het maximum ({percent(stream.max_share, fraction=True)}) "
                           f"van {measure.title} ({span})"))
    activity = _activity(model, values)
    for i, row in enumerate(model.rows):
        if row.group not in ("cofinanciering", "gebiedsaandeel") or row.key == ("totaal",):
            continue
        tight = (abs(activity[i] - row.lower) <= TOL if np.isfinite(row.lower)
                 else abs(activity[i] - row.upper) <= TOL)
        if not tight:
            continue
        if row.group == "cofinanciering":
            _, s, m = row.key
            if not any(values[j] > 1e-7 for j in row.cols):
                continue
            out.append(Binding(row.group, row.key,
                               f"cofinanciering voor {agenda.stream(s).name} bij "
                               f"{agenda.measure(m).title} precies gehaald"))
        else:
            out.append(Binding(row.group, row.key,
                               f"gebied {row.key[1]} krijgt het maximale aandeel "
                               f"({percent(agenda.max_area_share, fraction=True)})"))
    return out


def unused_budget(agenda: Agenda) -> pd.DataFrame:
    """Per stream and year in the horizon: budget, used and unused cents (exact ints)."""
    used: dict[tuple[str, int], int] = {}
    for a in agenda.allocations:
        used[(a.stream, a.year)] = used.get((a.stream, a.year), 0) + a.cents
    rows = []
    for s in agenda.streams:
        for y in agenda.years:
            budget = s.amount(y)
            if budget == 0 and (s.code, y) not in used:
                continue
            u = used.get((s.code, y), 0)
            rows.append({"stream": s.code, "stream_name": s.name, "year": y, "budget": budget,
                         "used": u, "unused": budget - u})
    cols = ["stream", "stream_name", "year", "budget", "used", "unused"]
    return pd.DataFrame(rows, columns=cols).astype(
        {"year": "int64", "budget": "int64", "used": "int64", "unused": "int64"})


def _fixed_lp(model: Model, sol: Solution, extra: Mapping[tuple[str, int], float] | None = None,
              *, time_limit: float = 60.0) -> Solution:
    """The LP with every all-or-nothing decision fixed at its optimal value, optionally with
    ``extra`` budget (solver units) on some (stream, year) rows."""
    fixed = {j: float(round(sol.values[j])) for j, integer in enumerate(model.col_integer)
             if integer}
    # With the decisions fixed the strengthening rows are redundant; left in, a degenerate
    # LP could credit the money to them instead of to the budget row.
    rows = []
    for r in model.rows:
        if r.group == "versterking":
            continue
        if r.group == "budget" and extra and (r.key[1], r.key[2]) in extra:
            r = dataclasses.replace(r, upper=r.upper + extra[(r.key[1], r.key[2])])
        rows.append(r)
    return solve(dataclasses.replace(model, rows=rows), relax=True, fixed=fixed,
                 time_limit=time_limit)


def lp_duals(model: Model, sol: Solution, *, time_limit: float = 60.0) -> dict[tuple[str, int],
                                                                                float]:
    """Objective gain per extra euro per (stream, year): budget-row duals of the LP with the
    integer decisions fixed at their optimal values (see the module docstring)."""
    lp = _fixed_lp(model, sol, time_limit=time_limit)
    rows = [r for r in model.rows if r.group != "versterking"]
    out: dict[tuple[str, int], float] = {}
    if lp.row_duals is None:
        return out
    for i, row in enumerate(rows):
        if row.group == "budget":
            # per solver unit (EUR 1,000) -> per euro; a budget row can only help, so |dual|
            out[(row.key[1], row.key[2])] = abs(float(lp.row_duals[i])) / (SCALE / 100)
    return out


#: The step with which a dual is checked (solver units: EUR 1,000) and the gain below which a
#: probe counts as "nothing" (objective points).
MARGIN_STEP = 1.0
GAIN_TOL = 1e-6


def probe_agenda(agenda: Agenda, stream: str, probe_cents: int) -> Agenda:
    """``agenda`` with ``probe_cents`` more in every horizon year in which ``stream`` has money:
    the instance a probe re-solves (and a test can re-solve independently)."""
    s = agenda.stream(stream)
    more = {y: c + probe_cents for y, c in s.amounts.items()
            if c > 0 and agenda.horizon_start <= y <= agenda.horizon_end}
    return dataclasses.replace(agenda, streams=[
        dataclasses.replace(t, amounts={**t.amounts, **more}) if t.code == stream else t
        for t in agenda.streams])


def shadow_prices(model: Model, sol: Solution, priorities: Mapping | pd.Series, *,
                  probe_cents: int | None = None, time_limit: float = 60.0) -> pd.DataFrame:
    """Per stream what more money would buy, every claim measured rather than assumed:

    * ``per_euro`` — the LP dual of the stream's best year, checked by re-solving that LP with
      EUR 1,000 more (the gain per euro of that step; 0 when the dual does not hold up);
    * a probe — the full MILP re-solved with ``probe_cents`` extra per year (default:
      enough to fund the rest of the cheapest measure not yet fully funded that the stream may
      pay, else of any such measure, since the stream can free money elsewhere) and the gain
      and the measures that come in or grow. Only when every measure that may be funded is
      funded in full (nothing could gain) is no probe needed.

    ``text`` in Dutch says exactly this; ``probe_gain``/``probe_added`` are the numbers."""
    agenda = model.agenda
    duals = lp_duals(model, sol, time_limit=time_limit)
    base = _fixed_lp(model, sol, time_limit=time_limit)
    share = {m: float(sol.values[j]) for m, j in model.x.items()}
    by_base = _by_base(model, sol.values)
    rows = []
    for s in agenda.streams:
        mine = {y: v for (code, y), v in duals.items() if code == s.code}
        best_year = max(mine, key=lambda y: mine[y]) if mine else None
        per_euro = 0.0
        if best_year is not None and mine[best_year] > 1e-12 and base.status == "optimaal":
            step = _fixed_lp(model, sol, {(s.code, best_year): MARGIN_STEP},
                             time_limit=time_limit)
            if step.status == "optimaal":
                per_euro = max(step.objective - base.objective, 0.0) / (MARGIN_STEP * SCALE
                                                                         / 100)
        gain, added = 0.0, []
        probe_s = probe_cents if probe_cents is not None else _probe_amount(model, s, share)
        if probe_s:
            m2, _ = build_model(probe_agenda(agenda, s.code, probe_s), priorities)
            p = solve(m2, time_limit=min(time_limit, 20.0))
            if p.status in ("optimaal", "tijdslimiet"):
                gain = max(p.objective - sol.objective, 0.0)
                added = sorted(m for m, x in _by_base(m2, p.values).items()
                               if x > by_base.get(m, 0.0) + 1e-6)
        probe = format_euros(probe_s or 0, whole=True)
        if per_euro > 1e-12:
            text = (f"{s.name}: één euro extra in {best_year} levert {number(per_euro * 1e6, 2)} "
                    "punten per miljoen euro op (schaduwprijs)")
        else:
            text = f"{s.name}: een extra euro levert op de marge niets op"
        if gain > GAIN_TOL:
            titles = ", ".join(_title(model, m) if by_base.get(m, 0.0) <= 1e-6
                               else f"meer van {_title(model, m)}" for m in added)
            text += (f"; met {probe} per jaar extra komt erbij: {titles or 'een andere verdeling'}"
                     f" ({signed(gain, 2)} punten)")
        elif probe_s:
            text += f"; ook {probe} per jaar extra levert niets op"
        else:
            text += "; elke maatregel die gefinancierd mag worden, is al volledig gefinancierd"
        rows.append({"stream": s.code, "stream_name": s.name, "per_euro": per_euro,
                     "year": best_year, "per_year": mine, "probe_cents": probe_s,
                     "probe_gain": gain if gain > GAIN_TOL else 0.0,
                     "probe_added": added if gain > GAIN_TOL else [], "text": text})
    return pd.DataFrame(rows)


def _by_base(model: Model, values: np.ndarray) -> dict[str, float]:
    """The funded share per measure (summed over the variants of a movable one)."""
    return {base: float(sum(values[model.x[c]] for c in codes))
            for base, codes in model.groups.items()}


def _title(model: Model, code: str) -> str:
    return model.agenda.measure(model.groups[code][0]).title if code in model.groups \
        else model.agenda.measure(code).title


def _probe_amount(model: Model, stream, share: Mapping[str, float]) -> int:  # noqa: ANN001
    """The probe when none is given: what the cheapest measure not fully funded still needs in
    its dearest year, among those ``stream`` may pay, else among all (extra money in
    ``stream`` can free another stream's money); 0 when every measure that may be funded is."""
    agenda = model.agenda
    total = {base: sum(share[c] for c in codes) for base, codes in model.groups.items()}
    open_ = [c for base, codes in model.groups.items() if total[base] < 1 - 1e-6
             for c in codes if model.col_upper[model.x[c]] > 0
             and not agenda.measure(c).excluded]
    years = {}
    for (m, y) in model.cost:
        if m in share and agenda.horizon_start <= y <= agenda.horizon_end:
            years.setdefault(m, []).append(y)

    def need(m: str) -> int:
        return max(int(np.ceil((1 - share[m]) * model.cost[(m, y)])) for y in years[m])

    own = [need(m) for m in open_ if stream.allows(agenda.measure(m))]
    anyone = [need(m) for m in open_]
    return min(own) if own else min(anyone) if anyone else 0


def alternative_optima(model: Model, sol: Solution, *, n: int = 2, rel_tol: float = 1e-6,
                       time_limit: float = 20.0) -> list[Alternative]:
    """Up to ``n`` other sets of all-or-nothing measures with the same objective value."""
    binary = {m: j for m, j in model.x.items() if j in model.whole}
    if not binary:
        return []
    best = {m for m, j in binary.items() if sol.values[j] > 0.5}
    floor = sol.objective - max(abs(sol.objective) * rel_tol, 1e-6)
    work = dataclasses.replace(model, rows=list(model.rows))
    work.rows.append(Row("doel", ("doel",), list(model.x.values()),
                         [model.col_cost[j] for j in model.x.values()], lower=floor))
    found: list[Alternative] = []
    current = best
    for _ in range(n):
        cols = list(binary.values())
        coefs = [-1.0 if m in current else 1.0 for m in binary]
        work.rows.append(Row("nogood", ("nogood", len(found)), cols, coefs,
                             lower=1.0 - len(current)))
        alt = solve(work, time_limit=time_limit)
        if alt.status not in ("optimaal", "tijdslimiet") or alt.objective < floor:
            break
        current = {m for m, j in binary.items() if alt.values[j] > 0.5}
        found.append(Alternative(alt.objective, *(sorted(_shown(model, c) for c in codes) for codes
                                                  in (current, current - best, best - current))))
    return found


def _shown(model: Model, code: str) -> str:
    """A measure code for people: a variant as ``code (start 2027)``."""
    m = model.agenda.measure(code)
    return f"{m.variant_of} (start {m.start_year})" if m.variant_of else code


# --- infeasibility ---------------------------------------------------------------------------

def _direct_checks(agenda: Agenda) -> list[str]:
    """Specific, cheap reasons a committed or must-do measure cannot be paid."""
    out = []
    for m in planned_measures(agenda):
        if m.must_do and m.excluded:
            out.append(f"{m.title} is zowel verplicht als uitgesloten")
        if not (m.committed or m.must_do):
            continue
        why = "besloten" if m.committed else "verplicht"
        for y, cost in sorted(m.costs.items()):
            if not agenda.horizon_start <= y <= agenda.horizon_end or cost == 0:
                continue
            able = [s for s in agenda.streams if s.allows(m) and s.amount(y) > 0]
            if not able:
                out.append(f"{m.title} ({why}) moet in {y} betaald worden, maar geen geldstroom "
                           "mag of kan dat (oormerken, budget)")
                continue
            shares = sum(1 if s.max_share is None else s.max_share for s in able)
            if shares < 1:
                out.append(f"{m.title} ({why}) in {y}: de maximale aandelen van "
                           f"{', '.join(s.name for s in able)} komen samen niet aan 100%")
            if sum(s.amount(y) for s in able) < cost:
                out.append(f"{m.title} ({why}) kost in {y} {format_euros(cost, whole=True)}, "
                           "meer dan alle geldstromen die haar mogen betalen samen hebben")
    return out


def _details(agenda: Agenda, group: str) -> list[str]:
    measures = planned_measures(agenda)
    if group == "continuiteit":
        return [m.title for m in measures if m.committed]
    if group == "verplicht":
        return [m.title for m in measures if m.must_do]
    if group == "uitgesloten":
        return [m.title for m in measures if m.excluded]
    if group == "handmatig":
        return [f"{a.stream} -> {a.measure} {a.year}: {format_euros(a.cents, whole=True)}"
                for a in agenda.allocations if a.manual]
    if group == "cofinanciering":
        return [f"{s.name}: minstens {percent(s.cofinancing.ratio, fraction=True)} cofinanciering"
                for s in agenda.streams if s.cofinancing]
    if group == "maximaal_aandeel":
        return [f"{s.name} hoogstens {percent(s.max_share, fraction=True)}" for s in agenda.streams
                if s.max_share is not None]
    if group == "oormerk":
        return [f"{s.name}: {s.earmark.describe()}" for s in agenda.streams
                if s.earmark.describe() != "geen oormerk"]
    if group == "gebiedsaandeel" and agenda.max_area_share is not None:
        return [f"hoogstens {percent(agenda.max_area_share, fraction=True)} per gebied"]
    return []


def _feasible(agenda: Agenda, priorities: Mapping | pd.Series, disabled: frozenset[str],
              time_limit: float) -> bool:
    model, _ = build_model(agenda, priorities, disabled=disabled)
    # Only feasibility matters: a zero objective lets HiGHS stop at the first solution.
    model.col_cost = [0.0] * len(model.col_cost)
    return solve(model, time_limit=time_limit).status in ("optimaal", "tijdslimiet")


def budget_shortfalls(agenda: Agenda, priorities: Mapping | pd.Series, *,
                      time_limit: float = 20.0) -> list[str]:
    """Elastic budgets: the least extra money per stream and year that makes the plan feasible.
    Built without the strengthening (``tighten=False``): it assumes budgets are hard."""
    model, _ = build_model(agenda, priorities, tighten=False)
    model.col_cost = [0.0] * len(model.col_cost)
    model.sense = "min"
    slack = {}
    for row in model.rows:
        if row.group == "budget":
            j = model.add_col(("tekort", *row.key[1:]), 0.0, np.inf, 1.0)
            row.cols = [*row.cols, j]
            row.coefs = [*row.coefs, -1.0]
            slack[row.key[1:]] = j
    sol = solve(model, time_limit=time_limit)
    if sol.status not in ("optimaal", "tijdslimiet"):
        return []
    out = []
    for (s, y), j in sorted(slack.items()):
        short = int(np.ceil(sol.values[j] * SCALE - 1e-3))
        if short > 0:
            out.append(f"{agenda.stream(s).name} {y}: {format_euros(short, whole=True)} tekort")
    return out


def diagnose(agenda: Agenda, priorities: Mapping | pd.Series, *,
             time_limit: float = 60.0) -> Infeasibility:
    """Explain an infeasible plan: direct checks, conflicting rule groups, budget shortfalls."""
    limit = min(time_limit, 20.0)
    model, _ = build_model(agenda, priorities)
    present = {r.group for r in model.rows} & set(GROUPS)
    present |= {"oormerk"} if any(_details(agenda, "oormerk")) else set()
    present |= {"maximaal_aandeel"} if any(s.max_share is not None for s in agenda.streams) \
        else set()
    groups = [g for g in GROUPS if g in present]
    conflicts = [Conflict(g, GROUPS[g], _details(agenda, g)) for g in groups
                 if _feasible(agenda, priorities, frozenset({g}), limit)]
    if not conflicts:
        for a, b in itertools.combinations(groups, 2):
            if _feasible(agenda, priorities, frozenset({a, b}), limit):
                conflicts.append(Conflict(f"{a}+{b}", f"{GROUPS[a]} én {GROUPS[b]} samen",
                                          _details(agenda, a) + _details(agenda, b)))
    shortfalls = (budget_shortfalls(agenda, priorities, time_limit=limit)
                  if any(c.group == "budget" for c in conflicts) else [])
    return Infeasibility(conflicts=conflicts, checks=_direct_checks(agenda),
                         shortfalls=shortfalls)
