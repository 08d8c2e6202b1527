"""The inert-export helper: CSV cells that no spreadsheet runs as a formula, Excel text cells
that are strings, and numbers that stay numbers."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wijkkompas.exportsafe import (
    DANGEROUS,
    excel_writer,
    inert_frame,
    inert_text,
    inert_workbook,
    meta_line,
    write_csv,
)

# The payloads of the review (OWASP CSV injection) and their inert CSV form.
HOSTILE = {
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+SUM(1,1)": "'+SUM(1,1)",
    "@SUM(1)": "'@SUM(1)",
    "-2+3": "'-2+3",
    "\t=1": "'\t'=1",
    "\r=1": "'\r'=1",
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "Zuid;=1+1": "Zuid;'=1+1",  # a Dutch Excel splits on ';'
    "Noord\n@SUM(1)": "Noord\n'@SUM(1)",
    'Oost; "=2+2"': 'Oost;\' "=2+2"',
}
HARMLESS = ["Feijenoord", "Zuid-Oost", "-3.5", "+31", "1e-3", "", "'=al veilig", "a, =1",
            "Wonen; zorg", "Ünïcödé 日本", "#N/A"]


def cells_are_inert(text: str) -> list[str]:
    """The cells of a CSV text that start a formula, as a spreadsheet could split the text:
    as comma-separated CSV, and naively on every line break, ``;`` and tab (a Dutch Excel's
    list separator; a quoted cell there may start with ``"``). [] when the text is inert."""
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    cells += [piece.lstrip(' "') for line in re.split(r"[\r\n]", text)
              for piece in re.split(r"[;\t]", line)]
    return [c for c in cells if c.startswith(DANGEROUS) and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("value", "expected"), HOSTILE.items())
def test_hostile_text_gets_a_quote(value: str, expected: str) -> None:
    assert inert_text(value) == expected
    assert inert_text(expected) == expected  # idempotent: nothing to do the second time


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_text_is_unchanged(value: str) -> None:
    assert inert_text(value) == value


def test_frame_keeps_numbers_and_types() -> None:
    frame = pd.DataFrame({
        "code": ["WK01", "WK02", "WK03"],
        "name": ["=cmd|' /C calc'!A0", "Zuid", None],
        "score": [-3.5, 12.0, np.nan],
        "count": [-2, 0, 7],
        "flag": [True, False, True],
        "tier": pd.Categorical(["@SUM(1)", "hoog", "hoog"]),
        "mixed": [-1.5, "+SUM(1,1)", 3],
        "=kop": ["a", "b", "c"],
    })
    out = inert_frame(frame)
    assert frame.loc[0, "name"] == "=cmd|' /C calc'!A0"  # a copy: the input is untouched
    assert list(out.columns) == ["code", "name", "score", "count", "flag", "tier", "mixed",
                                 "'=kop"]
    assert out["score"].dtype == np.float64 and out["score"].iloc[0] == -3.5
    assert out["count"].dtype == np.int64 and out["count"].iloc[0] == -2
    assert out["flag"].dtype == bool
    assert list(out["name"][:2]) == ["'=cmd|' /C calc'!A0", "Zuid"] and pd.isna(out["name"][2])
    assert list(out["tier"]) == ["'@SUM(1)", "hoog", "hoog"]
    assert list(out["mixed"]) == [-1.5, "'+SUM(1,1)", 3]


def test_csv_round_trip_numbers_stay_numbers() -> None:
    names = list(HOSTILE)
    frame = pd.DataFrame({"name": names, "value": np.linspace(-4.5, 4.5, len(names)),
                          "n": range(-5, len(names) - 5)})
    buf = io.StringIO()
    write_csv(buf, frame, {"kader": "rotterdam,=1+1", "notitie": "regel 1\n=regel 2",
                           "opgave": "wonen; -2+3", "effect": -0.25})
    text = buf.getvalue()
    assert cells_are_inert(text) == []
    lines = text.splitlines()
    assert lines[:4] == ["# kader: rotterdam,'=1+1", "# notitie: regel 1 =regel 2",
                         "# opgave: wonen;' -2+3", "# effect: -0.25"]
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert list(back["name"]) == [HOSTILE[name] for name in names]
    assert back["value"].dtype == np.float64 and back["value"].iloc[0] == -4.5
    assert back["n"].dtype == np.int64 and back["n"].min() == -5
    assert "\n-4.5," not in text and "-4.5" in text  # a negative number is written bare
    assert '"\'\r\'=1"' in text  # a cell with a carriage return is quoted: one row


def test_meta_line_is_one_line() -> None:
    assert meta_line("a", "x\r\n=1") == "# a: x =1\r\n"
    assert meta_line("a", -3) == "# a: -3\r\n"
    assert meta_line("a", "1,-2,@x") == "# a: 1,-2,'@x\r\n"


def test_workbook_text_is_never_a_formula(tmp_path) -> None:  # noqa: ANN001
    frame = pd.DataFrame({"name": [*HOSTILE, "#N/A"], "value": [-1.5] * (len(HOSTILE) + 1)})
    path = tmp_path / "t.xlsx"
    with excel_writer(path) as xl:
        frame.to_excel(xl, sheet_name="tabel", index=False)
        pd.Series({"kader": "=1+1"}).rename("waarde").to_frame().to_excel(xl, sheet_name="herkomst")
    book = openpyxl.load_workbook(path)  # not data_only: a formula would show as type 'f'
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    names = [c.value for c in book["tabel"]["A"][1:]]
    # the text itself is kept exactly (older openpyxl releases turn a carriage return into a
    # line feed in the XML; 3.1.5 keeps it as _x000D_)
    assert [n.replace("\r", "\n") for n in names] == [
        v.replace("\r", "\n") for v in [*HOSTILE, "#N/A"]]
    values = [c for c in book["tabel"]["B"][1:]]
    assert all(c.data_type == "n" and c.value == -1.5 for c in values)
    assert book["herkomst"]["B2"].value == "=1+1" and book["herkomst"]["B2"].data_type == "s"


def test_inert_workbook_on_a_plain_openpyxl_book() -> None:
    book = openpyxl.Workbook()
    book.active.append(["=SUM(1,1)", 3, "tekst", None])
    assert book.active["A1"].data_type == "f"
    inert_workbook(book)
    assert [c.data_type for c in book.active[1]] == ["s", "n", "s", "n"]
