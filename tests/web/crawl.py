"""A bounded crawler over the demo web app: follows every internal link from a start page and
reports what a user must never see (a 5xx, an offered link that answers 4xx, a Python repr,
``nan``/``None`` as a value, a traceback, an English or technical key on a Dutch page).

It works on any client with ``get(url)`` (FastAPI's TestClient, or an ``httpx.Client`` with a
``base_url`` against a running server), so it can also be pointed at ``wijkkompas serve``::

    python -m tests.web.crawl http://127.0.0.1:8611
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".md", ".zip", ".png")
SKIP_PREFIXES = ("/static/", "/uitloggen")
REPORT_SUFFIXES = (".pdf", ".docx")
# Python reprs and values that leaked from pandas/None into a text node.
LEAKED_VALUE = re.compile(r"(?<![\w-])(nan|NaN|None|NaT|<NA>)(?![\w-])")
REPR = re.compile(r"<built-in|<bound method|<function |object at 0x|Traceback \(most recent")
# Technical keys that no page may show, in any language.
CODE_KEYS = ("framework_fingerprint", "comparable_over_time", "previous_year", "zindex",
             "minmax", "data_fingerprint", "NotFound", "ConfigError", "ValidationError",
             "InternalError", "FrameworkError", "DataError", "Unauthorized", "HTTPError",
             "user.add", "active: true", "active: false", "cents:")
# English words that are technical terms on a Dutch page (fine in English prose).
ENGLISH_ON_DUTCH = ("screened", "created", "impute", "normalise", "weight manual",
                    "Show this message", "geometric", "arithmetic")


class _Page(HTMLParser):
    """Links (``<a href>``) and text nodes of one HTML page (script and style left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Code blocks (the framework's YAML) are code on purpose: their keys are not checked.
        if tag in ("script", "style", "template", "pre", "code"):
            self._skip += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("title", "aria-label", "placeholder", "alt"):
            if values.get(name):
                self.texts.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "pre", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


@dataclass
class Problem:
    url: str
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.url}: {self.check}: {' '.join(self.detail.split())[:100]}"


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def shape(url: str) -> str:
    """The route a URL belongs to: segments with a digit become ``*``, plus the query keys."""
    parts = urlsplit(url)
    path = "/".join("*" if any(c.isdigit() for c in seg) else seg
                    for seg in parts.path.split("/"))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - {"lang"})
    return path + ("?" + "&".join(keys) if keys else "")


def _internal(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc and parts.netloc not in ("testserver", urlsplit(base).netloc):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    if parts.path.endswith(REPORT_SUFFIXES):  # rendered and checked in tests/web/test_reports.py
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


def _is_download(url: str) -> bool:
    path = urlsplit(url).path
    return path.startswith("/api/") or path.endswith(DOWNLOAD_SUFFIXES)


def check_text(url: str, texts: Iterable[str], *, dutch: bool) -> list[Problem]:
    out: list[Problem] = []
    for text in texts:
        if m := REPR.search(text):
            out.append(Problem(url, "python-repr", text.strip()[:120] or m.group(0)))
        if m := LEAKED_VALUE.search(text):
            out.append(Problem(url, f"value-{m.group(1)}", text.strip()[:120]))
        for key in CODE_KEYS:
            if key in text:
                out.append(Problem(url, f"key-{key}", text.strip()[:120]))
        if dutch:
            for word in ENGLISH_ON_DUTCH:
                if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                    out.append(Problem(url, f"english-{word}", text.strip()[:120]))
    return out


def _other_language(url: str, dutch: bool) -> bool:
    """A language switch link (``?lang=en`` on a Dutch crawl): not followed, as it would set the
    language cookie and turn the rest of the crawl into the other language."""
    lang = dict(parse_qsl(urlsplit(url).query)).get("lang")
    return lang is not None and (lang != "nl") == dutch


def crawl(client: object, start: str = "/", *, dutch: bool = True, limit: int = 400,
          per_shape: int = 4, max_downloads: int = 120) -> Crawl:
    """Breadth first from ``start``: at most ``limit`` pages, ``per_shape`` per route shape,
    each download requested once (status only); in one language (``dutch`` or English)."""
    result = Crawl()
    seen: set[str] = {start}
    per: Counter[str] = Counter()
    queue: deque[str] = deque([start])
    while queue and len(result.pages) < limit:
        url = queue.popleft()
        try:
            response = client.get(url, follow_redirects=True)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a server that dropped the connection: once more on a new one
            response = client.get(url, follow_redirects=True)  # type: ignore[attr-defined]
        if response.status_code >= 500:
            result.problems.append(Problem(url, "status-5xx", str(response.status_code)))
            continue
        if response.status_code >= 400:  # a link that a page offers must work
            result.problems.append(Problem(url, "status-4xx", str(response.status_code)))
        kind = response.headers.get("content-type", "")
        if _is_download(url) or "text/html" not in kind:
            result.downloads.append(url)
            if kind.startswith(("text/", "application/json")) and REPR.search(response.text):
                result.problems.append(Problem(url, "python-repr", "in a download"))
            continue
        result.pages.append(url)
        parser = _Page()
        parser.feed(response.text)
        result.problems.extend(check_text(url, parser.texts, dutch=dutch))
        for href in parser.links:
            link = _internal(url, href)
            if link is None or link in seen or _other_language(link, dutch):
                continue
            seen.add(link)
            if _is_download(link):
                if len([u for u in seen if _is_download(u)]) <= max_downloads:
                    queue.append(link)
                continue
            key = shape(link)
            if per[key] >= per_shape:
                continue
            per[key] += 1
            queue.append(link)
    return result


if __name__ == "__main__":  # pragma: no cover - a manual run against a server
    import sys

    import httpx

    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8611"
    for lang_start, dutch in (("/", True), ("/?lang=en", False)):
        with httpx.Client(base_url=base, timeout=60) as http:
            found = crawl(http, lang_start, dutch=dutch)
        print(f"{lang_start}: {len(found.pages)} pages, {len(found.downloads)} downloads")
        for problem in found.problems:
            print("  ", problem)
