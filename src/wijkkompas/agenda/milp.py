"""The allocation optimiser: a MILP composed from small, documented parts (as in prioritizr).

Formulation
-----------
Decision variables

* ``x[m]`` — the share of measure *m* that is carried out: binary for ``funding="geheel"``
  (all or nothing), continuous in [0, 1] for ``"deels"`` (partial, proportional effect);
* ``f[s, m, y]`` — the fraction of measure *m*'s cost in year *y* paid by stream *s*, in
  ``[0, max_share(s)]``; it only exists when *s* may fund *m* (earmarks, the measure's own
  stream list) and *s* has money in *y*.

Working with fractions of a measure's yearly cost makes the maximum share a plain bound and
ties every year of a measure to one decision ``x[m]`` (coverage rows). That alone leaves the
LP relaxation weak: coverage only gives ``f <= x``, so a fraction of an all-or-nothing
measure could be paid entirely from a capped stream, and measures that can never be paid in
full (their streams' maximum shares add up to less than 100% in some year) still count with
``x`` = the sum of those shares. The strengthening parts (:data:`TIGHTENING`, group
``versterking``) remove that without changing the integer solutions; on the benchmark
(500 measures) the relaxation drops from 4.2% to 0.2% above the optimum.

Objective — maximise ``sum_m value[m] * x[m]`` with ``value[m] = sum_o effect[m, o] *
mean_{a in areas(m)} priority[a, o]``: the declared effect per opgave weighted by the priority
of the measure's areas on that opgave (:func:`area_priorities`, from a ScoreResult).

Constraints (one function each, tagged with a rule group so that :mod:`.explain` can name
conflicts and relax them one group at a time):

================  =============================================================================
coverage          ``sum_s f[s,m,y] = x[m]`` for every year of *m* (hard)
budget            ``sum_m cost[m,y] f[s,m,y] <= amount[s,y]`` per stream and year
oormerk           which ``f`` exist (earmarks by opgave, type, area; eligible streams)
maximaal_aandeel  ``f[s,m,y] <= max_share(s) * x[m]``: a share of what is actually funded in
                  that year (``sum_t f[t,m,y] = x[m]``), a bound for all-or-nothing measures and a
                  row for partial ones (a stream capped at 50% never pays all of a half-funded
                  measure)
cofinanciering    ``sum_{y,t in C(s)} cost f[t,m,y] >= ratio(s) sum_y cost f[s,m,y]`` per m
continuiteit      ``x[m] >= 1`` for decided / running / finished measures, over all their years
verplicht         ``x[m] >= 1`` for must-do measures
uitgesloten       ``x[m] <= 0`` for excluded measures
handmatig         ``cost[m,y] f[s,m,y] = manual amount`` for manual allocations
gebiedsaandeel    ``sum_{m in a} cost[m] x[m] / |areas(m)| <= p sum_m cost[m] x[m]`` per area
afhankelijkheid   ``x[m] <= x[d]`` when *m* depends on *d*
versterking       ``f[s,m,y] <= u[s,m,y] x[m]`` for all-or-nothing *m* when ``u < 1``, with ``u``
                  the usable share: ``min(max_share(s), amount[s,y] / cost[m,y])``, and 0 for a
                  co-financed stream when none of its co-financiers may pay *m*; plus the bound
                  ``x[m] <= 0`` when ``sum_s u[s,m,y] < 1`` in a year of *m* (named in a warning).
                  Valid inequalities: for ``x`` in {0, 1} they follow from coverage, the share
                  bound, the budget row and the co-financing row, so no plan is cut off. They
                  are never relaxed by :mod:`.explain` (they follow the other groups: leaving
                  out ``maximaal_aandeel``, ``budget`` or ``cofinanciering`` loosens ``u``
                  too); ``build_model(..., tighten=False)`` leaves them out
================  =============================================================================

Money enters the solver in thousands of euros (well scaled); the solution is rounded back to
integer cents so that every funded measure-year adds up to its cost exactly and budgets,
maximum shares and co-financing hold exactly in cents (:func:`wijkkompas.agenda.cents.check_allocations`).
Before rounding, :func:`polish` keeps every ``x`` and moves money between streams, where the
budgets allow, so that no co-financing ratio is met to a fraction of a cent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.agenda.model import Agenda, FundingStream, Measure

SCALE = 100_000  # cents per solver unit (one solver unit = EUR 1,000)


GROUPS: dict[str, str] = {
    "budget": "budget per geldstroom per jaar",
    "oormerk": "oormerken van de geldstromen",
    "maximaal_aandeel": "maximaal aandeel van een geldstroom in een maatregel",
    "cofinanciering": "cofinancieringseisen",
    "continuiteit": "besloten maatregelen blijven gefinancierd",
    "verplicht": "verplichte maatregelen",
    "uitgesloten": "uitgesloten maatregelen",
    "handmatig": "handmatige toewijzingen",
    "gebiedsaandeel": "maximaal aandeel per gebied",
    "afhankelijkheid": "afhankelijkheden tussen maatregelen",
}


@dataclass
class Row:
    """One linear constraint ``lower <= sum(coef * var) <= upper`` with its rule group."""

    group: str
    key: tuple
    cols: list[int]
    coefs: list[float]
    lower: float = -np.inf
    upper: float = np.inf


@dataclass
class Model:
    """The assembled MILP in plain arrays (solver independent), with labelled columns/rows."""

    agenda: Agenda
    value: dict[str, float]
    cost: dict[tuple[str, int], int]
    col_key: list[tuple] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    x: dict[str, int] = field(default_factory=dict)
    f: dict[tuple[str, str, int], int] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    sense: str = "max"
    uncoverable: dict[str, int] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    z: dict[tuple[str, int], int] = field(default_factory=dict)
    whole: set[int] = field(default_factory=set)  # x columns of all-or-nothing measures
    phasing: str = "cumulatief"

    def add_col(self, key: tuple, lower: float, upper: float, cost: float = 0.0,
                integer: bool = False) -> int:
        self.col_key.append(key)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_cost.append(cost)
        self.col_integer.append(integer)
        return len(self.col_key) - 1

    def add_row(self, group: str, key: tuple, cols: list[int], coefs: list[float],
                lower: float = -np.inf, upper: float = np.inf) -> None:
        if group not in self.disabled:
            self.rows.append(Row(group, key, cols, coefs, lower, upper))

    def on(self, group: str) -> bool:
        return group not in self.disabled

    def arrays(self) -> dict[str, np.ndarray]:
        """Column-wise sparse matrix and bounds: the same model for HiGHS, PuLP or scipy."""
        import scipy.sparse as sp

        n = len(self.col_key)
        ri = np.concatenate([np.full(len(r.cols), i) for i, r in enumerate(self.rows)]
                            or [np.zeros(0, int)]).astype(np.int64)
        ci = np.concatenate([np.asarray(r.cols, np.int64) for r in self.rows]
                            or [np.zeros(0, np.int64)])
        vals = np.concatenate([np.asarray(r.coefs, float) for r in self.rows]
                              or [np.zeros(0)])
        matrix = sp.csc_matrix((vals, (ri, ci)), shape=(len(self.rows), n))
        matrix.sum_duplicates()
        return {
            "c": np.asarray(self.col_cost, float), "lb": np.asarray(self.col_lower, float),
            "ub": np.asarray(self.col_upper, float),
            "integer": np.asarray(self.col_integer, bool),
            "rl": np.asarray([r.lower for r in self.rows], float),
            "ru": np.asarray([r.upper for r in self.rows], float), "A": matrix,
        }


def measure_value(measure: Measure, priorities: Mapping[tuple[str, str], float] | pd.Series,
                  missing: list[str] | None = None) -> float:
    """``sum_o effect[o] * mean over the measure's areas of priority[area, o]``."""
    total = 0.0
    for opgave, effect in measure.effects.items():
        if not effect:
            continue
        ps = []
        for area in measure.areas:
            p = priorities.get((area, opgave))
            if p is None or p != p:
                if missing is not None:
                    missing.append(f"{area}/{opgave}")
                p = 1.0
            ps.append(float(p))
        total += effect * sum(ps) / len(ps)
    return total


