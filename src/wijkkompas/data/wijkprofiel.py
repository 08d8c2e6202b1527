"""Reader for the Rotterdam Wijkprofiel workbook (gemeente Rotterdam, OBI), 2014 and 2016.

The workbook ("Datastructuur wijkprofiel vulling 2016 ... Basis voor gebieden.xls") has one sheet
per index and year: ``SI 2014``, ``FI-subj 2014``, ``FI-obj 2014``, ``VI 2014`` and the same for
2016 (plus ``Labels``). On every sheet row 1 holds the year in column B, row 2 short codes
(``wijknr``, ``BUURT85``, ``SI``, ``SIs``, ``SIo``, ...), row 3 labels and row 4 onwards one row
per Wijkprofiel area. Indices are scaled so that Rotterdam in 2014 = 100.

Areas (``wijknr``):

* < 100: a single CBS buurt; the number is the last two digits of its CBS code
  ``BU0599wwnn``. Rotterdam buurt numbers are unique within the municipality, so ``nn`` alone
  identifies the buurt. The ``wwnn`` part of every Rotterdam buurt code is listed below in
  :data:`ROTTERDAM_BUURTEN`, taken from ``cbs_buurten.csv`` of the Shiny_housemap repository
  (CBS buurtindeling as used for the Wijkprofiel); it agrees with the
  ``cbs_buurtnummer``/``wijknummer`` pairs of that repository's ``all_data_buurten_*.csv``
  for every single-buurt area. Another list can be passed as ``buurten=`` (any CSV/Excel with a
  column of ``BU0599....`` codes and optionally a name column).
* 1000-3999: areas that combine buurten; 4000-4013: gebieden (close to, but not the same as,
  CBS wijken). They have no CBS code and are skipped with one warning naming them.
* 5000: Rotterdam as a whole, imported as ``GM0599``.

Only the nine headline indices are catalogue indicators (``wp_si``, ``wp_si_subj``, ...); with
``components=True`` the ~300 sub-indicators are imported too, as user indicators
``wp_<si|fi|vi>_<code>``
labelled from row 3 (direction neutral until the user sets it).
"""

from __future__ import annotations

import re
import warnings as pywarnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.data.catalogue import Catalogue, load_catalogue
from wijkkompas.data.guard import EXCEL_ERRORS, check_workbook, excel_error, excel_options
from wijkkompas.data.parsed import ParsedData, area_frame
from wijkkompas.data.tables import (
    NAME_NAMES,
    find_code_column,
    header_text,
    pick_column,
    read_raw,
)
from wijkkompas.data.user_indicators import slug, user_indicator
from wijkkompas.data.values import parse_values
from wijkkompas.errors import DataError

SOURCE = "Wijkprofiel Rotterdam (gemeente Rotterdam, OBI)"
SHEET_RE = re.compile(r"^(SI|FI-subj|FI-obj|VI)\s+((?:19|20)\d{2})$", re.IGNORECASE)
INDICES = {"SI": "wp_si", "SIs": "wp_si_subj", "SIo": "wp_si_obj",
           "FI": "wp_fi", "FIs": "wp_fi_subj", "FIo": "wp_fi_obj",
           "VI": "wp_vi", "VIs": "wp_vi_subj", "VIo": "wp_vi_obj"}
AREA_KEYS = {"wijknr", "buurt85", "naam gebied (voormalig deelgemeente)"}
CITY_NUMBER = 5000
CITY_CODE = "GM0599"
HEADER_ROWS = 3  # year/flags, short codes, labels

