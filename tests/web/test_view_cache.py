"""Fast pages without the response cache (issue 19): view models, JSON bodies and main blocks
cached per data version and language; the switch that turns the response cache off; the rank
interval computed once in the background."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert

from tests.web.forms import log_in
from wijkkompas.errors import ConfigError
from wijkkompas.services.shared.cache import ResultCache
from wijkkompas.settings import load_settings
from wijkkompas.store.models import ImportRun
from wijkkompas.web.config import load_web_config

CACHE = "x-wijkkompas-cache"
USER, PASSWORD = "tester-viewcache", "een-lang-wachtwoord"
TEMPLATES = Path(__file__).parents[2] / "src" / "wijkkompas" / "web" / "templates"
# Templates whose main block is rendered once and shared by every visitor (routes_html.render
# with cache=...), and what they include.
SHARED_BLOCKS = ["overzicht.html", "gebied.html", "data.html"]
SHARED_INCLUDES = ["_macros.html", "_rank_interval.html", "_monitor_area.html",
                   "_agenda_area.html", "_residents_area.html", "_means_area.html"]
PER_VISITOR = ("request", "current_user", "csrf_token", "may_view_audit")


@pytest.fixture(scope="module")
def off_app(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A second app on the demo database with the response cache switched off."""
    from wijkkompas.web import create_app

    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("offdata")),
                             user="tester")
    return create_app(settings, database_url=demo_url,
                      config=load_web_config({"WIJKKOMPAS_RESPONSE_CACHE": "uit"}))


def _user(app) -> TestClient:  # noqa: ANN001
    from wijkkompas.services.accounts.users import add_user, list_users

    if USER not in {u.name for u in list_users(app.state.ctx.ws)}:
        add_user(app.state.ctx.ws, USER, PASSWORD, role="viewer")
    c = TestClient(app)
    log_in(c, USER, PASSWORD)
    return c


@pytest.mark.parametrize(("value", "on"), [(None, True), ("ja", True), ("1", True),
                                           ("0", False), ("uit", False), ("nee", False),
                                           ("NEE", False)])
def test_response_cache_setting(value: str | None, on: bool) -> None:
    env = {} if value is None else {"WIJKKOMPAS_RESPONSE_CACHE": value}
    assert load_web_config(env).response_cache is on
    assert load_web_config(env, response_cache=False).response_cache is False  # the CLI flag


def test_response_cache_setting_refuses_other_words() -> None:
    with pytest.raises(ConfigError, match="WIJKKOMPAS_RESPONSE_CACHE='misschien'"):
        load_web_config({"WIJKKOMPAS_RESPONSE_CACHE": "misschien"})


def test_serve_accepts_no_response_cache(demo_url: str, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from wijkkompas.cli import app as cli

    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["serve", "--no-response-cache", "--db", demo_url,
                                      "--get", "/api/v1/begrippen"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), dict)


def test_off_switch_serves_every_request_fresh_with_the_header(off_app) -> None:  # noqa: ANN001
    with TestClient(off_app) as anon:
        for url in ("/data", "/api/v1/data", "/?gemeente=GM0106"):
            first, second = anon.get(url), anon.get(url)
            assert first.status_code == second.status_code == 200
            assert (first.headers[CACHE], second.headers[CACHE]) == ("miss", "miss")
            assert first.content == second.content  # rendered from the view cache
    assert len(off_app.state.page_cache) == 0
    assert len(off_app.state.ctx.views) > 0


def test_a_write_invalidates_the_cached_views_at_once(off_app) -> None:  # noqa: ANN001
    with TestClient(off_app) as anon:
        assert "viewcache.csv" not in anon.get("/data").text
        assert "viewcache.csv" not in anon.get("/api/v1/data").text
        now = datetime.now(UTC)
        engine = off_app.state.ctx.ws.engine
        with engine.begin() as conn:
            run_id = conn.execute(insert(ImportRun).values(
                kind="test", file_name="viewcache.csv", checksum="0" * 64, started_at=now,
                finished_at=now, user="tester", years=[], warnings=[])).inserted_primary_key[0]
        try:
            assert "viewcache.csv" in anon.get("/data").text
            assert "viewcache.csv" in anon.get("/api/v1/data").text
        finally:
            with engine.begin() as conn:
                conn.execute(delete(ImportRun).where(ImportRun.id == run_id))
        assert "viewcache.csv" not in anon.get("/data").text


