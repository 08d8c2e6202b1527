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


@dataclass
class Approvals:
    """The approvals as sparse rows (ballot → proposals) and columns (proposal → ballots)."""

    n: int
    m: int
    indptr: np.ndarray  # ballot i approves indices[indptr[i]:indptr[i + 1]]
    indices: np.ndarray
    voters: list[np.ndarray]  # per proposal: the ballots approving it

    @classmethod
    def of(cls, rnd: Round) -> Approvals:
        index = {p.id: j for j, p in enumerate(rnd.projects)}
        lengths = np.array([len(b.projects) for b in rnd.ballots], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = np.fromiter((index[pid] for b in rnd.ballots for pid in b.projects),
                              dtype=np.int64, count=int(indptr[-1]))
        rows = np.repeat(np.arange(len(rnd.ballots), dtype=np.int64), lengths)
        by = np.argsort(indices, kind="stable")
        bounds = np.searchsorted(indices[by], np.arange(len(index) + 1))
        voters = [rows[by[bounds[j]:bounds[j + 1]]] for j in range(len(index))]
        return cls(len(rnd.ballots), len(index), indptr, indices, voters)

    def rows_of(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For the ballots ``who``: each approval's position in ``who`` and its proposal."""
        starts = self.indptr[who]
        lengths = self.indptr[who + 1] - starts
        owner = np.repeat(np.arange(len(who), dtype=np.int64), lengths)
        offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths)
        return owner, self.indices[starts[owner] + offsets]


def equal_shares(rnd: Round, budget: int, key: Callable[[str], tuple], tie_break: str,
                 approvals: Approvals | None = None) -> Outcome:
    """MES with cost satisfaction and total budget ``budget`` (cents), without completion.

    Voters with the same money left form one class (a count and an amount; the classes are kept
    in ascending order of money), so a step costs a pass over classes × proposals, not over
    voters. Money is exact: integers over one common denominator ``den`` (cents × ``den``).
    A float pass over all proposals finds the few whose price is within 1e-9 of the lowest; only
    those are priced exactly, and the exact prices decide.
    """
    a = Approvals.of(rnd) if approvals is None else approvals
    n, m = a.n, a.m
    ids = [p.id for p in rnd.projects]
    costs = [p.cost for p in rnd.projects]
    costs_f = np.array(costs, dtype=np.float64)
    money, den = [budget], n  # per class, ascending; a voter holds money[c] / den cents
    klass = np.zeros(n, dtype=np.int64)  # each voter's class
    counts = np.bincount(a.indices, minlength=m).astype(np.int64)[None, :]  # class × proposal supporters
    remaining = np.ones(m, dtype=bool)
    bound = np.zeros(m)  # a lower bound of each proposal's rho: prices only go up
    steps: list[Step] = []
    selected: list[str] = []
    while remaining.any():
        money_f = np.array([x / den for x in money])
        columns = np.ascontiguousarray(counts.T)
        rho_f: dict[int, float] = {}
        low = np.inf
        for j in sorted(np.flatnonzero(remaining).tolist(), key=bound.__getitem__):
            if bound[j] > low * (1 + 1e-9) + 1e-12:
                break  # this one and the rest cost more than the cheapest found
            rho, total = _price_float(costs_f[j], columns[j], money_f)
            if total < costs_f[j] * (1 - 1e-9) - 1e-9:
                remaining[j] = False  # its supporters can no longer pay: never again
                continue
            rho_f[j] = rho
            bound[j] = rho * (1 - 1e-9) if np.isfinite(rho) else bound[j]
            low = min(low, rho)
        near = [j for j, rho in rho_f.items()
                if rho <= low * (1 + 1e-9) + 1e-12 or not np.isfinite(rho)]
        best: list[tuple[int, int, int]] = []  # (proposal, rest, r): p = rest / (r × den)
        for j in near:
            found = _price(costs[j] * den, counts[:, j], money)
            if found is None:
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


def _price_float(cost: float, supporters: np.ndarray, money: np.ndarray) -> tuple[float, float]:
    """Approximate ``rho`` of one proposal (``inf`` when unaffordable) and its supporters' money."""
    nz = np.flatnonzero(supporters)
    if not len(nz):
        return np.inf, 0.0
    b, k = money[nz], supporters[nz]
    paid = b * k
    total = float(paid.sum())
    if cost == 0:
        return 0.0, total
    before = np.cumsum(paid) - paid  # money of the poorer classes
    rest = int(k.sum()) - (np.cumsum(k) - k)  # supporters from this class on
    ok = b * rest >= cost - before
    if not ok.any():
        return np.inf, total
    t = int(np.argmax(ok))
    return (cost - before[t]) / rest[t] / cost, total


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


def _pay(a: Approvals, j: int, rest: int, r: int, money: list[int], den: int,
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
    who = a.voters[j]
    old = klass[who]
    new_klass = keep[klass]
    new_klass[who] = moved[old]
    k, m = len(values), counts.shape[1]
    new_counts = np.zeros((k, m), dtype=np.int64)
    new_counts[keep] = counts
    owner, proj = a.rows_of(who)  # the supporters' approvals move from old class to new
    new_counts -= np.bincount(keep[old][owner] * m + proj, minlength=k * m).reshape(k, m)
    new_counts += np.bincount(moved[old][owner] * m + proj, minlength=k * m).reshape(k, m)
    used = np.flatnonzero(np.bincount(new_klass, minlength=len(values)))
    remap = np.full(len(values), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return [values[i] for i in used], den, remap[new_klass], new_counts[used]


def add1(rnd: Round, key: Callable[[str], tuple], tie_break: str) -> Outcome:
    """MES with the add1 completion: raise each share by one unit while the outcome fits."""
    a = Approvals.of(rnd)
    n = a.n
    cost = {p.id: p.cost for p in rnd.projects}
    budget = rnd.budget
    previous: Outcome | None = None
    while budget <= rnd.budget * (n + 1):
        out = equal_shares(rnd, budget, key, tie_break, approvals=a)
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
