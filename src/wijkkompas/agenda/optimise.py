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
maximaal_aandeel  ``f[s,m,y] <= max_share(s)`` (bound)
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

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wijkkompas.agenda.cents import check_allocations, to_allocations
from wijkkompas.agenda.model import Agenda, Allocation, FundingStream, Measure

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


# --- priorities and value --------------------------------------------------------------------

def area_priorities(result, year: int | None = None, *, method: str = "tier+score",  # noqa: ANN001
                    tier_weights: Mapping[str, float] | None = None) -> pd.Series:
    """Priority weight per (area_code, opgave) from a ScoreResult.

    ``tier``: the most urgent tier weighs *T* (the number of tiers), the next *T-1*, ..., the
    last 1 (or ``tier_weights`` by label). ``score``: 1 + the area's urgency, its rank in the
    priority direction of the opgave scaled to [0, 1] (1 = most urgent). ``tier+score``
    (default): tier weight + urgency, so tiers dominate and scores order areas within a tier.
    Unscored areas get no entry (the optimiser then uses 1, with a warning).
    """
    year = year or result.years[-1]
    labels = result.framework.priority.tier_labels()
    weights = dict(tier_weights or {lab: float(len(labels) - i) for i, lab in enumerate(labels)})
    scores = result.scores.xs(year, level="year")
    tiers = result.tiers.xs(year, level="year")
    out = {}
    for op in result.framework.opgaven:
        s = scores[op.code].dropna()
        n = len(s)
        r = s.rank(method="average")
        urgency = (n - r) / (n - 1) if op.priority_when == "low" else (r - 1) / (n - 1)
        urgency = urgency if n > 1 else r * 0 + 0.5
        for area, u in urgency.items():
            tier_w = weights.get(tiers.loc[area, op.code], 1.0) if op.code in tiers else 1.0
            out[(area, op.code)] = {"tier": tier_w, "score": 1.0 + u,
                                    "tier+score": tier_w + u}[method]
    series = pd.Series(out, dtype=float, name="priority")
    series.index = series.index.set_names(["area_code", "opgave"])
    return series


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


# --- the parts -------------------------------------------------------------------------------

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
    """One ``x[m]`` per planned measure (binary or continuous) with its value as objective."""
    for m in planned_measures(model.agenda):
        model.x[m.code] = model.add_col(("x", m.code), 0.0, 1.0, model.value[m.code],
                                        integer=m.funding == "geheel")


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
    """Continuity (decided measures), must-do and excluded measures as rows on ``x``."""
    for m in planned_measures(model.agenda):
        j = model.x[m.code]
        if m.committed:
            model.add_row("continuiteit", ("continuiteit", m.code), [j], [1.0], lower=1.0)
        if m.must_do:
            model.add_row("verplicht", ("verplicht", m.code), [j], [1.0], lower=1.0)
        if m.excluded:
            model.add_row("uitgesloten", ("uitgesloten", m.code), [j], [1.0], upper=0.0)


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
    """``x[m] <= x[d]`` when *m* depends on *d* (a stopped dependency blocks *m*)."""
    for m in planned_measures(model.agenda):
        for dep in m.depends_on:
            if dep in model.x:
                model.add_row("afhankelijkheid", ("afhankelijkheid", m.code, dep),
                              [model.x[m.code], model.x[dep]], [1.0, -1.0], upper=0.0)
            else:
                model.add_row("afhankelijkheid", ("afhankelijkheid", m.code, dep),
                              [model.x[m.code]], [1.0], upper=0.0)


PARTS: tuple[Callable[[Model], None], ...] = (
    add_decisions, add_stream_shares, add_coverage, add_budgets, add_cofinancing,
    add_commitments, add_manual, add_area_share, add_dependencies)


# --- strengthening (group "versterking"): same integer solutions, tighter LP relaxation ---------

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
        if not model.col_integer[j]:
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
        if model.col_integer[xj] and usable[j] < 1 - 1e-12:
            model.add_row("versterking", ("versterking", s, m, y), [j, xj],
                          [1.0, -usable[j]], upper=0.0)


