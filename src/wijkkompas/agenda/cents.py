"""From solver fractions to exact integer cents, and an exact check of every rule in cents."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from wijkkompas.agenda.model import Agenda, Allocation

if TYPE_CHECKING:
    from wijkkompas.agenda.milp import Model


def to_allocations(model: Model, values: np.ndarray) -> list[Allocation]:
    """Round the solver's fractions to integer cents, exactly.

    Per measure-year the target is the cost x the funded share (the full cost when funded);
    each stream gets its floor and the remaining cents go to the streams with the largest
    remainders that still have budget and share headroom, so the rules hold in cents. A
    maximum share is a share of that target (what is actually funded), see :func:`cap`.
    """
    agenda = model.agenda
    manual = {(a.stream, a.measure, a.year): a for a in agenda.allocations if a.manual}
    groups: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for (s, m, y), j in model.f.items():
        groups.setdefault((m, y), []).append((s, max(values[j], 0.0) * model.cost[(m, y)]))
    used: dict[tuple[str, int], int] = {}
    out: dict[tuple[str, str, int], int] = {}
    pending = []
    totals: dict[tuple[str, int], int] = {}
    for (m, y), parts in sorted(groups.items()):
        cost = model.cost[(m, y)]
        x = values[model.x[m]]
        target = cost if x > 1 - 1e-6 else min(cost, int(np.floor(sum(a for _, a in parts) + 1e-6)))
        totals[(m, y)] = target
        floors = {s: int(np.floor(a + 1e-6)) for s, a in parts}
        for s, _a in parts:
            if (s, m, y) in manual:
                floors[s] = manual[(s, m, y)].cents
        for s, v in floors.items():
            used[(s, y)] = used.get((s, y), 0) + v
            out[(s, m, y)] = v
        pending.append(((m, y), parts, target - sum(floors.values())))
    for (m, y), parts, rest in pending:
        total = totals[(m, y)]

        def headroom(s: str, y: int = y, m: str = m, total: int = total) -> bool:
            stream = agenda.stream(s)
            return (used[(s, y)] < stream.amount(y) and out[(s, m, y)] < cap(stream, total)
                    and (s, m, y) not in manual)

        order = sorted(parts, key=lambda p: (-headroom(p[0]), -(p[1] - np.floor(p[1] + 1e-6))))
        i = 0
        while rest > 0 and order:
            s = order[i % len(order)][0]
            if headroom(s) or i >= 4 * len(order):
                out[(s, m, y)] += 1
                used[(s, y)] += 1
                rest -= 1
            i += 1
    for _ in range(3):
        if not _repair(model, out, used, manual):
            break
    _hold_caps(model, out, used, manual)
    allocations = []
    for (s, m, y), c in sorted(out.items()):
        if c > 0:
            a = manual.get((s, m, y))
            allocations.append(a if a else Allocation(s, m, y, c))
    return allocations


def cap(stream, funded: int) -> int:  # noqa: ANN001 - FundingStream
    """The most a stream may pay of ``funded`` cents actually funded for a measure in a year:
    ``floor(max_share x funded)``, exact (Decimal x int).

    >>> from decimal import Decimal
    >>> from wijkkompas.agenda.model import FundingStream
    >>> cap(FundingStream("r", "Rijk", "rijk", {}, max_share=Decimal("0.5")), 5_000_001)
    2500000
    """
    return funded if stream.max_share is None else int(stream.max_share * funded)


def _funded(out: dict[tuple[str, str, int], int]) -> dict[tuple[str, int], int]:
    totals: dict[tuple[str, int], int] = {}
    for (_s, m, y), c in out.items():
        totals[(m, y)] = totals.get((m, y), 0) + c
    return totals


def _hold_caps(model: Model, out: dict[tuple[str, str, int], int],
               used: dict[tuple[str, int], int], manual: dict) -> None:
    """The last cents: a stream above its share of what is funded for a measure-year (the
    floor of the funded total can be a cent under the solver's) hands a cent to a stream with
    room, or, for a partial measure, the cent is not funded (the total drops with it)."""
    agenda = model.agenda
    streams = {s.code: s for s in agenda.streams}
    totals = _funded(out)
    members: dict[tuple[str, int], list[str]] = {}
    for (s, m, y) in out:
        members.setdefault((m, y), []).append(s)
    for (m, y), group in sorted(members.items()):
        partial = agenda.measure(m).funding == "deels"
        for s in group:
            while out[(s, m, y)] > cap(streams[s], totals[(m, y)]) and (s, m, y) not in manual:
                total = totals[(m, y)]
                to = [t for t in group if t != s and (t, m, y) not in manual
                      and out[(t, m, y)] < cap(streams[t], total)
                      and used.get((t, y), 0) < streams[t].amount(y)]
                if to:
                    out[(to[0], m, y)] += 1
                    used[(to[0], y)] = used.get((to[0], y), 0) + 1
                elif partial:
                    totals[(m, y)] -= 1
                else:
                    break  # an all-or-nothing year keeps its cost; check_allocations reports it
                out[(s, m, y)] -= 1
                used[(s, y)] -= 1


def _repair(model: Model, out: dict[tuple[str, str, int], int], used: dict[tuple[str, int], int],
            manual: dict) -> bool:
    """Move single cents between streams within a measure-year where the solver's tolerance
    (a fraction of a cent) left a budget or co-financing rule broken by a cent or so.
    Returns whether anything moved."""
    agenda = model.agenda
    streams = {s.code: s for s in agenda.streams}
    members: dict[tuple[str, int], list[str]] = {}
    for (s, m, y) in out:
        members.setdefault((m, y), []).append(s)
    totals = _funded(out)  # moves stay within a measure-year: the totals do not change

    def room(t: str, m: str, y: int) -> int:
        if (t, m, y) in manual:
            return 0
        st = streams[t]
        return max(0, min(st.amount(y) - used.get((t, y), 0),
                          cap(st, totals[(m, y)]) - out[(t, m, y)]))

    def cap_left(t: str, m: str, y: int) -> int:
        return cap(streams[t], totals[(m, y)]) - out[(t, m, y)]

    def move(s: str, t: str, m: str, y: int, n: int) -> None:
        out[(s, m, y)] -= n
        out[(t, m, y)] += n
        used[(s, y)] -= n
        used[(t, y)] = used.get((t, y), 0) + n

    moved = False
    for (s, y), u in sorted(used.items()):
        over = u - streams[s].amount(y)
        for (m, yy), group in members.items():
            if over <= 0:
                break
            if yy != y or (s, m, y) in manual or out.get((s, m, y), 0) == 0:
                continue
            for t in sorted(group, key=lambda t: streams[t].cofinancing is not None):
                n = min(over, room(t, m, y), out[(s, m, y)]) if t != s else 0
                if n > 0:
                    move(s, t, m, y, n)
                    over -= n
                    moved = True
        if over > 0:  # no direct room: a two-step exchange s -> t (in m), t -> u (in m2)
            over -= _exchange(s, y, over, members, out, room, move, manual, cap_left)
            moved = True
    for s in agenda.streams:
        rule = s.cofinancing
        if rule is None:
            continue
        others = set(rule.from_streams) or set(streams) - {s.code}
        for m in {m for (t, m, _y) in out if t == s.code}:
            own = sum(c for (t, mm, _y), c in out.items() if t == s.code and mm == m)
            co = sum(c for (t, mm, _y), c in out.items() if t in others and mm == m)
            short = rule.ratio * own - co
            if short <= 0:
                continue
            # one cent at a time: to a co-financier (helps 1 + ratio), else to any other stream
            years = sorted({y for (t, mm, y) in out if t == s.code and mm == m})
            while short > 0:
                options = [(t not in others, t, y) for y in years if (s.code, m, y) not in manual
                           and out[(s.code, m, y)] > 0 for t in members[(m, y)]
                           if t != s.code and room(t, m, y) > 0]
                if not options:
                    break
                _, t, y = min(options)
                move(s.code, t, m, y, 1)
                short -= rule.ratio + (1 if t in others else 0)
                moved = True
    return moved


def _exchange(s: str, y: int, over: int, members: dict, out: dict, room, move,  # noqa: ANN001
              manual: dict, cap_left) -> int:  # noqa: ANN001
    """Shift ``over`` cents out of stream ``s`` in year ``y`` along s -> t -> u chains: t takes
    a cent from s in one measure (share room) and hands one to u in another (budget room)."""
    done = 0
    groups = [(m, g) for (m, yy), g in members.items() if yy == y]
    for m, group in groups:
        if done >= over or out.get((s, m, y), 0) == 0 or (s, m, y) in manual:
            continue
        for t in group:
            if t == s or (t, m, y) in manual:
                continue
            for m2, group2 in groups:
                if m2 == m or out.get((t, m2, y), 0) == 0 or (t, m2, y) in manual:
                    continue
                for u in group2:
                    if u in (t, s) or room(u, m2, y) <= 0:
                        continue
                    while done < over and out[(s, m, y)] > 0 and out[(t, m2, y)] > 0 \
                            and room(u, m2, y) > 0 and cap_left(t, m, y) > 0:
                        move(t, u, m2, y, 1)
                        move(s, t, m, y, 1)
                        done += 1
    return done


def check_allocations(agenda: Agenda) -> list[str]:
    """Every rule, checked exactly in cents on ``agenda.allocations``; Dutch messages, empty
    when all hold. Partly funded years are only checked against the rules, not the cost."""
    from wijkkompas.agenda.model import format_euros as fmt
    from wijkkompas.formatting import percent

    problems = []
    by_my: dict[tuple[str, int], int] = {}
    by_sy: dict[tuple[str, int], int] = {}
    by_sm: dict[tuple[str, str], int] = {}
    for a in agenda.allocations:
        by_my[(a.measure, a.year)] = by_my.get((a.measure, a.year), 0) + a.cents
    for a in agenda.allocations:
        s, m = agenda.stream(a.stream), agenda.measure(a.measure)
        by_sy[(s.code, a.year)] = by_sy.get((s.code, a.year), 0) + a.cents
        by_sm[(s.code, m.code)] = by_sm.get((s.code, m.code), 0) + a.cents
        if not s.allows(m):
            problems.append(f"{s.name} mag {m.title} niet betalen ({s.earmark.describe()})")
        funded = by_my[(m.code, a.year)]  # the cap is a share of what is actually funded
        if s.max_share is not None and a.cents > s.max_share * funded:
            problems.append(f"{s.name} betaalt {fmt(a.cents)} aan {m.title} in {a.year}, meer "
                            f"dan {percent(s.max_share, fraction=True)} van de {fmt(funded)} "
                            "die gefinancierd is")
    for (s, y), total in by_sy.items():
        if total > agenda.stream(s).amount(y):
            problems.append(f"{agenda.stream(s).name} {y}: {fmt(total)} toegewezen, budget "
                            f"{fmt(agenda.stream(s).amount(y))}")
    for (m, y), total in by_my.items():
        cost = agenda.measure(m).costs.get(y, 0)
        if total > cost:
            problems.append(f"{agenda.measure(m).title} {y}: {fmt(total)} toegewezen, kosten "
                            f"{fmt(cost)}")
        elif agenda.measure(m).funding == "geheel" and total != cost:
            problems.append(f"{agenda.measure(m).title} {y}: {fmt(total)} van {fmt(cost)} "
                            "gefinancierd, maar de maatregel kan alleen geheel door")
    for s in agenda.streams:
        if s.cofinancing is None:
            continue
        others = set(s.cofinancing.from_streams) or {t.code for t in agenda.streams} - {s.code}
        for (code, m), amount in by_sm.items():
            if code != s.code or amount == 0:
                continue
            co = sum(v for (t, mm), v in by_sm.items() if mm == m and t in others)
            if Decimal(co) < s.cofinancing.ratio * amount:
                problems.append(f"{agenda.measure(m).title}: cofinanciering {fmt(co)} is minder "
                                f"dan {percent(s.cofinancing.ratio, fraction=True)} van {fmt(amount)} uit "
                                f"{s.name}")
    return problems
