"""Benchmark: the allocation MILP, 500 measures x 8 streams x 10 years, HiGHS against CBC.

    /work/venv/bin/python benchmarks/bench_agenda.py [--measures 500] [--seed 2025]
                                                     [--time-limit 60] [--no-cbc]

Builds a seeded, realistic instance: ``--measures`` measures over 40 wijken and 4 opgaven,
2025-2034; most run 2-6 years (a few one-off); yearly costs lognormal (median about
EUR 350k); each is eligible for 2-3 of the 8 streams its type allows; about 8% are decided
(continuity), 3% must-do, 15% may be funded partly, 2% depend on another measure. The 8
streams have type earmarks, one is Volkshuisvestingsfonds-like (max 70%, 50% co-financing,
money until 2028) and one an area-earmarked corporation budget; yearly budgets are about 45%
of that year's demand, so the choice is real. Priorities per (wijk, opgave) are 1-3.

Reported, all in the same run (:class:`wijkkompas.agenda.milp.Model`):

* model building time (wijkkompas parts -> arrays) of the tightened model and of the old one
  (``build_model(..., tighten=False)``), and PuLP model building from the tightened arrays;
* the LP relaxation of both against the optimum (how much the strengthening closes);
* HiGHS (highspy) time to a 1% gap and to a proven optimum (relative gap 1e-6), 60 s cap, on
  the tightened model and, as the baseline, on the old formulation;
* CBC via PuLP (when installed) on the identical tightened matrix, same targets and cap
  (``--cbc-old``: also on the old one);
* the co-financing margin (:func:`~wijkkompas.agenda.solver.polish`), the rounding to exact
  cents and the rule check of the HiGHS solution.

``--start-years`` benchmarks phasing instead (:mod:`wijkkompas.agenda.phasing`): every
measure that is not decided gets a start window of 1-4 years around its planned start (seeded),
dependencies become order rules ("start after the end" or "not before the start"), later
starts lose 3% a year. In one run it solves the cumulative formulation (with the LP-guided
start) and the naive one (one binary per measure and start year, plain HiGHS), both with a
1% gap target (``--gap``) and the same time limit (``--time-limit``, default 30 s here); the last line is
``start-years: gap G % at T s; naive: gap G0 % at T0 s``.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

import numpy as np

from wijkkompas.agenda.cents import check_allocations, to_allocations
from wijkkompas.agenda.milp import build_model
from wijkkompas.agenda.model import Agenda, Cofinancing, Earmark, FundingStream, Measure
from wijkkompas.agenda.solver import polish, solve

YEARS = list(range(2025, 2035))
OPGAVEN = ["urgentie", "potentie", "verduurzaming", "vergrijzing"]
TYPES = ["fysiek", "sociaal", "veiligheid", "economie"]
HOME = {"fysiek": "fysiek", "economie": "fysiek", "sociaal": "sociaal", "veiligheid": "veilig"}


def make_instance(n_measures: int, seed: int) -> tuple[Agenda, dict[tuple[str, str], float]]:
    rng = np.random.default_rng(seed)
    areas = [f"WK0153{i:02d}" for i in range(40)]
    stream_defs = [
        ("fysiek", "Gemeente fysiek", "gemeente", {"fysiek", "economie"}, None, None, None),
        ("sociaal", "Sociaal domein", "gemeente", {"sociaal"}, None, None, None),
        ("veilig", "Veiligheid", "gemeente", {"veiligheid", "sociaal"}, None, None, None),
        ("vhf", "Volkshuisvestingsfonds", "rijk", {"fysiek"}, Decimal("0.7"), Decimal("0.5"),
         2028),
        ("regio", "Regio Deal", "rijk", {"economie", "fysiek", "sociaal"}, Decimal("0.5"),
         None, None),
        ("prov", "Provincie", "provincie", {"economie", "fysiek"}, Decimal("0.6"), None, None),
        ("corp", "Corporaties", "corporatie", {"fysiek", "sociaal"}, None, None, None),
        ("partner", "Zorgverzekeraar", "partner", {"sociaal"}, Decimal("0.5"), None, None),
    ]
    measures = []
    for i in range(n_measures):
        mtype = str(rng.choice(TYPES, p=[0.45, 0.3, 0.1, 0.15]))
        duration = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.1, 0.2, 0.25, 0.2, 0.15, 0.1]))
        start = int(rng.integers(2025, 2035 - duration + 1))
        base = float(rng.lognormal(np.log(350_000), 0.8))
        costs = {y: int(round(base * rng.uniform(0.7, 1.3))) * 100
                 for y in range(start, start + duration)}
        k = int(rng.choice([1, 2], p=[0.6, 0.4]))
        effects = {str(o): float(rng.integers(1, 6)) for o in rng.choice(OPGAVEN, k,
                                                                        replace=False)}
        n_areas = int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1]))
        m_areas = tuple(str(a) for a in rng.choice(areas, n_areas, replace=False))
        allowed = [s[0] for s in stream_defs if mtype in s[3]]
        n_streams = min(len(allowed), int(rng.choice([2, 3], p=[0.5, 0.5])))
        eligible = tuple(str(s) for s in rng.choice(allowed, n_streams, replace=False))
        roll = rng.random()
        status = "besloten" if roll < 0.08 else "voorgesteld" if roll < 0.4 else "idee"
        if status == "besloten" and start > 2026:
            status = "voorgesteld"
        must_do = status != "besloten" and base < 600_000 and rng.random() < 0.03
        if status == "besloten" or must_do:  # a real plan: its own domain budget can carry it
            eligible = tuple(dict.fromkeys((HOME[mtype], *eligible)))[:3]
        measures.append(Measure(
            code=f"M{i:03d}", title=f"Maatregel {i}", type=mtype, start_year=start,
            end_year=start + duration - 1, costs=costs, effects=effects, areas=m_areas,
            status=status, funding="deels" if rng.random() < 0.15 else "geheel",
            must_do=must_do, streams=eligible,
            depends_on=(f"M{int(rng.integers(0, i))}",) if i > 10 and rng.random() < 0.02
            else ()))
    demand = {y: sum(m.costs.get(y, 0) for m in measures) for y in YEARS}
    committed: dict[tuple[str, int], int] = {}  # decided and must-do money is budgeted
    for m in measures:
        if m.committed or m.must_do:
            for y, c in m.costs.items():
                committed[(HOME[m.type], y)] = committed.get((HOME[m.type], y), 0) + c
    weights = np.array([0.22, 0.16, 0.05, 0.12, 0.08, 0.08, 0.22, 0.07])
    streams = []
    for (code, name, owner, types, max_share, cofin, deadline), w in zip(stream_defs, weights,
                                                                          strict=True):
        amounts = {y: int(demand[y] * 0.45 * w) // 100 * 100 + committed.get((code, y), 0)
                   for y in YEARS if deadline is None or y <= deadline}
        earmark = Earmark(types=frozenset(types),
                          areas=frozenset(areas[:30]) if code == "corp" else None)
        streams.append(FundingStream(
            code=code, name=name, owner=owner, amounts=amounts, earmark=earmark,
            max_share=max_share, deadline=deadline,
            cofinancing=Cofinancing(cofin, ("fysiek", "corp")) if cofin else None))
    agenda = Agenda("benchmark", 2025, 2025, YEARS[0], YEARS[-1], measures=measures,
                    streams=streams, max_area_share=Decimal("0.1"))
    priorities = {(a, o): float(rng.uniform(1, 3)) for a in areas for o in OPGAVEN}
    return agenda, priorities


def with_windows(agenda: Agenda, seed: int) -> Agenda:
    """The phasing variant: windows of 1-4 starts, order rules, a 3% yearly discount."""
    import dataclasses

    rng = np.random.default_rng(seed + 1)
    first, last = YEARS[0], YEARS[-1]
    measures = []
    for m in agenda.measures:
        size = int(rng.integers(1, 5))
        duration = m.end_year - m.start_year
        if m.committed or size == 1:
            measures.append(m)
            continue
        earliest = max(first, m.start_year - int(rng.integers(0, size)))
        latest = min(earliest + size - 1, last - duration)
        earliest = min(earliest, m.start_year)
        latest = max(latest, m.start_year)
        after = {d: str(rng.choice(["einde", "start"])) for d in m.depends_on}
        measures.append(dataclasses.replace(m, earliest_start=earliest, latest_start=latest,
                                            after=after))
    return dataclasses.replace(agenda, measures=measures, start_discount=Decimal("0.03"))


def start_years(args: argparse.Namespace) -> None:
    agenda, priorities = make_instance(args.measures, args.seed)
    agenda = with_windows(agenda, args.seed)
    limit = args.time_limit if args.time_limit_given else 30.0
    movable = [m for m in agenda.measures if m.movable]
    print(f"instance: {len(agenda.measures)} measures x {len(agenda.streams)} streams x "
          f"{len(agenda.years)} years (seed {args.seed}); {len(movable)} with a start window "
          f"({sum(m.window[1] - m.window[0] + 1 for m in movable)} starts)")
    figures = {}
    for name in ("cumulatief", "naive"):
        start = time.perf_counter()
        model, _ = build_model(agenda, priorities, phasing=name)
        arrays = model.arrays()
        build = time.perf_counter() - start
        lp = solve(model, relax=True, time_limit=limit)
        sol = solve(model, time_limit=limit, gap=args.gap, use_start=name == "cumulatief")
        figures[name] = sol
        print(f"{name}: {len(model.col_key)} columns ({int(arrays['integer'].sum())} binary), "
              f"{len(model.rows)} rows, built in {build:.2f} s; LP {lp.objective:.3f}; "
              f"MILP {sol.status}, objective {sol.objective:.3f}, bound {sol.bound:.3f}, "
              f"gap {sol.gap * 100:.2f} % in {sol.seconds:.1f} s")
        if name == "cumulatief" and sol.status in ("optimaal", "tijdslimiet"):
            allocations = to_allocations(model, polish(model, sol))
            from wijkkompas.agenda.phasing import collapse

            shares = {m: float(sol.values[j]) for m, j in model.x.items()}
            planned, _, chosen = collapse(agenda, model.agenda, allocations, shares)
            moved = sum(1 for c, t in chosen.items() if t != agenda.measure(c).start_year)
            problems = check_allocations(planned)
            print(f"  {len(chosen)} funded measures with a window, {moved} start elsewhere "
                  f"than planned; rule check: {'all rules hold' if not problems else problems[:3]}")
    new, naive = figures["cumulatief"], figures["naive"]

    def gap(sol) -> str:  # noqa: ANN001
        return "-" if sol.gap != sol.gap else f"{sol.gap * 100:.2f}"

    print(f"start-years: gap {gap(new)} % at {new.seconds:.1f} s; "
          f"naive: gap {gap(naive)} % at {naive.seconds:.1f} s")


def pulp_model(model, arrays):  # noqa: ANN001, ANN201
    import pulp

    prob = pulp.LpProblem("agenda", pulp.LpMaximize)
    xs = [pulp.LpVariable(f"c{j}", lowBound=float(lb), upBound=None if np.isinf(ub) else float(ub),
                          cat="Integer" if integer else "Continuous")
          for j, (lb, ub, integer) in enumerate(zip(arrays["lb"], arrays["ub"],
                                                    arrays["integer"], strict=True))]
    prob += pulp.lpSum(float(c) * xs[j] for j, c in enumerate(arrays["c"]) if c)
    csr = arrays["A"].tocsr()
    for i in range(csr.shape[0]):
        lo, hi = arrays["rl"][i], arrays["ru"][i]
        start, end = csr.indptr[i], csr.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [(xs[j], float(v)) for j, v in zip(csr.indices[start:end], csr.data[start:end],
                                              strict=True)])
        if lo == hi:
            prob += expr == float(lo), f"r{i}"
        else:
            if np.isfinite(lo):
                prob += expr >= float(lo), f"r{i}l"
            if np.isfinite(hi):
                prob += expr <= float(hi), f"r{i}u"
    return prob


def run_cbc(prob, gap: float, limit: float) -> tuple[float, float, str]:  # noqa: ANN001
    import pulp

    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=gap)
    start = time.perf_counter()
    prob.solve(solver)
    seconds = time.perf_counter() - start
    status = {1: "optimaal", 2: "toegelaten (niet bewezen)"}.get(prob.sol_status,
                                                                  pulp.LpStatus[prob.status])
    return seconds, float(pulp.value(prob.objective) or float("nan")), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--no-cbc", action="store_true")
    parser.add_argument("--no-old", action="store_true", help="skip HiGHS on the old model")
    parser.add_argument("--cbc-old", action="store_true", help="also CBC on the old model")
    parser.add_argument("--gap", type=float, default=0.01,
                        help="--start-years: the relative gap at which HiGHS stops (0.01 = 1%%)")
    parser.add_argument("--start-years", action="store_true",
                        help="phasing: start windows, cumulative against naive formulation")
    args = parser.parse_args()
    args.time_limit_given = "--time-limit" in " ".join(__import__("sys").argv)
    if args.start_years:
        start_years(args)
        return

    agenda, priorities = make_instance(args.measures, args.seed)
    print(f"instance: {len(agenda.measures)} measures x {len(agenda.streams)} streams x "
          f"{len(agenda.years)} years (seed {args.seed})")
    build_model(agenda, priorities)[0].arrays()  # warm-up (imports), not timed
    models = {}
    for name, tighten in (("new", True), ("old", False)):
        start = time.perf_counter()
        model, _ = build_model(agenda, priorities, tighten=tighten)
        arrays = model.arrays()
        build = time.perf_counter() - start
        models[name] = (model, arrays)
        print(f"{name} model: {len(model.col_key)} columns ({int(arrays['integer'].sum())} "
              f"binary, {sum(model.col_upper[j] == 0 for j in model.x.values())} fixed at 0), "
              f"{len(model.rows)} rows, {arrays['A'].nnz} non-zeros; built in "
              f"{build * 1000:.0f} ms")
    model, arrays = models["new"]
    if model.uncoverable:
        print(f"presolve: {len(model.uncoverable)} all-or-nothing measures can never be paid "
              "in full (x fixed at 0)")

    results = []
    best = None
    runs = [("new", "HiGHS")] + ([] if args.no_old else [("old", "HiGHS")])
    for name, solver in runs:
        for label, gap in (("1% gap", 0.01), ("optimum (gap 1e-6)", 1e-6)):
            sol = solve(models[name][0], time_limit=args.time_limit, gap=gap)
            results.append((solver, name, label, sol.seconds, sol.objective, sol.gap,
                            sol.status))
            if name == "new" and gap < 0.01:
                best = sol
    relaxed = {name: solve(m, relax=True).objective for name, (m, _) in models.items()}
    start = time.perf_counter()
    allocations = to_allocations(model, polish(model, best))
    rounding = time.perf_counter() - start
    problems = check_allocations(agenda.with_allocations(allocations))

    if not args.no_cbc:
        try:
            import pulp  # noqa: F401
        except ImportError:
            print("PuLP not installed: CBC skipped (pip install pulp)")
        else:
            for name in ("new", "old") if args.cbc_old else ("new",):
                start = time.perf_counter()
                prob = pulp_model(*models[name])
                pulp_build = time.perf_counter() - start
                print(f"PuLP model from the same {name} arrays built in {pulp_build:.2f} s")
                for label, gap in (("1% gap", 0.01), ("optimum (gap 1e-6)", 1e-6)):
                    seconds, obj, status = run_cbc(prob, gap, args.time_limit)
                    results.append(("CBC", name, label, seconds, obj, float("nan"), status))

    optimum = best.objective if best.status == "optimaal" else float("nan")
    print("\nLP relaxation (root bound before cuts) against the optimum "
          f"{optimum:.3f}:")
    for name, value in relaxed.items():
        print(f"  {name}: {value:.3f} ({(value / optimum - 1) * 100:+.2f}%)")
    print(f"\n{'solver':<7} {'model':<5} {'target':<20} {'seconds':>8} {'objective':>12} "
          f"{'gap':>8}  status")
    for solver, name, label, seconds, obj, gap, status in results:
        gap_text = "" if gap != gap else f"{gap * 100:.3f}%"
        print(f"{solver:<7} {name:<5} {label:<20} {seconds:8.2f} {obj:12.3f} {gap_text:>8}  "
              f"{status}")
    times = {(solver, name, label): seconds for solver, name, label, seconds, *_ in results}
    for label in ("1% gap", "optimum (gap 1e-6)"):
        new = times[("HiGHS", "new", label)]
        ratios = [f"{other} takes {times[key] / new:.1f}x as long" for other, key in
                  (("HiGHS old model", ("HiGHS", "old", label)),
                   ("CBC same model", ("CBC", "new", label))) if key in times]
        if ratios:
            print(f"HiGHS new model, {label}: {new:.2f} s; " + "; ".join(ratios))
    print(f"\nmargin + rounding to cents: {rounding * 1000:.0f} ms, {len(allocations)} allocations; "
          f"rule check: {'all rules hold' if not problems else problems[:3]}")


if __name__ == "__main__":
    main()