def planned_measures(agenda: Agenda) -> list[Measure]:
    """Measures the optimiser decides on: not stopped, with cost inside the horizon."""
    return [m for m in agenda.measures if m.status != "gestopt"
            and any(agenda.horizon_start <= y <= agenda.horizon_end and c > 0
                    for y, c in m.costs.items())]


def stream_may_fund(model: Model, stream: FundingStream, measure: Measure) -> bool:
    """Earmarks and eligible-stream lists (group ``oormerk``)."""
    if not model.on("oormerk"):
        return True
    return stream.allows(measure)


def add_decisions(model: Model) -> None:
    """One ``x[m]`` per planned measure (binary or continuous) with its value as objective;
    ``model.groups`` maps each measure to its planned codes (its variants, when movable)."""
    planned = planned_measures(model.agenda)
    variants: dict[str, int] = {}
    for m in planned:
        if m.variant_of:
            variants[m.variant_of] = variants.get(m.variant_of, 0) + 1
    for m in planned:
        # a start variant follows from the integer z (add_phasing): no integrality of its own
        follows = model.phasing == "cumulatief" and variants.get(m.variant_of, 0) > 1
        model.x[m.code] = model.add_col(("x", m.code), 0.0, 1.0, model.value[m.code],
                                        integer=m.funding == "geheel" and not follows)
        if m.funding == "geheel":
            model.whole.add(model.x[m.code])
        model.groups.setdefault(m.variant_of or m.code, []).append(m.code)


