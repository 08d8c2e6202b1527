"""View models of the Data page, the framework page and the plain lists (areas, indicators)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.errors import NotFound
from wijkkompas.formatting import percent
from wijkkompas.i18n import _
from wijkkompas.services.framework.overview import Option
from wijkkompas.services.shared.context import ViewContext, level_label, link
from wijkkompas.services.shared.formatting import format_number
from wijkkompas.services.shared.methods import method_text, step_label

CBS_LICENCE = "CC BY 4.0"
CBS_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


@dataclass
class CoverageRow:
    gemeente: str
    gemeente_naam: str
    niveau: str
    year: int
    areas_with_data: int
    areas_total: int
    values: int
    suppressed: int
    missing: int


@dataclass
class ImportRunRow:
    id: int
    kind: str
    file: str
    started: str
    user: str
    years: list[int]
    values: int
    suppressed: int
    missing: int
    inserted: int
    changed: int
    warnings: int


@dataclass
class SourceRow:
    source: str
    indicators: int


@dataclass
class DataView:
    attribution: str
    licence: str
    licence_url: str
    provenance_url: str
    sources: list[SourceRow]
    years: list[int]
    boundary_years: list[int]
    coverage: list[CoverageRow]
    import_runs: list[ImportRunRow]
    totals: dict[str, int] = field(default_factory=dict)


def _coverage(ctx: ViewContext) -> list[CoverageRow]:
    rows = ctx.cache.get(("coverage", ctx.db_key, ctx.version()), lambda: _coverage_rows(ctx))
    return [CoverageRow(r.gemeente, r.gemeente_naam, level_label(r.niveau), r.year,
                        r.areas_with_data, r.areas_total, r.values, r.suppressed, r.missing)
            for r in rows]


def _coverage_rows(ctx: ViewContext) -> list[CoverageRow]:
    obs = ctx.observations().reset_index()
    areas = ctx.areas()
    obs["level"] = obs["area_code"].map(areas["level"])
    obs["gemeente"] = obs["area_code"].map(areas["municipality_code"])
    obs = obs[obs["level"].isin(["municipality", "district", "neighbourhood"])]
    stats = pd.crosstab([obs["gemeente"], obs["level"], obs["year"]], obs["status"]).reindex(
        columns=["ok", "suppressed", "missing"], fill_value=0).rename(columns={"ok": "values"})
    with_data = obs[obs["status"] == "ok"].groupby(["gemeente", "level", "year"])[
        "area_code"].nunique()
    totals = areas.groupby(["municipality_code", "level"]).size()
    order = {"municipality": 0, "district": 1, "neighbourhood": 2}
    rows = []
    for (gm, level, year), rec in stats.iterrows():
        rows.append(CoverageRow(
            str(gm), str(areas["name"].get(gm, gm)), str(level), int(year),
            int(with_data.get((gm, level, year), 0)), int(totals.get((gm, level), 0)),
            int(rec["values"]), int(rec["suppressed"]), int(rec["missing"])))
    rows.sort(key=lambda r: (r.gemeente_naam, order.get(r.niveau, 9), r.year))
    return rows


def data_overview(ctx: ViewContext) -> DataView:
    """Sources, years, coverage, import history and attribution."""
    runs = ctx.ws.import_runs()
    run_rows = [ImportRunRow(
        int(i), str(r["kind"]), str(r["file_name"]), str(r["started_at"])[:19], str(r["user"]),
        list(r["years"] or []), int(r["values"] or 0), int(r["suppressed"] or 0),
        int(r["missing"] or 0), int(r["inserted"] or 0), int(r["changed"] or 0),
        len(r["warnings"] or [])) for i, r in runs.iterrows()]
    indicators = ctx.indicators()
    obs = ctx.observations()
    used = indicators.reindex(sorted(set(obs.index.get_level_values("indicator"))))
    sources = used["source"].fillna("CBS Kerncijfers wijken en buurten").value_counts()
    status = obs["status"].value_counts()
    return DataView(
        attribution=_("Bron: CBS. Kerncijfers wijken en buurten en de Wijk- en buurtkaart van "
                      "het Centraal Bureau voor de Statistiek, onder licentie {licence}.").format(
            licence=CBS_LICENCE),
        licence=CBS_LICENCE, licence_url=CBS_LICENCE_URL, provenance_url=link("/data/herkomst"),
        sources=[SourceRow(str(s), int(n)) for s, n in sources.items()],
        years=sorted(int(y) for y in obs.index.get_level_values("year").unique()),
        boundary_years=ctx.ws.boundary_years(), coverage=_coverage(ctx), import_runs=run_rows,
        totals={"values": int(status.get("ok", 0)), "suppressed": int(status.get("suppressed", 0)),
                "missing": int(status.get("missing", 0)), "areas": len(ctx.areas()),
                "indicators": len(used)},
    )


@dataclass
class ProvenancePage:
    """The provenance description (Markdown) for the page /data/herkomst and its JSON twin."""

    title: str
    markdown: str
    data_url: str


def provenance_page() -> ProvenancePage:
    return ProvenancePage(_("Herkomst van de demodata"), provenance_text(), link("/data"))


def provenance_text() -> str:
    """The demo data's PROVENANCE.md."""
    from wijkkompas.demo import data_dir

    path = data_dir() / "PROVENANCE.md"
    if not path.exists():
        raise NotFound(_("Geen herkomstbeschrijving gevonden."))
    return path.read_text("utf-8")


