"""Generic table importer (data.tables): real files, Excel long form and located errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import table_counts
from wijkkompas.data.tables import read_table, slug, year_from_name
from wijkkompas.errors import ConfigError, DataError
from wijkkompas.workspace import Workspace

LBM = "leefbaarometer2_dimensiescores_wijk_gemeente"
WP = "rotterdam_wijkprofiel_shinyhousemap"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- real files ----------------------------------------------------------------------------


def test_leefbaarometer_wijk_file_imports(workspace: Workspace, shared_data: Path) -> None:
    path = shared_data / LBM / "dimensiescore_wijk_stand__data1.csv"
    report = workspace.import_table(path)
    assert report.kind == "table" and report.form == "wide"
    assert report.years == [2012, 2014, 2016]
    assert report.regions == 2853 and report.indicators == 6
    # Some wijken have no score in some years (empty cells): missing, not zero.
    assert report.values + report.missing == 8559 * 6 and report.inserted == 8559 * 6
    assert report.missing > 0 and report.suppressed == 0
    obs = workspace.observations()
    # By hand from line 4153: WK059901,2016,-0.0794852704039766,0.0172533082909298,...
    assert obs.loc[("WK059901", "lbm_totaal", 2016), "value"] == pytest.approx(-0.0794852704039766)
    assert obs.loc[("WK059901", "lbm_won", 2016), "value"] == pytest.approx(0.0172533082909298)
    assert obs.loc[("WK059901", "lbm_fys", 2012), "value"] == pytest.approx(-0.185367055340519)
    inds = workspace.indicators()
    assert set(obs.index.get_level_values("indicator")) == {
        "lbm_totaal", "lbm_won", "lbm_bev", "lbm_vrz", "lbm_vei", "lbm_fys"}
    assert inds.loc["lbm_totaal", "direction"] == "higher_better"
    assert inds.loc["lbm_vei", "theme"] == "leefbaarheid"
    before = table_counts(workspace)
    again = workspace.import_table(path)
    assert again.skipped and table_counts(workspace) == before


def test_leefbaarometer_gemeente_file(shared_data: Path) -> None:
    parsed = read_table(shared_data / LBM / "dimensiescore_gemeente_stand__data1.csv")
    obs = parsed.observations.set_index(["area_code", "indicator", "year"])["value"]
    assert len(parsed.areas) == 1164 and parsed.warnings == []
    # GM0599,2014,-0.294487766804838,0.00322358250768852,-0.128673935098185,0.115301823710063,
    # -0.172448180217832,-0.111891057706636
    assert obs[("GM0599", "lbm_totaal", 2014)] == pytest.approx(-0.294487766804838)
    assert obs[("GM0599", "lbm_vei", 2014)] == pytest.approx(-0.172448180217832)
    assert parsed.new_indicators == []


def test_rotterdam_buurt_data_with_definitions(workspace: Workspace, shared_data: Path,
                                               tmp_path: Path) -> None:
    path = shared_data / WP / "all_data_buurten_2016.csv"
    sidecar = _write(tmp_path / "defs.yaml", (
        "indicators:\n"
        "  wozwaarde: {code: wp_woz, label_nl: Gemiddelde WOZ-waarde, unit: euro, theme: wonen,"
        " kind: mean, direction: neutral, direction_note: Kenmerk.}\n"
        "  internetsnelheid: {label_nl: Internetsnelheid, unit: Mbit/s, theme: voorzieningen,"
        " direction: higher_better}\n"
        "  autochtoon: {skip: true}\n"
    ))
    report = workspace.import_table(path, definitions=sidecar)
    assert report.years == [2016] and report.regions == 76
    warnings = " | ".join(report.warnings)
    assert "23 afgeleide kolommen" in warnings and "aantal_bushaltes_norm" in warnings
    assert "overgeslagen: postcode, wijknaam, wijknummer, lat, long" in warnings
    obs = workspace.observations()
    codes = set(obs.index.get_level_values("indicator"))
    assert not any(c.endswith("_norm") for c in codes)
    assert {"postcode", "wijknummer", "lat", "long", "autochtoon"}.isdisjoint(codes)
    # By hand, line 2: BU05990110,3011,Stadsdriehoek,...,internetsnelheid 50, wozwaarde 182000
    assert obs.loc[("BU05990110", "wp_woz", 2016), "value"] == 182000
    assert obs.loc[("BU05990110", "internetsnelheid", 2016), "value"] == 50
    assert obs.loc[("BU05990110", "leeftijd_15_65", 2016), "value"] == 81
    inds = workspace.indicators()
    assert inds.loc["wp_woz", ["label_nl", "unit", "theme"]].tolist() == [
        "Gemiddelde WOZ-waarde", "euro", "wonen"]
    assert inds.loc["internetsnelheid", "direction"] == "higher_better"
    assert inds.loc["leeftijd_tot15", "direction"] == "neutral"
    assert "stel in" in inds.loc["leeftijd_tot15", "direction_note"]
    assert workspace.areas().loc["BU05990110", "name"] == "Stadsdriehoek"


def test_excel_long_layout(workspace: Workspace, shared_data: Path, tmp_path: Path) -> None:
    wide = pd.read_csv(shared_data / LBM / "dimensiescore_gemeente_stand__data1.csv")
    rdam = wide[wide["GBD"].isin(["GM0599", "GM0014", "GM0153", "GM0106"])]
    long = rdam.melt(id_vars=["GBD", "JAAR"], var_name="indicator", value_name="waarde")
    long = long.rename(columns={"GBD": "gebied", "JAAR": "jaar"})
    extra = pd.DataFrame({"gebied": ["GM0599", "GM0014"], "jaar": [2016, 2016],
                          "indicator": ["Tevredenheid buurt (%)"] * 2, "waarde": [71.5, None]})
    long = pd.concat([long, extra], ignore_index=True)
    path = tmp_path / "monitor.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"a": ["Eigen monitor, bron: test"]}).to_excel(
            xl, sheet_name="toelichting", index=False, header=False)
        long.to_excel(xl, sheet_name="data", index=False, startrow=2)
    report = workspace.import_table(
        path, sheet="data", header_row=2,
        indicators={"Tevredenheid buurt (%)": {"unit": "%", "direction": "higher_better"}})
    assert report.form == "long" and report.years == [2012, 2014, 2016]
    assert report.values == 4 * 3 * 6 + 1 and report.missing == 1
    obs = workspace.observations()
    assert obs.loc[("GM0599", "lbm_vei", 2014), "value"] == pytest.approx(-0.172448180217832)
    assert obs.loc[("GM0599", "tevredenheid_buurt", 2016), "value"] == 71.5
    assert workspace.indicators().loc["tevredenheid_buurt", "unit"] == "%"
    # Another sheet of the same workbook is another import, not a repeat.
    with pytest.raises(DataError) as info:
        workspace.import_table(path, sheet="toelichting")
    assert info.value.file == "monitor.xlsx"


def test_cp1252_decimal_commas(tmp_path: Path) -> None:
    path = _write(tmp_path / "enquête 2019.csv",
                  "gebied;naam;Tevredenheid woonomgeving (€-index);jaar;opmerking\r\n"
                  "WK059901;Stadscentrum;7,5;2019;rustig\r\n"
                  "WK059903;Delfshaven;6,25;2019;\r\nGM0599;Rotterdam;.;2019;druk\r\n",
                  encoding="cp1252")
    parsed = read_table(path)
    assert "1 tekstkolommen overgeslagen: opmerking" in parsed.warnings
    values = parsed.observations.set_index("area_code")
    assert values.loc["WK059901", "value"] == 7.5 and values.loc["WK059903", "value"] == 6.25
    assert values.loc["GM0599", "status"] == "suppressed"
    assert parsed.new_indicators[0]["label_nl"] == "Tevredenheid woonomgeving (€-index)"
    assert parsed.new_indicators[0]["kind"] == "index"
    assert parsed.areas.set_index("area_code").loc["WK059903", "name"] == "Delfshaven"


def test_legacy_xls_is_read(shared_data: Path) -> None:
    # The Wijkprofiel workbook is BIFF .xls (xlrd). Read generically, sheet 'SI 2014' has a
    # column code twice in its header (Excel row 2) and its areas have no CBS codes.
    path = shared_data / WP / ("Datastructuur wijkprofiel vulling 2016_definitief 03022016_"
                               "Basis voor gebieden.xls")
    with pytest.raises(DataError, match="twee keer") as info:
        read_table(path, sheet="SI 2014", header_row=1)
    assert (info.value.file, info.value.row, info.value.column) == (
        path.name, 2, "ContactenMetBuren_p")
    with pytest.raises(DataError, match="geen kolom met CBS-gebiedscodes") as info:
        read_table(path, sheet="VI 2014", header_row=1)
    assert info.value.file == path.name and info.value.row == 2


def test_explicit_columns_and_wide_excel(tmp_path: Path) -> None:
    path = tmp_path / "scores.xlsx"
    pd.DataFrame({"wijk": ["WK059901", "WK059903"], "peil": [2020, 2020],
                  "a_inw": [1000, 2000], "score": [1.5, 2.5]}).to_excel(path, index=False)
    parsed = read_table(path, code_column="WIJK", year_column="peil", layout="wide")
    assert sorted(parsed.observations["indicator"].unique()) == ["a_inw", "score"]
    assert parsed.years == [2020]


def test_helpers() -> None:
    assert slug("Tevredenheid woning (%)") == "tevredenheid_woning"
    assert slug("Één-oudergezinnen", "eigen_") == "eigen_een_oudergezinnen"
    assert year_from_name(Path("all_data_buurten_2016.csv")) == 2016
    assert year_from_name(Path("dimensiescore_wijk_stand__data1.csv")) is None


# --- bad input: located error, nothing written ---------------------------------------------

HEADER = "gebied;jaar;score\n"

BAD_CSV = {
    # name: (file name, content, expected row, column, value)
    "empty": ("leeg.csv", "", None, None, None),
    "header_only": ("kop.csv", HEADER, None, None, None),
    "truncated": ("kort.csv", HEADER + "WK059901;2016;1,5\nWK059903;2016;2\nWK059904;20",
                  4, "score", None),
    "too_many_fields": ("lang.csv", HEADER + "WK059901;2016;1,5\nWK059903;2016;2;7\n",
                        3, None, None),
    "wrong_delimiter": ("dubbelepunt.csv", "gebied:jaar:score\nWK059901:2016:1\n", 1, None,
                        "gebied:jaar:score"),
    "text_in_numeric": ("tekst.csv", HEADER + "WK059901;2016;1,5\nWK059903;2016;n.v.t.\n"
                        "WK059904;2016;3\n", 3, "score", "n.v.t."),
    "malformed_code": ("code.csv", HEADER + "WK059901;2016;1\nWK05990;2016;2\nWK059904;2016;3\n"
                       "WK059905;2016;3\n", 3, "gebied", "WK05990"),
    "no_code_column": ("namen.csv", "naam;jaar;score\nCentrum;2016;1\nNoord;2016;2\n", 1, None,
                       None),
    "duplicate_wide": ("dubbel.csv", HEADER + "WK059901;2016;1\nWK059903;2016;2\n"
                       "WK059901;2016;3\n", 4, "gebied", "WK059901"),
    "duplicate_long": ("dubbel_lang.csv", "gebied,jaar,indicator,waarde\nWK059901,2016,a,1\n"
                       "WK059901,2016,b,2\nWK059901,2016,a,3\n", 4, "indicator", "a"),
    "bad_year": ("jaar.csv", HEADER + "WK059901;2016;1\nWK059903;twintig;2\n", 3, "jaar",
                 "twintig"),
    "year_name_conflict": ("scores_2015.csv", HEADER + "WK059901;2016;1\nWK059903;2016;2\n",
                           2, "jaar", "2016"),
    "no_year": ("zonderjaar.csv", "gebied;score\nWK059901;1\n", None, None, None),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_is_located_and_changes_nothing(case: str, workspace: Workspace,
                                                tmp_path: Path) -> None:
    name, content, row, column, value = BAD_CSV[case]
    path = _write(tmp_path / name, content)
    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_table(path)
    err = info.value
    assert err.file == name, str(err)
    assert err.row == row, str(err)
    assert err.column == column, str(err)
    if value is not None:
        assert str(err.value) == value, str(err)
    assert table_counts(workspace) == before


def test_year_argument_conflicts(workspace: Workspace, tmp_path: Path) -> None:
    before = table_counts(workspace)
    with_col = _write(tmp_path / "a.csv", HEADER + "WK059901;2016;1\n")
    with pytest.raises(DataError) as info:
        workspace.import_table(with_col, year=2017)
    assert (info.value.row, info.value.column, info.value.value) == (2, "jaar", "2016")
    named = _write(tmp_path / "b_2018.csv", "gebied;score\nWK059901;1\n")
    with pytest.raises(DataError) as info:
        workspace.import_table(named, year=2017)
    assert info.value.file == "b_2018.csv" and "2018" in str(info.value)
    assert table_counts(workspace) == before


def test_bad_excel_cell_is_located(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "fout.xlsx"
    frame = pd.DataFrame({"gebied": ["WK059901", "WK059903", "WK059904"], "jaar": [2016] * 3,
                          "score": [1.5, "onbekend", 3.0]})
    frame.to_excel(path, index=False, startrow=1)
    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_table(path, header_row=1)
    # Header on Excel row 2, so the second data row is Excel row 4.
    assert (info.value.file, info.value.row, info.value.column, info.value.value) == (
        "fout.xlsx", 4, "score", "onbekend")
    with pytest.raises(DataError, match="werkblad 'nee' niet gevonden"):
        workspace.import_table(path, sheet="nee")
    assert table_counts(workspace) == before


def test_bad_definitions(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", HEADER + "WK059901;2016;1\n")
    before = table_counts(workspace)
    with pytest.raises(ConfigError, match="thema|theme"):
        workspace.import_table(path, indicators={"score": {"theme": "geluk"}})
    with pytest.raises(ConfigError, match="direction"):
        workspace.import_table(path, indicators={"score": {"direction": "up"}})
    broken = _write(tmp_path / "defs.yaml", "score: [1, 2\n")
    with pytest.raises(DataError) as info:
        workspace.import_table(path, definitions=broken)
    assert info.value.file == "defs.yaml"
    assert table_counts(workspace) == before


def test_cli_import_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          database_url: str) -> None:
    from wijkkompas.cli import app

    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    good = _write(tmp_path / "scores.csv", HEADER + "WK059901;2016;1,5\nWK059903;2016;2\n")
    bad = _write(tmp_path / "fout.csv", HEADER + "WK059901;2016;x1\nWK059903;2016;2\n")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "table", str(good), "--db", database_url])
    assert result.exit_code == 0, result.output
    assert "table / wide" in result.output
    result = runner.invoke(app, ["import", "table", str(bad), "--layout", "wide",
                                 "--db", database_url])
    assert result.exit_code == 1
    assert "fout.csv" in result.output and "rij 2" in result.output
