"""One error shape for the whole web app.

Every error under ``/api/`` is answered as::

    {"error": {"type": "NotFound", "message": "...", "details": {...}}}

and every error elsewhere renders ``error.html`` with the same type and message. Library errors
(:mod:`wijkkompas.errors`) are mapped here and nowhere else; unexpected exceptions become a 500
without a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from wijkkompas.errors import (
    ConfigError,
    Conflict,
    DataError,
    Forbidden,
    FrameworkError,
    NetworkError,
    NotFound,
    TooLarge,
    Unauthenticated,
    WijkkompasError,
)
from wijkkompas.i18n import _

log = logging.getLogger("wijkkompas.web")

STATUS: dict[type[WijkkompasError], int] = {
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthenticated: 401,
    DataError: 422,
    FrameworkError: 422,
    ConfigError: 422,
    NetworkError: 502,
    TooLarge: 413,
}
HTTP_TYPES = {404: "NotFound", 405: "MethodNotAllowed", 401: "Unauthorized",
              403: "Forbidden", 409: "Conflict", 413: "PayloadTooLarge",
              422: "ValidationError"}


def error_body(kind: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": {"type": kind, "message": message, "details": details or {}}}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def respond(request: Request, status: int, kind: str, message: str,
            details: dict[str, Any] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(kind, message, details), status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html",
        {"status": status, "kind": kind, "message": message, "details": details or {},
         "api_url": "/api/v1/docs", "request_path": request.url.path,
         "request_query": str(request.url.query), "back_url": back_url(request)},
        status_code=status)


def back_url(request: Request) -> str:
    """The page a failed form came from (same host only), else the current path."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path.startswith("/") and referer.netloc in ("", request.headers.get("host")):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.url.path if request.method == "GET" else "/"


def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WijkkompasError)
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 422)
    details: dict[str, Any] = {}
    if isinstance(exc, DataError):
        details = {k: v for k, v in exc.to_dict().items()
                   if k in ("file", "row", "column", "value") and v is not None}
    elif isinstance(exc, Conflict) and exc.entity:
        details = {k: v for k, v in exc.to_dict().items()
                   if k in ("entity", "current_version", "your_version", "changes")}
    return respond(request, status, type(exc).__name__, str(exc), details)


def _problem_text(err: dict[str, Any]) -> str:
    """Pydantic's message in the page's language (its own texts are English)."""
    ctx = err.get("ctx") or {}
    texts = {
        "int_parsing": _("geen geheel getal"), "int_from_float": _("geen geheel getal"),
        "float_parsing": _("geen getal"), "bool_parsing": _("geen ja/nee-waarde"),
        "missing": _("ontbreekt"), "date_parsing": _("geen datum (JJJJ-MM-DD)"),
        "literal_error": _("kies uit {expected}"), "enum": _("kies uit {expected}"),
        "string_too_long": _("te lang (hoogstens {max_length} tekens)"),
        "string_too_short": _("te kort"),
        "greater_than_equal": _("moet minstens {ge} zijn"),
        "greater_than": _("moet meer dan {gt} zijn"),
        "less_than_equal": _("mag hoogstens {le} zijn"),
        "less_than": _("moet minder dan {lt} zijn"),
    }
    text = texts.get(str(err.get("type", "")))
    if text is None:
        return str(err.get("msg", ""))
    try:
        return text.format(**{k: str(v).replace("'", "") for k, v in ctx.items()})
    except (KeyError, IndexError):
        return str(err.get("msg", ""))


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # "query.jaar" -> "jaar": the parameter as the user typed it
    problems = [{"location": ".".join(str(p) for p in err.get("loc", ())
                                      if p not in ("query", "path", "body", "header")),
                 "type": str(err.get("type", "")),
                 "message": _problem_text(err)} for err in exc.errors()]
    message = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
    return respond(request, 422, "ValidationError",
                   _("Ongeldige invoer: {problems}").format(problems=message),
                   {"problems": problems})


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    kind = HTTP_TYPES.get(exc.status_code, "HTTPError")
    message = _("Deze pagina bestaat niet.") if exc.status_code == 404 else str(exc.detail)
    return respond(request, exc.status_code, kind, message)


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return respond(request, 500, "InternalError",
                   _("Er ging iets onverwachts mis. De fout is gelogd."))


class CatchUnexpected:
    """ASGI middleware: an unexpected exception becomes the normal 500 answer, here.

    Starlette hands ``Exception`` handlers to its outermost ``ServerErrorMiddleware``, which
    sends the handler's response and then *re-raises*; uvicorn sees the exception after a
    complete response and closes the connection, so a client's kept-alive connection was
    dropped after every 500. This middleware answers and swallows the exception instead. It is
    installed innermost (so the security headers are added to a 500 like to any answer) and
    outermost (for a failure in a middleware). An exception after the response has started
    cannot be answered any more and is re-raised: that connection is broken anyway.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise
            response = _unexpected(Request(scope, receive), exc)
            await response(scope, receive, send)


def _database_data_error(request: Request, exc: Exception) -> Response:
    # The database refused a value (PostgreSQL: longer than its column, out of range): bad
    # input, not a server fault. SQLite stores such values, so the services need not check.
    log.info("database refused a value on %s: %s", request.url.path, exc)
    return respond(request, 422, "ValidationError",
                   _("Ongeldige invoer: een waarde is te lang of past niet in de database."))


def install(app: FastAPI) -> None:
    from sqlalchemy.exc import DataError as DatabaseDataError

    app.add_exception_handler(DatabaseDataError, _database_data_error)
    app.add_exception_handler(WijkkompasError, _library_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Last resort only: CatchUnexpected answers first (see there why).
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(CatchUnexpected)
