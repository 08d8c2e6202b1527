"""The "Middelen" page of a municipality (curve, quadrant, table, trend, per domain, what-if),
its table for CSV/Excel, and the block in the area profile. View models hold formatted text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkkompas import formatting as fmt
from wijkkompas.errors import ConfigError, NotFound
from wijkkompas.i18n import _, current_language
from wijkkompas.means.table import DOMAINS, domain_of
from wijkkompas.services.framework.overview import Chart
from wijkkompas.services.means.analysis import MeansAnalysis
from wijkkompas.services.means.charts import curve_figure, quadrant_figure
from wijkkompas.services.means.usecases import amounts, analyse_workspace
from wijkkompas.services.shared.context import (
    DEFAULT_MUNICIPALITY,
    DEFAULT_PRESETS,
    ViewContext,
    link,
)

ILLUSTRATION = "ILLUSTRATIE"


def domain_label(domain: str) -> str:
    labels = {"wmo": _("Wmo"), "jeugd": _("Jeugd"), "participatie": _("Participatie"),
              "openbare_ruimte": _("Openbare ruimte"), "veiligheid": _("Veiligheid"),
              "welzijn": _("Welzijn"), "onderwijs": _("Onderwijs"), "overig": _("Overig"),
              "totaal": _("Alle domeinen")}
    return labels.get(domain, domain)


def convention() -> str:
    return _("Concentratie-index (O'Donnell e.a. 2008): twee keer de naar inwoners gewogen "
             "covariantie van het bedrag per inwoner met de rang naar nood (van minste naar "
             "meeste nood), gedeeld door het gewogen gemiddelde bedrag per inwoner. Positief: "
             "het geld concentreert zich waar de nood het grootst is; negatief: waar die het "
             "kleinst is; 0: geen verband. De index ligt tussen −1 en 1.")


@dataclass
class MeansRow:
    code: str
    name: str
    url: str
    rank: int
    score: str
    tier: str
    amount: str
    inhabitants: str
    per_inhabitant: str
    quadrant: str


@dataclass
class DomainRow:
    domain: str
    label: str
    index: str
    total: str
    mean_per_inhabitant: str


@dataclass
class WhatIfRow:
    name: str
    before: str
    after: str
    difference: str
    difference_per_inhabitant: str


@dataclass
class WhatIf:
    domain: str
    label: str
    percent: str
    rule: str
    domain_index_before: str
    domain_index_after: str
    total_index_before: str
    total_index_after: str
    rows: list[WhatIfRow]
    caption: str = ""


@dataclass
class MeansView:
    gemeente: str
    gemeente_naam: str
    kader: str
    kader_naam: str
    opgave: str | None
    opgaven: list[tuple[str, str]]
    jaar: int | None
    jaren: list[int]
    domein: str | None
    domeinen: list[tuple[str, str]]
    convention: str
    index: float | None = None
    index_text: str = ""
    verdict: str = ""
    rows: list[MeansRow] = field(default_factory=list)
    domains: list[DomainRow] = field(default_factory=list)
    trend: list[tuple[int, str]] = field(default_factory=list)
    quadrants: list[tuple[str, list[str]]] = field(default_factory=list)
    curve: Chart | None = None
    quadrant_chart: Chart | None = None
    whatif: WhatIf | None = None
    illustration: str | None = None
    sources: list[str] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    empty: str | None = None


def _index(value: float | None) -> str:
    return fmt.number(value, 3) if fmt.finite(value) is not None else _("niet te berekenen")


def _default_municipality(ctx: ViewContext) -> str:
    """The default municipality that has regular means in euros (the demo: Enschede), else
    the app's default."""
    stored = amounts(ctx.ws, unit="euro")
    having = set(stored["municipality_code"].dropna())
    for gm in (DEFAULT_MUNICIPALITY, *DEFAULT_PRESETS):
        if gm in having:
            return gm
    return DEFAULT_MUNICIPALITY


