"""Solving the allocation MILP with HiGHS: the solve itself, a rounded warm start, the polish
step that keeps co-financing margins for exact cents, and the least-disturbance re-solve."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from wijkkompas.agenda.milp import SCALE, Model, Row
from wijkkompas.agenda.model import Allocation

_BANNER_SHOWN: list[bool] = []



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
    if model.z:
        return lp_dive(model, time_limit=time_limit)
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


def lp_dive(model: Model, *, time_limit: float = 10.0, rounds: int = 40) -> np.ndarray | None:
    """LP-guided fixing for models with start years (``model.z``): solve the LP, fix every
    integer column the LP already has at 0 or 1, fix the fractional ones below one half at 0
    (a "started by t" below one half: not started by then; a measure below one half: left
    out) or, when none is below one half, the largest at 1; re-solve (one HiGHS instance, so
    the simplex starts from the last basis) until the integer columns are integral. A step
    that makes the LP infeasible is undone and replaced by fixing only the smallest fractional
    column at 0. Returns a feasible point of the MILP, or None."""
    import highspy

    start = time.perf_counter()
    h, arr = _passed(model, relax=True, time_limit=time_limit)
    lb, ub = arr["lb"].copy(), arr["ub"].copy()
    integer = np.flatnonzero(arr["integer"])
    ok = highspy.HighsModelStatus.kOptimal

    def run() -> np.ndarray | None:
        h.setOptionValue("time_limit", max(0.1, time_limit - (time.perf_counter() - start)))
        h.run()
        return np.asarray(h.getSolution().col_value) if h.getModelStatus() == ok else None

    def fix(cols: np.ndarray, values: np.ndarray) -> None:
        lb[cols], ub[cols] = values, values
        h.changeColsBounds(len(cols), cols.astype(np.int32), values.astype(float),
                           values.astype(float))

    values = run()
    for _ in range(rounds):
        if values is None or time.perf_counter() - start > time_limit:
            return None
        free = integer[lb[integer] != ub[integer]]
        v = values[free]
        settled = (v <= 1e-6) | (v >= 1 - 1e-6)
        fix(free[settled], np.round(v[settled]))
        frac = free[~settled]
        if not len(frac):
            return values
        low = frac[values[frac] < 0.5]
        step, to = (low, 0.0) if len(low) else (frac[[int(np.argmax(values[frac]))]], 1.0)
        fix(step, np.full(len(step), to))
        trial = run()
        if trial is None:  # undo; fix only the least started one at 0
            h.changeColsBounds(len(step), step.astype(np.int32), arr["lb"][step],
                               arr["ub"][step])
            lb[step], ub[step] = arr["lb"][step], arr["ub"][step]
            fix(frac[[int(np.argmin(values[frac]))]], np.zeros(1))
            trial = run()
        values = trial
    return None


def _passed(model: Model, *, relax: bool, time_limit: float,
            fixed: Mapping[int, float] | None = None):  # noqa: ANN202 - (Highs, arrays)
    """A HiGHS instance with ``model`` passed in (``relax``: without integrality)."""
    import highspy

    arr = model.arrays()
    lb, ub = arr["lb"].copy(), arr["ub"].copy()
    for j, v in (fixed or {}).items():
        lb[j] = ub[j] = v
    h = _highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
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
    h.passModel(lp)
    return h, arr


def solve(model: Model, *, time_limit: float = 60.0, gap: float = 1e-6, relax: bool = False,
          fixed: Mapping[int, float] | None = None, threads: int | None = None,
          use_start: bool = True) -> Solution:
    """Solve with HiGHS (highspy); ``relax`` drops integrality, ``fixed`` pins columns
    (both used for the duals in :mod:`.explain`); a MILP gets :func:`rounded_start`."""
    import highspy

    start = time.perf_counter()
    h, arr = _passed(model, relax=relax, time_limit=time_limit, fixed=fixed)
    lb = arr["lb"]
    h.setOptionValue("mip_rel_gap", float(gap))
    if threads:
        h.setOptionValue("threads", int(threads))
    mip = not relax and bool(arr["integer"].any())
    if use_start and mip:
        values = rounded_start(model, time_limit=time_limit)
        if values is not None:
            initial = highspy.HighsSolution()
            initial.col_value = list(values)
            initial.value_valid = True
            h.setSolution(initial)
        h.setOptionValue("time_limit", max(0.1, time_limit - (time.perf_counter() - start)))
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
        m = next((m for m in model.agenda.measures if m.code == a.measure), None)
        weight = 1.0 if m is not None and m.committed else weight_other
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