def test_logged_in_page_shares_the_main_block_but_not_the_frame(app) -> None:  # noqa: ANN001
    url = "/?gemeente=GM0599"
    with _user(app) as user:
        # the anonymous page after the account exists: creating it is a write (audit trail), so
        # a page fetched before belongs to the previous data version, scored at another moment
        with TestClient(app) as anon:
            public = anon.get(url).text
        first, second = user.get(url), user.get(url)
    for r in (first, second):
        assert r.headers[CACHE] == "miss" and r.headers["cache-control"] == "no-store"
        assert f"<strong>{USER}</strong>" in r.text  # the frame is this user's
    assert USER not in public

    def main(html: str) -> str:
        return re.search(r'<main id="inhoud".*?</main>', html, re.S).group(0)

    assert main(first.text) == main(second.text) == main(public)
    assert 'name="csrf_token"' not in main(first.text)


def test_language_is_part_of_the_key(off_app) -> None:  # noqa: ANN001
    with TestClient(off_app) as anon:
        nl = anon.get("/api/v1/data").json()
        en = anon.get("/api/v1/data?lang=en").json()
        nl_page = anon.get("/data?lang=nl").text
        en_page = anon.get("/data?lang=en").text
        assert anon.get("/api/v1/data").json() == nl
    assert nl != en
    assert "Importgeschiedenis" in nl_page and "Importgeschiedenis" not in en_page


@pytest.mark.parametrize("name", SHARED_BLOCKS + SHARED_INCLUDES)
def test_shared_blocks_use_nothing_of_the_visitor(name: str) -> None:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    if name in SHARED_BLOCKS:
        text = re.search(r"{% block main %}(.*?){% endblock %}", text, re.S).group(1)
        for included in re.findall(r'{% (?:include|from) "([^"]+)"', text):
            assert included in SHARED_INCLUDES, f"{name} includes {included}: check it too"
    for word in PER_VISITOR:
        assert not re.search(rf"\b{word}\b", text), f"{name} uses {word} in a shared block"


def test_rank_interval_in_the_background_once(off_app) -> None:  # noqa: ANN001
    ctx = off_app.state.ctx
    ctx.cache.clear()
    url = "/gebied/WK001401"
    with TestClient(off_app) as anon:
        results: list[str] = []
        threads = [threading.Thread(target=lambda: results.append(anon.get(url).text))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 4
        sensitivity = [k for k in ctx.cache._items if k[0] == "sensitivity"]
        running = [k for k in ctx.cache._running if k[0] == "sensitivity"]
        assert len(sensitivity) + len(running) == 1  # one computation for four requests
        deadline = time.monotonic() + 60
        while "hx-get=\"/gebied/WK001401/ranginterval" in (page := anon.get(url).text):
            assert time.monotonic() < deadline, "the rank interval never became ready"
            time.sleep(0.2)
        assert "Rangonzekerheid per opgave" in page  # now inline
        assert len([k for k in ctx.cache._items if k[0] == "sensitivity"]) == 1


def test_start_is_a_single_flight() -> None:
    cache = ResultCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    assert cache.start("k", slow) is False
    assert cache.start("k", slow) is False  # running: not a second thread
    got: list[int] = []
    waiters = [threading.Thread(target=lambda: got.append(cache.get("k", slow)))
               for _ in range(3)]
    for t in waiters:
        t.start()
    time.sleep(0.05)
    gate.set()
    for t in waiters:
        t.join(5)
    assert got == [42, 42, 42] and len(calls) == 1
    assert cache.start("k", slow) is True


def test_failed_background_computation_is_not_restarted() -> None:
    cache = ResultCache()
    calls: list[int] = []

    def bad() -> int:
        calls.append(1)
        raise ValueError("kapot")

    assert cache.start("k", bad) is False
    deadline = time.monotonic() + 5
    while cache._running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.start("k", bad) is False and not cache._running  # not started again
    assert calls == [1]
    with pytest.raises(ValueError, match="kapot"):  # a request that needs it sees the error
        cache.get("k", bad)


def test_failed_computation_leaves_no_lock_and_is_retried() -> None:
    cache = ResultCache()

    def bad() -> int:
        raise ValueError("kapot")

    for _ in range(3):
        with pytest.raises(ValueError, match="kapot"):
            cache.get(("x", 1), bad)
    assert cache._key_locks == {} and len(cache) == 0
    assert cache.get(("x", 1), lambda: 7) == 7
