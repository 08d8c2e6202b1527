"""Word (DOCX) versions of the reports that people edit: the urgency brief and the council
report. python-docx, from the same view models as the PDF; every text is inert (no fields)."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from wijkkompas.i18n import _, current_language

if TYPE_CHECKING:
    from wijkkompas.services.reports.brief import UrgencyBrief
    from wijkkompas.services.reports.council import CouncilReport

LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}


def _document(title: str):  # noqa: ANN202 (docx.Document)
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "wijkkompas"
    doc.core_properties.language = LANGUAGE_TAGS.get(current_language(), "nl-NL")
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    # The proofing language of the text (screen readers and spelling check use it).
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE_TAGS.get(current_language(), "nl-NL"))
    return doc


def _table(doc, header: list[str], rows: list[list[str]], caption: str) -> None:  # noqa: ANN001
    doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _repeat_header(row) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    trpr.append(marker)


def _bytes(doc) -> bytes:  # noqa: ANN001
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _sources(doc, sources: list[str], provenance: dict[str, str]) -> None:  # noqa: ANN001
    doc.add_heading(_("Bronnen"), level=1)
    for s in sources:
        doc.add_paragraph(s, style="List Bullet")
    if provenance:
        doc.add_paragraph(_("Kader {fw} versie {ver} ({fp}), gegevens {data}.").format(
            fw=provenance.get("framework", ""), ver=provenance.get("framework_version", ""),
            fp=provenance.get("framework_fingerprint", ""),
            data=provenance.get("data_fingerprint", "")))


def brief_docx(b: UrgencyBrief) -> bytes:
    r, v, op = b.report, b.report.profile, b.opgave
    doc = _document(b.title)
    doc.add_heading(f"{_('Urgentiebrief')}: {v.name}", level=0)
    doc.add_paragraph(f"{op.name} · {v.level_label} {v.code}"
                      + (f" · {v.gemeente_naam}" if v.gemeente_naam and v.gemeente != v.code
                         else "") + (f" · {_('peiljaar')} {v.year}" if v.year else ""))
    doc.add_paragraph(f"{_('Afwegingskader')}: {r.framework_name} ({r.preset}). "
                      + _("Gemaakt op {date} met wijkkompas.").format(date=r.generated))
    for note in b.notes:
        doc.add_paragraph(note)
    doc.add_heading(_("Waarom dit urgent is"), level=1)
    if op.score.value is not None:
        text = _("{name} scoort {score} op {opgave}, tegenover {reference} als referentie."
                 ).format(name=v.name, score=op.score.text, opgave=op.name,
                          reference=op.reference.text)
    else:
        text = op.not_assessed or _("Geen score.")
    if b.rank_text:
        text += f" {_('Prioriteit')}: {b.rank_text}."
    if op.tier:
        text += f" {_('Klasse')}: {op.tier}."
    doc.add_paragraph(text)
    ri = next((x for x in r.ranks.rows if x.opgave == op.code), None)
    if ri:
        doc.add_paragraph(f"{_('Bij gevarieerde gewichten')}: {ri.text}"
                          + (f"; {b.chance_text}" if b.chance_text else "") + ".")
    if b.opgave_description:
        doc.add_paragraph(b.opgave_description)
    if b.figures:
        doc.add_heading(_("De cijfers die de urgentie dragen"), level=1)
        labels = v.indicators.comparison_labels
        rows = []
        for f in b.figures:
            comp = [c[1].text for c in f.comparisons] if f.comparisons else ["–"] * len(labels)
            rows.append([f.label, f.value.text, str(f.year or v.year or "–"), f.reference.text,
                         *comp, f.contribution.text])
        _table(doc, [_("Indicator"), _("Waarde"), _("Jaar"), _("Referentie"), *labels,
                     _("Bijdrage")], rows, _(
            "Indicatoren met de grootste bijdrage aan de urgentie: waarde, referentie van het "
            "kader, en stad en land in hetzelfde jaar"))
        if b.comparison_note:
            doc.add_paragraph(b.comparison_note)
    if b.trend:
        doc.add_heading(_("De ontwikkeling"), level=1)
        _table(doc, [_("Jaar"), *map(str, b.trend.years)],
               [[_("Score"), *(s.text for s in b.trend.scores)]],
               _("Score op {name} per jaar").format(name=b.trend.name))
    doc.add_heading(_("Wat het afwegingskader zegt"), level=1)
    for s in b.framework_says:
        doc.add_paragraph(s)
    doc.add_heading(_("Partners aan tafel"), level=1)
    rows = [[s.partner, s.role_label, ""] for s in b.partners] + [["", "", ""]] * b.blank_rows
    _table(doc, [_("Partner"), _("Rol"), _("Naam en handtekening")], rows, _(
        "Partners aan tafel voor {opgave} in {name} (uit het partnerregister); vul aan wie er "
        "verder bij hoort").format(opgave=op.name, name=v.name))
    _sources(doc, v.sources, v.provenance)
    return _bytes(doc)


def council_docx(c: CouncilReport) -> bytes:
    t = c.table
    doc = _document(c.title)
    doc.add_heading(_("Raadsrapportage investeringsagenda"), level=0)
    doc.add_paragraph(f"{t.name} {t.year} · {_('looptijd')} {t.horizon} · {_('prijspeil')} "
                      f"{t.price_year}")
    doc.add_paragraph(f"{_('Afwegingskader')}: {c.framework_name} ({c.preset}). "
                      + _("Gemaakt op {date} met wijkkompas.").format(date=c.generated))
    for note in c.notes:
        doc.add_paragraph(note)
    doc.add_heading(_("Geld per geldstroom en bestuurstermijn"), level=1)
    rows = [[s.name, *(a.text for a in s.per_term), s.total_text] for s in t.streams_per_term]
    rows.append([_("Kosten van de maatregelen"), *(a.text for a in t.cost_per_term),
                 t.cost_total_text])
    _table(doc, [_("Geldstroom"), *t.terms, _("Totaal")], rows,
           _("Toegewezen bedragen per geldstroom en bestuurstermijn"))
    doc.add_heading(_("Geld per opgave en bestuurstermijn"), level=1)
    _table(doc, [_("Opgave"), *t.terms, _("Totaal")],
           [[o.name, *(a.text for a in o.per_term), o.total_text] for o in c.opgaven],
           _("Kosten van de maatregelen per opgave en bestuurstermijn (een maatregel voor meer "
             "opgaven telt bij elk mee)"))
    doc.add_heading(_("De maatregelen"), level=1)
    _table(doc, [_("Maatregel"), _("Gebieden"), _("Opgaven"), _("Status"), _("Looptijd"),
                 _("Kosten"), _("Toegewezen")],
           [[m.title, ", ".join(m.area_names), ", ".join(m.opgaven), m.status, m.years,
             m.cost_text, m.allocated_text] for m in t.measures],
           _("Maatregelen van de agenda: gebieden, opgaven, status, looptijd, kosten en "
             "toegewezen geld"))
    doc.add_heading(_("Wat er veranderde sinds vorig jaar"), level=1)
    if c.previous:
        doc.add_heading(_("De agenda tegenover {version}").format(version=c.previous), level=2)
        for x in c.changes or [_("Geen verschillen.")]:
            doc.add_paragraph(x, style="List Bullet")
    if c.tier_years:
        doc.add_heading(_("Klassewisselingen van {old} naar {new}").format(
            old=c.tier_years[0], new=c.tier_years[1]), level=2)
        for x in c.tier_moves or [_("Geen gebied wisselde van klasse.")]:
            doc.add_paragraph(x, style="List Bullet")
    doc.add_heading(_("Verplichtingen over de bestuurstermijn heen"), level=1)
    for x in t.crossings or [_("Geen maatregel loopt over meer dan één bestuurstermijn.")]:
        doc.add_paragraph(x, style="List Bullet")
    _sources(doc, c.sources, c.provenance)
    return _bytes(doc)
