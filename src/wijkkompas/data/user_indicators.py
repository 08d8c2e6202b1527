"""User indicators: indicators a local table brings that are not in the catalogue.

A column header (wide) or indicator name (long) becomes an indicator code with :func:`slug`;
its definition (label, unit, theme, kind, direction) comes from the user (an ``indicators``
mapping or a YAML/JSON sidecar, see :func:`load_definitions`) or from cautious defaults: theme
``leefbaarheid``, direction ``neutral`` with a note asking the user to set it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from wijkkompas.data.catalogue import DIRECTIONS, KINDS, Catalogue
from wijkkompas.errors import ConfigError, DataError

DEFAULT_THEME = "leefbaarheid"
DEFINITION_KEYS = frozenset({"code", "label_nl", "label_en", "unit", "theme", "kind",
                             "direction", "direction_note", "denominator", "decimals",
                             "disclosure", "sensitive", "source", "skip"})
CODE_OK = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def slug(text: str, prefix: str = "") -> str:
    """An indicator code from a column header: ASCII, lower case, ``_`` between words.

    >>> slug("Tevredenheid woning (%)"), slug("2e meting", "eigen_")
    ('tevredenheid_woning', 'eigen_i_2e_meting')
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    body = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not body or not body[0].isalpha():
        body = f"i_{body}".rstrip("_")
    return (prefix + body)[:64]


# --- definitions of user indicators --------------------------------------------------------


def load_definitions(path: Path | str) -> dict[str, dict[str, Any]]:
    """Read a YAML or JSON sidecar: ``{column: {code, label_nl, unit, theme, direction, ...}}``,
    optionally wrapped in ``{"indicators": {...}}``."""
    path = Path(path)
    if not path.exists():
        raise DataError("definitiebestand niet gevonden", file=str(path))
    text = path.read_text("utf-8-sig")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"definitiebestand is geen geldige YAML/JSON: {exc}",
                        file=path.name) from None
    if isinstance(data, dict) and isinstance(data.get("indicators"), dict):
        data = data["indicators"]
    if not isinstance(data, dict) or not all(isinstance(v, dict | None) for v in data.values()):
        raise DataError("definitiebestand: verwacht {kolom: {code, label_nl, eenheid, ...}}",
                        file=path.name)
    return {str(k).strip(): dict(v or {}) for k, v in data.items()}


def check_definition(column: str, definition: Mapping[str, Any], cat: Catalogue) -> None:
    """Refuse unknown keys and values outside the catalogue's vocabularies."""
    where = f"definitie voor kolom {column!r}"
    unknown = set(definition) - DEFINITION_KEYS
    if unknown:
        raise ConfigError(f"{where}: onbekende velden {sorted(unknown)}; toegestaan: "
                          f"{sorted(DEFINITION_KEYS)}")
    checks = (("theme", tuple(cat.themes)), ("kind", KINDS), ("direction", DIRECTIONS))
    for key, allowed in checks:
        if key in definition and definition[key] not in allowed:
            raise ConfigError(f"{where}: {key} {definition[key]!r} onbekend; kies uit "
                              f"{', '.join(allowed)}")
    code = definition.get("code")
    if code is not None and not CODE_OK.match(str(code)):
        raise ConfigError(f"{where}: code {code!r} ongeldig (kleine letters, cijfers en _, "
                          "begint met een letter, hoogstens 64 tekens)")


def user_indicator(column: str, definition: Mapping[str, Any], *, code: str, file: Path,
                   values: np.ndarray, source: str | None) -> dict[str, Any]:
    """The record of a user indicator (fields of the ``indicators`` table)."""
    finite = values[np.isfinite(values)]
    integral = bool(len(finite)) and bool(np.all(finite == np.round(finite)))
    label = str(definition.get("label_nl") or column)
    wordy = re.search(r"index|score|indicator", label, flags=re.IGNORECASE)
    direction = definition.get("direction", "neutral")
    note = definition.get("direction_note") or (
        "" if "direction" in definition else
        f"Richting onbekend (geïmporteerd uit {file.name}); stel in of hoger beter of slechter is."
    )
    return {
        "code": code,
        "label_nl": label,
        "label_en": str(definition.get("label_en") or label),
        "unit": str(definition.get("unit", "")),
        "theme": definition.get("theme", DEFAULT_THEME),
        "kind": definition.get("kind", "index" if wordy else "mean"),
        "direction": direction,
        "direction_note": note,
        "denominator": definition.get("denominator"),
        "decimals": int(definition.get("decimals", 0 if integral else 2)),
        "disclosure": definition.get("disclosure"),
        "sensitive": bool(definition.get("sensitive", False)),
        "source": definition.get("source") or source or f"Eigen tabel {file.name}",
    }


class IndicatorNamer:
    """Maps column headers (wide) or indicator names (long) to indicator codes and collects the
    definitions of user indicators."""

    def __init__(self, cat: Catalogue, definitions: Mapping[str, Mapping[str, Any]], *,
                 prefix: str, file: Path, source: str | None) -> None:
        self.cat = cat
        self.definitions = definitions
        self.prefix = prefix
        self.file = file
        self.source = source
        self.new: dict[str, dict[str, Any]] = {}
        self.used: dict[str, str] = {}  # code -> column

    def skipped(self, name: str) -> bool:
        return bool(self.definitions.get(name, {}).get("skip"))

    def catalogue_code(self, name: str) -> str | None:
        definition = self.definitions.get(name, {})
        if definition.get("code") in self.cat:
            return str(definition["code"])
        if "code" in definition:
            return None
        return self.cat.resolve(name, "kwb") or self.cat.resolve(name, "other")

    def code_for(self, name: str, values: np.ndarray, *, line: int, column: str | None) -> str:
        """The indicator code for ``name``; user indicators get a definition on first use."""
        code = self.catalogue_code(name)
        if code is None:
            definition = self.definitions.get(name, {})
            if "code" in definition:
                code = str(definition["code"])
            else:
                base = slug(name, self.prefix)
                code, n = base, 2
                while code in self.cat or self.used.get(code, name) != name:
                    code, n = f"{base[:60]}_{n}", n + 1
        other = self.used.get(code)
        if other is not None and other != name:
            raise DataError(f"{other!r} en {name!r} zijn allebei indicator {code}",
                            file=self.file.name, row=line, column=column, value=name)
        if code not in self.cat:
            self.new.setdefault(code, user_indicator(name, self.definitions.get(name, {}),
                                                     code=code, file=self.file,
                                                     values=values, source=self.source))
        self.used[code] = name
        return code
