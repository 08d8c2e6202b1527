"""The overview page (map, ranking, koppelkansen) and the building blocks every page model uses.

View models: one function per page, returning a typed dataclass.

The HTML page renders the dataclass, its JSON twin under ``/api/v1`` serialises the very same
object (:func:`to_dict`), so a page and its API answer cannot disagree. No scoring happens here:
results come from :meth:`ViewContext.scored` (cached), observations are shown only through
:func:`wijkkompas.services.shared.formatting.show_observation`.

The overview lives here; the profile in :mod:`wijkkompas.services.areas.profile`; the data,
framework and list pages in :mod:`wijkkompas.services.data.pages`; downloads in
:mod:`wijkkompas.services.framework.downloads`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.demo import MUNICIPALITIES
from wijkkompas.errors import ConfigError, FrameworkError, NotFound
from wijkkompas.framework.presets import preset_names
from wijkkompas.i18n import _
from wijkkompas.services.shared.context import (
    DEFAULT_MUNICIPALITY,
    DEFAULT_PRESETS,
    LEVEL_PARAM,
    Scored,
    ViewContext,
    level_label,
    link,
    load_preset,
)
from wijkkompas.services.shared.formatting import Shown, format_number, show_score
from wijkkompas.services.shared.maps import (
    CLASS_COLOURS,
    NO_DATA,
    approach_colours,
    map_figure,
    tier_colours,
)

COLOUR_MODES = ("klasse", "score", "aanpak", "bewoners")


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass
class Chart:
    """A plotly.js figure with its text alternative (the table next to it carries the data)."""

    id: str
    figure: dict
    alt: str


@dataclass
class LegendItem:
    label: str
    colour: str
    count: int


@dataclass
class RankRow:
    """One row of a priority list. ``rank`` is the priority rank: 1 = the most urgent area
    (the lowest score); ``score_rank`` is the score's own rank (1 = the highest score)."""

    code: str
    name: str
    url: str
    score: Shown
    rank: int | None
    tier: str | None
    tier_index: int | None
    colour: str  # on the map: by class, score band or approach (the chosen colouring)
    score_rank: int | None = None
    tier_colour: str = NO_DATA  # the class swatch keeps its class colour in either colouring
    not_assessed: str | None = None  # why the area gets no tier ("te weinig bewoners ...")
    approach: str | None = None  # the framework's aanpak for the area, if it has a typology


@dataclass
class KoppelRow:
    code: str
    name: str
    url: str
    flags: list[bool]
    count: int
    tiers: list[str | None] = field(default_factory=list)  # per opgave: its tier if flagged


@dataclass
class Koppelkansen:
    opgaven: list[Option]
    rows: list[KoppelRow]
    summary: list[dict[str, Any]]  # combinations of two or more opgaven only
    tiers: list[str] = field(default_factory=list)  # the tiers that count (all but the last)


@dataclass
class ApproachRow:
    """One area in the approach matrix: its tier per opgave and the approach they give."""

    code: str
    name: str
    url: str
    tiers: list[str | None]
    approach: str | None
    explanation: str
    colour: str


@dataclass
class ApproachMatrix:
    name: str
    opgaven: list[Option]
    rows: list[ApproachRow]
    rules: list[dict[str, str]]  # the typology as written in the framework, for the legend


@dataclass
class OverviewView:
    gemeente: str
    gemeente_naam: str
    kader: str
    kader_naam: str
    opgave: str
    opgave_naam: str
    jaar: int | None
    niveau: str
    aanpak_naam: str | None  # the framework's approach typology, if it has one
    kleur: str
    gemeenten: list[Option]
    kaders: list[Option]
    opgaven: list[Option]
    jaren: list[Option]
    niveaus: list[Option]
    kleuren: list[Option]
    notices: list[str]
    ranking: list[RankRow]
    legend: list[LegendItem]
    breaks: list[float]
    map: Chart | None
    koppelkansen: Koppelkansen | None
    provenance: dict[str, str]
    warnings: list[str]
    downloads: dict[str, str] = field(default_factory=dict)
    aanpak: ApproachMatrix | None = None


