"""The import checks of wijkkompas.data.validate: one test (or a few) per rule, each with a
minimal file, plus the real capybara KWB 2021 extract and its known x10 decimal loss.

Every refusal is located and leaves the database exactly as it was (``table_counts``).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import table_counts
from tests.data.test_kwb import KWB
from wijkkompas.data.catalogue import Catalogue, _parse, load_catalogue
from wijkkompas.data.kwb import read_kwb
from wijkkompas.data.load import load_parsed
from wijkkompas.data.parsed import ParsedData
from wijkkompas.data.validate import check_against_stored, check_formula_cache
from wijkkompas.errors import ConfigError, DataError
from wijkkompas.workspace import Workspace

CAPY = "cbs_kwb2021_2022_wijk_capybara"
DEMO_KWB_2021_2022 = (Path(__file__).resolve().parents[2] / "src" / "wijkkompas" / "demo"
                      / "data" / "kwb-2021-2022-wijk.csv")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding)
    return path


def value(ws: Workspace, area: str, indicator: str, year: int) -> tuple[float, str]:
    row = ws.observations(areas=[area], indicators=[indicator], years=[year]).iloc[0]
    return float(row["value"]), str(row["status"])


def refused(ws: Workspace, fn, *args, **kwargs) -> DataError:  # noqa: ANN001
    """Call an import that must be refused; assert it changed nothing; return the error."""
    before = table_counts(ws)
    with pytest.raises(DataError) as info:
        fn(*args, **kwargs)
    assert table_counts(ws) == before
    return info.value


def workbook(path: Path, rows: list[list], title: str = "Blad1",
             extra: dict[str, list[list]] | None = None) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, more in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(row)
    wb.save(path)
    return path


# --- duplicate column headers --------------------------------------------------------------


def test_duplicate_header_in_kwb_csv_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    # The case from the review: the second a_lan_ha (the real one) would have been dropped.
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv",
                               "gwb_code_10,regio,a_lan_ha\nGM0599,Rotterdam,6084\n"))
    bad = write(tmp_path, "kwb_2021_b.csv",
                "gwb_code_10,regio,a_lan_ha,a_inw,a_lan_ha\nGM0599,Rotterdam,44,650000,6084\n")
    err = refused(workspace, workspace.import_cbs, bad)
    assert (err.file, err.row, err.column) == ("kwb_2021_b.csv", 1, "a_lan_ha")
    assert "twee keer voor in de kopregel (kolommen 3 en 5)" in err.message
    assert value(workspace, "GM0599", "a_lan_ha", 2021) == (6084.0, "ok")


def test_duplicate_header_in_statline_export_is_refused(workspace: Workspace,
                                                       tmp_path: Path) -> None:
    header = ('"Wijken en buurten";"Regioaanduiding/Codering (code)";'
              '"Bevolking/Aantal inwoners (aantal)";"Bevolking/Aantal inwoners (aantal)"')
    bad = tmp_path / "kwb_2024.csv"
    bad.write_bytes(("\ufeff" + header + '\n"Rotterdam";"GM0599    ";"670610";"1"\n')
                    .encode("utf-8"))
    err = refused(workspace, workspace.import_cbs, bad)
    assert err.column == "Bevolking/Aantal inwoners (aantal)" and err.row == 1


@pytest.mark.parametrize("second", ["a_inw", "A_INW "])
def test_duplicate_header_in_kwb_xlsx_is_refused(workspace: Workspace, tmp_path: Path,
                                                 second: str) -> None:
    path = workbook(tmp_path / "kwb-2021.xlsx", [["gwb_code_10", "regio", "a_inw", second],
                                                  ["GM0599", "Rotterdam", 650000, 44]])
    err = refused(workspace, workspace.import_cbs, path)
    assert (err.row, err.column) == (1, second.strip())
    assert "kolommen 3 en 4" in err.message


def test_dotted_header_that_is_no_duplicate_is_read(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    # pandas would call a second 'a_inw' 'a_inw.1'; a header really written so is fine.
    path = workbook(tmp_path / "kwb-2021.xlsx", [["gwb_code_10", "regio", "a_inw", "a_inw.1"],
                                                  ["GM0599", "Rotterdam", 650000, 44]])
    assert workspace.import_cbs(path).values == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_duplicate_header_in_own_table_is_refused(workspace: Workspace, tmp_path: Path,
                                                  suffix: str) -> None:
    rows = [["gebied", "jaar", "score", "score"], ["WK059901", 2021, 7, 8]]
    path = tmp_path / f"tabel{suffix}"
    if suffix == ".csv":
        write(tmp_path, path.name, "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    else:
        workbook(path, rows)
    err = refused(workspace, workspace.import_table, path)
    assert (err.row, err.column) == (1, "score")


def test_empty_header_cells_are_no_duplicates(workspace: Workspace, tmp_path: Path) -> None:
    # Trailing delimiters give several empty header cells: harmless, not a duplicate.
    path = write(tmp_path, "tabel_2021.csv", "gebied,score,,\nWK059901,7,,\n")
    report = workspace.import_table(path)
    assert report.values == 1


# --- duplicate keys and records ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "line"), [
    # {"value": {id: record}} with an id twice: the later record would replace the first.
    ('{"value": {\n"1": {"WijkenEnBuurten": "GM0599", "AantalInwoners_5": 650000},\n'
     '"1": {"WijkenEnBuurten": "GM0014", "AantalInwoners_5": 240000}}}', "1", 3),
    # {code: record} with a code twice.
    ('{\n"GM0599": {"AantalInwoners_5": 650000},\n"GM0599": {"AantalInwoners_5": 1}\n}',
     "GM0599", 3),
    # A key twice inside one record: the area (or a value) would silently change.
    ('{"value": [{"WijkenEnBuurten": "GM0599", "AantalInwoners_5": 650000,\n'
     '"WijkenEnBuurten": "GM0014"}]}', "WijkenEnBuurten", 2),
], ids=["id", "code", "field"])
def test_duplicate_json_keys_are_refused(workspace: Workspace, tmp_path: Path, text: str,
                                         key: str, line: int | None) -> None:
    workspace.import_cbs(KWB / "odata_85984NED_2024_excerpt.json")
    path = write(tmp_path, "kwb-2024.json", text)
    err = refused(workspace, workspace.import_cbs, path)
    assert err.value == key and "twee keer voor in hetzelfde JSON-object" in err.message
    assert err.file == "kwb-2024.json" and err.row == line


def test_duplicate_odata_record_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    records = [{"WijkenEnBuurten": "GM0599", "AantalInwoners_5": 650000},
               {"WijkenEnBuurten": "GM0599    ", "AantalInwoners_5": 1}]
    path = write(tmp_path, "kwb-2024.json", json.dumps({"value": records}))
    err = refused(workspace, workspace.import_cbs, path)
    assert err.value == "GM0599" and err.row == 2


def test_duplicate_records_are_refused_for_any_reader(workspace: Workspace,
                                                      tmp_path: Path) -> None:
    """The check in load_parsed holds for every reader, also one that forgets it."""
    obs = pd.DataFrame({"area_code": ["GM0599", "GM0014", "GM0599"],
                        "indicator": ["a_inw", "a_inw", "a_inw"], "year": [2021] * 3,
                        "value": [650000.0, 240000.0, 1.0], "status": ["ok"] * 3,
                        "line": [2, 3, 4], "column": ["inwoners"] * 3})
    areas = pd.DataFrame({"area_code": ["GM0599", "GM0014"], "name": [None, None],
                          "level": ["municipality"] * 2, "year": [2021, 2021]})
    parsed = ParsedData(file=tmp_path / "lezer.csv", kind="table", form="wide",
                        observations=obs, areas=areas)
    err = refused(workspace, load_parsed, workspace.engine, parsed, checksum="x", user="t")
    assert "gebied GM0599, indicator a_inw, jaar 2021 komt 2 keer voor" in err.message
    assert "rijen 2, 4" in err.message and (err.row, err.column) == (4, "inwoners")


# --- xlsx formulas without a cached value ------------------------------------------------------


def _cache(path: Path, cell: str, cached: str) -> None:
    """Give ``cell`` the cached value a spreadsheet program would have stored."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts[member].decode()
    start = xml.index(f'<c r="{cell}"')
    end = xml.index("</c>", start)
    # openpyxl writes the empty value as <v /> (ElementTree) or <v/>, <v></v> (lxml)
    cell_xml = re.sub(r"<v\s*/>|<v></v>", f"<v>{cached}</v>", xml[start:end])
    parts[member] = (xml[:start] + cell_xml + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_uncalculated_formula_in_table_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    rows = [["gebied", "jaar", "score"], ["WK059901", 2021, 1.5], ["WK059902", 2021, "=C2*2"]]
    good = workbook(tmp_path / "goed.xlsx", [r[:2] + [3.0] if i == 2 else r
                                             for i, r in enumerate(rows)])
    workspace.import_table(good)
    path = workbook(tmp_path / "scores.xlsx", rows)
    err = refused(workspace, workspace.import_table, path)
    assert "Blad1!C3" in err.message and "herberekenen" in err.message
    assert (err.file, err.row, err.column, err.value) == ("scores.xlsx", 3, "Blad1!C", "=C2*2")
    assert value(workspace, "WK059902", "score", 2021) == (3.0, "ok")  # not made "missing"


def test_uncalculated_formula_in_kwb_xlsx_is_refused(workspace: Workspace,
                                                     tmp_path: Path) -> None:
    path = workbook(tmp_path / "kwb-2021.xlsx", [["gwb_code_10", "regio", "a_inw", "a_man"],
                                                  ["GM0599", "Rotterdam", 650000, "=C2/2"]])
    err = refused(workspace, workspace.import_cbs, path)
    assert "Blad1!D2" in err.message


def test_calculated_formula_and_formula_on_other_sheet_are_fine(workspace: Workspace,
                                                                tmp_path: Path) -> None:
    rows = [["gebied", "jaar", "score"], ["WK059901", 2021, 1.5], ["WK059902", 2021, "=C2*2"]]
    path = workbook(tmp_path / "scores.xlsx", rows,
                    extra={"Toelichting": [["som"], ["=SUM(Blad1!C2:C3)"]]})
    _cache(path, "C3", "3")
    with pytest.raises(DataError, match="Toelichting!A2"):
        check_formula_cache(path)  # every sheet
    check_formula_cache(path, ["Blad1"])  # only the sheet that is read
    report = workspace.import_table(path)
    assert report.values == 2 and value(workspace, "WK059902", "score", 2021) == (3.0, "ok")


# --- plausibility: finite, and within the catalogue's range -----------------------------------


@pytest.mark.parametrize(("column", "raw", "expect"), [
    ("a_man", "-5", "0 tot en met 100.000.000"),        # a negative number of men
    ("a_inw", "1e308", "groter dan 1e+15"),
    ("a_inw", "-1e308", "groter dan 1e+15"),
    ("g_wozbag", "1e308", "groter dan 1e+15"),          # flag range, but absurd: refused
    ("p_koopw", "502", "0 tot en met 100"),
])
def test_implausible_values_are_refused_and_located(workspace: Workspace, tmp_path: Path,
                                                    column: str, raw: str, expect: str) -> None:
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv",
                               "gwb_code_10,regio,a_inw\nGM0599,Rotterdam,650000\n"))
    path = write(tmp_path, "kwb_2021_b.csv",
                 f"gwb_code_10,regio,{column}\nGM0014,Groningen,10\nGM0599,Rotterdam,{raw}\n")
    err = refused(workspace, workspace.import_cbs, path)
    assert (err.file, err.row, err.column) == ("kwb_2021_b.csv", 3, column)
    assert expect in err.message
    if column == "a_man":
        assert err.value == "-5" and "a_man" in err.message and "GM0599" in err.message


