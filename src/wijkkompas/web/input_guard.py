"""Bound every request body and refuse text input with a NUL character, before any parsing.

**Size.** A body may hold at most ``max_upload`` bytes when it is an upload
(``multipart/form-data``) and ``max_body`` bytes otherwise (forms, JSON, anything else); see
the settings ``WIJKKOMPAS_MAX_UPLOAD_BYTES`` and ``WIJKKOMPAS_MAX_BODY_BYTES``. A declared
``Content-Length`` over the limit is answered at once (the body is never read); a body without
one (chunked) is counted while it streams in and reading stops at the limit. The answer is 413
in the app's one error shape.

**NUL.** PostgreSQL cannot store or even compare text containing NUL (``\\x00``): psycopg
raises ``DataError`` and the request would end in a 500. A NUL byte has no use in any field of
this app, so a request carrying one — in the path, the query string, or a form / JSON body — is
answered with 422 in the app's one error shape. (Multipart bodies are left alone: an uploaded
Excel file is binary; the import reads its cells through openpyxl.)

Form and JSON bodies are read here once (at most ``max_body`` bytes), checked, and replayed to
the app; other bodies stream through a counting ``receive``, which tells the app the client
left once the limit is passed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

Scope = dict[str, Any]

FORM, JSON = "application/x-www-form-urlencoded", "application/json"
MULTIPART = "multipart/form-data"
MB = 1024 * 1024
DEFAULT_MAX_BODY = 1 * MB
DEFAULT_MAX_UPLOAD = 20 * MB


def _has_nul(body: bytes, content_type: str) -> bool:
    """Whether a form or JSON body carries a NUL character (raw or escaped)."""
    escaped = b"%00" if content_type.startswith(FORM) else b"\\u0000"
    return b"\x00" in body or escaped in body


def _size(limit: int) -> str:
    return f"{limit / MB:g} MB" if limit >= MB else f"{limit / 1024:g} kB"


def too_large_message(limit: int) -> str:
    from wijkkompas.i18n import _

    return _("Het verzoek is te groot: de grens is {size}.").format(size=_size(limit))


class InputGuard:
    """ASGI middleware: body size limits and the NUL check in one pass over the body."""

    def __init__(self, app: Any, *, max_body: int = DEFAULT_MAX_BODY,
                 max_upload: int = DEFAULT_MAX_UPLOAD) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._refuse(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = self.max_upload if content_type.startswith(MULTIPART) else self.max_body
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        if content_type.startswith((FORM, JSON)):
            await self._checked(scope, receive, send, content_type, limit)
        else:
            await self._counted(scope, receive, send, limit)

    async def _checked(self, scope: Scope, receive: Any, send: Any, content_type: str,
                       limit: int) -> None:
        """A form or JSON body: read it (up to ``limit``), check it, replay it."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # disconnected
                await self.app(scope, receive, send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:  # stop reading: the rest is never received
                await self._too_large(scope, receive, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _has_nul(body, content_type):
            await self._refuse(scope, receive, send)
            return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _counted(self, scope: Scope, receive: Any, send: Any, limit: int) -> None:
        """Any other body (an upload): streamed to the app, counted on the way. Past the
        limit the app is told the client left (it stops parsing) and, whatever it answers
        then, the client gets the 413."""
        size = 0
        too_large = started = answered = False

        async def counting() -> dict[str, Any]:
            nonlocal size, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:  # stop reading: the rest is never received
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def watching(message: dict[str, Any]) -> None:
            nonlocal started, answered
            if too_large and not started:
                if not answered:
                    answered = True
                    await self._too_large(scope, receive, send, limit)
                return  # what the app made of a cut-off body is not sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except Exception:
            if not too_large or started:
                raise
        if too_large and not answered and not started:
            await self._too_large(scope, receive, send, limit)

    async def _too_large(self, scope: Scope, receive: Any, send: Any, limit: int) -> None:
        from wijkkompas.web.errors import respond

        with _language(scope):
            response = respond(Request(scope, receive), 413, "PayloadTooLarge",
                               too_large_message(limit), {"limit_bytes": limit})
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        from wijkkompas.i18n import _
        from wijkkompas.web.errors import respond

        with _language(scope):
            response = respond(Request(scope, receive), 422, "ValidationError",
                               _("Ongeldige invoer: tekst met een NUL-teken."))
        await response(scope, receive, send)


def _language(scope: Scope):  # noqa: ANN202 - a context manager
    """The request's ``?lang=`` for an answer given before the language middleware ran."""
    from urllib.parse import parse_qs

    from wijkkompas.i18n import use_language

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return use_language((query.get("lang") or [""])[0])


#: The former name (NUL check only).
RejectNul = InputGuard
