"""Council terms (bestuurstermijnen): four-year periods from a configurable start year.

Plans reach beyond one term: an agenda may run up to 20 years; commitments that cross a term
boundary are flagged (a new council inherits them) and money is totalled per term.

>>> [t.label for t in council_terms(2025, 2032, start=2022)]
['2022-2025', '2026-2029', '2030-2033']
>>> term_of(2026, start=2022).label
'2026-2029'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wijkkompas.agenda.model import MAX_HORIZON_YEARS, Agenda, AgendaError

TERM_YEARS = 4


@dataclass(frozen=True)
class Term:
    """One council term as budget years ``first``..``last`` (inclusive)."""

    index: int
    first: int
    last: int

    @property
    def label(self) -> str:
        return f"{self.first}-{self.last}"

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


def term_of(year: int, *, start: int = 2022, length: int = TERM_YEARS) -> Term:
    """The term a budget year falls in (terms run ``start + k * length`` onwards, also
    backwards for years before ``start``)."""
    index = (year - start) // length
    first = start + index * length
    return Term(index, first, first + length - 1)


def council_terms(first_year: int, last_year: int, *, start: int = 2022,
                  length: int = TERM_YEARS) -> list[Term]:
    """The terms covering ``first_year``..``last_year`` (at most 20 years)."""
    if last_year < first_year:
        raise AgendaError(f"horizon {first_year}-{last_year} is leeg")
    if last_year - first_year + 1 > MAX_HORIZON_YEARS:
        raise AgendaError(f"horizon {first_year}-{last_year} is langer dan "
                          f"{MAX_HORIZON_YEARS} jaar")
    terms, year = [], first_year
    while year <= last_year:
        t = term_of(year, start=start, length=length)
        terms.append(t)
        year = t.last + 1
    return terms


@dataclass(frozen=True)
class Crossing:
    """A measure whose years (and money) run into later terms than the one it starts in."""

    measure: str
    title: str
    status: str
    terms: tuple[str, ...]
    cents_after_first_term: int

    def text(self) -> str:
        from wijkkompas.agenda.model import format_euros

        return (f"{self.title} ({self.status}) loopt over {len(self.terms)} bestuurstermijnen "
                f"({', '.join(self.terms)}); {format_euros(self.cents_after_first_term, whole=True)}"
                " valt na de eerste termijn")


def crossing_commitments(agenda: Agenda, *, committed_only: bool = False) -> list[Crossing]:
    """Measures spanning more than one term (with the allocated money after their first term;
    the cost when nothing is allocated yet). ``committed_only`` keeps decided measures."""
    funded: dict[tuple[str, int], int] = {}
    for a in agenda.allocations:
        funded[(a.measure, a.year)] = funded.get((a.measure, a.year), 0) + a.cents
    out = []
    for m in agenda.measures:
        if committed_only and not m.committed:
            continue
        if m.status == "gestopt":
            continue
        first = term_of(m.start_year, start=agenda.term_start)
        last = term_of(m.end_year, start=agenda.term_start)
        if first == last:
            continue
        terms = tuple(term_of(y, start=agenda.term_start).label
                      for y in range(first.first, last.last + 1, TERM_YEARS))
        has_alloc = any(k[0] == m.code for k in funded)
        after = sum((funded.get((m.code, y), 0) if has_alloc else c)
                    for y, c in m.costs.items() if y > first.last)
        out.append(Crossing(m.code, m.title, m.status, terms, after))
    return out


def totals_per_term(agenda: Agenda) -> pd.DataFrame:
    """Allocated cents per stream (rows, plus ``totaal``) and term (columns), exact ints."""
    terms = council_terms(agenda.horizon_start, agenda.horizon_end, start=agenda.term_start)
    labels = [t.label for t in terms]
    table = pd.DataFrame(0, index=[s.code for s in agenda.streams], columns=labels,
                         dtype="int64")
    for a in agenda.allocations:
        t = term_of(a.year, start=agenda.term_start).label
        if t in table.columns:
            table.loc[a.stream, t] += a.cents
    table.loc["totaal"] = table.sum(axis=0)
    table.index.name = "stream"
    return table
