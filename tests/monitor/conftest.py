"""A demo workspace built once per test module (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import fresh_database_url
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database_url(tmp_path_factory.mktemp("demo"), "m") as url:
        yield url


@pytest.fixture(scope="module")
def demo_ws(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    from wijkkompas.services.data.demo import build_demo

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("data")), user="sanne")
    ws = Workspace.open(demo_url, settings=settings)
    build_demo(ws)
    yield ws
    ws.close()
