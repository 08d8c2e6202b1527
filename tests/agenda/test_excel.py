"""Excel round trip: lossless, with validation lists, and located import errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from wijkkompas.agenda.excel import WorkbookError, read_workbook, write_workbook
from wijkkompas.agenda.model import Allocation
from wijkkompas.agenda.optimise import optimise
from wijkkompas.services.agenda import demo_agenda


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
