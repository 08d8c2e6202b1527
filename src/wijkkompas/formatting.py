"""One way to write numbers, money, percentages and dates for people (Dutch, or English).

Everything a person reads (pages, human labels in JSON, CSV headers, the CLI) goes through
these functions; machine fields in JSON and CSV stay raw numbers. The language is that of the
current context (:mod:`wijkkompas.i18n`), so callers never pass it around.

Rules:

- counts without decimals: ``73.490`` (English ``73,490``), never ``73490,00``;
- scores with one decimal: ``100,9``;
- percentages with the sign attached, as CLDR writes them for Dutch: ``74%``;
- money without cents unless they matter: ``€ 120.000``, ``€ 1.234,56``;
- signed differences with the decimals of the value they belong to: ``+1,9``, ``-8.000``;
- a missing or non-finite value is a dash (``–``), never ``nan`` or ``None``.

    >>> count(73490.0)
    '73.490'
    >>> score(100.94), signed(1.92, 1), signed(-8000, 0)
    ('100,9', '+1,9', '-8.000')
    >>> percent(0.74, fraction=True), percent(80.0)
    ('74%', '80%')
    >>> money(12_000_000), money(123_456), money(12_000_000, cents=True)
    ('€ 120.000', '€ 1.234,56', '€ 120.000,00')
    >>> from wijkkompas.i18n import use_language
    >>> with use_language("en"):
    ...     count(73490), score(100.94), money(123_456), percent(0.5, fraction=True)
    ('73,490', '100.9', '€1,234.56', '50%')
    >>> number(float("nan")), count(None)
    ('–', '–')
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from wijkkompas.i18n import current_language

DASH = "–"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
SCORE_DECIMALS = 1
# Excel number formats (the workbook applies its own locale to separators).
EXCEL_COUNT = "#,##0"
EXCEL_SCORE = "0.0"
EXCEL_PERCENT = "0%"
EXCEL_MONEY = '"€" #,##0'
EXCEL_MONEY_CENTS = '"€" #,##0.00'


def locale() -> str:
    """The Babel locale of the current language."""
    return LOCALES.get(current_language(), "nl_NL")


def finite(value: Any) -> float | None:
    """``value`` as a finite float, else None (None, NaN, pandas NA, text)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@lru_cache(maxsize=16)
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: Any, decimals: int = 0) -> str:
    """A number in the current notation (``1.234,5`` in Dutch); missing -> "–"."""
    x = finite(value)
    if x is None:
        return DASH
    decimals = max(int(decimals), 0)
    text = format_decimal(round(x, decimals), format=_pattern(decimals), locale=locale())
    return text if text.lstrip("-").strip("0.,") else text.lstrip("-")  # no "-0"


def count(value: Any) -> str:
    """A count (inhabitants, rows, areas): no decimals."""
    return number(value, 0)


def score(value: Any, decimals: int = SCORE_DECIMALS) -> str:
    """A score: one decimal."""
    return number(value, decimals)


def signed(value: Any, decimals: int = 0) -> str:
    """A difference with its sign (``+1,9``, ``-8.000``, ``0``); missing -> "–"."""
    x = finite(value)
    if x is None:
        return DASH
    text = number(x, decimals)
    if round(x, max(decimals, 0)) > 0:
        return "+" + text
    return text


def percent(value: Any, decimals: int = 0, *, fraction: bool = False) -> str:
    """A percentage with its sign: ``74%``. ``fraction=True`` reads 0.74 as 74%."""
    x = finite(value)
    if x is None:
        return DASH
    return number(x * 100 if fraction else x, decimals) + "%"


def signed_percent(value: Any, decimals: int = 0, *, fraction: bool = False) -> str:
    """A change in percentage points or percent, with sign and % (``+3%``)."""
    x = finite(value)
    if x is None:
        return DASH
    return signed(x * 100 if fraction else x, decimals) + "%"


def money(amount_cents: Any, *, cents: bool | None = None) -> str:
    """An amount in euro from integer cents: ``€ 120.000``; cents only when they are not zero
    (``cents=True`` always shows them, ``cents=False`` rounds to whole euros)."""
    if amount_cents is None:
        return DASH
    try:
        value = Decimal(int(amount_cents)) / 100
    except (TypeError, ValueError):
        return DASH
    show_cents = cents if cents is not None else value != value.to_integral_value()
    if not show_cents:
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    decimals = 2 if show_cents else 0
    text = format_decimal(abs(value), format=_pattern(decimals), locale=locale())
    sign = "-" if value < 0 else ""
    if current_language() == "en":
        return f"{sign}€{text}"
    return f"{sign}€ {text}"


def euros(amount: Any, *, cents: bool | None = None) -> str:
    """An amount given in euro (not cents)."""
    x = finite(amount)
    if x is None:
        return DASH
    return money(int(round(x * 100)), cents=cents)


def day(value: date | datetime | str | None) -> str:
    """A date for people: ``6 december 2026`` (English ``6 December 2026``)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="d MMMM y", locale=locale())


def moment(value: datetime | str | None) -> str:
    """A date and time for people: ``6 december 2026 07:05``."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return day(value)
    if value.tzinfo is not None:  # an instant: written in UTC, and said so
        from datetime import UTC

        return format_datetime(value.astimezone(UTC).replace(tzinfo=None),
                               format="d MMMM y HH:mm", locale=locale()) + " UTC"
    return format_datetime(value, format="d MMMM y HH:mm", locale=locale())


def value(value: Any, *, decimals: int = 0) -> str:
    """Any audit or detail value as text: numbers formatted, booleans as ja/nee, none as –."""
    from wijkkompas.i18n import _

    if value is None:
        return DASH
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, int):
        return count(value)
    if isinstance(value, float):
        return number(value, decimals) if value.is_integer() or decimals else number(value, 2)
    return str(value)
