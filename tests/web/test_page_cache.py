"""The response cache for anonymous GET requests (wijkkompas.web.page_cache)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert

from wijkkompas.store.models import ImportRun
from wijkkompas.web.page_cache import CachedResponse, PageCache

CACHE = "x-wijkkompas-cache"


@pytest.fixture
def anon(app):  # noqa: ANN001, ANN201
    """A fresh anonymous client and an empty page cache."""
    app.state.page_cache.clear()
    with TestClient(app) as c:
        yield c


def _twice(c: TestClient, url: str, **kwargs: object) -> tuple:
    first, second = c.get(url, **kwargs), c.get(url, **kwargs)
    assert first.status_code == second.status_code == 200
    return first, second


@pytest.mark.parametrize("url", ["/?gemeente=GM0599", "/gebied/WK059901", "/data",
                                 "/monitor", "/kader/rotterdam"])
def test_second_anonymous_get_is_a_hit(anon, url: str) -> None:  # noqa: ANN001
    if url.startswith("/gebied/"):  # the rank interval ready, so the profile shows it inline
        assert anon.get(f"{url}/ranginterval", headers={"HX-Request": "true"}).status_code == 200
    first, second = _twice(anon, url)
    assert first.headers[CACHE] == "miss" and second.headers[CACHE] == "hit"
    assert first.content == second.content
    assert second.headers["content-type"].startswith("text/html")
    assert second.headers["x-content-type-options"] == "nosniff"  # security headers kept
    assert "set-cookie" not in second.headers


@pytest.mark.parametrize("url", ["/api/v1/overzicht?gemeente=GM0599", "/api/v1/gebied/WK059901",
                                 "/api/v1/ranglijst.csv?gemeente=GM0014",
                                 "/api/v1/ranglijst.xlsx?gemeente=GM0014",
                                 "/api/v1/ranglijst.geojson?gemeente=GM0106"])
def test_api_and_downloads_cached_the_same_way(anon, url: str) -> None:  # noqa: ANN001
    first, second = _twice(anon, url)
    assert (first.headers[CACHE], second.headers[CACHE]) == ("miss", "hit")
    assert first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]
    assert first.headers.get("content-disposition") == second.headers.get("content-disposition")


def test_query_order_does_not_matter_but_values_do(anon) -> None:  # noqa: ANN001
    assert anon.get("/api/v1/overzicht?gemeente=GM0153&opgave=potentie").status_code == 200
    assert anon.get("/api/v1/overzicht?opgave=potentie&gemeente=GM0153").headers[CACHE] == "hit"
    assert anon.get("/api/v1/overzicht?gemeente=GM0014&opgave=potentie").headers[CACHE] == "miss"


def test_import_changes_the_data_version(anon, app) -> None:  # noqa: ANN001
    _twice(anon, "/?gemeente=GM0599")
    assert anon.get("/api/v1/data").headers[CACHE] == "miss"
    assert anon.get("/api/v1/data").headers[CACHE] == "hit"
    now = datetime.now(UTC)
    engine = app.state.ctx.ws.engine
    with engine.begin() as conn:
        run_id = conn.execute(insert(ImportRun).values(
            kind="test", file_name="page-cache.csv", checksum="0" * 64, started_at=now,
            finished_at=now, user="tester", years=[], warnings=[])).inserted_primary_key[0]
    try:
        assert anon.get("/?gemeente=GM0599").headers[CACHE] == "miss"
        data = anon.get("/api/v1/data")
        assert data.headers[CACHE] == "miss" and "page-cache.csv" in data.text
        assert anon.get("/?gemeente=GM0599").headers[CACHE] == "hit"
    finally:
        with engine.begin() as conn:
            conn.execute(delete(ImportRun).where(ImportRun.id == run_id))


def test_monitor_target_write_changes_the_data_version(anon, app) -> None:  # noqa: ANN001
    from wijkkompas.services.monitor.usecases import edit_target

    url = "/monitor/doel/zuid-2031"
    _twice(anon, url)
    api = "/api/v1/monitor/doel/zuid-2031"
    _twice(anon, api)
    edit_target(app.state.ctx.ws, "zuid-2031", {"name": "Zuid gewijzigd (page cache)"},
                reason="page cache test")
    try:
        page = anon.get(url)
        assert page.headers[CACHE] == "miss" and "Zuid gewijzigd (page cache)" in page.text
        assert anon.get(api).headers[CACHE] == "miss"
        assert anon.get(url).headers[CACHE] == "hit"
    finally:
        edit_target(app.state.ctx.ws, "zuid-2031",
                    {"name": "Rotterdam-Zuid op het gemiddelde in 2031"},
                    reason="page cache test: terug")


def test_language_variants_are_separate(anon) -> None:  # noqa: ANN001
    nl = anon.get("/data")
    assert nl.headers[CACHE] == "miss" and nl.headers["content-language"] == "nl"
    en = anon.get("/data?lang=en")  # sets the lang cookie (added outside the cache)
    assert en.headers[CACHE] == "miss" and en.headers["content-language"] == "en"
    assert "lang=en" in en.headers["set-cookie"]
    assert anon.get("/data?lang=en").headers[CACHE] == "hit"
    # The remembered language (cookie) is part of the key: not the Dutch entry.
    en2, en3 = anon.get("/data"), anon.get("/data")
    assert (en2.headers[CACHE], en3.headers[CACHE]) == ("miss", "hit")
    assert en3.headers["content-language"] == "en" and en3.content != nl.content
    assert en3.content == en2.content
    with TestClient(anon.app) as fresh:  # no lang cookie: the Dutch entry
        nl2 = fresh.get("/data")
        assert nl2.headers[CACHE] == "hit" and nl2.content == nl.content


def test_htmx_requests_are_keyed_by_hx_request(anon) -> None:  # noqa: ANN001
    url = "/kader/rotterdam/wat-als?w.fysiek_wonen=3"
    fragment, again = _twice(anon, url, headers={"HX-Request": "true"})
    assert (fragment.headers[CACHE], again.headers[CACHE]) == ("miss", "hit")
    assert "<html" not in fragment.text
    plain = anon.get(url, follow_redirects=False)  # without htmx: a redirect, never the fragment
    assert plain.headers[CACHE] == "miss" and plain.status_code != 200
    assert anon.get(url, headers={"HX-Request": "true"}).content == fragment.content


def _login(app) -> TestClient:  # noqa: ANN001
    from wijkkompas.services.accounts.users import add_user, list_users

    name, password = "tester-pagecache", "een-lang-wachtwoord"
    if name not in {u.name for u in list_users(app.state.ctx.ws)}:
        add_user(app.state.ctx.ws, name, password)
    c = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inloggen").text).group(1)
    r = c.post("/inloggen", data={"name": name, "password": password, "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303 and "wk_session" in c.cookies
    return c


def test_logged_in_requests_never_cached_nor_served_from_cache(anon, app) -> None:  # noqa: ANN001
    url = "/kader/rotterdam?w.fysiek_wonen=3"
    _twice(anon, url)  # an anonymous entry exists
    with _login(app) as user:
        size = len(app.state.page_cache)
        for _ in range(2):
            r = user.get(url)
            assert r.headers[CACHE] == "miss" and "tester-pagecache" in r.text
            assert r.headers["cache-control"] == "no-store"
        r = user.get("/api/v1/data")
        assert r.headers[CACHE] == "miss"
        assert len(app.state.page_cache) == size
    # An invalid (e.g. expired) session cookie also bypasses the cache.
    anon.cookies.set("wk_session", "nonsense")
    assert anon.get(url).headers[CACHE] == "miss"


def test_lazy_placeholder_pages_kept_briefly(anon, app, monkeypatch) -> None:  # noqa: ANN001
    from wijkkompas.web import page_cache

    url = "/gebied/BU05990110"
    app.state.ctx.cache.clear()  # the rank interval is not ready: a placeholder is shown
    assert [anon.get(url).headers[CACHE] for _ in range(2)] == ["miss", "hit"]
    assert anon.get(f"{url}/ranginterval", headers={"HX-Request": "true"}).status_code == 200
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + 11)  # the 10 s are over
    inline = anon.get(url)
    assert inline.headers[CACHE] == "miss"
    assert [anon.get(url).headers[CACHE] for _ in range(2)] == ["hit", "hit"]  # kept for good


def test_set_cookie_and_csrf_pages_not_cached(anon, app) -> None:  # noqa: ANN001
    # /inloggen carries a CSRF token (and, on the first visit, sets the CSRF cookie).
    for _ in range(3):
        r = anon.get("/inloggen")
        assert r.headers[CACHE] == "miss" and 'name="csrf_token"' in r.text
    assert len(app.state.page_cache) == 0


def test_storable_rules() -> None:
    from wijkkompas.web.page_cache import _storable

    html = [(b"content-type", b"text/html; charset=utf-8")]
    assert _storable(200, html, {})
    assert not _storable(404, html, {})
    assert not _storable(200, [*html, (b"set-cookie", b"a=b")], {})
    assert not _storable(200, [*html, (b"cache-control", b"no-store")], {})
    assert not _storable(200, html, {"csrf_rendered": True})
    assert not _storable(200, [(b"content-type", b"text/markdown")], {})


def test_csrf_bearing_response_is_never_stored(app) -> None:  # noqa: ANN001
    """A route rendering a token (even without setting a cookie) is not stored; checked with a
    throw-away route on a separate app."""
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse

    from wijkkompas.web.page_cache import PageCacheMiddleware

    tiny = FastAPI()
    cache = PageCache(maxsize=8)
    tiny.add_middleware(PageCacheMiddleware, cache=cache, version=lambda: "v1")

    @tiny.get("/form")
    def form(request: Request) -> HTMLResponse:
        request.state.csrf_rendered = True
        return HTMLResponse('<form><input name="x"></form>')

    @tiny.get("/inline")
    def inline() -> HTMLResponse:
        return HTMLResponse('<input type="hidden" name="csrf_token" value="t">')

    @tiny.get("/plain")
    def plain() -> HTMLResponse:
        return HTMLResponse("<p>ok</p>")

    with TestClient(tiny) as c:
        for url in ("/form", "/inline"):
            assert [c.get(url).headers[CACHE] for _ in range(2)] == ["miss", "miss"]
        assert [c.get("/plain").headers[CACHE] for _ in range(2)] == ["miss", "hit"]
        assert c.head("/plain").headers[CACHE] == "miss"  # HEAD is keyed apart from GET
    assert len(cache) == 1


def test_lru_is_bounded_by_entries_and_bytes() -> None:
    cache = PageCache(maxsize=2, max_bytes=10, max_entry_bytes=6)
    for key in ("a", "b", "c"):
        cache.put(key, CachedResponse(200, (), b"xx"))
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") is not None
    cache.put("big", CachedResponse(200, (), b"x" * 7))  # over the entry limit
    assert cache.get("big") is None
    cache.put("d", CachedResponse(200, (), b"x" * 6))
    cache.put("e", CachedResponse(200, (), b"x" * 6))  # 12 bytes > 10: the oldest goes
    assert cache.get("d") is None and cache.get("e") is not None


def test_page_cache_size_is_a_setting() -> None:
    from wijkkompas.web.config import WEB_SETTINGS, load_web_config

    setting = {s.name: s for s in WEB_SETTINGS}["page_cache_size"]
    assert setting.env == "WIJKKOMPAS_PAGE_CACHE_SIZE" and setting.help
    assert load_web_config({}).page_cache_size == 256
    assert load_web_config({"WIJKKOMPAS_PAGE_CACHE_SIZE": "0"}).page_cache_size == 0
