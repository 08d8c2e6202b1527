"""Sessions, CSRF protection and login rate limiting for the web app.

Design (minimal local accounts; roles come with the governance issue):

* **Session**: a cookie ``wk_session`` holding ``{"uid", "name", "csrf"}`` signed with
  itsdangerous (HMAC-SHA1 over a key derived from the app's secret; timestamped, rejected after
  ``SESSION_MAX_AGE``). Flags: ``HttpOnly``, ``SameSite=Lax``, ``Secure`` when the request came
  over https, ``Path=/``. The user is re-read from the database on every request, so a
  deactivated account loses access at once. Logout clears the cookie.
* **CSRF**: every form that writes carries a hidden ``csrf_token``. For a logged-in user it is
  bound to the session (a random token inside the signed session); before login a signed
  double-submit cookie ``wk_csrf`` is used. Comparison with :func:`hmac.compare_digest`. Writes
  are POST only; an ``Origin`` header, when sent, must match the host.
* **Rate limiting**: failed logins are counted in memory in a sliding window per pair of
  account and source address, and per source address. Five failures lock that *pair* (and
  twenty lock that source) for a quarter of an hour: a login then answers 429 without checking
  the password. A wrong password from elsewhere never locks the user out of the right one.
  The source is the connecting address; ``X-Forwarded-For`` counts only when the connection
  comes from a proxy named in ``WIJKKOMPAS_TRUSTED_PROXIES`` (see :func:`client_ip`).
* **Secret**: ``WIJKKOMPAS_SECRET_KEY``, else a random key created once in the data directory
  (``secret_key``, mode 0600), so sessions survive a restart.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from wijkkompas.errors import ConfigError, Forbidden, Unauthenticated
from wijkkompas.i18n import _

if TYPE_CHECKING:
    from wijkkompas.workspace import Workspace

SESSION_COOKIE = "wk_session"
CSRF_COOKIE = "wk_csrf"
SESSION_MAX_AGE = 8 * 3600
CSRF_FIELD = "csrf_token"
WRITING_ROLES = ("admin", "editor")  # a viewer may change nothing through the web app


@dataclass(frozen=True)
class CurrentUser:
    id: int
    name: str
    csrf: str


def load_secret(data_dir: Path, environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if env.get("WIJKKOMPAS_SECRET_KEY"):
        return env["WIJKKOMPAS_SECRET_KEY"]
    path = Path(data_dir) / "secret_key"
    if path.exists():
        return path.read_text("utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Write a private temp file, then link it into place: atomic, so server processes that
    # start together all end up with the one key that won.
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text("utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


class LoginLimiter:
    """Failed logins per (source, account) pair and per source in a sliding window;
    thread-safe. An account as such is never locked: only the pairs that failed."""

    def __init__(self, max_failures: int = 5, window: float = 900.0,
                 max_per_ip: int = 20) -> None:
        self.max_failures = max_failures
        self.max_per_ip = max_per_ip
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        while events and events[0] < now - self.window:
            events.popleft()
        return len(events)

    @staticmethod
    def _pair(ip: str, name: str) -> str:
        return f"pair:{ip}\x1f{name.lower()}"

    def blocked(self, ip: str, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (self._count(f"ip:{ip}", now) >= self.max_per_ip
                    or self._count(self._pair(ip, name), now) >= self.max_failures)

    def failed(self, ip: str, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"ip:{ip}", self._pair(ip, name)):
                self._events.setdefault(key, deque()).append(now)
            if len(self._events) > 10_000:  # bound memory: forget the oldest keys
                for key in list(self._events)[:5_000]:
                    self._events.pop(key, None)

    def succeeded(self, ip: str, name: str) -> None:
        with self._lock:
            self._events.pop(self._pair(ip, name), None)


class Auth:
    """Signing and checking of the session and CSRF cookies (one per app)."""

    def __init__(self, secret: str) -> None:
        self.session = URLSafeTimedSerializer(secret, salt="wijkkompas-session")
        self.csrf = URLSafeTimedSerializer(secret, salt="wijkkompas-csrf")
        self.limiter = LoginLimiter()

    def read_session(self, request: Request) -> dict | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self.session.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and "uid" in data else None

    def session_cookie(self, uid: int, name: str) -> str:
        return self.session.dumps({"uid": uid, "name": name, "csrf": secrets.token_urlsafe(32)})

    def anonymous_token(self, request: Request) -> tuple[str, str | None]:
        """The pre-login CSRF token, and a new cookie value when one must be set."""
        raw = request.cookies.get(CSRF_COOKIE)
        if raw:
            try:
                return str(self.csrf.loads(raw, max_age=SESSION_MAX_AGE)), None
            except BadSignature:
                pass
        token = secrets.token_urlsafe(32)
        return token, self.csrf.dumps(token)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response, request: Request, name: str, value: str) -> None:  # noqa: ANN001
    response.set_cookie(name, value, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax",
                        secure=is_https(request), path="/")


def current_user(request: Request) -> CurrentUser | None:
    """The logged-in user (re-checked against the database), cached per request."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    data = request.app.state.auth.read_session(request)
    if data is not None:
        from wijkkompas.services.accounts.users import get_user

        account = get_user(request.app.state.ctx.ws, int(data["uid"]))
        if account is not None and account.name == data.get("name"):
            user = CurrentUser(account.id, account.name, str(data["csrf"]))
            request.state.account = account  # read once per request (reading_account)
    request.state.user = user
    return user