def _resolve(ctx: ViewContext, gemeente: str | None, kader: str | None):  # noqa: ANN202
    gm = (gemeente or _default_municipality(ctx)).strip().upper()
    areas = ctx.areas()
    if gm not in areas.index or areas.loc[gm, "level"] != "municipality":
        raise NotFound(_("Gemeente {code} bestaat niet in deze database.").format(code=gm))
    preset = kader or DEFAULT_PRESETS.get(gm)
    if preset is None:
        raise NotFound(_("Voor deze gemeente is geen afwegingskader ingesteld."))
    return gm, str(areas.loc[gm, "name"]), ctx.scored(preset)


def _analysis(ctx: ViewContext, scored, opgave: str, year: int,  # noqa: ANN001
              domain: str | None) -> MeansAnalysis:
    # The warnings are in the request's language: one cached analysis per language.
    return ctx.cached("means", scored.preset, scored.framework.fingerprint(), opgave, year,
                      domain, current_language(), factory=lambda: analyse_workspace(
                          ctx.ws, scored.result, opgave=opgave, year=year, domain=domain))


def means_page(ctx: ViewContext, *, gemeente: str | None = None, kader: str | None = None,
               opgave: str | None = None, jaar: int | None = None, domein: str | None = None,
               herverdeel: str | None = None, procent: float | None = None) -> MeansView:
    gm, gm_name, scored = _resolve(ctx, gemeente, kader)
    fw, result = scored.framework, scored.result
    opgaven = [(o.code, o.name) for o in fw.opgaven]
    code = opgave or opgaven[0][0]
    if code not in dict(opgaven):
        raise NotFound(_("Onbekende opgave {code}.").format(code=code))
    if domein is not None and domain_of(domein) is None:
        raise ConfigError(_("Onbekend domein {domain}.").format(domain=domein))
    stored = amounts(ctx.ws, unit="euro", municipality=gm)
    years = sorted(int(y) for y in set(stored["year"]) & set(result.years))
    view = MeansView(gemeente=gm, gemeente_naam=gm_name, kader=scored.preset, kader_naam=fw.name,
                     opgave=code, opgaven=opgaven, jaar=None, jaren=years,
                     domein=domain_of(domein) if domein else None,
                     domeinen=[(d, domain_label(d)) for d in DOMAINS
                               if d in set(stored["domain"])], convention=convention())
    if not years:
        view.empty = _("Nog geen reguliere middelen in euro's voor {name} in een jaar met "
                       "scores. Importeer ze met 'wijkkompas middelen import'.").format(
            name=gm_name)
        return view
    if jaar is not None and jaar not in years:
        raise NotFound(_("Geen middelen en scores voor {year}; beschikbaar: {years}.").format(
            year=jaar, years=", ".join(map(str, years))))
    view.jaar = year = jaar or years[-1]
    analysis = _analysis(ctx, scored, code, year, view.domein)
    _fill(view, analysis, stored[stored["year"] == year])
    query = {"gemeente": gm, "kader": kader, "opgave": opgave, "jaar": jaar, "domein": domein}
    view.downloads = {"csv": link("/api/v1/middelen.csv", **query),
                      "xlsx": link("/api/v1/middelen.xlsx", **query)}
    if herverdeel:
        view.whatif = _whatif(analysis, herverdeel, 10.0 if procent is None else procent)
    return view


