"""Refuse or flag wrong data, for every importer, before it is stored.

Readers (:mod:`~wijkkompas.data.kwb`, :mod:`~wijkkompas.data.tables`,
:mod:`~wijkkompas.data.wijkprofiel`, StatLine) turn a file into
:class:`~wijkkompas.data.parsed.ParsedData`; :func:`wijkkompas.data.load.load_parsed` writes
it. The rules, and where they run:

=================================  =====================================================  =========
rule                               what happens                                            where
=================================  =====================================================  =========
duplicate column header            refused, naming the column                              readers
duplicate key in a JSON object     refused, naming the key (the later one would win)      readers
xlsx formula without cached value  refused, naming the cell (``Blad1!C7``)                 load
one area, indicator, year twice    refused, naming area, indicator, year and rows          load
non-finite value, or beyond 1e15   refused, located                                        load
value outside the valid range      refused (located) or stored as ``estimated`` with a     load
                                   warning, as the catalogue's ``plausibility`` says
value x10 / x0.1 of the same area  warning naming indicator, column, year, number of      load (in
and indicator in the adjacent                                                             the write
year (file or store), or of the    areas and an example; a value stored for the same       trans-
value stored for the same year     year from another file is kept (the file's column for   action)
from another file                  that year is not written)
=================================  =====================================================  =========

The header and JSON rules run in the readers because the evidence is gone once pandas has
read the table (it renames a duplicate header ``a_inw`` to ``a_inw.1``) or once ``json`` has
built a dict (the later key silently wins). Everything else runs from ``load_parsed``:
:func:`check_parsed` before the write transaction, :func:`check_against_stored` inside it, so
a refused file changes nothing.

Observations may carry two optional location columns, ``line`` (file line, or record number)
and ``column`` (the file's column, or ``Blad!kolom``); readers fill them so that every message
names the place in the file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from wijkkompas.data.catalogue import ABSOLUTE_LIMIT, Catalogue, Plausibility
from wijkkompas.errors import DataError

#: Optional location columns of an observation frame (see the module docstring).
LINE, COLUMN = "line", "column"
#: A ratio in [1/BAND, BAND] around 10 (or 0.1) counts as a decimal shift.
BAND = 1.25
#: Share of the compared areas of one indicator and year that must be shifted before the
#: column is called shifted (a single buurt going from 5 to 50 is no decimal loss).
SHIFT_SHARE = 0.5
#: With at most this many areas in a file, stored values are selected by area as well.
_AREA_FILTER_MAX = 900
SHOWN = {"ok", "estimated"}


# --- headers ----------------------------------------------------------------------------------


def check_header(names: Iterable[object], *, file: str, line: int) -> None:
    """Refuse a header in which a column name occurs twice (case and spaces ignored).

    Only the first of two equal columns would be read and the other would be reported as
    "not in the catalogue": a quiet way to import the wrong numbers. Empty names are left to
    the readers (an empty trailing column is common and harmless).

    >>> try:
    ...     check_header(["gebied", "a_inw", " A_INW"], file="t.csv", line=1)
    ... except DataError as exc:
    ...     print(exc.column, exc.message.split(";")[0])
    A_INW kolomnaam komt twee keer voor in de kopregel (kolommen 2 en 3)
    """
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = "" if raw is None else str(raw).strip().lstrip("\ufeff").strip()
        if not name or name.lower() == "nan":
            continue
        key = name.lower()
        if key in seen:
            raise DataError(
                f"kolomnaam komt twee keer voor in de kopregel (kolommen {seen[key]} en "
                f"{i}); welke kolom klopt?",
                file=file, row=line, column=name,
            )
        seen[key] = i


def text_header(text: str, delimiter: str, *, skip: int = 0) -> list[str]:
    """The header of delimited ``text`` exactly as written (pandas renames duplicates):
    the first non-empty record after ``skip`` lines."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for record in reader:
        if reader.line_num <= skip or not record:
            continue
        return record
    return []


_MANGLED = re.compile(r"^(.+)\.(\d+)$")


