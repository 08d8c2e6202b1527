"""Outcome rules for a round: greedy by votes and the Method of Equal Shares, in exact arithmetic.

**Greedy** (the classic rule, pabulib ``greedy``): take the proposals in order of votes (approvals,
or points for cumulative ballots), most first, and select each one that still fits in what is
left of the budget; one that no longer fits is skipped and the next is tried.

**Method of Equal Shares** for approval ballots with cost satisfaction (Peters, Pierczyński &
Skowron, "Proportional participatory budgeting with additive utilities", NeurIPS 2021; pabutools
``method_of_equal_shares`` with ``Cost_Sat``): every voter gets an equal share of the budget,
``budget ÷ number of ballots``. A proposal can be bought when its supporters together still hold
its cost; its price is then split as equally as possible: every supporter pays the same amount
``p``, or all they have left when that is less. Each step buys the proposal whose price per unit
of satisfaction ``ρ = p ÷ cost`` is lowest; it stops when no proposal can be bought. All amounts
are :class:`fractions.Fraction` of cents, never floats.

Completions (the budget MES leaves unspent), as options:
- ``add1``: raise every voter's share by one currency unit (100 cents) and run MES again, until
  the outcome is exhaustive (nothing left fits) or would exceed the real budget, in which case
  the last outcome that fitted counts (as in pabutools ``exhaustion_by_budget_increase``);
- ``greedy``: after MES, greedy by votes over the remaining proposals with the leftover budget.

Ties (equal votes for greedy, equal ρ for MES) are broken by a declared order, one of
:data:`TIE_BREAKS`; the default ``id`` orders project ids as text, as pabulib and pabutools do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from wijkkompas.budgeting.model import Round
from wijkkompas.errors import ConfigError

RULES = ("equal-shares", "greedy")
COMPLETIONS = ("add1", "greedy")
TIE_BREAKS = ("id", "cost")
UNIT = 100  #: cents in one currency unit: the add1 step per voter


@dataclass
class Step:
    """One selected proposal: in which phase, and for MES its price ``rho`` and the payment
    ``payment`` each supporter owed (in cents)."""

    project: str
    phase: str  # "greedy" | "equal-shares" | "completion"
    rho: Fraction | None = None
    payment: Fraction | None = None
    left: int | None = None  # greedy: budget left (cents) before this proposal


@dataclass
class Outcome:
    """A rule's result: the selected ids in selection order and their cost in cents."""

    rule: str
    completion: str | None
    tie_break: str
    selected: list[str]
    cost: int
    budget: int
    per_voter: Fraction | None = None  # MES: each voter's share (after add1's increases)
    steps: list[Step] = field(default_factory=list)
    leftover: dict[str, Fraction] = field(default_factory=dict)  # MES: supporters' money left


def tie_key(rnd: Round, tie_break: str) -> Callable[[str], tuple]:
    """The declared order that breaks a tie: lower key first."""
    if tie_break == "id":
        return lambda pid: (pid,)
    if tie_break == "cost":
        cost = {p.id: p.cost for p in rnd.projects}
        return lambda pid: (cost[pid], pid)
    raise ConfigError(f"onbekende volgorde bij gelijke stand {tie_break!r} "
                      f"(kies uit {', '.join(TIE_BREAKS)})")


def run(rnd: Round, rule: str, *, completion: str | None = None,
        tie_break: str = "id") -> Outcome:
    """Apply ``rule`` (one of :data:`RULES`) with an optional ``completion`` to the round."""
    if rule not in RULES:
        raise ConfigError(f"onbekende regel {rule!r} (kies uit {', '.join(RULES)})")
    if completion is not None and completion not in COMPLETIONS:
        raise ConfigError(f"onbekende aanvulling {completion!r} (kies uit "
                          f"{', '.join(COMPLETIONS)})")
    key = tie_key(rnd, tie_break)
    if rule == "greedy":
        if completion is not None:
            raise ConfigError("greedy is al uitputtend: een aanvulling hoort bij equal shares")
        return greedy(rnd, key, tie_break)
    if rnd.vote_type != "approval":
        raise ConfigError("equal shares werkt alleen met goedkeuringsstemmen (approval); "
                          f"deze ronde heeft {rnd.vote_type}")
    if not rnd.ballots:
        raise ConfigError("equal shares heeft minstens één stembiljet nodig")
    if completion == "add1":
        return add1(rnd, key, tie_break)
    out = equal_shares(rnd, rnd.budget, key, tie_break)
    if completion == "greedy":
        more = greedy(rnd, key, tie_break, start=out.selected)
        out.steps += [Step(s.project, "completion", left=s.left) for s in more.steps]
        out.selected, out.cost, out.completion = more.selected, more.cost, "greedy"
    return out