def test_percentage_x10_hints_at_the_decimal_point(workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "kwb_2021.csv", "gwb_code_10,regio,p_hh_li\nGM0599,Rotterdam,502\n")
    err = refused(workspace, workspace.import_cbs, path)
    assert err.value == "502" and "gedeeld door 10 zou het 50,2 zijn" in err.message


def test_flag_policy_stores_estimated_with_a_warning(workspace: Workspace,
                                                     tmp_path: Path) -> None:
    # g_hhgro: plausibility {min: 1, max: 6, policy: flag} in the catalogue.
    path = write(tmp_path, "kwb_2021.csv",
                 "gwb_code_10,regio,g_hhgro\nGM0599,Rotterdam,2.1\nGM0014,Groningen,14\n")
    report = workspace.import_cbs(path)
    assert report.flagged == 1 and report.values == 2
    assert value(workspace, "GM0014", "g_hhgro", 2021) == (14.0, "estimated")
    assert value(workspace, "GM0599", "g_hhgro", 2021) == (2.1, "ok")
    warning = next(w for w in report.warnings if "plausibele bereik" in w)
    assert "g_hhgro (kolom 'g_hhgro'): 1 waarde" in warning and "GM0014 2021: 14, rij 3" in warning


@pytest.mark.parametrize(("name", "text"), [
    ("kwb_2021.csv", "gwb_code_10,regio,a_inw\nGM0599,Rotterdam,inf\n"),
    ("kwb-2024.json", '{"value": [{"WijkenEnBuurten": "GM0599", "AantalInwoners_5": NaN}]}'),
    ("kwb-2024b.json", '{"value": [{"WijkenEnBuurten": "GM0599",\n"AantalInwoners_5": '
                       '-Infinity}]}'),
], ids=["csv-inf", "json-nan", "json-infinity"])
def test_non_finite_values_are_refused(workspace: Workspace, tmp_path: Path, name: str,
                                       text: str) -> None:
    err = refused(workspace, workspace.import_cbs, write(tmp_path, name, text))
    assert err.file == name and err.row in (1, 2)