def check_excel_header(path: Path, columns: list[str], sheet: str | int = 0) -> None:
    """:func:`check_header` for a sheet pandas has read with a header row: pandas renames a
    duplicate ``a_inw`` to ``a_inw.1``, so when such a pair shows up the header row is read
    again as written and checked (the rare real header ``x.1`` next to ``x`` passes)."""
    check_header(columns, file=path.name, line=1)
    present = set(columns)
    if not any((m := _MANGLED.match(c)) and m.group(1) in present for c in columns):
        return
    raw = pd.read_excel(path, sheet_name=sheet, header=None, nrows=1, dtype=str,
                        keep_default_na=False)
    check_header(raw.iloc[0].tolist() if len(raw) else [], file=path.name, line=1)


# --- JSON ------------------------------------------------------------------------------------


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that refuses a key given twice in one
    object (``json`` would silently keep the later value: a record lands on the wrong area).

    >>> import json
    >>> try:
    ...     json.loads('{"GM0599": {"a": 1}, "GM0599": {"a": 2}}', object_pairs_hook=unique_keys)
    ... except DataError as exc:
    ...     print(exc.value, exc.message.split(";")[0])
    GM0599 sleutel komt twee keer voor in hetzelfde JSON-object
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            area = next((str(v).strip() for k, v in pairs
                         if k.lower().startswith(("wijkenenbuurten", "codering"))
                         and isinstance(v, str)), None)
            where = f" (record van {area})" if area else ""
            raise DataError(
                f"sleutel komt twee keer voor in hetzelfde JSON-object{where}; de tweede zou de "
                "eerste stil vervangen",
                value=key,
            )
        out[key] = value
    return out


def json_line(text: str, error: DataError) -> int | None:
    """The line of the offending key or constant of a JSON ``error`` (a duplicate key from
    :func:`unique_keys`, or ``NaN``/``Infinity`` refused by ``data.guard.load_json``),
    when it occurs exactly twice (a duplicate key) or at all (a constant); else None."""
    token = str(error.value)
    if token in ("NaN", "Infinity", "-Infinity"):
        m = re.search(rf"(?<![\w\"]){re.escape(token)}(?![\w\"])", text)
        return text.count("\n", 0, m.start()) + 1 if m else None
    hits = [m.start() for m in re.finditer(rf"\"{re.escape(token)}\"\s*:", text)]
    return text.count("\n", 0, hits[1]) + 1 if len(hits) == 2 else None


# --- xlsx formulas ---------------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_CHUNK = 1 << 20


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(zf: zipfile.ZipFile, name: str, file: str) -> bytes:
    data = zf.read(name)
    if _DECLARATION.search(data):
        raise DataError("Excel-bestand met een DOCTYPE- of ENTITY-declaratie geweigerd",
                        file=file, value=name)
    return data


def workbook_sheets(zf: zipfile.ZipFile, file: str) -> list[tuple[str, str]]:
    """``(sheet name, zip member)`` of every worksheet, in workbook order."""
    try:
        book = ElementTree.fromstring(_read_part(zf, "xl/workbook.xml", file))
        rels = ElementTree.fromstring(_read_part(zf, "xl/_rels/workbook.xml.rels", file))
    except (KeyError, ElementTree.ParseError):
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out.append((sheet.get("name", ""), member))
    return out


def _has_formula(zf: zipfile.ZipFile, member: str, file: str) -> bool:
    """Whether the sheet has any formula tag, streamed in chunks (most files have none)."""
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            block = tail + chunk
            if _DECLARATION.search(block):
                raise DataError("Excel-bestand met een DOCTYPE- of ENTITY-declaratie geweigerd",
                                file=file, value=member)
            if _FORMULA_TAG.search(block):
                return True
            tail = block[-32:]
    return False


def _first_uncached(zf: zipfile.ZipFile, member: str) -> tuple[str, str] | None:
    """``(cell reference, formula)`` of the first formula cell without a cached value.

    A cached value is a ``<v>`` with text, or an empty ``<v>`` of a text result
    (``t="str"``: a formula that gives ""). openpyxl and other writers leave ``<v/>`` empty
    or out until a spreadsheet program has calculated the workbook.
    """
    with zf.open(member) as fh:
        for _event, elem in ElementTree.iterparse(fh, events=("end",)):
            if _local(elem.tag) != "c":
                if _local(elem.tag) == "row":
                    elem.clear()
                continue
            formula = value = None
            for child in elem:
                name = _local(child.tag)
                if name == "f":
                    formula = child
                elif name == "v":
                    value = child
            if formula is not None:
                cached = value is not None and (bool(value.text) or elem.get("t") == "str")
                if not cached:
                    return elem.get("r", "?"), (formula.text or "").strip()
    return None


