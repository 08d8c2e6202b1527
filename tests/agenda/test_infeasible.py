"""Infeasible plans are explained by the rules that conflict, never by a solver trace."""

from __future__ import annotations

from tests.agenda.factories import agenda, measure, stream, vhf
from wijkkompas.agenda.model import Earmark
from wijkkompas.agenda.optimise import optimise


def test_must_do_over_budget_names_budget_and_must_do_with_the_shortfall() -> None:
    # A must-do measure of 100k against a budget of 60k: leaving out either the budget or the
    # must-do rule makes it feasible; the elastic budget model finds exactly 40k short.
    ag = agenda([measure("m", {2025: 100_000}, 1, must_do=True)],
                [stream("g", {2025: 60_000})], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0})
    assert not res.feasible and res.status == "onuitvoerbaar"
    inf = res.infeasibility
    assert {c.group for c in inf.conflicts} == {"budget", "verplicht"}
    assert inf.shortfalls == ["Stroom g 2025: € 40.000 tekort"]
    assert any("meer dan alle geldstromen" in c for c in inf.checks)
    text = res.summary()
    assert "niet uitvoerbaar" in text and "verplichte maatregelen" in text
    assert "HiGHS" not in text and "infeasible" not in text.lower()


def test_decided_measure_without_eligible_stream_points_at_the_earmark() -> None:
    ag = agenda([measure("m", {2025: 10_000}, 1, mtype="sociaal", status="besloten")],
                [stream("g", {2025: 60_000}, earmark=Earmark(types=frozenset({"fysiek"})))],
                last=2025)
    res = optimise(ag, {("w1", "o"): 1.0})
    groups = {c.group for c in res.infeasibility.conflicts}
    assert groups == {"oormerk", "continuiteit"}
    assert res.infeasibility.checks == [
        "Maatregel m (besloten) moet in 2025 betaald worden, maar geen geldstroom mag of kan "
        "dat (oormerken, budget)"]


def test_max_share_and_cofinancing_conflict() -> None:
    # Only the VHF (max 70%) and a 'gem' with 10k can pay a must-do measure of 100k; 70k VHF
    # needs 35k co-financing and the gem's 10k cannot cover the other 30% either.
    ag = agenda([measure("m", {2025: 100_000}, 1, must_do=True)],
                [vhf({2025: 100_000}, cofinanciers=("gem",)), stream("gem", {2025: 10_000})],
                last=2025)
    res = optimise(ag, {("w1", "o"): 1.0})
    assert not res.feasible
    groups = {c.group for c in res.infeasibility.conflicts}
    assert {"verplicht", "budget"} <= groups
    assert "maximaal_aandeel" not in groups  # without the cap the co-financing still binds
    assert "budget" in groups and res.infeasibility.shortfalls
