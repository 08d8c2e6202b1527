"""Partner names with a slash and other odd characters: created, opened and edited through the
forms and through the JSON API, with the URLs the app itself links to (one encoded segment)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.governance.conftest import add_areas
from tests.web.forms import csrf_token, hidden_fields, log_in
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

PASSWORD = "een-lang-wachtwoord"
EDITOR = "redacteur-namen"
NAMES = ["Woonstad/Zuid", "Zorg / Welzijn / Jeugd", "x/tafels", "a/b/tafels/intrekken",
         "Wat nu?", "#1 Partner", "100% zorg", "50%2F50", "Woon stad", "Ünïcödé 日本 – ✓",
         "a+b=c & d", "../../etc/passwd", "trailing/"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.web import create_app

    with fresh_database_url(tmp_path_factory.mktemp("names"), "pn") as url:
        settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("pndata")),
                                 user="tester")
        ws = Workspace.open(url, settings=settings)
        try:
            add_areas(ws)
            add_user(ws, EDITOR, PASSWORD, role="editor")
        finally:
            ws.close()
        application = create_app(settings, database_url=url)
        yield application
        application.state.ctx.ws.close()


@pytest.fixture(scope="module")
def editor(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as client:
        log_in(client, EDITOR, PASSWORD, next_url="/partners")
        yield client


def _segment(name: str) -> str:
    return quote(name, safe="")


@pytest.mark.parametrize("name", NAMES)
def test_form_create_open_edit(editor: TestClient, name: str) -> None:
    token = csrf_token(editor.get("/partners").text)
    r = editor.post("/partners", data={"naam": name, "soort": "overig", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(f"/partners/{_segment(name)}?")
    page = editor.get(location)
    assert page.status_code == 200, page.text
    path = f"/partners/{_segment(name)}"
    fields = hidden_fields(page.text, path)
    r = editor.post(path, data={**fields, "soort": "zorg_welzijn", "notities": f"over {name}"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert editor.get(r.headers["location"]).status_code == 200
    api = editor.get(f"/api/v1/partners/{_segment(name)}").json()
    assert (api["name"], api["type"], api["notes"]) == (name, "zorg_welzijn", f"over {name}")
    # a seat through the sub-route of the same encoded name
    fields = hidden_fields(editor.get(path).text, f"{path}/tafels")
    r = editor.post(f"{path}/tafels", data={**fields, "gebied": "WK059910", "opgave": "wonen",
                                            "rol": "trekker"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    seats = editor.get(f"/api/v1/partners/{_segment(name)}").json()["seats"]
    assert [(s["area_code"], s["role"]) for s in seats] == [("WK059910", "trekker")]


def test_json_api_with_odd_names(app, editor: TestClient) -> None:  # noqa: ANN001
    from wijkkompas.services.accounts.tokens import create_token

    _info, plain = create_token(app.state.ctx.ws, EDITOR, "namen")
    bearer = {"Authorization": f"Bearer {plain}"}
    anonymous = TestClient(app)
    for name in ("Api/Partner", "Api?#%", "Api 日本/✓"):
        r = anonymous.post("/api/v1/partners", json={"naam": name, "soort": "overig"},
                           headers=bearer)
        assert r.status_code == 201 and r.json()["name"] == name, r.text
        url = f"/api/v1/partners/{_segment(name)}"
        assert anonymous.get(url).json()["name"] == name
        r = anonymous.post(url, json={"notities": "gewijzigd", "versie": 1}, headers=bearer)
        assert r.status_code == 200 and r.json()["notes"] == "gewijzigd", r.text
        r = anonymous.post(f"{url}/toezeggingen", json={"wat": "iets doen", "van": "2026-01-01"},
                           headers=bearer)
        assert r.status_code == 201, r.text
        assert [c["what"] for c in r.json()["commitments"]] == ["iets doen"]
        # a lower-case %2f is the same segment
        assert anonymous.get(url.replace("%2F", "%2f")).json()["name"] == name


def test_links_on_the_pages_encode_the_name_as_one_segment(editor: TestClient) -> None:
    html = editor.get("/partners").text
    hrefs = {unquote(h[len("/partners/"):].split("?")[0])
             for h in re.findall(r'href="(/partners/[^"]+)"', html)}
    assert {"Woonstad/Zuid", "Ünïcödé 日本 – ✓", "100% zorg"} <= hrefs
    assert '/partners/Woonstad%2FZuid"' in html or "/partners/Woonstad%2FZuid?" in html


def test_unknown_and_unencoded_names(editor: TestClient) -> None:
    # a slash that is not encoded separates segments: no partner "Woonstad" with a page "Zuid"
    assert editor.get("/partners/Woonstad/Zuid").status_code == 404
    assert editor.get("/api/v1/partners/Woonstad/Zuid").status_code == 404
    r = editor.get("/api/v1/partners/Nergens%2FNiet")
    assert r.status_code == 404 and r.json()["error"]["type"] == "NotFound"
    r = editor.get("/api/v1/partners/a%00b")
    assert r.status_code == 422 and r.json()["error"]["type"] == "ValidationError"
    assert editor.get("/api/v1/partners/%FF%FE").status_code == 404
