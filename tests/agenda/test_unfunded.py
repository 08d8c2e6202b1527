"""Every unfunded measure says why (issue 18: M03, value 9.2, got € 0 without a reason)."""

from __future__ import annotations

from tests.agenda.factories import agenda, measure, stream
from wijkkompas.agenda.model import Earmark
from wijkkompas.agenda.optimise import optimise
from wijkkompas.agenda.unfunded import unfunded_reasons


def test_lower_value_per_euro_names_the_measures_that_got_the_money() -> None:
    # 100k in 2025: a (value 3 for 50k) and c (value 2 for 50k) beat b (value 4 for 100k).
    ag = agenda([measure("a", {2025: 50_000}, 3), measure("b", {2025: 100_000}, 4),
                 measure("c", {2025: 50_000}, 2)], [stream("g", {2025: 100_000})], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert res.funded["b"] == 0.0 and res.funded["a"] == res.funded["c"] == 1.0
    why = unfunded_reasons(res)
    assert set(why) == {"b"}
    assert why["b"].startswith("lagere waarde per euro (40,00 per miljoen euro) dan ")
    assert "Maatregel a (a, 60,00)" in why["b"] and "Maatregel c (c, 40,00)" in why["b"]
    assert "Stroom g in 2025" in why["b"] and "nodig € 100.000" in why["b"]
    assert "geen geld voor Maatregel b (b): lagere waarde per euro" in res.summary()


def test_no_stream_may_pay_and_no_value_and_dependency() -> None:
    only_sociaal = stream("s", {2025: 500_000}, earmark=Earmark(types=frozenset({"sociaal"})))
    ag = agenda([measure("fys", {2025: 10_000}, 5),
                 measure("soc", {2025: 10_000}, 0, mtype="sociaal"),
                 measure("dep", {2025: 10_000}, 3, mtype="sociaal", depends_on=("fys",))],
                [only_sociaal], last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    why = unfunded_reasons(res)
    assert why["fys"].startswith("geen geldstroom mag deze maatregel betalen")
    assert why["soc"].startswith("geen waarde voor de prioriteiten")
    assert why["dep"] == "hangt af van Maatregel fys (fys), die geen geld krijgt"


def test_budget_too_small_names_the_stream() -> None:
    ag = agenda([measure("big", {2025: 200_000}, 5)], [stream("g", {2025: 100_000})],
                last=2025)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert unfunded_reasons(res) == {"big": "Stroom g kan in 2025 niet genoeg betalen: "
                                            "budget € 100.000, nog vrij € 100.000, nodig "
                                            "€ 200.000"}