_PLAIN = frozenset({float, int, str, bool})


def to_dict(view: Any) -> Any:
    """A view dataclass as JSON-ready data (NaN -> None, numpy -> Python)."""
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        return {f.name: to_dict(getattr(view, f.name)) for f in dataclasses.fields(view)}
    if isinstance(view, dict):
        return {str(k): to_dict(v) for k, v in view.items()}
    if isinstance(view, list | tuple):
        if all(v is None or type(v) in _PLAIN for v in view):  # fast path: coordinates
            return [None if type(v) is float and not math.isfinite(v) else v for v in view]
        return [to_dict(v) for v in view]
    if isinstance(view, np.generic):
        view = view.item()
    if isinstance(view, float) and not math.isfinite(view):
        return None
    return view


def _options(values: list[tuple[str, str]], selected: str) -> list[Option]:
    return [Option(v, label, v == selected) for v, label in values]


def choose_municipality(ctx: ViewContext, gemeente: str | None) -> tuple[str, str]:
    munis = ctx.municipalities()
    code = (gemeente or DEFAULT_MUNICIPALITY).strip().upper()
    if code not in munis.index:
        if munis.empty:
            raise NotFound(_("Deze database heeft nog geen gemeenten; laad gegevens, "
                             "bijvoorbeeld met 'wijkkompas demo'."))
        raise NotFound(_("Gemeente {code} bestaat niet in deze database.").format(code=code))
    return code, str(munis.loc[code, "name"])


def choose_preset(gemeente: str, kader: str | None, notices: list[str],
                  ctx: ViewContext | None = None) -> str:
    """The requested preset (or saved version ``preset@n``) if it scores this municipality,
    else the municipality's default."""
    default = DEFAULT_PRESETS.get(gemeente)
    if kader:
        fw = ctx.framework(kader) if ctx is not None else load_preset(kader)
        if not fw.municipalities or gemeente in fw.municipalities:
            return kader
        notices.append(_("Kader {name} hoort bij een andere gemeente; het standaardkader van "
                         "deze gemeente wordt getoond.").format(name=fw.name))
    if default is None:
        raise NotFound(_("Geen afwegingskader voor gemeente {code}.").format(code=gemeente))
    return default


def _kader_choices(ctx: ViewContext) -> list[tuple[str, str]]:
    """Presets and their saved versions (``rotterdam@2``) as (value, label)."""
    saved = ctx.saved_versions()
    out: list[tuple[str, str]] = []
    for p in preset_names():
        # The framework's name without its parenthesised detail, e.g. "Rotterdam-stijl wijkprofiel".
        label = load_preset(p).name.split(" (")[0]
        out.append((p, label))
        out.extend((v.key, _("{preset}, opgeslagen versie {n}").format(preset=label, n=v.version))
                   for v in saved if v.preset == p)
    return out


def tier_index(scored: Scored, tier: Any) -> int | None:
    labels = scored.tier_labels()
    return labels.index(tier) if isinstance(tier, str) and tier in labels else None


def _approach_palette(scored: Scored) -> dict[str, str]:
    spec = scored.framework.approach
    if spec is None:
        return {}
    return approach_colours([r.approach for r in spec.rules], spec.default)


def _colour_of(scored: Scored, opgave: str, mode: str, score: float | None,
               tier: Any, approach: str | None = None) -> str:
    if mode == "aanpak":
        return _approach_palette(scored).get(approach or "", NO_DATA)
    if mode == "score":
        if score is None:
            return NO_DATA
        klass = int(np.searchsorted(scored.breaks.get(opgave, []), score, side="right"))
        return CLASS_COLOURS[min(klass, len(CLASS_COLOURS) - 1)]
    idx = tier_index(scored, tier)
    return tier_colours(len(scored.tier_labels()))[idx] if idx is not None else NO_DATA


