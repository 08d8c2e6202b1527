"""The OpenAPI document is complete: every JSON route (partners, core teams and the audit trail
too), every request body, every status code the routes really answer with, and the real media
types of the downloads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.governance.conftest import add_areas
from wijkkompas.settings import load_settings
from wijkkompas.web.openapi import BODIES, CONFLICTS, UPLOADS
from wijkkompas.workspace import Workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "een-lang-wachtwoord"


def _operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield method, path, op


def test_json_routes_of_partners_core_teams_and_audit_are_documented(app) -> None:  # noqa: ANN001
    paths = app.openapi()["paths"]
    for path in ("/api/v1/partners", "/api/v1/partners/{naam}", "/api/v1/partners/{naam}/tafels",
                 "/api/v1/partners/{naam}/tafels/intrekken", "/api/v1/partners/{naam}/toezeggingen",
                 "/api/v1/kernteams/{gebied}", "/api/v1/kernteams/{gebied}/leden",
                 "/api/v1/kernteams/{gebied}/besluiten", "/api/v1/audit"):
        assert path in paths, path
    assert not [p for p in paths if not p.startswith("/api/v1/")]  # no HTML page in the API


def test_every_write_declares_its_body(app) -> None:  # noqa: ANN001
    schema = app.openapi()
    writes = {(m, p) for m, p, _op in _operations(schema) if m != "get"}
    assert writes == set(BODIES) | set(UPLOADS)  # no write without a body, no stale entry
    for method, path, op in _operations(schema):
        if method == "get":
            assert "requestBody" not in op
            continue
        content = op["requestBody"]["content"]
        if (method, path) in UPLOADS:
            assert set(content) == {"multipart/form-data"}
            assert content["multipart/form-data"]["schema"]["properties"]["bestand"][
                "format"] == "binary"
        else:
            assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
            form = content["application/x-www-form-urlencoded"]["schema"]["properties"]
            assert "csrf_token" in form
    body = schema["paths"]["/api/v1/partners"]["post"]["requestBody"]["content"]
    partner = body["application/json"]["schema"]
    assert partner["required"] == ["naam", "soort"]
    assert "woningcorporatie" in partner["properties"]["soort"]["enum"]


def test_status_codes_and_error_shape(app) -> None:  # noqa: ANN001
    schema = app.openapi()
    assert set(schema["components"]["schemas"]["Fout"]["properties"]) == {"error"}
    for method, path, op in _operations(schema):
        codes = set(op["responses"])
        assert "422" in codes, (method, path)
        for code in codes - {"200", "201"}:
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Fout", (method, path, code)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method != "get":
            assert {"401", "403", "404", "413", "422"} <= codes, (method, path)
            assert ("409" in codes) == ((method, path) in CONFLICTS), (method, path)
            assert op["security"] == [{"token": []}, {"sessie": []}]
    audit = schema["paths"]["/api/v1/audit"]["get"]["responses"]
    assert {"401", "403"} <= set(audit)
    overview = schema["paths"]["/api/v1/overzicht"]["get"]
    assert "401" not in overview["responses"] and "security" not in overview  # public read


def test_private_app_documents_401_everywhere(demo_url: str,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    from wijkkompas.web import create_app
    from wijkkompas.web.config import load_web_config

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("priv")), user="tester")
    private = create_app(settings, database_url=demo_url,
                         config=load_web_config({}, public="nee"))
    try:
        for method, path, op in _operations(private.openapi()):
            assert "401" in op["responses"] and op["security"], (method, path)
    finally:
        private.state.ctx.ws.close()


def test_download_media_types(app) -> None:  # noqa: ANN001
    paths = app.openapi()["paths"]
    geo = paths["/api/v1/ranglijst.geojson"]["get"]["responses"]["200"]["content"]
    assert list(geo) == ["application/geo+json"]
    assert geo["application/geo+json"]["schema"]["properties"]["type"] == {
        "const": "FeatureCollection"}
    csv = paths["/api/v1/ranglijst.csv"]["get"]["responses"]["200"]["content"]
    assert list(csv) == ["text/csv"] and "format" not in csv["text/csv"]["schema"]
    xlsx = paths["/api/v1/gebied/{code}.xlsx"]["get"]["responses"]["200"]["content"]
    assert xlsx == {XLSX: {"schema": {"type": "string", "format": "binary"}}}


# --- the documented statuses are the ones the routes really answer with -----------------------


@pytest.fixture(scope="module")
def writes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str, str]]:
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.web import create_app

    with fresh_database_url(tmp_path_factory.mktemp("oa"), "oa") as url:
        settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("oadata")),
                                 user="tester")
        ws = Workspace.open(url, settings=settings)
        try:
            add_areas(ws)
            add_user(ws, "redacteur-oa", PASSWORD, role="editor")
            add_user(ws, "lezer-oa", PASSWORD, role="viewer")
            _i, editor = create_token(ws, "redacteur-oa", "oa")
            _i, viewer = create_token(ws, "lezer-oa", "oa")
        finally:
            ws.close()
        application = create_app(settings, database_url=url)
        yield application, editor, viewer
        application.state.ctx.ws.close()


def test_statuses_seen_are_documented(writes) -> None:  # noqa: ANN001
    app, editor, viewer = writes
    documented = {(m, p): set(op["responses"]) for m, p, op in _operations(app.openapi())}
    as_editor = {"Authorization": f"Bearer {editor}"}
    calls = [  # (operation, request, expected status)
        (("post", "/api/v1/partners"), ("/api/v1/partners", {"naam": "P/1", "soort": "overig"},
                                        as_editor), 201),
        (("post", "/api/v1/partners"), ("/api/v1/partners", {"naam": "P/1", "soort": "overig"},
                                        as_editor), 422),
        (("post", "/api/v1/partners"), ("/api/v1/partners", {"naam": "x", "soort": "overig"},
                                        {}), 403),
        (("post", "/api/v1/partners"), ("/api/v1/partners", {"naam": "x", "soort": "overig"},
                                        {"Authorization": "Bearer nep"}), 401),
        (("post", "/api/v1/partners"), ("/api/v1/partners", {"naam": "x", "soort": "overig"},
                                        {"Authorization": f"Bearer {viewer}"}), 403),
        (("post", "/api/v1/partners/{naam}"), ("/api/v1/partners/P%2F1", {
            "notities": "a", "versie": 1}, as_editor), 200),
        (("post", "/api/v1/partners/{naam}"), ("/api/v1/partners/P%2F1", {
            "notities": "b", "versie": 1}, as_editor), 409),
        (("post", "/api/v1/partners/{naam}"), ("/api/v1/partners/Niemand", {
            "notities": "b", "versie": 1}, as_editor), 404),
        (("post", "/api/v1/partners/{naam}"), ("/api/v1/partners/P%2F1", {
            "notities": "b"}, as_editor), 422),
        (("post", "/api/v1/partners/{naam}/tafels"), ("/api/v1/partners/P%2F1/tafels", {
            "gebied": "WK059910", "opgave": "wonen"}, as_editor), 200),
        (("post", "/api/v1/kernteams/{gebied}"), ("/api/v1/kernteams/WK059910", {
            "naam": "Team", "versie": 0}, as_editor), 200),
        (("post", "/api/v1/kernteams/{gebied}"), ("/api/v1/kernteams/WK059910", {
            "naam": "Team 2", "versie": 0}, as_editor), 409),
        (("post", "/api/v1/monitor/doelen"), ("/api/v1/monitor/doelen", {
            "code": "d1", "gebieden": ["WK059910"], "indicator": "lbm_totaal",
            "soort": "absolute", "waarde": 1, "basisjaar": 2012, "doeljaar": 2031},
            as_editor), 200),
        (("post", "/api/v1/monitor/doelen/{code}"), ("/api/v1/monitor/doelen/d1", {
            "waarde": 2, "versie": 7}, as_editor), 409),
    ]
    client = TestClient(app)
    for operation, (url, body, headers), expected in calls:
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == expected, (url, body, r.text)
        assert str(r.status_code) in documented[operation], (operation, r.status_code)
    for url, headers, expected in [("/api/v1/audit", {}, 401),
                                   ("/api/v1/audit", {"Authorization": f"Bearer {viewer}"}, 403),
                                   ("/api/v1/partners/Niemand", {}, 404),
                                   ("/api/v1/partners?soort=onzin", {}, 422),
                                   ("/api/v1/partners?horizon=99999999999", {}, 422)]:
        r = client.get(url, headers=headers)
        path = url.split("?")[0].replace("/Niemand", "/{naam}")
        assert r.status_code == expected, (url, r.text)
        assert str(expected) in documented[("get", path)], url
        assert set(r.json()) == {"error"}