TIGHTENING: tuple[Callable[[Model], None], ...] = (fix_uncoverable, add_share_links)


def _years(agenda: Agenda, m: Measure) -> list[int]:
    return [y for y, c in m.costs.items() if c > 0 and agenda.horizon_start <= y
            <= agenda.horizon_end]


def build_model(agenda: Agenda, priorities: Mapping[tuple[str, str], float] | pd.Series, *,
                disabled: frozenset[str] = frozenset(),
                parts: tuple[Callable[[Model], None], ...] = PARTS,
                tighten: bool = True) -> tuple[Model, list[str]]:
    """Compose the MILP from ``parts`` (then :data:`TIGHTENING` unless ``tighten=False``:
    the same integer solutions, a tighter relaxation); return it with warnings (e.g. missing
    priorities, measures that can never be paid in full)."""
    missing: list[str] = []
    value = {m.code: measure_value(m, priorities, missing) for m in agenda.measures}
    cost = {(m.code, y): c for m in agenda.measures for y, c in m.costs.items()}
    model = Model(agenda=agenda, value=value, cost=cost, disabled=frozenset(disabled))
    for part in (*parts, *TIGHTENING) if tighten else parts:
        part(model)
    warnings = []
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


# --- solving ---------------------------------------------------------------------------------

@dataclass
class Solution:
    """What the solver returned, in model units."""

    status: str  # optimaal | tijdslimiet | onuitvoerbaar | fout
    values: np.ndarray
    objective: float
    bound: float
    gap: float
    seconds: float
    row_duals: np.ndarray | None = None


_BANNER_SHOWN: list[bool] = []


def _highs():  # noqa: ANN202 - highspy.Highs
    """A HiGHS instance; the first one of a process prints a banner on fd 1, which we hide."""
    import os
    import sys

    import highspy

    if _BANNER_SHOWN:
        return highspy.Highs()
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _BANNER_SHOWN.append(True)
    return h


def rounded_start(model: Model, time_limit: float = 10.0) -> np.ndarray | None:
    """A feasible starting solution: solve the LP relaxation, keep the all-or-nothing measures
    it funds (almost) fully, drop the others and re-solve the LP for the split over streams.
    Budget-constrained allocation LPs are nearly integral, so this start is usually within a
    fraction of a percent of the optimum and lets HiGHS prune from the first node."""
    integer = [j for j, i in enumerate(model.col_integer) if i]
    if not integer:
        return None
    lp = solve(model, relax=True, time_limit=time_limit, use_start=False)
    if lp.status != "optimaal":
        return None
    for threshold in (1 - 1e-6, 2.0):  # then: only what other rules force
        fixed = {j: float(lp.values[j] >= threshold) for j in integer}
        if threshold > 1:
            fixed = {j: 0.0 for j in integer}
            for row in model.rows:
                if row.group in ("continuiteit", "verplicht") and row.cols[0] in fixed:
                    fixed[row.cols[0]] = 1.0
        start = solve(model, relax=True, fixed=fixed, time_limit=time_limit, use_start=False)
        if start.status == "optimaal":
            return start.values
    return None