def add_stream_shares(model: Model) -> None:
    """``f[s,m,y]`` where stream *s* may fund *m* in *y*; bound by the maximum share."""
    agenda = model.agenda
    for m in planned_measures(agenda):
        for s in agenda.streams:
            if not stream_may_fund(model, s, m):
                continue
            capped = s.max_share is not None and model.on("maximaal_aandeel")
            for y in _years(agenda, m):
                cost = model.cost[(m.code, y)]
                # the cap in whole cents, so the rounded allocation can meet it exactly
                upper = int(s.max_share * cost) / cost if capped else 1.0  # type: ignore[operator]
                if s.amount(y) > 0 or not model.on("budget"):
                    model.f[(s.code, m.code, y)] = model.add_col(("f", s.code, m.code, y),
                                                                 0.0, upper)


def add_funded_caps(model: Model) -> None:
    """A maximum share bounds the part of what is actually funded: ``f[s,m,y] <= share(s) *
    x[m]`` for partial measures (coverage makes ``x[m]`` the funded share of every year).
    For all-or-nothing measures ``x`` is 0 or 1 and the column bound already says it."""
    if not model.on("maximaal_aandeel"):
        return
    agenda = model.agenda
    for (s, m, y), j in model.f.items():
        stream, xj = agenda.stream(s), model.x[m]
        if stream.max_share is None or xj in model.whole:
            continue
        model.add_row("maximaal_aandeel", ("maximaal_aandeel", s, m, y), [j, xj],
                      [1.0, -float(stream.max_share)], upper=0.0)


def add_coverage(model: Model) -> None:
    """Every funded year of a measure is paid in full: ``sum_s f[s,m,y] = x[m]``."""
    by_my: dict[tuple[str, int], list[int]] = {}
    for (_s, m, y), j in model.f.items():
        by_my.setdefault((m, y), []).append(j)
    for m in planned_measures(model.agenda):
        for y in _years(model.agenda, m):
            cols = by_my.get((m.code, y), [])
            model.rows.append(Row("dekking", ("dekking", m.code, y), [*cols, model.x[m.code]],
                                  [1.0] * len(cols) + [-1.0], 0.0, 0.0))


def add_budgets(model: Model) -> None:
    """Per stream and year: ``sum_m cost[m,y] f[s,m,y] <= amount[s,y]``."""
    rows: dict[tuple[str, int], tuple[list[int], list[float]]] = {}
    for (s, m, y), j in model.f.items():
        cols, coefs = rows.setdefault((s, y), ([], []))
        cols.append(j)
        coefs.append(model.cost[(m, y)] / SCALE)
    for (s, y), (cols, coefs) in sorted(rows.items()):
        model.add_row("budget", ("budget", s, y), cols, coefs,
                      upper=model.agenda.stream(s).amount(y) / SCALE)


def add_cofinancing(model: Model) -> None:
    """Per measure a stream with a co-financing rule pays for: the co-financiers together
    contribute at least ``ratio`` times that stream's contribution over the measure's life."""
    agenda = model.agenda
    by_measure: dict[str, list[tuple[str, int, int]]] = {}
    for (t, m, y), j in model.f.items():
        by_measure.setdefault(m, []).append((t, y, j))
    for s in agenda.streams:
        rule = s.cofinancing
        if rule is None:
            continue
        others = set(rule.from_streams) or {t.code for t in agenda.streams} - {s.code}
        ratio = float(rule.ratio)
        for m, entries in by_measure.items():
            if not any(t == s.code for t, _, _ in entries):
                continue
            cols, coefs = [], []
            for t, y, j in entries:
                c = model.cost[(m, y)] / SCALE
                if t == s.code:
                    cols.append(j)
                    coefs.append(-ratio * c)
                elif t in others:
                    cols.append(j)
                    coefs.append(c)
            model.add_row("cofinanciering", ("cofinanciering", s.code, m), cols, coefs,
                          lower=0.0)


