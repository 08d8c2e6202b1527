"""Engine and session factories. Nothing here runs at import time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, schema: str | None = None, echo: bool = False) -> Engine:
    """Create an engine for ``url``.

    SQLite gets WAL, foreign keys and a busy timeout on every connection; the parent folder
    of the database file is created. ``schema`` (PostgreSQL only) sets the search path, which
    the test-suite uses to give every test its own schema.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        # Let SQLAlchemy, not pysqlite, decide when a transaction begins, so a whole import
        # really is one transaction (pysqlite would otherwise autocommit DDL-ish statements).
        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # noqa: ANN001
            conn.exec_driver_sql("BEGIN")

        @event.listens_for(engine, "connect", insert=True)
        def _sqlite_no_autobegin(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None

        return engine
    from wijkkompas.store import postgis  # noqa: F401 - reflection knows PostGIS' geometry

    connect_args = {}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(url, echo=echo, connect_args=connect_args, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` with Alembic (batch mode, both databases)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema's Alembic revision, None without a wijkkompas schema. Read from the version
    table directly: loading Alembic costs a CLI command about 0.3 s."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        heads = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(heads) > 1:  # Alembic says what is wrong
            from alembic.runtime.migration import MigrationContext

            return MigrationContext.configure(conn).get_current_revision()
    return heads[0] if heads else None
