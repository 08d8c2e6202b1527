"""Importing regular means: long and wide, units, located errors, all or nothing, import runs,
audit trail and provenance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from wijkkompas.errors import DataError, Forbidden
from wijkkompas.services.means.usecases import amounts, import_means
from wijkkompas.workspace import Workspace


def _write(tmp_path: Path, text: str, name: str = "middelen.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LONG = """gebied,domein,jaar,bedrag
WK010600,jeugd,2022,120000.50
WK010600,Wmo,2022,80000
WK010601,Jeugdhulp,2021,40000
WK010601,jeugd,2022,41000
"""


def test_long_table_with_runs_audit_and_provenance(cbs_ws: Workspace, tmp_path: Path) -> None:
    from wijkkompas.audit import AuditEntry
    from wijkkompas.store.models import ImportRun

    report = import_means(cbs_ws, _write(tmp_path, LONG))
    assert (report.kind, report.form, report.inserted, report.years) == (
        "middelen", "long", 4, [2021, 2022])
    stored = amounts(cbs_ws)
    row = stored[(stored["area_code"] == "WK010600") & (stored["domain"] == "jeugd")].iloc[0]
    assert row["amount"] == 120000.50 and row["unit"] == "euro" and row["year"] == 2022
    assert set(stored["domain"]) == {"jeugd", "wmo"}  # "Jeugdhulp" and "Wmo" mapped
    assert row["file_name"] == "middelen.csv" and row["import_run_id"] == report.run_id
    with cbs_ws.engine.connect() as conn:
        run = conn.execute(select(ImportRun.kind, ImportRun.finished_at).where(
            ImportRun.id == report.run_id)).one()
        audit = conn.execute(select(AuditEntry.action, AuditEntry.entity_id).where(
            AuditEntry.entity_type == "import_run")).all()
    assert run.kind == "middelen" and run.finished_at is not None
    assert ("import", str(report.run_id)) in [tuple(a) for a in audit]
    # The same file again is skipped; a corrected file replaces one amount and keeps the rest.
    assert import_means(cbs_ws, _write(tmp_path, LONG)).skipped
    fixed = import_means(cbs_ws, _write(tmp_path, LONG.replace("41000", "42000"), "v2.csv"))
    assert (fixed.inserted, fixed.changed, fixed.unchanged) == (0, 1, 3)
    again = amounts(cbs_ws)
    changed = again[(again["area_code"] == "WK010601") & (again["year"] == 2022)].iloc[0]
    assert changed["amount"] == 42000 and changed["file_name"] == "v2.csv"


def test_wide_table_and_capacity_units(cbs_ws: Workspace, tmp_path: Path) -> None:
    wide = _write(tmp_path, "gebied;jaar;Wmo;Jeugd;Beheer openbare ruimte\n"
                            "WK010600;2022;10;20;\nWK010601;2022;1.5;;3\n", "breed.csv")
    report = import_means(cbs_ws, wide, unit="fte")
    assert (report.form, report.inserted) == ("wide", 4)  # empty cells are no amount
    stored = amounts(cbs_ws, unit="fte")
    assert sorted(stored["domain"].unique()) == ["jeugd", "openbare_ruimte", "wmo"]
    hours = _write(tmp_path, "gebied,domein,jaar,uren\nWK010600,welzijn,2022,1200\n", "u.csv")
    import_means(cbs_ws, hours)
    mixed = _write(tmp_path, "gebied,domein,jaar,bedrag,eenheid\n"
                             "WK010600,welzijn,2022,5000,euro\nWK010600,welzijn,2022,2,FTE\n",
                   "mixed.csv")
    assert import_means(cbs_ws, mixed).inserted == 2  # same key, other unit: no duplicate
    units = amounts(cbs_ws).groupby("unit").size().to_dict()
    assert units == {"euro": 1, "fte": 5, "uren": 1}


def test_excel(cbs_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "middelen.xlsx"
    pd.DataFrame({"gebied": ["WK010600", "WK010601"], "domein": ["jeugd", "jeugd"],
                  "jaar": [2022, 2022], "bedrag": [1000.25, 2000]}).to_excel(path, index=False)
    assert import_means(cbs_ws, path).inserted == 2
    assert amounts(cbs_ws)["amount"].tolist() == [1000.25, 2000]


@pytest.mark.parametrize(("text", "row", "column", "value", "message"), [
    ("WK999999,jeugd,2022,100", 3, "gebied", "WK999999", "onbekend gebied"),
    ("WK010601,jeugd,2022,-5", 3, "bedrag", "-5", "negatief bedrag"),
    ("WK010601,jeugd,2022,veel", 3, "bedrag", "veel", "geen getal"),
    ("WK010601,jeugd,2022,1.000,50", 3, None, None, "niet te lezen"),
    ("WK010600,jeugd,2022,7", 3, None, "WK010600", "dubbele sleutel"),
    ("WK010601,toerisme,2022,7", 3, "domein", "toerisme", "onbekend domein"),
    ("WK010601,jeugd,twintig,7", 3, "jaar", "twintig", "jaartal"),
    ("WK010601,jeugd,2022,", 3, "bedrag", "", "bedrag ontbreekt"),
])
def test_errors_are_located_and_change_nothing(cbs_ws: Workspace, tmp_path: Path, text: str,
                                               row: int | None, column: str | None,
                                               value: str | None, message: str) -> None:
    before = table_counts(cbs_ws)
    path = _write(tmp_path, f"gebied,domein,jaar,bedrag\nWK010600,jeugd,2022,5\n{text}\n"
                            "WK010602,jeugd,2022,9\n")
    with pytest.raises(DataError, match=message) as caught:
        import_means(cbs_ws, path)
    err = caught.value
    assert err.file == "middelen.csv"
    assert err.row == row
    if value is not None:
        assert (err.column, str(err.value)) == (column, value)
    assert table_counts(cbs_ws) == before


def test_missing_column_and_wide_typo(cbs_ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="'bedrag'"):
        import_means(cbs_ws, _write(tmp_path, "gebied,domein,jaar,waarde\nWK010600,jeugd,2022,1\n"))
    with pytest.raises(DataError, match="geen domein") as caught:
        import_means(cbs_ws, _write(tmp_path, "gebied,jaar,jeugd,wmoo\nWK010600,2022,1,2\n"))
    assert (caught.value.row, caught.value.column) == (1, "wmoo")


def test_a_viewer_may_not_import(cbs_ws: Workspace, tmp_path: Path) -> None:
    from wijkkompas.services.accounts.users import add_user

    viewer = cbs_ws.as_user(add_user(cbs_ws, "kijker", "een-lang-wachtwoord", role="viewer"))
    before = table_counts(cbs_ws)
    with pytest.raises(Forbidden):
        import_means(viewer, _write(tmp_path, LONG))
    assert table_counts(cbs_ws) == before


def test_cli_import_reports_and_refuses(cbs_ws: Workspace, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wijkkompas.cli import app

    url = cbs_ws.engine.url.render_as_string(hide_password=False)
    ok = CliRunner().invoke(app, ["middelen", "import", str(_write(tmp_path, LONG)), "--db", url])
    assert ok.exit_code == 0, ok.output
    assert "2 gebieden, 2 domeinen, jaren 2021, 2022, 4 bedragen; 4 nieuw" in ok.output
    again = CliRunner().invoke(app, ["middelen", "import", str(tmp_path / "middelen.csv"),
                                     "--db", url])
    assert again.exit_code == 0 and "al eerder geïmporteerd" in again.output
    bad = _write(tmp_path, "gebied,domein,jaar,bedrag\nWK010600,jeugd,2022,-1\n", "bad.csv")
    refused = CliRunner().invoke(app, ["middelen", "import", str(bad), "--db", url])
    assert refused.exit_code == 1
    assert "bad.csv, rij 2" in refused.output and "negatief bedrag" in refused.output