def add_commitments(model: Model) -> None:
    """Continuity (decided measures), must-do and excluded measures as rows on ``x`` (on the
    sum over its variants for a movable measure)."""
    for base, codes in model.groups.items():
        m = model.agenda.measure(codes[0])
        cols, ones = [model.x[c] for c in codes], [1.0] * len(codes)
        if m.committed:
            model.add_row("continuiteit", ("continuiteit", base), cols, ones, lower=1.0)
        if m.must_do:
            model.add_row("verplicht", ("verplicht", base), cols, ones, lower=1.0)
        if m.excluded:
            model.add_row("uitgesloten", ("uitgesloten", base), cols, ones, upper=0.0)


def add_manual(model: Model) -> None:
    """Manual allocations are kept exactly: ``cost[m,y] f[s,m,y] = amount``."""
    for a in model.agenda.allocations:
        if not a.manual:
            continue
        j = model.f.get((a.stream, a.measure, a.year))
        cost = model.cost.get((a.measure, a.year), 0)
        if j is None:
            from wijkkompas.agenda.model import AgendaError

            raise AgendaError(f"handmatige toewijzing {a.stream} -> {a.measure} ({a.year}) is "
                              "niet mogelijk: de geldstroom mag deze maatregel in dat jaar niet "
                              "betalen (oormerk, looptijd of geen budget)")
        model.add_row("handmatig", ("handmatig", a.stream, a.measure, a.year), [j],
                      [cost / SCALE], a.cents / SCALE, a.cents / SCALE)


def add_area_share(model: Model) -> None:
    """No area receives more than ``max_area_share`` of the allocated money (a measure's cost
    is split evenly over its areas). Kept sparse with one auxiliary column ``total``:
    ``total = sum_m cost[m] x[m]`` and per area ``sum_{m in a} cost[m] x[m] / |areas(m)| -
    p total <= 0`` (dense rows over all measures would make the model much harder)."""
    p = model.agenda.max_area_share
    if p is None or not model.on("gebiedsaandeel"):
        return
    measures = planned_measures(model.agenda)
    horizon = {m.code: sum(model.cost.get((m.code, y), 0) for y in _years(model.agenda, m))
               / SCALE for m in measures}
    total = model.add_col(("totaal",), 0.0, np.inf)
    model.add_row("gebiedsaandeel", ("totaal",), [*(model.x[m.code] for m in measures), total],
                  [*(horizon[m.code] for m in measures), -1.0], 0.0, 0.0)
    by_area: dict[str, list[tuple[int, float]]] = {}
    for m in measures:
        for area in m.areas:
            by_area.setdefault(area, []).append((model.x[m.code], horizon[m.code] / len(m.areas)))
    for area, entries in sorted(by_area.items()):
        model.add_row("gebiedsaandeel", ("gebiedsaandeel", area),
                      [*(j for j, _ in entries), total],
                      [*(c for _, c in entries), -float(p)], upper=0.0)


def add_dependencies(model: Model) -> None:
    """``x[m] <= x[d]`` when *m* depends on *d* (a stopped dependency blocks *m*); for movable
    measures ``x`` is the sum over the variants."""
    for base, codes in model.groups.items():
        m = model.agenda.measure(codes[0])
        mine = [model.x[c] for c in codes]
        for dep in m.depends_on:
            theirs = [model.x[c] for c in model.groups.get(dep, [])]
            model.add_row("afhankelijkheid", ("afhankelijkheid", base, dep), [*mine, *theirs],
                          [1.0] * len(mine) + [-1.0] * len(theirs), upper=0.0)


def _started_by(model: Model, code: str, year: int) -> tuple[list[int], float]:
    """"Measure ``code`` has started by ``year``" as (columns, constant): its ``z`` at the
    latest allowed start up to ``year``, its ``x`` when its start is fixed (a partial one
    counts as started when it is funded in full), or a constant for a measure the optimiser
    does not decide on (stopped: never; otherwise by its own start year)."""
    codes = model.groups.get(code)
    if codes is None:
        m = next((m for m in model.agenda.measures if m.code == code), None)
        return [], float(m is not None and m.status != "gestopt" and m.start_year <= year)
    starts = sorted((model.agenda.measure(c).start_year, c) for c in codes)
    if (code, starts[0][0]) in model.z:
        up_to = [t for t, _ in starts if t <= year]
        return ([model.z[(code, up_to[-1])]], 0.0) if up_to else ([], 0.0)
    first, only = starts[0]
    return ([model.x[only]], 0.0) if first <= year else ([], 0.0)


