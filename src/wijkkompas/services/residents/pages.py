"""Wat de cijfers zeggen – wat bewoners zeggen: the profile block, the municipality page (map
and table) and their downloads.

The comparison itself is :func:`wijkkompas.residents.compare.compare`; this module picks the
framework (the municipality's default preset at the areas' level, or the wijk's scores for a
buurt when the framework scores wijken), caches the comparison per data version and puts it
into Dutch words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkkompas import __version__
from wijkkompas.errors import ConfigError
from wijkkompas.formatting import number, percent
from wijkkompas.i18n import _, current_language
from wijkkompas.residents import compare as cmp
from wijkkompas.residents.measures import INDEX_GAP, MIN_RESPONDENTS, PASS_MARK, TOP_THEMES
from wijkkompas.residents.themes import theme_name
from wijkkompas.services.framework.overview import (
    Chart,
    LegendItem,
    Option,
    choose_municipality,
)
from wijkkompas.services.residents.layer import (
    CLASS_COLOURS,
    CLASSES,
    area_classes,
    area_counts,
    class_labels,
    comparison,
)
from wijkkompas.services.shared.context import DEFAULT_PRESETS, LEVEL_PARAM, ViewContext, level_label, link
from wijkkompas.services.shared.formatting import show_score
from wijkkompas.services.shared.maps import NO_DATA, map_figure

FORMAT_VERSION = 1


def _verdict_texts() -> dict[str, str]:
    return {cmp.AGREE_NEED: _("eens: beide zien een opgave"),
            cmp.AGREE_NONE: _("eens: geen opgave"),
            cmp.DIFFERS_RESIDENTS: _("verschil: bewoners zien een opgave die de cijfers niet "
                                     "tonen"),
            cmp.DIFFERS_NUMBERS: _("verschil: de cijfers tonen een opgave die bewoners niet "
                                   "als prioriteit noemen"),
            cmp.NOT_MEASURED: _("niet te vergelijken: het kader meet dit thema hier niet")}


def _talk(verdict: str, residents_need: bool) -> str | None:
    if verdict == cmp.DIFFERS_RESIDENTS:
        return _("Reden om in gesprek te gaan: wat ervaren bewoners dat de registraties niet "
                 "laten zien?")
    if verdict == cmp.DIFFERS_NUMBERS:
        return _("Reden om in gesprek te gaan: herkennen bewoners wat de cijfers laten zien, "
                 "of speelt er voor hen iets anders?")
    if verdict == cmp.NOT_MEASURED and residents_need:
        return _("Reden om in gesprek te gaan: bewoners noemen een opgave waarvoor het kader "
                 "hier geen indicator heeft.")
    return None


@dataclass
class ResidentRow:
    """One theme of one area: what residents say beside what the numbers say."""

    area_code: str
    area_name: str
    url: str
    theme: str
    theme_name: str
    label: str
    year: int
    measure: str
    value: str  # formatted: "42%", "5,8", "87"
    respondents: str
    small_sample: str | None  # why the sample is small, when it is
    residents_need: bool
    residents: str
    numbers_need: bool | None
    numbers: str
    opgaven: list[str]
    verdict: str
    verdict_text: str
    differs: bool
    talk: str | None
    source: str


@dataclass
class AreaResidents:
    """The profile block "Wat de cijfers zeggen – wat bewoners zeggen"."""

    kader_naam: str | None
    rows: list[ResidentRow]
    counts: dict[str, int]
    notices: list[str]
    method: list[str]
    overview_url: str
    downloads: dict[str, str] = field(default_factory=dict)


@dataclass
class SummaryRow:
    code: str
    name: str
    url: str
    klasse: str
    klasse_label: str
    colour: str
    differs: int
    agree: int
    not_measured: int
    small_samples: int
    themes_differ: list[str]


@dataclass
class ResidentsOverview:
    gemeente: str
    gemeente_naam: str
    niveau: str
    kader_naam: str | None
    gemeenten: list[Option]
    niveaus: list[Option]
    notices: list[str]
    map: Chart | None
    legend: list[LegendItem]
    areas: list[SummaryRow]
    rows: list[ResidentRow]
    method: list[str]
    downloads: dict[str, str] = field(default_factory=dict)


def method_lines() -> list[str]:
    """How both sides are judged, in Dutch: shown under every table."""
    return [
        _("Cijfers: de indicatoren van het afwegingskader die bij het thema horen (in opgaven "
          "waar een lage score de opgave is). Gemiddeld slechter dan de referentie van het "
          "kader = een opgave. Daarnaast de score en klasse van die opgaven."),
        _("Bewoners: bij een aandeel dat het thema als prioriteit noemt een van de {n} meest "
          "genoemde thema's; bij een rapportcijfer lager dan {mark}; bij een index {gap} punten "
          "of meer onder 100.").format(n=TOP_THEMES, mark=number(PASS_MARK, 0),
                                       gap=number(INDEX_GAP, 0)),
        _("Kleine steekproef: minder dan {n} respondenten, of een brede marge. Een verschil "
          "is dan een vraag, geen conclusie.").format(n=MIN_RESPONDENTS),
        _("Een verschil zegt niet wie gelijk heeft: het is een reden om met bewoners in "
          "gesprek te gaan, zoals het verschil tussen registratie en beleving in de monitor."),
    ]


def _need_rule(measure: str, need: bool) -> str:
    """The rule that made residents see a need on a theme, or not (see
    :mod:`wijkkompas.residents.measures`)."""
    if measure == "rapportcijfer":
        return (_("rapportcijfer lager dan {mark}") if need else
                _("rapportcijfer {mark} of hoger")).format(mark=number(PASS_MARK, 0))
    if measure == "index":
        return (_("{gap} punten of meer onder 100") if need else
                _("minder dan {gap} punten onder 100")).format(gap=number(INDEX_GAP, 0))
    return (_("een van de {n} meest genoemde thema's") if need else
            _("niet bij de {n} meest genoemde thema's")).format(n=TOP_THEMES)


def _value_text(measure: str, value: float) -> str:
    if measure == "aandeel":
        return percent(value, 0)
    return number(value, 1 if measure == "rapportcijfer" else 0)


def _rows(ctx: ViewContext, table: pd.DataFrame) -> list[ResidentRow]:
    from wijkkompas.data.catalogue import load_catalogue

    cat = load_catalogue()
    areas = ctx.areas()
    verdicts = _verdict_texts()
    measures = {"aandeel": _("aandeel dat het als prioriteit noemt"),
                "rapportcijfer": _("rapportcijfer"), "index": _("index (100 = de stad)")}
    out = []
    for rec in table.itertuples(index=False):
        n = rec.respondents
        n_text = number(n, 0) if n is not None and pd.notna(n) else _("onbekend")
        small = None
        if rec.small_sample:
            margin = (_(", marge ± {m}").format(m=number(rec.margin, 1))
                      if rec.margin is not None and pd.notna(rec.margin) else "")
            small = _("kleine steekproef (n = {n}{margin}): lees een verschil als een vraag"
                      ).format(n=n_text, margin=margin)
        residents = (_("ziet een opgave") if rec.residents_need else _("ziet geen opgave")) + \
            f" ({_need_rule(rec.measure, bool(rec.residents_need))})"
        if rec.numbers_need is None:
            numbers = (_("het kader meet dit thema hier niet") if not rec.indicators
                       else _("geen waarden voor dit gebied"))
        else:
            numbers = (_("opgave") if rec.numbers_need else _("geen opgave")) + " " + _(
                "({below} van {n} indicatoren slechter dan de referentie, {year})").format(
                below=int(rec.n_below), n=int(rec.n_indicators), year=int(rec.numbers_year))
        opgaven = [f"{o['name']}: {show_score(o['score']).text}"
                   + (f" ({o['tier']})" if o["tier"] else "") for o in rec.opgaven]
        code = str(rec.area_code)
        out.append(ResidentRow(
            code, str(areas["name"].get(code, code)), link(f"/gebied/{code}"), rec.theme,
            theme_name(cat, rec.theme, current_language()), rec.label, int(rec.year),
            measures.get(rec.measure, rec.measure), _value_text(rec.measure, rec.value), n_text,
            small, bool(rec.residents_need), residents,
            None if rec.numbers_need is None else bool(rec.numbers_need), numbers, opgaven,
            rec.verdict, verdicts[rec.verdict], rec.verdict in cmp.DISAGREE,
            _talk(rec.verdict, bool(rec.residents_need)), str(rec.source)))
    return out


def area_residents(ctx: ViewContext, code: str) -> AreaResidents | None:
    """The profile block of one area; None when residents have said nothing about it."""
    area = ctx.area(code)
    code = str(area.name)
    gm = area["municipality_code"] if isinstance(area["municipality_code"], str) else None
    table, scored, notices = comparison(ctx, gm, str(area["level"]))
    mine = table[table["area_code"] == code]
    if mine.empty:
        return None
    counts = mine["verdict"].value_counts()
    niveau = {v: k for k, v in LEVEL_PARAM.items()}.get(str(area["level"]))
    return AreaResidents(
        kader_naam=scored.framework.name if scored else None, rows=_rows(ctx, mine),
        counts={v: int(counts.get(v, 0)) for v in cmp.VERDICTS}, notices=notices,
        method=method_lines(),
        overview_url=link("/bewoners", gemeente=gm, niveau=niveau) if gm and niveau else "",
        downloads={fmt: link(f"/api/v1/bewoners.{fmt}", gebied=code) for fmt in ("csv", "xlsx")})


def _summary(ctx: ViewContext, table: pd.DataFrame) -> list[SummaryRow]:
    if table.empty:
        return []
    labels = class_labels()
    classes = area_classes(table)
    counts = area_counts(table)
    differing = table[table["verdict"].isin(cmp.DISAGREE)].groupby("area_code")["label"].agg(
        lambda s: sorted(set(s)))
    names = ctx.areas()["name"]
    out = []
    for code, rec in counts.iterrows():
        klass = classes[code]
        differs, comparable = int(rec["differs"]), int(rec["comparable"])
        out.append(SummaryRow(
            code, str(names.get(code, code)), link(f"/gebied/{code}"), klass, labels[klass],
            CLASS_COLOURS[klass], differs, comparable - differs, int(rec["rows"]) - comparable,
            int(rec["small"]), list(differing.get(code, []))))
    order = {k: i for i, k in enumerate(CLASSES)}
    out.sort(key=lambda r: (order[r.klasse], -r.differs, r.name))
    return out


def residents_overview(ctx: ViewContext, *, gemeente: str | None = None,
                       niveau: str = "buurt") -> ResidentsOverview:
    """The page /bewoners: where residents see it differently from the numbers."""
    if niveau not in LEVEL_PARAM:
        raise ConfigError(_("niveau moet 'wijk' of 'buurt' zijn (kreeg {v!r})").format(v=niveau))
    gm, gm_name = choose_municipality(ctx, gemeente)
    level = LEVEL_PARAM[niveau]
    table, scored, notices = comparison(ctx, gm, level)
    notices = list(notices)
    if table.empty:
        notices.append(_("Voor {gm} zijn op niveau {level} geen bewonersgegevens geïmporteerd "
                         "(wijkkompas bewoners import BESTAND).").format(
            level=level_label(level), gm=gm_name))
    summary = _summary(ctx, table)
    # The themes follow the areas' order: where residents and numbers differ first.
    order = {r.code: i for i, r in enumerate(summary)}
    rows = sorted(_rows(ctx, table), key=lambda r: order.get(r.area_code, len(order)))
    shapes = ctx.shapes(gm, level)
    by_code = {r.code: r for r in summary}
    labels = class_labels()
    chart = None
    if shapes:
        fills = {c: r.colour for c, r in by_code.items()}
        names = {s.code: f"{s.name}: {by_code[s.code].klasse_label}" if s.code in by_code
                 else f"{s.name}: {labels['geen']}" for s in shapes}
        chart = Chart("kaart-bewoners", map_figure(
            shapes, fills, names, {s.code: link(f"/gebied/{s.code}") for s in shapes}),
            _("Kaart van {gm} per {level}: waar bewoners iets anders vinden dan de cijfers. "
              "De tabel 'Per gebied' ernaast bevat dezelfde gegevens.").format(
                gm=gm_name, level=level_label(level)))
    counts: dict[str, int] = {}
    for row in summary:
        counts[row.klasse] = counts.get(row.klasse, 0) + 1
    legend = [LegendItem(labels[k], CLASS_COLOURS[k], counts.get(k, 0)) for k in CLASSES]
    legend.append(LegendItem(labels["geen"], NO_DATA,
                             sum(s.code not in by_code for s in shapes)))
    return ResidentsOverview(
        gemeente=gm, gemeente_naam=gm_name, niveau=niveau,
        kader_naam=scored.framework.name if scored else None,
        gemeenten=[Option(c, str(n), c == gm) for c, n in ctx.municipalities()["name"].items()
                   if c in DEFAULT_PRESETS],
        niveaus=[Option("wijk", _("wijk"), niveau == "wijk"),
                 Option("buurt", _("buurt"), niveau == "buurt")],
        notices=notices, map=chart, legend=legend, areas=summary, rows=rows,
        method=method_lines(),
        downloads={fmt: link(f"/api/v1/bewoners.{fmt}", gemeente=gm, niveau=niveau)
                   for fmt in ("csv", "xlsx")})


def residents_frame(ctx: ViewContext, *, gemeente: str | None = None, niveau: str = "buurt",
                    gebied: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The comparison as a flat table for CSV/Excel, for one area or a municipality."""
    if gebied:
        block = area_residents(ctx, gebied)
        rows = block.rows if block else []
        kader = block.kader_naam if block else None
        scope = {"gebied": str(ctx.area(gebied).name)}
    else:
        view = residents_overview(ctx, gemeente=gemeente, niveau=niveau)
        rows, kader = view.rows, view.kader_naam
        scope = {"gemeente": view.gemeente, "niveau": view.niveau}
    columns = ["area_code", "name", "theme", "label", "year", "measure", "value",
               "respondents", "small_sample", "residents", "numbers", "opgaven", "verdict",
               "verdict_text", "talk", "source"]
    frame = pd.DataFrame([{
        "area_code": r.area_code, "name": r.area_name, "theme": r.theme_name,
        "label": r.label, "year": r.year, "measure": r.measure, "value": r.value,
        "respondents": r.respondents, "small_sample": r.small_sample or "",
        "residents": r.residents, "numbers": r.numbers, "opgaven": "; ".join(r.opgaven),
        "verdict": r.verdict, "verdict_text": r.verdict_text, "talk": r.talk or "",
        "source": r.source} for r in rows], columns=columns)
    meta = {"format_version": str(FORMAT_VERSION), **scope, "kader": kader or "",
            "tool_version": __version__,
            "method": " ".join(method_lines())}
    return frame, meta
