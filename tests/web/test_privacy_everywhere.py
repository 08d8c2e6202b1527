"""The privacy rule on every GET route (discovered from the app, so new pages are covered): the
demo stores suppressed observations with a tell-tale value (``SENTINEL``, see conftest) for
WK059901 and GM0599; no page, JSON answer or download (CSV, Excel, GeoJSON) may contain it.

Every GET route is requested with its area parameters set to those areas, with the query
parameters that select the suppressed cells (indicator, level, comparison) and in both
languages — anonymously, and as an admin (pages such as the audit trail are for logged-in
roles only; of a page open to all, the admin gets the first URL). Run with ``-s`` for the
number of responses checked.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.governance.test_route_matrix import concrete_path, discover_routes
from tests.web.conftest import SENTINEL, SENTINEL_TEXT, SUPPRESSED

AREAS = ("WK059901", "GM0599")
# query parameters that select the suppressed cells; a list gives one request per value
QUERY: dict[str, list[Any]] = {
    "gebied": [["WK059901", "GM0599"]],  # repeated parameter (comparison)
    "gemeente": ["GM0599"],
    "indicator": ["p_arb_pp"],
    "niveau": ["buurt"],
    "kleur": ["score"],
}
XLSX_TYPES = ("spreadsheetml", "excel")
DOCX_TYPE = "wordprocessingml"


def _variants(route: Any, ws: Any) -> Iterator[str]:
    """The URLs to request for one GET route."""
    for base in dict.fromkeys(concrete_path(route, ws, area=a) for a in AREAS):
        sep = "&" if "?" in base else "?"
        yield base
        yield f"{base}{sep}lang=en"
        for name in route.query:
            for value in QUERY.get(name, []):
                yield f"{base}{sep}{urlencode({name: value}, doseq=True)}"


def _text_of(response: Any) -> str:
    kind = response.headers.get("content-type", "")
    if any(t in kind for t in XLSX_TYPES):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for v in row
                         if v is not None)
    if kind.startswith("application/pdf"):  # the text layer (the streams are compressed)
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or ""
                         for page in PdfReader(io.BytesIO(response.content)).pages)
    if DOCX_TYPE in kind:
        from docx import Document

        doc = Document(io.BytesIO(response.content))
        return "\n".join([p.text for p in doc.paragraphs] + [
            c.text for t in doc.tables for row in t.rows for c in row.cells])
    return response.content.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def admin_client(app) -> Iterator[TestClient]:  # noqa: ANN001
    """An admin session; the demo gets a partner (involved in the suppressed area), so the
    partner pages have something to show."""
    from wijkkompas.partners import service as partners
    from wijkkompas.services.accounts.users import add_user

    ws = app.state.ctx.ws
    with ws.engine.connect() as conn:
        has_partner = conn.execute(text("SELECT COUNT(*) FROM partners")).scalar_one()
    if not has_partner:
        partners.add_partner(ws, "Privacy Wonen", "woningcorporatie")
        partners.involve(ws, "Privacy Wonen", AREAS[0], "werk", "trekker")
    add_user(app.state.ctx.ws, "privacy-admin", "een-lang-genoeg-wachtwoord", role="admin")
    with TestClient(app, raise_server_exceptions=False) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inloggen").text)
        r = c.post("/inloggen", data={"name": "privacy-admin",
                                      "password": "een-lang-genoeg-wachtwoord",
                                      "csrf_token": token.group(1)}, follow_redirects=False)
        assert r.status_code == 303
        yield c


def test_sentinel_is_stored(app) -> None:  # noqa: ANN001
    """The planted values are really in the database (else the test below proves nothing)."""
    with app.state.ctx.ws.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.code, o.value FROM observations o JOIN areas a ON a.id = o.area_id "
            "JOIN indicators i ON i.id = o.indicator_id WHERE i.code = 'p_arb_pp' "
            "AND o.status = 'suppressed'")).all()
    assert {(area, SENTINEL) for area, _, _ in SUPPRESSED} <= {(a, v) for a, v in rows}


@pytest.mark.slow
def test_suppressed_value_appears_nowhere(app, admin_client) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    seen: Counter = Counter()
    leaks: list[str] = []
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        for route in discover_routes(app):
            if "GET" not in route.methods or route.path.startswith("/static/"):
                continue
            seen["routes"] += 1
            for i, url in enumerate(_variants(route, ws)):
                for who, client in (("anonymous", anonymous), ("admin", admin_client)):
                    response = client.get(url)
                    assert response.status_code < 500, (url, who, response.status_code)
                    if response.status_code != 200:
                        seen["not_200"] += 1
                        continue
                    body = _text_of(response)
                    seen["responses"] += 1
                    kind = response.headers.get("content-type", "").split(";")[0]
                    seen[f"type:{kind}"] += 1
                    if "p_arb_pp" in body or "arbeidsparticipatie" in body.lower():
                        seen["show_the_indicator"] += 1
                    if "geheim" in body or "confidential" in body:
                        seen["say_geheim"] += 1
                    if SENTINEL_TEXT in body:
                        leaks.append(f"{url} ({who}, {kind})")
                    if who == "anonymous" and i > 0:
                        break  # logged in: the same view (checked for the route's first URL)
    types = ", ".join(f"{k[5:]}={v}" for k, v in sorted(seen.items()) if k.startswith("type:"))
    print(f"\nprivacy: {seen['routes']} GET routes, {seen['responses']} responses checked "
          f"({types}); {seen['say_geheim']} say 'geheim', {seen['not_200']} not 200")
    assert not leaks, "de geheime waarde staat in:\n" + "\n".join(leaks)
    assert seen["responses"] >= 2 * seen["routes"]
    assert seen["say_geheim"] >= 5 and seen["show_the_indicator"] >= 5, seen