def _legend(scored: Scored, opgave: str, mode: str, rows: list[RankRow],
            unscored_shapes: int = 0) -> list[LegendItem]:
    """Legend items with the number of areas per colour (map areas without a score count as
    'geen score')."""
    counts: dict[str, int] = {NO_DATA: unscored_shapes}
    for row in rows:
        counts[row.colour] = counts.get(row.colour, 0) + 1
    items = []
    if mode == "aanpak":
        for name, colour in _approach_palette(scored).items():
            items.append(LegendItem(name, colour, counts.get(colour, 0)))
    elif mode == "score":
        breaks = scored.breaks.get(opgave, [])
        edges = [None, *breaks, None]
        for i in range(len(breaks) + 1):
            lo, hi = edges[i], edges[i + 1]
            if lo is None:
                label = _("lager dan {v}").format(v=format_number(hi, 1))
            elif hi is None:
                label = _("{v} of hoger").format(v=format_number(lo, 1))
            else:
                label = f"{format_number(lo, 1)} – {format_number(hi, 1)}"
            colour = CLASS_COLOURS[min(i, len(CLASS_COLOURS) - 1)]
            items.append(LegendItem(label, colour, counts.get(colour, 0)))
    else:
        colours = tier_colours(len(scored.tier_labels()))
        for label, colour in zip(scored.tier_labels(), colours, strict=True):
            items.append(LegendItem(label, colour, counts.get(colour, 0)))
    items.append(LegendItem(_("geen aanpak (niet beoordeeld of geen score)") if mode == "aanpak"
                            else _("geen score"), NO_DATA, counts.get(NO_DATA, 0)))
    return items


def _residents_legend(residents: dict[str, tuple[str, str, str]], shapes: list) -> list[LegendItem]:
    """The legend of the residents' layer, with the number of areas per class on the map."""
    from wijkkompas.services.residents.layer import CLASS_COLOURS, CLASSES, class_labels

    labels = class_labels()
    drawn = [residents.get(s.code, ("geen",))[0] for s in shapes]
    return [LegendItem(labels[k], CLASS_COLOURS[k], drawn.count(k)) for k in CLASSES] + [
        LegendItem(labels["geen"], NO_DATA, drawn.count("geen"))]


def ranking_rows(ctx: ViewContext, scored: Scored, opgave: str, year: int,
                 mode: str = "klasse") -> list[RankRow]:
    frame = ctx.derived(scored, "ranking", opgave, year)
    rows = []
    for code, rec in frame.iterrows():
        shown = show_score(rec["score"])
        rank = None if pd.isna(rec["priority_rank"]) else int(rec["priority_rank"])
        score_rank = None if pd.isna(rec["rank"]) else int(rec["rank"])
        tier = rec["tier"] if isinstance(rec["tier"], str) else None
        reason = rec.get("not_assessed")
        approach = rec.get("approach")
        approach = approach if isinstance(approach, str) else None
        rows.append(RankRow(str(code), str(rec["name"]), link(f"/gebied/{code}"), shown, rank,
                            tier, tier_index(scored, tier),
                            _colour_of(scored, opgave, mode, shown.value, tier, approach),
                            score_rank, _colour_of(scored, opgave, "klasse", shown.value, tier),
                            reason if isinstance(reason, str) else None, approach))
    return rows


