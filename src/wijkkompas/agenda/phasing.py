"""Start-year phasing: a measure with a start window becomes one *variant* per allowed start
(its cost profile moved along), and the optimiser picks at most one of them.

The MILP (:func:`wijkkompas.agenda.milp.add_phasing`) does not give every variant its own
binary. It uses cumulative "started by year t" variables ``z[m,t]`` (0 <= z[m,t-1] <= z[m,t]
<= 1, binary) and ties the variant that starts in *t* to ``z[m,t] - z[m,t-1]``. Branching on
one ``z`` splits the starts in "by t" and "after t", a balanced split, and precedence rules
("B starts after A ends") are single rows ``z[B,t] <= z[A,t - duration(A)]``. The naive
formulation (one binary per start, ``sum <= 1``) is kept for the benchmark
(``phasing="naive"``).

This module works on agendas only: which starts are allowed (window, horizon, council term),
the expanded agenda with the variants, and mapping a solution back to the measures.

>>> from wijkkompas.agenda.model import Agenda, Measure
>>> m = Measure("a", "A", "fysiek", 2026, 2027, {2026: 5, 2027: 5}, {"o": 1}, ("w",),
...             earliest_start=2025, latest_start=2028)
>>> ag = Agenda("x", 2025, 2025, 2025, 2030, measures=[m])
>>> allowed_starts(ag, m)
[2025, 2026, 2027, 2028]
>>> [v.code for v in expand(ag).measures]
['a@2025', 'a@2026', 'a@2027', 'a@2028']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from wijkkompas.agenda.model import Agenda, Allocation, Measure
from wijkkompas.agenda.terms import term_of

SEP = "@"


def current_term(agenda: Agenda) -> tuple[int, int]:
    """The council term of the agenda's version year (first and last budget year)."""
    term = term_of(agenda.year, start=agenda.term_start)
    return term.first, term.last


def allowed_starts(agenda: Agenda, m: Measure) -> list[int]:
    """The starts the optimiser may choose: the window, within the council term when the
    measure asks for that, and only starts whose whole cost profile lies in the horizon (a
    start that pushed costs past the horizon would look cheaper than it is). The planned
    start itself stays allowed when it is in the window."""
    first, last = m.window
    duration = m.end_year - m.start_year
    starts = []
    for t in range(first, last + 1):
        if m.in_term and not current_term(agenda)[0] <= t <= current_term(agenda)[1]:
            continue
        inside = agenda.horizon_start <= t and t + duration <= agenda.horizon_end
        if inside or t == m.start_year:
            starts.append(t)
    return starts


def variant_code(code: str, start: int) -> str:
    return f"{code}{SEP}{start}"


def expand(agenda: Agenda) -> Agenda:
    """The agenda with every movable measure replaced by its variants (``variant_of`` set);
    a fixed measure that must start in the council term but does not is excluded. Measures
    with manual allocations keep their start (the allocations pin the years). Idempotent."""
    manual = {a.measure for a in agenda.allocations if a.manual}
    out, changed = [], False
    for m in agenda.measures:
        if m.variant_of or m.status == "gestopt" or m.committed or m.code in manual:
            out.append(m)
            continue
        if m.movable:
            changed = True
            out += [dataclasses.replace(m.starting(t), code=variant_code(m.code, t),
                                        variant_of=m.code)
                    for t in allowed_starts(agenda, m)]
        elif m.in_term and not current_term(agenda)[0] <= m.start_year <= current_term(agenda)[1]:
            changed = True
            out.append(dataclasses.replace(m, excluded=True))
        else:
            out.append(m)
    if not changed:
        return agenda
    codes = {m.code for m in out}
    return dataclasses.replace(agenda, measures=out, allocations=[
        a for a in agenda.allocations if a.measure in codes])


def base_code(agenda: Agenda, code: str) -> str:
    """The measure a (variant) code belongs to."""
    for m in agenda.measures:
        if m.code == code:
            return m.variant_of or code
    return code


def start_discount(agenda: Agenda, m: Measure) -> float:
    """The factor on a measure's value for starting ``start_year - earliest`` years late."""
    late = m.start_year - m.window[0] if m.variant_of else 0
    return float((1 - agenda.start_discount) ** late)


def collapse(original: Agenda, expanded: Agenda, allocations: list[Allocation],
             shares: Mapping[str, float]) -> tuple[Agenda, dict[str, float], dict[str, int]]:
    """Map a solution on the expanded agenda back: each movable measure moved to its chosen
    start (its window kept), allocations and funded shares per measure. Returns the agenda,
    the funded share per measure and the chosen start per movable measure that is funded."""
    variants = {m.code: m for m in expanded.measures if m.variant_of}
    chosen: dict[str, int] = {}
    funded: dict[str, float] = {}
    best: dict[str, float] = {}
    for code, x in shares.items():
        base = variants[code].variant_of if code in variants else code
        funded[base] = funded.get(base, 0.0) + x
        if code in variants and x > max(1e-6, best.get(base, 0.0)):
            best[base], chosen[base] = x, variants[code].start_year
    measures = [m.starting(chosen[m.code]) if m.code in chosen else m
                for m in original.measures]
    merged: dict[tuple[str, str, int], Allocation] = {}
    for a in allocations:
        base = variants[a.measure].variant_of if a.measure in variants else a.measure
        key = (a.stream, base, a.year)
        old = merged.get(key)
        merged[key] = dataclasses.replace(a, measure=base, cents=a.cents + (old.cents if old else 0))
    agenda = dataclasses.replace(original, measures=measures, allocations=list(merged.values()))
    return agenda, funded, chosen
