"""View models of one area (Gebiedsprofiel) and of two to four areas side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.errors import ConfigError, FrameworkError, NotFound
from wijkkompas.i18n import _, current_language
from wijkkompas.services.framework.overview import Chart, tier_index
from wijkkompas.services.shared.context import DEFAULT_PRESETS, Scored, ViewContext, level_label, link
from wijkkompas.services.shared.formatting import (
    Shown,
    format_number,
    show_observation,
    show_score,
    show_signed,
)
from wijkkompas.services.shared.maps import NO_DATA, bar_figure, tier_colours
from wijkkompas.services.shared.methods import spec_text

N_TREND_YEARS = 8  # every data year of the demo; the table scrolls beyond that
NATIONAL = "NL00"
CBS_ATTRIBUTION = "Bron: CBS (Kerncijfers wijken en buurten), CC BY 4.0"


@dataclass
class ContributionRow:
    indicator: str
    label: str
    theme: str
    value: Shown
    reference: Shown
    contribution: Shown
    year: int | None = None  # peiljaar mode: the year the value comes from


@dataclass
class OpgaveScore:
    code: str
    name: str
    score: Shown
    reference: Shown
    difference: Shown
    above_reference: bool | None
    rank: int | None
    n_ranked: int
    tier: str | None
    colour: str
    strengths: list[str]
    weaknesses: list[str]
    contributions: list[ContributionRow]
    chart: Chart | None
    not_assessed: str | None = None  # "niet beoordeeld: <reason>" when there is no score


@dataclass
class IndicatorRow:
    code: str
    label: str
    unit: str
    direction: str
    trend: list[Shown]
    comparison: list[Shown]
    comparison_year: int | None = None  # the area's latest year with a value: the comparison's


@dataclass
class IndicatorTable:
    years: list[int]
    comparison_year: int | None
    comparison_labels: list[str]
    rows: list[IndicatorRow]


@dataclass
class ProfileView:
    code: str
    name: str
    level: str
    level_label: str
    gemeente: str | None
    gemeente_naam: str | None
    parent: dict | None
    kader: str | None
    kader_naam: str | None
    scored_area: str | None
    year: int | None
    notices: list[str]
    opgaven: list[OpgaveScore]
    indicators: IndicatorTable
    quality: list[str]
    sources: list[str]
    provenance: dict[str, str]
    downloads: dict[str, str] = field(default_factory=dict)
    approach: dict | None = None  # the framework's aanpak for this area: name, approach, why
    monitor: object | None = None  # views_monitor.AreaMonitor: targets, register vs survey
    agenda: object | None = None  # views_agenda.AreaAgendaView: measures in this area
    means: object | None = None  # views_means.AreaMeans: regular money against the city
    residents: object | None = None  # residents.pages.AreaResidents: cijfers vs bewoners


def _label(ctx: ViewContext, code: str) -> tuple[str, str, str]:
    row = ctx.indicator_meta().get(code)
    if row is None:
        return code, "", ""
    label = row["label_en"] if current_language() == "en" and row["label_en"] else row["label_nl"]
    return str(label), str(row["unit"] or ""), str(row["direction"])


def _decimals(ctx: ViewContext, code: str) -> int:
    row = ctx.indicator_meta().get(code)
    return int(row["decimals"]) if row is not None else 1


def _opgave_scores(ctx: ViewContext, scored: Scored, area: str, year: int) -> list[OpgaveScore]:
    out = []
    colours = tier_colours(len(scored.tier_labels()))
    sources = scored.result.source_years
    from_year = (sources.loc[(year, area)] if sources is not None
                  and (year, area) in sources.index else None)
    for op in scored.framework.opgaven:
        ex = ctx.explain(scored, area, op.code, year)
        has_score = pd.notna(ex.score)
        diff = ex.score - ex.reference_score if has_score else None
        contributions = []
        for ind, rec in ex.contributions.iterrows():
            label = _label(ctx, str(ind))[0]
            spec = scored.framework.indicator_specs().get(str(ind))
            if spec is not None and spec.label:
                label = spec.label
            dec = _decimals(ctx, str(ind))  # the indicator's own decimals (a count: none)
            value = show_score(rec["raw"], dec)
            if value.value is None and pd.notna(rec.get("used")):
                value = show_score(rec["used"], dec)
                value = Shown(value.value, value.text, "estimated", _(
                    "Geschat: de bron heeft hier geen waarde; het kader vulde hem aan: "
                    "{method}.").format(method=spec_text("impute", scored.framework.steps.impute)))
            source = from_year.get(str(ind)) if from_year is not None else None
            contributions.append(ContributionRow(
                str(ind), label, str(rec["theme"]), value,
                show_score(rec["reference"], dec), show_signed(rec["contribution"], 1),
                int(source) if source is not None and pd.notna(source) else None))
        chart = None
        if has_score and contributions:
            chart = Chart(f"bijdragen-{op.code}", bar_figure(
                [c.label for c in contributions], [c.contribution.value for c in contributions],
                _("Bijdrage per indicator aan {name}").format(name=op.name)),
                _("Staafdiagram van de bijdrage van elke indicator aan {name}; de tabel eronder "
                  "bevat dezelfde getallen.").format(name=op.name))
        idx = tier_index(scored, ex.tier)
        out.append(OpgaveScore(
            op.code, op.name, show_score(ex.score), show_score(ex.reference_score),
            show_score(diff), None if diff is None else diff >= 0,
            ex.priority_rank, ex.n_ranked,
            ex.tier if isinstance(ex.tier, str) else None,
            colours[idx] if idx is not None else NO_DATA, ex.strengths, ex.weaknesses,
            contributions, chart,
            None if ex.assessed else _("niet beoordeeld: {reason}").format(reason=ex.reason)))
    return out


def _indicator_table(ctx: ViewContext, codes: list[str], area: str,
                     compare: list[tuple[str, str]]) -> tuple[IndicatorTable, dict[str, int]]:
    sel = ctx.observation_lookup([area, *(c for c, _n in compare)], codes)
    years = sorted({int(y) for (a, _i, y) in sel if a == area})[-N_TREND_YEARS:]
    comp_year = years[-1] if years else None
    counts = {"suppressed": 0, "missing": 0}

    def cell(code: str, where: str, year: int | None) -> Shown:
        found = sel.get((where, code, year)) if year is not None else None
        if found is None:
            return show_observation(None, "missing")
        return show_observation(found[0], found[1], decimals=_decimals(ctx, code),
                                unit=_label(ctx, code)[1])

    rows = []
    for code in codes:
        label, unit, direction = _label(ctx, code)
        trend = [cell(code, area, y) for y in years]
        for year, shown in zip(years, trend, strict=True):
            if shown.status in counts and (area, code, year) in sel:
                counts[shown.status] += 1
        # Compare in the year of the area's own latest value, so that the reference columns
        # show the same year as the area (and say which year that is).
        own = sorted(y for (a, i, y), (_v, st) in sel.items()
                     if a == area and i == code and st in ("ok", "estimated"))
        row_year = int(own[-1]) if own else comp_year
        rows.append(IndicatorRow(code, label, unit, direction, trend,
                                 [cell(code, c, row_year) for c, _n in compare], row_year))
    return IndicatorTable(years, comp_year, [n for _c, n in compare], rows), counts


def area_profile(ctx: ViewContext, code: str, *, jaar: int | None = None,
                 kader: str | None = None) -> ProfileView:
    """The Gebiedsprofiel: scores against the reference, contributions, indicators, quality.
    ``kader``: the framework (preset) to score with; default the municipality's own."""
    area = ctx.area(code)
    code = str(area.name)
    areas = ctx.areas()
    gm = area["municipality_code"] if isinstance(area["municipality_code"], str) else None
    gm_name = str(areas.loc[gm, "name"]) if gm and gm in areas.index else None
    parent_code = area["parent_code"] if isinstance(area["parent_code"], str) else None
    parent = None
    if parent_code and parent_code in areas.index and parent_code != gm:
        parent = {"code": parent_code, "name": str(areas.loc[parent_code, "name"]),
                  "url": link(f"/gebied/{parent_code}")}
    notices: list[str] = []
    quality: list[str] = []
    preset = kader or DEFAULT_PRESETS.get(gm or "")
    scored = None
    if preset:
        # Score the area's own level where the framework can; else its own level (below).
        try:
            scored = ctx.scored(preset, area["level"]) if area["level"] in (
                "district", "neighbourhood") else ctx.scored(preset)
        except FrameworkError:
            scored = ctx.scored(preset)
    opgaven: list[OpgaveScore] = []
    scored_area, year, approach = None, None, None
    if scored is None:
        notices.append(_("Voor deze gemeente is geen afwegingskader ingesteld."))
    else:
        fw, result = scored.framework, scored.result
        if jaar is not None and jaar not in result.years:
            raise NotFound(_("Geen scores voor {year}; beschikbaar: {years}.").format(
                year=jaar, years=", ".join(map(str, result.years))))
        year = jaar or result.years[-1]
        if area["level"] == fw.level:
            scored_area = code
        elif area["level"] == "neighbourhood" and fw.level == "district" and parent:
            scored_area = parent["code"]
            notices.append(_("Het afwegingskader scoort wijken: de scores hieronder zijn die van "
                             "wijk {name}.").format(name=parent["name"]))
        else:
            notices.append(_("Het afwegingskader {name} scoort op niveau {level}; voor dit "
                             "gebied zijn geen scores.").format(name=fw.name,
                                                                level=level_label(fw.level)))
        if scored_area and (year, scored_area) not in result.scores.index:
            reason = result.screened["reason"].get((year, scored_area)) \
                if len(result.screened) else None
            quality.append(_("Niet gescoord in {year}: {reason}.").format(
                year=year, reason=reason or _("uitgesloten of onbekend")))
            scored_area = None
        if scored_area:
            opgaven = _opgave_scores(ctx, scored, scored_area, year)
            quality.extend(w for w in result.warnings if scored_area in w)
            if fw.approach is not None:
                table = ctx.derived(scored, "approaches", year)
                if scored_area in table.index:
                    rec = table.loc[scored_area]
                    approach = {"name": fw.approach.name,
                                "approach": rec["approach"] if isinstance(rec["approach"], str)
                                else None, "explanation": str(rec["explanation"])}
    codes = ["a_inw", *[c for c in (scored.framework.indicator_codes() if scored else [])
                        if c != "a_inw"]]
    compare = []
    if parent:
        compare.append((parent["code"], _("wijk {name}").format(name=parent["name"])))
    if gm and gm != code:
        compare.append((gm, gm_name or gm))
    if code != NATIONAL and NATIONAL in areas.index:
        compare.append((NATIONAL, _("Nederland")))
    table, counts = _indicator_table(ctx, codes, code, compare)
    if counts["suppressed"]:
        quality.append(_("{n} waarden zijn geheim: CBS publiceert ze niet omdat ze onder de "
                         "privacydrempel vallen; ze worden nooit als getal getoond.").format(
            n=counts["suppressed"]))
    if counts["missing"]:
        quality.append(_("{n} waarden ontbreken in de bron.").format(n=counts["missing"]))
    monitor = _area_monitor(ctx, code)
    sources = _sources(ctx, codes, bool(getattr(monitor, "survey_gaps", None)))
    return ProfileView(
        code=code, name=str(area["name"]), level=str(area["level"]),
        level_label=level_label(str(area["level"])), gemeente=gm, gemeente_naam=gm_name,
        parent=parent, kader=preset, kader_naam=scored.framework.name if scored else None,
        scored_area=scored_area, year=year, notices=notices, opgaven=opgaven, indicators=table,
        quality=quality, sources=sources,
        provenance=scored.result.provenance() if scored else {},
        downloads={"csv": link(f"/api/v1/gebied/{code}.csv"),
                   "xlsx": link(f"/api/v1/gebied/{code}.xlsx")},
        approach=approach,
        monitor=monitor,
        agenda=_area_agenda(ctx, code),
        means=_area_means(ctx, code),
        residents=_area_residents(ctx, code),
    )


