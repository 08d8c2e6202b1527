"""Reader for CBS/RIVM table 50090NED "Gezondheid per wijk en buurt" in its StatLine form.

StatLine serves the table as an OData *UntypedDataSet*; saved as Excel (or CSV/JSON) it has
the columns ``ID, Leeftijd, Marges, WijkenEnBuurten, Perioden, Gemeentenaam_1, SoortRegio_2,
Codering_3`` and then one column per subject with its StatLine key (``Eenzaam_28``,
``MoeiteMetRondkomen_38``, ...). Values are percentages of the age group as text padded with
spaces; ``.`` is suppressed (too few respondents), an empty cell means the subject was not
measured that year.

- ``Leeftijd`` is a dimension: 20300 = 18 jaar of ouder, 53115 = 18 tot 65 jaar, 80200 = 65
  jaar of ouder. Every (subject, age group) is its own catalogue indicator (``gz_eenzaam_65p``),
  declared in the catalogue's ``breakdowns`` block with the OData name ``Eenzaam|80200``.
- ``Marges`` MW00000 is the point estimate. Rows with another margin code (the bounds of the
  confidence interval, when a download includes them) are skipped with a warning: wijkkompas
  stores point estimates only.
- ``WijkenEnBuurten`` holds the padded area code; Nederland (``NL01`` here) is stored as
  ``NL00``, the code of the Kerncijfers and of the national reference.
- ``Perioden`` (``2012JJ00``) gives the year of every row; all years are on the 2020 boundaries.
- A subject without any value in a year and age group (not measured then) is left out, not
  stored as missing.

A file may hold one age group and year (as the per-file downloads do) or several.
Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.data.catalogue import Catalogue, odata_base
from wijkkompas.data.parsed import (
    OBS_COLUMNS,
    ParsedData,
    area_frame,
    check_duplicates,
    melt_columns,
    municipality_names,
    prepare_codes,
)
from wijkkompas.errors import DataError

TABLE = "50090NED"
AGE = "Leeftijd"
MARGINS = "Marges"
REGION = "WijkenEnBuurten"
PERIOD = "Perioden"
POINT_ESTIMATE = "MW00000"
NATIONAL = "NL00"
AGE_GROUPS = {"20300": "18 jaar of ouder", "53115": "18 tot 65 jaar", "80200": "65 jaar of ouder"}
SOURCE = f"CBS/RIVM {TABLE} Gezondheid per wijk en buurt (Gezondheidsmonitor; indeling 2020)"
# Columns that describe the row (compared without their numeric suffix, lower case).
META = {"id", "leeftijd", "marges", "wijkenenbuurten", "perioden", "gemeentenaam", "soortregio",
        "codering"}
_PERIOD = re.compile(r"^\s*((?:19|20)\d{2})(?:JJ00)?\s*$")

LineOf = Callable[[int], int]


def is_health_table(columns: Iterable[object]) -> bool:
    """Whether the columns are those of a StatLine table with an age dimension and margins
    (the form of 50090NED)."""
    names = {str(c).strip() for c in columns}
    return {AGE, MARGINS, REGION, PERIOD} <= names


def _years(frame: pd.DataFrame, path: Path, year: int | None, named: list[int],
           line_of: LineOf) -> pd.Series:
    raw = frame[PERIOD].astype("string").str.strip().fillna("")
    parsed = raw.str.extract(_PERIOD)[0]
    bad = parsed.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError("geen geldig jaar (verwacht bijv. 2020JJ00)", file=path.name,
                        row=line_of(pos), column=PERIOD, value=frame[PERIOD].iloc[pos])
    years = parsed.astype(int).reset_index(drop=True)
    for expected, what in ((year, "opgegeven"), (None, "in de bestandsnaam")):
        allowed = [expected] if expected is not None else named
        if not allowed:
            continue
        off = (~years.isin(allowed)).to_numpy()
        if off.any():
            pos = int(np.flatnonzero(off)[0])
            raise DataError(
                f"jaar {', '.join(map(str, allowed))} {what}, maar de kolom {PERIOD} zegt "
                f"{years.iloc[pos]}; welk jaar klopt?",
                file=path.name, row=line_of(pos), column=PERIOD, value=frame[PERIOD].iloc[pos])
    return years


def _point_estimates(frame: pd.DataFrame, path: Path, line_of: LineOf,
                     warnings: list[str]) -> tuple[pd.DataFrame, LineOf]:
    """Only the rows with the point estimate (MW00000); bounds are skipped with a warning."""
    margins = frame[MARGINS].astype("string").str.strip().str.upper().fillna("")
    empty = (margins == "").to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise DataError(f"ontbrekende code in kolom {MARGINS} (verwacht {POINT_ESTIMATE} voor "
                        "de puntschatting)", file=path.name, row=line_of(pos), column=MARGINS,
                        value=frame[MARGINS].iloc[pos])
    keep = (margins == POINT_ESTIMATE).to_numpy()
    if keep.all():
        return frame, line_of
    if not keep.any():
        raise DataError(f"geen puntschattingen ({MARGINS} = {POINT_ESTIMATE}) in het bestand; "
                        "alleen betrouwbaarheidsgrenzen", file=path.name, row=line_of(0),
                        column=MARGINS, value=frame[MARGINS].iloc[0])
    other = sorted(set(margins[~keep]))
    warnings.append(f"{int((~keep).sum())} rijen met betrouwbaarheidsgrenzen ({MARGINS} "
                    f"{', '.join(other)}) overgeslagen; alleen de puntschattingen "
                    f"({POINT_ESTIMATE}) zijn ingelezen")
    rows = np.flatnonzero(keep)
    return (frame.iloc[rows].reset_index(drop=True),
            lambda pos, _r=rows, _l=line_of: _l(int(_r[pos])))


def read_health_frame(frame: pd.DataFrame, path: Path, *, year: int | None, named: list[int],
                      catalogue: Catalogue, line_of: LineOf) -> ParsedData:
    """Parse the rows of a 50090NED table (strings, as read from the file) into long
    observations, one indicator per subject and age group."""
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    warnings: list[str] = []
    frame, line_of = _point_estimates(frame, path, line_of, warnings)
    codes = prepare_codes(frame, REGION, file=path, line_of=line_of)
    # Nederland is NL01 in this table and NL00 in the Kerncijfers (and in every reference
    # wijkkompas computes): one area for the country.
    codes = codes.where(codes != "NL01", NATIONAL)
    years = _years(frame, path, year, named, line_of)
    ages = frame[AGE].astype("string").str.strip().fillna("")

    subjects = [c for c in frame.columns if odata_base(c).lower() not in META]
    known_ages = sorted(a for a in set(ages)
                        if any(catalogue.resolve(f"{odata_base(c)}|{a}", "odata")
                               for c in subjects))
    unknown_age = (~ages.isin(known_ages)).to_numpy()
    if unknown_age.any():
        pos = int(np.flatnonzero(unknown_age)[0])
        shown = "; ".join(f"{k} = {v}" for k, v in AGE_GROUPS.items())
        raise DataError(f"onbekende leeftijdsgroep (bekend: {shown})", file=path.name,
                        row=line_of(pos), column=AGE, value=frame[AGE].iloc[pos])
    unknown = [c for c in subjects
               if not any(catalogue.resolve(f"{odata_base(c)}|{a}", "odata") for a in known_ages)]
    if unknown:
        shown = ", ".join(unknown[:12]) + (" ..." if len(unknown) > 12 else "")
        warnings.append(f"{len(unknown)} kolommen niet in de catalogus, overgeslagen: {shown}")
    subjects = [c for c in subjects if c not in unknown]
    if not subjects:
        raise DataError(f"geen enkele kolom hoort bij een indicator van tabel {TABLE} in de "
                        "catalogus", file=path.name, row=1)

    filled = {c: frame[c].astype("string").str.strip().fillna("").ne("").to_numpy()
              for c in subjects}
    parts: list[pd.DataFrame] = []
    for (age, yr), idx in pd.DataFrame({"a": ages, "y": years}).groupby(["a", "y"]).indices.items():
        sub = frame.iloc[idx].reset_index(drop=True)
        sub_codes = codes.iloc[idx].reset_index(drop=True)
        sub_years = years.iloc[idx].reset_index(drop=True)
        sub_line = _sub_lines(idx, line_of)
        check_duplicates(sub_codes, sub_years, file=path, column=REGION, line_of=sub_line)
        mapping = {c: catalogue.resolve(f"{odata_base(c)}|{age}", "odata") for c in subjects}
        empty = sorted(odata_base(c) for c, code in mapping.items()
                       if code is not None and not filled[c][idx].any())
        if empty:
            warnings.append(f"{len(empty)} onderwerpen zonder cijfers in {yr} "
                            f"({AGE_GROUPS.get(age, age)}) overgeslagen (niet gemeten): "
                            f"{', '.join(empty)}")
        mapping = {c: code for c, code in mapping.items()
                   if code is not None and filled[c][idx].any()}
        parts.append(melt_columns(sub, sub_codes, sub_years, mapping, file=path,
                                  line_of=sub_line))
    obs = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS}))

    names = _area_names(frame, codes)
    areas = area_frame(codes, names, years)
    return ParsedData(file=path, kind="cbs", form="odata", observations=obs, areas=areas,
                      warnings=warnings, source=SOURCE,
                      municipality_names=municipality_names(frame, codes, years))


def _sub_lines(rows: np.ndarray, line_of: LineOf) -> LineOf:
    return lambda pos: line_of(int(rows[pos]))


def _area_names(frame: pd.DataFrame, codes: pd.Series) -> pd.Series:
    """The table names municipalities only (``Gemeentenaam_1``); wijken and buurten get their
    names from other imports."""
    col = next((c for c in frame.columns if odata_base(c).lower() == "gemeentenaam"), None)
    if col is None:
        return pd.Series([None] * len(frame), dtype=object)
    names = frame[col].astype("string").str.strip()
    own = codes.str[:2].isin(["GM", "NL"]).to_numpy()
    return names.where(own, None).astype(object)


def is_health_file(path: Path) -> bool:
    """Whether a file (Excel or delimited text) has the header of a 50090NED table; never
    raises (an unreadable file is simply not one)."""
    try:
        suffix = path.suffix.lower()
        if suffix == ".xls":  # StatLine downloads are xlsx; old BIFF files are not this table
            return False
        if suffix in (".xlsx", ".xlsm"):
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            try:
                header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                book.close()
        else:
            with open(path, "rb") as fh:
                first = fh.read(4096).decode("utf-8-sig", errors="replace").split("\n", 1)[0]
            header = re.split(r"[;,\t|]", first.replace('"', ""))
    except Exception:  # noqa: BLE001 - any reader error: not recognised, the caller decides
        return False
    return is_health_table(header)


REFUSE_AS_TABLE = (
    f"dit is CBS/RIVM-tabel {TABLE} (Gezondheid per wijk en buurt) met de dimensies "
    f"{AGE} en {MARGINS}; als gewone tabel zou de leeftijdsgroep een indicator worden. "
    "Importeer het met 'wijkkompas import cbs': één indicator per onderwerp en leeftijdsgroep "
    "(bijv. gz_eenzaam_65p)"
)
