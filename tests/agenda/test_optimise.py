"""The allocation MILP on small instances whose optimum is worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from tests.agenda.factories import E, agenda, measure, stream, vhf
from wijkkompas.agenda.cents import check_allocations
from wijkkompas.agenda.milp import build_model
from wijkkompas.agenda.model import Allocation, Earmark
from wijkkompas.agenda.optimise import optimise
from wijkkompas.agenda.solver import polish, rounded_start, solve


def _by(result, key: str = "measure") -> dict[str, int]:  # noqa: ANN001
    out: dict[str, int] = {}
    for a in result.agenda.allocations:
        k = getattr(a, key)
        out[k] = out.get(k, 0) + a.cents
    return out


def test_hand_optimum_knapsack_with_partial_measure() -> None:
    # Priorities: area w1 = 2, w2 = 1 (opgave o). Values = effect x priority:
    #   a (w1, effect 3, 2025: 60k, 2026: 40k, all-or-nothing) = 6
    #   b (w2, effect 2, 2025: 50k, all-or-nothing)            = 2
    #   c (w1, effect 2, 2025: 30k, partial)                     = 4
    # Budgets: g 100k (2025) + 40k (2026); v 20k in 2025 (fysiek only, max 70%, co-financing
    # 50% from others). 2025 has 120k for 140k of cost. Candidates:
    #   a + c         = 90k in 2025          -> 6 + 4 = 10   (30k of g left unused)
    #   a + b         = 110k                 -> 8
    #   a + b + 1/3 c = 120k                 -> 8 + 4/3 = 9.33
    #   b + c         = 80k                  -> 6
    # So the optimum is a + c fully, value 10; b is not funded.
    ag = agenda(
        [measure("a", {2025: 60_000, 2026: 40_000}, 3),
         measure("b", {2025: 50_000}, 2, area="w2", mtype="sociaal"),
         measure("c", {2025: 30_000}, 2, funding="deels")],
        [stream("g", {2025: 100_000, 2026: 40_000}), vhf({2025: 20_000})])
    res = optimise(ag, {("w1", "o"): 2.0, ("w2", "o"): 1.0}, alternatives=0)
    assert res.status == "optimaal"
    assert res.objective == pytest.approx(10.0)
    assert res.funded == pytest.approx({"a": 1.0, "b": 0.0, "c": 1.0})
    assert _by(res) == {"a": 100_000 * E, "c": 30_000 * E}
    assert res.violations == []
    # 120k available in 2025, 90k spent: 30k unused (which stream keeps it is not unique)
    assert res.unused.groupby("year")["unused"].sum().to_dict() == {2025: 30_000 * E, 2026: 0}


def test_earmarks_by_type_and_area_hold() -> None:
    # s1 may only pay 'fysiek' in area w1; s2 pays anything. The sociaal measure and the
    # fysiek measure in w2 can only use s2 (budget 50k): one of them (the better, y) fits.
    s1 = stream("s1", {2025: 100_000},
                earmark=Earmark(types=frozenset({"fysiek"}), areas=frozenset({"w1"})))
    s2 = stream("s2", {2025: 50_000})
    ag = agenda([measure("x", {2025: 50_000}, 1, area="w1"),
                 measure("y", {2025: 50_000}, 3, area="w2", mtype="sociaal"),
                 measure("z", {2025: 50_000}, 2, area="w2")], [s1, s2], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0, ("w2", "o"): 1.0}, alternatives=0)
    assert res.funded == pytest.approx({"x": 1.0, "y": 1.0, "z": 0.0})
    assert all(a.stream == "s1" for a in res.agenda.allocations if a.measure == "x")
    assert all(a.stream == "s2" for a in res.agenda.allocations if a.measure == "y")
    assert check_allocations(res.agenda) == []


def test_opgave_earmark_needs_an_effect_on_that_opgave() -> None:
    only_o2 = stream("s", {2025: 100_000}, earmark=Earmark(opgaven=frozenset({"o2"})))
    ag = agenda([measure("x", {2025: 10_000}, 1)], [only_o2], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, explain=False)
    assert res.funded["x"] == 0.0


@pytest.mark.parametrize(("gem_budget", "max_vhf"), [(25_000, 50_000), (10_000, 20_000)])
def test_cofinancing_limits_the_rijk_contribution(gem_budget: int, max_vhf: int) -> None:
    # Cost 100k. VHF at most 70% and only if 'gem' adds at least half of the VHF money.
    # 'corp' (no co-financier) has 100k. With gem budget G, VHF <= 2G; corp pays the rest.
    ag = agenda([measure("m", {2025: 100_000}, 5, must_do=True)],
                [vhf({2025: 100_000}, cofinanciers=("gem",)), stream("gem", {2025: gem_budget}),
                 stream("corp", {2025: 100_000}, owner="corporatie")], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    by_stream = _by(res, "stream")
    assert sum(by_stream.values()) == 100_000 * E
    assert by_stream.get("vhf", 0) <= max_vhf * E
    assert Decimal(by_stream.get("gem", 0)) >= Decimal("0.5") * by_stream.get("vhf", 0)
    assert res.violations == []


def test_money_is_exact_in_cents() -> None:
    # Odd amounts: 33,333.33 per year split over a 70%-capped stream and others.
    m = measure("m", {2025: 1, 2026: 1}, 1)
    m.costs = {2025: 3_333_333, 2026: 3_333_334}
    ag = agenda([m], [vhf({2025: 30_000, 2026: 30_000}, ratio="0.1"),
                      stream("g", {2025: 9_601, 2026: 20_000}),
                      stream("h", {2025: 800, 2026: 0}, owner="partner")])
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert res.funded["m"] == 1.0
    for year, cost in m.costs.items():
        parts = [a.cents for a in res.agenda.allocations if a.year == year]
        assert all(isinstance(c, int) for c in parts)
        assert sum(parts) == cost
    assert check_allocations(res.agenda) == []


def test_manual_allocation_is_kept_exactly() -> None:
    ag = agenda([measure("m", {2025: 10_000}, 1)],
                [stream("a", {2025: 10_000}), stream("b", {2025: 10_000})], last=2025,
                allocations=[Allocation("b", "m", 2025, 1_234_56, manual=True,
                                        reason="raadsbesluit", by="wethouder")])
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    manual = [a for a in res.agenda.allocations if a.manual]
    assert manual == [Allocation("b", "m", 2025, 1_234_56, True, "raadsbesluit", "wethouder")]
    assert sum(a.cents for a in res.agenda.allocations) == 10_000 * E


def test_dependency_and_exclusion() -> None:
    ag = agenda([measure("base", {2025: 10_000}, 0.1, excluded=True),
                 measure("next", {2025: 10_000}, 5, depends_on=("base",))],
                [stream("g", {2025: 100_000})], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert res.funded == {"base": 0.0, "next": 0.0}


def test_maximum_share_per_area() -> None:
    # Two measures of 60k in w1 and one of 40k in w2; at most 60% of the money in one area.
    # Both w1 measures (120k of 160k = 75%) cannot go together: best is one w1 + the w2 one.
    ag = agenda([measure("a", {2025: 60_000}, 3), measure("b", {2025: 60_000}, 3),
                 measure("c", {2025: 40_000}, 1, area="w2")],
                [stream("g", {2025: 1_000_000})], last=2025, max_area_share=Decimal("0.6"))
    res = optimise(ag, {("w1", "o"): 1.0, ("w2", "o"): 1.0}, alternatives=0)
    assert res.objective == pytest.approx(4.0)
    assert res.funded["c"] == 1.0 and res.funded["a"] + res.funded["b"] == 1.0
    assert any(b.group == "gebiedsaandeel" for b in res.binding)


def test_shadow_price_sign_and_size() -> None:
    # One partial measure, cost 100k in 2025, effect 2 x priority 1.5 = value 3; budget 40k.
    # LP optimum x = 0.4, value 1.2; each extra euro funds 1/100,000 more of the measure:
    # 3 / 100,000 = 0.00003 points per euro (30 per million), positive.
    ag = agenda([measure("p", {2025: 100_000}, 2, funding="deels")],
                [stream("g", {2025: 40_000}), stream("idle", {2025: 0})], last=2025)
    res = optimise(ag, {("w1", "o"): 1.5}, probe_cents=10_000 * E)
    assert res.objective == pytest.approx(1.2)
    prices = res.shadow_prices.set_index("stream")
    assert prices.loc["g", "per_euro"] == pytest.approx(3e-5, rel=1e-6)
    assert prices.loc["g", "probe_gain"] == pytest.approx(0.3)  # 10k more = 0.1 x value 3
    assert prices.loc["idle", "per_euro"] == 0.0
    assert any(b.group == "budget" for b in res.binding)


def test_alternative_optimum_is_found() -> None:
    # Two identical measures (value 2, cost 50k), budget for one: two optimal plans.
    ag = agenda([measure("a", {2025: 50_000}, 2), measure("b", {2025: 50_000}, 2),
                 measure("c", {2025: 80_000}, 1)],
                [stream("g", {2025: 60_000})], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=3)
    assert res.objective == pytest.approx(2.0)
    assert len(res.alternatives) == 1
    alt = res.alternatives[0]
    assert alt.objective == pytest.approx(2.0)
    assert {*alt.added, *alt.dropped} == {"a", "b"}


def test_no_alternative_when_unique() -> None:
    ag = agenda([measure("a", {2025: 50_000}, 3), measure("b", {2025: 50_000}, 2)],
                [stream("g", {2025: 60_000})], last=2025)
    assert optimise(ag, {("w1", "o"): 1.0}, alternatives=2).alternatives == []


def test_least_disturbance_keeps_last_years_streams() -> None:
    # A decided measure can be paid by a or b equally well; last year b paid. The
    # re-allocation keeps b (no money moved), whatever the solver would pick by itself.
    ag = agenda([measure("m", {2025: 10_000, 2026: 10_000}, 1, status="besloten")],
                [stream("a", {2025: 50_000, 2026: 50_000}),
                 stream("b", {2025: 50_000, 2026: 50_000})])
    previous = [Allocation("b", "m", 2025, 10_000 * E), Allocation("b", "m", 2026, 10_000 * E)]
    res = optimise(ag, {("w1", "o"): 1.0}, previous=previous, alternatives=0)
    assert res.agenda.allocations == previous
    assert res.disturbance_cents == 0


# --- the strengthened formulation (group "versterking") -----------------------------------

def _random_agenda(seed: int, n: int = 15):  # noqa: ANN202 - Agenda
    """A small seeded agenda with capped, co-financed and area-earmarked streams, partial and
    must-do measures, dependencies and an area share: tight budgets, so choices are real."""
    rng = np.random.default_rng(seed)
    codes = ["g", "vhf", "prov", "corp", "zorg"]
    measures = []
    for i in range(n):
        years = sorted({2025 + int(y) for y in rng.choice(3, int(rng.integers(1, 4)),
                                                          replace=False)})
        measures.append(measure(
            f"m{i}", {y: int(rng.integers(5, 60)) * 1_000 for y in years},
            float(rng.integers(1, 6)), area=f"w{int(rng.integers(1, 4))}",
            mtype=str(rng.choice(["fysiek", "sociaal"])),
            funding="deels" if rng.random() < 0.2 else "geheel",
            must_do=bool(rng.random() < 0.05),
            streams=tuple(str(s) for s in rng.choice(codes, int(rng.integers(1, 4)),
                                                     replace=False)),
            depends_on=(f"m{int(rng.integers(0, i))}",) if i and rng.random() < 0.1 else ()))

    def budget() -> dict[int, int]:
        return {y: int(rng.integers(20, 120)) * 1_000 for y in (2025, 2026, 2027)}

    streams = [stream("g", budget()), vhf(budget(), cofinanciers=("g", "corp")),
               stream("prov", budget(), owner="provincie", max_share=Decimal("0.6")),
               stream("corp", budget(), owner="corporatie",
                      earmark=Earmark(areas=frozenset({"w1", "w2"}))),
               stream("zorg", budget(), owner="partner", max_share=Decimal("0.5"),
                      earmark=Earmark(types=frozenset({"sociaal"})))]
    return agenda(measures, streams, last=2027, max_area_share=Decimal("0.6"))


def _feasible_in(model, values: np.ndarray, tol: float = 1e-6) -> bool:  # noqa: ANN001
    arr = model.arrays()
    activity = arr["A"] @ values
    integral = np.abs(values[arr["integer"]] - np.round(values[arr["integer"]])) <= tol
    return bool(np.all(values >= arr["lb"] - tol) and np.all(values <= arr["ub"] + tol)
                and np.all(activity >= arr["rl"] - tol) and np.all(activity <= arr["ru"] + tol)
                and integral.all())


@pytest.mark.parametrize("seed", range(10))
def test_tightened_model_has_the_same_optimum(seed: int) -> None:
    ag = _random_agenda(seed)
    priorities = {(f"w{i}", "o"): 1.0 + i / 2 for i in range(1, 4)}
    new, _ = build_model(ag, priorities)
    old, _ = build_model(ag, priorities, tighten=False)
    assert new.col_key == old.col_key  # only rows and bounds of x are added
    a, b = solve(new, time_limit=30), solve(old, time_limit=30)
    assert a.status == b.status
    if a.status != "optimaal":
        return
    assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-6)
    assert _feasible_in(old, a.values)  # nothing outside the old feasible set
    assert _feasible_in(new, b.values)  # and no integer plan of the old model cut off
    lp_new, lp_old = solve(new, relax=True), solve(old, relax=True)
    assert a.objective - 1e-6 <= lp_new.objective <= lp_old.objective + 1e-6
    polished = polish(new, a)  # same plan, a cent of co-financing margin where possible
    assert _feasible_in(new, polished)
    assert float(np.dot(new.col_cost, polished)) == pytest.approx(a.objective, abs=1e-6)
    start = rounded_start(new)
    if start is not None:
        assert _feasible_in(new, start)
        assert float(np.dot(new.col_cost, start)) <= a.objective + 1e-6


def test_measure_that_can_never_be_paid_in_full_is_named_and_left_out() -> None:
    # Only the province (at most 60%) may pay 'a': as all-or-nothing it can never be funded.
    # Partial 'b' cannot be funded either: the cap is a share of what is actually funded, so
    # the province may pay at most 60% of any part of 'b' and nobody pays the other 40%.
    ag = agenda([measure("a", {2025: 10_000}, 5, streams=("prov",)),
                 measure("b", {2025: 10_000}, 1, streams=("prov",), funding="deels")],
                [stream("prov", {2025: 100_000}, owner="provincie", max_share=Decimal("0.6"))],
                last=2025)
    model, warnings = build_model(ag, {("w1", "o"): 1.0})
    assert model.uncoverable == {"a": 2025}
    assert any("a (2025)" in w and "vallen af" in w for w in warnings)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert res.funded == pytest.approx({"a": 0.0, "b": 0.0})
    assert res.violations == []