def solve(model: Model, *, time_limit: float = 60.0, gap: float = 1e-6, relax: bool = False,
          fixed: Mapping[int, float] | None = None, threads: int | None = None,
          use_start: bool = True) -> Solution:
    """Solve with HiGHS (highspy); ``relax`` drops integrality, ``fixed`` pins columns
    (both used for the duals in :mod:`.explain`); a MILP gets :func:`rounded_start`."""
    import highspy

    arr = model.arrays()
    lb, ub = arr["lb"].copy(), arr["ub"].copy()
    for j, v in (fixed or {}).items():
        lb[j] = ub[j] = v
    h = _highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    if threads:
        h.setOptionValue("threads", int(threads))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(lb), len(arr["rl"])
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = arr["c"], lb, ub
    lp.row_lower_, lp.row_upper_ = arr["rl"], arr["ru"]
    lp.sense_ = highspy.ObjSense.kMaximize if model.sense == "max" else highspy.ObjSense.kMinimize
    A = arr["A"]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = A.indptr, A.indices
    lp.a_matrix_.value_ = A.data
    if not relax and arr["integer"].any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in arr["integer"]]
    start = time.perf_counter()
    h.passModel(lp)
    if use_start and not relax and lp.integrality_:
        values = rounded_start(model, time_limit=time_limit)
        if values is not None:
            initial = highspy.HighsSolution()
            initial.col_value = list(values)
            initial.value_valid = True
            h.setSolution(initial)
    h.run()
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    ms = highspy.HighsModelStatus
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2
    if status == ms.kOptimal:
        label = "optimaal"
    elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        label = "onuitvoerbaar"
    elif status in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt) and has_solution:
        label = "tijdslimiet"
    elif status in (ms.kTimeLimit,):
        label = "geen oplossing binnen de tijdslimiet"
    else:
        label = "fout"
    if not has_solution:
        return Solution(label, np.zeros(len(lb)), float("nan"), float("nan"), float("nan"),
                        seconds)
    sol = h.getSolution()
    values = np.asarray(sol.col_value)
    objective = float(info.objective_function_value)
    mip = bool(lp.integrality_) and not relax
    bound = float(info.mip_dual_bound) if mip else objective
    gap_out = float(info.mip_gap) if mip else 0.0
    duals = np.asarray(sol.row_dual) if sol.dual_valid else None
    return Solution(label, values, objective, bound, gap_out, seconds, duals)


def polish(model: Model, sol: Solution, *, time_limit: float = 10.0) -> np.ndarray:
    """The same plan (every ``x`` fixed, so the same objective) with, where the budgets allow,
    a margin of a few cents on each co-financing row: the optimum often meets a ratio exactly
    in fractions of a cent, and rounding to whole cents could then break it by a cent.
    Maximises ``sum_r t_r`` with ``t_r <= activity_r`` and ``t_r <= 2 cents x years``; returns
    ``sol.values`` unchanged when there is nothing to polish or the LP fails."""
    rows = [r for r in model.rows if r.group == "cofinanciering"]
    if not rows:
        return sol.values
    work = dataclasses.replace(model, rows=list(model.rows), col_key=list(model.col_key),
                               col_lower=list(model.col_lower), col_upper=list(model.col_upper),
                               col_cost=[0.0] * len(model.col_cost),
                               col_integer=list(model.col_integer), sense="max")
    for r in rows:
        years = len({model.col_key[j][3] for j in r.cols})
        t = work.add_col(("marge", *r.key[1:]), -np.inf, 2 * years / SCALE, 1.0)
        work.rows.append(Row("marge", ("marge", *r.key[1:]), [*r.cols, t],
                             [*r.coefs, -1.0], lower=0.0))
    fixed = {j: float(sol.values[j]) for j in model.x.values()}
    lp = solve(work, relax=True, fixed=fixed, time_limit=time_limit)
    if lp.status != "optimaal":
        return sol.values
    return lp.values[: len(model.col_key)]


# --- the entry point -------------------------------------------------------------------------

def add_disturbance(model: Model, previous: list[Allocation], floor: float,
                    weight_other: float = 0.1) -> None:
    """Phase two of a re-allocation: keep the objective at least ``floor`` and minimise the
    money moved away from ``previous`` allocations (weight 1 for decided measures,
    ``weight_other`` for the rest)."""
    value_cols = [(j, model.col_cost[j]) for j in model.x.values()]
    model.rows.append(Row("doel", ("doel",), [j for j, _ in value_cols],
                          [c for _, c in value_cols], lower=floor))
    model.col_cost = [0.0] * len(model.col_cost)
    model.sense = "min"
    for a in previous:
        j = model.f.get((a.stream, a.measure, a.year))
        m = model.agenda.measure(a.measure)
        weight = 1.0 if m.committed else weight_other
        d = model.add_col(("d", a.stream, a.measure, a.year), 0.0, np.inf, weight)
        p = a.cents / SCALE
        if j is None:  # the old stream can no longer pay: all of it moves
            model.rows.append(Row("verstoring", ("verstoring", a.stream, a.measure, a.year),
                                  [d], [1.0], lower=p))
            continue
        c = model.cost[(a.measure, a.year)] / SCALE
        model.rows.append(Row("verstoring", ("verstoring+", a.stream, a.measure, a.year),
                              [j, d], [c, -1.0], upper=p))
        model.rows.append(Row("verstoring", ("verstoring-", a.stream, a.measure, a.year),
                              [j, d], [c, 1.0], lower=p))


