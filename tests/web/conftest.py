"""One demo workspace for all web tests (built once; SQLite file or a PostgreSQL schema).

A known value is stored as *suppressed* with a tell-tale number (``SENTINEL``) so the privacy
tests can search every response for it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.conftest import fresh_database_url
from wijkkompas.settings import load_settings
from wijkkompas.store.models import Area, Indicator, Observation
from wijkkompas.workspace import Workspace

SENTINEL = 987654.321
SENTINEL_TEXT = "98765"  # in every notation: 987654,3 / 987.654 / 987654.321
# (area, indicator, year) stored as suppressed with the sentinel value.
SUPPRESSED = [("WK059901", "p_arb_pp", 2022), ("GM0599", "p_arb_pp", 2024),
              ("WK059901", "p_arb_pp", 2024)]


@pytest.fixture(scope="package")
def web_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database_url(tmp_path_factory.mktemp("web"), "w") as url:
        yield url


def _store_suppressed(ws: Workspace) -> None:
    with ws.engine.begin() as conn:
        for area, indicator, year in SUPPRESSED:
            area_id = conn.execute(select(Area.id).where(Area.code == area)).scalar_one()
            ind_id = conn.execute(select(Indicator.id).where(Indicator.code == indicator)
                                  ).scalar_one()
            where = ((Observation.area_id == area_id) & (Observation.indicator_id == ind_id)
                     & (Observation.year == year))
            done = conn.execute(update(Observation).where(where).values(
                value=SENTINEL, status="suppressed")).rowcount
            if not done:
                conn.execute(Observation.__table__.insert().values(
                    area_id=area_id, indicator_id=ind_id, year=year, value=SENTINEL,
                    status="suppressed"))


@pytest.fixture(scope="package")
def demo_url(web_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    from wijkkompas.services.data.demo import build_demo

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("data")), user="tester")
    ws = Workspace.open(web_database_url, settings=settings)
    try:
        build_demo(ws)
        _store_suppressed(ws)
    finally:
        ws.close()
    return web_database_url


@pytest.fixture(scope="package")
def app(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("appdata")), user="tester")
    return create_app(settings, database_url=demo_url)


@pytest.fixture(scope="package")
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as c:
        yield c


@pytest.fixture
def lenient_client(app) -> Iterator[TestClient]:  # noqa: ANN001
    """A client that returns 500 responses instead of raising the server's exception."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_cookies(request: pytest.FixtureRequest) -> None:
    """Each test starts the shared client without cookies: a ``?lang=en`` or a login in one
    test must not change the pages another test sees."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").cookies.clear()
