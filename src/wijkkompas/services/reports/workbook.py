"""The area report as an Excel workbook: one sheet per block, numbers as numbers (a suppressed
or missing value is the word "geheim" or "–", never a number), units in the headers, and a
sheet with the sources and the provenance. From the area report's view model; every text cell
is inert (never a formula)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from wijkkompas.exportsafe import inert_workbook
from wijkkompas.i18n import _
from wijkkompas.services.reports.area import AreaReport
from wijkkompas.services.shared.formatting import Shown

SCORE_FORMAT = "0.0"


def _v(shown: Shown) -> Any:
    """A number when it may be shown as one, else the text the pages show."""
    return shown.value if shown.value is not None else shown.text


def _sheet(book, title: str, header: list[str], rows: list[list[Any]],  # noqa: ANN001
           formats: dict[int, str] | None = None) -> None:
    from openpyxl.styles import Font

    ws = book.create_sheet(title[:31])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col, fmt in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(cell.value, int | float):
                cell.number_format = fmt
    ws.freeze_panes = "B2"
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 14 if i > 1 else 44


def area_workbook(r: AreaReport) -> bytes:
    from openpyxl import Workbook

    v = r.profile
    book = Workbook()
    book.remove(book.active)
    ranks = {x.opgave: x for x in r.ranks.rows}
    _sheet(book, _("Scores"), [
        _("Opgave"), _("Score (punten)"), _("Referentie (punten)"), _("Verschil (punten)"),
        _("Prioriteit (rang)"), _("Aantal gerangschikt"), _("Klasse"), _("Rang mediaan"),
        _("Rang 5%"), _("Rang 95%"), _("Kans eerste klasse (%)")],
        [[op.name, _v(op.score), _v(op.reference), _v(op.difference), op.rank, op.n_ranked,
          op.tier or op.not_assessed or "–",
          *((ri.median_rank, ri.rank_p05, ri.rank_p95,
             None if ri.p_first_tier is None else round(ri.p_first_tier * 100, 1))
            if (ri := ranks.get(op.code)) else (None, None, None, None))]
         for op in v.opgaven], {2: SCORE_FORMAT, 3: SCORE_FORMAT, 4: SCORE_FORMAT})
    _sheet(book, _("Bijdragen"), [
        _("Opgave"), _("Indicator"), _("Waarde"), _("Jaar"), _("Referentie"),
        _("Bijdrage (punten)")],
        [[op.name, c.label, _v(c.value), c.year, _v(c.reference), _v(c.contribution)]
         for op in v.opgaven for c in op.contributions], {6: SCORE_FORMAT})
    if r.trends:
        years = r.trends[0].years
        _sheet(book, _("Scores door de jaren"), [_("Opgave"), *map(str, years)],
               [[t.name, *(_v(s) for s in t.scores)] for t in r.trends],
               dict.fromkeys(range(2, len(years) + 2), SCORE_FORMAT))
    t = v.indicators
    _sheet(book, _("Indicatoren"), [
        _("Indicator"), _("Eenheid"), *map(str, t.years), _("Vergeleken in"),
        *t.comparison_labels],
        [[row.label, row.unit, *(_v(s) for s in row.trend), row.comparison_year,
          *(_v(s) for s in row.comparison)] for row in t.rows])
    m = v.monitor
    _sheet(book, _("Monitor"), [
        _("Doel"), _("Basisjaar"), _("Basis"), _("Jaar nu"), _("Nu"), _("Doeljaar"),
        _("Doelwaarde"), _("Deel van de weg (%)"), _("Stand van zaken")],
        [[x.target_name, p.baseline_year, _v(p.baseline), p.current_year, _v(p.current),
          p.target_year, _v(p.target),
          None if p.share_of_way.value is None else round(p.share_of_way.value * 100, 1),
          p.status_label] for x in (getattr(m, "targets", None) or []) if (p := x.progress)])
    ag = v.agenda
    _sheet(book, _("Agenda"), [
        _("Maatregel"), _("Type"), _("Status"), _("Looptijd"), _("Kosten (€)"),
        _("Toegewezen (€)"), _("Gedeeld met (gebieden)")],
        [[x.title, x.type, x.status, x.years, x.cost_cents / 100, x.allocated_cents / 100,
          x.shared_with] for x in (ag.measures if ag else [])], {5: "#,##0", 6: "#,##0"})
    team = r.team
    _sheet(book, _("Partners"), [_("Partner"), _("Opgave"), _("Rol"), _("Kernteam")],
           [[s.partner, s.opgave, s.role_label, ""] for s in (team.seats if team else [])]
           + [[mb.partner or "", "", mb.role, mb.name]
              for mb in (team.members if team and team.exists else [])])
    _sheet(book, _("Bronnen"), [_("Bron of kenmerk"), _("Waarde")],
           [[s, ""] for s in v.sources] + [[label, value] for label, value in r.provenance]
           + [[_("Afwegingskader"), r.framework_name]])
    buf = BytesIO()
    inert_workbook(book).save(buf)
    return buf.getvalue()


def area_workbook_file(ctx, preset: str, code: str) -> tuple[bytes, str]:  # noqa: ANN001
    from wijkkompas.services.reports.area import area_report
    from wijkkompas.services.reports.render import file_name

    report = area_report(ctx, preset, code)
    return area_workbook(report), file_name("gebiedsrapport", report.profile.code,
                                            report.profile.name, suffix="xlsx")
