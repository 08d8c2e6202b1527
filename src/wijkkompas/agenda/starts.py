"""Why a measure with a start window starts where it does: "start 2027 in plaats van 2026
omdat …". Each reason is checked: an order rule that rules out the earlier start, or a
re-solve with the measure pinned to its earliest allowed start (funded, starting then) that
shows what the earlier start would cost."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from wijkkompas.agenda.milp import build_model
from wijkkompas.agenda.model import Agenda
from wijkkompas.agenda.phasing import allowed_starts
from wijkkompas.agenda.solver import solve
from wijkkompas.formatting import number

if TYPE_CHECKING:
    from wijkkompas.agenda.result import AllocationResult

MAX_RESOLVES = 8  # re-solves per run; further moved starts get the order-rule reason only


def _order_reason(result: AllocationResult, code: str, earliest: int) -> str | None:
    m = result.agenda.measure(code)
    for dep, mode in sorted(m.after.items()):
        d = next((x for x in result.agenda.measures if x.code == dep), None)
        if d is None:
            continue
        bound = d.end_year + 1 if mode == "einde" else d.start_year
        if bound > earliest:
            return (f"{d.title} moet eerst af zijn (klaar in {d.end_year})" if mode == "einde"
                    else f"{d.title} begint pas in {d.start_year}")
    return None


def start_reasons(agenda: Agenda, result: AllocationResult,
                  priorities: Mapping | pd.Series, *, time_limit: float = 20.0) -> dict[str, str]:
    """Per funded movable measure that does not start at its earliest allowed start: a Dutch
    sentence ``start T in plaats van E omdat …``."""
    out: dict[str, str] = {}
    resolves = 0
    for code, start in sorted(result.starts.items()):
        m = agenda.measure(code)
        allowed = allowed_starts(agenda, m)
        if not allowed or start == allowed[0]:
            continue
        earliest = allowed[0]
        head = f"start {start} in plaats van {earliest}"
        why = _order_reason(result, code, earliest)
        if why is not None:
            out[code] = f"{head} omdat {why}"
        elif resolves < MAX_RESOLVES:
            resolves += 1
            out[code] = head + _pinned_reason(agenda, result, code, earliest, priorities,
                                              time_limit)
    return out


def _pinned_reason(agenda: Agenda, result: AllocationResult, code: str, earliest: int,
                   priorities: Mapping | pd.Series, time_limit: float) -> str:
    """Re-solve with the measure funded and starting at ``earliest``: what that would cost."""
    pinned = dataclasses.replace(agenda.measure(code).starting(earliest), earliest_start=earliest,
                                 latest_start=earliest, must_do=True)
    other = dataclasses.replace(agenda, measures=[
        pinned if x.code == code else x for x in agenda.measures])
    model, _ = build_model(other, priorities)
    sol = solve(model, time_limit=time_limit)
    if sol.status not in ("optimaal", "tijdslimiet"):
        return f" omdat een start in {earliest} niet past binnen de budgetten en regels"
    loss = result.objective - sol.objective
    if loss > 1e-6 * max(1.0, abs(result.objective)):
        return (f" omdat een start in {earliest} het plan {number(loss, 2)} punten minder waard "
                f"maakt: het geld in {earliest} levert elders meer op")
    return f"; een start in {earliest} is even goed, dus de keuze is bestuurlijk"
