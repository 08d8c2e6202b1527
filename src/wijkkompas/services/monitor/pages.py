"""View models of the monitor: targets and their progress (per area and per programme), the gap
between areas and the list of targets and pilots with their history (the pilot report is in
:mod:`wijkkompas.services.monitor.pilot_report`).

Every function calls one use case of :mod:`wijkkompas.services.monitor.usecases` (the same the CLI
``wijkkompas monitor ...`` prints) and turns its typed result into a dataclass; the HTML page
renders it, the JSON twin serialises it, the downloads write the service's own table. Values
are formatted with :func:`~wijkkompas.services.shared.formatting.show_score`: the monitor only sees
publishable observations (suppressed values are NaN in the store's read path), so nothing here
can show a suppressed value as a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.i18n import _
from wijkkompas.services.framework.overview import Chart
from wijkkompas.services.monitor import pilots as pilot_svc
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.services.monitor.charts import gap_figure, programme_figure
from wijkkompas.services.monitor.wording import (
    decimals_of,
    describe_target,
    milestone_text,
    note_text,
    shown_number,
    shown_share,
    status_label,
    subject_label,
    translate_message,
)
from wijkkompas.services.shared.context import ViewContext, link
from wijkkompas.services.shared.formatting import Shown, format_number

# --- progress -------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    """One area of a target: baseline → now → target, share of the way, forecast, status."""

    code: str
    name: str
    url: str
    baseline_year: int
    baseline: Shown
    current_year: int | None
    current: Shown
    target_year: int
    target: Shown
    share_of_way: Shown
    pace_observed: Shown
    pace_needed: Shown
    n_points: int
    forecast: Shown
    forecast_low: Shown
    forecast_high: Shown
    status: str
    status_label: str
    milestones: str
    flags: str
    note: str


def _progress_rows(ctx: ViewContext, table: pd.DataFrame, decimals: int,
                   details: dict[str, dict] | None = None) -> list[ProgressRow]:
    rows = []
    for r in table.to_dict("records"):
        cy = r["current_year"]
        extra = (details or {}).get(str(r["area_code"]), {})
        milestones = "; ".join(milestone_text(c, decimals)
                               for c in extra.get("milestone_checks", []))
        notes = "; ".join(note_text(c, p) for c, p in extra.get("note_items", []))
        rows.append(ProgressRow(
            code=str(r["area_code"]), name=str(r["name"]), url=link(f"/gebied/{r['area_code']}"),
            baseline_year=int(r["baseline_year"]), baseline=shown_number(r["baseline_value"], decimals),
            current_year=None if pd.isna(cy) else int(cy),
            current=shown_number(r["current_value"], decimals), target_year=int(r["target_year"]),
            target=shown_number(r["target_value"], decimals), share_of_way=shown_share(r["share_of_way"]),
            pace_observed=shown_number(r["pace_observed"], decimals + 1),
            pace_needed=shown_number(r["pace_needed"], decimals + 1), n_points=int(r["n_points"]),
            forecast=shown_number(r["forecast"], decimals),
            forecast_low=shown_number(r["forecast_low"], decimals),
            forecast_high=shown_number(r["forecast_high"], decimals), status=str(r["status"]),
            status_label=status_label(str(r["status"])),
            milestones=milestones if details is not None else str(r["milestones"]),
            flags=translate_message(str(r["flags"])),
            note=notes if details is not None else translate_message(str(r["note"]))))
    return rows


@dataclass
class SeriesRow:
    """One area's values per year (the table alternative of the chart)."""

    code: str
    name: str
    values: list[Shown]
    #: per year: how the value crossed a boundary change ("" = as published)
    flags: list[str] = field(default_factory=list)


@dataclass
class HistoryRow:
    version: int
    created_at: str
    created_by: str
    term: str
    reason: str
    description: str
    changed: str


@dataclass
class ProgrammeView:
    """Every area of one target (never only the average), chart, series and history."""

    code: str
    name: str
    version: int
    description: str
    subject: str
    subject_label: str
    direction: str
    baseline_year: int
    target_year: int
    terms: str
    rows: list[ProgressRow]
    counts: dict[str, int]
    years: list[int]
    series: list[SeriesRow]
    chart: Chart | None
    history: list[HistoryRow]
    warnings: list[str]
    note: str
    downloads: dict[str, str] = field(default_factory=dict)
    #: some value in ``series`` was linked or harmonised over a boundary change
    flagged: bool = False
    #: the current version, for the edit form's hidden ``versie`` field
    current_version: int = 1
    #: the current definition, to fill the edit form
    definition: dict = field(default_factory=dict)


