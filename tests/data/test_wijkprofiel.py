"""Rotterdam Wijkprofiel workbook (data.wijkprofiel): mapping to CBS codes, values, errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import SHARED_DATA, table_counts
from wijkkompas.data.parsed import ParsedData
from wijkkompas.data.wijkprofiel import buurt_mapping, is_wijkprofiel, read_wijkprofiel
from wijkkompas.errors import ConfigError, DataError
from wijkkompas.workspace import Workspace

WP = "rotterdam_wijkprofiel_shinyhousemap"
WORKBOOK = "Datastructuur wijkprofiel vulling 2016_definitief 03022016_Basis voor gebieden.xls"
INDICES = ["wp_si", "wp_si_subj", "wp_si_obj", "wp_fi", "wp_fi_subj", "wp_fi_obj",
           "wp_vi", "wp_vi_subj", "wp_vi_obj"]


@pytest.fixture(scope="module")
def parsed() -> ParsedData:
    path = SHARED_DATA / WP / WORKBOOK
    if not path.exists():
        pytest.skip("shared data not found")
    return read_wijkprofiel(path)


def _value(parsed: ParsedData, code: str, indicator: str, year: int) -> float:
    obs = parsed.observations.set_index(["area_code", "indicator", "year"])["value"]
    return float(obs[(code, indicator, year)])


def test_indices_and_areas(parsed: ParsedData) -> None:
    obs = parsed.observations
    assert parsed.kind == "table" and parsed.form == "wijkprofiel"
    assert parsed.years == [2014, 2016]
    assert sorted(obs["indicator"].unique()) == sorted(INDICES)
    assert parsed.new_indicators == []
    # 63 single-buurt areas map 1:1, plus Rotterdam itself.
    per_year = obs.groupby("year")["area_code"].nunique()
    assert per_year.tolist() == [64, 64]
    assert (obs["status"] == "ok").all() and len(obs) == 64 * 9 * 2
    codes = set(obs["area_code"])
    assert "GM0599" in codes and all(c.startswith("BU0599") for c in codes - {"GM0599"})


def test_values_by_hand(parsed: ParsedData) -> None:
    # Sheet 'SI 2014', last row: Rotterdam 5000 -> 100, 100, 100 (the base of the index).
    for ind in INDICES:
        assert _value(parsed, "GM0599", ind, 2014) == pytest.approx(100)
    # Sheet 'SI 2016', wijknr 5000: SI 100.40762871441792; 'VI 2016': 101.748847032684.
    assert _value(parsed, "GM0599", "wp_si", 2016) == pytest.approx(100.40762871441792)
    assert _value(parsed, "GM0599", "wp_vi", 2016) == pytest.approx(101.748847032684)
    # Tarwewijk, wijknr 71 = BU05991571: 'SI 2014' SI 69.582677, SIs 65.279168;
    # 'FI-subj 2014' FI 74.8105; 'VI 2016' VI 83.543544, VIo 95.118081.
    assert _value(parsed, "BU05991571", "wp_si", 2014) == pytest.approx(69.582677)
    assert _value(parsed, "BU05991571", "wp_si_subj", 2014) == pytest.approx(65.279168)
    assert _value(parsed, "BU05991571", "wp_fi", 2014) == pytest.approx(74.8105)
    assert _value(parsed, "BU05991571", "wp_vi", 2016) == pytest.approx(83.543544)
    assert _value(parsed, "BU05991571", "wp_vi_obj", 2016) == pytest.approx(95.118081)
    # Kop van Zuid (17) lies in CBS wijk 01, Kop van Zuid-Entrepot (79) in wijk 10.
    assert _value(parsed, "BU05990117", "wp_si", 2014) == pytest.approx(106.890105)
    assert _value(parsed, "BU05991079", "wp_si", 2014) == pytest.approx(106.914441)
    names = parsed.areas.query("year == 2016").set_index("area_code")["name"]
    assert names["BU05991571"] == "Tarwewijk" and names["GM0599"] == "Rotterdam"


def test_unmapped_areas_one_warning(parsed: ParsedData) -> None:
    assert len(parsed.warnings) == 1
    warning = parsed.warnings[0]
    assert warning.startswith("22 Wijkprofielgebieden")
    for shown in ("1009 Groot IJsselmonde-Noord", "3011 Blijdorp/Blijdorpsepolder",
                  "4009 Charlois", "4013 Rozenburg"):
        assert shown in warning


def test_mapping_agrees_with_repository_files(shared_data: Path) -> None:
    mapping = buurt_mapping()
    buurten = pd.read_csv(shared_data / WP / "all_data_buurten_2016.csv")
    single = buurten[buurten["wijknummer"] < 100]
    assert len(single) == 63
    assert (single["wijknummer"].map(mapping["area_code"]) == single["cbs_buurtnummer"]).all()
    from_file = buurt_mapping(shared_data / WP / "cbs_buurten.csv")
    pd.testing.assert_frame_equal(from_file, mapping)


def test_import_detects_workbook(workspace: Workspace, shared_data: Path) -> None:
    path = shared_data / WP / WORKBOOK
    assert is_wijkprofiel(path)
    assert not is_wijkprofiel(shared_data / WP / "all_data_buurten_2016.csv")
    report = workspace.import_table(path)
    assert report.form == "wijkprofiel" and report.regions == 64 and report.indicators == 9
    assert report.inserted == 64 * 9 * 2
    obs = workspace.observations()
    assert obs.loc[("GM0599", "wp_si", 2014), "value"] == pytest.approx(100)
    inds = workspace.indicators()
    assert inds.loc["wp_vi", "unit"] == "index (Rotterdam 2014 = 100)"
    assert inds.loc["wp_vi", "direction"] == "higher_better"
    assert workspace.areas().loc["BU05991571", "parent_code"] == "WK059915"
    before = table_counts(workspace)
    assert workspace.import_table(path).skipped
    with pytest.raises(ConfigError, match="layout"):
        workspace.import_table(path, layout="wide")
    assert table_counts(workspace) == before


def test_components_are_user_indicators(shared_data: Path) -> None:
    parsed = read_wijkprofiel(shared_data / WP / WORKBOOK, years=[2016], components=True)
    assert parsed.years == [2016]
    new = {d["code"]: d for d in parsed.new_indicators}
    assert len(new) > 250
    # 'Ms' means Meedoen-subjectief on the SI sheet and Milieu subjectief on the FI sheet.
    assert new["wp_si_ms"]["label_nl"] == "Meedoen-subjectief"
    assert new["wp_fi_ms"]["label_nl"] == "Milieu subjectief"
    assert all(d["direction"] == "neutral" for d in new.values())
    assert _value(parsed, "BU05991571", "wp_si_as", 2016) == pytest.approx(99.885729)


def _small_workbook(path: Path, si_value: object = 90.5, stated_year: int = 2014) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SI 2014"
    sheet.append(["", stated_year, "in hoefijzer = 1", 1, 1, 1])
    sheet.append(["naam gebied", "wijknr", "BUURT85", "SI", "SIs", "SIo"])
    sheet.append(["", "", "", "Sociale Index", "subjectief", "objectief"])
    sheet.append(["Charlois", 71, "Tarwewijk", si_value, 80, 90])
    sheet.append(["Charlois", 4009, "Charlois", 85, 80, 90])
    sheet.append(["Rotterdam", 5000, "Rotterdam", 100, 100, 100])
    book.save(path)
    return path


def test_small_workbook(workspace: Workspace, tmp_path: Path) -> None:
    path = _small_workbook(tmp_path / "wp.xlsx")
    report = workspace.import_table(path)
    assert report.regions == 2 and report.values == 6
    assert "4009 Charlois" in report.warnings[0]


@pytest.mark.parametrize(("kwargs", "row", "column", "value"), [
    ({"si_value": "n.b.k."}, 4, "SI 2014!SI", "n.b.k."),
    ({"stated_year": 2016}, 1, "SI 2014!B", "2016"),
])
def test_bad_workbook_is_located(workspace: Workspace, tmp_path: Path, kwargs: dict,
                                 row: int, column: str, value: str) -> None:
    path = _small_workbook(tmp_path / "wp_fout.xlsx", **kwargs)
    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_table(path)
    err = info.value
    assert (err.file, err.row, err.column, str(err.value)) == ("wp_fout.xlsx", row, column, value)
    assert table_counts(workspace) == before
