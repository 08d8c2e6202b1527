"""The dynamische agenda: yearly re-prioritisation and a plain-language diff.

* :func:`tier_changes` — compare two ScoreResults: which areas moved tier per opgave, and the
  indicator contributions that moved them;
* :func:`reprioritise` — optimise again with the new priorities while moving as little money
  away from last year's allocations as possible (decided measures first);
* :func:`agenda_diff` — what changed between two agenda versions, in Dutch sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.agenda.model import Agenda, format_euros
from wijkkompas.formatting import score, signed


@dataclass
class TierChange:
    """One area that moved between tiers on one opgave, with the indicators that moved it."""

    area_code: str
    name: str
    opgave: str
    old_tier: str
    new_tier: str
    more_urgent: bool
    old_score: float
    new_score: float
    drivers: list[tuple[str, float]]  # (indicator, change in contribution)

    def text(self) -> str:
        way = "omhoog (urgenter)" if self.more_urgent else "omlaag (minder urgent)"
        why = ", ".join(f"{ind} {signed(delta, 1)}" for ind, delta in self.drivers) or "-"
        return (f"{self.name} ({self.area_code}) gaat op {self.opgave} {way}: van "
                f"{self.old_tier} naar {self.new_tier} (score {score(self.old_score)} -> "
                f"{score(self.new_score)}); vooral door {why}")


def tier_changes(old, new, *, year_old: int | None = None, year_new: int | None = None,  # noqa: ANN001
                 top: int = 3) -> list[TierChange]:
    """Areas whose tier differs between ``old`` and ``new`` ScoreResults (same framework id),
    with the ``top`` indicators whose contribution changed most."""
    year_old = year_old or old.years[-1]
    year_new = year_new or new.years[-1]
    labels = new.framework.priority.tier_labels()
    rank = {lab: i for i, lab in enumerate(labels)}
    t_old = old.tiers.xs(year_old, level="year")
    t_new = new.tiers.xs(year_new, level="year")
    s_old = old.scores.xs(year_old, level="year")
    s_new = new.scores.xs(year_new, level="year")
    c_old = old.contributions[old.contributions["year"] == year_old]
    c_new = new.contributions[new.contributions["year"] == year_new]
    out = []
    for op in new.framework.opgaven:
        if op.code not in t_old.columns or op.code not in t_new.columns:
            continue
        for area in t_new.index.intersection(t_old.index):
            a, b = t_old.loc[area, op.code], t_new.loc[area, op.code]
            if not isinstance(a, str) or not isinstance(b, str) or a == b:
                continue
            key = ["indicator"]
            before = c_old[(c_old["area_code"] == area) & (c_old["opgave"] == op.code)]
            after = c_new[(c_new["area_code"] == area) & (c_new["opgave"] == op.code)]
            delta = (after.set_index(key)["contribution"]
                     .sub(before.set_index(key)["contribution"], fill_value=0.0))
            drivers = delta.reindex(delta.abs().sort_values(ascending=False).index)[:top]
            out.append(TierChange(
                area_code=str(area), name=str(new.areas["name"].get(area, area)),
                opgave=op.name, old_tier=a, new_tier=b,
                more_urgent=rank.get(b, 99) < rank.get(a, 99),
                old_score=float(s_old.loc[area, op.code]),
                new_score=float(s_new.loc[area, op.code]),
                drivers=[(str(k), float(v)) for k, v in drivers.items()]))
    return sorted(out, key=lambda c: (not c.more_urgent, c.opgave, c.name))


def reprioritise(agenda: Agenda, priorities: Mapping | pd.Series, previous: Agenda, **options):  # noqa: ANN003, ANN201
    """Optimise ``agenda`` for the new ``priorities`` with the least disturbance of
    ``previous``'s allocations (a secondary objective, see ``optimise.add_disturbance``)."""
    from wijkkompas.agenda.optimise import optimise

    return optimise(agenda, priorities, previous=list(previous.allocations), **options)


@dataclass
class Change:
    kind: str
    subject: str
    text: str


@dataclass
class AgendaDiff:
    """Changes from ``old`` to ``new``, most important first."""

    old: str
    new: str
    changes: list[Change] = field(default_factory=list)

    def text(self) -> str:
        if not self.changes:
            return f"Geen verschillen tussen {self.old} en {self.new}."
        head = f"Wat er veranderde van {self.old} naar {self.new} ({len(self.changes)} punten):"
        return "\n".join([head, *(f"- {c.text}" for c in self.changes)])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.changes], columns=["kind", "subject",
                                                                          "text"])


