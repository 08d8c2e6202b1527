"""Read a table of regular means per area: CSV or Excel, long or wide.

Long form, one amount per row (decimal point)::

    gebied,domein,jaar,bedrag
    WK015300,jeugd,2022,1250000.50
    WK015300,Wmo,2022,830000

Wide form, one domain per column::

    gebied,jaar,wmo,jeugd,welzijn
    WK015300,2022,830000,1250000.50,90000

The domain is free text mapped to :data:`DOMAINS` (``Wmo`` → ``wmo``, ``Jeugdhulp`` →
``jeugd``, ``Beheer openbare ruimte`` → ``openbare_ruimte``); a text that maps to none is a
located error, so a typo never lands silently in ``overig``. Capacity is accepted as its own
unit: a value column named ``fte`` or ``uren`` instead of ``bedrag``, an ``eenheid`` column
(``euro``, ``fte``, ``uren``) or the ``unit`` argument. Every error names the file, the row (as
an editor shows it), the column and the value; nothing is returned unless every row is good.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.data.codes import clean_codes
from wijkkompas.data.tables import read_raw
from wijkkompas.errors import ConfigError, DataError

#: The domains of regular means, as stored (Dutch: they are the user's own words).
DOMAINS = ("wmo", "jeugd", "participatie", "openbare_ruimte", "veiligheid", "welzijn",
           "onderwijs", "overig")
#: Units: euros, or capacity in FTE or hours (never added to each other).
UNITS = ("euro", "fte", "uren")
#: The most rows one import may hold (a municipality has at most a few hundred buurten; eight
#: domains over a few dozen years stay far below this).
MAX_ROWS = 200_000

_SYNONYMS = {
    "wmo": "wmo", "wet_maatschappelijke_ondersteuning": "wmo", "maatschappelijke_ondersteuning":
    "wmo", "zorg": "wmo",
    "jeugd": "jeugd", "jeugdzorg": "jeugd", "jeugdhulp": "jeugd", "jeugdwet": "jeugd",
    "participatie": "participatie", "participatiewet": "participatie", "werk": "participatie",
    "werk_en_inkomen": "participatie", "re_integratie": "participatie", "bijstand": "participatie",
    "openbare_ruimte": "openbare_ruimte", "beheer_openbare_ruimte": "openbare_ruimte",
    "bor": "openbare_ruimte", "buitenruimte": "openbare_ruimte", "groen": "openbare_ruimte",
    "veiligheid": "veiligheid", "politie": "veiligheid", "handhaving": "veiligheid",
    "welzijn": "welzijn", "welzijnswerk": "welzijn", "opbouwwerk": "welzijn",
    "sociaal_werk": "welzijn", "wijkteam": "welzijn",
    "onderwijs": "onderwijs", "onderwijshuisvesting": "onderwijs", "school": "onderwijs",
    "overig": "overig", "overige": "overig", "anders": "overig",
}
_UNIT_SYNONYMS = {"euro": "euro", "eur": "euro", "euros": "euro", "€": "euro", "bedrag": "euro",
                  "fte": "fte", "uren": "uren", "uur": "uren", "hours": "uren"}
_CODE_COLUMNS = ("gebied", "gebiedscode", "area_code", "code", "wijkcode", "buurtcode")
_YEAR_COLUMNS = ("jaar", "year")
_DOMAIN_COLUMNS = ("domein", "domain")
_VALUE_COLUMNS = {"bedrag": "euro", "bedrag_euro": "euro", "euro": "euro", "fte": "fte",
                  "uren": "uren"}
_UNIT_COLUMNS = ("eenheid", "unit")
_NAME_COLUMNS = ("naam", "gebiedsnaam", "name")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass
class MeansTable:
    """The rows of a good file: ``area_code``, ``domain``, ``year``, ``unit``, ``amount``,
    ``line`` (the file line, for messages after reading)."""

    file: Path
    form: str  # "long" or "wide"
    rows: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.rows["year"].unique())


def key(text: object) -> str:
    """A header or domain name reduced to lower case, ASCII and underscores."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.strip().lower()).strip("_")


def domain_of(text: object) -> str | None:
    """The domain a free text names, or None: ``"Jeugdhulp"`` → ``"jeugd"``."""
    return _SYNONYMS.get(key(text))


