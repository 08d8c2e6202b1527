"""Setting targets and pilots from the web: an editor sets a target and sees its progress, a
viewer is refused (403) and changes nothing, a stale version gives 409 with what changed; the
JSON twins; English verdicts with ?lang=en."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.forms import csrf_token as _token
from tests.web.forms import log_in

PASSWORD = "een-lang-genoeg-wachtwoord"
ZUID = ["WK059910", "WK059915", "WK059912"]




def _login(app, name: str, role: str, scopes: list[str] | None = None) -> tuple[TestClient, str]:  # noqa: ANN001
    from wijkkompas.services.accounts.users import add_user, list_users

    ws = app.state.ctx.ws
    if name not in {u.name for u in list_users(ws)}:
        add_user(ws, name, PASSWORD, role=role, scopes=scopes or [])
    client = TestClient(app, follow_redirects=False)
    log_in(client, name, PASSWORD)
    return client, _token(client.get("/inloggen").text)


@pytest.fixture(scope="module")
def editor(app) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    client, token = _login(app, "mon-redacteur", "editor")
    yield client, token
    client.close()


@pytest.fixture(scope="module")
def viewer(app) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    client, token = _login(app, "mon-kijker", "viewer")
    yield client, token
    client.close()


def _target_count(app) -> int:  # noqa: ANN001
    from wijkkompas.monitor.store import MonitorTarget

    with app.state.ctx.ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(MonitorTarget)).scalar_one())


def _form(token: str, **extra: object) -> dict[str, object]:
    base = {"csrf_token": token, "code": "web-wonen", "naam": "Wonen op Zuid (web)",
            "gebieden": ZUID, "meting": "indicator", "indicator": "a_inw", "soort": "change",
            "waarde": "6000", "richting": "higher_better", "basisjaar": "2016",
            "doeljaar": "2031", "tussendoelen": "2020=1500", "reden": "test"}
    base.update(extra)
    return base


def test_the_form_is_shown_to_editors_only(client, editor) -> None:  # noqa: ANN001
    assert 'action="/monitor/doelen"' not in client.get("/monitor").text
    page = editor[0].get("/monitor").text
    assert 'action="/monitor/doelen"' in page and 'action="/monitor/pilots"' in page
    assert 'name="gebieden" multiple' in page and "WK059910" in page


def test_editor_sets_a_target_and_sees_each_wijk_progress(app, editor) -> None:  # noqa: ANN001
    client, token = editor
    r = client.post("/monitor/doelen", data=_form(token))
    assert r.status_code == 303 and r.headers["location"].startswith("/monitor/doel/web-wonen")
    page = client.get("/monitor/doel/web-wonen").text
    for name in ("Feijenoord", "Charlois", "IJsselmonde"):
        assert name in page
    data = client.get("/api/v1/monitor/doel/web-wonen").json()
    assert [r["code"] for r in data["rows"]] == ZUID
    assert all(r["forecast"]["value"] is not None for r in data["rows"])  # 4 points: a trend
    assert all("2020" in r["milestones"] and "geen meting" in r["milestones"]
               for r in data["rows"])
    assert data["current_version"] == 1


def test_viewer_is_refused_and_nothing_changes(app, viewer) -> None:  # noqa: ANN001
    client, token = viewer
    before = _target_count(app)
    r = client.post("/monitor/doelen", data=_form(token, code="web-kijker"))
    assert r.status_code == 403
    r = client.post("/api/v1/monitor/doelen", json={**_form(token, code="web-kijker")},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 403
    assert _target_count(app) == before
    r = client.post("/monitor/doel/zuid-2031", data={"csrf_token": token, "naam": "x"})
    assert r.status_code == 403


def test_edit_with_version_and_stale_version_gives_409(app, editor) -> None:  # noqa: ANN001
    client, token = editor
    client.post("/monitor/doelen", data=_form(token, code="web-bewerk"))
    r = client.post("/monitor/doel/web-bewerk",
                    data=_form(token, code="", waarde="7000", versie="1", reden="hoger"))
    assert r.status_code == 303
    data = client.get("/api/v1/monitor/doel/web-bewerk").json()
    assert data["current_version"] == 2 and data["definition"]["value"] == 7000.0
    # someone saw version 1 and saves: 409, naming what changed meanwhile
    r = client.post("/monitor/doel/web-bewerk", data=_form(token, waarde="5000", versie="1"))
    assert r.status_code == 409
    assert "7000" in r.text
    stale = client.post("/api/v1/monitor/doelen/web-bewerk",
                        json={"waarde": "5000", "versie": 1}, headers={"X-CSRF-Token": token})
    assert stale.status_code == 409
    assert any(c["field"] == "value" for c in stale.json()["error"]["details"]["changes"])
    ok = client.post("/api/v1/monitor/doelen/web-bewerk", json={"waarde": "5000", "versie": 2},
                     headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["version"] == 3


def test_editor_outside_the_areas_is_refused(app) -> None:  # noqa: ANN001
    client, token = _login(app, "mon-groningen", "editor", ["area:WK001400"])
    r = client.post("/monitor/doelen", data=_form(token, code="web-scope"))
    assert r.status_code == 403
    r = client.post("/monitor/doel/zuid-2031", data={"csrf_token": token, "waarde": "1",
                                                     "versie": "1"})
    assert r.status_code == 403
    client.close()


def test_editor_defines_a_pilot_with_its_indicator(app, editor) -> None:  # noqa: ANN001
    client, token = editor
    r = client.post("/monitor/pilots", data={
        "csrf_token": token, "code": "web-pilot", "naam": "Pilot via web",
        "gebieden": ["WK059910", "WK059915"], "startjaar": "2014",
        "indicatoren": ["lbm_won", "lbm_totaal"]})
    assert r.status_code == 303 and r.headers["location"].startswith("/monitor/pilot/web-pilot")
    data = client.get("/api/v1/monitor/pilot/web-pilot").json()
    assert data["subject"] == "lbm_won"  # the first stored indicator is the default
    assert [s[0] for s in data["subjects"]] == ["lbm_won", "lbm_totaal"]
    stale = client.post("/api/v1/monitor/pilots", json={
        "code": "web-pilot", "gebieden": "WK059910", "startjaar": 2014, "versie": 7},
        headers={"X-CSRF-Token": token})
    assert stale.status_code == 409


def test_english_pages_show_english_verdicts(app) -> None:  # noqa: ANN001
    with TestClient(app) as client:  # its own client: the language choice is a cookie
        page = client.get("/monitor/doel/zuid-wonen-2031?lang=en").text
        assert "on track" in page or "uncertain" in page
        assert "no measurement in that year" in page
        assert "geen meting" not in page and "op koers" not in page
        few = client.get("/monitor/doel/zuid-2031?lang=en").text
        assert "too few points" in few.lower() and "data point(s) since" in few
        assert "meetpunt" not in few
        gap = client.get("/monitor/spreiding?indicator=bev_dich&lang=en").text
        assert "de verschillen" not in gap and "differences" in gap