def agenda_diff(old: Agenda, new: Agenda) -> AgendaDiff:
    """Measures added/removed, status, cost and funding changes, stream budget changes."""
    diff = AgendaDiff(f"{old.name} {old.year}", f"{new.name} {new.year}")
    add = diff.changes.append
    om, nm = {m.code: m for m in old.measures}, {m.code: m for m in new.measures}
    of, nf = old.funded(), new.funded()
    for code in sorted(nm.keys() - om.keys()):
        m = nm[code]
        money = (f", gefinancierd met {format_euros(nf[code], whole=True)}" if nf.get(code)
                 else ", (nog) niet gefinancierd")
        add(Change("nieuw", code, f"Nieuwe maatregel {m.title} ({m.type}, {m.status}, "
                   f"kosten {format_euros(m.total_cost, whole=True)}){money}."))
    for code in sorted(om.keys() - nm.keys()):
        add(Change("vervallen", code, f"Maatregel {om[code].title} staat niet meer op de "
                   "agenda."))
    for code in sorted(om.keys() & nm.keys()):
        a, b = om[code], nm[code]
        if a.status != b.status:
            add(Change("status", code, f"{b.title}: status van {a.status} naar {b.status}."))
        if a.total_cost != b.total_cost:
            more = "hoger" if b.total_cost > a.total_cost else "lager"
            add(Change("kosten", code, f"{b.title}: kosten {more}, van "
                       f"{format_euros(a.total_cost, whole=True)} naar "
                       f"{format_euros(b.total_cost, whole=True)}."))
        shifted = b.start_year - a.start_year
        if shifted and b.end_year - a.end_year == shifted:
            add(Change("start", code, f"{b.title}: start verschoven van {a.start_year} naar "
                       f"{b.start_year}" + (f" (startvenster {b.window[0]}-{b.window[1]})"
                                            if b.window[1] > b.window[0] else "")
                       + f"; {_start_why(old, new, a, b)}."))
        elif (a.start_year, a.end_year) != (b.start_year, b.end_year):
            add(Change("looptijd", code, f"{b.title}: looptijd van {a.start_year}-{a.end_year} "
                       f"naar {b.start_year}-{b.end_year}."))
        fa, fb = of.get(code, 0), nf.get(code, 0)
        if fa == 0 and fb > 0:
            add(Change("gefinancierd", code, f"{b.title} wordt nu gefinancierd "
                       f"({format_euros(fb, whole=True)})."))
        elif fa > 0 and fb == 0:
            add(Change("niet_gefinancierd", code, f"{b.title} wordt niet meer gefinancierd "
                       f"(was {format_euros(fa, whole=True)})."))
        elif fa != fb:
            add(Change("financiering", code, f"{b.title}: financiering van "
                       f"{format_euros(fa, whole=True)} naar {format_euros(fb, whole=True)}."))
        elif fa and _mix(old, code) != _mix(new, code):
            add(Change("verschuiving", code, f"{b.title}: zelfde bedrag, andere geldstromen "
                       f"({_mix_text(new, code)})."))
    os_, ns = {s.code: s for s in old.streams}, {s.code: s for s in new.streams}
    for code in sorted(ns.keys() - os_.keys()):
        add(Change("geldstroom_nieuw", code, f"Nieuwe geldstroom {ns[code].name} "
                   f"({format_euros(ns[code].total, whole=True)})."))
    for code in sorted(os_.keys() - ns.keys()):
        add(Change("geldstroom_weg", code, f"Geldstroom {os_[code].name} is er niet meer."))
    for code in sorted(os_.keys() & ns.keys()):
        a, b = os_[code].total, ns[code].total
        if a != b:
            word = "meer" if b > a else "minder"
            add(Change("budget", code, f"{ns[code].name}: {format_euros(abs(b - a), whole=True)}"
                       f" {word} budget (nu {format_euros(b, whole=True)})."))
    order = ["niet_gefinancierd", "gefinancierd", "status", "nieuw", "vervallen", "budget",
             "geldstroom_nieuw", "geldstroom_weg", "start", "financiering", "kosten", "looptijd",
             "verschuiving"]
    diff.changes.sort(key=lambda c: (order.index(c.kind), c.subject))
    return diff


def _start_why(old: Agenda, new: Agenda, a, b) -> str:  # noqa: ANN001 - Measure
    """What changed around a moved start, from the two versions alone: the window, the
    measures it waits for, the budgets of its streams in its old start year."""
    why = []
    if a.window != b.window:
        why.append(f"het startvenster is veranderd (was {a.window[0]}-{a.window[1]})")
    om, nm = {m.code: m for m in old.measures}, {m.code: m for m in new.measures}
    for dep, mode in sorted(b.after.items()):
        d0, d1 = om.get(dep), nm.get(dep)
        if d0 is not None and d1 is not None and (d0.start_year, d0.end_year) != (
                d1.start_year, d1.end_year):
            what = f"loopt nu {d1.start_year}-{d1.end_year}" if mode == "einde" \
                else f"begint nu in {d1.start_year}"
            why.append(f"{d1.title}, waar de start op wacht, {what}")
    streams = set(_mix(old, a.code)) | set(_mix(new, b.code)) or {
        s.code for s in new.streams if s.allows(b)}
    for code in sorted(streams):
        s0 = next((s for s in old.streams if s.code == code), None)
        s1 = next((s for s in new.streams if s.code == code), None)
        if s0 is None or s1 is None:
            continue
        before, after = s0.amount(a.start_year), s1.amount(a.start_year)
        if after < before:
            why.append(f"{s1.name} heeft in {a.start_year} {format_euros(before - after, whole=True)}"
                       " minder budget")
    return "; ".join(why) or ("de nieuwe verdeling koos een ander startjaar (de reden staat "
                              "bij 'Gekozen startjaren' op de optimalisatiepagina)")


def _mix(agenda: Agenda, measure: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in agenda.allocations:
        if a.measure == measure:
            out[a.stream] = out.get(a.stream, 0) + a.cents
    return out


def _mix_text(agenda: Agenda, measure: str) -> str:
    names = {s.code: s.name for s in agenda.streams}
    return ", ".join(f"{names.get(s, s)} {format_euros(c, whole=True)}"
                     for s, c in sorted(_mix(agenda, measure).items()))