def optimise(agenda: Agenda, priorities: Mapping[tuple[str, str], float] | pd.Series, *,
             previous: list[Allocation] | None = None, time_limit: float = 60.0,
             gap: float = 1e-6, explain: bool = True, alternatives: int = 2,
             probe_cents: int | None = None):  # noqa: ANN201 - AllocationResult
    """Optimise the allocation of ``agenda``'s streams to its measures.

    Parameters
    ----------
    agenda
        Measures, streams and manual allocations (kept exactly); other allocations are
        replaced by the optimum.
    priorities
        Priority per ``(area_code, opgave)``, e.g. :func:`area_priorities` of a ScoreResult.
    previous
        Last year's allocations: among the optimal plans, the one that moves the least money
        away from them (decided measures first) is chosen — the dynamische agenda.
    time_limit, gap
        HiGHS limits (seconds, relative MIP gap).
    explain
        Fill binding rules, unused budget, shadow prices and alternatives (or, when
        infeasible, which rules conflict).
    alternatives
        How many alternative optima to look for (no-good cuts).
    probe_cents
        The extra budget per year tried per stream to show what more money would buy
        (default: enough for the cheapest measure that stream may pay and is not funded).

    Returns
    -------
    AllocationResult

    Examples
    --------
    >>> from wijkkompas.agenda.model import Agenda, FundingStream, Measure
    >>> ag = Agenda("voorbeeld", 2025, 2025, 2025, 2025,
    ...     measures=[Measure("a", "A", "fysiek", 2025, 2025, {2025: 100_00}, {"o": 1}, ("w",))],
    ...     streams=[FundingStream("g", "Gemeente", "gemeente", {2025: 150_00})])
    >>> optimise(ag, {("w", "o"): 2.0}, explain=False).agenda.allocations[0].cents
    10000
    """
    from wijkkompas.agenda import explain as explaining
    from wijkkompas.agenda.result import AllocationResult

    warnings = agenda.validate()
    start = time.perf_counter()
    model, more = build_model(agenda, priorities)
    build_seconds = time.perf_counter() - start
    warnings += more
    sol = solve(model, time_limit=time_limit, gap=gap)
    result = AllocationResult(
        agenda=agenda.with_allocations([a for a in agenda.allocations if a.manual]),
        status=sol.status, objective=sol.objective, bound=sol.bound, gap=sol.gap,
        funded={}, value=dict(model.value), priorities=pd.Series(priorities, dtype=float),
        build_seconds=build_seconds, solve_seconds=sol.seconds, warnings=warnings)
    if sol.status not in ("optimaal", "tijdslimiet"):
        if explain:
            result.infeasibility = explaining.diagnose(agenda, priorities,
                                                       time_limit=time_limit)
        return result
    if previous:
        second, _ = build_model(agenda, priorities)
        floor = sol.objective - max(abs(sol.objective) * max(gap, 1e-7), 1e-7)
        add_disturbance(second, previous, floor)
        sol2 = solve(second, time_limit=time_limit, gap=gap)
        if sol2.status in ("optimaal", "tijdslimiet"):
            model, sol = second, Solution(sol2.status, sol2.values, sol.objective, sol.bound,
                                          sol.gap, sol.seconds + sol2.seconds)
            result.disturbance_cents = round(sol2.objective * SCALE)
    else:
        sol.values = polish(model, sol, time_limit=min(time_limit, 10.0))
    allocations = to_allocations(model, sol.values)
    result.agenda = agenda.with_allocations(allocations)
    result.funded = {m: max(0.0, float(round(sol.values[j], 9))) for m, j in model.x.items()}
    result.violations = check_allocations(result.agenda)
    if explain:
        explaining.explain(result, model, sol, alternatives=alternatives,
                           probe_cents=probe_cents, time_limit=time_limit)
    return result