def test_user_indicators_get_their_range_from_kind_and_unit(workspace: Workspace,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path, "tabel_2021.csv", "gebied,tevreden,bedrag\nWK059901,150,1e9\n")
    err = refused(workspace, workspace.import_table, path,
                  indicators={"tevreden": {"kind": "percentage", "unit": "%"}})
    assert (err.column, err.value) == ("tevreden", "150") and "0 tot en met 100" in err.message
    report = workspace.import_table(path)  # no kind or unit: only "finite, within 1e15"
    assert report.values == 2
    huge = write(tmp_path, "tabel2_2021.csv", "gebied,bedrag\nWK059901,1e20\n")
    assert "groter dan 1e+15" in refused(workspace, workspace.import_table, huge).message


def test_catalogue_plausibility_is_validated() -> None:
    base = {"format_version": 1, "themes": {"bevolking": {"nl": "B", "en": "P"}},
            "plausibility": {"units": {"%": {"min": 0, "max": 100}}},
            "indicators": [{"code": "x", "label_nl": "x", "label_en": "x", "unit": "%",
                            "theme": "bevolking", "kind": "percentage",
                            "direction": "neutral"}]}
    cat = _parse(base)
    assert (cat.valid_range("x").min, cat.valid_range("x").max) == (0, 100)
    own = json.loads(json.dumps(base))
    own["indicators"][0]["plausibility"] = {"min": 5, "policy": "flag"}
    assert _parse(own).valid_range("x").policy == "flag"
    own["indicators"][0]["plausibility"] = {"min": 5, "policy": "warn"}
    with pytest.raises(ConfigError, match="policy 'warn' onbekend"):
        _parse(own)
    own["indicators"][0]["plausibility"] = {"min": 5, "max": 1}
    with pytest.raises(ConfigError, match="min 5 is groter dan max 1"):
        _parse(own)