# --- framework ------------------------------------------------------------------------------


@dataclass
class IndicatorDef:
    code: str
    label: str
    weight: float
    direction: str
    denominator: str | None


@dataclass
class ThemeDef:
    code: str
    name: str
    weight: float
    indicators: list[IndicatorDef]


@dataclass
class OpgaveDef:
    code: str
    name: str
    description: str
    weight: float
    priority_when: str
    themes: list[ThemeDef]


@dataclass
class FrameworkView:
    preset: str
    presets: list[Option]
    id: str
    name: str
    version: int
    description: str
    modelled_on: str | None
    level: str
    municipalities: list[str]
    years: list[int]
    steps: dict[str, str]
    anchor: str
    reference: str
    screen: str
    priority: str
    tiers: list[str]
    opgaven: list[OpgaveDef]
    fingerprint: str
    yaml: str
    peiljaar: str | None = None  # "per indicator de recentste waarde tot 4 jaar eerder"
    levels: list[str] = field(default_factory=list)  # the levels it scores (wijk, buurt)
    assessment: str | None = None  # who gets no priority tier
    approach: list[dict[str, str]] = field(default_factory=list)  # the typology's rules


def _priority_text(prio) -> str:  # noqa: ANN001
    """The priority rule in words: cut-offs on the score, shares of the areas, or a top n."""
    if prio.type == "threshold" and prio.relative_to_reference:
        return _("grenzen op de score, als deel van de referentiescore: {cuts}").format(
            cuts=", ".join(percent(c) for c in prio.cuts))
    if prio.type == "threshold":
        return _("grenzen op de score: {cuts}").format(
            cuts=", ".join(format_number(c, 1) for c in prio.cuts))
    if prio.type == "top_n":
        return _("de {n} gebieden met de laagste score").format(n=prio.n)
    return _("aandeel van de gebieden: {cuts}").format(
        cuts=", ".join(percent(c, fraction=True) for c in prio.cuts))


