"""The permission matrix: every route of the app × every role, discovered at test time.

Routes are read from ``app.routes`` when the test runs (routes added later are covered without
editing this file); a path parameter is filled from the demo database by :data:`RULES` /
:data:`BY_NAME`, and a route whose parameter cannot be filled FAILS the test, asking for a rule.
Write routes get the fields of the form that posts to them (scraped from the GET pages as
admin), so a refused request is refused for its credentials, not for empty input.

Expectations per cell:

* GET, every role: never 5xx; an audit page (``/audit`` in the path) refuses anonymous visitors
  and viewers (401/403 or a redirect to the login page);
* POST/PUT/PATCH/DELETE: anonymous (even with a valid pre-login CSRF token) 401/403; viewer
  403; an editor scoped to an area no route entity lies in 403; a session without CSRF token
  or with a wrong one 403; a viewer's API token 403; an unknown API token 401 (403 on a route
  that takes sessions only) — each refusal leaves every table's row count and the audit
  log's last id unchanged. One exception, counted and listed in the report: a 422 when the
  admin's identical request is refused as invalid input too (the route validated the input
  before the credentials; nothing is written either way). Admin and an unscoped editor
  (with CSRF) never get a 5xx. The
  login/logout routes are session routes: anyone may post them, but never without CSRF token
  and never with a 5xx.

Run with ``-s`` to see the figures (routes, cells, outcomes); ``benchmarks/route_matrix.py``
prints the same for the note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from tests.conftest import fresh_database_url
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

PASSWORD = "een-lang-genoeg-wachtwoord"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_ROUTES = {"/inloggen", "/uitloggen"}  # anyone may post these (with CSRF)
PARTNER = "Woonstad Matrix"
TEAM_AREA = "WK059910"  # a Rotterdam-Zuid wijk: the demo target's, the core team's
OTHER_AREA = "WK001400"  # Groningen: the scoped editor's only area, no route entity lies here
PRESET = "rotterdam"


# --- discovering routes ---------------------------------------------------------------------


@dataclass(frozen=True)
class RouteInfo:
    path: str  # the template, e.g. /gebied/{code}
    methods: frozenset[str]
    params: tuple[str, ...]  # path parameters
    required_query: tuple[str, ...]  # required query parameters (APIRoute only)
    regex: re.Pattern
    in_schema: bool
    query: tuple[str, ...] = ()  # every declared query parameter (APIRoute only)

    @property
    def writes(self) -> bool:
        return bool(self.methods & WRITE_METHODS)


def _query_params(dependant: Any, required: bool = False) -> set[str]:
    names = {p.alias for p in dependant.query_params
             if p.field_info.is_required() or not required}
    for sub in dependant.dependencies:
        names |= _query_params(sub, required)
    return names


def discover_routes(app: Any) -> list[RouteInfo]:
    """Every route of ``app`` (APIRoute and plain Starlette routes, through included routers);
    static mounts are skipped."""
    from fastapi.routing import APIRoute, iter_route_contexts
    from starlette.routing import Mount

    found: dict[tuple[str, frozenset[str]], RouteInfo] = {}
    for ctx in iter_route_contexts(app.routes):
        original = ctx.original_route
        if isinstance(original, Mount) or ctx.path is None:
            continue
        methods = frozenset(m for m in (ctx.methods or {"GET"}) if m != "HEAD")
        params = tuple(re.findall(r"{([^}:]+)(?::[^}]*)?}", ctx.path))
        required: tuple[str, ...] = ()
        query: tuple[str, ...] = ()
        if isinstance(original, APIRoute):
            required = tuple(sorted(_query_params(original.dependant, required=True)))
            query = tuple(sorted(_query_params(original.dependant)))
        found[(ctx.path, methods)] = RouteInfo(
            ctx.path, methods, params, required, ctx.path_regex,
            bool(getattr(original, "include_in_schema", True)), query)
    return list(found.values())


# --- filling parameters from the demo database -----------------------------------------------


def _first(ws: Workspace, sql: str) -> str | None:
    with ws.engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    return None if value is None else str(value)


def _area(ws: Workspace) -> str | None:
    return _first(ws, f"SELECT code FROM areas WHERE code = '{TEAM_AREA}'")


def _target(ws: Workspace) -> str | None:
    return _first(ws, "SELECT code FROM monitor_targets ORDER BY code")


def _pilot(ws: Workspace) -> str | None:
    return _first(ws, "SELECT code FROM monitor_pilots ORDER BY code")


def _partner(ws: Workspace) -> str | None:
    return _first(ws, "SELECT name FROM partners ORDER BY id")


def _agenda(ws: Workspace) -> str | None:
    return _first(ws, "SELECT name FROM agendas ORDER BY id")


def _agenda_year(ws: Workspace) -> str | None:
    return _first(ws, "SELECT MIN(year) FROM agendas")


def _scenario(ws: Workspace) -> str | None:
    return _first(ws, "SELECT name FROM scenarios ORDER BY id")


def _token_id(ws: Workspace) -> str | None:
    return _first(ws, "SELECT MIN(id) FROM api_tokens")


def _budget_round(ws: Workspace) -> str | None:
    return _first(ws, "SELECT MIN(id) FROM budget_rounds")


def _user(ws: Workspace) -> str | None:
    return _first(ws, "SELECT name FROM users WHERE role = 'viewer' ORDER BY id")


Resolver = Callable[[Workspace], str | None]


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    from tests.areas.test_tiles import tile_of

    return tile_of(lon, lat, z)

# (pattern on the route template, parameter) -> value; the first match wins.
RULES: list[tuple[str, str, Resolver]] = [
    (r"/(monitor/)?(doel|doelen|targets?)/", "code", _target),
    (r"/(monitor/)?(pilot|pilots)/", "code", _pilot),
    (r"/(gebied|gebieden|kernteams?|teams?|areas?)/", "code", _area),
    (r"/partners?/", "naam", _partner),
    (r"/partners?/", "name", _partner),
    (r"/partners?/", "code", _partner),
    (r"/agenda(s)?/", "name", _agenda),
    (r"/scenarios?/", "name", _scenario),
    (r"/tokens?/", "id", _token_id),
    (r"/(gebruikers?|users?)/", "name", _user),
    # the national map's geometry: wijken, their newest boundary year, a tile over Rotterdam
    (r"/kaart/", "niveau", lambda ws: "wijk"),
    (r"/kaart/", "jaar", lambda ws: str(ws.map_source("district", 2100)["year"])),
    (r"/kaart/", "z", lambda ws: "10"),
    (r"/kaart/", "x", lambda ws: str(_tile(4.48, 51.90, 10)[0])),
    (r"/kaart/", "y", lambda ws: str(_tile(4.48, 51.90, 10)[1])),
]
# parameter name alone -> value (when no rule above matched)
BY_NAME: dict[str, Resolver] = {
    "preset": lambda ws: PRESET,
    "kader": lambda ws: PRESET,
    "area": _area, "area_code": _area, "gebied": _area, "wijk": _area,
    "target": _target, "doel": _target,
    "pilot": _pilot,
    "partner": _partner, "partner_name": _partner,
    "agenda": _agenda, "agenda_name": _agenda, "jaar": _agenda_year, "year": _agenda_year,
    "scenario": _scenario,
    "token_id": _token_id,
    "user": _user, "gebruiker": _user,
    "ronde": _budget_round,
    "gemeente": lambda ws: "GM0599",
    "versie": lambda ws: "1", "version": lambda ws: "1",
}


def resolve(route_path: str, param: str, ws: Workspace, area: str | None = None) -> str:
    """A demo value for ``param`` of ``route_path`` (``area`` instead of the default area);
    fails the test when none is known."""
    for pattern, name, found in RULES:
        if name == param and re.search(pattern + r".*{" + re.escape(param), route_path):
            resolver: Resolver | None = found
            break
    else:
        resolver = BY_NAME.get(param)
    if resolver is _area and area is not None:
        return area
    value = resolver(ws) if resolver else None
    if value is None:
        pytest.fail(f"route {route_path}: parameter {param!r} kan niet gevuld worden; voeg een "
                    f"regel toe aan RULES/BY_NAME in tests/governance/test_route_matrix.py",
                    pytrace=False)
    return value


def fill(route: RouteInfo, values: dict[str, str]) -> str:
    """The route's template with its path parameters replaced by ``values`` (URL-quoted)."""
    from urllib.parse import quote

    path = route.path
    for param in route.params:
        value = quote(values[param], safe="")
        path = re.sub(r"{" + re.escape(param) + r"(?::[^}]*)?}", lambda _: value, path)  # noqa: B023
    return path


