"""Resident input: the survey-table and Wijkprofiel readers, the rules, the all-or-nothing
import with its import run and audit entry, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import table_counts
from tests.governance.conftest import add_areas
from wijkkompas.cli import app
from wijkkompas.errors import DataError
from wijkkompas.residents.measures import residents_see_need, small_sample
from wijkkompas.residents.read import read_residents, read_survey_table
from wijkkompas.services.residents.usecases import import_residents, resident_results
from wijkkompas.workspace import Workspace

HEADER = "gebied;thema;catalogusthema;jaar;aandeel;rapportcijfer;respondenten;marge\n"
GOOD = HEADER + (
    "WK059910;Eenzaamheid;;2025;41,5;;142;\n"
    "WK059910;Groen en openbare ruimte;leefbaarheid;2025;38%;;142;\n"
    "WK059910;Hondenpoep;leefbaarheid;2025;12;;142;\n"
    "WK059910;veiligheid;;2025;;5,8;142;0,3\n"
    "\n"
    "BU05991001;Verkeer;;2024;20;;24;\n"
)


def _csv(tmp_path: Path, body: str, name: str = "peiling.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_survey_table_maps_free_themes_and_reads_dutch_numbers(tmp_path: Path) -> None:
    data = read_survey_table(_csv(tmp_path, GOOD))
    frame = data.frame.set_index(["label", "measure"])
    assert frame.loc[("Eenzaamheid", "aandeel"), "theme"] == "welzijn"  # built-in synonym
    assert frame.loc[("Hondenpoep", "aandeel"), "theme"] == "leefbaarheid"  # explicit column
    assert frame.loc[("Groen en openbare ruimte", "aandeel"), "value"] == 38.0
    assert frame.loc[("Eenzaamheid", "aandeel"), "value"] == 41.5
    assert frame.loc[("veiligheid", "rapportcijfer"), "margin"] == pytest.approx(0.3)
    assert frame.loc[("Verkeer", "aandeel"), "line"] == 7  # the blank line counts in the file
    assert data.years == [2024, 2025]


@pytest.mark.parametrize(("row", "column", "value"), [
    ("WK059910;Kattenkwaad;;2025;10;;50;", "thema", "Kattenkwaad"),
    ("WK059910;Groen;tuinen;2025;10;;50;", "catalogusthema", "tuinen"),
    ("WK059910;Groen;;twintig;10;;50;", "jaar", "twintig"),
    ("WK059910;Groen;;2025;110;;50;", "aandeel", "110"),
    ("WK059910;Groen;;2025;;11;50;", "rapportcijfer", "11"),
    ("WK059910;Groen;;2025;10;;-3;", "respondenten", "-3"),
    ("WK059910;Groen;;2025;10;;50;-1", "marge", "-1"),
    ("WK 0599;Groen;;2025;10;;50;", "gebied", "WK 0599"),
])
def test_bad_rows_name_file_row_column_and_value(tmp_path: Path, row: str, column: str,
                                                 value: str) -> None:
    path = _csv(tmp_path, HEADER + "WK059910;Werk;;2025;10;;50;\n" + row + "\n")
    with pytest.raises(DataError) as err:
        read_survey_table(path)
    assert (err.value.file, err.value.row, err.value.column) == ("peiling.csv", 3, column)
    assert str(err.value.value) == value


def test_duplicate_and_missing_outcomes_are_refused(tmp_path: Path) -> None:
    dup = HEADER + "WK059910;Werk;;2025;10;;50;\nWK059910;werk;;2025;12;;50;\nWK059910;Werk;;2025;11;;50;\n"
    with pytest.raises(DataError, match="dubbele uitkomst.*rijen 2, 4"):
        read_survey_table(_csv(tmp_path, dup))
    with pytest.raises(DataError, match="geen uitkomst") as err:
        read_survey_table(_csv(tmp_path, HEADER + "WK059910;Werk;;2025;;;50;\n"))
    assert err.value.row == 2
    with pytest.raises(DataError, match="geen kolom met een uitkomst"):
        read_survey_table(_csv(tmp_path, "gebied;thema;jaar\nWK059910;Werk;2025\n"))


def test_residents_need_and_small_samples() -> None:
    frame = pd.DataFrame({
        "area_code": ["A"] * 5 + ["B", "B", "C"], "year": 2025, "source": "s",
        "measure": ["aandeel"] * 5 + ["rapportcijfer", "rapportcijfer", "index"],
        # A: 40, 30, 30 share the top three with a tie for second; 20 is fourth
        "value": [40.0, 30.0, 30.0, 25.0, 20.0, 5.9, 6.0, 90.0],
    })
    assert residents_see_need(frame).tolist() == [True, True, True, True, False, True, False,
                                                  True]
    small = small_sample(pd.Series([29, 30, None, 500, 500]), pd.Series([None, None, 12.0, 9.9, 1.0]),
                         pd.Series(["aandeel", "aandeel", "aandeel", "aandeel", "rapportcijfer"]))
    assert small.tolist() == [True, False, True, False, True]


def test_wijkprofiel_subjective_indices_are_resident_input(shared_data: Path) -> None:
    from wijkkompas.data.wijkprofiel import read_wijkprofiel

    path = (shared_data / "rotterdam_wijkprofiel_shinyhousemap"
            / "Datastructuur wijkprofiel vulling 2016_definitief 03022016_Basis voor gebieden.xls")
    data = read_residents(path)
    assert data.form == "wijkprofiel" and data.years == [2014, 2016]
    assert set(data.frame["theme"]) == {"welzijn", "leefbaarheid", "veiligheid"}
    assert set(data.frame["measure"]) == {"index"} and data.frame["respondents"].isna().all()
    obs = read_wijkprofiel(path).observations
    subj = obs[(obs["indicator"] == "wp_vi_subj") & (obs["status"] == "ok")]
    mine = data.frame[data.frame["label"].str.contains("veiligheid")]
    merged = mine.merge(subj, on=["area_code", "year"])
    assert len(merged) == len(subj) > 100
    assert (merged["value_x"] == merged["value_y"]).all()


def test_import_is_all_or_nothing_with_run_and_audit(workspace: Workspace,
                                                     tmp_path: Path) -> None:
    add_areas(workspace)
    before = table_counts(workspace)
    with pytest.raises(DataError, match="bestaat niet") as err:  # BU05991001 is unknown
        import_residents(workspace, _csv(tmp_path, GOOD))
    assert (err.value.row, err.value.value) == (7, "BU05991001")
    assert table_counts(workspace) == before
    body = GOOD.replace("BU05991001", "WK059915")
    report = import_residents(workspace, _csv(tmp_path, body))
    assert (report.inserted, report.changed, report.regions, report.values) == (5, 0, 2, 5)
    assert import_residents(workspace, _csv(tmp_path, body)).skipped
    stored = workspace.resident_results(["WK059910"])
    assert stored.equals(resident_results(workspace, ["WK059910"]))
    assert len(stored) == 4 and set(stored["import_run_id"]) == {report.run_id}
    with workspace.engine.connect() as conn:
        kind = conn.execute(text("SELECT kind FROM import_runs WHERE id = :i"),
                            {"i": report.run_id}).scalar_one()
        audit = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'import' "
                                  "AND entity_id = :i"), {"i": str(report.run_id)}).scalar_one()
    assert kind == "bewoners" and audit == 1
    # A corrected file replaces the one result that differs.
    again = import_residents(workspace, _csv(tmp_path, body.replace("41,5", "43"), "v2.csv"))
    assert (again.inserted, again.changed, again.unchanged) == (0, 1, 4)


def test_cli_import_and_show(workspace: Workspace, database_url: str, tmp_path: Path) -> None:
    add_areas(workspace)
    path = _csv(tmp_path, GOOD.replace("BU05991001", "WK059915"))
    runner = CliRunner()
    done = runner.invoke(app, ["bewoners", "import", str(path), "--bron", "Buurtpeiling 2025",
                               "--db", database_url])
    assert done.exit_code == 0, done.output
    assert "5 nieuw" in done.output and "bewoners / tabel" in done.output
    shown = runner.invoke(app, ["bewoners", "toon", "--gebied", "WK059910", "--db", database_url],
                          env={"COLUMNS": "300"})
    assert shown.exit_code == 0 and "Buurtpeiling 2025" in shown.output
    assert "Hondenpoep" in shown.output and "WK059915" not in shown.output
    bad = runner.invoke(app, ["bewoners", "import", str(_csv(tmp_path, HEADER
                              + "WK059910;Kattenkwaad;;2025;10;;50;\n", "fout.csv")),
                              "--db", database_url])
    assert bad.exit_code != 0 and "Kattenkwaad" in bad.output and "rij 2" in bad.output


def test_only_who_may_import_imports_resident_input(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    from wijkkompas.errors import Forbidden
    from wijkkompas.services.accounts import users as acc

    add_areas(workspace)
    path = _csv(tmp_path, GOOD.replace("BU05991001", "WK059915"))
    viewer = workspace.as_user(acc.add_user(workspace, "victor", "lang-genoeg-wachtwoord",
                                            role="viewer"))
    scoped = workspace.as_user(acc.add_user(workspace, "femke", "lang-genoeg-wachtwoord",
                                            role="editor", scopes=["area:WK059910"]))
    before = table_counts(workspace)
    for ws in (viewer, scoped):
        with pytest.raises(Forbidden, match="mag niet"):
            ws.import_residents(path)
    assert table_counts(workspace) == before
    editor = workspace.as_user(acc.add_user(workspace, "eddy", "lang-genoeg-wachtwoord",
                                            role="editor"))
    report = editor.import_residents(path)
    assert set(workspace.import_runs().loc[[report.run_id], "user"]) == {"eddy"}
