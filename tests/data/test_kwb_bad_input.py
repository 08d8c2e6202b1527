"""Malformed CBS files: a located DataError, and the database exactly as it was.

Every case first loads a real file, so "nothing changed" is checked on a non-empty database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import wijkkompas.data.load as load_module
from tests.conftest import table_counts, workspace_with
from tests.data.test_kwb import CAPYBARA, IKGEO, ODATA_DICT, STATLINE, WBK2022
from wijkkompas.errors import DataError
from wijkkompas.workspace import Workspace


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One loaded database for the whole matrix: every case asserts it changed nothing, so
    sharing it is sound (and keeps the PostgreSQL run fast)."""
    yield from workspace_with(tmp_path_factory.mktemp("bad_input"), CAPYBARA)


def statline_text() -> str:
    return STATLINE.read_bytes().decode("utf-8-sig")


def capybara_lines() -> list[str]:
    return CAPYBARA.read_text("utf-8").rstrip("\n").split("\n")


def replace_cell(lines: list[str], code: str, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    col = header.index(column)
    out = [lines[0]]
    done = False
    for line in lines[1:]:
        cells = line.split(",")
        if not done and cells[0] == code:
            cells[col] = value
            done = True
        out.append(",".join(cells))
    assert done
    return out


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the bad file into a folder, returns its path
    message: str  # part of the Dutch message
    row: int | None = None
    column: str | None = None
    value: str | None = None
    year: int | None = None


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    return make


def _capybara_with(code: str, column: str, value: str, name: str = "kwb_bad.csv"):  # noqa: ANN202
    return _write(name, "\n".join(replace_cell(capybara_lines(), code, column, value)) + "\n")


def _truncated_statline() -> bytes:
    data = STATLINE.read_bytes()
    # Cut in the middle of the line of GM0106 (line 3 of the file), just after its code and
    # the delimiter: the row has 5 of 13 fields.
    cut = data.index(b'"GM0106    ";') + len(b'"GM0106    ";')
    return data[:cut]


def _truncated_statline_in_quotes() -> bytes:
    data = STATLINE.read_bytes()
    cut = data.index(b'"GM0106 ') + 4  # inside the quoted code
    return data[:cut]


def _truncated_capybara() -> str:
    lines = capybara_lines()
    return "\n".join(lines[:5]) + "\n" + lines[5][:40]  # line 6 cut after 40 characters


def _wrong_delimiter() -> str:
    lines = statline_text().split("\r\n")
    # Header with ";" but data written with "," (a file edited and re-saved wrongly).
    body = [line.replace('";"', '","').replace(";", ",") for line in lines[1:4]]
    return "\r\n".join([lines[0], *body]) + "\r\n"


def _utf16() -> bytes:
    return statline_text().encode("utf-16")


def _garbage() -> bytes:
    return bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x41, 0x3B, 0x42, 0x0A]) * 50


def _duplicate_rows() -> str:
    lines = capybara_lines()
    return "\n".join([*lines, lines[2]]) + "\n"  # GM0106 2021 again, as line 16


