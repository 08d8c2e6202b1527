"""An in-memory cache of whole responses for anonymous GET requests.

Rendering a page (Jinja templates, plotly figures serialised to JSON) costs 15–50 ms of CPU
even when every building block comes from the result cache; under concurrent load that CPU is
the bottleneck. Most requests come from visitors who are not logged in and see exactly the same
bytes for the same URL, language and data version, so the finished response is kept.

What is cached (everything else passes through untouched):

* method GET or HEAD, no ``wk_session`` cookie and no ``Authorization`` header (anonymous);
* not ``/inloggen``, ``/uitloggen`` or ``/static``;
* status 200, no ``Set-Cookie``, no ``Cache-Control: no-store``/``private``, a content type in
  :data:`CACHEABLE_TYPES`, a body of at most ``max_entry_bytes``;
* no CSRF token was rendered while answering (:func:`wijkkompas.web.auth.csrf_token` marks the
  request) and the body contains no ``csrf_token`` form field;
* the route did not call :func:`dont_cache` (the optimised-agenda page while its result is
  still being computed). The profile page with a lazy rank-interval placeholder calls
  :func:`provisional` and is kept for 10 seconds only, so the inline version appears soon after
  the interval is ready.

The key is ``(method, path, query string sorted by parameter name, language, HX-Request header,
data version)``. The language is ``?lang=`` or, for pages (not ``/api/``), the ``lang`` cookie,
exactly as the app's language middleware picks it. The data version is
:func:`wijkkompas.services.shared.cache.data_version` (one small query), which changes on
every import and on writes to monitor targets/pilots, agendas and framework versions; entries of
an old version are never served again and age out of the LRU. The version read here is handed
to the request's :class:`~wijkkompas.services.shared.context.ViewContext`
(``scope["state"]["data_version"]``), so a miss does not query it twice.

Every response that passes through carries ``X-Wijkkompas-Cache: hit`` or ``miss``.

The whole response cache can be switched off (``wijkkompas serve --no-response-cache`` or
``WIJKKOMPAS_RESPONSE_CACHE=0``/``uit``/``nee``): every request is then rendered from the cached
computations (:class:`~wijkkompas.services.shared.cache.ResultCache`), as for logged-in users,
and every response says ``X-Wijkkompas-Cache: miss``.

The middleware sits inside the language middleware (which adds the ``lang`` cookie after
``?lang=`` and ``Content-Language``) and outside the security middleware (whose headers, and any
new CSRF cookie, are therefore part of what is seen and stored).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wijkkompas import i18n

CACHE_HEADER = b"x-wijkkompas-cache"
SESSION_COOKIE = "wk_session"
EXCLUDED_PATHS = ("/inloggen", "/uitloggen")
EXCLUDED_PREFIXES = ("/static/",)
CACHEABLE_TYPES = (
    "text/html", "application/json", "text/csv", "application/geo+json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSRF_MARK = "csrf_rendered"  # set in request.state by auth.csrf_token
CSRF_FIELD = b'name="csrf_token"'
SKIP_MARK = "page_cache_skip"  # set by dont_cache()
TTL_MARK = "page_cache_ttl"  # set by provisional()
PROVISIONAL_SECONDS = 10.0


def dont_cache(request) -> None:  # noqa: ANN001 - a starlette Request
    """Keep this response out of the page cache."""
    setattr(request.state, SKIP_MARK, True)


def provisional(request, seconds: float = PROVISIONAL_SECONDS) -> None:  # noqa: ANN001
    """Keep this response for ``seconds`` only: a page showing a lazy placeholder for a block
    still being computed (rank interval, optimised agenda), which soon can be shown inline."""
    setattr(request.state, TTL_MARK, seconds)


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    expires: float | None = None  # time.monotonic() after which the entry is stale


class PageCache:
    """LRU of finished responses, bounded by entry count and total body bytes; thread-safe."""

    def __init__(self, maxsize: int = 256, max_bytes: int = 64 * 2**20,
                 max_entry_bytes: int = 4 * 2**20) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._items: OrderedDict[Hashable, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> CachedResponse | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and entry.expires is not None \
                    and time.monotonic() > entry.expires:
                self._bytes -= len(self._items.pop(key).body)
                entry = None
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, entry: CachedResponse) -> None:
        size = len(entry.body)
        if self.maxsize <= 0 or size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = entry
            self._bytes += size
            while self._items and (len(self._items) > self.maxsize
                                   or self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header: treat as none
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


def request_key(scope: Scope) -> tuple | None:
    """The cache key without the data version, or ``None`` when the request is not cacheable."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path: str = scope["path"]
    if path in EXCLUDED_PATHS or path.startswith(EXCLUDED_PREFIXES):
        return None
    headers = dict(scope.get("headers", ()))
    if b"authorization" in headers:
        return None
    cookies = _cookies(scope) if b"cookie" in headers else {}
    if SESSION_COOKIE in cookies:
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    items = parse_qsl(query, keep_blank_values=True)
    params = dict(items)
    remembered = None if path.startswith("/api/") else cookies.get("lang")
    lang = i18n.normalise_language(params.get("lang") or remembered)
    hx = headers.get(b"hx-request", b"").decode("latin-1")
    return (scope["method"], path, urlencode(sorted(items, key=lambda kv: kv[0])), lang, hx)


