"""Security headers on every response — pages, downloads, static files and every error
(the 422 of the input guard, 413, 404, and the 500 that Starlette's outermost error middleware
writes).

:class:`SecurityHeaders` is a pure ASGI middleware wrapped around the *whole* middleware stack
(see :func:`install`), so no answer leaves without it. A header a route set itself is kept.

The Content-Security-Policy allows scripts from this site only — no inline script, no
``eval``: htmx, plotly.js and ``static/js/wijkkompas.js`` are served locally, and data for the
charts travels in ``<script type="application/json">`` blocks, which are not executed.
Styles may be inline (``'unsafe-inline'`` in ``style-src``): plotly.js sets ``style``
attributes and inserts its own ``<style>`` element.
"""

from __future__ import annotations

from typing import Any

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response start."""

    def __init__(self, app: Any, headers: tuple[tuple[str, str], ...] = SECURITY_HEADERS
                 ) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", ())}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if extra:
                    message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_image_origin(origin: str | None) -> tuple[tuple[str, str], ...]:
    """The security headers, with ``origin`` (an operator's background map) allowed for
    images and fetches; unchanged when None."""
    if not origin:
        return SECURITY_HEADERS
    policy = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {origin}").replace(
        "connect-src 'self'", f"connect-src 'self' {origin}")
    return (("Content-Security-Policy", policy), *SECURITY_HEADERS[1:])


def install(app: Any, image_origin: str | None = None) -> None:
    """Wrap the app's whole middleware stack (Starlette builds it on the first request), so
    the headers also reach the 500 answers of its outermost ``ServerErrorMiddleware``."""
    build = app.build_middleware_stack
    headers = with_image_origin(image_origin)

    def build_with_headers() -> Any:
        return SecurityHeaders(build(), headers)

    app.build_middleware_stack = build_with_headers