def test_every_catalogue_indicator_has_a_sensible_range() -> None:
    cat: Catalogue = load_catalogue()
    for code, ind in cat.indicators.items():
        rng = cat.valid_range(code)
        if ind.kind in ("count", "percentage", "area", "distance"):
            assert rng.min == 0 and rng.policy == "refuse", code
        if ind.kind == "percentage":
            assert rng.max == 100, code


# --- decimal shifts: x10 / x0.1 against the store and the adjacent year -----------------------


def test_x10_against_stored_same_year_keeps_the_stored_value(workspace: Workspace,
                                                             tmp_path: Path) -> None:
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv",
                               "gwb_code_10,regio,g_ink_pi\nGM0599,Rotterdam,26.7\n"
                               "GM0014,Groningen,27.9\nGM0106,Assen,29.3\n"))
    later = write(tmp_path, "kwb_2021_b.csv", "gwb_code_10,regio,a_inw,g_ink_pi\n"
                  "GM0599,Rotterdam,650000,267\nGM0014,Groningen,240000,279\n"
                  "GM0106,Assen,69000,293\n")
    report = workspace.import_cbs(later)
    warning = next(w for w in report.warnings if "10 keer" in w)
    assert warning.startswith("g_ink_pi (kolom 'g_ink_pi'), 2021: ")
    assert "3 van 3 vergeleken gebieden" in warning and "GM0599: 267 tegenover 26,7" in warning
    assert "de opgeslagen waarden blijven staan" in warning
    assert value(workspace, "GM0599", "g_ink_pi", 2021) == (26.7, "ok")
    assert value(workspace, "GM0599", "a_inw", 2021) == (650000.0, "ok")
    assert report.values == 3 and report.inserted + report.unchanged == 3