def _sources(ctx: ViewContext, codes: list[str], survey: bool) -> list[str]:
    """Each source of what the profile shows, once: the CBS attribution stands for the CBS
    tables; the Wijkprofiel when the monitor block shows its register-vs-survey rows."""
    found = {str(s) for s in ctx.indicators().reindex(codes)["source"].dropna()}
    if survey:
        found |= {str(s) for s in ctx.indicators()["source"].dropna()
                  if str(s).startswith("Wijkprofiel")}
    others = sorted(s for s in found if not s.startswith("CBS Kerncijfers"))
    return [CBS_ATTRIBUTION, *others]


def _area_monitor(ctx: ViewContext, code: str) -> object:
    from wijkkompas.services.monitor.pages import area_monitor

    # Cached per data version, which also changes when targets or pilots are written.
    return ctx.cached("area_monitor", code, factory=lambda: area_monitor(ctx, code))


def _area_agenda(ctx: ViewContext, code: str) -> object:
    from wijkkompas.services.agenda.pages import area_agenda

    return ctx.cached("area_agenda", code, factory=lambda: area_agenda(ctx, code))


def _area_means(ctx: ViewContext, code: str) -> object:
    from wijkkompas.services.means.pages import area_means

    return ctx.cached("area_means", code, factory=lambda: area_means(ctx, code))