def framework_view(ctx: ViewContext, preset: str) -> FrameworkView:
    """A framework in readable form (the what-if controls come later)."""
    from wijkkompas.services.framework.overview import _kader_choices

    fw = ctx.framework(preset)  # a preset or a saved version (preset@n); unknown: NotFound
    indicators = ctx.indicators()
    directions = {"higher_better": _("hoger is beter"), "higher_worse": _("hoger is slechter")}

    def ind_label(spec) -> str:  # noqa: ANN001
        if spec.label:
            return spec.label
        return str(indicators["label_nl"].get(spec.code, spec.code))

    def direction(spec) -> str:  # noqa: ANN001
        d = spec.direction or str(indicators["direction"].get(spec.code, "neutral"))
        return directions.get(d, _("neutraal"))

    ref = fw.reference
    # The year the reference is taken from, as the scoring picks it (score.reference_values):
    # its own year, else the base year, else the first scored year.
    ref_year = ref.year or (fw.anchor.year if fw.anchor.type == "base_year" else None)
    if ref_year is None:
        ref_year = min(fw.years) if fw.years else ctx.scored(preset).result.years[0]
    ref_text = {"municipality": _("gemeente {code} in {year}"),
                "national": _("Nederland in {year}"),
                "municipalities": _("gemiddelde van {codes} in {year}"),
                "areas_mean": _("gemiddelde van de gescoorde gebieden in {year}"),
                "fixed": _("vaste waarden per indicator")}[ref.type].format(
        code=ref.municipality, year=ref_year, codes=", ".join(ref.codes))
    anchor = {"base_year": _("basisjaar {year}"), "pooled": _("alle jaren samen"),
              "per_year": _("elk jaar apart (niet vergelijkbaar over jaren)")}[
        fw.anchor.type].format(year=fw.anchor.year)
    prio = fw.priority
    return FrameworkView(
        preset=preset, presets=[Option(v, label, v == preset) for v, label in _kader_choices(ctx)],
        id=fw.id,
        name=fw.name, version=fw.version, description=fw.description.strip(),
        modelled_on=fw.modelled_on, level=level_label(fw.level),
        municipalities=list(fw.municipalities), years=list(fw.years),
        steps={step_label(k): method_text(k, getattr(fw.steps, k).method,
                                          dict(getattr(fw.steps, k).params or {}))
               for k in ("impute", "treat", "normalise", "weight", "aggregate")},
        anchor=anchor, reference=ref_text,
        screen=_("minimaal {pop} inwoners, minimaal {share}% van de gegevens").format(
            pop=fw.screen.min_population, share=format_number(fw.screen.min_data_share * 100)),
        priority=_priority_text(prio),
        tiers=prio.tier_labels(),
        opgaven=[OpgaveDef(op.code, op.name, op.description, op.weight, op.priority_when, [
            ThemeDef(th.code, th.name, th.weight, [
                IndicatorDef(i.code, ind_label(i), i.weight, direction(i), i.denominator)
                for i in th.indicators]) for th in op.themes]) for op in fw.opgaven],
        fingerprint=fw.fingerprint(), yaml=fw.to_yaml(),
        peiljaar=_("per indicator de recentste waarde uit het peiljaar of tot {n} jaar eerder, "
                   "met het jaar erbij").format(n=fw.peiljaar.window)
        if fw.peiljaar is not None else None,
        levels=[level_label(lv) for lv in fw.level_names()],
        assessment=_assessment_text(prio),
        approach=[{"aanpak": r.approach, "wanneer": r.description or ""}
                  for r in fw.approach.rules] + [{"aanpak": fw.approach.default, "wanneer": ""}]
        if fw.approach is not None else [],
    )


def _assessment_text(prio) -> str | None:  # noqa: ANN001
    """Who gets no priority tier, in words."""
    parts = []
    if prio.min_population:
        parts.append(_("minder dan {n} inwoners (of onbekend)").format(n=prio.min_population))
    if prio.min_households:
        parts.append(_("minder dan {n} huishoudens").format(n=prio.min_households))
    if prio.max_establishments_per_inhabitant:
        parts.append(_("meer dan {n} bedrijfsvestiging per inwoner (bedrijventerrein, haven)"
                       ).format(n=format_number(prio.max_establishments_per_inhabitant, 1)))
    return "; ".join(parts) or None


# --- lists ----------------------------------------------------------------------------------


@dataclass
class AreaItem:
    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    gemeente: str | None
    years: list[int]
    url: str


@dataclass
class AreasView:
    count: int
    areas: list[AreaItem]


def area_list(ctx: ViewContext, *, gemeente: str | None = None, niveau: str | None = None
              ) -> AreasView:
    areas = ctx.areas()
    if gemeente:
        areas = areas[areas["municipality_code"] == gemeente.upper()]
    if niveau:
        levels = {"gemeente": "municipality", "wijk": "district", "buurt": "neighbourhood",
                  "gebied": "custom", "land": "country"}
        areas = areas[areas["level"] == levels.get(niveau, niveau)]
    items = [AreaItem(str(c), str(r["name"]), str(r["level"]), level_label(str(r["level"])),
                      r["parent_code"] if isinstance(r["parent_code"], str) else None,
                      r["municipality_code"] if isinstance(r["municipality_code"], str) else None,
                      [int(y) for y in r["years"]], link(f"/gebied/{c}"))
             for c, r in areas.iterrows()]
    return AreasView(len(items), items)


@dataclass
class IndicatorItem:
    code: str
    label_nl: str
    label_en: str
    unit: str
    theme: str
    direction: str
    source: str | None
    sensitive: bool


@dataclass
class IndicatorsView:
    count: int
    indicators: list[IndicatorItem]


def indicator_list(ctx: ViewContext) -> IndicatorsView:
    table = ctx.indicators()
    items = [IndicatorItem(str(c), str(r["label_nl"]), str(r["label_en"]), str(r["unit"]),
                           str(r["theme"]), str(r["direction"]),
                           r["source"] if isinstance(r["source"], str) else None,
                           bool(r["sensitive"])) for c, r in table.iterrows()]
    return IndicatorsView(len(items), items)


def observation_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in frame["status"].value_counts().items()}