def test_stored_x10_is_replaced_by_the_correct_file(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv", "gwb_code_10,regio,g_ink_pi\n"
                               "GM0599,Rotterdam,267\nGM0014,Groningen,279\n"))
    report = workspace.import_cbs(write(tmp_path, "kwb_2021_b.csv", "gwb_code_10,regio,g_ink_pi\n"
                                        "GM0599,Rotterdam,26.7\nGM0014,Groningen,27.9\n"))
    assert any("verloren decimaalteken in het eerdere bestand; vervangen" in w
               for w in report.warnings)
    assert value(workspace, "GM0599", "g_ink_pi", 2021) == (26.7, "ok") and report.changed == 2


def test_x01_against_the_adjacent_stored_year_warns(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv", "gwb_code_10,regio,g_wozbag\n"
                               "GM0599,Rotterdam,250\nGM0014,Groningen,300\n"))
    report = workspace.import_cbs(write(tmp_path, "kwb_2022.csv", "gwb_code_10,regio,g_wozbag\n"
                                        "GM0599,Rotterdam,25.4\nGM0014,Groningen,31.2\n"))
    warning = next(w for w in report.warnings if "tiende" in w)
    assert warning.startswith("g_woz (kolom 'g_wozbag'): 2022 is een tiende van 2021 "
                              "(opgeslagen) in 2 van 2 vergeleken gebieden")
    assert "verloren decimaalteken in 2021?" in warning
    assert value(workspace, "GM0599", "g_woz", 2022) == (25.4, "ok")  # another year: stored


def test_x10_between_years_in_one_file_warns(workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "kwb_2021_2022.csv", "gwb_code_10,regio,year,g_ink_pi\n"
                 "GM0599,Rotterdam,2021,267\nGM0599,Rotterdam,2022,27.1\n"
                 "GM0014,Groningen,2021,279\nGM0014,Groningen,2022,28.8\n")
    report = workspace.import_cbs(path)
    assert any(w.startswith("g_ink_pi (kolom 'g_ink_pi'): 2022 is een tiende van 2021 (in dit "
                            "bestand) in 2 van 2") for w in report.warnings), report.warnings


def test_ordinary_changes_and_a_single_tenfold_area_do_not_warn(workspace: Workspace,
                                                                tmp_path: Path) -> None:
    workspace.import_cbs(write(tmp_path, "kwb_2021.csv", "gwb_code_10,regio,a_inw\n"
                               "WK059901,a,5\nWK059902,b,1000\nWK059903,c,2000\nWK059904,d,80\n"))
    report = workspace.import_cbs(write(tmp_path, "kwb_2022.csv", "gwb_code_10,regio,a_inw\n"
                                        "WK059901,a,50\nWK059902,b,1100\nWK059903,c,1900\n"
                                        "WK059904,d,85\n"))
    assert not any("10 keer" in w or "tiende" in w for w in report.warnings)


