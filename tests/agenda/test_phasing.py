"""Start-year phasing: windows, order rules, council terms, the yearly discount, decided
measures, and the cumulative formulation against the naive one (hand-worked optima)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.agenda.factories import E, agenda, measure, stream
from wijkkompas.agenda.milp import build_model
from wijkkompas.agenda.model import AgendaError
from wijkkompas.agenda.optimise import optimise
from wijkkompas.agenda.solver import solve

P = {("w1", "o"): 1.0}


def _window(code: str, cost: dict[int, int], effect: float, first: int, last: int, **kw):  # noqa: ANN003, ANN202
    return measure(code, cost, effect, earliest_start=first, latest_start=last, **kw)


def test_budget_pushes_the_second_measure_to_a_later_start() -> None:
    # 100k a year; a (value 3) and b (value 2) each cost 100k in one year, both may start
    # 2025-2027. Only one fits per year: both are funded, in different years.
    # c (value 1, 100k, fixed in 2025) loses: there is no third year for it... except 2027.
    ag = agenda([_window("a", {2025: 100_000}, 3, 2025, 2027),
                 _window("b", {2025: 100_000}, 2, 2025, 2027),
                 measure("c", {2025: 100_000}, 1)],
                [stream("g", {2025: 100_000, 2026: 100_000, 2027: 100_000})], last=2027)
    res = optimise(ag, P, alternatives=0)
    assert res.status == "optimaal" and res.violations == []
    assert res.objective == pytest.approx(6.0)
    assert res.funded == pytest.approx({"a": 1.0, "b": 1.0, "c": 1.0})
    assert sorted(res.starts.values()) == [2026, 2027]
    assert res.agenda.measure("c").start_year == 2025
    for code, start in res.starts.items():
        m = res.agenda.measure(code)
        assert m.start_year == start and m.costs == {start: 100_000 * E}
        assert m.window == (2025, 2027)  # the window is kept
        assert {a.year for a in res.agenda.allocations if a.measure == code} == {start}
    # each moved start is explained by a re-solve with the measure pinned to 2025
    assert set(res.start_reasons) == {"a", "b"}
    assert all(r.startswith(f"start {res.starts[c]} in plaats van 2025 omdat een start in 2025 "
                            "het plan") for c, r in res.start_reasons.items())


def test_discount_makes_later_starts_worth_less() -> None:
    # 20% a year: a (value 3) later start is worth 3 x 0.8^k. One measure fits per year, so
    # the better one goes first: a in 2025 (3) + b in 2026 (2 x 0.8) = 4.6 beats 2 + 2.4.
    ag = agenda([_window("a", {2025: 100_000}, 3, 2025, 2026),
                 _window("b", {2025: 100_000}, 2, 2025, 2026)],
                [stream("g", {2025: 100_000, 2026: 100_000})], start_discount=Decimal("0.2"))
    res = optimise(ag, P, alternatives=0)
    assert res.objective == pytest.approx(3 + 2 * 0.8)
    assert res.starts == {"a": 2025, "b": 2026}
    assert "start 2026 in plaats van 2025 omdat" in res.start_reasons["b"]


def test_order_rules_after_end_and_after_start() -> None:
    # b may only start after a ends (a runs 2 years), c not before a starts. a can start
    # 2025 or 2026 (money for a only from 2025); b fits in 2027 only if a starts in 2025.
    ag = agenda([_window("a", {2025: 50_000, 2026: 50_000}, 3, 2025, 2026),
                 _window("b", {2025: 10_000}, 2, 2025, 2027, after={"a": "einde"}),
                 _window("c", {2025: 10_000}, 1, 2025, 2027, after={"a": "start"})],
                [stream("g", {2025: 60_000, 2026: 60_000, 2027: 60_000})], last=2027)
    res = optimise(ag, P, alternatives=0)
    assert res.objective == pytest.approx(6.0)
    assert res.starts["a"] == 2025 and res.starts["b"] == 2027
    assert res.starts["c"] >= res.starts["a"]
    assert res.start_reasons["b"] == ("start 2027 in plaats van 2025 omdat Maatregel a moet eerst "
                                      "af zijn (klaar in 2026)")
    # a fixed predecessor that runs to the end of the horizon blocks b entirely
    blocked = agenda([measure("a", {2025: 10_000, 2026: 10_000, 2027: 10_000}, 1),
                      _window("b", {2025: 10_000}, 5, 2025, 2027, after={"a": "einde"})],
                     [stream("g", {2025: 60_000, 2026: 60_000, 2027: 60_000})], last=2027)
    res = optimise(blocked, P, alternatives=0)
    assert res.funded == pytest.approx({"a": 1.0, "b": 0.0})
    # "start": c may not start before a (fixed 2026); only 2025 has money for c -> not funded
    late = agenda([measure("a", {2026: 10_000}, 1),
                   _window("c", {2025: 10_000}, 5, 2025, 2026, after={"a": "start"})],
                  [stream("g", {2025: 10_000, 2026: 10_000})])
    assert optimise(late, P, alternatives=0).funded == pytest.approx({"a": 1.0, "c": 0.0})
    late.measures[1].after = {}
    assert optimise(late, P, alternatives=0).funded == pytest.approx({"a": 1.0, "c": 1.0})


def test_council_term_limits_the_starts_and_decided_measures_stay() -> None:
    # Terms 2022-2025, 2026-2029; version year 2025: in_term means a start in 2025 only.
    # The budget only has money in 2026, so b (in_term) cannot be funded, a can (2026).
    # d is decided: its window is ignored and it keeps 2026.
    ag = agenda([_window("a", {2025: 10_000}, 1, 2025, 2026),
                 _window("b", {2025: 10_000}, 5, 2025, 2026, in_term=True),
                 _window("d", {2026: 10_000}, 1, 2025, 2026, status="besloten")],
                [stream("g", {2026: 20_000})], last=2027, term_start=2022)
    res = optimise(ag, P, alternatives=0)
    assert res.funded == pytest.approx({"a": 1.0, "b": 0.0, "d": 1.0})
    assert res.starts == {"a": 2026}
    assert res.agenda.measure("d").start_year == 2026
    # a must-do measure with a window is funded at one of its starts
    ag.measures[1] = _window("b", {2025: 10_000}, 5, 2025, 2027, must_do=True)
    res = optimise(ag, P, alternatives=0)
    assert res.funded["b"] == pytest.approx(1.0) and res.starts["b"] in (2026, 2027)


def test_partial_measure_with_window_is_funded_at_one_start() -> None:
    ag = agenda([_window("p", {2025: 100_000}, 2, 2025, 2026, funding="deels")],
                [stream("g", {2025: 30_000, 2026: 60_000})])
    res = optimise(ag, P, alternatives=0)
    assert res.funded["p"] == pytest.approx(0.6) and res.starts == {"p": 2026}
    assert sum(a.cents for a in res.agenda.allocations) == 60_000 * E


def test_window_must_hold_the_planned_start() -> None:
    with pytest.raises(AgendaError, match="buiten het startvenster 2026-2027"):
        _window("a", {2025: 1}, 1, 2026, 2027)


def test_cumulative_and_naive_formulations_agree_and_lp_is_no_weaker() -> None:
    ms = [_window(f"m{i}", {2025: 10_000 + 3_000 * i, 2026: 5_000}, 1 + (i * 7 % 5), 2025, 2027,
                  after={"m0": "einde"} if i == 3 else {}) for i in range(6)]
    ag = agenda(ms, [stream("g", {y: 40_000 for y in range(2025, 2029)})], last=2028)
    cum, _ = build_model(ag, P)
    naive, _ = build_model(ag, P, phasing="naive")
    a, b = solve(cum), solve(naive)
    assert a.objective == pytest.approx(b.objective, abs=1e-6)
    assert solve(cum, relax=True).objective <= solve(naive, relax=True).objective + 1e-6


def _phased_demo():  # noqa: ANN202
    import dataclasses

    from wijkkompas.services.agenda.usecases import demo_agenda

    ag = demo_agenda()
    movable = [m for m in ag.measures if not m.committed][:3]
    a, b, c = (m.code for m in movable)
    out = []
    for m in ag.measures:
        if m.code == a:
            m = dataclasses.replace(m, earliest_start=m.start_year, latest_start=m.start_year + 2)
        elif m.code == b:
            m = dataclasses.replace(m, earliest_start=m.start_year, latest_start=m.start_year + 1,
                                    after={a: "einde"}, in_term=True)
        elif m.code == c:
            m = dataclasses.replace(m, after={a: "start", b: "einde"})
        out.append(m)
    return dataclasses.replace(ag, measures=out, start_discount=Decimal("0.05"))


def test_windows_round_trip_excel_yaml_and_store(tmp_path, workspace) -> None:  # noqa: ANN001
    from wijkkompas.agenda.excel import read_workbook, write_workbook
    from wijkkompas.agenda.files import load_agenda_file, save_agenda_yaml
    from wijkkompas.services.agenda.usecases import load_agenda, save_agenda

    ag = _phased_demo()
    assert read_workbook(write_workbook(ag, tmp_path / "a.xlsx")) == ag
    assert load_agenda_file(save_agenda_yaml(ag, tmp_path / "a.yaml")) == ag
    assert load_agenda(workspace, agenda_id=save_agenda(workspace, ag)) == ag


def test_workbook_order_rule_error_is_located(tmp_path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    from wijkkompas.agenda.excel import WorkbookError, read_workbook, write_workbook

    path = write_workbook(_phased_demo(), tmp_path / "a.xlsx")
    wb = load_workbook(path)
    ws = wb["Maatregelen"]
    col = [c.value for c in ws[1]].index("start na") + 1
    ws.cell(2, col, "M01 (later)")
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    e = err.value.errors[0]
    assert (e.row, e.column, e.value) == (2, "start na", "M01 (later)")


def test_rerun_with_last_years_plan_keeps_the_starts() -> None:
    # Two equally good starts for b (2026 or 2027): given last year's plan, the re-run keeps
    # b where it was, so no money moves.
    ag = agenda([_window("a", {2025: 100_000}, 3, 2025, 2027),
                 _window("b", {2025: 100_000}, 2, 2025, 2027)],
                [stream("g", {2025: 100_000, 2026: 100_000, 2027: 100_000})], last=2027)
    first = optimise(ag, P, alternatives=0, explain=False)
    again = optimise(first.agenda, P, previous=first.agenda.allocations, explain=False)
    assert again.starts == first.starts
    assert again.disturbance_cents == 0
    assert sorted(again.agenda.allocations, key=str) == sorted(first.agenda.allocations, key=str)