def _year_column_conflicts_with_name() -> str:
    lines = (WBK2022.read_text("utf-8")).rstrip("\n").split("\n")
    header = lines[0].split(",")
    jaar = header.index("JAAR")
    cells = lines[5].split(",")  # line 6 of the file: WK010699
    cells[jaar] = "2021"
    lines[5] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _truncated_json() -> bytes:
    data = ODATA_DICT.read_bytes()
    return data[: len(data) // 2]


def _blank_line_then_bad_value() -> str:
    lines = replace_cell(capybara_lines(), "WK010601", "a_inw", "veel")
    return "\n".join([*lines[:2], "", *lines[2:]]) + "\n"  # WK010601 moves to line 6


def _excel_with_blank_row_then_bad_value(folder: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["gwb_code_10", "regio", "a_inw", "year"])
    sheet.append(["GM0106", "Assen", 68979, 2022])
    sheet.append([None, None, None, None])
    sheet.append(["WK010600", "Wijk 00 Assen centrum", "veel", 2022])
    path = folder / "kwb_2022.xlsx"
    wb.save(path)
    return path


CASES = [
    Case("empty file", _write("kwb_2024_leeg.csv", b""), "leeg"),
    Case("only whitespace", _write("kwb_2024_leeg.csv", b"  \r\n \r\n"), "leeg"),
    Case("header only", _write("kwb_2024_kop.csv", statline_text().split("\r\n")[0] + "\r\n"),
         "geen gegevensrijen"),
    Case("truncated mid-row", _write("kwb_2024_afgebroken.csv", _truncated_statline()),
         "5 velden, de kopregel 13", row=3),
    Case("truncated inside quotes", _write("kwb_2024_afgebroken.csv",
                                            _truncated_statline_in_quotes()),
         "niet te lezen", row=3),
    Case("truncated unquoted", _write("kwb_afgebroken.csv", _truncated_capybara()),
         "4 velden, de kopregel 146", row=6),
    Case("wrong delimiter", _write("kwb_2024_scheiding.csv", _wrong_delimiter()),
         "1 veld, de kopregel 13; is het bestand afgebroken of is het scheidingsteken", row=2),
    Case("no delimiter at all", _write("kwb_2024_geen.csv", "code inwoners\nGM0106 69701\n"),
         "scheidingsteken", row=1),
    Case("utf-16", _write("kwb_2024_utf16.csv", _utf16()), "UTF-16"),
    Case("binary garbage", _write("kwb_2024_rommel.csv", _garbage()), "tekenset", row=1),
    Case("zip renamed to csv", _write("kwb_2024.csv", b"PK\x03\x04" + bytes(200)),
         "geen tekstbestand"),
    Case("text in a numeric column", _capybara_with("GM0106", "a_inw", "veel"),
         "geen getal", row=3, column="a_inw", value="veel"),
    Case("blank line before the bad row", _write("kwb_leeg_regel.csv",
                                                  _blank_line_then_bad_value()),
         "geen getal", row=6, column="a_inw", value="veel"),
    Case("Excel: blank row before the bad row", _excel_with_blank_row_then_bad_value,
         "geen getal", row=4, column="a_inw", value="veel"),
    Case("number with unit", _capybara_with("WK010601", "g_hhgro", '"1,7 personen"'),
         "geen getal", row=5, column="g_hhgro", value="1,7 personen"),
    Case("infinity", _capybara_with("WK010601", "a_inw", "inf"),
         "geen getal", row=5, column="a_inw", value="inf"),
    Case("unknown code", _capybara_with("WK010600", "gwb_code_10", "PV0106"),
         "gebiedscode", row=4, column="gwb_code_10", value="PV0106"),
    Case("malformed code", _capybara_with("WK010601", "gwb_code_10", "WK12"),
         "misvormde gebiedscode", row=5, column="gwb_code_10", value="WK12"),
    Case("empty code", _capybara_with("WK010602", "gwb_code_10", ""),
         "ontbrekende gebiedscode", row=6, column="gwb_code_10"),
    Case("duplicate rows", _write("kwb_dubbel.csv", _duplicate_rows()),
         "meer dan eens", row=16, column="gwb_code_10", value="GM0106"),
    Case("--year conflicts with file name", lambda folder: STATLINE,
         "2023 opgegeven", year=2023),
    Case("--year conflicts with year column", lambda folder: CAPYBARA,
         "2023 opgegeven", row=2, column="year", value="2021", year=2023),
    Case("year column conflicts with file name",
         _write("wijk_2022_v1_attributes.csv", _year_column_conflicts_with_name()),
         "bestandsnaam zegt 2022", row=6, column="JAAR", value="2021"),
    Case("invalid year", _capybara_with("GM0599", "year", "20x2"),
         "geen geldig jaar", row=7, column="year", value="20x2"),
    Case("name with two years and no year column",
         lambda folder: _copy(ODATA_DICT, folder / "odata_2023_2024.json"),
         "meerdere jaren"),
    Case("truncated JSON", _write("odata_2024_afgebroken.json", _truncated_json()),
         "ongeldige JSON"),
    Case("JSON of another shape", _write("odata_2024.json", json.dumps([1, 2, 3])),
         "OData-vorm"),
    Case("JSON in UTF-16", _write("odata_2024.json", ODATA_DICT.read_text().encode("utf-16")),
         "UTF-8"),
    Case("unknown form", _write("tabel_2024.csv", "gebied;inwoners\nAssen;69701\n"),
         "onbekende vorm", row=1),
    Case("no known indicator", _write("kwb_2024_leeg.csv", "gwb_code_10;foo\nGM0106;1\n"),
         "geen enkele kolom", row=1),
    Case("broken Excel file", _write("kwb_2024.xlsx", b"PK\x03\x04 not really a workbook"),
         "Excel"),
    Case("directory", lambda folder: folder, "map"),
    Case("missing file", lambda folder: folder / "bestaat_niet_2024.csv", "niet gevonden"),
]


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_located_and_changes_nothing(loaded: Workspace, tmp_path: Path,
                                                  case: Case) -> None:
    path = case.make(tmp_path)
    before = table_counts(loaded)
    with pytest.raises(DataError) as info:
        loaded.import_cbs(path, year=case.year)
    err = info.value
    assert case.message in err.message, str(err)
    assert err.file in (path.name, str(path))
    assert str(err).startswith(err.file)
    if case.row is not None:
        assert err.row == case.row, str(err)
        assert f"rij {case.row}" in str(err)
    if case.column is not None:
        assert err.column == case.column
        assert repr(case.column) in str(err)
    if case.value is not None:
        assert str(err.value).strip() == case.value
    assert table_counts(loaded) == before


def test_json_without_year_is_refused(loaded: Workspace) -> None:
    before = table_counts(loaded)
    with pytest.raises(DataError, match="--year"):
        loaded.import_cbs(IKGEO)
    assert table_counts(loaded) == before


@pytest.mark.parametrize("target", ["write_observations", "finish_run"])
def test_database_failure_mid_import_rolls_back(workspace: Workspace,
                                                monkeypatch: pytest.MonkeyPatch,
                                                target: str) -> None:
    loaded = workspace
    loaded.import_cbs(CAPYBARA)
    before = table_counts(loaded)
    written: list[int] = []
    original = getattr(load_module, target)

    def fail_after(conn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        original(conn, *args, **kwargs)
        # The rows really are in the open transaction when the failure comes.
        written.append(conn.exec_driver_sql("SELECT COUNT(*) FROM observations").scalar_one())
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(load_module, target, fail_after)
    with pytest.raises(RuntimeError, match="schijf vol"):
        loaded.import_cbs(STATLINE)
    assert written and written[0] > before["observations"]
    assert table_counts(loaded) == before
    monkeypatch.undo()
    # The failed import left no trace: the same file now imports normally.
    report = loaded.import_cbs(STATLINE)
    assert not report.skipped and report.inserted > 0
