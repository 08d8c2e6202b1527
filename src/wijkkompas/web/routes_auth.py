"""Login and logout (minimal local accounts, see :mod:`wijkkompas.web.auth`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from wijkkompas.i18n import _
from wijkkompas.services.accounts.users import authenticate
from wijkkompas.web import auth
from wijkkompas.web.errors import respond

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths (no scheme, no host, no //) to avoid open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/kader"
    return target


def _login_page(request: Request, *, next_url: str, name: str = "", error: str | None = None,
                status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, "inloggen.html", {
        "next_url": next_url, "name": name, "error": error, "api_url": "/api/v1/docs",
        "request_path": request.url.path, "request_query": str(request.url.query)},
        status_code=status)


@router.get("/inloggen")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    return _login_page(request, next_url=safe_next(next))


@router.post("/inloggen")
def login(request: Request, name: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/kader") -> Response:  # noqa: A002
    next_url = safe_next(next)
    if not auth.check_csrf(request, csrf_token):
        return respond(request, 403, "Forbidden", _("Het formulier is verlopen of ongeldig "
                                                    "(CSRF). Laad de pagina opnieuw."))
    state = request.app.state
    ip, name = auth.client_ip(request), name.strip()[:100]
    if state.auth.limiter.blocked(ip, name):
        return _login_page(request, next_url=next_url, name=name, status=429, error=_(
            "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw."))
    account = authenticate(state.ctx.ws, name, password) if name and password else None
    if account is None:
        state.auth.limiter.failed(ip, name)
        return _login_page(request, next_url=next_url, name=name, status=401,
                           error=_("Gebruikersnaam of wachtwoord klopt niet."))
    state.auth.limiter.succeeded(ip, name)
    response = RedirectResponse(next_url, status_code=303)
    auth.set_cookie(response, request, auth.SESSION_COOKIE,
                    state.auth.session_cookie(account.id, account.name))
    response.delete_cookie(auth.CSRF_COOKIE, path="/")
    return response


@router.post("/uitloggen")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    if not auth.check_csrf(request, csrf_token):
        return respond(request, 403, "Forbidden", _("Het formulier is verlopen of ongeldig "
                                                    "(CSRF). Laad de pagina opnieuw."))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=auth.is_https(request))
    return response
