"""The store: the schema Alembic builds is the schema the models declare, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Integer, String, inspect, text

from wijkkompas.database import metadata
from wijkkompas.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    current_revision,
    make_engine,
    upgrade_schema,
)
from wijkkompas.store.models import Indicator
from wijkkompas.store.postgis import include_object
from wijkkompas.workspace import Workspace


def _diff(engine) -> list:  # noqa: ANN001
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "compare_server_default": False,
                                                     "include_object": include_object})
        return compare_metadata(ctx, metadata())


def test_migrations_match_models(workspace: Workspace) -> None:
    # The workspace fixture built the schema with `alembic upgrade head` (store.upgrade_schema)
    # on SQLite or, with WIJKKOMPAS_TEST_DATABASE_URL, on PostgreSQL.
    assert current_revision(workspace.engine) is not None
    assert _diff(workspace.engine) == []


def test_compare_detects_a_drifted_model(workspace: Workspace) -> None:
    """The comparison above is not vacuous: a column the migrations lack is reported."""
    from sqlalchemy import Column, MetaData, Table

    drifted = MetaData()
    for table in metadata().tables.values():
        table.to_metadata(drifted)
    Table("indicators", drifted, Column("extra", Integer), extend_existing=True)
    with workspace.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), drifted)
    assert any(d[0] == "add_column" and d[3].name == "extra" for d in diff)


def test_upgrade_is_idempotent(workspace: Workspace) -> None:
    before = current_revision(workspace.engine)
    upgrade_schema(workspace.engine)
    assert current_revision(workspace.engine) == before
    assert _diff(workspace.engine) == []


def test_all_tables_present(workspace: Workspace) -> None:
    names = set(inspect(workspace.engine).get_table_names())
    assert set(metadata().tables) <= names
    assert "alembic_version" in names


def test_direction_column_holds_every_direction(workspace: Workspace) -> None:
    length = Indicator.__table__.columns["direction"].type.length
    assert isinstance(Indicator.__table__.columns["direction"].type, String)
    assert length >= len("higher_better")
    # And the catalogue sync wrote them (PostgreSQL would refuse a too-long value).
    frame = workspace.indicators()
    assert {"higher_better", "higher_worse", "neutral"} <= set(frame["direction"])


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'w.sqlite'}")
    try:
        upgrade_schema(engine)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one().lower() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == SQLITE_BUSY_TIMEOUT_MS
        assert (tmp_path / "sub" / "w.sqlite").exists()
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_sqlite_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    try:
        upgrade_schema(engine)
        import sqlalchemy.exc

        with engine.begin() as conn:
            conn.execute(text("INSERT INTO areas (code, name, level) VALUES ('GM0106', 'Assen', "
                              "'municipality')"))
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO area_years (area_id, year) VALUES (999, 2024)"))
        except sqlalchemy.exc.IntegrityError:
            pass
        else:  # pragma: no cover - the assertion below fails instead
            raise AssertionError("foreign key not enforced")
    finally:
        engine.dispose()


def test_sqlite_transaction_really_rolls_back(tmp_path: Path) -> None:
    """Raw-cursor bulk inserts (used by the loader) are part of the SQLAlchemy transaction."""
    engine = make_engine(f"sqlite:///{tmp_path / 'tx.sqlite'}")
    try:
        upgrade_schema(engine)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO areas (code, name, level) VALUES ('GM0106', "
                                  "'Assen', 'municipality')"))
                cur = conn.connection.driver_connection.cursor()
                cur.execute("INSERT INTO areas (code, name, level) VALUES ('GM0599', "
                            "'Rotterdam', 'municipality')")
                cur.close()
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM areas")).scalar_one() == 0
    finally:
        engine.dispose()
