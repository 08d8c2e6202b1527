"""The council report (raadsinformatiebrief) of the investment agenda and the yearly
re-prioritisation: money per stream and opgave per council term, the measures, what changed
since last year (``agenda diff`` against the previous stored version, and the tier moves of
the areas with the indicators that moved them), and the commitments crossing the term.

Built from the agenda page's view model (:func:`agenda_table`) and the cores' diff functions
(:func:`agenda_diff`, :func:`tier_changes`); PDF (WeasyPrint) and DOCX (python-docx).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from wijkkompas import formatting
from wijkkompas.agenda.diff import agenda_diff, tier_changes
from wijkkompas.i18n import _
from wijkkompas.services.agenda.pages import (
    AgendaTableView,
    TermAmount,
    agenda_table,
    framework_key,
    load,
    money,
)
from wijkkompas.services.areas.profile import CBS_ATTRIBUTION
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.services.shared.labels import provenance_rows


@dataclass
class OpgaveTermRow:
    name: str
    per_term: list[TermAmount]
    total_text: str


@dataclass
class CouncilReport:
    title: str
    table: AgendaTableView
    opgaven: list[OpgaveTermRow]
    previous: str | None  # the version compared with
    changes: list[str]
    tier_years: tuple[int, int] | None
    tier_moves: list[str]
    framework_name: str
    preset: str
    provenance: dict[str, str]
    provenance_rows: list[tuple[str, str]]
    sources: list[str]
    generated: str
    notes: list[str] = field(default_factory=list)


def _per_opgave(table: AgendaTableView, agenda) -> list[OpgaveTermRow]:  # noqa: ANN001
    """Cost per opgave and term: a measure that serves several opgaven counts under each."""
    out = []
    for name in sorted({o for m in table.measures for o in m.opgaven}):
        per = dict.fromkeys(table.terms, 0)
        for m in table.measures:
            if name in m.opgaven:
                for t in m.per_term:
                    per[t.term] = per.get(t.term, 0) + t.cents
        out.append(OpgaveTermRow(name, [TermAmount(t, v, money(v)) for t, v in per.items()],
                                 money(sum(per.values()))))
    return out


def council_report(ctx: ViewContext, agenda_id: int | None = None) -> CouncilReport:
    loaded = load(ctx, agenda_id)
    agenda = loaded.agenda
    table = agenda_table(ctx, agenda_id=loaded.agenda_id)
    # The previous stored version: the one listed before the chosen one (by year, then id).
    ids = [int(o.value) for o in loaded.versions]
    previous, changes = None, []
    if loaded.agenda_id is not None and ids.index(loaded.agenda_id) > 0:
        prev = load(ctx, ids[ids.index(loaded.agenda_id) - 1]).agenda
        diff = agenda_diff(prev, agenda)
        previous = diff.old
        changes = [c.text for c in diff.changes]
    preset = framework_key(agenda)
    scored = ctx.scored(preset)
    result = scored.result
    tier_years, moves = None, []
    if len(result.years) >= 2:
        tier_years = (result.years[-2], result.years[-1])
        moves = [c.text() for c in tier_changes(result, result, year_old=tier_years[0],
                                                 year_new=tier_years[1])]
    prov = result.provenance()
    notes = list(table.notices)
    if previous is None:
        notes.append(_("Er is geen vorige versie van de agenda opgeslagen: de verschillen "
                       "met vorig jaar volgen zodra er twee versies zijn."))
    sources = [CBS_ATTRIBUTION, _("Investeringsagenda {name} {year}, prijspeil {price}").format(
        name=agenda.name, year=agenda.year, price=agenda.price_year)]
    return CouncilReport(
        title=_("Raadsrapportage {name} {year}").format(
            name=agenda.name, year=agenda.year),
        table=table, opgaven=_per_opgave(table, agenda), previous=previous, changes=changes,
        tier_years=tier_years, tier_moves=moves, framework_name=scored.framework.name,
        preset=preset, provenance=prov, provenance_rows=provenance_rows(prov),
        sources=sources, generated=formatting.day(date.today()), notes=notes)


def council_html(report: CouncilReport) -> str:
    from wijkkompas.services.reports.render import render_html

    return render_html("council.html", c=report, title=report.title,
                       footer=f"{report.title} · {report.framework_name}")


def council_file(ctx: ViewContext, agenda_id: int | None, kind: str) -> tuple[bytes, str]:
    """(bytes, download name) of the council report as ``pdf`` or ``docx``."""
    from wijkkompas.services.reports.render import file_name, html_to_pdf

    report = council_report(ctx, agenda_id)
    name = file_name("raadsrapportage", report.table.name, str(report.table.year), suffix=kind)
    if kind == "pdf":
        return html_to_pdf(council_html(report)), name
    from wijkkompas.services.reports.word import council_docx

    return council_docx(report), name