def unit_of(text: object) -> str | None:
    raw = str(text).strip().lower()
    return _UNIT_SYNONYMS.get(raw) or _UNIT_SYNONYMS.get(key(raw))


def _column(frame: pd.DataFrame, names: tuple[str, ...] | dict) -> str | None:
    for col in frame.columns:
        if key(col) in names:
            return col
    return None


def read_means(path: Path, *, known_areas: set[str], unit: str | None = None,
               sheet: str | int | None = None) -> MeansTable:
    """Read and check ``path``; every area code must be in ``known_areas``."""
    if unit is not None and unit_of(unit) is None:
        raise ConfigError(f"onbekende eenheid {unit!r}; kies uit {', '.join(UNITS)}")
    raw = read_raw(path, sheet=sheet)
    frame, line_of = raw.frame, raw.line_of
    if len(frame) == 0:
        raise DataError("het bestand heeft geen rijen met bedragen", file=path.name)
    if len(frame) > MAX_ROWS:
        raise DataError(f"te veel rijen ({len(frame)}; maximaal {MAX_ROWS})", file=path.name)
    code_col = _column(frame, _CODE_COLUMNS)
    year_col = _column(frame, _YEAR_COLUMNS)
    for col, what in ((code_col, "gebied"), (year_col, "jaar")):
        if col is None:
            raise DataError(f"kolom '{what}' ontbreekt in de kopregel",
                            file=path.name, row=raw.header_line,
                            value=", ".join(map(str, frame.columns)))
    domain_col = _column(frame, _DOMAIN_COLUMNS)
    if domain_col is not None:
        rows, form = _long(frame, domain_col, path, line_of, unit, raw.header_line), "long"
    else:
        rows, form = _wide(frame, (code_col, year_col), path, line_of, unit,
                           raw.header_line), "wide"
    codes = clean_codes(frame[code_col].astype("string").fillna("")).to_numpy(dtype=object)
    years = _years(frame[year_col], path, year_col, line_of)
    rows = rows.assign(area_code=codes[rows["pos"]], year=years[rows["pos"]])
    unknown = ~rows["area_code"].isin(known_areas).to_numpy()
    if unknown.any():
        first = rows.iloc[int(np.flatnonzero(unknown)[0])]
        what = "gebiedscode ontbreekt" if not first["area_code"] else (
            "onbekend gebied (importeer eerst de CBS-gegevens of het eigen gebied)")
        raise DataError(what, file=path.name, row=line_of(int(first["pos"])),
                        column=code_col, value=frame[code_col].iloc[int(first["pos"])])
    _no_duplicates(rows, path, line_of)
    rows["line"] = [line_of(int(p)) for p in rows["pos"]]
    out = rows[["area_code", "domain", "year", "unit", "amount", "line"]].reset_index(drop=True)
    return MeansTable(path, form, out)


def _long(frame: pd.DataFrame, domain_col: str, path: Path, line_of, unit: str | None,  # noqa: ANN001
          header_line: int) -> pd.DataFrame:
    value_col = _column(frame, _VALUE_COLUMNS)
    if value_col is None:
        raise DataError("kolom 'bedrag' (of 'fte' of 'uren') ontbreekt in de kopregel",
                        file=path.name, row=header_line,
                        value=", ".join(map(str, frame.columns)))
    units = _units(frame, path, line_of, unit or _VALUE_COLUMNS[key(value_col)])
    domains = []
    for pos, text in enumerate(frame[domain_col].tolist()):
        found = domain_of(text)
        if found is None:
            raise DataError(f"onbekend domein; kies uit {', '.join(DOMAINS)}", file=path.name,
                            row=line_of(pos), column=domain_col, value=text)
        domains.append(found)
    amounts = _amounts(frame[value_col], path, value_col, line_of)
    return pd.DataFrame({"pos": np.arange(len(frame)), "domain": domains, "unit": units,
                         "amount": amounts})


