"""CBS area codes: ``NL00``, ``GM0599``, ``WK059901``, ``BU05990110``.

    >>> level_of("WK059901"), parent_of("BU05990110"), municipality_of("BU05990110")
    ('district', 'WK059901', 'GM0599')
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

CODE_RE = re.compile(r"^(NL0[01]|GM\d{4}|WK\d{6}|BU\d{8})$")
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
    """Strip the space padding StatLine adds and upper-case the prefix."""
    return raw.astype("string").str.strip().str.upper().fillna("")


def invalid_codes(codes: pd.Series) -> np.ndarray:
    """Positions of codes that are not valid CBS area codes."""
    ok = codes.str.fullmatch(CODE_RE.pattern).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(~ok)


def levels(codes: pd.Series) -> pd.Series:
    return codes.str[:2].map(_PREFIX_LEVEL)
