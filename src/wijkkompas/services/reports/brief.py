"""The urgency brief (1–2 pages) of one area and opgave, for the partners at the table.

Built from the area report's view model (:func:`area_report`, which is the profile's): the
score against the reference with tier and rank interval, the few indicators that carry the
urgency (the largest contributions in the urgent direction) with the city and the country,
the trend, what the framework says, and the partners at the table from the partner register,
with empty rows to add others. PDF (WeasyPrint) and DOCX (python-docx), since partners edit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wijkkompas.errors import NotFound
from wijkkompas.i18n import _
from wijkkompas.services.areas.profile import OpgaveScore
from wijkkompas.services.partners.pages import SeatRow
from wijkkompas.services.reports.area import AreaReport, ScoreTrend, area_report
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.services.shared.formatting import Shown

N_FIGURES = 4
BLANK_ROWS = 4


@dataclass
class UrgencyFigure:
    label: str
    value: Shown
    year: int | None
    reference: Shown
    contribution: Shown
    comparisons: list[tuple[str, Shown]]  # (city/country label, value in the same year)


@dataclass
class UrgencyBrief:
    title: str
    report: AreaReport  # the area report it is drawn from (profile, ranks, team)
    opgave: OpgaveScore
    opgave_description: str
    rank_text: str | None
    chance_text: str | None
    figures: list[UrgencyFigure]
    comparison_note: str | None
    trend: ScoreTrend | None
    framework_says: list[str]
    partners: list[SeatRow]
    blank_rows: int = BLANK_ROWS
    notes: list[str] = field(default_factory=list)


def _figures(report: AreaReport, op: OpgaveScore, high: bool, specs: dict
             ) -> tuple[list[UrgencyFigure], bool]:
    rows = {r.code: r for r in report.profile.indicators.rows}
    labels = report.profile.indicators.comparison_labels
    # The urgent direction: below the reference for a "low is urgent" opgave, else above.
    ordered = sorted((c for c in op.contributions if c.contribution.value is not None),
                     key=lambda c: c.contribution.value, reverse=high)
    urgent = [c for c in ordered if (c.contribution.value > 0) == high
              and c.contribution.value != 0][:N_FIGURES] or ordered[:2]
    out, skipped = [], False
    for c in urgent:
        spec = specs.get(c.indicator)
        row = rows.get(c.indicator)
        comparisons: list[tuple[str, Shown]] = []
        if row is not None and (spec is None or not spec.denominator):
            comparisons = list(zip(labels, row.comparison, strict=True))
        elif labels:
            skipped = True  # a derived indicator: the table holds its raw count, not the rate
        out.append(UrgencyFigure(c.label, c.value, c.year, c.reference, c.contribution,
                                 comparisons))
    return out, skipped


def urgency_brief(ctx: ViewContext, preset: str, code: str, opgave: str | None = None
                  ) -> UrgencyBrief:
    """The brief of ``code`` on ``opgave`` (default: the area's most urgent scored opgave)."""
    fw = ctx.framework(preset)
    codes = [o.code for o in fw.opgaven]
    if opgave and opgave.strip() not in codes:  # checked before any work is done
        raise NotFound(_("Opgave {code} bestaat niet in afwegingskader {preset}; kies uit "
                         "{choices}.").format(code=opgave[:40], preset=preset,
                                              choices=", ".join(codes)))
    report = area_report(ctx, preset, code)
    profile = report.profile
    scored = [o for o in profile.opgaven if o.score.value is not None]
    if opgave:
        found = [o for o in profile.opgaven if o.code == opgave.strip()]
        if not found:
            raise NotFound(_("Voor {name} zijn geen scores: er is geen urgentiebrief te maken."
                             ).format(name=profile.name))
        op = found[0]
    elif scored:
        op = min(scored, key=lambda o: (o.rank if o.rank is not None else 10**6))
    elif profile.opgaven:
        op = profile.opgaven[0]
    else:
        raise NotFound(_("Voor {name} zijn geen scores: er is geen urgentiebrief te maken."
                         ).format(name=profile.name))
    spec = next(o for o in fw.opgaven if o.code == op.code)
    figures, skipped = _figures(report, op, spec.priority_when == "high",
                                fw.indicator_specs())
    ri = next((r for r in report.ranks.rows if r.opgave == op.code), None)
    says = [s for s in (report.framework_description,) if s]
    if profile.approach:
        says.append(f"{profile.approach['name']}: {profile.approach['approach'] or '–'}. "
                    f"{profile.approach['explanation']}")
    team = report.team
    partners = [s for s in (team.seats if team else []) if s.opgave == op.code]
    notes = list(profile.notices)
    if report.team_note and partners:
        notes.append(report.team_note)
    return UrgencyBrief(
        title=_("Urgentiebrief {name}: {opgave}").format(name=profile.name, opgave=op.name),
        report=report, opgave=op, opgave_description=spec.description.strip(),
        rank_text=(_("{rank} van {n}").format(rank=op.rank, n=op.n_ranked)
                   if op.rank is not None else None),
        chance_text=(_("kans op {tier}: {p}").format(tier=ri.first_tier, p=ri.p_first_tier_text)
                     if ri and ri.p_first_tier is not None else None) if ri else None,
        figures=figures,
        comparison_note=_("Indicatoren die het kader zelf uitrekent (per inwoner, per "
                          "woning) staan niet naast stad en land: de bron geeft daar alleen "
                          "aantallen.") if skipped else None,
        trend=next((t for t in report.trends if t.code == op.code), None),
        framework_says=says, partners=partners, notes=notes)


def brief_html(brief: UrgencyBrief) -> str:
    from wijkkompas.services.reports.render import render_html

    return render_html("brief.html", b=brief, r=brief.report, title=brief.title,
                       footer=f"{brief.title} · {brief.report.framework_name}")


def brief_file(ctx: ViewContext, preset: str, code: str, opgave: str | None, kind: str
               ) -> tuple[bytes, str]:
    """(bytes, download name) of the brief as ``pdf`` or ``docx``."""
    from wijkkompas.services.reports.render import file_name, html_to_pdf

    brief = urgency_brief(ctx, preset, code, opgave)
    name = file_name("urgentiebrief", brief.report.profile.code, brief.opgave.code, suffix=kind)
    if kind == "pdf":
        return html_to_pdf(brief_html(brief)), name
    from wijkkompas.services.reports.word import brief_docx

    return brief_docx(brief), name
