"""Reader for CBS Kerncijfers Wijken en Buurten in every form CBS publishes it.

Forms (detected from the column names):

``statline``  StatLine CSV export: ``;``, quoted, space-padded codes, UTF-8 with BOM,
              column titles with topic paths ("Bevolking/Aantal inwoners (aantal)")
``kwb``       the kwb-YYYY tables (CSV or Excel) with short names (``gwb_code_10``, ``a_inw``)
``odata``     OData JSON (``{"value": [...]}``, ``{"value": {id: {...}}}`` or ``{code: {...}}``)
              or CSV with keys such as ``AantalInwoners_5``
``wbk``       attribute tables of the wijk- en buurtkaart (``BU_CODE``, ``AANT_INW``; CSV, DBF,
              shapefile or GeoPackage)
``pdok``      PDOK wijkenbuurten shapefiles with truncated names (``buurtcode``, ``aantal_inw``)

CBS/RIVM 50090NED "Gezondheid per wijk en buurt" (OData keys plus the dimensions ``Leeftijd``
and ``Marges``) goes to :mod:`wijkkompas.data.health`.

Every form ends up as :class:`~wijkkompas.data.parsed.ParsedData`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from wijkkompas.data.catalogue import Catalogue, load_catalogue, normalise_title
from wijkkompas.data.guard import (
    EXCEL_ERRORS,
    check_workbook,
    check_zip,
    excel_error,
    excel_options,
    geo_errors,
    load_json,
    one_line,
)
from wijkkompas.data.health import is_health_table, read_health_frame
from wijkkompas.data.parsed import (
    ParsedData,
    area_frame,
    check_duplicates,
    melt_columns,
    municipality_names,
    prepare_codes,
)
from wijkkompas.data.sniff import data_lines, read_table_text, read_text, refuse_names_only
from wijkkompas.data.validate import (
    check_excel_header,
    check_header,
    json_line,
    text_header,
    unique_keys,
)
from wijkkompas.errors import DataError

YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PERIOD = re.compile(r"^\s*((?:19|20)\d{2})(?:JJ00)?\s*$")
YEAR_COLUMNS = ("year", "jaar", "perioden", "jrstatcode")
ODATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9]*_\d+$")

# Columns that describe the row rather than hold an indicator; never warned about.
META = {
    "kwb": {"gwb_code_10", "gwb_code_8", "gwb_code", "regio", "gm_naam", "recs", "ind_wbi",
            "pst_mvp", "pst_dekp", "id", "vormenvanjeugdzorg", "wijken", "perioden", "year",
            "gemeentenaam_18", "soortregio_19", "codering_20", "indelingswijzigingwijken_21",
            "wk_code", "bu_code", "gm_code"},
    "wbk": {"bu_code", "bu_naam", "wk_code", "wk_naam", "gm_code", "gm_naam", "ind_wbi", "h2o",
            "water", "postcode", "dek_perc", "jrstatcode", "jaar", "shape_leng", "shape_area",
            "geometry", "fid", "id"},
    "pdok": {"id", "fid", "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeenteco",
             "gemeentena", "indelingsw", "water", "meest_voor", "dekkingspe", "jaarstatco", "jaar",
             "gml_id", "geometry"},
    "odata": {"id", "wijkenenbuurten", "gemeentenaam", "soortregio", "codering",
              "indelingswijzigingwijkenenbuurten", "indelingswijzigingwijkenbuurten",
              "indelingswijzigingwijken", "indelingswijzigingbuurten", "perioden",
              "meestvoorkomendepostcode", "dekkingspercentage",
              "indelingswijzigingGemeenteWijkBuurt".lower()},
    "statline": {"wijken en buurten", "regioaanduiding/gemeentenaam (naam)",
                 "regioaanduiding/soort regio (omschrijving)", "regioaanduiding/codering (code)",
                 "regioaanduiding/indelingswijziging gemeente, wijk, buurt (code)",
                 "regioaanduiding/indelingswijziging wijken en buurten (code)",
                 "regioaanduiding/meest voorkomende postcode (code)",
                 "regioaanduiding/dekkingspercentage (code)", "perioden", "onderwerp"},
}

GEO_SUFFIXES = {".shp", ".dbf", ".gpkg", ".zip", ".geojson"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def year_from_name(path: Path) -> int | None:
    m = YEAR_IN_NAME.search(path.stem)
    return int(m.group(1)) if m else None


def years_in_name(path: Path) -> list[int]:
    """Every distinct year the file name mentions, in order (``kwb_2021_2022`` -> both)."""
    out: list[int] = []
    for m in YEAR_IN_NAME.finditer(path.stem):
        y = int(m.group(1))
        if y not in out:
            out.append(y)
    return out


def _line_of_record(pos: int) -> int:
    return pos + 1


def read_kwb(path: Path | str, *, year: int | None = None,
             catalogue: Catalogue | None = None) -> ParsedData:
    """Read a CBS KWB file in any supported form."""
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    cat = catalogue or load_catalogue()
    suffix = path.suffix.lower()
    if suffix == ".json":
        frame, line_of = _read_odata_json(path)
    elif suffix in EXCEL_SUFFIXES:
        frame, line_of = _read_excel(path)
    elif suffix in GEO_SUFFIXES:
        frame, line_of = _read_geo_attributes(path)
    else:
        tf = read_text(path)
        refuse_names_only(tf)
        frame = read_table_text(tf)
        check_header(text_header(tf.text, tf.delimiter), file=path.name, line=1)
        line_of = data_lines(tf, frame)
    if frame.empty:
        raise DataError("het bestand bevat geen gegevensrijen", file=path.name)
    if is_health_table(frame.columns):  # CBS/RIVM 50090NED: an age dimension and margins
        return read_health_frame(frame, path, year=year, named=years_in_name(path),
                                 catalogue=cat, line_of=line_of)
    form = detect_form(frame.columns, path)
    parsed = _parse_frame(frame, form, path, year, cat, line_of)
    if suffix in EXCEL_SUFFIXES:
        parsed.sheets = [0]
    return parsed


def detect_form(columns, path: Path) -> str:  # noqa: ANN001
    low = {str(c).strip().lower() for c in columns}
    if {"gwb_code_10", "gwb_code"} & low:
        return "kwb"
    if any(c.endswith("codering (code)") for c in low) or "wijken en buurten" in low:
        return "statline"
    if {"bu_code", "wk_code", "gm_code"} & low:
        return "wbk"
    if {"buurtcode", "wijkcode", "gemeenteco"} & low:
        return "pdok"
    if "wijkenenbuurten" in low or any(re.fullmatch(r"codering_\d+", c) for c in low):
        return "odata"
    raise DataError(
        "onbekende vorm: geen kolom met CBS-gebiedscodes gevonden (gwb_code_10, "
        "'Regioaanduiding/Codering (code)', BU_CODE/WK_CODE/GM_CODE, buurtcode of "
        f"WijkenEnBuurten/Codering_N); kolommen: {', '.join(list(map(str, columns))[:8])}",
        file=path.name,
        row=1,
    )


def _pick(columns, *candidates: str) -> str | None:  # noqa: ANN001
    by_low = {str(c).strip().lower(): c for c in columns}
    for cand in candidates:
        if cand in by_low:
            return by_low[cand]
    return None


def _code_and_name(frame: pd.DataFrame, form: str, path: Path) -> tuple[str, str | None]:
    cols = frame.columns
    if form == "kwb":
        return _pick(cols, "gwb_code_10", "gwb_code"), _pick(cols, "regio")
    if form == "statline":
        code = next((c for c in cols if normalise_title(c).endswith("codering (code)")), None)
        if code is None:
            raise DataError(
                "StatLine-export zonder kolom met gebiedscodes: kies bij het exporteren ook "
                "'Regioaanduiding/Codering (code)'; rijen alleen op naam koppelen is niet betrouwbaar",
                file=path.name,
                row=1,
            )
        return code, _pick(cols, "wijken en buurten")
    if form == "wbk":
        for level in ("bu", "wk", "gm"):
            code = _pick(cols, f"{level}_code")
            if code is not None:
                return code, _pick(cols, f"{level}_naam")
    if form == "pdok":
        for code_col, name_col in (("buurtcode", "buurtnaam"), ("wijkcode", "wijknaam"),
                                   ("gemeenteco", "gemeentena")):
            code = _pick(cols, code_col)
            if code is not None:
                return code, _pick(cols, name_col)
    if form == "odata":
        code = next((c for c in cols if re.fullmatch(r"codering_\d+", str(c).lower())), None)
        return code or _pick(cols, "wijkenenbuurten"), None
    raise AssertionError(form)  # pragma: no cover


def _years(frame: pd.DataFrame, path: Path, year: int | None, line_of) -> pd.Series:  # noqa: ANN001
    """The year of every row: from a year column, else ``year``, else the file name.

    A year column must agree with ``year`` (every row) and with the years the file name
    mentions (every row's year must be one of them); a name that mentions several years is
    not enough on its own.
    """
    col = _pick(frame.columns, *YEAR_COLUMNS)
    named = years_in_name(path)
    if col is not None:
        raw = frame[col].astype("string").str.strip()
        if col.lower() == "jrstatcode":
            raw = raw.str[:4]
        parsed = raw.str.extract(PERIOD)[0]
        bad = parsed.isna().to_numpy()
        if bad.any():
            pos = int(bad.nonzero()[0][0])
            raise DataError("geen geldig jaar", file=path.name, row=line_of(pos), column=col,
                            value=frame[col].iloc[pos])
        years = parsed.astype(int).reset_index(drop=True)
        found = sorted(set(years))
        if year is not None and found != [year]:
            pos = int((years != year).to_numpy().nonzero()[0][0])
            raise DataError(
                f"jaar {year} opgegeven, maar het bestand zegt {', '.join(map(str, found))}",
                file=path.name, row=line_of(pos), column=col, value=frame[col].iloc[pos],
            )
        if named:
            off = (~years.isin(named)).to_numpy()
            if off.any():
                pos = int(off.nonzero()[0][0])
                raise DataError(
                    f"de bestandsnaam zegt {', '.join(map(str, named))}, de kolom zegt "
                    f"{years.iloc[pos]}; welk jaar klopt?",
                    file=path.name, row=line_of(pos), column=col, value=frame[col].iloc[pos],
                )
        return years
    if year is not None:
        if named and year not in named:
            raise DataError(
                f"jaar {year} opgegeven, maar de bestandsnaam zegt "
                f"{', '.join(map(str, named))}",
                file=path.name,
            )
        chosen = year
    elif len(named) == 1:
        chosen = named[0]
    elif named:
        raise DataError(
            f"de bestandsnaam noemt meerdere jaren ({', '.join(map(str, named))}) en het "
            "bestand heeft geen jaarkolom; geef het jaar op met --year",
            file=path.name,
        )
    else:
        raise DataError(
            "het jaar staat niet in het bestand of de bestandsnaam; geef het op met --year",
            file=path.name,
        )
    return pd.Series([chosen] * len(frame), dtype="int64")


def _parse_frame(frame: pd.DataFrame, form: str, path: Path, year: int | None, cat: Catalogue,
                 line_of) -> ParsedData:  # noqa: ANN001
    frame = frame.reset_index(drop=True)
    warnings: list[str] = []
    water = _pick(frame.columns, "h2o", "water") if form in ("wbk", "pdok") else None
    if water is not None:
        is_water = frame[water].astype("string").str.strip().str.upper().eq("JA").to_numpy()
        if is_water.any():
            warnings.append(f"{int(is_water.sum())} waterdelen (kolom {water} = JA) overgeslagen")
            keep = (~is_water).nonzero()[0]
            original_line = line_of
            frame = frame.iloc[keep].reset_index(drop=True)
            line_of = lambda pos, _k=keep, _l=original_line: _l(int(_k[pos]))  # noqa: E731
    code_col, name_col = _code_and_name(frame, form, path)
    codes = prepare_codes(frame, code_col, file=path, line_of=line_of)
    years = _years(frame, path, year, line_of)
    check_duplicates(codes, years, file=path, column=code_col, line_of=line_of)

    lookup_form = form
    meta = META[form]
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    joined, joined_note = (_joined_odata(frame, codes, years, code_col, line_of)
                           if form == "kwb" else (False, None))
    if joined_note:
        warnings.append(joined_note)
    for col in frame.columns:
        low = str(col).strip().lower()
        if col in (code_col, name_col) or low in meta:
            continue
        if form == "odata" and re.sub(r"_\d+$", "", low) in meta:
            continue
        if form == "statline" and normalise_title(col) in meta:
            continue
        code = cat.resolve(str(col), lookup_form)
        if code is None and form == "wbk":
            code = cat.resolve(str(col), "pdok")
        if code is None and joined and ODATA_KEY.match(str(col)):
            code = cat.resolve(str(col), "odata")
        if code is None:
            unknown.append(str(col))
        elif code in mapping.values():
            other = next(k for k, v in mapping.items() if v == code)
            raise DataError(
                f"kolommen {other!r} en {col!r} zijn allebei indicator {code}",
                file=path.name, row=1, column=str(col),
            )
        else:
            mapping[col] = code
    if not mapping:
        raise DataError(
            "geen enkele kolom hoort bij een indicator uit de catalogus "
            f"(kolommen: {', '.join(unknown[:8])})",
            file=path.name, row=1,
        )
    if unknown:
        shown = ", ".join(unknown[:12]) + (" ..." if len(unknown) > 12 else "")
        warnings.append(f"{len(unknown)} kolommen niet in de catalogus, overgeslagen: {shown}")
    obs = melt_columns(frame, codes, years, mapping, file=path, line_of=line_of)
    names = frame[name_col] if name_col is not None else None
    areas = area_frame(codes, names, years)
    return ParsedData(file=path, kind="cbs", form=form, observations=obs, areas=areas,
                      warnings=warnings, source=f"CBS Kerncijfers wijken en buurten ({form})",
                      municipality_names=municipality_names(frame, codes, years))


def _joined_odata(frame: pd.DataFrame, codes: pd.Series, years: pd.Series, code_col: str,
                  line_of) -> tuple[bool, str | None]:  # noqa: ANN001
    """Whether OData columns joined into a kwb table (e.g. CBS "Jeugdzorg per wijk":
    ``TotaalJongerenMetJeugdzorgInNatura_1`` with its own ``Perioden`` and ``Wijken``) may be
    read as the kwb row's year and area, with a warning when they may not.

    They may when every filled ``Perioden`` is the row's year and every filled region key is
    the row's area code; rows without them (e.g. NL00) simply have no value.
    """
    period_col = _pick(frame.columns, "perioden")
    if period_col is None or period_col == _pick(frame.columns, *YEAR_COLUMNS):
        return False, None
    if not any(ODATA_KEY.match(str(c)) for c in frame.columns):
        return False, None
    raw = frame[period_col].astype("string").str.strip().fillna("")
    filled = raw.ne("").to_numpy()
    period = raw.str.extract(PERIOD)[0]
    bad = filled & (period.isna().to_numpy()
                    | (period.fillna("0").astype(int).to_numpy() != years.to_numpy()))
    skip = (f"kolommen uit een gekoppelde CBS-tabel (met eigen kolom {period_col!r}) "
            "overgeslagen: ")
    if bad.any():
        pos = int(bad.nonzero()[0][0])
        return False, (f"{skip}de periode {raw.iloc[pos]!r} in rij {line_of(pos)} is niet het "
                       f"jaar {years.iloc[pos]} van de rij, dus de cijfers horen bij een ander "
                       "jaar dan de kerncijfers")
    key_col = next((c for c in frame.columns if c != code_col and (
        str(c).lower() in ("wijken", "wijkenenbuurten", "regios")
        or re.fullmatch(r"codering_\d+", str(c).lower()))), None)
    if key_col is not None:
        keys = frame[key_col].astype("string").str.strip().str.upper().fillna("")
        off = keys.ne("").to_numpy() & (keys.to_numpy() != codes.to_numpy())
        if off.any():
            pos = int(off.nonzero()[0][0])
            return False, (f"{skip}gebied {keys.iloc[pos]!r} in kolom {key_col!r} (rij "
                           f"{line_of(pos)}) is niet het gebied {codes.iloc[pos]} van de rij")
    return True, None


# --- file-type specific readers ------------------------------------------------------------


def _read_excel(path: Path) -> tuple[pd.DataFrame, object]:
    check_workbook(path)
    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, **excel_options(path))
    except EXCEL_ERRORS as exc:
        raise excel_error(path, exc) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    check_excel_header(path, list(frame.columns))
    # Empty rows (formatted but blank cells) are skipped; line numbers stay those of the sheet.
    filled = (frame.astype(str).apply(lambda col: col.str.strip()) != "").any(axis=1).to_numpy()
    rows = filled.nonzero()[0]
    frame = frame.iloc[rows].reset_index(drop=True)
    return frame, lambda pos, _rows=rows: int(_rows[pos]) + 2


def _read_geo_attributes(path: Path) -> tuple[pd.DataFrame, object]:
    import pyogrio

    target = str(path)
    if path.suffix.lower() == ".zip":
        check_zip(path, "zip-bestand").close()
        target = f"/vsizip/{path}"
    try:
        frame = pyogrio.read_dataframe(target, read_geometry=False)
    except geo_errors() as exc:
        text = one_line(exc).replace(str(path), path.name)
        raise DataError(f"geobestand is niet te lezen: {text}", file=path.name) from None
    frame = frame.astype(object).where(frame.notna(), "")
    frame = frame.astype(str)
    return frame, _line_of_record


def _read_odata_json(path: Path) -> tuple[pd.DataFrame, object]:
    text = path.read_bytes()
    if not text.strip():
        raise DataError("het bestand is leeg", file=path.name)
    try:
        decoded = text.decode("utf-8-sig")
        # A key given twice would silently let the later value win (unique_keys refuses it).
        data = load_json(decoded, file=path.name, object_pairs_hook=unique_keys)
    except UnicodeDecodeError:
        raise DataError("JSON moet UTF-8 zijn", file=path.name) from None
    except DataError as exc:
        raise exc.located(file=path.name, row=json_line(decoded, exc)) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"ongeldige JSON ({exc.msg}; afgebroken bestand?)", file=path.name,
                        row=exc.lineno) from None
    records = _odata_records(data, path)
    return _records_frame(records), _line_of_record


def _records_frame(records: list[dict]) -> pd.DataFrame:
    """OData records as a frame of strings (``None`` becomes empty, i.e. missing)."""
    frame = pd.DataFrame.from_records(records)
    return frame.astype(object).where(frame.notna(), "").astype(str)


def parse_odata_records(records: list[dict], *, source_name: str, year: int | None,
                        catalogue: Catalogue | None = None) -> ParsedData:
    """Parse OData records (as CBS StatLine serves them) exactly like an OData JSON file.

    ``source_name`` names the source in messages and the report (there is no file);
    ``year`` is the year of the table (KWB tables hold one year and have no period column).
    """
    path = Path(source_name)
    if not records:
        raise DataError("CBS StatLine gaf geen gegevensrijen terug", file=path.name)
    if not all(isinstance(r, dict) for r in records):
        raise DataError("OData-records moeten objecten zijn", file=path.name)
    frame = _records_frame(records)
    if detect_form(frame.columns, path) != "odata":
        raise DataError("geen OData-records van Kerncijfers wijken en buurten", file=path.name,
                        row=1)
    return _parse_frame(frame, "odata", path, year, catalogue or load_catalogue(),
                        _line_of_record)


def _odata_records(data: object, path: Path) -> list[dict]:
    if isinstance(data, dict) and "value" in data:
        value = data["value"]
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return list(value.values())
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return data
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        # {code: {key: value}} as saved by many scripts.
        return [{"WijkenEnBuurten": code, **rec} for code, rec in data.items()]
    raise DataError("JSON heeft geen OData-vorm ({'value': [...]} of {code: {...}})",
                    file=path.name)
