"""Refuse text input with a NUL character before it reaches the database.

PostgreSQL cannot store or even compare text containing NUL (``\\x00``): psycopg raises
``DataError`` and the request would end in a 500. A NUL byte has no use in any field of this
app, so a request carrying one — in the path, the query string, or a form / JSON body — is
answered with 422 in the app's one error shape. (Multipart bodies are left alone: an uploaded
Excel file is binary; the import reads its cells through openpyxl.)
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

Scope = dict[str, Any]


FORM, JSON = "application/x-www-form-urlencoded", "application/json"


def _has_nul(body: bytes, content_type: str) -> bool:
    """Whether a form or JSON body carries a NUL character (raw or escaped)."""
    escaped = b"%00" if content_type.startswith(FORM) else b"\\u0000"
    return b"\x00" in body or escaped in body


class RejectNul:
    """ASGI middleware; the body is read once and replayed to the app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._refuse(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if not content_type.startswith((FORM, JSON)):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # disconnected
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
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

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        from wijkkompas.i18n import _
        from wijkkompas.web.errors import respond

        request = Request(scope, receive)
        response = respond(request, 422, "ValidationError",
                           _("Ongeldige invoer: tekst met een NUL-teken."))
        await response(scope, receive, send)
