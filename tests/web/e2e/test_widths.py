"""No key page is wider than the viewport at 1,280 px (issue 18): measured in the browser as
``document.documentElement.scrollWidth``, with a full-page screenshot of each as an artefact."""

from __future__ import annotations

import contextlib

import pytest

from tests.web.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

WIDTH = 1280
ADMIN, ADMIN_PASSWORD = "e2e-beheerder", "e2e-beheer-wachtwoord-123"

PAGES = [
    pytest.param("overzicht", "/", id="overzicht"),
    pytest.param("overzicht-en", "/?lang=en", id="overzicht-en"),
    pytest.param("gebiedsprofiel", "/gebied/WK059901", id="gebiedsprofiel"),
    pytest.param("wat-als", "/kader/rotterdam?w.fysiek_wonen=4&aggregate=topsis", id="wat-als"),
    pytest.param("monitor", "/monitor", id="monitor"),
    pytest.param("monitor-doel", "/monitor/doel/zuid-2031", id="monitor-doel"),
    pytest.param("agenda", "/agenda", id="agenda"),
    pytest.param("overzicht-buurt-aanpak", "/?gemeente=GM0153&niveau=buurt&kleur=aanpak",
                 id="overzicht-buurt-aanpak"),
    pytest.param("partners", "/partners", id="partners"),
    pytest.param("bewoners", "/bewoners?gemeente=GM0106&niveau=buurt", id="bewoners"),
    pytest.param("gebiedsprofiel-bewoners", "/gebied/BU01060105", id="gebiedsprofiel-bewoners"),
    pytest.param("begrippen", "/begrippen", id="begrippen"),
    pytest.param("middelen", "/middelen?gemeente=GM0153&herverdeel=jeugd&procent=10",
                 id="middelen"),
]


@pytest.fixture(scope="module")
def admin(demo_url: str, server_url: str) -> tuple[str, str]:  # noqa: ARG001
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.workspace import Workspace

    ws = Workspace.open(demo_url)
    try:
        with contextlib.suppress(Exception):  # exists already (same demo database)
            add_user(ws, ADMIN, ADMIN_PASSWORD, role="admin")
    finally:
        ws.close()
    return ADMIN, ADMIN_PASSWORD


def _width(page) -> int:  # noqa: ANN001
    return int(page.evaluate("document.documentElement.scrollWidth"))


# Tables in a scroll region (.table-scroll) that still need horizontal scrolling at this width.
SCROLLING = """() => [...document.querySelectorAll('.table-scroll')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.id || '?')
            + ': ' + e.scrollWidth + ' px in ' + e.clientWidth)"""


@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_fits_the_viewport(page, name: str, path: str) -> None:  # noqa: ANN001
    page.goto(path)
    page.wait_for_load_state("networkidle")
    screenshot(page, f"breedte-{name}")
    assert _width(page) <= WIDTH, f"{path} is {_width(page)} px wide at a {WIDTH} px viewport"
    wide = page.evaluate(SCROLLING)
    assert not wide, f"{path}: tables that scroll sideways: {wide}"


def test_audit_page_fits_the_viewport_for_an_admin(page, admin: tuple[str, str]) -> None:  # noqa: ANN001
    name, password = admin
    page.goto("/inloggen?next=/audit")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/audit")
    page.wait_for_load_state("networkidle")
    screenshot(page, "breedte-audit")
    assert _width(page) <= WIDTH, f"/audit is {_width(page)} px wide"