def _wide(frame: pd.DataFrame, skip: tuple[str, str], path: Path, line_of,  # noqa: ANN001
          unit: str | None, header_line: int) -> pd.DataFrame:
    unit_col = _column(frame, _UNIT_COLUMNS)
    units = _units(frame, path, line_of, unit or "euro")
    parts = []
    seen: dict[str, str] = {}
    for col in frame.columns:
        if col in skip or col == unit_col or key(col) in _NAME_COLUMNS:
            continue
        domain = domain_of(col)
        if domain is None:
            raise DataError(f"kolom is geen domein; kies uit {', '.join(DOMAINS)} (of gebruik "
                            "de lange vorm gebied,domein,jaar,bedrag)", file=path.name,
                            row=header_line, column=str(col))
        if domain in seen:
            raise DataError(f"twee kolommen voor domein {domain} ({seen[domain]} en {col})",
                            file=path.name, row=header_line, column=str(col))
        seen[domain] = str(col)
        cells = frame[col]
        filled = ~cells.astype("string").fillna("").str.strip().eq("").to_numpy()
        pos = np.flatnonzero(filled)
        amounts = _amounts(cells.iloc[pos], path, str(col), lambda p, _pos=pos: line_of(
            int(_pos[p])))
        parts.append(pd.DataFrame({"pos": pos, "domain": domain, "unit": units[pos],
                                   "amount": amounts}))
    if not parts:
        raise DataError("geen domeinkolommen gevonden (bijvoorbeeld wmo, jeugd, welzijn)",
                        file=path.name, row=header_line)
    return pd.concat(parts, ignore_index=True)


def _units(frame: pd.DataFrame, path: Path, line_of, default: str) -> np.ndarray:  # noqa: ANN001
    col = _column(frame, _UNIT_COLUMNS)
    fallback = unit_of(default)
    if col is None:
        return np.full(len(frame), fallback, dtype=object)
    out = []
    for pos, text in enumerate(frame[col].tolist()):
        if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
            out.append(fallback)
            continue
        found = unit_of(text)
        if found is None:
            raise DataError(f"onbekende eenheid; kies uit {', '.join(UNITS)}", file=path.name,
                            row=line_of(pos), column=col, value=text)
        out.append(found)
    return np.array(out, dtype=object)


def _amounts(cells: pd.Series, path: Path, column: str, line_of) -> np.ndarray:  # noqa: ANN001
    """Non-negative finite numbers with a decimal point; anything else is a located error."""
    out = np.empty(len(cells), dtype=float)
    for pos, value in enumerate(cells.tolist()):
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | float | np.integer | np.floating):
            number = None if np.isnan(value) else float(value)
        else:
            text = str(value).strip().replace("€", "").replace(" ", "")
            number = float(text) if _NUMBER.match(text) else None
        if number is None or not np.isfinite(number):
            what = "bedrag ontbreekt" if not str(value).strip() or value != value else (
                "bedrag is geen getal (gebruik een decimale punt, zonder duizendtallen)")
            raise DataError(what, file=path.name, row=line_of(pos), column=column, value=value)
        if number < 0:
            raise DataError("negatief bedrag", file=path.name, row=line_of(pos), column=column,
                            value=value)
        out[pos] = number
    return out


def _years(cells: pd.Series, path: Path, column: str, line_of) -> np.ndarray:  # noqa: ANN001
    out = np.empty(len(cells), dtype=np.int64)
    for pos, value in enumerate(cells.tolist()):
        text = str(value).strip()
        if text.endswith(".0"):  # Excel gives whole numbers as floats
            text = text[:-2]
        if not text.isdigit() or not 1900 <= int(text) <= 2100:
            raise DataError("jaar is geen jaartal (1900-2100)", file=path.name, row=line_of(pos),
                            column=column, value=value)
        out[pos] = int(text)
    return out


def _no_duplicates(rows: pd.DataFrame, path: Path, line_of) -> None:  # noqa: ANN001
    keys = ["area_code", "domain", "year", "unit"]
    dup = rows.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return
    first = rows.iloc[int(np.flatnonzero(dup)[0])]
    same = rows[(rows[keys] == first[keys]).all(axis=1)]
    lines = ", ".join(str(line_of(int(p))) for p in same["pos"][:5])
    raise DataError(f"dubbele sleutel: {first['area_code']}, {first['domain']}, {first['year']} "
                    f"({first['unit']}) staat op meer dan één rij (rijen {lines})",
                    file=path.name, row=line_of(int(same["pos"].iloc[1])),
                    value=first["area_code"])