def _history(ctx: ViewContext, code: str) -> list[HistoryRow]:
    frame = svc.target_history(ctx.ws, code)
    return [HistoryRow(int(r["version"]), r["created_at"].strftime("%Y-%m-%d %H:%M"),
                       str(r["created_by"]), str(r["term"]), str(r["reason"] or ""),
                       str(r["description"]), str(r["changed"]))
            for r in frame.to_dict("records")]


def programme(ctx: ViewContext, code: str, *, versie: int | None = None) -> ProgrammeView:
    """The programme monitor of target ``code``: each area's progress and forecast."""
    target = svc.get_target(ctx.ws, code, versie)
    result = svc.target_progress(ctx.ws, target)
    dec = decimals_of(ctx, target.subject, target.measure)
    rows = _progress_rows(ctx, result.table, dec, result.details)
    series = svc.target_series(ctx.ws, target)
    series = series[series["area_code"].isin(target.areas)].dropna(subset=["value"])
    years = sorted({int(y) for y in series["year"]})
    lookup = {(a, int(y)): v for a, y, v in series[["area_code", "year", "value"]].itertuples(
        index=False)}
    flag_of = {(a, int(y)): translate_message(str(f)) for a, y, f in
               series[["area_code", "year", "flag"]].itertuples(index=False) if f}
    series_rows = [SeriesRow(r.code, r.name, [shown_number(lookup.get((r.code, y)), dec) for y in years],
                             [flag_of.get((r.code, y), "") for y in years])
                   for r in rows]
    label = subject_label(ctx, target.subject, target.measure)
    chart = None
    if years:
        figure = programme_figure(result.table, lookup, years, label,
                                  _("doel"), _("prognose (bandbreedte)"))
        chart = Chart(f"monitor-{target.code}", figure, _(
            "Lijndiagram van {subject} per gebied van {first} tot nu, met de doelwaarde in "
            "{year} en, waar er genoeg meetpunten zijn, de prognose met bandbreedte. De tabellen "
            "hieronder bevatten dezelfde getallen.").format(subject=label, first=years[0],
                                                           year=target.target_year))
    history = _history(ctx, target.code)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status_label] = counts.get(r.status_label, 0) + 1
    warnings = []
    if result.reference is not None:
        value, year, moving = result.reference
        warnings.append(_("{label}: {value} in {year}").format(
            label=target.reference_label or _("referentie"), value=format_number(value, dec + 2),
            year=year) + (_(" (bewegende referentie: nieuwste jaar)") if moving else ""))
    if result.table["flags"].str.len().gt(0).any():
        warnings.append(_("Sommige waarden zijn over een grenswijziging gekoppeld of "
                          "geharmoniseerd naar de nieuwste grenzen; ze zijn per waarde "
                          "gemarkeerd, met de methode."))
    if (result.table["status"] == "too_few_points").any():
        warnings.append(_("Bij minder dan {n} meetpunten tekenen we geen trend en geen "
                          "prognose: dat zou een zekerheid suggereren die er niet is.").format(
            n=result.min_points))
    query = {"versie": versie} if versie else {}
    return ProgrammeView(
        code=target.code, name=target.name, version=history[-1].version if versie is None
        else versie, description=describe_target(target, ctx), subject=target.subject,
        subject_label=label, direction=target.direction, baseline_year=target.baseline_year,
        target_year=target.target_year,
        terms=", ".join(svc.terms_spanned(target.baseline_year, target.target_year)),
        rows=rows, counts=counts, years=years, series=series_rows, chart=chart,
        history=history, warnings=warnings, note=target.note,
        downloads={"csv": link(f"/api/v1/monitor/doel/{target.code}.csv", **query),
                   "xlsx": link(f"/api/v1/monitor/doel/{target.code}.xlsx", **query)},
        flagged=bool(flag_of), current_version=history[-1].version,
        definition=svc.get_target(ctx.ws, target.code).to_dict())


def programme_frame(ctx: ViewContext, code: str, *, versie: int | None = None
                    ) -> tuple[pd.DataFrame, dict[str, str]]:
    """The progress table for CSV/Excel (the service's own table, as the CLI writes it)."""
    target = svc.get_target(ctx.ws, code, versie)
    result = svc.target_progress(ctx.ws, target)
    return result.table, svc.provenance(target=target.code, description=target.describe())


# --- the list of targets and pilots -----------------------------------------------------------


@dataclass
class TargetSummary:
    code: str
    name: str
    version: int
    description: str
    areas: int
    baseline_year: int
    target_year: int
    terms: str
    changed_at: str
    changed_by: str
    url: str
    history: list[HistoryRow]


@dataclass
class PilotSummary:
    code: str
    name: str
    areas: list[str]
    start_year: int
    note: str
    url: str


@dataclass
class MonitorIndexView:
    targets: list[TargetSummary]
    pilots: list[PilotSummary]
    gap_url: str


