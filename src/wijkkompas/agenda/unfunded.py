"""Why a measure got no money: one Dutch sentence per unfunded measure.

The optimiser maximises priority-weighted value within the rules, so a planned measure with
value that gets nothing is held back by one of, in this order:

1. no stream may pay it (earmarks, the measure's own list of streams);
2. it has no value for the framework's priorities;
3. it depends on a measure that is not funded;
4. in a year it needs money, the streams that may pay it have too little left: the money went
   to measures with a higher value per euro (named), or the budget is simply too small;
5. otherwise a rule that binds (maximum share, co-financing, area share): named from
   :func:`wijkkompas.agenda.explain.binding_constraints`.

Every reason is computed from the result itself (allocations, unused budget, values), so it
always agrees with the numbers shown next to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wijkkompas.agenda.milp import planned_measures
from wijkkompas.agenda.model import Agenda, Measure, format_euros

if TYPE_CHECKING:
    from wijkkompas.agenda.result import AllocationResult

FUNDED = 1e-6  # a share below this counts as not funded
N_NAMED = 3  # competing measures named per reason


def _money(cents: int) -> str:
    return format_euros(cents, whole=True)


def _per_million(value: float, cents: int) -> str:
    """Value per million euros, Dutch decimal comma."""
    return f"{value / (cents / 100 / 1e6):.2f}".replace(".", ",") if cents else "–"


def _horizon_costs(agenda: Agenda, m: Measure) -> dict[int, int]:
    return {y: c for y, c in m.costs.items()
            if agenda.horizon_start <= y <= agenda.horizon_end and c > 0}


def unfunded_reasons(result: AllocationResult) -> dict[str, str]:
    """Measure code -> why it got no money, for every planned measure without funding (empty
    for an infeasible result: the diagnosis explains that)."""
    if not result.feasible:
        return {}
    agenda = result.agenda
    share = result.funded
    cents = agenda.funded()
    costs = {m.code: sum(_horizon_costs(agenda, m).values()) for m in agenda.measures}
    unused = result.unused if result.unused is not None else None
    left = ({(r.stream, int(r.year)): int(r.unused) for r in unused.itertuples()}
            if unused is not None else {})
    budget = ({(r.stream, int(r.year)): int(r.budget) for r in unused.itertuples()}
              if unused is not None else {})
    paid_by: dict[tuple[str, int], set[str]] = {}  # (stream, year) -> funded measures
    for a in agenda.allocations:
        if a.cents > 0:
            paid_by.setdefault((a.stream, a.year), set()).add(a.measure)
    binding = [b.text for b in result.binding]
    out: dict[str, str] = {}
    for m in planned_measures(agenda):
        if share.get(m.code, 0.0) > FUNDED or cents.get(m.code, 0) > 0:
            continue
        out[m.code] = _reason(agenda, m, result.value.get(m.code, 0.0), share, costs, left,
                              budget, paid_by, binding, result.value)
    return out


def _reason(agenda: Agenda, m: Measure, value: float, share: dict[str, float],
            costs: dict[str, int], left: dict[tuple[str, int], int],
            budget: dict[tuple[str, int], int], paid_by: dict[tuple[str, int], set[str]],
            binding: list[str], values: dict[str, float]) -> str:
    if m.excluded:
        return "uitgesloten van de optimalisatie"
    streams = [s for s in agenda.streams if s.allows(m)]
    if not streams:
        return ("geen geldstroom mag deze maatregel betalen (de oormerken op type, opgave of "
                "gebied sluiten haar uit)")
    if value <= 0:
        return ("geen waarde voor de prioriteiten: geen verwacht effect op een opgave met "
                "prioriteit in haar gebieden")
    missing = [d for d in m.depends_on if share.get(d, 0.0) <= FUNDED]
    if missing:
        titles = ", ".join(f"{agenda.measure(d).title} ({d})" for d in missing)
        return f"hangt af van {titles}, die geen geld krijgt"
    names = ", ".join(s.name for s in streams)
    for year, need in sorted(_horizon_costs(agenda, m).items()):
        room = sum(min(left.get((s.code, year), 0),
                       int(need * s.max_share) if s.max_share is not None else need)
                   for s in streams)
        if room >= need:
            continue
        rivals = {c for s in streams for c in paid_by.get((s.code, year), set())}
        mine = value / costs[m.code] if costs[m.code] else 0.0
        better = sorted((c for c in rivals if costs.get(c)),
                        key=lambda c: values.get(c, 0.0) / costs[c], reverse=True)
        better = [c for c in better if values.get(c, 0.0) / costs[c] >= mine]
        if better:
            named = ", ".join(f"{agenda.measure(c).title} ({c}, "
                              f"{_per_million(values.get(c, 0.0), costs[c])})"
                              for c in better[:N_NAMED])
            more = f" en {len(better) - N_NAMED} andere" if len(better) > N_NAMED else ""
            return (f"lagere waarde per euro ({_per_million(value, costs[m.code])} per "
                    f"miljoen euro) dan {named}{more}, die het geld van {names} in {year} "
                    f"krijgen; daar is nog {_money(room)} over, nodig {_money(need)}")
        total = sum(budget.get((s.code, year), 0) for s in streams)
        verb = "kan" if len(streams) == 1 else "kunnen"
        return (f"{names} {verb} in {year} niet genoeg betalen: budget {_money(total)}, "
                f"nog vrij {_money(room)}, nodig {_money(need)}")
    rules = [b for b in binding if any(s.name in b for s in streams)]
    if rules:
        return "een regel houdt haar tegen: " + "; ".join(rules[:N_NAMED])
    return "past niet binnen de regels van de agenda samen met de gefinancierde maatregelen"
