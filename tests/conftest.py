"""Shared fixtures. Every test gets its own empty database:

* SQLite (default): a fresh file in the test's tmp dir;
* PostgreSQL, when ``WIJKKOMPAS_TEST_DATABASE_URL`` is set: a fresh schema per test in that
  database (dropped afterwards). If that database cannot be reached the whole run fails —
  it never silently falls back to SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"
FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("WIJKKOMPAS_TEST_DATABASE_URL")


def pytest_configure(config: pytest.Config) -> None:
    if PG_URL:
        try:
            eng = create_engine(_psycopg(PG_URL))
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
        except Exception as exc:  # noqa: BLE001
            pytest.exit(f"PostgreSQL niet bereikbaar op {PG_URL}: {exc}", returncode=3)


def pytest_report_header(config: pytest.Config) -> str:
    return f"wijkkompas database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def fresh_database_url(folder: Path, prefix: str = "t") -> Iterator[str]:
    """An empty database: a SQLite file in ``folder``, or (with WIJKKOMPAS_TEST_DATABASE_URL)
    a new PostgreSQL schema that is dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{folder / 'test.sqlite'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{_psycopg(PG_URL)}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def workspace_with(folder: Path, *files: Path) -> Iterator[Workspace]:
    """A fresh workspace in ``folder`` with ``files`` imported as CBS data (generator for a
    module-scoped fixture: every case that shares it must leave it as it found it)."""
    settings = load_settings({}, data_dir=str(folder / "data"), user="tester")
    with fresh_database_url(folder) as url:
        ws = Workspace.open(url, settings=settings)
        try:
            for path in files:
                ws.import_cbs(path)
            yield ws
        finally:
            ws.close()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url(tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path):  # noqa: ANN201
    return load_settings({}, data_dir=str(tmp_path / "data"), user="tester")


@pytest.fixture
def workspace(database_url: str, settings) -> Iterator[Workspace]:  # noqa: ANN001
    ws = Workspace.open(database_url, settings=settings)
    yield ws
    ws.close()


@pytest.fixture
def shared_data() -> Path:
    """The real open data in ../shared/data/raw (read-only)."""
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def table_counts(ws: Workspace) -> dict[str, int]:
    """Row counts of every table, to assert that a failed import changed nothing."""
    from wijkkompas.database import metadata

    with ws.engine.connect() as conn:
        return {
            name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in metadata().tables
        }
