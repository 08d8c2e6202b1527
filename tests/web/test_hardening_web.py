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
    from wijkkompas.services.accounts.users import add_user, list_users

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


@pytest.fixture(scope="module", autouse=True)
def _leave_the_shared_database_as_found(app) -> Iterator[None]:  # noqa: ANN001
    """The demo database is shared by the package: remove what these tests stored."""
    yield
    from sqlalchemy import delete

    from wijkkompas.monitor.store import MonitorTarget, MonitorTargetVersion
    from wijkkompas.partners.store import Partner

    with app.state.ctx.ws.engine.begin() as conn:
        ids = select(MonitorTarget.id).where(MonitorTarget.code.like("hard-%"))
        conn.execute(delete(MonitorTargetVersion).where(MonitorTargetVersion.target_id.in_(ids)))
        conn.execute(delete(MonitorTarget).where(MonitorTarget.code.like("hard-%")))
        conn.execute(delete(Partner).where(Partner.name == "Precies genoeg"))


def _target_count(app) -> int:  # noqa: ANN001
    from wijkkompas.monitor.store import MonitorTarget

    with app.state.ctx.ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(MonitorTarget)).scalar_one())


def _score_target(token: str, kader: str, code: str = "hard-kader") -> dict[str, object]:
    return {"csrf_token": token, "code": code, "naam": "Sociaal op Zuid",
            "gebieden": ["WK059905"], "meting": "opgave", "opgave": "sociaal", "kader": kader,
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
    from wijkkompas.services.monitor import usecases as svc

    target = Target(code="oud-pad", name="oud", areas=("WK059910",), measure="score",
                    subject="sociaal", framework="/etc/passwd", kind="change", value=1.0,
                    baseline_year=2016, target_year=2031, direction="higher_better")
    with pytest.raises(NotFound) as err:
        svc.target_series(app.state.ctx.ws, target)
    assert "passwd" not in str(err.value)


# --- 4. security headers on every response -------------------------------------------------

HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
           "referrer-policy": "same-origin"}


def _assert_secure(r) -> None:  # noqa: ANN001
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.status_code)
    csp = r.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ") if d}
    assert directives["script-src"] == ["'self'"], csp
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in directives["script-src"]


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), [
    ("GET", "/", {}, 200),
    ("GET", "/api/v1/overzicht", {}, 200),
    ("GET", "/api/v1/ranglijst.csv", {}, 200),
    ("GET", "/static/js/wijkkompas.js", {}, 200),
    ("GET", "/static/vendor/plotly.min.js", {}, 200),
    ("GET", "/inloggen", {}, 200),
    ("GET", "/bestaat-niet", {}, 404),
    ("GET", "/api/v1/bestaat-niet", {}, 404),
    ("GET", "/api/v1/gebied/XX0000", {}, 404),
    ("GET", "/?gemeente=%00", {}, 422),
    ("POST", "/api/v1/partners", {"content": b'{"naam": "a\\u0000b"}',
                                  "headers": {"content-type": "application/json"}}, 422),
    ("POST", "/api/v1/partners", {"json": {"naam": "x" * (2 * 1024 * 1024)}}, 413),
    ("POST", "/inloggen", {"data": {"name": "x" * (2 * 1024 * 1024)}}, 413),
    ("POST", "/api/v1/partners", {"json": {"naam": "x"}}, 403),
])
def test_every_answer_carries_the_security_headers(client, method, url, kwargs, status) -> None:  # noqa: ANN001
    r = client.request(method, url, **kwargs)
    assert r.status_code == status, r.text[:300]
    _assert_secure(r)


