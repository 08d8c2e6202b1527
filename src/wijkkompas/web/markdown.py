"""Markdown (the provenance file) as safe HTML inside the normal page layout.

CommonMark with tables, raw HTML switched off: every ``<`` in the text is escaped, and link
targets pass markdown-it's ``validateLink`` (no ``javascript:``, ``vbscript:``, ``file:`` or
non-image ``data:`` URLs). Tables get the app's ``data-table`` class.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}
                      ).enable("table")


def render_markdown(text: str) -> Markup:
    """``text`` as HTML; raw HTML in the source is shown as text, never interpreted."""
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type == "table_open":
            token.attrSet("class", "data-table")
    return Markup(md.renderer.render(tokens, md.options, {}))  # noqa: S704 - escaped by markdown-it
