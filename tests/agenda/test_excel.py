"""Excel round trip: lossless, with validation lists, and located import errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from wijkkompas.agenda.excel import WorkbookError, read_workbook, write_workbook
from wijkkompas.agenda.model import Allocation
from wijkkompas.agenda.optimise import optimise
from wijkkompas.services.agenda.usecases import demo_agenda


@pytest.fixture
def planned():  # noqa: ANN201
    ag = demo_agenda()
    ag.allocations = [Allocation("corporatie", "M03", 2026, 123_456_78, manual=True,
                                 reason="prestatieafspraak 2026", by="Mehmet")]
    priorities = {(a, o): 1.0 + i / 10 for i, a in enumerate(
        sorted({a for m in ag.measures for a in m.areas})) for o in ("urgentie", "potentie")}
    return optimise(ag, priorities, explain=False).agenda


def test_round_trip_is_lossless(planned, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_workbook(planned, tmp_path / "agenda.xlsx")
    back = read_workbook(path)
    assert back == planned
    assert sum(a.cents for a in back.allocations) == sum(a.cents for a in planned.allocations)


def test_workbook_has_validation_lists(planned, tmp_path: Path) -> None:  # noqa: ANN001
    wb = load_workbook(write_workbook(planned, tmp_path / "agenda.xlsx"))
    assert wb["Lijsten"].sheet_state == "hidden"
    formulas = {dv.formula1 for dv in wb["Maatregelen"].data_validations.dataValidation}
    assert len(formulas) >= 4
    stream_lists = [dv for dv in wb["Toewijzingen"].data_validations.dataValidation
                    if "E2" in str(dv.sqref) or "A2" in str(dv.sqref)]
    assert stream_lists
    col = [c.value for c in wb["Lijsten"]["A"][1:] if c.value]
    assert col == ["idee", "voorgesteld", "besloten", "in uitvoering", "afgerond", "gestopt"]


def test_import_errors_are_located(planned, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_workbook(planned, tmp_path / "agenda.xlsx")
    wb = load_workbook(path)
    wb["Maatregelen"]["E3"] = "klaar"          # status of the second measure
    wb["Kosten"]["C4"] = "veel"               # an amount
    wb["Budgetten"]["C2"] = 1000.005          # three decimals
    wb["Toewijzingen"]["A2"] = "onbekend"     # a stream that does not exist
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    found = {(e.file, e.row, e.column, e.value) for e in info.value.errors}
    assert ("agenda.xlsx [Maatregelen]", 3, "status", "klaar") in found
    assert ("agenda.xlsx [Kosten]", 4, "bedrag", "veel") in found
    assert ("agenda.xlsx [Budgetten]", 2, "bedrag", 1000.005) in found
    assert ("agenda.xlsx [Toewijzingen]", 2, "geldstroom", "onbekend") in found
    assert "fout(en) in de werkmap" in str(info.value)


def test_missing_sheet_and_column(planned, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_workbook(planned, tmp_path / "agenda.xlsx")
    wb = load_workbook(path)
    del wb["Effecten"]
    wb["Kosten"]["B1"] = "jaartal"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    messages = [str(e) for e in info.value.errors]
    assert any("[Effecten]" in m and "werkblad ontbreekt" in m for m in messages)
    assert any("[Kosten]" in m and "kolom 'jaar'" in m for m in messages)


def _without(path: Path, sheet: str) -> Path:
    wb = load_workbook(path)
    del wb[sheet]
    wb.save(path)
    return path


def test_wide_sheet_round_trip_is_exact_in_cents(planned, tmp_path: Path) -> None:  # noqa: ANN001
    """Only the wide sheet (stream x measure rows, a column per year): every amount comes back
    to the cent; the manual flag lives on the long sheet only."""
    path = _without(write_workbook(planned, tmp_path / "agenda.xlsx"), "Toewijzingen")
    back = read_workbook(path)
    cells = {(a.stream, a.measure, a.year): a.cents for a in planned.allocations if a.cents}
    assert {(a.stream, a.measure, a.year): a.cents for a in back.allocations} == cells
    assert sum(a.cents for a in back.allocations) == sum(a.cents for a in planned.allocations)
    assert not any(a.manual for a in back.allocations)
    assert back.with_allocations([]) == planned.with_allocations([])


def test_wide_sheet_layout_and_term_totals(planned, tmp_path: Path) -> None:  # noqa: ANN001
    from decimal import Decimal

    from wijkkompas.agenda.terms import term_of

    wb = load_workbook(write_workbook(planned, tmp_path / "agenda.xlsx"))
    wide = wb["Toewijzingen breed"]
    header = [c.value for c in wide[1]]
    assert header[:3] == ["geldstroom", "maatregel", "titel"] and header[-1] == "totaal"
    assert header[3:-1] == list(range(planned.horizon_start, planned.horizon_end + 1))
    row = next(r for r in wide.iter_rows(min_row=2, values_only=True)
               if r[:2] == ("corporatie", "M03"))
    assert Decimal(repr(row[3 + header[3:].index(2026)])) == Decimal("123456.78")
    terms = wb["Per termijn"]
    theader = [c.value for c in terms[1]]
    per_term: dict[str, int] = {}
    for a in planned.allocations:
        label = term_of(a.year, start=planned.term_start).label
        per_term[label] = per_term.get(label, 0) + a.cents
    totals = {t: 0 for t in theader[3:-1]}
    for r in terms.iter_rows(min_row=2, values_only=True):
        if r[1] == "(totaal)":
            for t, v in zip(theader[3:-1], r[3:-1], strict=True):
                totals[t] += int(Decimal(repr(v)) * 100)
    assert totals == {t: per_term.get(t, 0) for t in totals}


def test_long_and_wide_must_agree(planned, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_workbook(planned, tmp_path / "agenda.xlsx")
    wb = load_workbook(path)
    wide = wb["Toewijzingen breed"]
    header = [c.value for c in wide[1]]
    col = header.index(2026) + 1
    row = next(i for i, r in enumerate(wide.iter_rows(min_row=2, values_only=True), start=2)
               if r[:2] == ("corporatie", "M03"))
    wide.cell(row, col, 1000.0)
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    found = {(e.file, e.row, e.column) for e in info.value.errors}
    assert ("agenda.xlsx [Toewijzingen breed]", row, "2026") in found
    assert "wijkt af van blad Toewijzingen" in str(info.value)


def test_wide_sheet_errors_are_located(planned, tmp_path: Path) -> None:  # noqa: ANN001
    path = _without(write_workbook(planned, tmp_path / "agenda.xlsx"), "Toewijzingen")
    wb = load_workbook(path)
    wide = wb["Toewijzingen breed"]
    wide["A2"] = "onbekend"
    wide["D3"] = "veel"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    found = {(e.file, e.row, e.column, e.value) for e in info.value.errors}
    year = str(planned.horizon_start)
    assert ("agenda.xlsx [Toewijzingen breed]", 2, "geldstroom", "onbekend") in found
    assert ("agenda.xlsx [Toewijzingen breed]", 3, year, "veel") in found


def test_empty_template_reads_back(tmp_path: Path) -> None:
    from wijkkompas.agenda.excel import write_template

    agenda = read_workbook(write_template(tmp_path / "sjabloon.xlsx", 2026))
    assert (agenda.year, agenda.horizon_start, agenda.horizon_end) == (2026, 2026, 2035)
    assert agenda.measures == [] and agenda.streams == [] and agenda.allocations == []
