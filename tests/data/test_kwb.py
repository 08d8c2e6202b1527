"""CBS Kerncijfers Wijken en Buurten: every published form imports with the published values.

Expected values were read by hand from the source files (see tests/fixtures/kwb/PROVENANCE.md
and shared/data/PROVENANCE.md), not computed by the code under test.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from tests.conftest import FIXTURES, table_counts
from wijkkompas.data.kwb import read_kwb
from wijkkompas.errors import DataError
from wijkkompas.store.models import Area, Indicator, ObservationChange
from wijkkompas.workspace import Workspace

KWB = FIXTURES / "kwb"
STATLINE = KWB / "kwb2024_statline_excerpt.csv"
# The excerpt with the 2021 decimal loss undone (the raw excerpt is refused, see
# tests/data/test_validate.py).
CAPYBARA = KWB / "kwb_capybara_excerpt_corrected.csv"
ODATA_DICT = KWB / "odata_85984NED_2024_excerpt.json"
IKGEO = KWB / "ikgeo_rotterdam_excerpt.json"
DENHAAG = KWB / "denhaag_84583NED_2019_excerpt.csv"
WBK2022 = KWB / "wijk_2022_v1_attributes_excerpt.csv"
WBK2016 = KWB / "wijk_2016_attributes_excerpt.csv"
STATLINE_DIR = "cbs_kwb2024_statline_swienn"


def obs(ws: Workspace, area: str, indicator: str, year: int) -> tuple[float | None, str]:
    """(value, status) of one observation; value None when it is not a number."""
    frame = ws.observations(areas=[area], indicators=[indicator], years=[year])
    assert len(frame) == 1, f"no observation {area}/{indicator}/{year}"
    row = frame.iloc[0]
    value = None if math.isnan(row["value"]) else float(row["value"])
    return value, row["status"]


def assert_no_number_unless_ok(ws: Workspace) -> None:
    """Suppressed and missing values are NULL, ok values are numbers: never the other way."""
    frame = ws.observations()
    not_ok = frame[frame["status"] != "ok"]
    assert not_ok["value"].isna().all(), not_ok[not_ok["value"].notna()].head()
    assert frame.loc[frame["status"] == "ok", "value"].notna().all()


# --- every form ----------------------------------------------------------------------------


def test_statline_csv_excerpt(workspace: Workspace) -> None:
    report = workspace.import_cbs(STATLINE)
    assert (report.form, report.years) == ("statline", [2024])
    assert report.regions == 31 and report.indicators == 8
    assert report.values == 31 * 8 and report.suppressed == report.missing == 0
    # Rotterdam 2024, line "GM0599": 670610 inhabitants, 105526 aged 65+.
    assert obs(workspace, "GM0599", "a_inw", 2024) == (670610.0, "ok")
    assert obs(workspace, "GM0599", "a_65_oo", 2024) == (105526.0, "ok")
    assert obs(workspace, "NL00", "a_inw", 2024) == (17942942.0, "ok")
    # Buurt counts are rounded to fives by CBS and kept as published (sum of ages 405, not 405±).
    assert obs(workspace, "BU01060000", "a_inw", 2024) == (405.0, "ok")
    assert obs(workspace, "BU01060000", "a_man", 2024) == (230.0, "ok")
    assert obs(workspace, "BU01060000", "a_vrouw", 2024) == (175.0, "ok")
    areas = workspace.areas()
    assert areas.loc["GM0106", "name"] == "Assen"
    assert areas.loc["WK010600", "name"] == "Centrum"  # space padding stripped
    assert areas.loc["BU01060000", "name"] == "Brinkkwartier"
    assert_no_number_unless_ok(workspace)


def test_statline_full_national_file(workspace: Workspace, shared_data: Path) -> None:
    path = shared_data / STATLINE_DIR / "Kerncijfers_wijken_en_buurten_2024_geslachten.csv"
    report = workspace.import_cbs(path)
    assert report.regions == 17609
    assert obs(workspace, "GM0599", "a_inw", 2024) == (670610.0, "ok")
    assert obs(workspace, "GM0014", "a_inw", 2024) == (243768.0, "ok")
    assert obs(workspace, "GM0153", "a_inw", 2024) == (161738.0, "ok")
    assert obs(workspace, "GM0106", "a_inw", 2024) == (69701.0, "ok")
    rotterdam = workspace.areas(municipality="GM0599")
    assert (rotterdam["level"] == "neighbourhood").sum() == 91
    assert (rotterdam["level"] == "district").sum() == 21


def test_statline_without_codes_is_refused(shared_data: Path) -> None:
    path = shared_data / STATLINE_DIR / "Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv"
    with pytest.raises(DataError) as info:
        read_kwb(path)
    assert info.value.file == path.name
    assert "Codering (code)" in info.value.message
    assert "gebiedscodes" in str(info.value)


def test_kwb_table_with_short_names_and_two_years(workspace: Workspace) -> None:
    report = workspace.import_cbs(CAPYBARA)
    assert (report.form, report.years) == ("kwb", [2021, 2022])
    assert obs(workspace, "GM0106", "a_inw", 2021) == (68836.0, "ok")
    assert obs(workspace, "GM0106", "a_inw", 2022) == (68979.0, "ok")
    assert obs(workspace, "WK059901", "a_inw", 2022) == (38710.0, "ok")
    # g_wozbag is the kwb name of the average WOZ value.
    assert obs(workspace, "GM0106", "g_woz", 2022) == (238.0, "ok")
    assert obs(workspace, "WK010600", "g_hhgro", 2022) == (1.6, "ok")
    # The early 2022 release has no income figures: an empty cell is missing, not zero.
    assert obs(workspace, "GM0106", "g_ink_pi", 2022) == (None, "missing")
    assert obs(workspace, "GM0106", "a_geb", 2022) == (None, "missing")
    assert obs(workspace, "GM0106", "a_geb", 2021) == (676.0, "ok")
    assert any("niet in de catalogus" in w for w in report.warnings)
    assert workspace.areas().loc["WK010600", "years"] == [2021, 2022]
    assert_no_number_unless_ok(workspace)


def test_odata_json_dict_form_year_from_name(workspace: Workspace) -> None:
    report = workspace.import_cbs(ODATA_DICT)
    assert (report.form, report.years) == ("odata", [2024])
    assert obs(workspace, "GM0106", "a_inw", 2024) == (69701.0, "ok")
    assert obs(workspace, "GM0106", "bev_dich", 2024) == (851.0, "ok")
    assert obs(workspace, "GM0599", "a_opp_ha", 2024) == (32414.0, "ok")
    assert obs(workspace, "GM0599", "a_wat_ha", 2024) == (10572.0, "ok")
    # JSON null -> missing, never 0.
    assert obs(workspace, "WK061307", "bev_dich", 2024) == (None, "missing")
    assert obs(workspace, "WK061307", "a_inw", 2024) == (0.0, "ok")
    assert_no_number_unless_ok(workspace)


def test_odata_json_dict_values_match_statline(workspace: Workspace) -> None:
    workspace.import_cbs(STATLINE)
    report = workspace.import_cbs(ODATA_DICT)
    # Inhabitants, men and women of the five areas in both files agree exactly.
    assert report.changed == 0
    assert report.unchanged == 5 * 3


def test_odata_value_form_needs_year(workspace: Workspace) -> None:
    with pytest.raises(DataError, match="--year"):
        workspace.import_cbs(IKGEO)
    report = workspace.import_cbs(IKGEO, year=2017)
    assert (report.form, report.years) == ("odata", [2017])
    assert obs(workspace, "GM0599", "a_00_14", 2017) == (103435.0, "ok")
    assert obs(workspace, "GM0599", "g_ink_pi", 2017) == (23.7, "ok")
    # "       ." -> suppressed; "" -> missing; both NULL.
    assert obs(workspace, "BU05990452", "g_ink_pi", 2017) == (None, "suppressed")
    assert obs(workspace, "BU05990452", "a_00_14", 2017) == (5.0, "ok")
    assert obs(workspace, "WK059922", "g_wodief", 2017) == (None, "missing")
    # The source misspelt one key for BU05990836: that value is absent, not guessed.
    assert obs(workspace, "BU05990836", "a_65_oo", 2017) == (None, "missing")
    assert any("k_65JaarrOfOude_12" in w for w in report.warnings)
    assert report.suppressed > 0
    assert_no_number_unless_ok(workspace)


def test_odata_csv(workspace: Workspace) -> None:
    report = workspace.import_cbs(DENHAAG)
    assert (report.form, report.years) == ("odata", [2019])
    assert obs(workspace, "GM0518", "a_inw", 2019) == (537833.0, "ok")
    assert obs(workspace, "GM0518", "g_hhgro", 2019) == (2.0, "ok")
    assert obs(workspace, "WK051801", "a_inw", 2019) == (0.0, "ok")
    assert obs(workspace, "WK051801", "g_hhgro", 2019) == (None, "suppressed")
    assert obs(workspace, "BU05180170", "a_opl_lg", 2019) == (None, "suppressed")
    assert workspace.areas().loc["BU05180170", "parent_code"] == "WK051801"
    assert_no_number_unless_ok(workspace)


def test_wbk_attribute_csv(workspace: Workspace) -> None:
    report = workspace.import_cbs(WBK2022)
    assert (report.form, report.years) == ("wbk", [2022])
    assert any("waterdelen" in w for w in report.warnings)
    codes = set(workspace.areas().index)
    assert "WK040099" not in codes and "WK057599" not in codes  # water parts skipped
    assert obs(workspace, "WK010600", "a_inw", 2022) == (6820.0, "ok")
    assert obs(workspace, "WK010600", "g_hhgro", 2022) == (1.6, "ok")
    assert obs(workspace, "WK010608", "ste_mvs", 2022) == (4.0, "ok")
    # -99999999 (and -99999999.0) is "no data": missing, NULL, never a number.
    assert obs(workspace, "WK099899", "a_inw", 2022) == (None, "missing")
    assert obs(workspace, "WK099899", "g_hhgro", 2022) == (None, "missing")
    assert workspace.areas().loc["WK010600", "name"] == "Wijk 00 Assen centrum"
    assert_no_number_unless_ok(workspace)


def test_wbk_2016(workspace: Workspace) -> None:
    report = workspace.import_cbs(WBK2016)
    assert (report.form, report.years) == ("wbk", [2016])
    assert obs(workspace, "WK010600", "a_inw", 2016) == (5820.0, "ok")
    assert obs(workspace, "WK059901", "a_inw", 2016) == (32925.0, "ok")
    assert obs(workspace, "WK010604", "g_hhgro", 2016) == (2.4, "ok")


def test_pdok_shapefile_and_dbf(workspace: Workspace, shared_data: Path) -> None:
    shp = shared_data / "twente_wbk2021_buurten_chimneyfire/buurten.shp"
    report = workspace.import_cbs(shp)
    assert (report.form, report.years) == ("pdok", [2021])
    assert report.regions == 455
    assert obs(workspace, "BU01411000", "a_inw", 2021) == (2120.0, "ok")
    assert obs(workspace, "BU01411000", "g_hhgro", 2021) == (1.5, "ok")
    assert obs(workspace, "BU01411000", "p_65_oo", 2021) == (31.0, "ok")
    assert obs(workspace, "BU01411105", "p_eenp_hh", 2021) == (None, "missing")
    enschede = workspace.areas(municipality="GM0153", level="neighbourhood")
    assert len(enschede) == 70
    # The .dbf on its own gives the same table.
    parsed = read_kwb(shp.with_suffix(".dbf"))
    assert parsed.form == "pdok" and len(parsed.observations) == report.values + report.missing


def test_zipped_shapefile(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_cbs(shared_data / "groningen_wbk2017_kennisnetwerk/buurt2017.zip")
    assert (report.form, report.years) == ("wbk", [2017])
    assert report.regions == 108
    assert obs(workspace, "BU00140000", "a_inw", 2017) == (4440.0, "ok")
    assert obs(workspace, "BU00140000", "g_hhgro", 2017) == (1.2, "ok")
    assert obs(workspace, "BU00140004", "a_inw", 2017) == (10.0, "ok")
    assert obs(workspace, "BU00140004", "p_65_oo", 2017) == (None, "missing")
    assert workspace.areas().loc["BU00140000", "name"] == "Binnenstad-Noord"


def test_excel_kwb_table(workspace: Workspace, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    with open(CAPYBARA, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    keep = ["gwb_code_10", "regio", "gm_naam", "recs", "a_inw", "g_hhgro", "g_wozbag", "p_koopw",
            "g_ink_pi", "year"]
    idx = [header.index(c) for c in keep]
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(keep)
    for row in rows[1:]:
        if row[header.index("year")] != "2022":
            continue
        out = []
        for c, i in zip(keep, idx, strict=True):
            cell = row[i]
            if c in ("gwb_code_10", "regio", "gm_naam", "recs"):
                out.append(cell)
            elif cell == "":
                out.append(None)  # an empty Excel cell
            else:
                out.append(float(cell) if "." in cell else int(cell))
        sheet.append(out)
    sheet.append([None] * len(keep))  # a blank row, as users leave them
    sheet.append(["WK010699", "Wijk 99 Buitengebied", "Assen", "Wijk", ".", "x", "-", 12.5,
                  None, 2022])
    sheet.append([None] * len(keep))
    path = tmp_path / "kwb-2022-excerpt.xlsx"
    wb.save(path)

    report = workspace.import_cbs(path)
    assert (report.form, report.years) == ("kwb", [2022])
    assert obs(workspace, "GM0106", "a_inw", 2022) == (68979.0, "ok")
    assert obs(workspace, "WK010600", "g_hhgro", 2022) == (1.6, "ok")
    assert obs(workspace, "GM0599", "g_woz", 2022) == (275.0, "ok")
    assert obs(workspace, "GM0106", "g_ink_pi", 2022) == (None, "missing")
    assert obs(workspace, "WK010699", "a_inw", 2022) == (None, "suppressed")
    assert obs(workspace, "WK010699", "g_hhgro", 2022) == (None, "suppressed")
    assert obs(workspace, "WK010699", "g_woz", 2022) == (None, "missing")
    assert obs(workspace, "WK010699", "p_koopw", 2022) == (12.5, "ok")
    assert_no_number_unless_ok(workspace)


# --- special values, encodings, delimiters ---------------------------------------------------

SPECIAL_HEADER = ["gwb_code_10", "regio", "a_inw", "g_hhgro", "p_koopw", "g_woz", "a_hh"]
SPECIAL_ROWS = [
    ["GM0106", "Assen", "69701", "2,1", "55", "271", "32000"],
    ["WK010600", "Wijk 00 Assen centrum", ".", "1,6", "x", "-", ""],
    ["WK010601", "Wijk 01 Lariks", "-99999999", "-99999997", " 56 ", "1.234,5", "3105"],
    ["BU01060000", "Brinkkwartier", "405", "1,35", "-99999999.0", "0", "245"],
    ["BU01060001", "Markt Ëlde (Súdwest)", "15", ".", "X", "", "5"],
]
SPECIAL_EXPECTED = {
    ("GM0106", "a_inw"): (69701.0, "ok"),
    ("GM0106", "g_hhgro"): (2.1, "ok"),
    ("WK010600", "a_inw"): (None, "suppressed"),
    ("WK010600", "g_hhgro"): (1.6, "ok"),
    ("WK010600", "p_koopw"): (None, "suppressed"),
    ("WK010600", "g_woz"): (None, "missing"),
    ("WK010600", "a_hh"): (None, "missing"),
    ("WK010601", "a_inw"): (None, "missing"),
    ("WK010601", "g_hhgro"): (None, "suppressed"),
    ("WK010601", "p_koopw"): (56.0, "ok"),
    ("WK010601", "g_woz"): (1234.5, "ok"),
    ("BU01060000", "a_inw"): (405.0, "ok"),
    ("BU01060000", "g_hhgro"): (1.35, "ok"),
    ("BU01060000", "p_koopw"): (None, "missing"),
    ("BU01060000", "g_woz"): (0.0, "ok"),
    ("BU01060001", "a_inw"): (15.0, "ok"),
    ("BU01060001", "g_hhgro"): (None, "suppressed"),
    ("BU01060001", "p_koopw"): (None, "suppressed"),
    ("BU01060001", "g_woz"): (None, "missing"),
    ("BU01060001", "a_hh"): (5.0, "ok"),
}


def write_special(path: Path, *, encoding: str, delimiter: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(SPECIAL_HEADER)
        writer.writerows(SPECIAL_ROWS)
    return path


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_special_values_encodings_delimiters(tmp_path: Path, encoding: str,
                                             delimiter: str) -> None:
    path = write_special(tmp_path / "kwb_2023_special.csv", encoding=encoding, delimiter=delimiter)
    parsed = read_kwb(path)
    assert parsed.form == "kwb" and parsed.years == [2023]
    got = {
        (r.area_code, r.indicator): (None if math.isnan(r.value) else r.value, r.status)
        for r in parsed.observations.itertuples()
    }
    for key, expected in SPECIAL_EXPECTED.items():
        assert got[key] == expected, key
    names = parsed.areas.set_index("area_code")["name"]
    assert names["BU01060001"] == "Markt Ëlde (Súdwest)"


def test_special_values_stored_as_null(workspace: Workspace, tmp_path: Path) -> None:
    path = write_special(tmp_path / "kwb_2023_special.csv", encoding="cp1252", delimiter=";")
    report = workspace.import_cbs(path)
    expected_statuses = [s for _, s in SPECIAL_EXPECTED.values()]
    assert report.suppressed >= expected_statuses.count("suppressed")
    for (area, indicator), expected in SPECIAL_EXPECTED.items():
        assert obs(workspace, area, indicator, 2023) == expected, (area, indicator)
    assert_no_number_unless_ok(workspace)
    assert workspace.areas().loc["BU01060001", "name"] == "Markt Ëlde (Súdwest)"


# --- areas ---------------------------------------------------------------------------------


def test_areas_levels_parents_and_years(workspace: Workspace) -> None:
    workspace.import_cbs(STATLINE)
    workspace.import_cbs(CAPYBARA)
    areas = workspace.areas()
    assert areas.loc["NL00", "level"] == "country"
    assert areas.loc["GM0106", "level"] == "municipality"
    assert areas.loc["WK010600", "level"] == "district"
    assert areas.loc["BU01060000", "level"] == "neighbourhood"
    assert areas.loc["BU01060000", "parent_code"] == "WK010600"
    assert areas.loc["WK010600", "parent_code"] == "GM0106"
    assert pd.isna(areas.loc["GM0106", "parent_code"])
    assert areas.loc["BU01060000", "municipality_code"] == "GM0106"
    assert areas.loc["WK010600", "years"] == [2021, 2022, 2024]
    assert areas.loc["BU01060000", "years"] == [2024]
    assert areas.loc["WK010602", "years"] == [2021, 2022]


def test_parents_implied_by_codes(workspace: Workspace) -> None:
    report = workspace.import_cbs(WBK2022)  # wijken only: gemeenten come from the codes
    areas = workspace.areas()
    assert areas.loc["WK010600", "parent_code"] == "GM0106"
    assert areas.loc["GM0106", "level"] == "municipality"
    assert areas.loc["GM0106", "years"] == []  # not published in this file
    # Named from the file's GM_NAAM column, so no "only derived from the code" warning.
    assert areas.loc["GM0106", "name"] == "Assen"
    assert not any("bovenliggende" in w for w in report.warnings)
    # A later file that publishes the gemeente itself keeps the name.
    workspace.import_cbs(CAPYBARA)
    assert workspace.areas().loc["GM0106", "name"] == "Assen"


@pytest.mark.parametrize("order", ["newest_first", "newest_last"])
def test_names_follow_newest_year(workspace: Workspace, order: str) -> None:
    files = [STATLINE, CAPYBARA] if order == "newest_first" else [CAPYBARA, STATLINE]
    for f in files:
        workspace.import_cbs(f)
    areas = workspace.areas()
    assert areas.loc["WK010600", "name"] == "Centrum"  # 2024 name, not "Wijk 00 Assen centrum"
    assert areas.loc["WK010601", "name"] == "Lariks"


def test_nameless_newer_year_does_not_block_names(workspace: Workspace) -> None:
    # OData 2024 has no names; a 2022 file with names must still name the areas.
    workspace.import_cbs(ODATA_DICT)
    assert workspace.areas().loc["WK010600", "name"] == "WK010600"
    workspace.import_cbs(CAPYBARA)
    assert workspace.areas().loc["WK010600", "name"] == "Wijk 00 Assen centrum"


# --- re-import and newer releases ------------------------------------------------------------


def test_same_file_twice_is_skipped(workspace: Workspace) -> None:
    first = workspace.import_cbs(CAPYBARA)
    before = table_counts(workspace)
    second = workspace.import_cbs(CAPYBARA)
    assert second.skipped and second.run_id == first.run_id
    assert "al eerder" in second.summary()
    assert table_counts(workspace) == before


def test_same_file_other_year_is_not_a_repeat(workspace: Workspace) -> None:
    workspace.import_cbs(IKGEO, year=2017)
    report = workspace.import_cbs(IKGEO, year=2018)
    assert not report.skipped
    assert obs(workspace, "GM0599", "a_00_14", 2018) == (103435.0, "ok")


def test_newer_release_replaces_and_records_changes(workspace: Workspace, tmp_path: Path) -> None:
    first = workspace.import_cbs(STATLINE)
    before = workspace.observations()
    # A newer release of 2024: two values corrected, one now suppressed.
    text = STATLINE.read_bytes().decode("utf-8-sig")
    old_line = next(line for line in text.split("\r\n") if '"GM0106' in line)
    assert ";69701;34576;" in old_line
    new_line = old_line.replace(";69701;34576;", ";69705;34580;")
    bu_line = next(line for line in text.split("\r\n") if '"BU01060000' in line)
    new_bu = bu_line.replace(";405;230;", ";.;230;")
    newer = tmp_path / "kwb2024_statline_excerpt_v2.csv"
    newer.write_bytes(b"\xef\xbb\xbf" + text.replace(old_line, new_line)
                      .replace(bu_line, new_bu).encode("utf-8"))

    report = workspace.import_cbs(newer)
    assert not report.skipped
    assert (report.changed, report.inserted) == (3, 0)
    assert report.unchanged == 31 * 8 - 3
    assert obs(workspace, "GM0106", "a_inw", 2024) == (69705.0, "ok")
    assert obs(workspace, "GM0106", "a_man", 2024) == (34580.0, "ok")
    assert obs(workspace, "BU01060000", "a_inw", 2024) == (None, "suppressed")

    with workspace.engine.connect() as conn:
        changes = conn.execute(
            select(Area.code, Indicator.code, ObservationChange.year, ObservationChange.old_value,
                   ObservationChange.old_status, ObservationChange.new_value,
                   ObservationChange.new_status, ObservationChange.import_run_id)
            .join(Area, Area.id == ObservationChange.area_id)
            .join(Indicator, Indicator.id == ObservationChange.indicator_id)
            .order_by(Area.code, Indicator.code)
        ).all()
    assert [tuple(c) for c in changes] == [
        ("BU01060000", "a_inw", 2024, 405.0, "ok", None, "suppressed", report.run_id),
        ("GM0106", "a_inw", 2024, 69701.0, "ok", 69705.0, "ok", report.run_id),
        ("GM0106", "a_man", 2024, 34576.0, "ok", 34580.0, "ok", report.run_id),
    ]
    after = workspace.observations()
    changed_keys = [("BU01060000", "a_inw", 2024), ("GM0106", "a_inw", 2024),
                    ("GM0106", "a_man", 2024)]
    assert after.drop(index=changed_keys).equals(before.drop(index=changed_keys))
    runs = workspace.import_runs()
    assert list(runs.index) == [first.run_id, report.run_id]
    assert runs.loc[report.run_id, "changed"] == 3


def test_copy_with_other_name_is_recognised_as_same_content(workspace: Workspace,
                                                            tmp_path: Path) -> None:
    workspace.import_cbs(CAPYBARA)
    before = table_counts(workspace)
    copy = shutil.copy(CAPYBARA, tmp_path / "kopie.csv")
    assert workspace.import_cbs(copy).skipped
    assert table_counts(workspace) == before