def _fill(view: MeansView, analysis: MeansAnalysis, stored: pd.DataFrame) -> None:
    areas = analysis.areas
    quadrant_of = {c: k for k, codes in analysis.quadrants.items() for c in codes}
    words = {"veel_nood_weinig_geld": _("veel nood, weinig geld"),
             "veel_nood_veel_geld": _("veel nood, veel geld"),
             "weinig_nood_veel_geld": _("weinig nood, veel geld"),
             "weinig_nood_weinig_geld": _("weinig nood, weinig geld")}
    view.index = analysis.index
    view.index_text = _index(analysis.index)
    view.rows = [MeansRow(code, str(r["name"]), link(f"/gebied/{code}"), int(r["rank"]),
                          fmt.score(r["score"]), str(r["tier"]), fmt.euros(r["amount"]),
                          fmt.count(r["inhabitants"]), fmt.euros(r["per_inhabitant"], cents=True),
                          words[quadrant_of[code]])
                 for code, r in areas.iterrows()]
    view.domains = [DomainRow(d.domain, domain_label(d.domain), _index(d.index),
                              fmt.euros(d.total),
                              fmt.euros(d.mean_per_inhabitant, cents=True))
                    for d in analysis.domains]
    view.trend = [(int(y), _index(v)) for y, v in analysis.trend.items()]
    view.quadrants = [(words[k], [str(areas.loc[c, "name"]) for c in analysis.quadrants[k]])
                      for k in ("veel_nood_weinig_geld", "weinig_nood_veel_geld")]
    if fmt.finite(analysis.index) is None:
        view.verdict = _("De index is niet te berekenen (geen geld of te weinig gebieden).")
    elif analysis.index > 0.05:
        view.verdict = _("Het geld concentreert zich in de gebieden met de meeste nood.")
    elif analysis.index < -0.05:
        view.verdict = _("Het geld concentreert zich in de gebieden met de minste nood.")
    else:
        view.verdict = _("Het geld volgt de rangorde naar nood nauwelijks.")
    names = areas["name"].astype(str).to_dict()
    view.curve = Chart("middelen-curve", curve_figure(
        analysis.curve, names, _("Concentratiecurve"), _("aandeel inwoners (meeste nood eerst)"),
        _("aandeel geld"), _("gelijke verdeling")), _(
        "Concentratiecurve: het cumulatieve aandeel geld tegen het cumulatieve aandeel inwoners, "
        "van de gebieden met de meeste nood naar die met de minste. Boven de diagonaal volgt "
        "het geld de nood. De tabel hieronder bevat dezelfde gegevens."))
    view.quadrant_chart = Chart("middelen-kwadrant", quadrant_figure(
        areas, names, analysis.high_need_tier, analysis.high_priority,
        float(analysis.domains[0].mean_per_inhabitant or 0.0), _("Nood en geld"),
        _("opgavescore (links: meeste nood)"), _("euro per inwoner"),
        _("gemiddelde")), _(
        "Spreidingsdiagram: per gebied de opgavescore tegen het bedrag per inwoner, met de "
        "klasse als symbool en het gewogen gemiddelde als lijn. De tabel hieronder bevat "
        "dezelfde gegevens."))
    sources = sorted({str(s) for s in stored["source"].dropna()})
    view.sources = sources
    if any(s.startswith(ILLUSTRATION) for s in sources):
        view.illustration = _("Illustratie: deze bedragen zijn afgeleid uit een gepubliceerde "
                              "sleutel met een aangenomen kostprijs, geen echte uitgaven.")
    view.warnings = list(analysis.warnings)


def _whatif(analysis: MeansAnalysis, domain: str, percent: float) -> WhatIf:
    moved, domain_after, total_after = analysis.whatif(domain, percent)
    before = next((d.index for d in analysis.domains if d.domain == moved.domain),
                  analysis.index)
    names = analysis.areas["name"]
    rows = [WhatIfRow(str(names[c]), fmt.euros(r["before"], cents=False),
                      fmt.euros(r["after"], cents=False),
                      fmt.signed(r["difference"]),
                      fmt.signed(r["difference"] / r["inhabitants"], 2))
            for c, r in moved.areas.iterrows()]
    return WhatIf(moved.domain, domain_label(moved.domain), fmt.number(percent, 0), _(
        "Elk gebied houdt {rest}% van zijn budget (de bodem); de vrijgekomen {x}% gaat naar de "
        "gebieden aan de noodkant van de referentiescore ({ref}), naar rato van inwoners maal "
        "afstand tot de referentie. Het totaal blijft gelijk. Een verkenning, geen besluit.").format(
        rest=fmt.number(100 - percent, 0), x=fmt.number(percent, 0),
        ref=fmt.score(moved.reference)),
        _index(before), _index(domain_after), _index(analysis.index), _index(total_after), rows,
        _("{domain}: {percent}% naar de nood, per gebied").format(
            domain=domain_label(moved.domain), percent=fmt.number(percent, 0)))


