"""Hardening of the web layer (issue 11, points 1, 3 and 4): no path from a request, bounded
bodies and fields, workbook imports off the event loop with limits, security headers and a
Content-Security-Policy on every response."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.forms import csrf_token as _token
from tests.web.forms import log_in

PASSWORD = "een-lang-genoeg-wachtwoord"

# --- 1. no path ever comes from a request ---------------------------------------------------

#: Every route with a framework (kader) parameter; ``{}`` is the probed value.
KADER_ROUTES = [
    "/api/v1/monitor/spreiding?opgave=sociaal&kader={}",
    "/api/v1/monitor/spreiding.csv?opgave=sociaal&kader={}",
    "/api/v1/monitor/spreiding.xlsx?opgave=sociaal&kader={}",
    "/monitor/spreiding?opgave=sociaal&kader={}",
    "/api/v1/overzicht?kader={}",
    "/?kader={}",
    "/api/v1/ranglijst.csv?kader={}",
    "/api/v1/ranglijst.xlsx?kader={}",
    "/api/v1/ranglijst.geojson?kader={}",
    "/api/v1/agenda/optimalisatie?kader={}",
    "/agenda/optimalisatie?kader={}",
    "/agenda/optimalisatie/resultaat?kader={}",
    "/api/v1/kader/{}",
    "/kader/{}",
    "/kader/{}/wat-als",
    "/api/v1/kader/{}/whatif",
]


@pytest.fixture(scope="module")
def probes(app, tmp_path_factory: pytest.TempPathFactory) -> list[str]:  # noqa: ANN001
    """Values that name files: existing ones (a system file, the process environment, the
    database file when it is SQLite, a *valid framework YAML*), and missing ones."""
    from wijkkompas.framework.presets import preset_path

    folder = tmp_path_factory.mktemp("kaders")
    valid_yaml = folder / "rotterdam.yaml"
    shutil.copy(preset_path("rotterdam"), valid_yaml)
    url = app.state.ctx.ws.engine.url
    database = url.database if url.get_backend_name() == "sqlite" else "/etc/hostname"
    assert Path(database).exists()
    return ["/etc/passwd", "/proc/self/environ", str(database), str(valid_yaml),
            str(folder / "bestaat-niet.yaml"), "../../../../etc/passwd", "/etc/passwd@1",
            "/bestaat/niet@1", "rotterdam.yaml/../../../etc/passwd"]


def _without(text: str, value: str) -> str:
    """``text`` with the probed value's URL forms taken out (an HTML page links to itself:
    the language switch and the login link carry the current URL)."""
    once = quote(value, safe="")
    forms = {quote(once, safe=""), once, quote(value), html.escape(value), value}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "<waarde>")
    return text


@pytest.mark.parametrize("route", KADER_ROUTES)
def test_a_framework_is_a_name_never_a_path(client, probes, route) -> None:  # noqa: ANN001
    """Whatever file a value names, the answer is one and the same 404 (the same body, up
    to the page's links to its own URL)."""
    answers = set()
    for value in probes:
        url = route.format(quote(value, safe=""))
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code, r.text[:300])
        assert "root:" not in r.text and "PATH=" not in r.text and "SQLite" not in r.text
        answers.add((r.status_code, r.headers["content-type"], _without(r.text, value)))
    assert len(answers) == 1, route


def test_a_preset_and_a_saved_version_still_work(client) -> None:  # noqa: ANN001
    r = client.get("/api/v1/monitor/spreiding?opgave=sociaal&kader=rotterdam&gemeente=GM0599")
    assert r.status_code == 200, r.text
    assert r.json()["kader"] == "rotterdam"
    assert client.get("/api/v1/monitor/spreiding.csv?opgave=sociaal&kader=rotterdam"
                      "&gemeente=GM0599").status_code == 200


def _login(app, name: str, role: str) -> tuple[TestClient, str]:  # noqa: ANN001
    from wijkkompas.services.accounts import add_user, list_users

    ws = app.state.ctx.ws
    if name not in {u.name for u in list_users(ws)}:
        add_user(ws, name, PASSWORD, role=role, scopes=[])
    client = TestClient(app, follow_redirects=False)
    log_in(client, name, PASSWORD)
    return client, _token(client.get("/inloggen").text)


@pytest.fixture(scope="module")
def editor(app) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    client, token = _login(app, "hard-redacteur", "editor")
    yield client, token
    client.close()


@pytest.fixture(scope="module")
def admin(app) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    client, token = _login(app, "hard-beheerder", "admin")
    yield client, token
    client.close()


def _target_count(app) -> int:  # noqa: ANN001
    from wijkkompas.monitor.store import MonitorTarget

    with app.state.ctx.ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(MonitorTarget)).scalar_one())


def _score_target(token: str, kader: str, code: str = "hard-kader") -> dict[str, object]:
    return {"csrf_token": token, "code": code, "naam": "Sociaal op Zuid",
            "gebieden": ["WK059910"], "meting": "opgave", "opgave": "sociaal", "kader": kader,
            "soort": "change", "waarde": "5", "basisjaar": "2016", "doeljaar": "2031"}


def test_a_target_never_stores_a_path_as_its_framework(app, editor, probes) -> None:  # noqa: ANN001
    client, token = editor
    before = _target_count(app)
    answers = set()
    for value in probes:
        r = client.post("/api/v1/monitor/doelen", json=_score_target(token, value),
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 404, r.text
        answers.add(r.text)
    assert len(answers) == 1
    assert _target_count(app) == before
    r = client.post("/api/v1/monitor/doelen", json=_score_target(token, "rotterdam"),
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/monitor/doel/hard-kader").status_code == 200
    # editing it to a path is refused the same way, and the target keeps its framework
    r = client.post("/api/v1/monitor/doelen/hard-kader",
                    json={**_score_target(token, "/etc/passwd"), "code": ""},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 404, r.text
    data = client.get("/api/v1/monitor/doel/hard-kader").json()
    assert data["definition"]["framework"] == "rotterdam"


def test_a_stored_path_is_never_opened(app) -> None:  # noqa: ANN001
    """A target stored with a path (e.g. by an older version) gets the 404 of an unknown
    name; the file is not read."""
    from wijkkompas.errors import NotFound
    from wijkkompas.monitor.targets import Target
    from wijkkompas.services import monitor as svc

    target = Target(code="oud-pad", name="oud", areas=("WK059910",), measure="score",
                    subject="sociaal", framework="/etc/passwd", kind="change", value=1.0,
                    baseline_year=2016, target_year=2031, direction="higher_better")
    with pytest.raises(NotFound) as err:
        svc.target_series(app.state.ctx.ws, target)
    assert "passwd" not in str(err.value)
