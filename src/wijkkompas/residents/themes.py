"""Free theme names of a survey mapped to the catalogue's themes.

A survey asks about "groen", "eenzaamheid" or "verkeersveiligheid"; the framework's indicators
carry the catalogue's themes (``leefbaarheid``, ``welzijn``, ``veiligheid``). A theme is
resolved in this order: an explicit catalogue theme in the file (column ``catalogusthema``),
the catalogue's theme code or Dutch name, then the built-in list :data:`SYNONYMS`. Anything
else is refused with the row, the column and the themes to choose from.
"""

from __future__ import annotations

import re

from wijkkompas.data.catalogue import Catalogue

#: Common survey themes -> catalogue theme (lower case, spaces and hyphens collapsed).
SYNONYMS = {
    "armoede": "inkomen", "geldzorgen": "inkomen", "rondkomen": "inkomen",
    "schulden": "inkomen", "bestaanszekerheid": "inkomen",
    "werk": "arbeid", "werkgelegenheid": "arbeid", "werkloosheid": "arbeid",
    "bijstand": "sociale_zekerheid", "uitkeringen": "sociale_zekerheid",
    "eenzaamheid": "welzijn", "meedoen": "welzijn", "participatie": "welzijn",
    "sociale samenhang": "welzijn", "samenhang": "welzijn", "contact met buren": "welzijn",
    "vrijwilligerswerk": "welzijn", "sociale index": "welzijn",
    "gezondheid": "gezondheid", "leefstijl": "gezondheid", "bewegen": "gezondheid",
    "zorg": "zorg", "ondersteuning": "zorg", "mantelzorg": "zorg", "jeugdzorg": "zorg",
    "wonen": "wonen", "woningen": "wonen", "woningaanbod": "wonen", "betaalbaar wonen": "wonen",
    "woningkwaliteit": "wonen", "onderhoud woningen": "wonen",
    "energie": "energie", "verduurzaming": "energie", "energiearmoede": "energie",
    "onderwijs": "onderwijs", "school": "onderwijs", "scholen": "onderwijs",
    "veiligheid": "veiligheid", "criminaliteit": "veiligheid", "inbraak": "veiligheid",
    "overlast": "veiligheid", "jongerenoverlast": "veiligheid", "veiligheidsindex": "veiligheid",
    "veiligheidsgevoel": "veiligheid", "drugsoverlast": "veiligheid",
    "groen": "leefbaarheid", "openbare ruimte": "leefbaarheid", "speelplekken": "leefbaarheid",
    "schoon": "leefbaarheid", "zwerfafval": "leefbaarheid", "afval": "leefbaarheid",
    "netheid": "leefbaarheid", "leefomgeving": "leefbaarheid", "fysieke index": "leefbaarheid",
    "voorzieningen": "voorzieningen", "winkels": "voorzieningen",
    "buurthuis": "voorzieningen", "ontmoetingsplek": "voorzieningen",
    "verkeer": "mobiliteit", "verkeersveiligheid": "mobiliteit", "parkeren": "mobiliteit",
    "bereikbaarheid": "mobiliteit", "openbaar vervoer": "mobiliteit",
    "bedrijvigheid": "bedrijvigheid", "ondernemers": "bedrijvigheid",
}


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def theme_lookup(catalogue: Catalogue) -> dict[str, str]:
    """Every accepted spelling -> catalogue theme code."""
    out = {_key(k): v for k, v in SYNONYMS.items() if v in catalogue.themes}
    for code, names in catalogue.themes.items():
        out[_key(code)] = code
        for name in names.values():
            out[_key(name)] = code
    return out


def resolve_theme(text: str, lookup: dict[str, str]) -> str | None:
    """The catalogue theme of a free theme name, or None when it is not known."""
    return lookup.get(_key(text)) if text and text.strip() else None


def theme_name(catalogue: Catalogue, code: str, language: str = "nl") -> str:
    names = catalogue.themes.get(code) or {}
    return str(names.get(language) or names.get("nl") or code)