def _area_residents(ctx: ViewContext, code: str) -> object:
    from wijkkompas.services.residents.pages import area_residents

    return area_residents(ctx, code)


# --- comparing ------------------------------------------------------------------------------


@dataclass
class CompareArea:
    code: str
    name: str
    level_label: str
    gemeente_naam: str | None
    kader_naam: str | None
    url: str


@dataclass
class CompareRow:
    label: str
    unit: str
    cells: list[Shown]
    notes: list[str]


@dataclass
class CompareView:
    codes: list[str]
    areas: list[CompareArea]
    scores: list[CompareRow]
    indicators: list[CompareRow]
    notices: list[str]
    choices: dict[str, list[tuple[str, str]]]


def _choices(ctx: ViewContext, chosen: list[str] | None = None
             ) -> dict[str, list[tuple[str, str]]]:
    """Areas to choose from, per municipality: the municipality and its wijken; for a chosen
    buurt also the other buurten of its wijk."""
    areas = ctx.areas()
    out: dict[str, list[tuple[str, str]]] = {}
    for code in chosen or []:
        if code not in areas.index or areas.loc[code, "level"] != "neighbourhood":
            continue
        parent = areas.loc[code, "parent_code"]
        if not isinstance(parent, str) or parent not in areas.index:
            continue
        buurten = areas[(areas["parent_code"] == parent) & (areas["level"] == "neighbourhood")]
        out[_("Buurten in {name}").format(name=areas.loc[parent, "name"])] = [
            (str(c), str(n)) for c, n in buurten["name"].sort_values().items()]
    for gm in DEFAULT_PRESETS:
        if gm not in areas.index:
            continue
        wijken = areas[(areas["municipality_code"] == gm) & (areas["level"] == "district")]
        out[str(areas.loc[gm, "name"])] = [(gm, str(areas.loc[gm, "name"]))] + [
            (str(c), str(n)) for c, n in wijken["name"].items()]
    return out