def add_phasing(model: Model) -> None:
    """Start years (see :mod:`wijkkompas.agenda.phasing`). Per movable measure with more than
    one allowed start, cumulative binaries ``z[m,t]``: ``z[m,t-1] <= z[m,t]`` and the variant
    starting in *t* is ``x = z[m,t] - z[m,t-1]`` (all-or-nothing) or ``x <= z[m,t] - z[m,t-1]``
    (partial). With ``model.phasing == "naive"``: one binary per start and ``sum x <= 1``.
    Then the order rules (group ``afhankelijkheid``): a measure that starts after *A* ends
    (``"einde"``) or not before *A* starts (``"start"``) has ``started_by(t) <=
    started_by_A(t - duration(A))``, per allowed start *t*."""
    agenda = model.agenda
    for base, codes in model.groups.items():
        if len(codes) < 2:
            continue
        cols = sorted((agenda.measure(c).start_year, model.x[c], c) for c in codes)
        if model.phasing == "naive":
            model.rows.append(Row("fasering", ("een start", base), [j for _, j, _ in cols],
                                  [1.0] * len(cols), upper=1.0))
            continue
        previous = None
        for t, xj, c in cols:
            zj = model.add_col(("z", base, t), 0.0, 1.0, integer=True)
            model.z[(base, t)] = zj
            whole = agenda.measure(c).funding == "geheel"
            if previous is None:
                model.rows.append(Row("fasering", ("start", c), [xj, zj], [1.0, -1.0],
                                      0.0 if whole else -np.inf, 0.0))
            else:
                model.rows.append(Row("fasering", ("volgorde", base, t), [previous, zj],
                                      [1.0, -1.0], upper=0.0))
                model.rows.append(Row("fasering", ("start", c), [xj, zj, previous],
                                      [1.0, -1.0, 1.0], 0.0 if whole else -np.inf, 0.0))
            previous = zj
    for base, codes in model.groups.items():
        m = agenda.measure(codes[0])
        for dep, mode in m.after.items():
            if dep == base:
                continue
            d = agenda.measure(model.groups[dep][0]) if dep in model.groups \
                else next((m for m in agenda.measures if m.code == dep), None)
            lag = d.end_year - d.start_year + 1 if mode == "einde" and d is not None else 0
            for c in codes:
                t = agenda.measure(c).start_year
                if model.phasing == "naive" or (base, t) not in model.z:
                    mine = [model.x[c]]
                else:
                    mine = [model.z[(base, t)]]
                theirs, constant = _naive_started(model, dep, t - lag) \
                    if model.phasing == "naive" else _started_by(model, dep, t - lag)
                if constant >= 1:
                    continue
                model.add_row("afhankelijkheid", ("na", base, dep, t), [*mine, *theirs],
                              [1.0] + [-1.0] * len(theirs), upper=0.0)


def _naive_started(model: Model, code: str, year: int) -> tuple[list[int], float]:
    """"Started by ``year``" in the naive formulation: the sum of the variants starting by then."""
    codes = model.groups.get(code)
    if codes is None:
        return _started_by(model, code, year)
    return [model.x[c] for c in codes if model.agenda.measure(c).start_year <= year], 0.0


PARTS: tuple[Callable[[Model], None], ...] = (
    add_decisions, add_stream_shares, add_funded_caps, add_coverage, add_budgets, add_cofinancing,
    add_commitments, add_manual, add_area_share, add_dependencies, add_phasing)


def _usable_share(model: Model) -> dict[int, float]:
    """Per ``f`` column the largest share it can take in an all-or-nothing plan: its bound,
    at most the stream's whole budget that year over the cost (``budget``), and 0 for a
    co-financed stream when none of its co-financiers may pay the measure in any year."""
    agenda = model.agenda
    payers: dict[str, set[str]] = {}
    for (s, m, _y) in model.f:
        payers.setdefault(m, set()).add(s)
    out: dict[int, float] = {}
    for (s, m, y), j in model.f.items():
        stream = agenda.stream(s)
        share = model.col_upper[j]
        if model.on("budget"):
            share = min(share, stream.amount(y) / model.cost[(m, y)])
        rule = stream.cofinancing
        if rule is not None and rule.ratio > 0 and model.on("cofinanciering"):
            others = set(rule.from_streams) or {t.code for t in agenda.streams} - {s}
            if not payers[m] & others:
                share = 0.0
        out[j] = share
    return out


