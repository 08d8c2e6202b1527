"""CBS area codes as CBS defines them, letters included (Amsterdam since 2024)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES, table_counts
from wijkkompas.data.codes import (
    ANY_CODE_RE,
    clean_codes,
    invalid_codes,
    is_cbs_code,
    level_of,
    levels,
    municipality_of,
    parent_of,
)
from wijkkompas.data.kwb import read_kwb
from wijkkompas.data.tables import read_table
from wijkkompas.errors import DataError
from wijkkompas.workspace import Workspace

STATLINE = FIXTURES / "kwb" / "kwb2024_statline_excerpt.csv"

# Amsterdam's 2024 wijk and buurt codes carry letters in the wijk part (CBS 85984NED).
AMSTERDAM = ["GM0363", "WK0363AA", "BU0363AA01", "BU0363AA02", "WK0363AB", "BU0363AB05"]


@pytest.mark.parametrize("code", ["NL00", "GM0363", "WK0363AA", "BU0363AA01", "BU0363AB05",
                                  "WK059901", "BU05990110", "WK03630A", "BU0363A0B1"])
def test_valid_codes(code: str) -> None:
    assert is_cbs_code(code)
    assert ANY_CODE_RE.search(f'"{code}    ";') or code.startswith("NL")


@pytest.mark.parametrize("code", ["GM036A", "WK0363A", "WK0363AAA", "BU0363AA0", "BU0363AA011",
                                  "WKAB6301", "BU036AAA01", "wk0363aa", "WK0363a1", "BU0363AA-1",
                                  "XX0363AA", "GM0363 "])
def test_invalid_codes(code: str) -> None:
    assert not is_cbs_code(code)


def test_parents_of_lettered_codes() -> None:
    assert [level_of(c) for c in AMSTERDAM] == ["municipality", "district", "neighbourhood",
                                                "neighbourhood", "district", "neighbourhood"]
    assert parent_of("BU0363AA01") == "WK0363AA"
    assert parent_of("BU0363AB05") == "WK0363AB"
    assert parent_of("WK0363AA") == "GM0363"
    assert municipality_of("BU0363AB05") == "GM0363"
    assert municipality_of("WK0363AA") == "GM0363"


def test_lowercase_and_padded_input_is_normalised() -> None:
    codes = clean_codes(pd.Series([" wk0363aa ", "BU0363ab05    ", "gm0363"]))
    assert codes.tolist() == ["WK0363AA", "BU0363AB05", "GM0363"]
    assert len(invalid_codes(codes)) == 0
    assert levels(codes).tolist() == ["district", "neighbourhood", "municipality"]


def amsterdam_statline(folder: Path) -> Path:
    """A KWB 2024 StatLine export (the exact header, BOM, ``;``, quoting and padding of the
    real export in the fixtures) with Amsterdam-style rows. The codes are CBS's 2024 codes;
    the numbers are constructed (Amsterdam is not in the shared data)."""
    raw = STATLINE.read_bytes().decode("utf-8-sig").split("\r\n")
    header = raw[0]
    rows = [
        ("Amsterdam", "Gemeente", "GM0363", 931298),
        ("Burgwallen-Oude Zijde", "Wijk", "WK0363AA", 4190),
        ("Kop Zeedijk", "Buurt", "BU0363AA01", 1035),
        ("Oude Kerk e.o.", "Buurt", "BU0363AA02", 870),
        ("Burgwallen-Nieuwe Zijde", "Wijk", "WK0363AB", 4480),
        ("Nieuwe Kerk e.o.", "Buurt", "BU0363AB05", 655),
    ]
    lines = [header]
    for name, kind, code, inw in rows:
        men = inw // 2
        lines.append(
            f'"{name}";"{"Amsterdam":<40}";"{kind:<10}";"{code:<10}";"1";{inw};{men};'
            f"{inw - men};{inw // 10};{inw // 8};{inw // 3};{inw // 5};"
            f"{inw - inw // 10 - inw // 8 - inw // 3 - inw // 5}"
        )
    path = folder / "Kerncijfers_wijken_en_buurten_2024_amsterdam.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_statline_2024_export_with_lettered_codes_is_read(tmp_path: Path) -> None:
    parsed = read_kwb(amsterdam_statline(tmp_path))
    assert parsed.form == "statline"
    assert parsed.years == [2024]
    assert sorted(parsed.areas["area_code"]) == sorted(AMSTERDAM)
    inw = parsed.observations.query("indicator == 'a_inw'").set_index("area_code")["value"]
    assert inw["BU0363AB05"] == 655


def test_statline_2024_export_with_lettered_codes_imports(workspace: Workspace,
                                                         tmp_path: Path) -> None:
    report = workspace.import_cbs(amsterdam_statline(tmp_path))
    assert report.regions == 6 and report.new_areas == 6
    areas = workspace.areas(municipality="GM0363")
    assert areas.loc["BU0363AA01", "parent_code"] == "WK0363AA"
    assert areas.loc["BU0363AB05", "parent_code"] == "WK0363AB"
    assert areas.loc["WK0363AB", "parent_code"] == "GM0363"
    assert areas.loc["BU0363AB05", "level"] == "neighbourhood"
    assert areas.loc["BU0363AB05", "name"] == "Nieuwe Kerk e.o."
    obs = workspace.observations(indicators=["a_inw"], areas=["BU0363AB05"])
    assert obs["value"].tolist() == [655]
    # Importing it again changes nothing.
    before = table_counts(workspace)
    assert workspace.import_cbs(amsterdam_statline(tmp_path)).skipped
    assert table_counts(workspace) == before


def test_generic_table_finds_lettered_code_column(tmp_path: Path) -> None:
    path = tmp_path / "eigen_2024.csv"
    path.write_text("buurt;score\nBU0363AA01;7,1\nbu0363ab05;6,4\nBU05990110;5,0\n", "utf-8")
    parsed = read_table(path)
    assert sorted(parsed.areas["area_code"]) == ["BU0363AA01", "BU0363AB05", "BU05990110"]


def test_malformed_lettered_code_is_located(tmp_path: Path) -> None:
    path = tmp_path / "eigen_2024.csv"
    path.write_text("gebied;score\nBU0363AA01;7,1\nBU0363AA1;6,4\n", "utf-8")
    with pytest.raises(DataError, match="gebiedscode") as info:
        read_table(path, code_column="gebied")
    assert (info.value.row, info.value.value) == (3, "BU0363AA1")