def greedy(rnd: Round, key: Callable[[str], tuple], tie_break: str,
           start: list[str] | None = None) -> Outcome:
    """Greedy by votes from the selection ``start`` (empty by default)."""
    votes = rnd.votes()
    cost = {p.id: p.cost for p in rnd.projects}
    selected = list(start or [])
    left = rnd.budget - sum(cost[p] for p in selected)
    steps = []
    for pid in sorted((p.id for p in rnd.projects if p.id not in selected),
                      key=lambda p: (-votes[p], *key(p))):
        if cost[pid] <= left:
            steps.append(Step(pid, "greedy", left=left))
            selected.append(pid)
            left -= cost[pid]
    return Outcome("greedy", None, tie_break, selected, rnd.budget - left, rnd.budget,
                   steps=steps)


def _matrix(rnd: Round) -> np.ndarray:
    """Ballots × proposals, 1 where the ballot approves the proposal (``int64``)."""
    index = {p.id: j for j, p in enumerate(rnd.projects)}
    a = np.zeros((len(rnd.ballots), len(rnd.projects)), dtype=np.int64)
    rows = [i for i, b in enumerate(rnd.ballots) for _ in b.projects]
    cols = [index[pid] for b in rnd.ballots for pid in b.projects]
    a[rows, cols] = 1
    return a


def equal_shares(rnd: Round, budget: int, key: Callable[[str], tuple], tie_break: str,
                 matrix: np.ndarray | None = None) -> Outcome:
    """MES with cost satisfaction and total budget ``budget`` (cents), without completion.

    Voters with the same money left form one class (a count and an amount; the classes are kept
    in ascending order of money), so a step costs a pass over classes × proposals, not over
    voters. Money is exact: integers over one common denominator ``den`` (cents × ``den``).
    A float pass over all proposals finds the few whose price is within 1e-9 of the lowest; only
    those are priced exactly, and the exact prices decide.
    """
    a = _matrix(rnd) if matrix is None else matrix
    n, m = a.shape
    ids = [p.id for p in rnd.projects]
    costs = [p.cost for p in rnd.projects]
    costs_f = np.array(costs, dtype=np.float64)
    money, den = [budget], n  # per class, ascending; a voter holds money[c] / den cents
    klass = np.zeros(n, dtype=np.int64)  # each voter's class
    counts = a.sum(axis=0, dtype=np.int64)[None, :].copy()  # class × proposal supporters
    remaining = np.ones(m, dtype=bool)
    steps: list[Step] = []
    selected: list[str] = []
    while remaining.any():
        rho_f, total_f = _prices_float(costs_f, counts, [x / den for x in money])
        remaining &= ~(total_f < costs_f * (1 - 1e-9) - 1e-9)
        if not remaining.any():
            break
        low = np.min(np.where(remaining, rho_f, np.inf))
        near = remaining & ((rho_f <= low * (1 + 1e-9) + 1e-12) | ~np.isfinite(rho_f))
        best: list[tuple[int, int, int]] = []  # (proposal, rest, r): p = rest / (r × den)
        for j in np.flatnonzero(near):
            found = _price(costs[j] * den, counts[:, j], money)
            if found is None:  # its supporters can no longer pay: never again
                remaining[j] = False
            else:
                best.append((int(j), *found))
        if not best:
            continue
        rhos = {j: Fraction(rest, r * den * costs[j]) if costs[j] else Fraction(0)
                for j, rest, r in best}
        top = min(rhos.values())
        j, rest, r = min((t for t in best if rhos[t[0]] == top), key=lambda t: key(ids[t[0]]))
        remaining[j] = False
        selected.append(ids[j])
        steps.append(Step(ids[j], "equal-shares", rho=rhos[j], payment=Fraction(rest, r * den)))
        money, den, klass, counts = _pay(a, j, rest, r, money, den, klass, counts)
    out = Outcome("equal-shares", None, tie_break, selected,
                  sum(costs[ids.index(s)] for s in selected), rnd.budget,
                  per_voter=Fraction(budget, n), steps=steps)
    out.leftover = {ids[j]: Fraction(sum(money[c] * int(counts[c, j])
                                         for c in np.flatnonzero(counts[:, j])), den)
                    for j in range(m)}
    return out