def approach_matrix(ctx: ViewContext, scored: Scored, year: int) -> ApproachMatrix | None:
    """Areas × opgaven with their tiers and the approach the framework's typology gives."""
    spec = scored.framework.approach
    if spec is None:
        return None
    table = ctx.derived(scored, "approaches", year)
    tiers = scored.result.tiers.xs(year, level="year")
    palette = _approach_palette(scored)
    codes = [op.code for op in scored.framework.opgaven]
    rows = []
    for code, rec in table.sort_values(["approach", "name"], na_position="last").iterrows():
        approach = rec["approach"] if isinstance(rec["approach"], str) else None
        rows.append(ApproachRow(
            str(code), str(rec["name"]), link(f"/gebied/{code}"),
            [t if isinstance(t, str) else None for t in tiers.loc[code, codes]],
            approach, str(rec["explanation"]), palette.get(approach or "", NO_DATA)))
    names = {op.code: op.name for op in scored.framework.opgaven}
    rules = [{"aanpak": r.approach, "wanneer": "; ".join(
        [f"{names[c]}: {' of '.join(t)}" for c, t in r.tiers.items()]
        + [_("{name} gedaald").format(name=names[c]) for c in r.declining]) or _("altijd")}
        for r in spec.rules]
    rules.append({"aanpak": spec.default, "wanneer": _("geen regel van toepassing")})
    return ApproachMatrix(spec.name, [Option(op.code, op.name) for op in
                                      scored.framework.opgaven], rows, rules)


def _koppelkansen(ctx: ViewContext, scored: Scored, year: int) -> Koppelkansen | None:
    fw = scored.framework
    if len(fw.opgaven) < 2:
        return None
    table = ctx.derived(scored, "koppelkansen", year)
    codes = [op.code for op in fw.opgaven]
    tiers = scored.result.tiers.xs(year, level="year")
    rows = [KoppelRow(str(code), str(rec["name"]), link(f"/gebied/{code}"),
                      [bool(rec[c]) for c in codes], int(rec["count"]),
                      [str(tiers.at[code, c]) if rec[c] else None for c in codes])
            for code, rec in table.iterrows()]
    summary = [{"opgaven": combo, "gebieden": int(rec["gebieden"]), "namen": rec["namen"]}
               for combo, rec in ctx.derived(scored, "koppelkansen_summary", year,
                                             2).iterrows()]
    return Koppelkansen([Option(op.code, op.name) for op in fw.opgaven], rows, summary,
                        scored.tier_labels()[:-1])