def concrete_path(route: RouteInfo, ws: Workspace, area: str | None = None) -> str:
    """The route's template with every path parameter (and required query parameter) filled
    from the demo (``area`` for every area parameter when given)."""
    from urllib.parse import urlencode

    path = fill(route, {p: resolve(route.path, p, ws, area) for p in route.params})
    if route.required_query:
        query = {q: resolve(route.path, q, ws, area) for q in route.required_query}
        path += "?" + urlencode(query)
    return path


# --- forms on the pages ----------------------------------------------------------------------


# A value for an empty field, by input type: the form is submitted as a person filling it in
# would, so a refusal is about the credentials, not about missing input.
FILLERS = {"date": "2027-01-01", "number": "1", "email": "matrix@example.org",
           "url": "https://example.org", "month": "2027-01", "text": "matrix",
           "search": "matrix", "tel": "0101234567", "textarea": "matrix"}


class _FormParser(HTMLParser):
    """The POST forms of a page: action and the fields a browser would submit, with empty
    visible fields filled in (:data:`FILLERS`)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._fields = {}
                self.forms.append((a.get("action", ""), self._fields))
            else:
                self._fields = None
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._fields[a["name"]] = a.get("value", "") or FILLERS.get(kind, "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self._fields or "selected" in a:
                self._fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            if self._fields is not None and not self._fields[self._textarea].strip():
                self._fields[self._textarea] = FILLERS["textarea"]
            self._textarea = None


def scrape_forms(html: str, page_path: str) -> list[tuple[str, dict[str, str]]]:
    parser = _FormParser()
    parser.feed(html)
    out = []
    for action, fields in parser.forms:
        target = urlsplit(action or page_path)
        fields.pop("csrf_token", None)
        out.append((target.path + (f"?{target.query}" if target.query else ""), fields))
    return out


# --- the database fingerprint ----------------------------------------------------------------


def db_state(ws: Workspace) -> dict[str, int]:
    """Row count of every table and the audit log's last id."""
    from wijkkompas.database import metadata

    with ws.engine.connect() as conn:
        state = {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                 for name in metadata().tables}
        state["audit_log.max_id"] = conn.execute(
            select(func.max(metadata().tables["audit_log"].c.id))).scalar() or 0
    return state


