"""HTML templates of the reports and their tagged PDF (WeasyPrint, PDF/UA-1).

The PDF gets the document's title and language from the HTML (``<title>``, ``<html lang>``);
the headings become its bookmarks (WeasyPrint's default ``bookmark-level`` for h1–h3). PDF/UA-1
makes WeasyPrint write the structure tree (``Tagged: yes``) and embed every font.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from wijkkompas import i18n
from wijkkompas.services.shared.formatting import Shown

PDF_VARIANT = "pdf/ua-1"


def shown(value: Shown) -> Markup:
    """A formatted value; an estimated one with an asterisk (explained in the notes)."""
    text = Markup.escape(value.text)
    if value.status == "estimated":
        return Markup("{}*").format(text)
    return text


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("wijkkompas.services.reports", "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["shown"] = shown
    env.globals["current_language"] = i18n.current_language
    env.filters["svg"] = lambda s: Markup(s or "")  # built in .svg with every text escaped
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(lang=i18n.current_language(), **context)


@lru_cache(maxsize=1)
def _no_fetcher():  # noqa: ANN202 (a weasyprint URLFetcher)
    """A URL fetcher that loads nothing: a report is self-contained (inline SVG, no images,
    fonts from the system), so no file or URL can be read while rendering."""
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> None:
            raise ValueError(f"een rapport laadt geen externe bronnen ({url[:40]})")

    return NoFetcher()


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of ``html``: title, language and bookmarks from the HTML."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_no_fetcher()).write_pdf(
        pdf_variant=PDF_VARIANT)


def file_name(*parts: str, suffix: str) -> str:
    """A safe download name: ASCII letters, digits and dashes only (never a path)."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "rapport"
    return f"{text}.{suffix}"