# The ``wwnn`` part of every CBS buurt code BU0599wwnn of Rotterdam, with the CBS name.
ROTTERDAM_BUURTEN = (
    "0110 Stadsdriehoek|0111 Oude Westen|0112 Cool|0113 C.S. kwartier|0118 Nieuwe Werk|"
    "0119 Dijkzigt|0320 Delfshaven|0321 Bospolder|0322 Tussendijken|0323 Spangen|"
    "0324 Nieuwe Westen|0325 Middelland|0327 Oud-Mathenesse|0328 Witte Dorp|0329 Schiemond|"
    "0451 Kleinpolder|0452 Noord-Kethel|0454 Schieveen|0455 Zestienhoven|0456 Overschie|"
    "0457 Landzicht|0515 Agniesebuurt|0516 Provenierswijk|0117 Kop van Zuid|0531 Bergpolder|"
    "0532 Blijdorp|0534 Liskwartier|0535 Oude Noorden|0558 Blijdorpse polder|"
    "0660 Schiebroek|0661 Hillegersberg-Zuid|0662 Hillegersberg-Noord|0664 Terbregge|"
    "0665 Molenlaankwartier|0814 Rubroek|0836 Nieuw-Crooswijk|0837 Oud-Crooswijk|"
    "0841 Kralingen-West|0842 Kralingen-Oost|0843 Kralingse Bos|0845 De Esch|"
    "0847 Struisenburg|1079 Kop van Zuid-Entrepot|1080 Vreewijk|1081 Bloemhof|"
    "1082 Hillesluis|1085 Katendrecht|1086 Afrikaanderwijk|1087 Feijenoord|"
    "1088 Noordereiland|1283 Oud-IJsselmonde|1284 Lombardijen|1289 Groot-IJsselmonde|"
    "1290 Beverwaard|1391 Pernis|1444 's-Gravenland|1446 Kralingse Veer|1448 Prinsenland|"
    "1449 Het Lage Land|1463 Ommoord|1466 Zevenkamp|1467 Oosterflank|1468 Nesselande|"
    "1571 Tarwewijk|1572 Carnisse|1573 Zuidwijk|1574 Oud-Charlois|1575 Wielewaal|"
    "1576 Zuidplein|1577 Pendrecht|1578 Zuiderpark|1593 Heijplaat|1692 Hoogvliet-Noord|"
    "1699 Hoogvliet-Zuid|1701 Strand en Duin|1702 Dorp|1703 Rijnpoort|1853 Spaanse Polder|"
    "1926 Nieuw-Mathenesse|2194 Waalhaven|2196 Eemhaven|2198 Waalhaven-Zuid|"
    "2295 Vondelingenplaat|2306 Botlek|2307 Europoort|2308 Maasvlakte|"
    "2459 Bedrijventerrein Rotterdam Noord-West|2540 Rivium|2650 Bedrijventerrein Schieveen|"
    "2704 Rozenburg"
)


def buurt_mapping(buurten: Path | str | None = None) -> pd.DataFrame:
    """Wijkprofiel number (``nn``) -> CBS buurt code and name, indexed by ``wijknr``.

    Without ``buurten`` the built-in list :data:`ROTTERDAM_BUURTEN` is used; otherwise a
    CSV/Excel table with a column of Rotterdam buurt codes (``BU0599wwnn``) and optionally names.
    """
    if buurten is None:
        pairs = [item.split(" ", 1) for item in ROTTERDAM_BUURTEN.split("|")]
        codes = pd.Series([f"BU0599{p[0]}" for p in pairs])
        names = pd.Series([p[1] for p in pairs])
        file = "ROTTERDAM_BUURTEN"
    else:
        path = Path(buurten)
        raw = read_raw(path)
        col = find_code_column(raw.frame, None, path)
        name_col = pick_column(raw.frame, None, NAME_NAMES, "naam", path, exclude=(col,))
        codes = raw.frame[col].astype("string").str.strip().str.upper()
        names = (raw.frame[name_col].astype("string").str.strip() if name_col
                 else pd.Series([None] * len(codes)))
        file = path.name
    keep = codes.str.fullmatch(r"BU0599\d{4}").fillna(False).to_numpy(dtype=bool)
    out = pd.DataFrame({"area_code": codes[keep].to_numpy(dtype=object),
                        "name": names[keep].to_numpy(dtype=object)}).drop_duplicates("area_code")
    out["wijknr"] = out["area_code"].str[-2:].astype(int)
    dup = out["wijknr"].duplicated(keep=False)
    if dup.any():
        raise DataError("buurtnummers (laatste twee cijfers) niet uniek in Rotterdam: "
                        f"{', '.join(out.loc[dup, 'area_code'])}", file=file)
    return out.set_index("wijknr")


