"""Generic importer for local tables (survey indices, own monitors): CSV or Excel, wide or long.

Layouts:

``wide``  one row per area (and optionally per year), one column per indicator::

              gebied;jaar;score_a;score_b
              WK059901;2016;7,2;81

``long``  one row per observation with columns area code, year, indicator and value::

              gebied,jaar,indicator,waarde
              WK059901,2016,score_a,7.2

The area code column holds CBS codes (``GM0599``, ``WK059901``, ``BU05990110``); it is found
by name or by content. Columns (wide) or indicator names (long) that the catalogue knows map to
catalogue indicators; other numeric columns become *user indicators* whose definition comes
from the ``indicators`` argument or a YAML/JSON ``definitions`` file, with cautious defaults
(theme ``leefbaarheid``, direction ``neutral``) otherwise. The result is a
:class:`~wijkkompas.data.parsed.ParsedData` of kind ``table``.
"""

from __future__ import annotations

import re
import warnings as pywarnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkkompas.data.catalogue import Catalogue, load_catalogue
from wijkkompas.data.codes import CODE_RE, clean_codes
from wijkkompas.data.guard import EXCEL_ERRORS, check_workbook, excel_error, excel_options
from wijkkompas.data.parsed import (
    OBS_COLUMNS,
    ParsedData,
    area_frame,
    check_duplicates,
    file_lines,
    municipality_names,
    prepare_codes,
)
from wijkkompas.data.sniff import data_lines, read_table_text, read_text, refuse_names_only
from wijkkompas.data.user_indicators import (
    CODE_OK,
    IndicatorNamer,
    check_definition,
    load_definitions,
    slug,
)
from wijkkompas.data.validate import check_header, text_header
from wijkkompas.data.values import parse_values
from wijkkompas.errors import ConfigError, DataError

LineOf = Callable[[int], int]
__all__ = ["RawTable", "find_code_column", "header_text", "pick_column", "read_raw",
           "read_table", "resolve_years", "scp_wijk_codes", "slug", "year_from_name"]

LAYOUTS = ("wide", "long")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CODE_NAMES = ("gwb_code_10", "gwb_code", "area_code", "gebiedscode", "gebied", "code", "gbd",
              "regiocode", "statcode", "cbs_buurtnummer", "cbs_buurtcode", "cbs_wijkcode",
              "bu_code", "wk_code", "gm_code", "buurtcode", "wijkcode", "gemeentecode")
NAME_NAMES = ("naam", "name", "gebiedsnaam", "area_name", "regionaam", "regio", "region",
              "statnaam",
              "buurtnaam", "bu_naam", "wijknaam", "wk_naam", "gemeentenaam", "gm_naam")
YEAR_NAMES = ("jaar", "year", "peiljaar", "perioden", "periode")
INDICATOR_NAMES = ("indicator", "variabele", "variable", "indicatorcode", "onderwerp", "kenmerk")
VALUE_NAMES = ("waarde", "value", "getal", "val")
# Identifiers and coordinates: numeric, but never indicators.
SKIP_NAMES = frozenset({"postcode", "wijknummer", "buurtnummer", "gemeentenummer", "wijknr",
                        "buurtnr", "lat", "lon", "long", "lng", "latitude", "longitude", "x", "y",
                        "rd_x", "rd_y", "id", "fid", "objectid", "volgnummer", "nr"})