# --- the demo app with accounts --------------------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "geen csrf_token in het formulier"
    return match.group(1)


@dataclass
class Role:
    name: str
    client: TestClient
    csrf: str | None = None  # token sent with writes (None: none sent)
    bearer: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def reset(self) -> None:
        self.client.cookies.clear()
        for key, value in self.cookies.items():
            self.client.cookies.set(key, value)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}


def build_demo_app(folder: Path, database_url: str) -> Any:
    """The demo database plus a partner, a core team and the suppressed sentinel values; the
    app on it."""
    from tests.web.conftest import _store_suppressed
    from wijkkompas.partners import service as partners
    from wijkkompas.services.data.demo import build_demo
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(folder / "data"), user="tester")
    ws = Workspace.open(database_url, settings=settings)
    try:
        build_demo(ws)
        _store_suppressed(ws)
        partners.add_partner(ws, PARTNER, "woningcorporatie", notes="matrix")
        partners.involve(ws, PARTNER, TEAM_AREA, "veiligheid", "trekker")
        partners.set_team(ws, TEAM_AREA, name="Kernteam Feijenoord", mandate="inzet",
                          budget_cents=100_000_00)
    finally:
        ws.close()
    app_settings = load_settings({}, data_dir=str(folder / "appdata"), user="tester")
    return create_app(app_settings, database_url=database_url)


