"""A demo workspace built once per test module (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, _psycopg
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
        return
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{_psycopg(PG_URL)}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def demo_ws(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    from wijkkompas.services.demo import build_demo

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("data")), user="sanne")
    ws = Workspace.open(demo_url, settings=settings)
    build_demo(ws)
    yield ws
    ws.close()
