"""Translations: Dutch is the source language, English the first translation.

UI strings are written in Dutch and wrapped in ``_()``. The language of the current request
lives in a context variable (set by the app from ``?lang=``), so templates, view services and
the number formatter all follow it without passing it around.

Catalogues are plain gettext ``.po`` files in ``locale/<lang>/LC_MESSAGES/messages.po``.
They are compiled in memory on first use (Babel's ``write_mo``), so no build step is needed.
Update them with the usual Babel commands::

    pybabel extract -F src/wijkkompas/babel.cfg -o messages.pot src/wijkkompas
    pybabel update -i messages.pot -d src/wijkkompas/locale

    >>> with use_language("en"):
    ...     _("Gebiedsprofiel")
    'Area profile'
    >>> _("Gebiedsprofiel")
    'Gebiedsprofiel'
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from io import BytesIO

LANGUAGES = {"nl": "Nederlands", "en": "English"}
SOURCE_LANGUAGE = "nl"

_current: ContextVar[str] = ContextVar("wijkkompas_language", default=SOURCE_LANGUAGE)


def normalise_language(lang: str | None) -> str:
    """A supported language code; anything else falls back to Dutch."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else SOURCE_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (Dutch: the identity)."""
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = resources.files("wijkkompas").joinpath(f"locale/{lang}/LC_MESSAGES/messages.po")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def current_language() -> str:
    return _current.get()


def set_language(lang: str | None) -> object:
    """Set the language of the current context; returns a token for :func:`reset_language`."""
    return _current.set(normalise_language(lang))


def reset_language(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    token = set_language(lang)
    try:
        yield
    finally:
        reset_language(token)


def _(message: str) -> str:
    """Translate ``message`` (Dutch) into the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def gettext(message: str) -> str:
    return _(message)