# --- the real capybara KWB 2021 extract ---------------------------------------------------------


def test_real_capybara_file_is_refused(workspace: Workspace, shared_data: Path) -> None:
    workspace.import_cbs(DEMO_KWB_2021_2022)  # the demo's corrected copy: imports fine
    err = refused(workspace, workspace.import_cbs, shared_data / CAPY / "data.csv")
    assert (err.file, err.row, err.column, err.value) == ("data.csv", 2, "p_ink_li", "400")
    assert "gedeeld door 10 zou het 40 zijn" in err.message and "jaar 2021" in err.message


def test_real_capybara_x10_within_the_file(workspace: Workspace, shared_data: Path) -> None:
    """The comparison alone on the real file (its 2021 rows against its own 2022 rows)."""
    obs = read_kwb(shared_data / CAPY / "data.csv").observations
    area, _ = pd.factorize(obs["area_code"])
    ind, _ = pd.factorize(obs["indicator"])
    frame = pd.DataFrame({"area_id": area + 1, "indicator_id": ind + 1,
                          "year": obs["year"].to_numpy(dtype=np.int64),
                          "value": obs["value"].to_numpy(dtype=float),
                          "status": obs["status"].to_numpy(dtype=object)})
    with workspace.engine.connect() as conn:
        keep, warnings = check_against_stored(
            conn, frame, area_codes=obs["area_code"].to_numpy(dtype=object),
            indicators=obs["indicator"].to_numpy(dtype=object),
            columns=obs["column"].to_numpy(dtype=object))
    assert keep.all()  # nothing stored, so nothing to keep: warnings only
    hhgro = next(w for w in warnings if w.startswith("g_hhgro (kolom 'g_hhgro'): 2022 is een "
                                                     "tiende van 2021 (in dit bestand)"))
    assert "verloren decimaalteken in 2021?" in hhgro
    assert not any(w.startswith(("a_inw ", "a_hh ")) for w in warnings)


def test_real_capybara_x10_never_overwrites_good_2021_values(workspace: Workspace,
                                                             shared_data: Path,
                                                             tmp_path: Path) -> None:
    """The review's case: g_hhgro 14 from the capybara extract over the 1.4 stored from
    another 2021 file. Real rows (2021, the four municipalities), the columns the range rule
    lets through; the stored values come from the demo's corrected copy."""
    workspace.import_cbs(DEMO_KWB_2021_2022)
    raw = pd.read_csv(shared_data / CAPY / "data.csv", dtype=str, keep_default_na=False)
    ours = raw["gwb_code_10"].str.contains("0599|0014|0153|0106") & raw["year"].eq("2021")
    columns = ["gwb_code_10", "regio", "year", "a_inw", "g_hhgro", "g_ink_pi", "g_pau_hh"]
    raw.loc[ours, columns].to_csv(tmp_path / "kwb-2021-capybara.csv", index=False)
    assert value(workspace, "GM0014", "g_hhgro", 2021) == (1.7, "ok")
    report = workspace.import_cbs(tmp_path / "kwb-2021-capybara.csv")
    for indicator in ("g_hhgro", "g_ink_pi", "g_pau_hh"):
        warning = next(w for w in report.warnings if w.startswith(f"{indicator} (kolom ")
                       and "10 keer" in w)
        assert ", 2021: de waarden in dit bestand zijn 10 keer de al opgeslagen" in warning
        assert "de opgeslagen waarden blijven staan" in warning
    assert value(workspace, "GM0014", "g_hhgro", 2021) == (1.7, "ok")
    assert value(workspace, "GM0014", "g_ink_pi", 2021)[0] == pytest.approx(26.7, abs=5)
    assert report.inserted + report.changed + report.unchanged == (
        report.values + report.suppressed + report.missing)