def monitor_index(ctx: ViewContext) -> MonitorIndexView:
    """Targets (current version, with every earlier version) and pilots."""
    frame = svc.list_targets(ctx.ws)
    names = ctx.areas()["name"]
    targets = [TargetSummary(
        str(r["code"]), str(r["name"]), int(r["version"]),
        describe_target(svc.get_target(ctx.ws, str(r["code"])), ctx),
        int(r["areas"]), int(r["baseline_year"]), int(r["target_year"]), str(r["terms"]),
        pd.Timestamp(r["changed_at"]).strftime("%Y-%m-%d"), str(r["changed_by"]),
        link(f"/monitor/doel/{r['code']}"), _history(ctx, str(r["code"])))
        for r in frame.to_dict("records")]
    pilots = [PilotSummary(p.code, p.name, [str(names.get(a, a)) for a in p.areas],
                           p.start_year, p.note, link(f"/monitor/pilot/{p.code}"))
              for p in pilot_svc.list_pilots(ctx.ws)]
    return MonitorIndexView(targets, pilots, link("/monitor/spreiding"))


# --- the monitor inside the area profile ------------------------------------------------------


@dataclass
class AreaTargetRow:
    target_code: str
    target_name: str
    description: str
    url: str
    progress: ProgressRow


@dataclass
class SurveyGapRow:
    area_code: str
    area_name: str
    part: str
    part_name: str
    year: int
    objective: Shown
    subjective: Shown
    gap: Shown
    gap_change: Shown
    signal: bool
    signal_text: str


@dataclass
class AreaMonitor:
    """Targets that include the area, and register vs survey where both exist (for a wijk:
    its buurten)."""

    code: str
    targets: list[AreaTargetRow]
    survey_gaps: list[SurveyGapRow]


def _part_name(part: str) -> str:
    names = {"wp_fi": _("fysieke index"), "wp_si": _("sociale index"),
             "wp_vi": _("veiligheidsindex")}
    return names.get(part, part)


def area_monitor(ctx: ViewContext, code: str) -> AreaMonitor:
    """The monitor block of an area profile."""
    area = ctx.area(code)
    code = str(area.name)
    municipality = area["municipality_code"] if isinstance(area["municipality_code"], str) \
        else None
    rows = []
    for tcode in svc.list_targets(ctx.ws)["code"]:
        target = svc.get_target(ctx.ws, str(tcode))
        if code not in target.areas:
            continue
        result = svc.target_progress(ctx.ws, target)
        table = result.table
        mine = _progress_rows(ctx, table[table["area_code"] == code],
                              decimals_of(ctx, target.subject, target.measure), result.details)
        rows += [AreaTargetRow(target.code, target.name, describe_target(target, ctx),
                               link(f"/monitor/doel/{target.code}"), p) for p in mine]
    gaps = []
    if municipality:
        # The area itself and, for a wijk, its buurten (the Wijkprofiel is per buurt).
        areas = ctx.areas()
        inside = {code, *areas.index[areas["parent_code"] == code]}
        table = svc.subjective_report(ctx.ws, municipality=municipality)
        for r in table[table["area_code"].isin(inside)].to_dict("records"):
            gaps.append(SurveyGapRow(
                str(r["area_code"]), str(r["name"]), str(r["part"]), _part_name(str(r["part"])),
                int(r["year"]),
                shown_number(r["objective"], 1), shown_number(r["subjective"], 1), shown_number(r["gap"], 1),
                shown_number(r["gap_change"], 1), bool(r["signal"]), str(r["signal_text"])))
    return AreaMonitor(code, rows, gaps)


# --- the gap between areas --------------------------------------------------------------------


@dataclass
class GapRow:
    municipality: str
    municipality_name: str
    year: int
    n: int
    mean: Shown
    best_quintile: Shown
    worst_quintile: Shown
    gap: Shown
    theil: Shown
    cv: Shown
    #: areas whose value this year was linked or harmonised over a boundary change
    harmonised: int = 0
    #: the methods used, in the page's language
    flags: str = ""


@dataclass
class GapVerdict:
    municipality: str
    name: str
    measure: str
    measure_label: str
    verdict: str
    sentence: str


@dataclass
class GapView:
    """Dispersion per municipality and year, and "are the differences growing?"."""

    subject: str
    subject_label: str
    kader: str | None
    level: str
    municipalities: list[str]
    rows: list[GapRow]
    verdicts: list[GapVerdict]
    chart: Chart | None
    warnings: list[str]
    indicator_options: list[tuple[str, str]]
    downloads: dict[str, str] = field(default_factory=dict)


LEVELS = {"wijk": "district", "buurt": "neighbourhood"}


def _measure_label(measure: str) -> str:
    return {"gap": _("kwintielkloof"), "theil": _("Theil-index"),
            "cv": _("variatiecoëfficiënt")}.get(measure, measure)