def test_a_500_carries_the_security_headers(demo_url, tmp_path) -> None:  # noqa: ANN001
    from wijkkompas.settings import load_settings
    from wijkkompas.web import create_app

    app = create_app(load_settings({}, data_dir=str(tmp_path), user="t"),
                     database_url=demo_url)

    def broken() -> None:
        raise RuntimeError("geheime-foutmelding")

    app.add_api_route("/api/v1/kapot", broken)
    app.add_api_route("/kapot", broken)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            for url in ("/api/v1/kapot", "/kapot"):
                r = c.get(url)
                assert r.status_code == 500
                assert "geheime-foutmelding" not in r.text  # no stack trace, no message
                _assert_secure(r)
            assert c.get("/api/v1/kapot").json()["error"]["type"] == "InternalError"
    finally:
        app.state.ctx.ws.close()


# --- 3. request body limits ------------------------------------------------------------------


def test_a_large_body_gets_413_in_the_error_shape(client) -> None:  # noqa: ANN001
    r = client.post("/api/v1/partners", json={"naam": "x" * (1024 * 1024 + 1)})
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["type"] == "PayloadTooLarge" and "1 MB" in error["message"]
    assert error["details"] == {"limit_bytes": 1024 * 1024}
    page = client.post("/inloggen?lang=en", data={"name": "x" * (1024 * 1024 + 1)})
    assert page.status_code == 413 and "The request is too large" in page.text


def test_limits_are_settings() -> None:
    from wijkkompas.errors import ConfigError
    from wijkkompas.web.config import load_web_config

    config = load_web_config({"WIJKKOMPAS_MAX_BODY_BYTES": "2kB",
                              "WIJKKOMPAS_MAX_UPLOAD_BYTES": "3 MB"})
    assert (config.max_body_bytes, config.max_upload_bytes) == (2048, 3 * 1024 * 1024)
    default = load_web_config({})
    assert (default.max_body_bytes, default.max_upload_bytes) == (1024 ** 2, 20 * 1024 ** 2)
    with pytest.raises(ConfigError):
        load_web_config({"WIJKKOMPAS_MAX_BODY_BYTES": "veel"})


@pytest.fixture
def small_app(demo_url, tmp_path) -> Iterator:  # noqa: ANN001
    """The app with small limits (so the tests need no megabytes)."""
    from wijkkompas.settings import load_settings
    from wijkkompas.web import create_app
    from wijkkompas.web.config import load_web_config

    config = load_web_config({}, max_body_bytes="4kB", max_upload_bytes="64kB",
                             max_import_rows="50")
    app = create_app(load_settings({}, data_dir=str(tmp_path), user="t"),
                     database_url=demo_url, config=config)
    yield app
    app.state.ctx.ws.close()