def fix_uncoverable(model: Model) -> None:
    """An all-or-nothing measure with a year whose eligible streams can together pay less
    than its full cost (maximum shares, whole budgets, co-financing nobody may give) can
    never be funded: ``x[m] = 0`` as a bound. Recorded in ``model.uncoverable`` (measure ->
    year) and named in a warning by :func:`build_model`."""
    usable = _usable_share(model)
    total: dict[tuple[str, int], float] = {}
    for (_s, m, y), j in model.f.items():
        total[(m, y)] = total.get((m, y), 0.0) + usable[j]
    for m in planned_measures(model.agenda):
        j = model.x[m.code]
        if j not in model.whole:
            continue  # a partial measure can still be funded for the share that is covered
        short = [y for y in _years(model.agenda, m) if total.get((m.code, y), 0.0) < 1 - 1e-9]
        if short:
            model.col_upper[j] = 0.0
            model.uncoverable[m.code] = short[0]


def add_share_links(model: Model) -> None:
    """``f[s,m,y] <= u x[m]`` for all-or-nothing *m*, ``u`` the usable share of the column
    (:func:`_usable_share`) when below 1: valid since ``x`` is 0 or 1 (coverage gives
    ``f <= x``), and it stops the relaxation from paying a fraction of a measure entirely
    from a capped stream."""
    usable = _usable_share(model)
    for (s, m, y), j in model.f.items():
        xj = model.x[m]
        if xj in model.whole and usable[j] < 1 - 1e-12:
            model.add_row("versterking", ("versterking", s, m, y), [j, xj],
                          [1.0, -usable[j]], upper=0.0)


TIGHTENING: tuple[Callable[[Model], None], ...] = (fix_uncoverable, add_share_links)


def _years(agenda: Agenda, m: Measure) -> list[int]:
    return [y for y, c in m.costs.items() if c > 0 and agenda.horizon_start <= y
            <= agenda.horizon_end]


def build_model(agenda: Agenda, priorities: Mapping[tuple[str, str], float] | pd.Series, *,
                disabled: frozenset[str] = frozenset(),
                parts: tuple[Callable[[Model], None], ...] = PARTS,
                tighten: bool = True, phasing: str = "cumulatief") -> tuple[Model, list[str]]:
    """Compose the MILP from ``parts`` (then :data:`TIGHTENING` unless ``tighten=False``:
    the same integer solutions, a tighter relaxation); return it with warnings (e.g. missing
    priorities, measures that can never be paid in full)."""
    from wijkkompas.agenda.phasing import allowed_starts, expand, start_discount

    unstartable = [m.code for m in agenda.measures if m.movable and not m.variant_of
                   and not allowed_starts(agenda, m)]
    agenda = expand(agenda)
    missing: list[str] = []
    value = {m.code: measure_value(m, priorities, missing) * start_discount(agenda, m)
             for m in agenda.measures}
    cost = {(m.code, y): c for m in agenda.measures for y, c in m.costs.items()}
    model = Model(agenda=agenda, value=value, cost=cost, disabled=frozenset(disabled),
                  phasing=phasing)
    for part in (*parts, *TIGHTENING) if tighten else parts:
        part(model)
    warnings = []
    if unstartable:
        warnings.append("geen toegestaan startjaar (startvenster, horizon of bestuurstermijn) "
                        f"voor {', '.join(sorted(unstartable))}: die vallen af")
    never = sorted((m, y) for m, y in model.uncoverable.items()
                   if not agenda.measure(m).excluded)
    if never:
        shown = ", ".join(f"{m} ({y})" for m, y in never[:8])
        warnings.append(f"{len(never)} maatregelen die alleen geheel door kunnen, zijn in een "
                        "jaar niet volledig te betalen door de geldstromen die ze mogen betalen "
                        f"(maximale aandelen, budget, cofinanciering) en vallen af: {shown}")
    if missing:
        shown = ", ".join(sorted(set(missing))[:8])
        warnings.append(f"geen prioriteit voor {len(set(missing))} gebied/opgave-combinaties "
                        f"({shown}); daar telt prioriteit 1")
    return model, warnings