def _verdict_sentence(v, name: str, dec: int) -> str:  # noqa: ANN001 (GrowthVerdict)
    span = _("{measure} van {first} ({y0}) naar {last} ({y1})")
    if v.years:
        span = span.format(measure=_measure_label(v.measure), first=format_number(v.first, dec),
                           y0=v.years[0], last=format_number(v.last, dec), y1=v.years[-1])
    if v.verdict == "growing":
        text = _("{name}: de verschillen tussen gebieden groeien ({span}).")
    elif v.verdict == "shrinking":
        text = _("{name}: de verschillen tussen gebieden worden kleiner ({span}).")
    elif v.verdict == "stable":
        text = _("{name}: geen duidelijke verandering in de verschillen tussen gebieden "
                 "({span}; de trend is onzeker).")
    elif len(v.years) < 2:
        text = _("{name}: te weinig jaren om iets te zeggen over de verschillen tussen "
                 "gebieden.")
    else:
        text = _("{name}: de verschillen tussen gebieden veranderen ({span}), maar met {n} "
                 "meetjaren is dat te weinig punten voor een betrouwbare trend.")
    return text.format(name=name, span=span, n=len(v.years))


def _gap_args(indicator: str | None, gemeente: str | None, kader: str | None,
              opgave: str | None, niveau: str) -> tuple[str, str | None, str, list[str] | None]:
    subject = (opgave if kader and opgave else indicator) or "lbm_totaal"
    level = LEVELS.get(niveau, "district")
    munis = [g.strip().upper() for g in (gemeente or "").split(",") if g.strip()] or None
    return subject, (kader or None) if opgave else None, level, munis


def gap(ctx: ViewContext, *, indicator: str | None = None, gemeente: str | None = None,
        kader: str | None = None, opgave: str | None = None, niveau: str = "wijk") -> GapView:
    """The gap page of an indicator (or an opgave of ``kader``) per municipality."""
    subject, framework, level, munis = _gap_args(indicator, gemeente, kader, opgave, niveau)
    # ``kader`` names a preset or a saved version (never a path; unknown: NotFound)
    report = svc.gap_report(ctx.ws, subject, level=level, municipalities=munis,
                            framework=ctx.framework(framework) if framework else None)
    names = ctx.areas()["name"]
    measure = "indicator" if framework is None else "score"
    dec = decimals_of(ctx, subject, measure)
    rows = [GapRow(str(g), str(names.get(g, g)), int(y), int(r["n"]), shown_number(r["mean"], dec),
                   shown_number(r["best_quintile"], dec), shown_number(r["worst_quintile"], dec),
                   shown_number(r["gap"], dec), shown_number(r["theil"], 4), shown_number(r["cv"], 3),
                   int(r.get("harmonised", 0)), translate_message(str(r.get("flags", ""))))
            for (g, y), r in report.table.iterrows()]
    verdicts = []
    for v in report.verdicts:
        name = str(names.get(v.group, v.group))
        verdicts.append(GapVerdict(v.group, name, v.measure, _measure_label(v.measure),
                                   v.verdict, _verdict_sentence(v, name, 4 if v.measure != "gap"
                                                                else dec)))
    label = subject_label(ctx, subject, measure)
    chart = None
    if rows:
        series = {v.name: [(y, float(report.table.loc[(v.municipality, y), v.measure]))
                           for y in report.table.xs(v.municipality).index]
                  for v in verdicts}
        chart = Chart("spreiding", gap_figure(series, _("spreiding per gemeente")), _(
            "Lijndiagram van de spreiding van {subject} tussen de gebieden van elke gemeente "
            "over de jaren (de maat die per gemeente in de conclusie wordt gebruikt). De tabel "
            "hieronder bevat dezelfde getallen.").format(subject=label))
    meta = ctx.indicator_meta()
    options = sorted(((c, subject_label(ctx, c)) for c in meta), key=lambda o: o[1].lower())
    query = {"indicator": indicator, "gemeente": gemeente, "kader": kader, "opgave": opgave,
             "niveau": niveau if niveau != "wijk" else None}
    return GapView(subject, label, framework, level, munis or [], rows, verdicts, chart,
                   [translate_message(w) for w in report.warnings], options,
                   {"csv": link("/api/v1/monitor/spreiding.csv", **query),
                    "xlsx": link("/api/v1/monitor/spreiding.xlsx", **query)})


def gap_frame(ctx: ViewContext, **query: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
    subject, framework, level, munis = _gap_args(
        query.get("indicator"), query.get("gemeente"), query.get("kader"), query.get("opgave"),
        query.get("niveau") or "wijk")
    report = svc.gap_report(ctx.ws, subject, level=level, municipalities=munis,
                            framework=ctx.framework(framework) if framework else None)
    return report.table.reset_index(), svc.provenance(subject=subject, level=level)
