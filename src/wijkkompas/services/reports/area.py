"""The area report (PDF): the area profile on paper, with map, rank interval, trends, monitor,
agenda, partners and core team.

Everything comes from the web pages' view models (:func:`area_profile`, :func:`rank_interval`,
:func:`core_team`); this module only adds what paper needs: the map and charts as SVG, the
opgave scores over the years, and the framework's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from wijkkompas import formatting
from wijkkompas.errors import ConfigError, FrameworkError, NotFound
from wijkkompas.i18n import _
from wijkkompas.services.areas.profile import ProfileView, area_profile
from wijkkompas.services.framework.rankinterval import RankIntervalView, rank_interval
from wijkkompas.services.partners.pages import TeamView, core_team
from wijkkompas.services.reports import svg
from wijkkompas.services.shared.context import DEFAULT_PRESETS, Scored, ViewContext
from wijkkompas.services.shared.formatting import Shown, show_score
from wijkkompas.services.shared.labels import provenance_rows


@dataclass
class ScoreTrend:
    """One opgave's score of the area in every scored year."""

    code: str
    name: str
    years: list[int]
    scores: list[Shown]
    chart: str  # SVG ("" without two values)


@dataclass
class AreaReport:
    title: str
    preset: str
    framework_name: str  # the framework's full name
    framework_description: str
    profile: ProfileView
    ranks: RankIntervalView
    team: TeamView | None
    team_note: str | None
    map: svg.MapSvg | None
    map_title: str
    charts: dict[str, str]  # opgave code -> contribution bars (SVG)
    trends: list[ScoreTrend]
    comparable: bool
    provenance: list[tuple[str, str]]
    generated: str
    notes: list[str] = field(default_factory=list)


def check_preset(ctx: ViewContext, preset: str, area: pd.Series) -> None:
    """The framework must be one for the area's municipality (a clear Dutch error if not)."""
    fw = ctx.framework(preset)  # an unknown name: ConfigError listing the valid ones
    gm = area["municipality_code"] if isinstance(area["municipality_code"], str) else None
    if fw.municipalities and gm not in fw.municipalities:
        raise ConfigError(_("Afwegingskader {preset} geldt voor {gms}, niet voor {name} ({code})."
                            ).format(preset=preset, gms=", ".join(fw.municipalities),
                                     name=area["name"], code=area.name))


def preset_for(ctx: ViewContext, code: str, kader: str | None) -> str:
    """The framework of a report: ``kader`` when given (checked against the area), else that
    of the area's municipality."""
    area = ctx.area(code)
    if kader:
        check_preset(ctx, kader, area)
        return kader
    gm = area["municipality_code"] if isinstance(area["municipality_code"], str) else ""
    preset = DEFAULT_PRESETS.get(gm)
    if preset is None:
        raise ConfigError(_("Voor {name} ({code}) is geen afwegingskader ingesteld; kies er een "
                            "met kader=.").format(name=area["name"], code=area.name))
    return preset


def _scored_for(ctx: ViewContext, preset: str, level: str) -> Scored:
    try:
        return ctx.scored(preset, level) if level in ("district", "neighbourhood") \
            else ctx.scored(preset)
    except FrameworkError:
        return ctx.scored(preset)


def _trends(ctx: ViewContext, preset: str, profile: ProfileView) -> tuple[list[ScoreTrend], bool]:
    code = profile.scored_area
    if not code:
        return [], True
    scored = _scored_for(ctx, preset, str(ctx.area(code)["level"]))
    scores = scored.result.scores
    if code not in scores.index.get_level_values("area_code"):
        return [], scored.result.comparable_over_time
    mine = scores.xs(code, level="area_code").sort_index()
    years = [int(y) for y in mine.index]
    out = []
    for op in scored.framework.opgaven:
        if op.code not in mine.columns:
            continue
        values = [None if pd.isna(v) else float(v) for v in mine[op.code]]
        shown = [show_score(v) for v in values]
        chart = ""
        if sum(v is not None for v in values) >= 2:
            chart = svg.line_chart(years, [(op.name, values)], _(
                "Lijndiagram van de score op {name} per jaar; de tabel ernaast bevat dezelfde "
                "getallen.").format(name=op.name), lambda v: formatting.score(v))
        out.append(ScoreTrend(op.code, op.name, years, shown, chart))
    return out, scored.result.comparable_over_time


def _team(ctx: ViewContext, profile: ProfileView) -> tuple[TeamView | None, str | None]:
    team = core_team(ctx, profile.code)
    if team.exists or team.seats or not profile.parent:
        return team, None
    parent = core_team(ctx, profile.parent["code"])
    if parent.exists or parent.seats:
        return parent, _("Dit gebied heeft geen eigen kernteam of tafel; hieronder die van "
                         "wijk {name}.").format(name=profile.parent["name"])
    return team, None


def area_report(ctx: ViewContext, preset: str, code: str) -> AreaReport:
    """The area report's view model (raises NotFound / ConfigError with a Dutch message)."""
    area = ctx.area(code)
    check_preset(ctx, preset, area)
    profile = area_profile(ctx, str(area.name), kader=preset)
    ranks = rank_interval(ctx, profile.code, kader=preset)
    fw = ctx.framework(preset)
    map_title = _("Kaart van {name} en de aangrenzende gebieden").format(name=profile.name)
    area_map = None
    gm = profile.gemeente
    if gm and profile.level in ("district", "neighbourhood"):
        area_map = svg.area_map(ctx.shapes(gm, profile.level), profile.code, map_title)
    charts = {}
    for op in profile.opgaven:
        if op.contributions and not op.not_assessed:
            charts[op.code] = svg.bar_chart(
                [c.label for c in op.contributions],
                [c.contribution.value for c in op.contributions],
                [c.contribution.text for c in op.contributions],
                _("Staafdiagram van de bijdrage van elke indicator aan {name}; de tabel "
                  "eronder bevat dezelfde getallen.").format(name=op.name))
    trends, comparable = _trends(ctx, preset, profile)
    try:
        team, team_note = _team(ctx, profile)
    except NotFound:
        team, team_note = None, None
    notes = []
    if area_map is None:
        notes.append(_("Voor dit gebied zijn geen grenzen opgeslagen; de kaart ontbreekt."))
    return AreaReport(
        title=_("Gebiedsrapport {name}").format(name=profile.name), preset=preset,
        framework_name=fw.name, framework_description=(fw.description or "").strip(),
        profile=profile, ranks=ranks, team=team, team_note=team_note, map=area_map,
        map_title=map_title, charts=charts, trends=trends, comparable=comparable,
        provenance=provenance_rows(profile.provenance) if profile.provenance else [],
        generated=formatting.day(date.today()), notes=notes)


def area_report_html(report: AreaReport) -> str:
    from wijkkompas.services.reports.render import render_html

    footer = f"{report.title} · {report.framework_name}"
    return render_html("area.html", r=report, title=report.title, footer=footer)


def area_report_pdf(ctx: ViewContext, preset: str, code: str) -> tuple[bytes, str]:
    """(PDF bytes, download name) of the area report."""
    from wijkkompas.services.reports.render import file_name, html_to_pdf

    report = area_report(ctx, preset, code)
    return html_to_pdf(area_report_html(report)), file_name(
        "gebiedsrapport", report.profile.code, report.profile.name, suffix="pdf")