DERIVED_SUFFIX = "_norm"
# Area code formats: ``cbs`` (GM0599, WK059901, BU05990110) or ``scp_wijk``: the numeric wijk
# number of SCP files (gemeentecode x 100 + wijknummer: 59901 = WK059901, 300 = WK000300).
CODE_FORMATS = ("cbs", "scp_wijk")
SCP_WIJK_NAMES = ("wijk", "wijknummer", "wijknr", "wijkcode", "wijk_nr")
_SCP_WIJK = re.compile(r"^\s*(\d{3,6})(?:\.0+)?\s*$")
_YEAR_TEXT = re.compile(r"^\s*((?:19|20)\d{2})(?:JJ00|\.0+)?\s*$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class RawTable:
    """A table as read: string/object cells, a header, and file line numbers of data rows."""

    frame: pd.DataFrame
    line_of: LineOf
    header_line: int = 1
    sheet: str | int | None = None  # the worksheet read (Excel)


def year_from_name(path: Path) -> int | None:
    """The year a file name mentions (``all_data_buurten_2016.csv`` -> 2016), if exactly one."""
    found = set(_YEAR_IN_NAME.findall(path.stem))
    return int(found.pop()) if len(found) == 1 else None


# --- reading the raw table ------------------------------------------------------------------


def read_raw(path: Path, *, sheet: str | int | None = None,
             header_row: int | None = None) -> RawTable:
    """Read CSV or Excel into string/object cells with located line numbers.

    ``header_row`` is 0-based (the number of lines above the header)."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path, sheet, header_row)
    if sheet is not None:
        raise ConfigError("--sheet geldt alleen voor Excel-bestanden")
    tf = read_text(path)
    refuse_names_only(tf)
    skip = header_row or 0
    frame = read_table_text(tf, skiprows=skip)
    if frame.shape[1] < 2:
        raise DataError(
            f"maar één kolom gevonden met scheidingsteken {tf.delimiter!r}; is het "
            "scheidingsteken verkeerd (verwacht ; , of tab)?",
            file=path.name, row=skip + 1, value=str(frame.columns[0]),
        )
    line_of = data_lines(tf, frame, skip=skip)
    check_header(text_header(tf.text, tf.delimiter, skip=skip), file=path.name, line=skip + 1)
    return RawTable(frame, line_of, skip + 1)


def _read_excel(path: Path, sheet: str | int | None, header_row: int | None) -> RawTable:
    check_workbook(path)
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        try:
            book = pd.ExcelFile(path, **excel_options(path))
        except EXCEL_ERRORS as exc:
            raise excel_error(path, exc) from None
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            chosen: str | int = 0
        elif isinstance(sheet, int) or str(sheet).isdigit() and str(sheet) not in names:
            chosen = int(sheet)
            if not 0 <= chosen < len(names):
                raise DataError(f"werkblad {sheet} bestaat niet; er zijn {len(names)} werkbladen "
                                f"({', '.join(names)})", file=path.name)
        else:
            match = [n for n in names if n.strip().lower() == str(sheet).strip().lower()]
            if not match:
                raise DataError(f"werkblad {sheet!r} niet gevonden; werkbladen: "
                                f"{', '.join(names)}", file=path.name)
            chosen = match[0]
        try:
            raw = book.parse(chosen, header=None, dtype=object)
        except EXCEL_ERRORS as exc:  # openpyxl reads the sheet itself only now
            raise excel_error(path, exc) from None
        finally:
            book.close()
    filled = raw.notna() & raw.astype("string").apply(lambda c: c.str.strip().ne("")).fillna(False)
    rows_filled = filled.any(axis=1).to_numpy()
    if not rows_filled.any():
        raise DataError("het werkblad is leeg", file=path.name)
    head = int(np.flatnonzero(rows_filled)[0]) if header_row is None else int(header_row)
    if head >= len(raw) or not rows_filled[head]:
        raise DataError("de kopregel is leeg", file=path.name, row=head + 1)
    header = [header_text(v) for v in raw.iloc[head].tolist()]
    body = raw.iloc[head + 1:]
    keep_rows = np.flatnonzero(rows_filled[head + 1:])
    body = body.iloc[keep_rows]
    keep_cols = []
    for i, name in enumerate(header):
        if name:
            keep_cols.append(i)
        elif filled.iloc[head + 1:, i].any():
            raise DataError("kolom zonder naam in de kopregel heeft wel waarden",
                            file=path.name, row=head + 1, column=f"kolom {i + 1}")
    frame = body.iloc[:, keep_cols].reset_index(drop=True)
    frame.columns = [header[i] for i in keep_cols]
    lines = keep_rows + head + 2
    check_header(header, file=path.name, line=head + 1)
    return RawTable(frame, lambda pos: int(lines[pos]), head + 1, sheet=chosen)


def header_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lstrip("\ufeff")


# --- columns ----------------------------------------------------------------------------------


def pick_column(frame: pd.DataFrame, given: str | None, candidates: tuple[str, ...], what: str,
            path: Path, *, exclude: tuple[str | None, ...] = ()) -> str | None:
    """A column by explicit name (case-insensitive) or by the first known candidate name."""
    by_low = {str(c).strip().lower(): str(c) for c in frame.columns if c not in exclude}
    if given is not None:
        hit = by_low.get(given.strip().lower())
        if hit is None:
            raise DataError(f"kolom {given!r} ({what}) niet gevonden; kolommen: "
                            f"{', '.join(map(str, frame.columns[:12]))}", file=path.name,
                            column=given)
        return hit
    return next((by_low[c] for c in candidates if c in by_low), None)


def find_code_column(frame: pd.DataFrame, given: str | None, path: Path,
                     header_line: int = 1) -> str:
    """The area code column: given, or the column whose values are (mostly) CBS codes."""
    if given is not None:
        return str(pick_column(frame, given, (), "gebiedscode", path))
    sample = frame.head(200)
    best: tuple[float, bool, int, str] | None = None
    for col in frame.columns:
        for part in (sample, frame):
            codes = clean_codes(part[col].astype("string"))
            nonempty = codes.ne("").to_numpy()
            if not nonempty.any():
                share = 0.0
                break
            share = float(codes[nonempty].str.fullmatch(CODE_RE.pattern).mean())
            if share < 0.5:
                break
        named = str(col).strip().lower() in CODE_NAMES
        key = (share, named, int(frame[col].nunique()), str(col))
        if share >= 0.5 and (best is None or key[:3] > best[:3]):
            best = key
    if best is None:
        scp = _scp_wijk_column(frame)
        hint = (f"; kolom {scp!r} lijkt SCP-wijknummers te bevatten (gemeentecode x 100 + "
                "wijknummer, bijv. 59901 = WK059901): gebruik --code-format scp_wijk"
                if scp is not None else "")
        raise DataError(
            "geen kolom met CBS-gebiedscodes gevonden (GMxxxx, WKxxxxxx, BUxxxxxxxx); geef de "
            f"kolom op met --code-column (kolommen: {', '.join(map(str, frame.columns[:10]))})"
            + hint,
            file=path.name, row=header_line,
        )
    return best[3]


def _scp_wijk_column(frame: pd.DataFrame) -> str | None:
    """A column named like an SCP wijk number whose values are all 3-6 digit numbers."""
    col = pick_column(frame, None, SCP_WIJK_NAMES, "wijknummer", Path("-"))
    if col is None:
        return None
    text = frame[col].astype("string").fillna("")
    return col if bool(text.str.fullmatch(_SCP_WIJK.pattern).all()) else None


def scp_wijk_codes(raw: pd.Series, *, path: Path, column: str, line_of: LineOf) -> pd.Series:
    """CBS wijk codes from SCP wijk numbers (gemeentecode x 100 + wijknummer).

    >>> scp_wijk_codes(pd.Series(["59901", "300"]), path=Path("w.csv"), column="wijk",
    ...                line_of=lambda p: p + 2).tolist()
    ['WK059901', 'WK000300']
    """
    digits = raw.astype("string").fillna("").str.extract(_SCP_WIJK.pattern)[0]
    number = pd.to_numeric(digits, errors="coerce")
    bad = (number.isna() | (number < 100)).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError("geen SCP-wijknummer (gemeentecode x 100 + wijknummer, bijv. 59901 = "
                        "WK059901)", file=path.name, row=line_of(pos), column=column,
                        value=raw.iloc[pos])
    return ("WK" + number.astype(np.int64).astype(str).str.zfill(6)).astype(object)


def resolve_years(frame: pd.DataFrame, column: str | None, path: Path, year: int | None,
                  line_of: LineOf) -> pd.Series:
    """Years per row from the year column, the ``year`` argument or the file name; any two that
    disagree are an error."""
    from_name = year_from_name(path)
    if column is None:
        if year is not None and from_name is not None and year != from_name:
            raise DataError(f"jaar {year} opgegeven, maar de bestandsnaam zegt {from_name}",
                            file=path.name, value=year)
        chosen = year if year is not None else from_name
        if chosen is None:
            raise DataError("het jaar staat niet in het bestand of de bestandsnaam; geef het op "
                            "met --year of een jaarkolom", file=path.name)
        return pd.Series(np.full(len(frame), chosen, dtype=np.int64))
    text = frame[column].astype("string").str.strip().fillna("")
    parsed = text.str.extract(_YEAR_TEXT.pattern)[0]
    bad = parsed.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError("geen geldig jaar", file=path.name, row=line_of(pos), column=column,
                        value=frame[column].iloc[pos])
    years = parsed.astype(np.int64).reset_index(drop=True)
    if year is not None and (years != year).any():
        pos = int(np.flatnonzero((years != year).to_numpy())[0])
        raise DataError(f"jaar {year} opgegeven, maar de jaarkolom zegt {years.iloc[pos]}",
                        file=path.name, row=line_of(pos), column=column,
                        value=frame[column].iloc[pos])
    found = years.unique()
    if from_name is not None and len(found) == 1 and int(found[0]) != from_name:
        raise DataError(f"de bestandsnaam zegt {from_name}, de jaarkolom zegt {found[0]}; "
                        "welk jaar klopt?", file=path.name, row=line_of(0), column=column,
                        value=frame[column].iloc[0])
    return years


# --- the reader ---------------------------------------------------------------------------------


def read_table(
    path: Path | str,
    *,
    layout: str | None = None,
    sheet: str | int | None = None,
    year: int | None = None,
    code_column: str | None = None,
    year_column: str | None = None,
    header_row: int | None = None,
    indicators: Mapping[str, Mapping[str, Any]] | None = None,
    definitions: Path | str | None = None,
    source: str | None = None,
    prefix: str = "",
    indicator_column: str | None = None,
    value_column: str | None = None,
    code_format: str | None = None,
    catalogue: Catalogue | None = None,
) -> ParsedData:
    """Read a local CSV or Excel table (wide or long) into :class:`ParsedData` (kind ``table``).

    ``indicators`` (and the ``definitions`` file, which it overrides) map a column header (wide)
    or indicator name (long) to a definition: ``code``, ``label_nl``, ``label_en``, ``unit``,
    ``theme``, ``kind``, ``direction``, ``direction_note``, ``decimals``, ``source``, or
    ``skip: true``. ``prefix`` goes before codes made from headers. ``code_format``
    ``scp_wijk`` reads SCP wijk numbers (59901 = WK059901) from the code column (``wijk`` or
    ``code_column``); it is never guessed.
    """
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    if layout is not None and layout not in LAYOUTS:
        raise ConfigError(f"layout {layout!r} onbekend; kies wide of long")
    if code_format is not None and code_format not in CODE_FORMATS:
        raise ConfigError(f"codevorm {code_format!r} onbekend; kies {' of '.join(CODE_FORMATS)}")
    cat = catalogue or load_catalogue()
    defs: dict[str, dict[str, Any]] = load_definitions(definitions) if definitions else {}
    defs.update({str(k): dict(v or {}) for k, v in (indicators or {}).items()})
    for name, definition in defs.items():
        check_definition(name, definition, cat)
    if prefix and not CODE_OK.match(prefix + "x"):
        raise ConfigError(f"voorvoegsel {prefix!r} ongeldig (kleine letters, cijfers en _)")

    raw = read_raw(path, sheet=sheet, header_row=header_row)
    frame, line_of = raw.frame, raw.line_of
    if frame.empty:
        raise DataError("het bestand bevat geen gegevensrijen", file=path.name)
    if code_format == "scp_wijk":
        code_col = pick_column(frame, code_column, SCP_WIJK_NAMES, "wijknummer", path)
        if code_col is None:
            raise DataError("geen kolom met SCP-wijknummers (wijk) gevonden; geef hem op met "
                            "--code-column", file=path.name, row=raw.header_line)
        frame = frame.copy()
        frame[code_col] = scp_wijk_codes(frame[code_col], path=path, column=code_col,
                                         line_of=line_of)
    else:
        code_col = find_code_column(frame, code_column, path, raw.header_line)
    ind_col = pick_column(frame, indicator_column, INDICATOR_NAMES, "indicator", path,
                      exclude=(code_col,))
    val_col = pick_column(frame, value_column, VALUE_NAMES, "waarde", path, exclude=(code_col,))
    if layout is None:
        layout = "long" if ind_col is not None and val_col is not None else "wide"
    if layout == "long" and (ind_col is None or val_col is None):
        raise DataError("lange vorm vraagt kolommen voor indicator (indicator/variabele) en "
                        "waarde (waarde/value); kolommen: "
                        f"{', '.join(map(str, frame.columns[:12]))}", file=path.name,
                        row=raw.header_line)
    year_col = pick_column(frame, year_column, YEAR_NAMES, "jaar", path, exclude=(code_col,))
    name_col = pick_column(frame, None, NAME_NAMES, "naam", path, exclude=(code_col, year_col))

    codes = prepare_codes(frame, code_col, file=path, line_of=line_of)
    years = resolve_years(frame, year_col, path, year, line_of)
    namer = IndicatorNamer(cat, defs, prefix=prefix, file=path, source=source)
    used = {code_col, year_col, name_col}
    if layout == "wide":
        check_duplicates(codes, years, file=path, column=code_col, line_of=line_of)
        obs, warns = _wide(frame, codes, years, [c for c in frame.columns if c not in used],
                           namer, path, line_of)
    else:
        obs, warns = _long(frame, codes, years, ind_col, val_col, namer, path, line_of)
        rest = [str(c) for c in frame.columns if c not in used | {ind_col, val_col}]
        if rest:
            warns.append(f"{len(rest)} kolommen genegeerd in lange vorm: {_shown(rest)}")
    unused = sorted(set(defs) - set(namer.used.values()) - {c for c in defs if namer.skipped(c)})
    if unused:
        warns.append(f"definities zonder kolom in het bestand: {_shown(unused)}")
    if obs.empty:
        raise DataError("geen enkele kolom met getallen om te importeren", file=path.name,
                        row=raw.header_line)
    undirected = [c for c, d in namer.new.items() if d["direction"] == "neutral"
                  and "direction" not in defs.get(namer.used[c], {})]
    if undirected:
        warns.append(f"{len(undirected)} eigen indicatoren zonder richting (neutraal) "
                     f"aangemaakt: {_shown(undirected)}; stel de richting in met een "
                     "definitiebestand (--definitions)")
    names = frame[name_col] if name_col is not None else None
    areas = area_frame(codes, names, years)
    return ParsedData(file=path, kind="table", form=layout, observations=obs, areas=areas,
                      warnings=warns, source=source or f"Eigen tabel {path.name}",
                      new_indicators=list(namer.new.values()),
                      municipality_names=municipality_names(frame, codes, years),
                      sheets=None if raw.sheet is None else [raw.sheet])


def _shown(items: list[str], n: int = 10) -> str:
    return ", ".join(items[:n]) + (" ..." if len(items) > n else "")


def _observations(codes: pd.Series, years: pd.Series, indicator: str | np.ndarray,
                  values: np.ndarray, status: np.ndarray, lines: np.ndarray,
                  column: str) -> pd.DataFrame:
    return pd.DataFrame({"area_code": codes.to_numpy(dtype=object), "indicator": indicator,
                         "year": years.to_numpy(dtype=np.int64), "value": values,
                         "status": status, "line": lines, "column": str(column)})


def _wide(frame: pd.DataFrame, codes: pd.Series, years: pd.Series, columns: list[str],
          namer: IndicatorNamer, path: Path, line_of: LineOf) -> tuple[pd.DataFrame, list[str]]:
    warns: list[str] = []
    skipped: dict[str, list[str]] = {"meta": [], "derived": [], "text": [], "empty": [],
                                     "chosen": []}
    parts = []
    lines = file_lines(len(frame), line_of)
    for col in columns:
        low = str(col).strip().lower()
        explicit = col in namer.definitions
        if namer.skipped(col):
            skipped["chosen"].append(col)
            continue
        if not explicit and (low in SKIP_NAMES or low in CODE_NAMES or low in NAME_NAMES):
            skipped["meta"].append(col)
            continue
        if not explicit and low.endswith(DERIVED_SUFFIX):
            skipped["derived"].append(col)
            continue
        values, status, bad = parse_values(frame[col])
        known = explicit or namer.catalogue_code(col) is not None
        if bad is not None:
            n_bad = int(((status == "ok") & np.isnan(values)).sum())
            n_num = int(np.isfinite(values).sum())
            if not known and n_bad > n_num:
                skipped["text"].append(col)
                continue
            raise DataError("tekst in een kolom met getallen (verwacht een getal, . x - of "
                            "leeg)", file=path.name, row=line_of(bad.position), column=col,
                            value=bad.value)
        if not np.isfinite(values).any() and not known:
            skipped["empty"].append(col)
            continue
        code = namer.code_for(col, values, line=1, column=col)
        parts.append(_observations(codes, years, code, values, status, lines, col))
    messages = {
        "meta": "kolommen met kenmerken of coördinaten (geen indicator) overgeslagen",
        "derived": f"afgeleide kolommen (eindigen op {DERIVED_SUFFIX!r}, berekend uit andere "
                   "kolommen) overgeslagen",
        "text": "tekstkolommen overgeslagen",
        "empty": "kolommen zonder getallen overgeslagen",
        "chosen": "kolommen overgeslagen volgens de definities",
    }
    for key, cols in skipped.items():
        if cols:
            warns.append(f"{len(cols)} {messages[key]}: {_shown(cols)}")
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS}), warns
    return pd.concat(parts, ignore_index=True), warns


def _long(frame: pd.DataFrame, codes: pd.Series, years: pd.Series, ind_col: str, val_col: str,
          namer: IndicatorNamer, path: Path, line_of: LineOf) -> tuple[pd.DataFrame, list[str]]:
    names = frame[ind_col].astype("string").str.strip().fillna("")
    empty = names.eq("").to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise DataError("indicatornaam ontbreekt", file=path.name, row=line_of(pos),
                        column=ind_col, value=frame[ind_col].iloc[pos])
    values, status, bad = parse_values(frame[val_col])
    if bad is not None:
        raise DataError("tekst in de waardekolom (verwacht een getal, . x - of leeg)",
                        file=path.name, row=line_of(bad.position), column=val_col,
                        value=bad.value)
    keep = ~names.map(namer.skipped).to_numpy(dtype=bool)
    warns: list[str] = []
    if not keep.all():
        dropped = sorted(set(names[~keep]))
        warns.append(f"{len(dropped)} indicatoren overgeslagen volgens de definities: "
                     f"{_shown(dropped)}")
    uniq, first, inverse = np.unique(names.to_numpy(dtype=str), return_index=True,
                                     return_inverse=True)
    code_of = {}
    for i, (name, pos) in enumerate(zip(uniq.tolist(), first.tolist(), strict=True)):
        if namer.skipped(name):
            continue
        sel = inverse == i
        code_of[name] = namer.code_for(name, values[sel], line=line_of(pos), column=ind_col)
    indicator = names.map(code_of).to_numpy(dtype=object)
    key = pd.DataFrame({"c": codes.to_numpy(), "y": years.to_numpy(), "i": indicator})
    dup = key.duplicated(keep=False).to_numpy() & keep
    if dup.any():
        positions = np.flatnonzero(dup)
        first_dup = key.iloc[positions[0]]
        same = positions[(key.iloc[positions] == first_dup).all(axis=1).to_numpy()]
        rows = ", ".join(str(line_of(int(p))) for p in same[:5])
        raise DataError(f"waarde komt meer dan eens voor voor hetzelfde gebied, jaar en indicator "
                        f"({first_dup['c']}, {first_dup['y']}, {names.iloc[same[0]]}; rijen "
                        f"{rows})", file=path.name, row=line_of(int(same[1])), column=ind_col,
                        value=names.iloc[same[0]])
    sel = np.flatnonzero(keep)
    obs = _observations(codes.iloc[sel], years.iloc[sel], indicator[sel], values[sel],
                        status[sel], file_lines(len(frame), line_of)[sel], val_col)
    return obs, warns
