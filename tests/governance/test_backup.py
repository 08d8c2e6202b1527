"""backup → restore leaves identical data: SQLite → SQLite, and with
WIJKKOMPAS_TEST_DATABASE_URL also SQLite → PostgreSQL and PostgreSQL → SQLite."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import FIXTURES, PG_URL
from tests.governance.conftest import add_areas
from wijkkompas.backup import backup, restore, table_rows
from wijkkompas.cli import app
from wijkkompas.database import metadata
from wijkkompas.errors import DataError
from wijkkompas.partners import service as ps
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.store.engine import current_revision
from wijkkompas.workspace import Workspace

GEOMETRY = bytes(range(256)) * 3


def _fill(ws: Workspace) -> None:
    from tests.agenda.test_store import _planned
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.services.agenda.usecases import save_agenda

    ws.import_cbs(FIXTURES / "kwb" / "kwb2024_statline_excerpt.csv")
    add_areas(ws)
    with ws.engine.begin() as conn:
        area = conn.execute(text("SELECT id FROM areas WHERE code = 'WK059910'")).scalar_one()
        conn.execute(text("INSERT INTO boundaries (area_id, year, crs, geometry, "
                          "geometry_simplified) VALUES (:a, 2024, 'EPSG:28992', :g, :s)"),
                     {"a": area, "g": GEOMETRY, "s": GEOMETRY[:10]})
    target = svc.make_target(code="zuid-2031", name="Zuid naar 100 — één", areas=["WK059910"],
                             measure="indicator", subject="lbm_totaal", kind="absolute",
                             value=0.0, baseline_year=2012, target_year=2031)
    svc.add_target(ws, target)
    svc.edit_target(ws, "zuid-2031", {"value": 0.25})
    save_agenda(ws, _planned())
    add_user(ws, "femke", "lang-genoeg-wachtwoord", role="editor", scopes=["area:WK059910"])
    ps.add_partner(ws, "WIJ-team", "zorg en welzijn")
    ps.involve(ws, "WIJ-team", "WK059910", "zorg", "trekker")
    ps.add_commitment(ws, "WIJ-team", "inzet", starts=date(2026, 1, 1),
                      ends=date(2026, 12, 31), cents=12_345_678_901)
    ps.set_team(ws, "WK059910", budget_cents=10_000_00)
    ps.log_decision(ws, "WK059910", "initiatief", cents=1_00)


def dump(ws: Workspace) -> dict[str, list[dict]]:
    with ws.engine.connect() as conn:
        return {t.name: list(table_rows(conn, t)) for t in metadata().sorted_tables}


def _round_trip(source_url: str, target_url: str, tmp_path: Path, settings) -> None:  # noqa: ANN001
    src = Workspace.open(source_url, settings=settings)
    dst = Workspace.open(target_url, settings=settings)
    try:
        _fill(src)
        before = dump(src)
        report = backup(src.engine, tmp_path / "backup.zip")
        assert report.tables["boundaries"] == 1 and report.rows > 300
        restore(dst.engine, tmp_path / "backup.zip")
        after = dump(dst)
        assert after == before
        with dst.engine.connect() as conn:
            geom = conn.execute(text("SELECT geometry FROM boundaries")).scalar_one()
        assert bytes(geom) == GEOMETRY
        # sequences continue after the restored ids (PostgreSQL)
        ps.add_partner(dst, "Lefier", "woningcorporatie")
        svc.edit_target(dst, "zuid-2031", {"value": 0.5}, expected_version=2)
    finally:
        src.close()
        dst.close()


def test_round_trip_into_the_test_database(tmp_path: Path, database_url: str, settings) -> None:  # noqa: ANN001
    _round_trip(f"sqlite:///{tmp_path / 'source.sqlite'}", database_url, tmp_path, settings)


@pytest.mark.skipif(not PG_URL, reason="needs WIJKKOMPAS_TEST_DATABASE_URL")
def test_round_trip_from_postgresql(tmp_path: Path, database_url: str, settings) -> None:  # noqa: ANN001
    _round_trip(database_url, f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path, settings)


def test_restore_replaces_and_is_atomic(workspace: Workspace, tmp_path: Path) -> None:
    add_areas(workspace)
    backup(workspace.engine, tmp_path / "b.zip")
    ps.add_partner(workspace, "later", "overig")
    restore(workspace.engine, tmp_path / "b.zip")
    assert ps.seats(workspace).empty
    with workspace.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM partners")).scalar_one() == 0
    # a broken backup changes nothing
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(tmp_path / "b.zip") as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "tables/areas.jsonl":
                data += b"{not json\n"
            zout.writestr(item, data)
    with pytest.raises(DataError, match="ongeldige JSON"):
        restore(workspace.engine, bad)
    with workspace.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM areas")).scalar_one() == 3
    (tmp_path / "not.zip").write_text("x")
    with pytest.raises(DataError, match="geen wijkkompas-back-up"):
        restore(workspace.engine, tmp_path / "not.zip")


def test_cli(workspace: Workspace, database_url: str, tmp_path: Path) -> None:
    add_areas(workspace)
    runner = CliRunner()
    res = runner.invoke(app, ["backup", str(tmp_path / "b.zip"), "--db", database_url])
    head = current_revision(workspace.engine)
    assert res.exit_code == 0 and f"schemaversie {head}" in res.stdout, res.output
    target = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    res = runner.invoke(app, ["restore", str(tmp_path / "b.zip"), "--yes", "--db", target])
    assert res.exit_code == 0, res.output
    copy = Workspace.open(target, create=False)
    try:
        assert len(copy.areas()) == 3
    finally:
        copy.close()