def _storable(status: int, headers: list[tuple[bytes, bytes]], state: dict) -> bool:
    if status != 200 or state.get(CSRF_MARK) or state.get(SKIP_MARK) \
            or state.get("new_csrf_cookie"):
        return False
    content_type = b""
    for name, value in headers:
        lname = name.lower()
        if lname == b"set-cookie":
            return False
        if lname == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
        if lname == b"content-type":
            content_type = value
    mime = content_type.split(b";", 1)[0].strip().decode("latin-1").lower()
    return mime in CACHEABLE_TYPES


class PageCacheMiddleware:
    """ASGI middleware serving and storing :class:`PageCache` entries (see the module text)."""

    def __init__(self, app: ASGIApp, cache: PageCache,
                 version: Callable[[], str], enabled: bool = True) -> None:
        self.app = app
        self.cache = cache
        self.version = version
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        base = request_key(scope) if scope["type"] == "http" and self.enabled else None
        if base is None:
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            await self.app(scope, receive, _tagging(send))
            return
        try:
            version = await run_in_threadpool(self.version)
        except Exception:  # noqa: BLE001 - no version, no caching; the app reports the error
            await self.app(scope, receive, _tagging(send))
            return
        key = (*base, version)
        entry = self.cache.get(key)
        if entry is not None:
            await send({"type": "http.response.start", "status": entry.status,
                        "headers": [*entry.headers, (CACHE_HEADER, b"hit")]})
            await send({"type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else entry.body})
            return

        state = scope.setdefault("state", {})
        state["data_version"] = version
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                headers = list(message.get("headers", ()))
                keep = _storable(message["status"], headers, state)
                message = {**message, "headers": [*headers, (CACHE_HEADER, b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                if size > self.cache.max_entry_bytes:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(body)
                if not message.get("more_body", False) and keep and start is not None:
                    data = b"".join(chunks)
                    # Checked again at the end: a token may be rendered lazily while streaming.
                    if not (state.get(CSRF_MARK) or state.get(SKIP_MARK)) \
                            and CSRF_FIELD not in data:
                        ttl = state.get(TTL_MARK)
                        self.cache.put(key, CachedResponse(
                            start["status"], tuple(start.get("headers", ())), data,
                            None if ttl is None else time.monotonic() + float(ttl)))
            await send(message)

        await self.app(scope, receive, capture)


def _tagging(send: Send) -> Send:
    async def tagged(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()),
                                              (CACHE_HEADER, b"miss")]}
        await send(message)

    return tagged