def _prices_float(costs: np.ndarray, counts: np.ndarray,
                  money: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``rho`` per proposal (``inf`` when unaffordable) and its supporters' money."""
    b = np.array(money, dtype=np.float64)[:, None]
    paid = b * counts
    before = np.cumsum(paid, axis=0) - paid  # money of the poorer classes
    rest = counts.sum(axis=0)[None, :] - (np.cumsum(counts, axis=0) - counts)  # supporters left
    need = costs[None, :] - before
    ok = (b * rest >= need) & (rest > 0)
    first = np.argmax(ok, axis=0)
    cols = np.arange(counts.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        p = need[first, cols] / rest[first, cols]
        rho = np.where(costs > 0, p / costs, 0.0)
    rho = np.where(ok.any(axis=0) & (counts.sum(axis=0) > 0), rho, np.inf)
    return rho, paid.sum(axis=0)


def _price(cost: int, supporters: np.ndarray, money: list[int]) -> tuple[int, int] | None:
    """``(rest, r)`` for a proposal costing ``cost`` (in the money's units), exactly: each
    supporter pays at most ``p = rest / r``; ``None`` when they together hold less."""
    classes = np.flatnonzero(supporters)  # ascending money
    r = int(supporters.sum())
    if r == 0:
        return None
    rest = cost
    for c in classes.tolist():  # the poorest pay all they have while that is below the share
        k = int(supporters[c])
        if money[c] * r >= rest:
            return rest, r
        rest -= money[c] * k
        r -= k
    return None  # together they hold less than the cost


def _pay(a: np.ndarray, j: int, rest: int, r: int, money: list[int], den: int,
         klass: np.ndarray, counts: np.ndarray) -> tuple[list[int], int, np.ndarray, np.ndarray]:
    """Every supporter of proposal ``j`` pays ``min(money, rest / r)``; classes with equal money
    merge (money stays ascending); the common denominator becomes ``den × r`` (reduced)."""
    scaled = [b * r for b in money]
    affected = np.flatnonzero(counts[:, j]).tolist()
    after = {c: max(scaled[c] - rest, 0) for c in affected}
    g = math.gcd(den * r, *scaled, *after.values())
    den = den * r // g
    scaled = [b // g for b in scaled]
    after = {c: v // g for c, v in after.items()}
    values = sorted(set(scaled) | set(after.values()))
    index = {v: i for i, v in enumerate(values)}
    keep = np.array([index[b] for b in scaled], dtype=np.int64)
    moved = keep.copy()
    for c, v in after.items():
        moved[c] = index[v]
    who = np.flatnonzero(a[:, j])
    old = klass[who]
    new_klass = keep[klass]
    new_klass[who] = moved[old]
    new_counts = np.zeros((len(values), counts.shape[1]), dtype=np.int64)
    new_counts[keep] = counts
    by = np.argsort(old, kind="stable")
    olds, starts = np.unique(old[by], return_index=True)
    sums = np.add.reduceat(a[who[by]], starts, axis=0)
    np.subtract.at(new_counts, keep[olds], sums)
    np.add.at(new_counts, moved[olds], sums)
    used = np.flatnonzero(np.bincount(new_klass, minlength=len(values)))
    remap = np.full(len(values), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return [values[i] for i in used], den, remap[new_klass], new_counts[used]


def add1(rnd: Round, key: Callable[[str], tuple], tie_break: str) -> Outcome:
    """MES with the add1 completion: raise each share by one unit while the outcome fits."""
    a = _matrix(rnd)
    n = a.shape[0]
    cost = {p.id: p.cost for p in rnd.projects}
    budget = rnd.budget
    previous: Outcome | None = None
    while budget <= rnd.budget * (n + 1):
        out = equal_shares(rnd, budget, key, tie_break, matrix=a)
        if out.cost > rnd.budget:
            break
        previous = out
        left = rnd.budget - out.cost
        chosen = set(out.selected)
        if not any(c <= left for pid, c in cost.items() if pid not in chosen):
            break  # exhaustive: nothing else fits
        budget += UNIT * n
    assert previous is not None  # plain MES never exceeds the budget
    previous.completion = "add1"
    previous.budget = rnd.budget
    return previous
