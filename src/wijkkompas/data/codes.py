"""CBS area codes: ``NL00``, ``GM0599``, ``WK059901``, ``BU05990110``.

A municipality code is ``GM`` and four digits; since 2024 CBS also uses letters in the wijk
and buurt parts (Amsterdam: wijk ``WK0363AA``, buurt ``BU0363AA01``), so a wijk code is ``WK``,
the four digits of its municipality and two letters or digits, a buurt code ``BU``, the six
characters of its wijk and two more. Parents are found by slicing, whatever the characters.

    >>> level_of("WK059901"), parent_of("BU05990110"), municipality_of("BU05990110")
    ('district', 'WK059901', 'GM0599')
    >>> is_cbs_code("BU0363AA01"), parent_of("BU0363AA01"), parent_of("WK0363AA")
    (True, 'WK0363AA', 'GM0363')
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

CODE_RE = re.compile(r"^(NL0[01]|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
#: A CBS code anywhere in a text (e.g. to tell whether a file names areas by code at all).
ANY_CODE_RE = re.compile(r"(?<![A-Z0-9])(?:GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})"
                         r"(?![0-9A-Z])")
_PREFIX_LEVEL = {"NL": "country", "GM": "municipality", "WK": "district", "BU": "neighbourhood"}
# Dutch names of the levels, as a user reads them.
LEVELS = {
    "country": "land",
    "municipality": "gemeente",
    "district": "wijk",
    "neighbourhood": "buurt",
    "custom": "gebied",
}

# Every name a user may give a level (Dutch UI names, the stored names) -> the stored name.
LEVEL_NAMES = {**{name: level for level, name in LEVELS.items()}, **{lv: lv for lv in LEVELS},
               "wijken": "district", "buurten": "neighbourhood", "gemeenten": "municipality"}


def parse_level(name: str) -> str:
    """The stored level of ``name``: ``buurt``/``neighbourhood``, ``wijk``/``district``,
    ``gemeente``/``municipality`` (case-insensitive); anything else raises ``ValueError`` with
    the valid names.

    >>> parse_level("Buurt"), parse_level("district")
    ('neighbourhood', 'district')
    """
    level = LEVEL_NAMES.get(str(name).strip().lower())
    if level is None:
        raise ValueError(f"onbekend niveau {name!r}; kies uit gemeente, wijk of buurt")
    return level


LEVEL_ORDER = {"country": 0, "municipality": 1, "district": 2, "neighbourhood": 3, "custom": 4}


def is_cbs_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def level_of(code: str) -> str:
    return _PREFIX_LEVEL[code[:2]]


def parent_of(code: str) -> str | None:
    if code.startswith("BU"):
        return "WK" + code[2:8]
    if code.startswith("WK"):
        return "GM" + code[2:6]
    return None


def municipality_of(code: str) -> str | None:
    if code[:2] in ("BU", "WK", "GM"):
        return "GM" + code[2:6]
    return None


def clean_codes(raw: pd.Series) -> pd.Series:
    """Strip the space padding StatLine adds and upper-case the code (``wk0363aa`` ->
    ``WK0363AA``)."""
    return raw.astype("string").str.strip().str.upper().fillna("")


def invalid_codes(codes: pd.Series) -> np.ndarray:
    """Positions of codes that are not valid CBS area codes."""
    ok = codes.str.fullmatch(CODE_RE.pattern).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(~ok)


def levels(codes: pd.Series) -> pd.Series:
    return codes.str[:2].map(_PREFIX_LEVEL)