def means_frame(ctx: ViewContext, **query: str | int | None
                ) -> tuple[pd.DataFrame, dict[str, str]]:
    """The page's table for CSV/Excel: per area unrounded figures, plus provenance."""
    gm, _name, scored = _resolve(ctx, query.get("gemeente"), query.get("kader"))
    view = means_page(ctx, gemeente=gm, kader=query.get("kader"), opgave=query.get("opgave"),
                      jaar=query.get("jaar"), domein=query.get("domein"))
    if view.jaar is None:
        raise NotFound(view.empty or "")
    analysis = _analysis(ctx, scored, view.opgave, view.jaar, view.domein)
    frame = analysis.areas.reset_index().rename(columns={
        "area_code": "gebied", "name": "naam", "score": "score", "rank": "rang",
        "tier": "klasse", "amount": "bedrag", "inhabitants": "inwoners",
        "per_inhabitant": "bedrag_per_inwoner"})
    frame.insert(0, "jaar", view.jaar)
    meta = {"kader": scored.preset, "opgave": str(view.opgave), "jaar": str(view.jaar),
            "domein": view.domein or "alle domeinen",
            "concentratie_index": "" if analysis.index is None else repr(analysis.index),
            "conventie": convention(), "bronnen": "; ".join(view.sources)}
    return frame, meta


@dataclass
class AreaMeans:
    year: int
    rows: list[tuple[str, str, str]]  # domain label, this area, the city
    url: str
    illustration: str | None


def area_means(ctx: ViewContext, code: str) -> AreaMeans | None:
    """Money per inhabitant of one area against its municipality (the areas with amounts), by
    domain, in the newest year with euros; None when there are none."""
    areas = ctx.areas()
    if code not in areas.index:
        return None
    gm = areas.loc[code, "municipality_code"]
    if not isinstance(gm, str):
        return None
    stored = amounts(ctx.ws, unit="euro", municipality=gm)
    mine = stored[stored["area_code"] == code]
    if mine.empty:
        return None
    year = int(mine["year"].max())
    this = stored[(stored["year"] == year)
                  & stored["area_code"].isin(areas.index[areas["level"] == areas.loc[code,
                                                                                       "level"]])]
    obs = ctx.observations()
    try:
        inhabitants = obs.xs(("a_inw", year), level=("indicator", "year"))["value"]
    except KeyError:
        return None
    city = this[this["area_code"].isin(inhabitants.dropna().index)]
    if code not in set(city["area_code"]):
        return None
    rows = []
    for domain, part in [("totaal", city), *((d, city[city["domain"] == d])
                                             for d in DOMAINS if d in set(city["domain"]))]:
        own = part.loc[part["area_code"] == code, "amount"].sum()
        per_area = part.groupby("area_code")["amount"].sum()
        people = inhabitants.reindex(per_area.index)
        rows.append((domain_label(domain),
                     fmt.euros(own / inhabitants[code], cents=True),
                     fmt.euros(per_area.sum() / people.sum(), cents=True)))
    illustration = None
    if any(str(s).startswith(ILLUSTRATION) for s in mine["source"].dropna()):
        illustration = _("Illustratie: afgeleid uit een gepubliceerde sleutel met een "
                         "aangenomen kostprijs, geen echte uitgaven.")
    return AreaMeans(year, rows, link("/middelen", gemeente=gm), illustration)
