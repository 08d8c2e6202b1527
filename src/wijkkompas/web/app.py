"""The FastAPI application factory.

    >>> from wijkkompas.web import create_app
    >>> app = create_app(database_url="sqlite:////tmp/demo.sqlite")  # doctest: +SKIP

Nothing happens at import time: the factory opens the workspace, creates the result cache and
the template environment, and wires the routes. Pages (HTML) and their JSON twins call the same
view service; errors of every kind leave through :mod:`wijkkompas.web.errors`.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from wijkkompas import __version__, i18n
from wijkkompas.errors import WijkkompasError
from wijkkompas.services.shared.cache import ResultCache
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.settings import Settings, as_database_url, load_settings
from wijkkompas.web.config import WebConfig, load_web_config

OPEN_PATHS = frozenset({"/inloggen", "/uitloggen", "/favicon.ico"})
VIEW_CACHE_SIZE = 128  # finished view models and JSON bodies (ViewContext.view)


def package_dir() -> Path:
    return Path(str(resources.files("wijkkompas.web")))


def plotly_js_path() -> Path:
    """plotly.min.js as shipped in the installed plotly package (no second copy, no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _json_script(value: object) -> Markup:
    """JSON that is safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``
    left, so it cannot close the element; marked safe so autoescaping leaves it intact)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("&", "\\u0026"))


def language_url(path: str, query: str, lang: str) -> str:
    """The current page in another language."""
    from urllib.parse import parse_qsl, urlencode

    items = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    items.append(("lang", lang))
    return f"{path}?{urlencode(items)}"


def _may_view_audit(request: Request) -> bool:
    from wijkkompas.permissions import can
    from wijkkompas.web.auth import reading_account

    try:
        return can(reading_account(request), "view_audit")
    except WijkkompasError:  # an invalid token: no menu item (the page itself says why)
        return False


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(package_dir() / "templates"))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["json_script"] = _json_script
    from wijkkompas.web.markdown import render_markdown

    env.filters["markdown"] = render_markdown
    env.globals["version"] = __version__
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["current_language"] = i18n.current_language
    env.globals["language_url"] = language_url
    from wijkkompas.services.shared.labels import entity_label, field_label, provenance_rows

    env.globals["provenance_rows"] = provenance_rows  # machine keys -> Dutch labels
    env.globals["entity_label"] = entity_label
    env.globals["field_label"] = field_label
    from wijkkompas.web.auth import csrf_token, current_user

    env.globals["csrf_token"] = csrf_token
    env.globals["may_view_audit"] = _may_view_audit  # the Audittrail menu item
    env.globals["current_user"] = current_user
    return templates


def load_secret_for(settings: Settings) -> str:
    from wijkkompas.web.auth import load_secret

    return load_secret(Path(settings.data_dir))


def create_app(settings: Settings | None = None, *, database_url: str | None = None,
               config: WebConfig | None = None) -> FastAPI:
    """Build the web app on one workspace (default: the configured database)."""
    from wijkkompas.workspace import Workspace

    settings = settings or load_settings()
    config = config or load_web_config()
    url = as_database_url(database_url) if database_url else settings.database_url
    ws = Workspace.open(url, settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        yield
        ws.close()

    app = FastAPI(
        title="wijkkompas", version=__version__, lifespan=lifespan,
        description="JSON-API van wijkkompas: elke pagina heeft hier een JSON-tweeling.",
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.config = config
    app.state.ctx = ViewContext(ws, ResultCache(maxsize=config.cache_size),
                                whatif_cache=ResultCache(maxsize=256),
                                views=ResultCache(maxsize=VIEW_CACHE_SIZE))
    app.state.templates = make_templates()
    from wijkkompas.web import auth

    app.state.auth = auth.Auth(load_secret_for(settings))
    # Innermost: partner names may hold a slash; route those paths on encoded segments.
    from wijkkompas.web.paths import EncodedSegments
    from wijkkompas.web.routes_partners import ENCODED_PREFIXES

    app.add_middleware(EncodedSegments, prefixes=ENCODED_PREFIXES)

    from wijkkompas.web.errors import CatchUnexpected

    # Innermost: an unexpected error is a normal 500 (security headers, connection kept).
    app.add_middleware(CatchUnexpected)

    @app.middleware("http")
    async def security(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        new_csrf = getattr(request.state, "new_csrf_cookie", None)
        if new_csrf:
            auth.set_cookie(response, request, auth.CSRF_COOKIE, new_csrf)
        # CSP, nosniff, frame denial, referrer policy: web/headers.py, on every response
        if getattr(request.state, "user", None) is not None:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Whole responses for anonymous visitors; inside the language middleware, outside security.
    from wijkkompas.web.page_cache import PageCache, PageCacheMiddleware

    app.state.page_cache = PageCache(maxsize=config.page_cache_size)
    app.add_middleware(PageCacheMiddleware, cache=app.state.page_cache,
                       version=lambda: app.state.ctx.for_request().version(),
                       enabled=config.response_cache)

    @app.middleware("http")
    async def language(request: Request, call_next):  # noqa: ANN001, ANN202
        # ?lang= always; the remembered choice (cookie) only for pages, so API answers
        # depend on their URL alone.
        remembered = None if request.url.path.startswith("/api/") else request.cookies.get("lang")
        token = i18n.set_language(request.query_params.get("lang") or remembered)
        try:
            response = await call_next(request)
        finally:
            i18n.reset_language(token)
        if "lang" in request.query_params:
            response.set_cookie("lang", i18n.normalise_language(request.query_params["lang"]),
                                samesite="lax", httponly=True)
        response.headers.setdefault("Content-Language", i18n.normalise_language(
            request.query_params.get("lang") or remembered))
        return response

    if not config.public:
        @app.middleware("http")
        async def private(request: Request, call_next):  # noqa: ANN001, ANN202
            # Outermost: without a login or token nothing but the login page and static files.
            path = request.url.path
            try:
                allowed = path in OPEN_PATHS or path.startswith("/static/") \
                    or auth.reading_account(request) is not None
            except WijkkompasError:  # an invalid or revoked token
                allowed = False
            if allowed:
                return await call_next(request)
            if path.startswith("/api/"):
                from wijkkompas.web.errors import error_body

                return JSONResponse(error_body("Unauthorized", i18n._(
                    "Log in of gebruik een API-token.")), status_code=401)
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/inloggen?{urlencode({'next': target})}",
                                    status_code=303)

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(plotly_js_path(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/v1/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        # Rendered from the OpenAPI schema here: Swagger UI would load from a CDN.
        return request.app.state.templates.TemplateResponse(request, "api_docs.html", {
            "schema": app.openapi(), "api_url": "/api/v1/openapi.json",
            "request_path": request.url.path, "request_query": str(request.url.query)})

    plain_openapi = app.openapi

    def openapi_with_downloads() -> dict:
        # FastAPI sees neither the bodies the write routes read themselves, nor the error
        # shape, nor what the downloads really are: wijkkompas.web.openapi adds them.
        from wijkkompas.web.openapi import complete

        if app.openapi_schema is None:
            app.openapi_schema = complete(plain_openapi(), public=config.public)
        return app.openapi_schema

    app.openapi = openapi_with_downloads  # type: ignore[method-assign]

    app.mount("/static", StaticFiles(directory=str(package_dir() / "static")), name="static")

    from wijkkompas.web import errors, routes_api, routes_auth, routes_html, routes_kader

    errors.install(app)
    from wijkkompas.web.input_guard import InputGuard  # body limits (413), NUL (422)

    app.add_middleware(InputGuard, max_body=config.max_body_bytes,
                       max_upload=config.max_upload_bytes)
    from wijkkompas.web import headers  # CSP and the other security headers: every answer
    from wijkkompas.web.config import tile_origin

    app.state.background_map = config.background_map
    headers.install(app, tile_origin(config.background_map) if config.background_map else None)
    app.include_router(routes_api.router)
    app.include_router(routes_kader.api_router)
    app.include_router(routes_auth.router)
    app.include_router(routes_kader.router)
    app.include_router(routes_html.router)
    from wijkkompas.web import routes_agenda  # investeringsagenda pages, JSON twins, downloads

    app.include_router(routes_agenda.routes)
    from wijkkompas.web import routes_monitor  # monitor pages, JSON twins, downloads

    app.include_router(routes_monitor.router)
    from wijkkompas.web import routes_partners  # partners, core teams, audit trail

    app.include_router(routes_partners.router)
    from wijkkompas.web import routes_means  # regular means: page, JSON twin, downloads

    app.include_router(routes_means.router)
    from wijkkompas.web import routes_national  # the national map, its tiles and GeoJSON

    app.include_router(routes_national.router)
    app.include_router(routes_national.api)
    from wijkkompas.web import routes_reports  # reports on paper (PDF)

    app.include_router(routes_reports.router)
    from wijkkompas.web import routes_residents  # bewoners: cijfers beside residents' voice

    app.include_router(routes_residents.router)
    app.include_router(routes_residents.api)
    from wijkkompas.web import routes_budget  # buurtbudget rounds, JSON twins, .pb download

    app.include_router(routes_budget.router)
    return app