def check_formula_cache(path: Path, sheets: Sequence[str | int] | None = None) -> None:
    """Refuse an xlsx/xlsm whose read sheets hold a formula without a cached value.

    pandas reads such a cell as empty, i.e. "missing", which would overwrite a stored value.
    ``sheets`` (names or 0-based positions) limits the check to the sheets that were read;
    None checks every sheet.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a workbook: the reader has said so already
    with zf:
        found = workbook_sheets(zf, path.name)
        if sheets is not None:
            wanted = {s for s in sheets if isinstance(s, str)}
            positions = {s for s in sheets if isinstance(s, int)}
            found = [(n, m) for i, (n, m) in enumerate(found) if n in wanted or i in positions]
        for name, member in found:
            try:
                if not _has_formula(zf, member, path.name):
                    continue
                hit = _first_uncached(zf, member)
            except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
                continue  # the reader read this sheet; anything odd it would have refused
            if hit is None:
                continue
            ref, formula = hit
            m = _CELL_REF.match(ref)
            raise DataError(
                f"formule zonder berekende waarde in cel {name}!{ref}: het werkblad is nooit "
                "doorgerekend, dus de waarde zou als 'ontbrekend' worden gelezen. Open het "
                "bestand in Excel of LibreOffice, laat het herberekenen en sla het opnieuw op",
                file=path.name, row=int(m.group(2)) if m else None,
                column=f"{name}!{m.group(1) if m else ref}", value=f"={formula}",
            )


# --- checks on the parsed observations --------------------------------------------------------


def _where(obs: pd.DataFrame, pos: int) -> tuple[int | None, str | None]:
    line = int(obs[LINE].iloc[pos]) if LINE in obs else None
    column = str(obs[COLUMN].iloc[pos]) if COLUMN in obs else None
    return line, column


def _fmt(value: float) -> str:
    """A number as a Dutch reader expects it: ``2,3``, ``1e+308``."""
    return f"{value:.6g}".replace(".", ",")


def _key_codes(obs: pd.DataFrame) -> np.ndarray:
    """One int64 per (area, indicator, year), via factorised codes (fast on millions)."""
    area, _ = pd.factorize(obs["area_code"])
    ind, inds = pd.factorize(obs["indicator"])
    year, years = pd.factorize(obs["year"])
    return (area.astype(np.int64) * max(len(inds), 1) + ind) * max(len(years), 1) + year


def check_duplicate_records(obs: pd.DataFrame, file: str) -> None:
    """Refuse one area, indicator and year given twice in a file (whatever the reader)."""
    if obs.empty:
        return
    dup = pd.Series(_key_codes(obs)).duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    keys = _key_codes(obs)
    positions = np.flatnonzero(dup)
    same = positions[keys[positions] == keys[positions[0]]]
    first = obs.iloc[int(same[0])]
    lines = [str(int(obs[LINE].iloc[int(p)])) for p in same[:5]] if LINE in obs else []
    rows = f"; rijen {', '.join(lines)}" if lines else ""
    line, column = _where(obs, int(same[1]))
    raise DataError(
        f"gebied {first['area_code']}, indicator {first['indicator']}, jaar {first['year']} komt "
        f"{len(same)} keer voor in het bestand{rows}; welke waarde klopt?",
        file=file, row=line, column=column, value=first["area_code"],
    )


@dataclass(frozen=True)
class _Ranges:
    low: np.ndarray
    high: np.ndarray
    flag: np.ndarray
    rules: list[Plausibility]


def _ranges(obs: pd.DataFrame, catalogue: Catalogue,
            definitions: Sequence[dict[str, Any]]) -> tuple[np.ndarray, _Ranges]:
    """Per observation, the valid range of its indicator (looked up once per indicator)."""
    codes, uniques = pd.factorize(obs["indicator"])
    defs = {d.get("code"): d for d in definitions}
    rules = [catalogue.valid_range(str(c), kind=defs.get(c, {}).get("kind"),
                                   unit=defs.get(c, {}).get("unit")) for c in uniques]
    low = np.array([r.min for r in rules], dtype=float)
    high = np.array([r.max for r in rules], dtype=float)
    flag = np.array([r.policy == "flag" for r in rules], dtype=bool)
    return codes, _Ranges(low, high, flag, rules)


def check_values(obs: pd.DataFrame, file: str, catalogue: Catalogue,
                 definitions: Sequence[dict[str, Any]] = ()) -> tuple[np.ndarray, list[str]]:
    """Refuse non-finite and absurd values and values outside a ``refuse`` range; return the
    positions to flag as ``estimated`` (outside a ``flag`` range) and their warnings."""
    if obs.empty:
        return np.zeros(0, dtype=bool), []
    values = obs["value"].to_numpy(dtype=float)
    numeric = obs["status"].isin(SHOWN).to_numpy()
    bad = numeric & ~np.isfinite(values)
    bad |= numeric & (np.abs(np.nan_to_num(values)) > ABSOLUTE_LIMIT)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        line, column = _where(obs, pos)
        raise DataError(
            f"geen bruikbaar getal voor {obs['indicator'].iloc[pos]} (oneindig, NaN of groter "
            f"dan {ABSOLUTE_LIMIT:.0e} in absolute waarde)",
            file=file, row=line, column=column, value=values[pos],
        )
    codes, ranges = _ranges(obs, catalogue, definitions)
    with np.errstate(invalid="ignore"):
        outside = numeric & ((values < ranges.low[codes]) | (values > ranges.high[codes]))
    if not outside.any():
        return np.zeros(len(obs), dtype=bool), []
    refuse = outside & ~ranges.flag[codes]
    if refuse.any():
        pos = int(np.flatnonzero(refuse)[0])
        code = int(codes[pos])
        rule = ranges.rules[code]
        same_column = int((refuse & (codes == code)).sum())
        value = float(values[pos])
        hint = ""
        if rule.min <= value / 10 <= rule.max:
            hint = (f"; gedeeld door 10 zou het {_fmt(value / 10)} zijn: is het decimaalteken "
                    "verloren gegaan?")
        line, column = _where(obs, pos)
        raise DataError(
            f"waarde buiten het geldige bereik van {obs['indicator'].iloc[pos]} "
            f"({rule.describe()}) voor gebied {obs['area_code'].iloc[pos]}, jaar "
            f"{obs['year'].iloc[pos]}; {same_column} "
            f"{'waarde' if same_column == 1 else 'waarden'} van deze indicator buiten het "
            f"bereik{hint}",
            file=file, row=line, column=column, value=_fmt(value),
        )
    warnings = []
    for code in np.unique(codes[outside]):
        sel = np.flatnonzero(outside & (codes == code))
        pos = int(sel[0])
        line, column = _where(obs, pos)
        col = f" (kolom {column!r})" if column else ""
        row = f", rij {line}" if line is not None else ""
        warnings.append(
            f"{obs['indicator'].iloc[pos]}{col}: {len(sel)} "
            f"{'waarde' if len(sel) == 1 else 'waarden'} buiten het plausibele bereik "
            f"({ranges.rules[int(code)].describe()}) opgeslagen als geschat, bijv. "
            f"{obs['area_code'].iloc[pos]} {obs['year'].iloc[pos]}: {_fmt(values[pos])}{row}"
        )
    return outside, warnings


def check_parsed(parsed: Any, catalogue: Catalogue) -> list[str]:  # noqa: ANN401
    """Every rule that needs no database, on a :class:`ParsedData`: formula cells, duplicate
    records, non-finite values and the plausibility ranges. Values outside a ``flag`` range
    get status ``estimated`` (in ``parsed.observations``); returns the warnings."""
    file = parsed.file.name
    check_formula_cache(parsed.file, getattr(parsed, "sheets", None))
    obs = parsed.observations
    check_duplicate_records(obs, file)
    flagged, warnings = check_values(obs, file, catalogue, parsed.new_indicators)
    if flagged.any():
        status = obs["status"].to_numpy(dtype=object).copy()
        status[flagged] = "estimated"
        parsed.observations = obs.assign(status=status)
    return warnings


# --- decimal shifts against the store and the adjacent year ----------------------------------


def _stored(conn: Connection, indicator_ids: list[int], years: list[int],
            area_ids: list[int] | None) -> pd.DataFrame:
    from wijkkompas.store.models import Observation

    query = select(Observation.area_id, Observation.indicator_id, Observation.year,
                   Observation.value.label("ref")).where(
        Observation.indicator_id.in_(indicator_ids), Observation.year.in_(years),
        Observation.status.in_(sorted(SHOWN)), Observation.value.is_not(None),
        Observation.value != 0)
    if area_ids is not None:
        query = query.where(Observation.area_id.in_(area_ids))
    # Plain DB-API rows into one float array: a national table holds hundreds of thousands
    # of stored values, and SQLAlchemy Row objects (or pd.read_sql) cost several times more.
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positiontup is not None:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = conn.exec_driver_sql(str(compiled), params).cursor.fetchall()
    data = np.array(rows, dtype=float).reshape(-1, 4)
    return pd.DataFrame({"area_id": data[:, 0].astype(np.int64),
                         "indicator_id": data[:, 1].astype(np.int64),
                         "year": data[:, 2].astype(np.int64), "ref": data[:, 3]})


def _integral(values: pd.Series) -> bool:
    v = values.to_numpy(dtype=float)
    return bool(len(v)) and bool(np.all(np.abs(v - np.round(v)) < 1e-9))


def check_against_stored(conn: Connection, frame: pd.DataFrame, *, area_codes: np.ndarray,
                         indicators: np.ndarray, columns: np.ndarray | None
                         ) -> tuple[np.ndarray, list[str]]:
    """Compare the values about to be written with the same area and indicator in the
    adjacent year (in this file or stored) and with a value stored for the same year from
    another file. A decimal shift (x10 or x0.1 in at least half of the compared areas of
    one indicator and year) gives a warning naming indicator, column, years, the number of
    areas and an example.

    Against a value stored for the same year the file's column is not written for that year
    (``keep`` is False for its rows), so a good stored value is never replaced by a shifted
    one: unless the stored values are the ones that look shifted (whole numbers ten times the
    file's values, which do have decimals), then the file's values replace them with a
    warning. Against an adjacent year nothing is replaced; the warning says which year looks
    x10. Returns ``(keep, warnings)``; all comparisons are merges, no loop over areas.
    """
    keep = np.ones(len(frame), dtype=bool)
    if frame.empty:
        return keep, []
    values = frame["value"].to_numpy(dtype=float)
    usable = frame["status"].isin(SHOWN).to_numpy() & np.isfinite(values) & (values != 0)
    inc = pd.DataFrame({
        "area_id": frame["area_id"].to_numpy(dtype=np.int64),
        "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
        "year": frame["year"].to_numpy(dtype=np.int64),
        "value": values, "pos": np.arange(len(frame)),
    })[usable]
    if inc.empty:
        return keep, []
    file_years = sorted(int(y) for y in inc["year"].unique())
    wanted = sorted({y + d for y in file_years for d in (-1, 0, 1)})
    area_ids = sorted(int(a) for a in inc["area_id"].unique())
    stored = _stored(conn, sorted(int(i) for i in inc["indicator_id"].unique()), wanted,
                     area_ids if len(area_ids) <= _AREA_FILTER_MAX else None)
    if stored.empty and len(file_years) == 1:
        return keep, []  # nothing to compare with (the common first import)
    keys = ["area_id", "indicator_id", "year"]
    own = inc[keys + ["value"]].rename(columns={"value": "ref"})
    # The previous year: from this file where it has it, else stored. The next year: stored
    # only (a pair of years within the file is compared once, from the later year).
    previous = pd.concat([own, stored], ignore_index=True).drop_duplicates(keys, keep="first")
    later = stored.merge(own[keys], on=keys, how="left", indicator=True)
    later = later[later["_merge"] == "left_only"].drop(columns="_merge")
    pairs = []
    for relation, ref, shift in (("same", stored, 0), ("previous", previous, 1),
                                 ("next", later, -1)):
        if ref.empty:
            continue
        shifted = ref.assign(ref_year=ref["year"], year=ref["year"] + shift)
        pairs.append(inc.merge(shifted, on=keys, how="inner").assign(relation=relation))
    if not pairs:
        return keep, []
    both = pd.concat(pairs, ignore_index=True)
    ratio = both["value"].to_numpy() / both["ref"].to_numpy()
    up = (ratio >= 10 / BAND) & (ratio <= 10 * BAND)
    down = (ratio >= 0.1 / BAND) & (ratio <= 0.1 * BAND)
    both = both.assign(up=up, down=down)
    groups = both.groupby(["indicator_id", "year", "ref_year", "relation"], sort=True)
    counts = groups.agg(n=("up", "size"), up=("up", "sum"), down=("down", "sum"))
    counts["shift"] = np.where(counts["up"] >= counts["down"], "up", "down")
    counts["hits"] = counts[["up", "down"]].max(axis=1)
    shifted_groups = counts[(counts["hits"] > 0)
                            & (counts["hits"] >= SHIFT_SHARE * counts["n"])]
    if shifted_groups.empty:
        return keep, []
    hits = both[both["up"] | both["down"]]
    same = both[both["relation"] == "same"]
    own_years = set(own[["indicator_id", "year"]].drop_duplicates().itertuples(index=False,
                                                                             name=None))
    warnings: list[str] = []
    dropped: set[tuple[int, int]] = set()
    # Same-year comparisons first: a column that is not written needs no further warning.
    order = np.argsort(shifted_groups.index.get_level_values("relation") != "same", kind="stable")
    for (ind_id, year, ref_year, relation), row in shifted_groups.iloc[order].iterrows():
        # One message per shifted column and year pair (a handful, never per area).
        if (ind_id, year) in dropped:
            continue
        sel = hits[(hits["indicator_id"] == ind_id) & (hits["year"] == year)
                   & (hits["ref_year"] == ref_year) & (hits["relation"] == relation)
                   & hits[row["shift"]]]
        example = sel.iloc[0]
        pos = int(example["pos"])
        column = f" (kolom {str(columns[pos])!r})" if columns is not None else ""
        name = f"{indicators[pos]}{column}"
        bigger_here = row["shift"] == "up"
        factor = "10 keer" if bigger_here else "een tiende van"
        areas = f"{int(row['hits'])} van {int(row['n'])} vergeleken gebieden"
        shown = (f"bijv. {area_codes[pos]}: {_fmt(example['value'])} tegenover "
                 f"{_fmt(example['ref'])}")
        if relation == "same":
            mine = same[(same["indicator_id"] == ind_id) & (same["year"] == year)]
            if not bigger_here and _integral(mine["ref"]) and not _integral(mine["value"]):
                warnings.append(
                    f"{name}, {year}: de opgeslagen waarden (uit een eerder bestand) zijn in "
                    f"{areas} 10 keer die in dit bestand en hele getallen ({shown}): "
                    "verloren decimaalteken in het eerdere bestand; vervangen door de waarden "
                    "uit dit bestand")
                continue
            drop = ((frame["indicator_id"].to_numpy() == ind_id)
                    & (frame["year"].to_numpy() == year))
            keep &= ~drop
            dropped.add((ind_id, year))
            warnings.append(
                f"{name}, {year}: de waarden in dit bestand zijn {factor} de al opgeslagen "
                f"waarden uit een ander bestand voor hetzelfde jaar in {areas} ({shown}); "
                "verloren of verschoven decimaalteken? De kolom is voor dit jaar niet "
                f"geïmporteerd ({int(drop.sum())} waarden), de opgeslagen waarden blijven staan")
            continue
        suspect = year if bigger_here else ref_year
        source = ("in dit bestand" if relation == "previous" and (ind_id, ref_year) in own_years
                  else "opgeslagen")
        warnings.append(
            f"{name}: {year} is {factor} {ref_year} ({source}) in {areas} ({shown}); "
            f"verloren decimaalteken in {suspect}? Controleer deze kolom")
    return keep, warnings