def make_roles(app: Any) -> dict[str, Role]:
    """One client per role (logged in through the login form), plus credential variants."""
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user

    ws = app.state.ctx.ws
    accounts = {"admin": ("admin", ()), "editor": ("editor", ()),
                "editor_other_area": ("editor", (f"area:{OTHER_AREA}",)),
                "viewer": ("viewer", ())}
    for name, (role, scopes) in accounts.items():
        add_user(ws, f"m-{name.replace('_', '-')}", PASSWORD, role=role, scopes=list(scopes))
    _, viewer_token = create_token(ws, "m-viewer", "matrix")

    def client() -> TestClient:
        return TestClient(app, raise_server_exceptions=False, follow_redirects=False)

    def logged_in(name: str) -> Role:
        c = client()
        token = _token(c.get("/inloggen").text)
        r = c.post("/inloggen", data={"name": f"m-{name.replace('_', '-')}",
                                      "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303, (name, r.status_code)
        return Role(name, c, _token(c.get("/inloggen").text), cookies=dict(c.cookies))

    roles = {name: logged_in(name) for name in accounts}
    anon = client()
    anon_token = _token(anon.get("/inloggen").text)  # a valid pre-login token and its cookie
    roles["anonymous"] = Role("anonymous", anon, anon_token, cookies=dict(anon.cookies))
    admin = roles["admin"]
    roles["admin_no_csrf"] = Role("admin_no_csrf", client(), None, cookies=admin.cookies)
    roles["admin_wrong_csrf"] = Role("admin_wrong_csrf", client(), "x" * 43,
                                     cookies=admin.cookies)
    roles["viewer_token"] = Role("viewer_token", client(), None, bearer=viewer_token)
    roles["bad_token"] = Role("bad_token", client(), None, bearer="wk_" + "0" * 40)
    return roles


# --- the matrix ------------------------------------------------------------------------------

READERS = ("anonymous", "viewer", "editor_other_area", "editor", "admin")
# refused roles for writes and the statuses that count as refused
REFUSED: dict[str, set[int]] = {
    "anonymous": {401, 403}, "viewer": {403}, "editor_other_area": {403},
    "admin_no_csrf": {403}, "admin_wrong_csrf": {403}, "viewer_token": {403},
    "bad_token": {401, 403},  # 403 on a route that takes sessions only (CSRF check first)
}
ALLOWED_WRITERS = ("admin", "editor")


@dataclass
class Matrix:
    routes: int = 0
    get_routes: int = 0
    write_routes: int = 0
    cells: Counter = field(default_factory=Counter)  # outcome -> count
    by_role: Counter = field(default_factory=Counter)  # (role, outcome) -> count
    failures: list[str] = field(default_factory=list)
    forms_used: int = 0
    validation_first: set[str] = field(default_factory=set)  # 422 before the credentials
    admin_writes: Counter = field(default_factory=Counter)  # outcome -> count

    def note(self, role: str, outcome: str) -> None:
        self.cells[outcome] += 1
        self.by_role[(role, outcome)] += 1

    def report(self) -> str:
        lines = [f"route matrix: {self.routes} routes ({self.get_routes} GET, "
                 f"{self.write_routes} write), {sum(self.cells.values())} role x route cells, "
                 f"write fields from {self.forms_used} scraped forms"]
        lines.append("outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(self.cells.items())))
        roles = sorted({r for r, _ in self.by_role})
        for role in roles:
            parts = [f"{o}={n}" for (r, o), n in sorted(self.by_role.items()) if r == role]
            lines.append(f"  {role:18s} " + ", ".join(parts))
        lines.append("admin writes: " + ", ".join(
            f"{k}={v}" for k, v in sorted(self.admin_writes.items())))
        if self.validation_first:
            lines.append(f"{len(self.validation_first)} write requests whose input is invalid "
                         "for the admin too get 422 before the credentials are checked: "
                         + ", ".join(sorted(self.validation_first)))
        return "\n".join(lines)


def _outcome(status: int, location: str = "") -> str:
    if status >= 500:
        return "server_error"
    if status in (401, 403) or (300 <= status < 400 and "/inloggen" in location):
        return "refused"
    if status < 400:
        return "allowed"
    return f"client_error_{status}"


def _request(role: Role, method: str, path: str, fields: dict[str, str] | None = None):  # noqa: ANN202
    role.reset()
    if method == "GET":
        return role.client.get(path, headers=role.headers())
    data = dict(fields or {})
    if role.csrf is not None:
        data["csrf_token"] = role.csrf
    if method in ("POST", "PUT", "PATCH"):
        return role.client.request(method, path, data=data, headers=role.headers())
    headers = role.headers()
    if role.csrf is not None:
        headers["X-CSRF-Token"] = role.csrf
    return role.client.request(method, path, headers=headers)


def iter_get_paths(app: Any, routes: list[RouteInfo]) -> Iterator[tuple[RouteInfo, str]]:
    ws = app.state.ctx.ws
    for route in routes:
        if "GET" in route.methods:
            yield route, concrete_path(route, ws)


def _write_cells(m: Matrix, ws: Workspace, roles: dict[str, Role], method: str, path: str,
                 fields: dict[str, str], session_route: bool) -> None:
    """One write route × every role: the refused ones first (database unchanged), then the
    allowed ones (no 5xx)."""
    refused: list[tuple[str, Any]] = []
    for name in REFUSED:
        if session_route and name not in ("admin_no_csrf", "admin_wrong_csrf"):
            continue
        before = db_state(ws)
        r = _request(roles[name], method, path, fields)
        refused.append((name, r))
        after = db_state(ws)
        if after != before:
            changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
            m.failures.append(f"{method} {path} als {name}: database gewijzigd {changed}")
    others = ALLOWED_WRITERS + (("anonymous", "viewer", "editor_other_area")
                                if session_route else ())
    allowed: dict[str, Any] = {}
    for name in others:
        r = allowed[name] = _request(roles[name], method, path, fields)
        m.note(name, _outcome(r.status_code, r.headers.get("location", "")))
        if name == "admin":
            m.admin_writes[_outcome(r.status_code, r.headers.get("location", ""))] += 1
        if r.status_code >= 500:
            m.failures.append(f"{method} {path} als {name}: {r.status_code}")
    admin_invalid = 400 <= allowed["admin"].status_code < 500
    for name, r in refused:
        if r.status_code in REFUSED[name]:
            m.note(name, "refused")
        elif r.status_code == 422 and admin_invalid:
            # input the admin is refused for too: the route checks it before the credentials
            m.note(name, "invalid_input_first")
            m.validation_first.add(f"{method} {path}")
        else:
            m.note(name, _outcome(r.status_code, r.headers.get("location", "")))
            m.failures.append(f"{method} {path} als {name}: {r.status_code}, verwacht "
                              f"{sorted(REFUSED[name])}: {r.text[:200]!r}")


def run_matrix(app: Any, roles: dict[str, Role]) -> Matrix:
    ws = app.state.ctx.ws
    routes = discover_routes(app)
    m = Matrix(routes=len(routes))
    forms: list[tuple[str, dict[str, str]]] = []
    # GET: every reader role
    for route, path in iter_get_paths(app, routes):
        m.get_routes += 1
        for name in READERS:
            r = _request(roles[name], "GET", path)
            outcome = _outcome(r.status_code, r.headers.get("location", ""))
            m.note(name, outcome)
            if outcome == "server_error":
                m.failures.append(f"GET {path} als {name}: {r.status_code}")
            if name == "admin" and "text/html" in r.headers.get("content-type", ""):
                forms += scrape_forms(r.text, path)
            if "/audit" in route.path and name in ("anonymous", "viewer") \
                    and outcome != "refused":
                m.failures.append(f"GET {path} als {name}: {r.status_code}, verwacht geweigerd "
                                  "(view_audit)")
    # writes: refused roles first (database unchanged), then editor and admin
    for route in routes:
        if not route.writes:
            continue
        m.write_routes += 1
        path = concrete_path(route, ws)
        fields: dict[str, str] = {}
        # the fields of the form posting here (an API route: its page twin's form)
        page_twin = path.removeprefix("/api/v1")
        for action, form_fields in forms:
            bare = action.split("?")[0]
            if bare == path.split("?")[0] or route.regex.match(bare):
                path, fields = action, form_fields
            elif bare == page_twin.split("?")[0]:
                fields = form_fields
            else:
                continue
            m.forms_used += 1
            break
        session_route = route.path in SESSION_ROUTES
        for method in sorted(route.methods & WRITE_METHODS):
            _write_cells(m, ws, roles, method, path, fields, session_route)
    return m


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("matrix")
    with fresh_database_url(folder, "m") as url:
        app = build_demo_app(folder, url)
        with TestClient(app):
            yield app


@pytest.mark.slow
def test_every_route_every_role(matrix_app) -> None:  # noqa: ANN001
    roles = make_roles(matrix_app)
    m = run_matrix(matrix_app, roles)
    print("\n" + m.report())
    assert m.routes >= 50 and m.write_routes >= 3, m.report()
    assert not m.failures, "\n".join(m.failures)
    # the refusals really happened, and writes went through for the admin (a matrix where
    # everything is refused, or nothing, proves nothing)
    checked = m.write_routes - len(SESSION_ROUTES) - len(m.validation_first)
    assert m.by_role[("viewer", "refused")] >= checked > m.write_routes / 2, m.report()
    assert m.admin_writes["allowed"] >= 5, m.admin_writes


def test_resolver_fails_on_unknown_parameter(matrix_app) -> None:  # noqa: ANN001
    route = RouteInfo("/nieuw/{onbekend}", frozenset({"GET"}), ("onbekend",), (),
                      re.compile("^/nieuw/(?P<onbekend>[^/]+)$"), True)
    with pytest.raises(pytest.fail.Exception, match="RULES/BY_NAME"):
        concrete_path(route, matrix_app.state.ctx.ws)


def test_form_scraper_reads_defaults() -> None:
    html = ('<form method="post" action="/x/opslaan"><input type="hidden" name="csrf_token" '
            'value="t"><input name="versie" value="3"><select name="rol"><option value="a">'
            '<option value="b" selected></select><textarea name="n">hoi</textarea>'
            '<input type="checkbox" name="c"><input type="date" name="van"><input name="t">'
            '<textarea name="leeg"></textarea><button>Opslaan</button></form>'
            '<form method="get"><input name="q" value="1"></form>')
    assert scrape_forms(html, "/x") == [("/x/opslaan", {
        "versie": "3", "rol": "b", "n": "hoi", "van": "2027-01-01", "t": "matrix",
        "leeg": "matrix"})]