def wijkprofiel_sheets(path: Path | str) -> list[str]:
    """Sheet names of ``path`` that look like Wijkprofiel index sheets (``SI 2014``, ...)."""
    path = Path(path)
    if path.suffix.lower() not in {".xls", ".xlsx", ".xlsm"}:
        return []
    try:
        check_workbook(path)
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            with pd.ExcelFile(path, **excel_options(path)) as book:
                names = [str(n) for n in book.sheet_names]
    except (DataError, *EXCEL_ERRORS):  # not a readable workbook: not a Wijkprofiel file
        return []
    return [n for n in names if SHEET_RE.match(n.strip())]


def is_wijkprofiel(path: Path | str) -> bool:
    """True for a workbook with Wijkprofiel index sheets (``SI 2014``, ``VI 2016``, ...)."""
    return bool(wijkprofiel_sheets(path))


def read_wijkprofiel(path: Path | str, *, years: Iterable[int] | None = None,
                     buurten: Path | str | None = None, components: bool = False,
                     catalogue: Catalogue | None = None) -> ParsedData:
    """Read the Rotterdam Wijkprofiel workbook into :class:`ParsedData` (kind ``table``, form
    ``wijkprofiel``): the indices ``wp_si``/``wp_fi``/``wp_vi`` and their subjective and
    objective parts per mapped area and year; with ``components`` also the sub-indicators."""
    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    cat = catalogue or load_catalogue()
    sheets = wijkprofiel_sheets(path)
    if not sheets:
        raise DataError("geen Wijkprofiel-werkbladen gevonden (verwacht 'SI 2014', "
                        "'FI-subj 2014', 'VI 2016', ...)", file=path.name)
    wanted = None if years is None else {int(y) for y in years}
    parts: list[pd.DataFrame] = []
    labels: dict[str, str] = {}
    check_workbook(path)
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        with pd.ExcelFile(path, **excel_options(path)) as book:
            for sheet in sheets:
                year = int(SHEET_RE.match(sheet.strip()).group(2))  # type: ignore[union-attr]
                if wanted is not None and year not in wanted:
                    continue
                try:
                    raw = book.parse(sheet, header=None, dtype=object)
                except EXCEL_ERRORS as exc:
                    raise excel_error(path, exc) from None
                parts.append(_read_sheet(raw, sheet, year, path, components, labels))
    if not parts:
        raise DataError(f"geen werkbladen voor de jaren {sorted(wanted or [])}", file=path.name)
    long = pd.concat(parts, ignore_index=True)
    warnings = _dedupe_check(long)
    long = long.drop_duplicates(["wijknr", "year", "indicator"], keep="first")

    mapping = buurt_mapping(buurten)
    number = long["wijknr"].to_numpy()
    single = number < 100
    code = pd.Series(long["wijknr"]).map(mapping["area_code"]).where(single, None)
    code = code.where(number != CITY_NUMBER, CITY_CODE)
    mapped = code.notna().to_numpy()
    if (~mapped).any():
        lost = (long.loc[~mapped, ["wijknr", "area_name"]].drop_duplicates("wijknr")
                .sort_values("wijknr"))
        shown = ", ".join(f"{n} {a}" for n, a in lost.itertuples(index=False))
        warnings.append(
            f"{len(lost)} Wijkprofielgebieden zonder eigen CBS-code overgeslagen (samengestelde "
            f"buurten 1000-3999, gebieden 4000-4013 of onbekende buurtnummers): {shown}"
        )
    long = long.loc[mapped].assign(area_code=code[mapped].to_numpy(dtype=object))
    cbs_name = long["wijknr"].map(mapping["name"])
    name = cbs_name.where(cbs_name.notna(), long["area_name"])
    name = name.where(long["area_code"] != CITY_CODE, "Rotterdam")

    obs = long[["area_code", "indicator", "year", "value", "status", "line", "column"]
               ].reset_index(drop=True)
    new = []
    for ind, group in obs.groupby("indicator", sort=True):
        if ind in cat:
            continue
        values = group["value"].to_numpy(dtype=float)
        new.append(user_indicator(labels.get(ind, ind), {"source": SOURCE}, code=ind,
                                  file=path, values=values, source=SOURCE))
    areas = area_frame(long["area_code"].reset_index(drop=True), name.reset_index(drop=True),
                       long["year"].reset_index(drop=True))
    return ParsedData(file=path, kind="table", form="wijkprofiel", observations=obs,
                      areas=areas, warnings=warnings, source=SOURCE, new_indicators=new,
                      sheets=[s for s in sheets if wanted is None
                              or int(SHEET_RE.match(s.strip()).group(2)) in wanted])


