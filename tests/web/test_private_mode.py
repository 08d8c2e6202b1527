"""WIJKKOMPAS_PUBLIC=nee: nothing but the login page without a login or an API token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from wijkkompas.errors import ConfigError
from wijkkompas.settings import load_settings
from wijkkompas.web.config import load_web_config

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture(scope="module")
def private_app(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from wijkkompas.services.accounts.users import add_user, list_users
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("private")), user="t")
    app = create_app(settings, database_url=demo_url,
                     config=load_web_config({"WIJKKOMPAS_PUBLIC": "nee"}))
    if "lezer-prive" not in {u.name for u in list_users(app.state.ctx.ws)}:
        add_user(app.state.ctx.ws, "lezer-prive", PASSWORD, role="viewer")
    return app


@pytest.fixture
def anon(private_app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(private_app, follow_redirects=False) as c:
        yield c


def test_setting_is_validated() -> None:
    assert load_web_config({}).public is True
    assert load_web_config({"WIJKKOMPAS_PUBLIC": "nee"}).public is False
    with pytest.raises(ConfigError, match="WIJKKOMPAS_PUBLIC='misschien'"):
        load_web_config({"WIJKKOMPAS_PUBLIC": "misschien"})


@pytest.mark.parametrize("path", ["/", "/gebied/WK059901", "/kader/rotterdam", "/monitor",
                                  "/agenda", "/data"])
def test_pages_redirect_to_login(anon: TestClient, path: str) -> None:
    r = anon.get(path)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/inloggen?next=")


@pytest.mark.parametrize("path", ["/api/v1/overzicht", "/api/v1/gebied/WK059901",
                                  "/api/v1/ranglijst.csv", "/api/v1/openapi.json"])
def test_api_needs_login_or_token(anon: TestClient, path: str) -> None:
    r = anon.get(path)
    assert r.status_code == 401 and r.json()["error"]["type"] == "Unauthorized"
    bad = anon.get(path, headers={"Authorization": "Bearer wk_niet-geldig"})
    assert bad.status_code == 401


def test_login_page_and_static_files_stay_open(anon: TestClient) -> None:
    assert anon.get("/inloggen").status_code == 200
    assert anon.get("/static/css/wijkkompas.css").status_code == 200
    assert anon.get("/static/vendor/htmx.min.js").status_code == 200


def test_logged_in_viewer_and_token_read(private_app) -> None:  # noqa: ANN001
    from wijkkompas.services.accounts.tokens import create_token

    with TestClient(private_app, follow_redirects=False) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inloggen").text)
        r = c.post("/inloggen", data={"name": "lezer-prive", "password": PASSWORD,
                                      "csrf_token": token.group(1), "next": "/"})
        assert r.status_code == 303
        assert c.get("/gebied/WK059901").status_code == 200
        assert c.get("/api/v1/gebied/WK059901").status_code == 200
    _info, plain = create_token(private_app.state.ctx.ws, "lezer-prive", "script")
    with TestClient(private_app, follow_redirects=False) as c:
        r = c.get("/api/v1/gebied/WK059901", headers={"Authorization": f"Bearer {plain}"})
        assert r.status_code == 200 and r.json()["code"] == "WK059901"
