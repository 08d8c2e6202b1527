"""Council terms, crossing commitments, totals per term; tier changes and the agenda diff."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.agenda.factories import E, agenda, measure, stream
from wijkkompas.agenda.diff import agenda_diff, tier_changes
from wijkkompas.agenda.model import AgendaError
from wijkkompas.agenda.optimise import optimise
from wijkkompas.agenda.terms import council_terms, crossing_commitments, term_of, totals_per_term


def test_terms_from_a_configurable_start() -> None:
    assert [t.label for t in council_terms(2025, 2034, start=2022)] == [
        "2022-2025", "2026-2029", "2030-2033", "2034-2037"]
    assert term_of(2021, start=2022).label == "2018-2021"
    assert term_of(2026, start=2023).label == "2023-2026"
    with pytest.raises(AgendaError):
        council_terms(2025, 2045)


def test_continuity_across_a_term_boundary() -> None:
    # A decided measure of low value (effect 0.1) runs 2025-2027, across the 2025/2026 term
    # boundary. A new measure worth far more needs all of 2026's money. Without continuity the
    # optimiser would drop the decided one in 2026; with it, the decided measure stays funded
    # through 2027 and the new measure does not fit.
    decided = measure("d", {2025: 10_000, 2026: 10_000, 2027: 10_000}, 0.1, status="besloten")
    new = measure("n", {2026: 50_000}, 10)
    ag = agenda([decided, new], [stream("g", {2025: 50_000, 2026: 50_000, 2027: 50_000})],
                last=2027)
    res = optimise(ag, {("w1", "o"): 1.0}, alternatives=0)
    assert res.funded == {"d": 1.0, "n": 0.0}
    assert sum(a.cents for a in res.agenda.allocations) == 30_000 * E
    free = dataclasses.replace(ag, measures=[dataclasses.replace(decided, status="voorgesteld"),
                                             new])
    assert optimise(free, {("w1", "o"): 1.0}, explain=False).funded == {"d": 0.0, "n": 1.0}
    crossing = crossing_commitments(res.agenda, committed_only=True)
    assert [(c.measure, c.terms, c.cents_after_first_term) for c in crossing] == [
        ("d", ("2022-2025", "2026-2029"), 20_000 * E)]
    totals = totals_per_term(res.agenda)
    assert totals.loc["g", "2022-2025"] == 10_000 * E
    assert totals.loc["totaal", "2026-2029"] == 20_000 * E
    assert totals.dtypes.eq("int64").all()


def _fake_result(tiers: dict[str, str], scores: dict[str, float],
                 contributions: dict[str, dict[str, float]], year: int) -> SimpleNamespace:
    idx = pd.MultiIndex.from_tuples([(year, a) for a in tiers], names=["year", "area_code"])
    opgave = SimpleNamespace(code="u", name="Urgentie")
    framework = SimpleNamespace(opgaven=[opgave],
                                priority=SimpleNamespace(tier_labels=lambda: ["focus", "overig"]))
    rows = [{"year": year, "area_code": a, "opgave": "u", "indicator": i, "contribution": v}
            for a, ind in contributions.items() for i, v in ind.items()]
    return SimpleNamespace(
        years=[year], framework=framework,
        tiers=pd.DataFrame({"u": list(tiers.values())}, index=idx),
        scores=pd.DataFrame({"u": list(scores.values())}, index=idx),
        contributions=pd.DataFrame(rows),
        areas=pd.DataFrame({"name": {a: f"Wijk {a}" for a in tiers}}))


def test_tier_changes_name_the_indicators_that_moved_an_area() -> None:
    old = _fake_result({"A": "overig", "B": "focus"}, {"A": 50, "B": 30},
                       {"A": {"inkomen": 0.0, "leegstand": 1.0, "wmo": 0.5},
                        "B": {"inkomen": -5.0, "leegstand": -1.0, "wmo": 0.0}}, 2022)
    new = _fake_result({"A": "focus", "B": "focus"}, {"A": 35, "B": 31},
                       {"A": {"inkomen": -9.0, "leegstand": 0.5, "wmo": -2.0},
                        "B": {"inkomen": -5.0, "leegstand": -1.0, "wmo": 0.0}}, 2024)
    changes = tier_changes(old, new, top=2)
    assert len(changes) == 1
    c = changes[0]
    assert (c.area_code, c.old_tier, c.new_tier, c.more_urgent) == ("A", "overig", "focus", True)
    assert c.drivers == [("inkomen", -9.0), ("wmo", -2.5)]
    assert c.text().startswith("Wijk A (A) gaat op Urgentie omhoog (urgenter): van overig naar "
                               "focus")


def test_agenda_diff_in_plain_dutch() -> None:
    a = measure("a", {2025: 10_000}, 1, status="voorgesteld")
    b = measure("b", {2025: 20_000}, 1)
    old = agenda([a, b], [stream("g", {2025: 100_000})], last=2025)
    old = optimise(old, {("w1", "o"): 1.0}, explain=False).agenda
    new = agenda([a.with_status("besloten"), measure("c", {2025: 5_000}, 1)],
                 [stream("g", {2025: 90_000})], last=2025)
    new = dataclasses.replace(optimise(new, {("w1", "o"): 1.0}, explain=False).agenda, year=2026)
    text = agenda_diff(old, new).text()
    assert "Maatregel a: status van voorgesteld naar besloten." in text
    assert "Nieuwe maatregel Maatregel c (fysiek, idee, kosten € 5.000), gefinancierd met " \
           "€ 5.000." in text
    assert "Maatregel Maatregel b staat niet meer op de agenda." in text
    assert "Stroom g: € 10.000 minder budget (nu € 90.000)." in text
    assert agenda_diff(old, old).text().startswith("Geen verschillen")


def test_diff_names_moved_starts_and_why() -> None:
    a = measure("a", {2025: 10_000}, 1, earliest_start=2025, latest_start=2027)
    old = agenda([a], [stream("g", {2025: 10_000, 2026: 10_000, 2027: 10_000})], last=2027)
    new = dataclasses.replace(old, year=2026, measures=[a.starting(2026)], streams=[
        stream("g", {2025: 4_000, 2026: 10_000, 2027: 10_000})])
    text = agenda_diff(old, new).text()
    assert ("Maatregel a: start verschoven van 2025 naar 2026 (startvenster 2025-2027); "
            "Stroom g heeft in 2025 € 6.000 minder budget.") in text
    assert "looptijd" not in text