def overview(ctx: ViewContext, *, gemeente: str | None = None, kader: str | None = None,
             opgave: str | None = None, jaar: int | None = None, niveau: str = "wijk",
             kleur: str = "klasse") -> OverviewView:
    """The Overzicht page: map, ranking and koppelkansen of one municipality."""
    if niveau not in LEVEL_PARAM:
        raise ConfigError(_("niveau moet 'wijk' of 'buurt' zijn (kreeg {v!r})").format(v=niveau))
    if kleur not in COLOUR_MODES:
        raise ConfigError(_("kleur moet 'klasse', 'score', 'aanpak' of 'bewoners' zijn (kreeg "
                            "{v!r})").format(v=kleur))
    notices: list[str] = []
    gm, gm_name = choose_municipality(ctx, gemeente)
    preset = choose_preset(gm, kader, notices, ctx)
    level = LEVEL_PARAM[niveau]
    try:
        scored = ctx.scored(preset, level)
    except FrameworkError as exc:
        # This framework cannot score this level here: say why, show the framework's own level.
        notices.append(_("Geen scores per {level} met {name}: {why}").format(
            level=level_label(level), name=ctx.framework(preset).name, why=str(exc)))
        scored = ctx.scored(preset)
    fw, result = scored.framework, scored.result
    if kleur == "aanpak" and fw.approach is None:
        kleur = "klasse"
    op_codes = [op.code for op in fw.opgaven]
    if opgave is not None and opgave not in op_codes:
        raise NotFound(_("Onbekende opgave {code}; kies uit {codes}.").format(
            code=opgave, codes=", ".join(op_codes)))
    opgave = opgave or op_codes[0]
    op_name = next(op.name for op in fw.opgaven if op.code == opgave)
    # Every year that gives this opgave a non-empty ranking.
    has_score = result.scores[opgave].notna().groupby(level="year").any()
    years = [int(y) for y in has_score.index[has_score]] or result.years
    if jaar is not None and jaar not in years:
        raise NotFound(_("Geen scores voor {year}; beschikbaar: {years}.").format(
            year=jaar, years=", ".join(map(str, years))))
    year = jaar or years[-1]
    rows: list[RankRow] = []
    if level == fw.level:
        rows = ranking_rows(ctx, scored, opgave, year, kleur)
    shapes = ctx.shapes(gm, level)
    by_code = {r.code: r for r in rows}
    fills = {code: r.colour for code, r in by_code.items()}
    labels = {s.code: (f"{s.name}: {by_code[s.code].score.text} "
                       f"({by_code[s.code].tier or '–'})" if s.code in by_code else s.name)
              for s in shapes}
    residents = None
    if kleur == "bewoners":  # the residents' layer: where residents see it otherwise
        from wijkkompas.services.residents.layer import layer

        residents = layer(ctx, gm, level)
        fills = {code: colour for code, (_k, _l, colour) in residents.items()}
        for row in rows:
            row.colour = residents.get(row.code, (None, None, NO_DATA))[2]
        labels = {code: f"{label}; {residents[code][1]}" if code in residents else label
                  for code, label in labels.items()}
    urls = {s.code: link(f"/gebied/{s.code}") for s in shapes}
    chart = None
    if shapes:
        alt = _("Kaart van {gm} per {level}: {op} in {year}, gekleurd naar {mode}. De tabel "
                "'Ranglijst' ernaast bevat dezelfde gegevens.").format(
            gm=gm_name, level=level_label(level), op=op_name, year=year,
            mode={"klasse": _("prioriteitsklasse"), "score": _("scoreklasse"),
                  "bewoners": _("waar bewoners iets anders vinden dan de cijfers")}.get(
                kleur, fw.approach.name if fw.approach else kleur))
        chart = Chart("kaart", map_figure(shapes, fills, labels, urls), alt)
    else:
        notices.append(_("Voor deze gemeente en dit niveau zijn geen grenzen opgeslagen; "
                         "alleen de ranglijst is beschikbaar."))
    query = {"gemeente": gm, "kader": preset, "opgave": opgave, "jaar": year, "niveau": niveau}
    return OverviewView(
        gemeente=gm, gemeente_naam=gm_name, kader=preset, kader_naam=fw.name, opgave=opgave,
        opgave_naam=op_name, jaar=year, niveau=niveau, kleur=kleur,
        aanpak_naam=fw.approach.name if fw.approach is not None else None,
        gemeenten=_options([(c, str(n)) for c, n in ctx.municipalities()["name"].items()
                            if c in DEFAULT_PRESETS or c in MUNICIPALITIES], gm),
        kaders=_options(_kader_choices(ctx), preset),
        opgaven=_options([(op.code, op.name) for op in fw.opgaven], opgave),
        jaren=_options([(str(y), str(y)) for y in years], str(year)),
        niveaus=_options([("wijk", _("wijk")), ("buurt", _("buurt"))], niveau),
        kleuren=_options([("klasse", _("prioriteitsklasse")), ("score", _("score"))]
                         + ([("aanpak", fw.approach.name)] if fw.approach else [])
                         + [("bewoners", _("waar bewoners iets anders vinden dan de cijfers"))],
                         kleur),
        notices=notices, ranking=rows,
        legend=(_residents_legend(residents, shapes) if residents is not None else
                _legend(scored, opgave, kleur, rows, sum(s.code not in by_code for s in shapes))),
        breaks=scored.breaks.get(opgave, []), map=chart,
        koppelkansen=_koppelkansen(ctx, scored, year), provenance=result.provenance(),
        aanpak=approach_matrix(ctx, scored, year) if level == fw.level else None,
        warnings=list(result.warnings),
        downloads={**{fmt: link(f"/api/v1/ranglijst.{fmt}", **query)
                      for fmt in ("csv", "xlsx", "geojson")},
                   **{f"aanpak_{fmt}": link(f"/api/v1/aanpak.{fmt}", **query)
                      for fmt in ("csv", "xlsx")}},
    )
