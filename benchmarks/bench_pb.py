"""Benchmark: the Method of Equal Shares (cost satisfaction, no completion) on a round of about
100 projects and 50,000 approval ballots, wijkkompas against pabutools in the same run.

    python benchmarks/bench_pb.py [--projects 100] [--voters 50000] [--seed 2024] [--no-pabutools]

The instance is replicated from the real Amsterdam buurtbudget (Terrasdorp 2020, 29 projects,
624 ballots; ../shared/data/raw/pabulib): its projects are copied into four "buurten" (ids
``<buurt>-<id>``, the same costs) until ``--projects`` are reached, and ``--voters`` ballots are
drawn (seeded) from the real ones: each drawn ballot is placed in one buurt (sizes 40/25/20/15%)
and, with probability 0.15 per project, also approves the same project in a neighbouring
buurt. The budget is the real one times the number of buurten. Both implementations get the
same round; the selected sets and costs must agree. pabutools (GPL) is a test-only dependency:
``pip install pabutools``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from wijkkompas.budgeting.model import Ballot, Project, Round
from wijkkompas.budgeting.pabulib import read_pb
from wijkkompas.budgeting.rules import run

SOURCE = (Path(__file__).resolve().parents[2] / "shared" / "data" / "raw" / "pabulib"
          / "Netherlands_Amsterdam_304.pb")


def replicated(projects: int, voters: int, seed: int) -> Round:
    base = read_pb(SOURCE.read_bytes(), file=SOURCE.name)
    copies = -(-projects // len(base.projects))
    buurten = [chr(ord("A") + i) for i in range(copies)]
    items = [Project(f"{b}-{p.id}", p.cost, p.name) for b in buurten for p in base.projects]
    items = items[:projects]
    keep = {p.id for p in items}
    rng = np.random.default_rng(seed)
    sizes = np.array([0.40, 0.25, 0.20, 0.15][:copies] + [0.1] * max(0, copies - 4))
    sizes = sizes / sizes.sum()
    drawn = rng.integers(0, len(base.ballots), voters)
    home = rng.choice(copies, voters, p=sizes)
    ballots = []
    for i, (d, h) in enumerate(zip(drawn, home, strict=True)):
        chosen = [f"{buurten[h]}-{pid}" for pid in base.ballots[d].projects]
        near = buurten[(h + 1) % copies]
        chosen += [f"{near}-{pid}" for pid in base.ballots[d].projects if rng.random() < 0.15]
        ballots.append(Ballot(str(i), [c for c in dict.fromkeys(chosen) if c in keep]))
    return Round(base.budget * copies, items, ballots, meta={"currency": "EUR"})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--voters", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--no-pabutools", action="store_true")
    args = ap.parse_args()
    rnd = replicated(args.projects, args.voters, args.seed)
    approvals = sum(len(b.projects) for b in rnd.ballots)
    print(f"instance: {len(rnd.projects)} projects, {len(rnd.ballots)} ballots, "
          f"{approvals} approvals, budget EUR {rnd.budget // 100:,}")
    t, c = time.perf_counter(), time.process_time()
    ours = run(rnd, "equal-shares")
    ours_s, ours_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"wijkkompas equal shares: {ours_s:.2f} s wall, {ours_cpu:.2f} s CPU, "
          f"{len(ours.selected)} selected, "
          f"cost EUR {ours.cost / 100:,.2f}")
    if args.no_pabutools:
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pabutools.election import Cost_Sat
    from pabutools.rules import method_of_equal_shares
    from tests.budgeting.pabu import convert

    inst, profile = convert(rnd)
    t, c = time.perf_counter(), time.process_time()
    theirs = method_of_equal_shares(inst, profile, sat_class=Cost_Sat)
    theirs_s, theirs_cpu = time.perf_counter() - t, time.process_time() - c
    same = {p.name for p in theirs} == set(ours.selected)
    print(f"pabutools equal shares:  {theirs_s:.2f} s wall, {theirs_cpu:.2f} s CPU, "
          f"{len(theirs)} selected, "
          f"cost EUR {float(sum(p.cost for p in theirs)) / 100:,.2f}")
    print(f"same outcome: {same}; wijkkompas / pabutools time: {ours_s / theirs_s:.2f} wall, "
          f"{ours_cpu / theirs_cpu:.2f} CPU")


if __name__ == "__main__":
    main()