def may(request: Request, user: CurrentUser, action: str, entity: object = None) -> bool:
    """Whether the logged-in ``user`` may take ``action`` (roles and scopes from the database,
    see :func:`wijkkompas.permissions.can`)."""
    from wijkkompas.permissions import can
    from wijkkompas.services.accounts.users import get_user

    return can(get_user(request.app.state.ctx.ws, user.id), action, entity)


def csrf_token(request: Request) -> str:
    """The token to put in forms on this page (session-bound, else the double-submit one).

    Marks the request so the page cache never stores a response carrying a token."""
    request.state.csrf_rendered = True
    user = current_user(request)
    if user is not None:
        return user.csrf
    token, new_cookie = request.app.state.auth.anonymous_token(request)
    if new_cookie is not None:
        request.state.new_csrf_cookie = new_cookie
    return token


def check_csrf(request: Request, submitted: str | None) -> bool:
    """Whether a POST carries the right token (and, when sent, a same-origin Origin)."""
    origin = request.headers.get("origin")
    if origin and origin not in ("null",):
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            return False
    if not submitted:
        return False
    user = current_user(request)
    if user is not None:
        expected = user.csrf
    else:
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw:
            return False
        try:
            expected = str(request.app.state.auth.csrf.loads(raw, max_age=SESSION_MAX_AGE))
        except BadSignature:
            return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def client_ip(request: Request) -> str:
    """The source address of a request: the connecting peer, unless that peer is a trusted
    proxy (setting ``trusted_proxies``); then the nearest address in ``X-Forwarded-For``
    that is not itself a trusted proxy. Without the setting the header is ignored, so a
    client cannot pick its own source address."""
    peer = request.client.host if request.client else "?"
    config = getattr(request.app.state, "config", None)
    proxies = getattr(config, "trusted_proxies", ()) or ()
    if not proxies or not _is_proxy(peer, tuple(proxies)):
        return peer
    hops = [hop.strip() for header in request.headers.getlist("x-forwarded-for")
            for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):  # appended by each proxy: the right end is the nearest
        if not _valid_ip(hop):
            return peer  # a malformed chain names nobody; count it on the proxy
        if not _is_proxy(hop, tuple(proxies)):
            return hop
    return hops[0] if hops else peer


def _valid_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def _is_proxy(address: str, proxies: tuple[str, ...]) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


UserDep = Annotated[CurrentUser | None, Depends(current_user)]


async def submitted(request: Request) -> dict[str, Any]:
    """The fields of a write request: a JSON object body, else the form fields (strings)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise ConfigError(_("De JSON in het verzoek is ongeldig.")) from None
        if not isinstance(body, dict):
            raise ConfigError(_("Verwacht een JSON-object."))
        return body
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, if the request has one."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def token_account(request: Request) -> Any:
    """The active account of the request's API token; :class:`Unauthenticated` for an invalid
    or revoked token (never silently anonymous)."""
    from wijkkompas.services.accounts.tokens import verify_token

    account = verify_token(request.app.state.ctx.ws, bearer_token(request) or "")
    if account is None or not account.active:
        raise Unauthenticated(_("Het API-token is ongeldig of ingetrokken."))
    return account


def acting_account(request: Request, fields: dict[str, Any]) -> Any:
    """The account behind a write request, after the credential checks.

    * ``Authorization: Bearer wk_...`` — an API token (automation); no CSRF check, since a
      browser never sends it by itself;
    * otherwise the session cookie, and then the CSRF token must come along (form field
      ``csrf_token`` or header ``X-CSRF-Token``).
    """
    from wijkkompas.services.accounts.users import get_user

    ws = request.app.state.ctx.ws
    if bearer_token(request) is not None:
        return token_account(request)
    token = fields.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
    if not check_csrf(request, token if isinstance(token, str) else None):
        raise Forbidden(_("Het formulier is verlopen of ongeldig (CSRF). Laad de pagina "
                          "opnieuw."))
    user = current_user(request)
    account = get_user(ws, user.id) if user is not None else None
    if account is None or not account.active:
        raise Unauthenticated(_("Log in om iets te wijzigen."))
    return account


async def writer(request: Request) -> tuple[Workspace, dict[str, Any]]:
    """For every route that changes something: check the credentials (see
    :func:`acting_account`) and return the workspace acting for that account — whose write
    services check role and scope and record the name in the audit trail — and the submitted
    fields. Failures raise :class:`Unauthenticated` (401), :class:`Forbidden` (403); a stale
    ``versie`` field makes the service raise :class:`Conflict` (409 with what changed)."""
    fields = await submitted(request)
    account = acting_account(request, fields)
    if account.role not in WRITING_ROLES:  # refused before any input is looked at
        raise Forbidden(_("{name} heeft de rol lezer en mag niets wijzigen; vraag een "
                          "beheerder om de rol redacteur.").format(name=account.name))
    return request.app.state.ctx.ws.as_user(account), fields


def reading_account(request: Request) -> Any:
    """The account behind a read request (GET), or ``None`` for an anonymous visitor: an
    ``Authorization: Bearer`` API token, else the session cookie. No CSRF check — a read
    changes nothing. An invalid or revoked token raises :class:`Unauthenticated` rather than
    silently reading as anonymous."""
    from wijkkompas.services.accounts.users import get_user

    ws = request.app.state.ctx.ws
    if bearer_token(request) is not None:
        return token_account(request)
    user = current_user(request)
    account = getattr(request.state, "account", None)
    if user is not None and (account is None or account.id != user.id):
        account = get_user(ws, user.id)
    elif user is None:
        account = None
    return account if account is not None and account.active else None