def _read_sheet(raw: pd.DataFrame, sheet: str, year: int, path: Path, components: bool,
                labels: dict[str, str]) -> pd.DataFrame:
    """One index sheet as long rows: wijknr, area_name, year, indicator, value, status."""
    if raw.shape[0] <= HEADER_ROWS or raw.shape[1] < 4:
        raise DataError(f"werkblad {sheet!r} is te klein voor een Wijkprofiel-blad",
                        file=path.name)
    stated = header_text(raw.iat[0, 1])
    if stated and stated != str(year):
        raise DataError(f"werkblad {sheet!r} noemt jaar {stated}, de bladnaam {year}",
                        file=path.name, row=1, column=f"{sheet}!B", value=stated)
    codes = [header_text(v) for v in raw.iloc[1].tolist()]
    low = [c.lower() for c in codes]
    if "wijknr" not in low:
        raise DataError(f"werkblad {sheet!r}: kolom 'wijknr' ontbreekt in rij 2",
                        file=path.name, row=2)
    nr_col = low.index("wijknr")
    name_col = low.index("buurt85") if "buurt85" in low else nr_col
    body = raw.iloc[HEADER_ROWS:]
    text = body.iloc[:, nr_col].astype("string").str.strip().fillna("")
    present = text.ne("").to_numpy()
    body, text = body.loc[present], text[present]
    lines = np.flatnonzero(present) + HEADER_ROWS + 1
    number = pd.to_numeric(text, errors="coerce")
    bad = (number.isna() | (number % 1 != 0)).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError("wijknr is geen geheel getal", file=path.name, row=int(lines[pos]),
                        column=f"{sheet}!wijknr", value=text.iloc[pos])
    number = number.astype(np.int64).to_numpy()
    dup = pd.Series(number).duplicated().to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise DataError(f"wijknr komt twee keer voor op werkblad {sheet!r}", file=path.name,
                        row=int(lines[pos]), column=f"{sheet}!wijknr", value=int(number[pos]))
    area_name = body.iloc[:, name_col].astype("string").str.strip().to_numpy(dtype=object)
    parts = []
    for i, short in enumerate(codes):
        if not short or short.lower() in AREA_KEYS:
            continue
        indicator = INDICES.get(short)
        if indicator is None:
            if not components:
                continue
            # Short codes repeat across sheets with other meanings (Ms: meedoen / milieu).
            indicator = slug(short, f"wp_{sheet.strip()[:2].lower()}_")
            labels.setdefault(indicator, header_text(raw.iat[2, i]) or short)
        values, status, bad_value = parse_values(body.iloc[:, i])
        if bad_value is not None:
            raise DataError("geen getal", file=path.name, row=int(lines[bad_value.position]),
                            column=f"{sheet}!{short}", value=bad_value.value)
        parts.append(pd.DataFrame({"wijknr": number, "area_name": area_name, "year": year,
                                   "indicator": indicator, "value": values, "status": status,
                                   "line": lines, "column": f"{sheet}!{short}"}))
    if not parts:
        raise DataError(f"werkblad {sheet!r} heeft geen indexkolommen ({', '.join(INDICES)})",
                        file=path.name, row=2)
    return pd.concat(parts, ignore_index=True)


def _dedupe_check(long: pd.DataFrame) -> list[str]:
    """The FI indices appear on both FI sheets: warn when the copies disagree."""
    key = ["wijknr", "year", "indicator"]
    dup = long[long.duplicated(key, keep=False)]
    if dup.empty:
        return []
    spread = dup.groupby(key)["value"].agg(lambda v: float(np.nanmax(v) - np.nanmin(v))
                                           if v.notna().any() else 0.0)
    differ = spread[spread > 1e-9]
    if differ.empty:
        return []
    inds = sorted({k[2] for k in differ.index})
    return [f"{len(differ)} waarden staan op twee werkbladen met verschillende waarden "
            f"({', '.join(inds)}); de eerste is gebruikt"]
