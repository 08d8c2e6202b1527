"""View models of the investeringsagenda: the agenda table per council term, the optimised
allocation with its explanation, scenarios side by side and the agenda block of an area profile.

The pages show the newest stored agenda (or the bundled demo agenda when none is stored).
Optimising is read-only here: the result is computed on demand and cached per agenda version,
framework fingerprint and data version (:meth:`ViewContext._cached`); nothing is saved. Money
stays integer cents in every field named ``*_cents``; the ``*_text`` fields are euros for display.
The ontschotting views (flows, gaps, overlaps) live in
:mod:`wijkkompas.services.agenda.flow`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from wijkkompas.agenda.model import COMMITTED, MEASURE_TYPES, STATUSES, Agenda, Measure, format_euros
from wijkkompas.agenda.result import AllocationResult
from wijkkompas.agenda.terms import council_terms, crossing_commitments, term_of
from wijkkompas.errors import NotFound
from wijkkompas.formatting import percent
from wijkkompas.framework.presets import preset_names
from wijkkompas.i18n import _
from wijkkompas.services.framework.overview import Option
from wijkkompas.services.shared.context import ViewContext, link

DEFAULT_FRAMEWORK = "enschede"


def money(amount_cents: int) -> str:
    """Whole euros in Dutch notation, from integer cents."""
    return format_euros(int(amount_cents), whole=True)


# --- loading ---------------------------------------------------------------------------------

@dataclass
class Loaded:
    agenda: Agenda
    key: str  # cache key: stored id and creation time, or "demo"
    agenda_id: int | None
    versions: list[Option]
    notices: list[str]


def load(ctx: ViewContext, agenda_id: int | None = None) -> Loaded:
    """The chosen stored agenda (default: the newest), or the bundled demo agenda."""
    from wijkkompas.services.agenda import usecases as service

    stored = service.list_agendas(ctx.ws)
    if stored.empty:
        if agenda_id is not None:
            raise NotFound(_("Agenda {id} bestaat niet.").format(id=agenda_id))
        agenda = ctx._cached("agenda_demo", factory=service.demo_agenda)
        return Loaded(agenda, "demo", None, [], [_(
            "Er is nog geen agenda opgeslagen; u ziet de meegeleverde demo-agenda.")])
    stored = stored.sort_values(["year", "id"])
    if agenda_id is None:
        agenda_id = int(stored["id"].iloc[-1])
    row = stored[stored["id"] == agenda_id]
    if row.empty:
        raise NotFound(_("Agenda {id} bestaat niet.").format(id=agenda_id))
    key = f"{agenda_id}:{row['created_at'].iloc[0]}"
    agenda = ctx._cached("agenda", key, factory=lambda: service.load_agenda(
        ctx.ws, agenda_id=agenda_id))
    versions = [Option(str(r.id), f"{r.name} ({r.year})", int(r.id) == agenda_id)
                for r in stored.itertuples()]
    return Loaded(agenda, key, agenda_id, versions, [])


def framework_key(agenda: Agenda, kader: str | None = None) -> str:
    """The framework preset the priorities come from: ``kader`` when given (a page's choice),
    else the agenda's own, else the default."""
    if kader:
        if kader not in preset_names():
            raise NotFound(_("Onbekend afwegingskader; kies uit {names}.").format(
                names=", ".join(preset_names())))
        return kader
    return agenda.framework if agenda.framework in preset_names() else DEFAULT_FRAMEWORK


def priorities(ctx: ViewContext, agenda: Agenda, kader: str | None = None
               ) -> tuple[pd.Series, object]:
    """Priority per (area, opgave) from the agenda's (or the chosen) framework (cached)."""
    from wijkkompas.agenda.optimise import area_priorities

    scored = ctx.scored(framework_key(agenda, kader))
    return area_priorities(scored.result), scored


def _opt_key(ctx: ViewContext, loaded: Loaded, kader: str | None = None) -> tuple:
    fw = ctx.framework(framework_key(loaded.agenda, kader))
    return ("agenda_optimised", loaded.key, fw.fingerprint())


def optimised(ctx: ViewContext, loaded: Loaded, kader: str | None = None) -> AllocationResult:
    """The optimised allocation of ``loaded`` with the priorities of the agenda's framework or
    of ``kader`` (computed once per agenda, framework and data version)."""
    from wijkkompas.agenda.optimise import optimise

    def compute() -> AllocationResult:
        prio, scored = priorities(ctx, loaded.agenda, kader)
        prov = scored.result.provenance()
        agenda = dataclasses.replace(loaded.agenda, framework=prov["framework"],
                                     framework_version=prov["framework_version"],
                                     data_fingerprint=prov["data_fingerprint"])
        return optimise(agenda, prio, time_limit=30.0)

    return ctx._cached(*_opt_key(ctx, loaded, kader), factory=compute)


def is_optimised(ctx: ViewContext, loaded: Loaded, kader: str | None = None) -> bool:
    kind, *parts = _opt_key(ctx, loaded, kader)
    return ctx.cache.peek((kind, ctx.db_key, ctx.version(), *parts))


def area_names(ctx: ViewContext) -> dict[str, str]:
    areas = ctx.areas()
    return {str(k): str(v) for k, v in areas["name"].items()}


def opgave_names(ctx: ViewContext, agenda: Agenda) -> dict[str, str]:
    try:
        fw = ctx.framework(framework_key(agenda))
    except NotFound:
        return {}
    return {op.code: op.name for op in fw.opgaven}


# --- the agenda table ------------------------------------------------------------------------

@dataclass
class TermAmount:
    term: str
    cents: int
    text: str


@dataclass
class MeasureRow:
    code: str
    title: str
    type: str
    status: str
    committed: bool
    areas: list[str]
    area_names: list[str]
    opgaven: list[str]
    lead: str
    years: str
    cost_cents: int
    cost_text: str
    allocated_cents: int
    allocated_text: str
    per_term: list[TermAmount]
    crosses_terms: bool
    crossing_text: str
    streams: list[str]
    per_year: list[TermAmount] = field(default_factory=list)  # details on demand ("term" = year)
    start_window: str = ""  # "start 2027, venster 2025–2028" for a measure with a window


@dataclass
class StreamTermRow:
    stream: str
    name: str
    per_term: list[TermAmount]
    total_cents: int
    total_text: str


@dataclass
class AgendaFilters:
    opgave: list[Option]
    gebied: list[Option]
    type: list[Option]
    status: list[Option]
    stroom: list[Option]
    termijn: list[Option]
    active: dict[str, str]


@dataclass
class AgendaTableView:
    agenda_id: int | None
    name: str
    year: int
    price_year: int
    horizon: str
    terms: list[str]
    versions: list[Option]
    filters: AgendaFilters
    measures: list[MeasureRow]
    n_total: int
    cost_per_term: list[TermAmount]
    allocated_per_term: list[TermAmount]
    cost_total_cents: int
    cost_total_text: str
    allocated_total_cents: int
    allocated_total_text: str
    streams_per_term: list[StreamTermRow]
    crossings: list[str]
    notices: list[str]
    downloads: dict[str, str] = field(default_factory=dict)


def start_text(m: Measure) -> str:
    """The chosen start and the window of a measure with a start window ("" otherwise)."""
    if m.earliest_start is None or m.latest_start is None:
        return ""
    return _("start {start}, venster {first}–{last}").format(
        start=m.start_year, first=m.earliest_start, last=m.latest_start)


def _opts(values: list[tuple[str, str]], chosen: str | None) -> list[Option]:
    return [Option("", _("alle"), not chosen)] + [Option(v, lab, v == chosen)
                                                  for v, lab in values]


def _per_term(amounts: dict[int, int], agenda: Agenda, labels: list[str]) -> dict[str, int]:
    out = dict.fromkeys(labels, 0)
    for year, c in amounts.items():
        t = term_of(year, start=agenda.term_start).label
        if t in out:
            out[t] += c
    return out


def _eligible(agenda: Agenda) -> dict[str, list[str]]:
    return {m.code: [s.code for s in agenda.streams if s.allows(m)] for m in agenda.measures}


def agenda_table(ctx: ViewContext, *, agenda_id: int | None = None, opgave: str | None = None,
                 gebied: str | None = None, type: str | None = None,  # noqa: A002
                 status: str | None = None, stroom: str | None = None,
                 termijn: str | None = None) -> AgendaTableView:
    """The agenda's measures with filters, money per council term and crossing commitments."""
    loaded = load(ctx, agenda_id)
    agenda = loaded.agenda
    names = area_names(ctx)
    ops = opgave_names(ctx, agenda)
    terms = [t.label for t in council_terms(agenda.horizon_start, agenda.horizon_end,
                                            start=agenda.term_start)]
    eligible = _eligible(agenda)
    funded_by: dict[str, dict[int, int]] = {}
    streams_of: dict[str, set[str]] = {}
    for a in agenda.allocations:
        per = funded_by.setdefault(a.measure, {})
        per[a.year] = per.get(a.year, 0) + a.cents
        streams_of.setdefault(a.measure, set()).add(a.stream)
    crossing = {c.measure: c for c in crossing_commitments(agenda)}
    horizon = range(agenda.horizon_start, agenda.horizon_end + 1)
    rows = []
    for m in agenda.measures:
        mstreams = sorted(streams_of.get(m.code, set())) or eligible[m.code]
        if opgave and m.effects.get(opgave, 0) <= 0 or gebied and gebied not in m.areas:
            continue
        if type and m.type != type or status and m.status != status:
            continue
        if stroom and stroom not in mstreams:
            continue
        costs = {y: c for y, c in m.costs.items() if y in horizon}
        cost_terms = _per_term(costs, agenda, terms)
        if termijn and not cost_terms.get(termijn):
            continue
        alloc = sum(funded_by.get(m.code, {}).values())
        c = crossing.get(m.code)
        rows.append(MeasureRow(
            m.code, m.title, m.type, m.status, m.status in COMMITTED, list(m.areas),
            [names.get(a, a) for a in m.areas],
            [ops.get(o, o) for o, e in m.effects.items() if e > 0], m.lead,
            f"{m.start_year}–{m.end_year}", sum(costs.values()), money(sum(costs.values())),
            alloc, money(alloc),
            [TermAmount(t, v, money(v)) for t, v in cost_terms.items()],
            c is not None, c.text() if c else "", mstreams,
            [TermAmount(str(y), v, money(v)) for y, v in sorted(costs.items()) if v],
            start_text(m)))
    cost_terms_total = dict.fromkeys(terms, 0)
    alloc_terms_total = dict.fromkeys(terms, 0)
    shown = {r.code for r in rows}
    for m in agenda.measures:
        if m.code not in shown:
            continue
        for t, v in _per_term({y: c for y, c in m.costs.items() if y in horizon}, agenda,
                              terms).items():
            cost_terms_total[t] += v
        for t, v in _per_term(funded_by.get(m.code, {}), agenda, terms).items():
            alloc_terms_total[t] += v
    stream_rows = []
    for s in agenda.streams:
        per = dict.fromkeys(terms, 0)
        for a in agenda.allocations:
            if a.stream == s.code and a.measure in shown:
                t = term_of(a.year, start=agenda.term_start).label
                if t in per:
                    per[t] += a.cents
        total = sum(per.values())
        stream_rows.append(StreamTermRow(s.code, s.name, [TermAmount(t, v, money(v))
                                                          for t, v in per.items()],
                                         total, money(total)))
    active = {k: v for k, v in {"opgave": opgave, "gebied": gebied, "type": type,
                                "status": status, "stroom": stroom, "termijn": termijn}.items()
              if v}
    area_codes = sorted({a for m in agenda.measures for a in m.areas})
    filters = AgendaFilters(
        _opts(sorted(ops.items(), key=lambda kv: kv[1]), opgave),
        _opts([(a, names.get(a, a)) for a in area_codes], gebied),
        _opts([(t, t) for t in MEASURE_TYPES], type),
        _opts([(s, s) for s in STATUSES], status),
        _opts([(s.code, s.name) for s in agenda.streams], stroom),
        _opts([(t, t) for t in terms], termijn), active)
    notices = list(loaded.notices)
    if not agenda.allocations:
        notices.append(_("Deze agendaversie heeft nog geen toewijzingen; de optimalisatie "
                         "laat zien hoe de geldstromen verdeeld kunnen worden."))
    if not rows:
        notices.append(_("Geen maatregelen bij deze filters."))
    cost_total = sum(cost_terms_total.values())
    alloc_total = sum(alloc_terms_total.values())
    query = {"agenda": loaded.agenda_id, **active}
    return AgendaTableView(
        loaded.agenda_id, agenda.name, agenda.year, agenda.price_year,
        f"{agenda.horizon_start}–{agenda.horizon_end}", terms, loaded.versions, filters, rows,
        len(agenda.measures),
        [TermAmount(t, v, money(v)) for t, v in cost_terms_total.items()],
        [TermAmount(t, v, money(v)) for t, v in alloc_terms_total.items()],
        cost_total, money(cost_total), alloc_total, money(alloc_total), stream_rows,
        [r.crossing_text for r in rows if r.crosses_terms], notices,
        {"xlsx": link("/agenda/export.xlsx", agenda=loaded.agenda_id),
         "csv": link("/agenda/export.csv", **query)})


def table_frame(view: AgendaTableView) -> pd.DataFrame:
    """The (filtered) agenda table for CSV: one row per measure, cents per term."""
    rows = []
    for r in view.measures:
        row = {"code": r.code, "titel": r.title, "type": r.type, "status": r.status,
               "gebieden": ", ".join(r.areas), "opgaven": ", ".join(r.opgaven),
               "trekker": r.lead, "looptijd": r.years, "startvenster": r.start_window,
               "kosten_cent": r.cost_cents,
               "toegewezen_cent": r.allocated_cents,
               "over_termijngrens": r.crosses_terms}
        row.update({f"kosten_{t.term}_cent": t.cents for t in r.per_term})
        rows.append(row)
    return pd.DataFrame(rows)


# --- the optimised allocation ----------------------------------------------------------------

@dataclass
class OptMeasureRow:
    code: str
    title: str
    status: str
    cost_cents: int
    cost_text: str
    funded_cents: int
    funded_text: str
    share_pct: int
    value: float
    streams: list[str]
    reason: str | None = None  # why an unfunded measure got no money
    start: str = ""  # chosen start and window, with why not earlier when it moved


@dataclass
class StreamUse:
    stream: str
    name: str
    budget_cents: int
    used_cents: int
    unused_cents: int
    budget_text: str
    used_text: str
    unused_text: str
    extra_euro: str


@dataclass
class OptimisationView:
    agenda_id: int | None
    name: str
    status: str
    feasible: bool
    objective: float
    n_funded: int
    n_measures: int
    funded_total_cents: int
    funded_total_text: str
    measures: list[OptMeasureRow]
    binding: list[str]
    streams: list[StreamUse]
    alternatives: list[str]
    infeasibility: dict | None
    warnings: list[str]
    violations: list[str]
    provenance: dict[str, str]
    seconds: float
    notices: list[str]
    frameworks: list[Option] = field(default_factory=list)
    gap: str = ""
    start_reasons: list[str] = field(default_factory=list)


def optimisation(ctx: ViewContext, *, agenda_id: int | None = None,
                 kader: str | None = None) -> OptimisationView:
    """The optimised allocation (read-only, cached) with its explanation; ``kader`` optimises
    with another framework's priorities than the agenda's own."""
    loaded = load(ctx, agenda_id)
    res = optimised(ctx, loaded, kader)
    agenda = res.agenda
    notices = list(loaded.notices)
    notices.append(_("Deze verdeling is berekend en nog niet opgeslagen. Wie de agenda mag "
                     "wijzigen, slaat haar onderaan op als nieuwe agendaversie (of via de "
                     "opdrachtregel: wijkkompas agenda optimise --opslaan)."))
    measures, funded_total = [], 0
    streams_of: dict[str, set[str]] = {}
    for a in agenda.allocations:
        streams_of.setdefault(a.measure, set()).add(a.stream)
    if res.feasible:
        from wijkkompas.agenda.unfunded import unfunded_reasons

        reasons = unfunded_reasons(res)
        frame = res.measures_frame()
        for code, r in frame.iterrows():
            funded = int(r["funded"])
            funded_total += funded
            measures.append(OptMeasureRow(
                str(code), str(r["title"]), str(r["status"]), int(r["cost"]),
                money(int(r["cost"])), funded, money(funded), int(round(100 * r["share"])),
                round(float(r["value"]), 3), sorted(streams_of.get(str(code), set())),
                reasons.get(str(code)), start_text(agenda.measure(str(code)))))
    uses = []
    extra = {}
    if res.shadow_prices is not None and len(res.shadow_prices):
        extra = dict(zip(res.shadow_prices["stream"], res.shadow_prices["text"], strict=True))
    if res.unused is not None and len(res.unused):
        per = res.unused.groupby("stream", sort=False)[["budget", "used", "unused"]].sum()
        for s in agenda.streams:
            if s.code not in per.index:
                continue
            b, u, n = (int(per.loc[s.code, k]) for k in ("budget", "used", "unused"))
            uses.append(StreamUse(s.code, s.name, b, u, n, money(b), money(u), money(n),
                                  str(extra.get(s.code, ""))))
    infeas = None
    if res.infeasibility is not None:
        inf = res.infeasibility
        infeas = {"checks": list(inf.checks), "shortfalls": list(inf.shortfalls),
                  "conflicts": [{"label": c.label, "details": list(c.details)}
                                for c in inf.conflicts], "text": inf.text()}
    status_label = {"optimaal": _("optimaal"), "tijdslimiet": _("tijdslimiet bereikt")}.get(
        res.status, res.status)
    return OptimisationView(
        loaded.agenda_id, agenda.name, status_label, res.feasible,
        round(res.objective, 3) if res.feasible else 0.0,
        sum(1 for r in measures if r.funded_cents > 0), len(agenda.measures), funded_total,
        money(funded_total), measures, [b.text for b in res.binding], uses,
        [a.text() for a in res.alternatives], infeas, list(res.warnings),
        list(res.violations), res.provenance(),
        round(res.build_seconds + res.solve_seconds, 3), notices,
        [Option(k, k, k == framework_key(loaded.agenda, kader)) for k in preset_names()],
        percent(res.gap, 2, fraction=True) if res.feasible and res.gap == res.gap else "",
        [f"{agenda.measure(c).title}: {why}" for c, why in res.start_reasons.items()])


# --- scenarios -------------------------------------------------------------------------------

@dataclass
class ScenarioColumn:
    name: str
    description: str
    status: str
    value: float | None
    n_funded: int
    per_stream_cents: dict[str, int]
    per_stream_text: dict[str, str]
    total_cents: int
    total_text: str
    funded: dict[str, bool]


@dataclass
class ScenariosView:
    agenda_id: int | None
    name: str
    streams: list[Option]
    measures: list[Option]
    columns: list[ScenarioColumn]
    notices: list[str]


def scenarios(ctx: ViewContext, *, agenda_id: int | None = None) -> ScenariosView:
    """The stored scenarios of the agenda next to the basis, each optimised (cached)."""
    from wijkkompas.agenda.model import Scenario
    from wijkkompas.agenda.optimise import optimise
    from wijkkompas.services.agenda import usecases as service

    loaded = load(ctx, agenda_id)
    agenda = loaded.agenda
    stored = service.scenarios(ctx.ws, loaded.agenda_id) if loaded.agenda_id else []
    notices = list(loaded.notices)
    if not stored:
        notices.append(_("Voor deze agenda zijn geen scenario's opgeslagen; alleen de basis "
                         "wordt getoond."))
    fw = ctx.framework(framework_key(agenda))

    def compute() -> list[ScenarioColumn]:
        prio, _scored = priorities(ctx, agenda)
        cols = []
        for sc in [Scenario(_("basis")), *stored]:
            res = optimise(sc.apply(agenda), prio, explain=False, time_limit=30.0)
            per = {s.code: sum(a.cents for a in res.agenda.allocations if a.stream == s.code)
                   for s in agenda.streams}
            funded = res.agenda.funded()
            total = sum(per.values())
            cols.append(ScenarioColumn(
                sc.name, sc.description, res.status,
                round(res.objective, 3) if res.feasible else None,
                sum(1 for v in funded.values() if v > 0), per,
                {k: money(v) for k, v in per.items()}, total, money(total),
                {m.code: funded.get(m.code, 0) > 0 for m in agenda.measures}))
        return cols

    columns = ctx._cached("agenda_scenarios", loaded.key, fw.fingerprint(),
                          tuple(s.name for s in stored), factory=compute)
    return ScenariosView(loaded.agenda_id, agenda.name,
                         [Option(s.code, s.name) for s in agenda.streams],
                         [Option(m.code, m.title) for m in agenda.measures], columns, notices)


# --- the agenda inside an area profile -------------------------------------------------------

@dataclass
class AreaMeasure:
    code: str
    title: str
    status: str
    type: str
    years: str
    cost_cents: int
    cost_text: str
    allocated_cents: int
    allocated_text: str
    shared_with: int


@dataclass
class AreaAgendaView:
    code: str
    agenda: str
    via: str | None
    measures: list[AreaMeasure]
    streams: list[str]
    url: str


def area_agenda(ctx: ViewContext, code: str) -> AreaAgendaView | None:
    """Measures of the agenda in this area (a buurt: those of its wijk); None when none."""
    try:
        loaded = load(ctx)
    except NotFound:
        return None
    agenda = loaded.agenda
    area = ctx.area(code)
    code = str(area.name)
    target, via = code, None
    in_agenda = {a for m in agenda.measures for a in m.areas}
    parent = area.get("parent_code")
    if code not in in_agenda and isinstance(parent, str) and parent in in_agenda:
        target, via = parent, parent
    mine = [m for m in agenda.measures if target in m.areas]
    if not mine:
        return None
    alloc: dict[str, int] = {}
    for a in agenda.allocations:
        alloc[a.measure] = alloc.get(a.measure, 0) + a.cents
    rows = [AreaMeasure(m.code, m.title, m.status, m.type, f"{m.start_year}–{m.end_year}",
                        m.total_cost, money(m.total_cost), alloc.get(m.code, 0),
                        money(alloc.get(m.code, 0)), len(m.areas)) for m in mine]
    names, ops = area_names(ctx), opgave_names(ctx, agenda)
    streams = [f"{s.name}: {s.earmark.describe(names, ops, max_areas=3)}" for s in agenda.streams
               if s.earmark.areas is None or target in s.earmark.areas]
    return AreaAgendaView(code, agenda.name, via, rows, streams,
                          link("/agenda", gebied=target))


def agenda_xlsx(ctx: ViewContext, *, agenda_id: int | None = None) -> bytes:
    """The agenda as a workbook (:func:`wijkkompas.agenda.excel.write_workbook`, with
    validation lists), readable again by ``read_workbook``."""
    import tempfile
    from pathlib import Path

    from wijkkompas.agenda.excel import write_workbook

    agenda = load(ctx, agenda_id).agenda
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(agenda, Path(tmp) / "agenda.xlsx")
        return Path(path).read_bytes()
