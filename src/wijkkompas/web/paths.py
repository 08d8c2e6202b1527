"""Path segments that may hold any text, a slash included (partner names).

A server decodes ``%2F`` to ``/`` before routing, so ``/partners/A%2FB/tafels`` would reach the
router as ``/partners/A/B/tafels`` and a partner called ``A/B`` could be created but never
opened. For the path prefixes given to :class:`EncodedSegments` the router sees the path as
the client sent it instead, split into segments first and each segment kept percent-encoded
(``/partners/A%2FB/tafels``); the route reads its value with :func:`decode_segment` (through a
dependency such as ``routes_partners.Naam``). Every existing URL keeps working: the links
already encode each name as one segment (``quote(name, safe="")``).

    >>> decode_segment("Woonstad%20%2F%20Zuid")
    'Woonstad / Zuid'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes

from wijkkompas.errors import DataError

Scope = dict[str, Any]


def encoded_path(raw_path: bytes) -> str:
    """The path with every segment percent-encoded in one canonical way (so ``%2f``, ``%2F``
    and a literal space all give one route value)."""
    raw = raw_path.split(b"?", 1)[0]
    return "/".join(quote(unquote_to_bytes(segment), safe="") for segment in raw.split(b"/"))


def decode_segment(value: str) -> str:
    """The text of one segment as :class:`EncodedSegments` left it."""
    text = unquote(value, errors="replace")
    if "\x00" in text:  # as the NUL guard does for every other input
        raise DataError("Ongeldige invoer: tekst met een NUL-teken.")
    return text


class EncodedSegments:
    """ASGI middleware (innermost, just before the router): under ``prefixes`` route on the
    encoded segments of the path as sent (``raw_path``), not on the decoded path."""

    def __init__(self, app: Any, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        raw = scope.get("raw_path")
        if scope["type"] == "http" and raw and scope["path"].startswith(self.prefixes):
            scope = {**scope, "path": encoded_path(raw)}
        await self.app(scope, receive, send)