def test_an_upload_without_length_is_counted_while_it_streams(small_app) -> None:  # noqa: ANN001
    """A chunked multipart body (no Content-Length) passing the upload limit: 413."""
    boundary = "grens"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; "
            f"filename=\"a.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    sent = []

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(100):  # 100 x 8 kB = 800 kB, limit 64 kB
            sent.append(8192)
            yield b"\x01" * 8192
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(small_app) as c:
        r = c.post("/api/v1/agenda/import", content=body(),
                   headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["type"] == "PayloadTooLarge"
    _assert_secure(r)
    r = TestClient(small_app).post("/api/v1/agenda/import",
                                   files={"bestand": ("a.xlsx", b"\x01" * 70_000)})
    assert r.status_code == 413  # declared length over the limit: refused unread


def test_a_form_without_length_stops_at_the_limit(small_app) -> None:  # noqa: ANN001
    def body() -> Iterator[bytes]:
        yield b"name="
        for _ in range(10):
            yield b"x" * 1024

    with TestClient(small_app) as c:
        r = c.post("/inloggen", content=body(),
                   headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    _assert_secure(r)


# --- 3. workbook imports: a worker thread, row and size limits -----------------------------


def _agenda_workbook(extra_cost_rows: int) -> bytes:
    """The demo agenda as a workbook with ``extra_cost_rows`` more rows on 'Kosten'."""
    import io
    import tempfile

    from openpyxl import load_workbook

    from wijkkompas.agenda.excel import write_workbook
    from wijkkompas.services.agenda.usecases import demo_agenda

    with tempfile.TemporaryDirectory() as tmp:
        wb = load_workbook(write_workbook(demo_agenda(), Path(tmp) / "a.xlsx"))
    sheet = wb["Kosten"]
    for i in range(extra_cost_rows):
        sheet.append([f"M{i}", 2030, 1.0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _agenda_count(app) -> int:  # noqa: ANN001
    from wijkkompas.services.agenda.usecases import list_agendas

    return len(list_agendas(app.state.ctx.ws))


def test_a_workbook_over_the_row_limit_is_refused_with_413(small_app) -> None:  # noqa: ANN001
    client, token = _login(small_app, "hard-import", "editor")
    before = _agenda_count(small_app)
    with client:
        r = client.post("/api/v1/agenda/import", files={
            "bestand": ("groot.xlsx", _agenda_workbook(extra_cost_rows=60))},
            headers={"X-CSRF-Token": token})
        assert r.status_code == 413, r.text
        error = r.json()["error"]
        assert error["type"] == "TooLarge" and "meer dan 50 rijen" in error["message"]
        assert error["message"].startswith("groot.xlsx: een werkblad heeft meer dan 50 rijen")
        page = client.post("/agenda/import", data={"csrf_token": token}, files={
            "bestand": ("groot.xlsx", _agenda_workbook(extra_cost_rows=60))})
        assert page.status_code == 413 and "meer dan 50 rijen" in page.text
        _assert_secure(page)
    assert _agenda_count(small_app) == before


def test_an_uploaded_file_name_never_reaches_the_file_system(app, editor) -> None:  # noqa: ANN001
    """The name only labels messages: slashes, dots and a NUL change nothing."""
    client, token = editor
    for name in ("../../../tmp/x.xlsx", "a\x00.xlsx", "/etc/passwd.xlsx"):
        r = client.post("/api/v1/agenda/import", files={"bestand": (name, b"geen werkmap")},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["type"] == "DataError"


def test_the_row_limit_holds_for_any_sheet_layout(tmp_path) -> None:  # noqa: ANN001
    """Rows are counted in the sheet XML before openpyxl reads it (openpyxl scans a whole
    sheet that declares no size); under the limit the workbook is read as before."""
    from wijkkompas.agenda import excel
    from wijkkompas.errors import TooLarge

    path = tmp_path / "groot.xlsx"
    path.write_bytes(_agenda_workbook(extra_cost_rows=60))
    with pytest.raises(TooLarge, match="een werkblad heeft meer dan 50 rijen"):
        excel.read_workbook(path, max_rows=50)
    with pytest.raises(excel.WorkbookError, match="kosten voor een onbekende maatregel"):
        excel.read_workbook(path, max_rows=1000)  # read in full: the extra rows are wrong
    ok = tmp_path / "demo.xlsx"
    ok.write_bytes(_agenda_workbook(extra_cost_rows=0))
    assert excel.read_workbook(ok, max_rows=1000).measures


def test_a_zip_bomb_workbook_is_refused(tmp_path) -> None:  # noqa: ANN001
    import zipfile

    from wijkkompas.agenda import excel
    from wijkkompas.errors import TooLarge

    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"<a>" + b" " * (excel.MAX_UNPACKED_BYTES + 1))
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(TooLarge, match="uitgepakt"):
        excel.read_workbook(path)


# --- 3. text fields have a length limit -----------------------------------------------------


def _partner_count(app) -> int:  # noqa: ANN001
    from wijkkompas.partners.store import Partner

    with app.state.ctx.ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Partner)).scalar_one())


@pytest.mark.parametrize(("url", "fields", "message"), [
    ("/api/v1/partners", {"naam": "Lange notitie", "soort": "politie",
                          "notities": "x" * 10_001}, "notities: te lang (10001 tekens; "
                                                     "maximaal 10000)"),
    ("/api/v1/partners", {"naam": "N" * 201, "soort": "politie"}, "partner: te lang"),
    ("/api/v1/kernteams/WK059910", {"naam": "Kernteam", "mandaat": "m" * 10_001},
     "mandaat: te lang"),
    ("/api/v1/kernteams/WK059910/leden", {"naam": "Lid", "rol": "r" * 101}, "rol: te lang"),
    ("/api/v1/kernteams/WK059910/besluiten", {"besluit": "b" * 10_001}, "besluit: te lang"),
    ("/api/v1/monitor/doelen", {"code": "lang-doel", "naam": "d" * 201,
                                "gebieden": ["WK059910"], "meting": "indicator",
                                "indicator": "a_inw", "soort": "change", "waarde": "5",
                                "basisjaar": "2016", "doeljaar": "2031", "richting": "higher_better"},
     "name: te lang"),
    ("/api/v1/monitor/doelen", {"code": "lange-reden", "naam": "doel",
                                "gebieden": ["WK059910"], "meting": "indicator",
                                "indicator": "a_inw", "soort": "change", "waarde": "5",
                                "basisjaar": "2016", "doeljaar": "2031",
                                "reden": "r" * 2_001, "richting": "higher_better"},
     "reden: te lang"),
])
def test_long_text_is_refused_with_422(app, admin, url, fields, message) -> None:  # noqa: ANN001
    client, token = admin
    partners, targets = _partner_count(app), _target_count(app)
    r = client.post(url, json=fields, headers={"X-CSRF-Token": token})
    assert r.status_code == 422, r.text[:300]
    assert message in r.json()["error"]["message"]
    assert (_partner_count(app), _target_count(app)) == (partners, targets)


def test_a_partner_note_at_the_limit_is_stored(app, admin) -> None:  # noqa: ANN001
    client, token = admin
    r = client.post("/api/v1/partners", json={"naam": "Precies genoeg", "soort": "politie",
                                              "notities": "x" * 10_000},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text[:300]


def test_an_overlong_password_is_refused_without_hashing(app) -> None:  # noqa: ANN001
    from wijkkompas.errors import ConfigError
    from wijkkompas.services.accounts.users import add_user, authenticate

    ws = app.state.ctx.ws
    with pytest.raises(ConfigError, match="wachtwoord: te lang"):
        add_user(ws, "lang-wachtwoord", "p" * 1_025)
    assert authenticate(ws, "hard-beheerder", "p" * 100_000) is None


def _serve(app) -> Iterator[int]:  # noqa: ANN001
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", proxy_headers=False,
                                           lifespan="off"))  # the shared app stays open
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_a_real_server_stops_reading_at_the_limit(app, chunked: bool) -> None:  # noqa: ANN001
    """Over a socket, as an attacker would send it: 64 MB of JSON, anonymous. The answer is
    413 long before the client could send it all (the server stopped reading)."""
    import select
    import socket

    total, piece = 64 * 1024 * 1024, b"x" * 65536

    def attempt(port: int) -> tuple[bytes, int]:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        head = "POST /api/v1/partners HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n"
        sock.sendall((head + "\r\n").encode())
        sock.setblocking(False)
        sent, answer, pending = 0, b"", b""
        try:
            while b"\r\n\r\n" not in answer:
                more = sent < total or pending
                readable, writable, _ = select.select([sock], [sock] if more else [], [], 30)
                assert readable or writable, "no answer within 30 s"
                if readable:
                    data = sock.recv(65536)
                    if not data:
                        break
                    answer += data
                elif writable:
                    if not pending:
                        pending = (b"10000\r\n" + piece + b"\r\n") if chunked else piece
                        sent += len(piece)
                    try:
                        pending = pending[sock.send(pending):]
                    except BlockingIOError:
                        continue
        except (ConnectionResetError, BrokenPipeError):
            # The server answered and closed while we were still sending; the kernel may drop
            # the unread answer with the reset. Said as such (the caller retries once or twice).
            if not answer:
                answer = b"RESET"
        finally:
            sock.close()
        return answer, sent

    for port in _serve(app):
        for _ in range(3):
            answer, sent = attempt(port)
            if answer != b"RESET":
                break
        assert sent < total // 4, sent
