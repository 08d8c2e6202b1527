"""Ontschotting: which funding streams pay for which opgaven in which areas.

The flow streams → opgaven → areas splits each allocation over the measure's opgaven (by
expected effect) and areas (equally) in integer cents, largest remainder first, so every flow
adds up exactly to the allocated money. Gaps are high-priority area × opgave combinations (the
framework's first tier) without a funded measure; overlaps are combinations served by more
than one funded measure. The allocations are the stored ones, or — when the agenda version has
none yet — the optimised plan (computed, cached, not saved).
"""

from __future__ import annotations

from dataclasses import dataclass

from wijkkompas.agenda.model import Agenda
from wijkkompas.i18n import _
from wijkkompas.services.agenda.pages import area_names, framework_key, load, money, opgave_names, optimised
from wijkkompas.services.framework.overview import Chart, Option
from wijkkompas.services.shared.context import ViewContext, link

OPGAVE_COLOUR = "#8fcae7"
AREA_COLOUR = "#a90061"


def split_cents(total: int, weights: list[float]) -> list[int]:
    """``total`` cents split by ``weights`` in whole cents that add up exactly.

    >>> split_cents(100, [1, 1, 1])
    [34, 33, 33]
    """
    if not weights:
        return []
    wsum = sum(weights)
    if wsum <= 0:
        weights, wsum = [1.0] * len(weights), float(len(weights))
    raw = [total * w / wsum for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


@dataclass
class FlowRow:
    stream: str
    stream_name: str
    opgave: str
    opgave_name: str
    area: str
    area_name: str
    cents: int
    text: str


@dataclass
class StreamForArea:
    stream: str
    name: str
    cents: int
    text: str
    may_fund: str


@dataclass
class AreaFunding:
    area: str
    name: str
    url: str
    total_cents: int
    total_text: str
    streams: list[StreamForArea]


@dataclass
class GapRow:
    area: str
    area_name: str
    opgave: str
    opgave_name: str
    tier: str
    measures: list[str]
    text: str


@dataclass
class OntschottingView:
    agenda_id: int | None
    name: str
    source: str
    areas: list[AreaFunding]
    flows: list[FlowRow]
    sankey: Chart
    total_cents: int
    total_text: str
    gaps: list[GapRow]
    overlaps: list[GapRow]
    first_tier: str
    notices: list[str]
    streams: list[Option]


def flows(agenda: Agenda) -> dict[tuple[str, str, str], int]:
    """Cents per (stream, opgave, area), exactly summing to the allocations."""
    measures = {m.code: m for m in agenda.measures}
    out: dict[tuple[str, str, str], int] = {}
    for a in agenda.allocations:
        m = measures[a.measure]
        cells = [(o, area) for o, e in m.effects.items() if e > 0 for area in m.areas]
        if not cells:
            cells = [("", area) for area in m.areas]
        weights = [m.effects.get(o, 1.0) if o else 1.0 for o, _area in cells]
        for (o, area), c in zip(cells, split_cents(a.cents, weights), strict=True):
            key = (a.stream, o, area)
            out[key] = out.get(key, 0) + c
    return out


# Okabe & Ito (2008), a palette that stays distinguishable with the common colour-vision
# deficiencies; the yellow is left out (too light on white).
STREAM_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _translucent(colour: str, alpha: float = 0.45) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sankey_figure(rows: list[FlowRow], title: str) -> dict:
    """A plotly Sankey: streams → opgaven → areas (values in whole euros)."""
    labels: list[str] = []
    colours: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(kind: str, code: str, label: str, colour: str) -> int:
        if (kind, code) not in index:
            index[(kind, code)] = len(labels)
            labels.append(label)
            colours.append(colour)
        return index[(kind, code)]

    # Every link keeps its funding stream's colour all the way to the area (Okabe-Ito:
    # distinguishable with colour-blindness); the stream's node has the same colour.
    palette = {code: STREAM_PALETTE[i % len(STREAM_PALETTE)]
               for i, code in enumerate(dict.fromkeys(r.stream for r in rows))}
    links: dict[tuple[int, int, str], int] = {}
    for r in rows:
        s = node("s", r.stream, r.stream_name, palette[r.stream])
        o = node("o", r.opgave, r.opgave_name, OPGAVE_COLOUR)
        a = node("a", r.area, r.area_name, AREA_COLOUR)
        links[(s, o, r.stream)] = links.get((s, o, r.stream), 0) + r.cents
        links[(o, a, r.stream)] = links.get((o, a, r.stream), 0) + r.cents
    sources, targets, values, link_colours, link_labels = [], [], [], [], []
    names = {r.stream: r.stream_name for r in rows}
    for (s, t, stream), c in links.items():
        sources.append(s)
        targets.append(t)
        values.append(round(c / 100))
        link_colours.append(_translucent(palette[stream]))
        link_labels.append(names[stream])
    return {"data": [{"type": "sankey", "arrangement": "snap", "valueformat": ",.0f",
                      "valuesuffix": " €",
                      "node": {"label": labels, "color": colours, "pad": 14, "thickness": 16},
                      "link": {"source": sources, "target": targets, "value": values,
                               "color": link_colours, "label": link_labels}}],
            "layout": {"title": {"text": title}, "font": {"size": 13},
                       "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 520,
                       "separators": ",."}}


def ontschotting(ctx: ViewContext, *, agenda_id: int | None = None) -> OntschottingView:
    """Per area the streams that fund it and what each may fund; flows, gaps and overlaps."""
    loaded = load(ctx, agenda_id)
    agenda = loaded.agenda
    notices = list(loaded.notices)
    if agenda.allocations:
        source = _("opgeslagen toewijzingen")
    else:
        result = optimised(ctx, loaded)
        source = _("geoptimaliseerde verdeling (berekend, niet opgeslagen)")
        notices.append(_("Deze agendaversie heeft nog geen toewijzingen: de stromen hieronder "
                         "zijn die van de geoptimaliseerde verdeling."))
        agenda = result.agenda
    names = area_names(ctx)
    ops = opgave_names(ctx, agenda)
    snames = {s.code: s.name for s in agenda.streams}
    cells = flows(agenda)
    rows = [FlowRow(s, snames[s], o, ops.get(o, o or _("geen opgave")), a, names.get(a, a),
                    c, money(c)) for (s, o, a), c in sorted(cells.items()) if c > 0]
    total = sum(r.cents for r in rows)
    alt = _("Stroomdiagram van geldstromen via opgaven naar gebieden, samen {total}. De tabel "
            "'Geldstromen naar opgaven en gebieden' bevat dezelfde bedragen.").format(
        total=money(total))
    chart = Chart("sankey", sankey_figure(rows, _("Van geldstroom via opgave naar gebied")),
                  alt)
    # per area: streams that fund it, and what each stream may fund there
    per_area: dict[str, dict[str, int]] = {}
    for r in rows:
        per_area.setdefault(r.area, {}).setdefault(r.stream, 0)
        per_area[r.area][r.stream] += r.cents
    area_codes = sorted({a for m in agenda.measures for a in m.areas})
    areas = []
    for code in area_codes:
        funded = per_area.get(code, {})
        streams = []
        for s in agenda.streams:
            allowed = s.earmark.areas is None or code in s.earmark.areas
            c = funded.get(s.code, 0)
            if not allowed and not c:
                continue
            streams.append(StreamForArea(s.code, s.name, c, money(c), s.earmark.describe(
                names, ops, max_areas=3)))
        t = sum(funded.values())
        areas.append(AreaFunding(code, names.get(code, code), link(f"/gebied/{code}"), t,
                                 money(t), streams))
    gaps, overlaps, first = _gaps_overlaps(ctx, agenda, names, ops)
    return OntschottingView(loaded.agenda_id, agenda.name, source, areas, rows, chart, total,
                            money(total), gaps, overlaps, first, notices,
                            [Option(s.code, s.name) for s in agenda.streams])


def _gaps_overlaps(ctx: ViewContext, agenda: Agenda, names: dict[str, str],
                   ops: dict[str, str]) -> tuple[list[GapRow], list[GapRow], str]:
    scored = ctx.scored(framework_key(agenda))
    result = scored.result
    labels = scored.tier_labels()
    first = labels[0] if labels else ""
    year = result.years[-1]
    tiers = result.tiers.xs(year, level="year")
    funded = agenda.funded()
    serving: dict[tuple[str, str], list[str]] = {}
    for m in agenda.measures:
        if funded.get(m.code, 0) <= 0:
            continue
        for o, e in m.effects.items():
            if e > 0:
                for a in m.areas:
                    serving.setdefault((a, o), []).append(m.title)
    gaps, overlaps = [], []
    for op in result.framework.opgaven:
        if op.code not in tiers:
            continue
        for area, tier in tiers[op.code].items():
            if tier != first:
                continue
            here = serving.get((str(area), op.code), [])
            if not here:
                gaps.append(GapRow(str(area), names.get(str(area), str(area)), op.code,
                                   ops.get(op.code, op.code), str(tier), [], _(
                                       "{area}: {tier} voor {opgave}, maar geen gefinancierde "
                                       "maatregel").format(area=names.get(str(area), area),
                                                           tier=tier,
                                                           opgave=ops.get(op.code, op.code))))
    for (area, o), titles in sorted(serving.items()):
        if len(titles) > 1:
            overlaps.append(GapRow(area, names.get(area, area), o, ops.get(o, o), "",
                                   titles, _("{n} gefinancierde maatregelen voor {opgave} in "
                                             "{area}").format(n=len(titles),
                                                              opgave=ops.get(o, o),
                                                              area=names.get(area, area))))
    return gaps, overlaps, first
