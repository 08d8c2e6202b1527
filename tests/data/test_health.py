"""CBS/RIVM 50090NED "Gezondheid per wijk en buurt": the real StatLine form imports with
``import cbs``, one indicator per subject and age group.

The fixtures are rows copied from the real files (tests/fixtures/rivm/PROVENANCE.md); the
expected values were read from those files by hand, not computed by the code under test.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import FIXTURES, table_counts
from wijkkompas.data.catalogue import load_catalogue
from wijkkompas.data.health import is_health_file
from wijkkompas.data.kwb import read_kwb
from wijkkompas.errors import DataError
from wijkkompas.workspace import Workspace

RIVM = FIXTURES / "rivm"
FILES = sorted(RIVM.glob("*.xlsx"))
AGES = {"18p": "18+", "18_64": "18–64", "65p": "65+"}


def obs(ws: Workspace, area: str, indicator: str, year: int) -> tuple[float | None, str]:
    frame = ws.observations(areas=[area], indicators=[indicator], years=[year])
    assert len(frame) == 1, f"no observation {area}/{indicator}/{year}"
    row = frame.iloc[0]
    return (None if math.isnan(row["value"]) else float(row["value"])), row["status"]


def test_catalogue_has_every_subject_for_every_age_group() -> None:
    cat = load_catalogue()
    codes = [c for c in cat.indicators if c.startswith("gz_")]
    assert len(codes) == 35 * 3
    for suffix, label in AGES.items():
        ind = cat[f"gz_eenzaam_{suffix}"]
        assert ind.label_nl == f"Eenzaam ({label})"
        assert (ind.unit, ind.kind, ind.decimals) == ("%", "percentage", 1)
        assert ind.direction == "higher_worse" and ind.theme == "welzijn"
        assert ind.source.startswith("CBS, RIVM, GGD'en (Gezondheidsmonitor)")
        assert "CC BY 4.0" in ind.source
    assert cat["gz_ervaren_gezond_65p"].direction == "higher_better"
    assert cat["gz_regie_eigen_leven_18p"].direction == "higher_better"
    assert cat["gz_moeite_rondkomen_18_64"].direction == "higher_worse"
    assert cat.resolve("Eenzaam|80200", "odata") == "gz_eenzaam_65p"
    # The plain key is not an indicator on its own: it needs the age group.
    assert cat.resolve("Eenzaam_28", "odata") is None


def test_every_file_imports_with_cbs(workspace: Workspace) -> None:
    assert len(FILES) == 8
    reports = [workspace.import_cbs(path) for path in FILES]
    assert sorted({y for r in reports for y in r.years}) == [2012, 2016, 2020]
    assert all(r.regions == 6 and r.form == "odata" for r in reports)
    # 2012: 15 of 35 subjects not measured for 18+ (12 for 18-64): left out, not "missing".
    by_file = {r.file: r for r in reports}
    assert by_file["2012_18+.xlsx"].indicators == 20
    assert by_file["2012_18_65.xlsx"].indicators == 23
    assert by_file["RIVM_gezondheid2020_65+.xlsx"].indicators == 32
    assert all(r.missing == 0 for r in reports)
    assert any("niet gemeten" in w for w in by_file["2012_18+.xlsx"].warnings)

    # BU00140000 (Groningen), column Eenzaam_28, as printed in each file.
    expected = {
        (2012, "18p"): 33.6, (2012, "18_64"): 32.8, (2012, "65p"): 46.0,
        (2016, "18p"): 39.5, (2016, "18_64"): 38.8, (2016, "65p"): 50.4,
        (2020, "18p"): 47.7, (2020, "65p"): 50.9,
    }
    for (year, age), value in expected.items():
        assert obs(workspace, "BU00140000", f"gz_eenzaam_{age}", year) == (value, "ok")
    # Gemeente Groningen, MoeiteMetRondkomen_38, 65+ in 2016: "    11.4".
    assert obs(workspace, "GM0014", "gz_moeite_rondkomen_65p", 2016) == (11.4, "ok")
    # Nederland is NL01 in this table, stored as NL00 like the Kerncijfers.
    assert obs(workspace, "NL00", "gz_eenzaam_65p", 2016) == (48.3, "ok")
    assert "NL01" not in workspace.areas().index
    # MatigVeelRegieOverEigenLeven_27 was first measured in 2016.
    assert obs(workspace, "BU00140008", "gz_regie_eigen_leven_65p", 2016) == (91.8, "ok")
    assert workspace.observations(indicators=["gz_regie_eigen_leven_65p"], years=[2012]).empty


def test_suppressed_is_never_a_number(workspace: Workspace) -> None:
    for path in FILES:
        workspace.import_cbs(path)
    # BU00140004: "." in every column in 2016 and for 65+ in 2012 and 2020.
    assert obs(workspace, "BU00140004", "gz_eenzaam_65p", 2016) == (None, "suppressed")
    assert obs(workspace, "BU00140004", "gz_eenzaam_65p", 2012) == (None, "suppressed")
    assert obs(workspace, "BU00140004", "gz_eenzaam_18p", 2012) == (29.4, "ok")
    assert obs(workspace, "BU00140004", "gz_eenzaam_18p", 2020) == (42.8, "ok")
    frame = workspace.observations(indicators=[c for c in load_catalogue().indicators
                                               if c.startswith("gz_")])
    assert frame.loc[frame["status"] != "ok", "value"].isna().all()
    assert frame.loc[frame["status"] == "ok", "value"].between(0, 100).all()
    assert (frame["status"] == "suppressed").sum() > 0


def test_same_file_twice_is_skipped(workspace: Workspace) -> None:
    first = workspace.import_cbs(FILES[0])
    again = workspace.import_cbs(FILES[0])
    assert not first.skipped and again.skipped


def _combined(tmp_path: Path, *, margins: str | None = None) -> Path:
    """All eight fixtures in one sheet, as a StatLine download with every age group and
    period at once; with ``margins``, each row once more with that margin code."""
    out = openpyxl.Workbook()
    sheet = out.active
    header = None
    for path in FILES:
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(
            values_only=True))
        if header is None:
            header = rows[0]
            sheet.append(list(header))
        for row in rows[1:]:
            sheet.append(list(row))
            if margins:
                bound = list(row)
                bound[header.index("Marges")] = margins
                sheet.append(bound)
    dst = tmp_path / "gezondheid_per_wijk_en_buurt.xlsx"
    out.save(dst)
    return dst


def test_one_file_with_every_age_group_and_year(workspace: Workspace, tmp_path: Path) -> None:
    report = workspace.import_cbs(_combined(tmp_path))
    assert report.years == [2012, 2016, 2020]
    assert obs(workspace, "BU00140000", "gz_eenzaam_65p", 2016) == (50.4, "ok")
    assert obs(workspace, "BU00140000", "gz_eenzaam_18_64", 2012) == (32.8, "ok")


def test_margin_rows_are_skipped(tmp_path: Path) -> None:
    parsed = read_kwb(_combined(tmp_path, margins="MOG0095"))
    assert any("betrouwbaarheidsgrenzen" in w and "MOG0095" in w for w in parsed.warnings)
    o = parsed.observations
    hit = o[(o["area_code"] == "BU00140000") & (o["indicator"] == "gz_eenzaam_65p")
            & (o["year"] == 2016)]
    assert hit["value"].tolist() == [50.4]


def _edited(tmp_path: Path, column: str, value: str, *, row: int = 4,
            name: str = "2016_65+.xlsx") -> Path:
    dst = tmp_path / name
    shutil.copyfile(RIVM / name, dst)
    wb = openpyxl.load_workbook(dst)
    ws = wb.active
    col = [c.value for c in ws[1]].index(column) + 1
    ws.cell(row=row, column=col, value=value)
    wb.save(dst)
    return dst


@pytest.mark.parametrize(("column", "value", "message"), [
    ("Eenzaam_28", "   veel", "geen getal"),
    ("Leeftijd", "12345", "onbekende leeftijdsgroep"),
    ("Perioden", "2016MM01", "geen geldig jaar"),
    ("Perioden", "2020JJ00", "welk jaar klopt"),
    ("WijkenEnBuurten", "BU0014", "gebiedscode"),
    ("Marges", "", "ontbrekende code in kolom Marges"),
])
def test_bad_cells_are_located_and_change_nothing(workspace: Workspace, tmp_path: Path,
                                                  column: str, value: str,
                                                  message: str) -> None:
    path = _edited(tmp_path, column, value)
    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_cbs(path)
    err = info.value
    assert message in str(err), str(err)
    assert (err.file, err.row, err.column) == (path.name, 4, column)
    assert table_counts(workspace) == before


def test_duplicate_area_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    path = _edited(tmp_path, "WijkenEnBuurten", "BU00140000  ", row=6)
    with pytest.raises(DataError, match="meer dan eens"):
        workspace.import_cbs(path)


def test_import_table_points_to_import_cbs(workspace: Workspace) -> None:
    assert is_health_file(FILES[0])
    before = table_counts(workspace)
    with pytest.raises(DataError, match="wijkkompas import cbs") as info:
        workspace.import_table(FILES[0])
    assert info.value.file == FILES[0].name
    assert table_counts(workspace) == before


def test_csv_and_json_downloads_read_the_same(tmp_path: Path) -> None:
    """StatLine also serves the UntypedDataSet as CSV and as OData JSON: same observations."""
    import json

    import pandas as pd

    frame = pd.read_excel(RIVM / "2016_65+.xlsx", dtype=str, keep_default_na=False)
    csv_path = tmp_path / "50090NED_UntypedDataSet_2016_65plus.csv"
    frame.to_csv(csv_path, sep=";", index=False, quoting=1)
    json_path = tmp_path / "50090NED_UntypedDataSet_2016_65plus.json"
    json_path.write_text(json.dumps({"value": frame.to_dict("records")}), "utf-8")
    key = ["area_code", "indicator", "year"]
    # Where a value sits in its file (line, file column) differs per form; the values do not.
    where = ["line", "file_column", "column"]

    def values(path: Path) -> pd.DataFrame:
        obs = read_kwb(path).observations
        return obs.drop(columns=[c for c in where if c in obs]).sort_values(key).reset_index(
            drop=True)

    expected = values(RIVM / "2016_65+.xlsx")
    for path in (csv_path, json_path):
        pd.testing.assert_frame_equal(values(path), expected, check_dtype=False)
