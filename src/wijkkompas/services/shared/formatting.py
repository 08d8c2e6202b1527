"""The one place where observations become something a person (or an export) sees.

Privacy policy: an observation is shown as a number **only** when its status is ``ok`` or
``estimated`` and its value is finite. A ``suppressed`` observation (below CBS's privacy
thresholds, ``.``/``x`` in CBS files) is shown as "geheim", a missing one as "–", each with an
explanation — never its stored value, even if an importer stored one by mistake. Every page,
API answer and download goes through :func:`show_observation`.

    >>> show_observation(12.345, "ok", decimals=1).text
    '12,3'
    >>> s = show_observation(999.0, "suppressed")
    >>> (s.value, s.text)
    (None, 'geheim')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wijkkompas import formatting
from wijkkompas.i18n import _

SHOWABLE = frozenset({"ok", "estimated"})
DASH = "–"


@dataclass(frozen=True)
class Shown:
    """A value as shown: ``value`` is None unless it may be shown as a number."""

    value: float | None
    text: str
    status: str
    note: str | None = None


def format_number(value: float | None, decimals: int = 0) -> str:
    """A number in the current language's notation (``1.234,5`` in Dutch); None/NaN -> "–".
    (:func:`wijkkompas.formatting.number`, kept under this name for the view services.)"""
    return formatting.number(value, decimals)


_finite = formatting.finite


def show_observation(value: Any, status: str | None, *, decimals: int = 0,
                     unit: str = "") -> Shown:
    """Apply the privacy policy to one observation and format it."""
    status = status or "missing"
    number = _finite(value)
    if status == "suppressed":
        return Shown(None, _("geheim"), status,
                     _("Geheim: onder de privacydrempel van CBS; niet gepubliceerd."))
    if status not in SHOWABLE or number is None:
        return Shown(None, DASH, "missing" if status in SHOWABLE else status,
                     _("Geen waarde beschikbaar."))
    text = formatting.percent(number, decimals) if unit == "%" else format_number(number, decimals)
    note = _("Geschatte waarde.") if status == "estimated" else None
    return Shown(number, text, status, note)


def show_signed(value: Any, decimals: int = 1) -> Shown:
    """A difference or contribution (computed): with its sign, ``+1,9``; NaN becomes "–"."""
    shown = show_score(value, decimals)
    if shown.value is None:
        return shown
    return Shown(shown.value, formatting.signed(shown.value, decimals), shown.status)


def show_score(value: Any, decimals: int = 1) -> Shown:
    """A computed score (not an observation): NaN becomes "–"."""
    number = _finite(value)
    if number is None:
        return Shown(None, DASH, "missing", _("Geen score (uitgesloten of te weinig gegevens)."))
    return Shown(round(number, 6), format_number(number, decimals), "ok")
