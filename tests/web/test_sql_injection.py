"""SQL injection attempts on every parameter: each path and query parameter of every GET route
(discovered from the app's routes), the login form, and every field of every write route's form
(as an admin with CSRF token).

For each request: no server error, no database error text in the body, and afterwards every
table still exists — with the same row counts after the GETs and the login attempts; the writes
may add rows (the payload stored as text) but never remove any. Run with ``-s`` for the number
of requests sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_database_url
from tests.governance.test_route_matrix import (
    SESSION_ROUTES,
    build_demo_app,
    db_state,
    discover_routes,
    fill,
    make_roles,
    resolve,
    scrape_forms,
)
from wijkkompas.web.auth import LoginLimiter

PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE areas;--",
    '" OR ""="',
    "%27",
    "\x00",
    "x' UNION SELECT name, password_hash FROM users--",
    "A" * 5000,
    "Ωmega ünïcödé 😀 \u202e ﷽",
]
LEAKS = re.compile(r"sqlite3|psycopg|sqlalchemy|syntax error|Traceback|OperationalError|"
                   r"ProgrammingError|SQLSTATE|unrecognized token|near \"", re.IGNORECASE)


@pytest.fixture(scope="module")
def injection_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("injection")
    with fresh_database_url(folder, "i") as url:
        app = build_demo_app(folder, url)
        with TestClient(app):
            yield app


def _check(response: Any, what: str, problems: list[str]) -> None:
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code}")
    body = response.content.decode("utf-8", "replace")
    leak = LEAKS.search(body)
    if leak:
        problems.append(f"{what}: databasefout in het antwoord ({leak.group(0)!r})")


def _get_requests(app: Any) -> Iterator[tuple[str, str]]:
    """(label, url) for every payload in every path and query parameter of every GET route."""
    ws = app.state.ctx.ws
    for route in discover_routes(app):
        if "GET" not in route.methods:
            continue
        base = {p: resolve(route.path, p, ws) for p in route.params}
        required = {q: resolve(route.path, q, ws) for q in route.required_query}
        for payload in PAYLOADS:
            for param in route.params:
                path = fill(route, {**base, param: payload})
                yield f"GET {route.path} [{param}]", f"{path}?{urlencode(required)}"
            for query in route.query:
                path = fill(route, base)
                yield (f"GET {route.path} ?{query}",
                       f"{path}?{urlencode({**required, query: payload})}")


@pytest.mark.slow
def test_get_parameters_resist_injection(injection_app) -> None:  # noqa: ANN001
    ws = injection_app.state.ctx.ws
    before = db_state(ws)
    problems: list[str] = []
    sent = 0
    with TestClient(injection_app, raise_server_exceptions=False,
                    follow_redirects=False) as client:
        for label, url in _get_requests(injection_app):
            _check(client.get(url), label, problems)
            sent += 1
    print(f"\nSQL injection: {sent} GET requests ({len(PAYLOADS)} payloads)")
    assert sent > 10 * len(PAYLOADS), sent
    assert not problems, "\n".join(problems[:30])
    assert db_state(ws) == before


def test_login_form_resists_injection(injection_app) -> None:  # noqa: ANN001
    ws = injection_app.state.ctx.ws
    before = db_state(ws)
    problems: list[str] = []
    with TestClient(injection_app, raise_server_exceptions=False,
                    follow_redirects=False) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get("/inloggen").text).group(1)
        for payload in PAYLOADS:
            for fields in ({"name": payload, "password": "een-lang-genoeg-wachtwoord"},
                           {"name": "m-admin", "password": payload},
                           {"name": payload, "password": payload, "next": payload}):
                r = client.post("/inloggen", data={**fields, "csrf_token": token})
                _check(r, f"POST /inloggen {sorted(fields)}", problems)
                # wrong password, rate-limited, or refused input (a NUL character)
                if r.status_code not in (401, 429, 422):
                    problems.append(f"POST /inloggen {fields!r}: {r.status_code}")
    injection_app.state.auth.limiter = LoginLimiter()  # the next test logs in again
    assert not problems, "\n".join(problems[:30])
    assert db_state(ws) == before


@pytest.mark.slow
def test_write_fields_resist_injection(injection_app) -> None:  # noqa: ANN001
    ws = injection_app.state.ctx.ws
    injection_app.state.auth.limiter = LoginLimiter()
    roles = make_roles(injection_app)
    admin = roles["admin"]
    forms: dict[str, dict[str, str]] = {}
    routes = discover_routes(injection_app)
    for route in routes:  # the forms on the pages, as the admin sees them
        if "GET" in route.methods and not route.path.startswith("/api/"):
            admin.reset()
            try:
                path = fill(route, {p: resolve(route.path, p, ws) for p in route.params})
            except pytest.fail.Exception:
                continue  # the route matrix reports unresolvable parameters
            r = admin.client.get(path)
            if "text/html" in r.headers.get("content-type", ""):
                for action, fields in scrape_forms(r.text, path):
                    forms.setdefault(action.split("?")[0], fields)
    before = db_state(ws)
    problems: list[str] = []
    sent = 0
    for route in routes:
        if not route.writes or route.path in SESSION_ROUTES:
            continue
        path = fill(route, {p: resolve(route.path, p, ws) for p in route.params})
        fields = forms.get(path) or forms.get(path.removeprefix("/api/v1")) or {}
        names = [n for n in fields if n != "versie"] or ["naam", "name"]
        for name in names:
            for payload in PAYLOADS:
                admin.reset()
                r = admin.client.post(path, data={**fields, name: payload,
                                                  "csrf_token": admin.csrf})
                _check(r, f"POST {path} [{name}]", problems)
                sent += 1
    after = db_state(ws)  # fails if a table is gone
    shrunk = {k: (before[k], after[k]) for k in before if after[k] < before[k]}
    print(f"\nSQL injection: {sent} write requests as admin, {len(forms)} forms found")
    assert sent >= len(PAYLOADS)
    assert not problems, "\n".join(problems[:30])
    assert not shrunk, shrunk


def test_nul_character_is_refused_everywhere(injection_app) -> None:  # noqa: ANN001
    """PostgreSQL cannot hold a NUL character: path, query, form and JSON with one get a 422
    in the one error shape (web/input_guard.py), on both databases alike."""
    with TestClient(injection_app, raise_server_exceptions=False,
                    follow_redirects=False) as client:
        for r in (client.get("/api/v1/gebied/WK%0001"),
                  client.get("/api/v1/monitor/spreiding?indicator=a%00b"),
                  client.post("/api/v1/partners", json={"naam": "a\u0000b"}),
                  client.post("/api/v1/partners", data={"naam": "a\x00b"})):
            assert r.status_code == 422, r.text
            assert r.json()["error"]["type"] == "ValidationError"
        assert client.get("/gebied/WK%0001").status_code == 422  # HTML error page
        # without NUL the same requests reach the routes (404 / 401 for missing login)
        assert client.get("/api/v1/gebied/WK0001").status_code == 404
        assert client.post("/api/v1/partners", json={"naam": "ab"}).status_code in (401, 403)