def compare(ctx: ViewContext, codes: list[str]) -> CompareView:
    """Two to four areas side by side: scores, tiers and key indicators (newest year)."""
    codes = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
    if not codes:
        return CompareView([], [], [], [], [], _choices(ctx))
    if len(codes) == 1:
        # From a profile's "Vergelijken" button: the area is chosen, the picker adds others.
        area = ctx.area(codes[0])
        return CompareView(codes, [], [], [], [_(
            "Kies nog één tot drie gebieden om met {name} te vergelijken.").format(
            name=area["name"])], _choices(ctx, codes))
    if len(codes) > 4:
        raise ConfigError(_("Kies twee tot vier gebieden om te vergelijken (gekozen: {n}).").format(
            n=len(codes)))
    profiles = [area_profile(ctx, c) for c in codes]
    areas = [CompareArea(p.code, p.name, p.level_label, p.gemeente_naam, p.kader_naam,
                         link(f"/gebied/{p.code}")) for p in profiles]
    score_rows: dict[tuple[str, str], CompareRow] = {}
    for i, p in enumerate(profiles):
        for op in p.opgaven:
            key = (p.kader or "", op.code)
            row = score_rows.setdefault(key, CompareRow(
                f"{op.name} ({p.kader})", "", [show_score(None)] * len(profiles),
                [""] * len(profiles)))
            row.cells[i] = op.score
            row.notes[i] = op.tier or ""
    indicator_rows: dict[str, CompareRow] = {}
    for i, p in enumerate(profiles):
        for ind in p.indicators.rows:
            row = indicator_rows.setdefault(ind.code, CompareRow(
                ind.label, ind.unit, [show_score(None)] * len(profiles), [""] * len(profiles)))
            # Each indicator's most recent year with a value (or a "geheim" mark) for this area:
            # indicators are published in different years.
            for year, cell in zip(reversed(p.indicators.years), reversed(ind.trend),
                                  strict=True):
                if cell.status != "missing":
                    row.cells[i] = cell
                    row.notes[i] = str(year)
                    break
    notices = [f"{p.name}: {n}" for p in profiles for n in p.notices]
    return CompareView(codes, areas, list(score_rows.values()), list(indicator_rows.values()),
                       notices, _choices(ctx, codes))


def profile_frame(ctx: ViewContext, code: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The profile's indicator table as a frame for CSV/Excel (privacy applied)."""
    view = area_profile(ctx, code)
    records = []
    for row in view.indicators.rows:
        for year, shown in zip(view.indicators.years, row.trend, strict=True):
            records.append({"area_code": view.code, "name": view.name, "indicator": row.code,
                            "label": row.label, "unit": row.unit, "year": year,
                            "value": shown.value, "status": shown.status,
                            "shown": shown.text})
    meta = {"area": view.code, "framework": view.kader or "", **view.provenance,
            "attribution": CBS_ATTRIBUTION}
    return pd.DataFrame(records), meta


def fmt_rank(rank: int | None, n: int) -> str:
    return "–" if rank is None else _("{rank} van {n}").format(rank=format_number(rank), n=n)
