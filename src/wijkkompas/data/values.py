"""CBS special values and number parsing, vectorised over whole columns.

CBS marks values it does not publish with symbols instead of numbers:

=============  ===========  ==========================================================
symbol         status       meaning
=============  ===========  ==========================================================
``.``          suppressed   not published: confidential (privacy) or not reliable
``x``          suppressed   confidential (geheim)
``-99999997``  suppressed   wijk- en buurtkaart: confidential
``-``          missing      nil / not applicable
empty          missing      not available (e.g. not yet published in an early release)
``-99999999``  missing      wijk- en buurtkaart: not available or confidential; treated
                            as missing, never as a number
``?``, ``#N/B`` missing     unknown / spreadsheet filler
=============  ===========  ==========================================================

None of them ever becomes a number. Published values, including counts CBS rounded to
multiples of five, are kept exactly as published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED_SYMBOLS = frozenset({".", "x", "X", "-99999997", "-99999997.0"})
MISSING_SYMBOLS = frozenset({"", "-", "?", "#N/B", "#N/A", "NA", "nan", "NaN", "-99999999",
                             "-99999999.0", "None", "null"})
SENTINELS = {-99999997.0: "suppressed", -99999999.0: "missing", -99999998.0: "missing",
             -99999995.0: "missing"}

# A decimal comma, optionally with an exponent as spreadsheets write it (3,5 / ,5 / 1,5E+20).
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_THOUSANDS_DOT_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")


@dataclass(frozen=True)
class BadValue:
    position: int
    value: str


def parse_values(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, BadValue | None]:
    """Parse a column of published values.

    Returns ``(values, statuses, bad)``: float values (NaN where not a number), status strings
    (``ok`` / ``suppressed`` / ``missing``) and the first value that is neither a number nor a
    CBS symbol (``None`` when all are fine). ``raw`` may hold strings or numbers. Infinity is
    never a published value: ``inf`` in a file is reported as a bad value.

    >>> v, s, bad = parse_values(pd.Series([" 12", "3,5", ".", "", "-99999999"]))
    >>> v.tolist()[:2], s.tolist(), bad
    ([12.0, 3.5], ['ok', 'ok', 'suppressed', 'missing', 'missing'], None)
    """
    n = len(raw)
    status = np.full(n, "ok", dtype=object)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float, na_value=np.nan).copy()
        status[np.isnan(values)] = "missing"
        for sentinel, st in SENTINELS.items():
            hit = values == sentinel
            status[hit] = st
            values[hit] = np.nan
        infinite = np.isinf(values)
        bad = None
        if infinite.any():
            pos = int(np.flatnonzero(infinite)[0])
            bad = BadValue(pos, str(raw.iloc[pos]))
            values[infinite] = np.nan
            status[infinite] = "missing"
        return values, status, bad

    text = raw.astype("string").str.strip().fillna("")
    is_supp = text.isin(SUPPRESSED_SYMBOLS).to_numpy()
    is_miss = text.isin(MISSING_SYMBOLS).to_numpy()
    candidate = text.where(~(is_supp | is_miss), None)
    # Plain numbers first (fast, and most columns hold nothing else); only values that do not
    # parse are tried as decimal commas (3,5) or Dutch thousands separators with a decimal
    # comma (1.234,5). No string with a comma parses as a plain number, so the result is the
    # same as rewriting every value first.
    numbers = pd.to_numeric(candidate, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    retry = candidate.notna().to_numpy() & np.isnan(numbers)
    if retry.any():
        sub = candidate[retry]
        dotted = sub.str.match(_THOUSANDS_DOT_COMMA.pattern, na=False)
        if dotted.any():
            sub = sub.where(~dotted, sub.str.replace(".", "", regex=False))
        comma = sub.str.match(_DECIMAL_COMMA.pattern, na=False) | dotted
        if comma.any():
            sub = sub.where(~comma, sub.str.replace(",", ".", regex=False))
            numbers[retry] = pd.to_numeric(sub, errors="coerce").to_numpy(dtype=float,
                                                                          na_value=np.nan)
    # "inf" / "Infinity" parse as numbers but are never published values.
    numbers[np.isinf(numbers)] = np.nan
    bad_mask = candidate.notna().to_numpy() & np.isnan(numbers)
    bad = None
    if bad_mask.any():
        pos = int(np.flatnonzero(bad_mask)[0])
        bad = BadValue(pos, str(raw.iloc[pos]))
    status[is_supp] = "suppressed"
    status[is_miss] = "missing"
    for sentinel, st in SENTINELS.items():
        hit = numbers == sentinel
        status[hit] = st
        numbers[hit] = np.nan
    numbers[is_supp | is_miss] = np.nan
    return numbers, status, bad
