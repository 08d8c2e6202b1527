"""Excel round trip: an agenda to a workbook with validation lists, and back with located errors.

The workbook has one sheet per concept (Agenda, Maatregelen, Kosten, Effecten, Geldstromen,
Budgetten, Toewijzingen) plus a hidden sheet ``Lijsten`` that feeds the drop-down lists for
status, type, financing mode, owner, yes/no, stream and measure codes. Amounts are euros with
two decimals; shares are percentages. Reading it back gives the same agenda (lossless), or a
:class:`WorkbookError` listing every problem as sheet, row, column and value.

Allocations come in two forms: the long sheet ``Toewijzingen`` (one row per stream, measure and
year, with the manual flag, reason and who) and the wide sheet ``Toewijzingen breed`` (one row
per stream and measure, one column per year: how people plan in Excel). A sheet ``Per termijn``
sums them per council term (for reading only). The importer takes either form; when both are
present they must agree (a difference is an error on the wide sheet, never a silent choice).
The wide form holds amounts only: a workbook with just the wide sheet has no manual allocations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wijkkompas import __version__
from wijkkompas.agenda.excel_lists import add_lists
from wijkkompas.agenda.model import (
    AFTER_MODES,
    FUNDING_MODES,
    MEASURE_TYPES,
    OWNERS,
    STATUSES,
    Agenda,
    AgendaError,
    Allocation,
    Cofinancing,
    Earmark,
    FundingStream,
    Measure,
    euros,
)
from wijkkompas.data.guard import check_workbook, check_workbook_size
from wijkkompas.errors import DataError, TooLarge
from wijkkompas.exportsafe import inert_workbook
from wijkkompas.formatting import EXCEL_MONEY_CENTS, EXCEL_PERCENT

FORMAT_VERSION = 1
# An editable workbook: amounts keep their cents (formats from wijkkompas.formatting).
EURO_FORMAT = EXCEL_MONEY_CENTS
MAX_ROWS = 2000
MAX_UNPACKED_BYTES = 512 * 2 ** 20  # a workbook bigger than this unpacked is refused
SHEETS: dict[str, list[str]] = {
    "Maatregelen": ["code", "titel", "omschrijving", "type", "status", "financiering",
                    "verplicht", "uitgesloten", "gebieden", "trekker", "partners", "begin",
                    "eind", "geldstromen", "afhankelijk van"],
    "Kosten": ["maatregel", "jaar", "bedrag"],
    "Effecten": ["maatregel", "opgave", "effect"],
    "Geldstromen": ["code", "naam", "eigenaar", "omschrijving", "max aandeel",
                    "cofinanciering", "cofinanciering uit", "oormerk typen",
                    "oormerk opgaven", "oormerk gebieden", "uiterlijk jaar"],
    "Budgetten": ["geldstroom", "jaar", "bedrag"],
    "Toewijzingen": ["geldstroom", "maatregel", "jaar", "bedrag", "handmatig", "reden", "door"],
}
#: Columns an older workbook may lack (read as empty): start windows and order rules.
OPTIONAL: dict[str, list[str]] = {
    "Maatregelen": ["vroegste start", "laatste start", "start na", "binnen termijn"]}
WIDE_SHEET = "Toewijzingen breed"
TERM_SHEET = "Per termijn"
WIDE_KEYS = ["geldstroom", "maatregel"]
WIDE_INFO = ("titel", "totaal")  # written for reading, ignored on import
AGENDA_KEYS = ["format_version", "naam", "versiejaar", "prijspeil", "horizon begin",
               "horizon eind", "termijnen vanaf", "max gebiedsaandeel", "afwegingskader",
               "kaderversie", "data-vingerafdruk", "notities", "gemaakt met", "gemaakt op",
               "korting later starten"]
YES, NO = "ja", "nee"


class WorkbookError(DataError):
    """One or more problems in an agenda workbook; ``errors`` holds each located problem
    as a DataError with ``file`` = ``"<workbook> [<sheet>]"``."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (en {len(errors) - 5} meer)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} fout(en) in de werkmap: {shown}{more}")


# --- writing ---------------------------------------------------------------------------------

def _join(values: Any) -> str:
    return ", ".join(values or ())


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def write_workbook(agenda: Agenda, path: str | Path) -> Path:
    """Export ``agenda`` to ``path`` (.xlsx)."""
    path = Path(path)
    wb = Workbook()
    info = wb.active
    info.title = "Agenda"
    values = [FORMAT_VERSION, agenda.name, agenda.year, agenda.price_year, agenda.horizon_start,
              agenda.horizon_end, agenda.term_start, _pct(agenda.max_area_share),
              agenda.framework, agenda.framework_version, agenda.data_fingerprint, agenda.notes,
              f"wijkkompas {__version__}", datetime.now(UTC).isoformat(timespec="seconds"),
              _pct(agenda.start_discount)]
    info.append(["sleutel", "waarde"])
    for key, value in zip(AGENDA_KEYS, values, strict=True):
        info.append([key, value])
    info["B9"].number_format = EXCEL_PERCENT
    info[f"B{AGENDA_KEYS.index('korting later starten') + 2}"].number_format = EXCEL_PERCENT
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for m in agenda.measures:
        rows["Maatregelen"].append([
            m.code, m.title, m.description, m.type, m.status, m.funding,
            YES if m.must_do else NO, YES if m.excluded else NO, _join(m.areas), m.lead,
            _join(m.partners), m.start_year, m.end_year, _join(m.streams), _join(m.depends_on),
            m.earliest_start, m.latest_start,
            _join(f"{code} ({mode})" for code, mode in m.after.items()) or None,
            YES if m.in_term else NO])
        rows["Kosten"] += [[m.code, y, float(euros(c))] for y, c in m.costs.items()]
        rows["Effecten"] += [[m.code, o, e] for o, e in m.effects.items()]
    for s in agenda.streams:
        co = s.cofinancing
        rows["Geldstromen"].append([
            s.code, s.name, s.owner, s.description, _pct(s.max_share),
            None if co is None else float(co.ratio), None if co is None else
            _join(co.from_streams), _join(sorted(s.earmark.types or ())) or None,
            _join(sorted(s.earmark.opgaven or ())) or None,
            _join(sorted(s.earmark.areas or ())) or None, s.deadline])
        rows["Budgetten"] += [[s.code, y, float(euros(c))] for y, c in s.amounts.items()]
    for a in agenda.allocations:
        rows["Toewijzingen"].append([a.stream, a.measure, a.year, float(euros(a.cents)),
                                     YES if a.manual else NO, a.reason, a.by])
    for name, required in SHEETS.items():
        header = required + OPTIONAL.get(name, [])
        ws = wb.create_sheet(name)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[name]:
            ws.append(row)
        ws.freeze_panes = "A2"
        for idx, col in enumerate(header, start=1):
            letter = ws.cell(1, idx).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(col) + 4))
            if col == "bedrag":
                for cell in ws[letter][1:]:
                    cell.number_format = EURO_FORMAT
            if col in ("max aandeel", "cofinanciering"):
                for cell in ws[letter][1:]:
                    cell.number_format = EXCEL_PERCENT
    _add_wide(wb, agenda)
    add_lists(wb, agenda, SHEETS, OPTIONAL, max_rows=MAX_ROWS, yes_no=(YES, NO))
    inert_workbook(wb)  # names and notes are text, never formulas
    wb.save(path)
    return path


def _wide_years(agenda: Agenda) -> list[int]:
    return sorted(set(agenda.years) | {a.year for a in agenda.allocations})


def _add_wide(wb: Workbook, agenda: Agenda) -> None:
    """The wide allocation sheet (stream x measure rows, a column per year) and the totals per
    council term."""
    from wijkkompas.agenda.terms import term_of

    years = _wide_years(agenda)
    cells: dict[tuple[str, str], dict[int, int]] = {}
    for a in agenda.allocations:
        per = cells.setdefault((a.stream, a.measure), {})
        per[a.year] = per.get(a.year, 0) + a.cents
    titles = {m.code: m.title for m in agenda.measures}
    order = {s.code: i for i, s in enumerate(agenda.streams)}
    morder = {m.code: i for i, m in enumerate(agenda.measures)}
    keys = sorted(cells, key=lambda k: (order.get(k[0], 0), morder.get(k[1], 0)))
    ws = wb.create_sheet(WIDE_SHEET)
    ws.append([*WIDE_KEYS, "titel", *years, "totaal"])
    for s_code, m_code in keys:
        per = cells[(s_code, m_code)]
        ws.append([s_code, m_code, titles.get(m_code, ""),
                   *(float(euros(per[y])) if y in per else None for y in years),
                   float(euros(sum(per.values())))])
    terms = sorted({term_of(y, start=agenda.term_start).label for y in years})
    tt = wb.create_sheet(TERM_SHEET)
    tt.append([*WIDE_KEYS, "titel", *terms, "totaal"])
    stream_totals: dict[str, dict[str, int]] = {}
    for s_code, m_code in keys:
        per_term = dict.fromkeys(terms, 0)
        for y, c in cells[(s_code, m_code)].items():
            per_term[term_of(y, start=agenda.term_start).label] += c
        tot = stream_totals.setdefault(s_code, dict.fromkeys(terms, 0))
        for t, c in per_term.items():
            tot[t] += c
        tt.append([s_code, m_code, titles.get(m_code, ""),
                   *(float(euros(per_term[t])) for t in terms),
                   float(euros(sum(per_term.values())))])
    for s_code, tot in stream_totals.items():
        tt.append([s_code, "(totaal)", "", *(float(euros(tot[t])) for t in terms),
                   float(euros(sum(tot.values())))])
    for sheet in (ws, tt):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "D2"
        for col in sheet.iter_cols(min_col=4, min_row=2):
            for cell in col:
                cell.number_format = EURO_FORMAT


def template_agenda(year: int | None = None) -> Agenda:
    """An empty agenda to start a workbook from (this year, a ten-year horizon)."""
    year = year or datetime.now(UTC).year
    return Agenda(name="Nieuwe investeringsagenda", year=year, price_year=year,
                  horizon_start=year, horizon_end=year + 9)


def write_template(path: str | Path, year: int | None = None) -> Path:
    """The empty agenda workbook (all sheets, headers and drop-down lists, no rows)."""
    return write_workbook(template_agenda(year), path)


# --- reading ---------------------------------------------------------------------------------

class _Reader:
    """Collects located errors while converting cells."""

    def __init__(self, file: str, *, max_rows: int | None = None) -> None:
        self.file = file
        self.max_rows = max_rows
        self.errors: list[DataError] = []

    def fail(self, sheet: str, row: int | None, column: str | None, value: Any,
             message: str) -> None:
        self.errors.append(DataError(message, file=f"{self.file} [{sheet}]", row=row,
                                     column=column, value=value))

    def text(self, v: Any) -> str:
        return "" if v is None else str(v).strip()

    def items(self, v: Any) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.text(v).split(",") if p.strip())

    def integer(self, sheet: str, row: int, col: str, v: Any, required: bool = True
                ) -> int | None:
        if v is None or v == "":
            if required:
                self.fail(sheet, row, col, v, "waarde ontbreekt")
            return None
        try:
            d = Decimal(str(v).strip())
            if d != d.to_integral_value():
                raise InvalidOperation
            return int(d)
        except (InvalidOperation, ValueError):
            self.fail(sheet, row, col, v, "geen geheel getal")
            return None

    def money(self, sheet: str, row: int, col: str, v: Any) -> int | None:
        if v is None or v == "":
            self.fail(sheet, row, col, v, "bedrag ontbreekt")
            return None
        try:
            d = Decimal(repr(v)) if isinstance(v, float) else Decimal(
                str(v).replace("€", "").replace(" ", "").strip())
        except InvalidOperation:
            self.fail(sheet, row, col, v, "geen bedrag")
            return None
        if d != d.quantize(Decimal("0.01")):
            self.fail(sheet, row, col, v, "bedrag met meer dan twee decimalen")
            return None
        if d < 0:
            self.fail(sheet, row, col, v, "negatief bedrag")
            return None
        return int(d * 100)

    def number(self, sheet: str, row: int, col: str, v: Any) -> Decimal | None:
        if v is None or v == "":
            return None
        try:
            return Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v).strip())
        except InvalidOperation:
            self.fail(sheet, row, col, v, "geen getal")
            return None

    def choice(self, sheet: str, row: int, col: str, v: Any, options: tuple[str, ...]
               ) -> str:
        t = self.text(v)
        if t not in options:
            self.fail(sheet, row, col, v, f"kies uit {', '.join(options)}")
        return t

    def yes(self, sheet: str, row: int, col: str, v: Any) -> bool:
        t = self.text(v).lower() or NO
        if t not in (YES, NO):
            self.fail(sheet, row, col, v, "kies ja of nee")
        return t == YES


def _header(ws: Any, reader: _Reader) -> list[str]:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return [reader.text(v) for v in first]


def _body(ws: Any, reader: _Reader, sheet: str) -> Iterator[tuple[int, tuple]]:
    """Rows 2, 3, ... of ``ws``; past ``reader.max_rows`` reading stops with :class:`TooLarge`
    (a read-only workbook streams, so a huge sheet costs no more than the limit)."""
    for i, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if reader.max_rows is not None and i - 1 > reader.max_rows:
            raise TooLarge(f"{reader.file} [{sheet}]: meer dan {reader.max_rows} rijen; "
                           "splits de werkmap of vraag de beheerder de grens te verhogen",
                           limit=reader.max_rows)
        yield i, values


def _rows(wb: Any, sheet: str, reader: _Reader) -> list[tuple[int, dict[str, Any]]]:
    if sheet not in wb.sheetnames:
        reader.fail(sheet, None, None, None, "werkblad ontbreekt")
        return []
    ws = wb[sheet]
    header = _header(ws, reader)
    missing = [h for h in SHEETS[sheet] if h not in header]
    if missing:
        reader.fail(sheet, 1, ", ".join(missing), None, "kolom(men) ontbreken")
        return []
    out = []
    for i, values in _body(ws, reader, sheet):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        for col in OPTIONAL.get(sheet, []):
            row.setdefault(col, None)
        out.append((i, row))
    return out


def _after(r: _Reader, sheet: str, i: int, v: Any) -> dict[str, str]:
    """``"A (einde), B (start)"`` -> ``{"A": "einde", "B": "start"}``; a bare code: ``einde``."""
    out = {}
    for item in r.items(v):
        code, _, mode = item.partition("(")
        mode = mode.rstrip(")").strip() or "einde"
        if mode not in AFTER_MODES:
            r.fail(sheet, i, "start na", v, f"{item}: kies (einde) of (start)")
            continue
        out[code.strip()] = mode
    return out


def _check_codes(r: _Reader, sheet: str, i: int, row: dict[str, Any], streams: set[str],
                 measures: set[str]) -> tuple[str, str]:
    s, m = r.text(row["geldstroom"]), r.text(row["maatregel"])
    if s not in streams:
        r.fail(sheet, i, "geldstroom", row["geldstroom"], "onbekende geldstroom")
    if m not in measures:
        r.fail(sheet, i, "maatregel", row["maatregel"], "onbekende maatregel")
    return s, m


def _read_long(wb: Any, r: _Reader, streams: set[str], measures: set[str]
               ) -> list[Allocation]:
    out = []
    sheet = "Toewijzingen"
    for i, row in _rows(wb, sheet, r):
        s, m = _check_codes(r, sheet, i, row, streams, measures)
        y = r.integer(sheet, i, "jaar", row["jaar"])
        c = r.money(sheet, i, "bedrag", row["bedrag"])
        manual = r.yes(sheet, i, "handmatig", row["handmatig"])
        if y is not None and c is not None:
            out.append(Allocation(s, m, y, c, manual, r.text(row["reden"]),
                                  r.text(row["door"])))
    return out


def _read_wide(wb: Any, r: _Reader, streams: set[str], measures: set[str]
               ) -> dict[tuple[str, str, int], tuple[int, int, str]]:
    """Cells of the wide sheet: (stream, measure, year) -> (cents, row, column letter)."""
    sheet = WIDE_SHEET
    ws = wb[sheet]
    header = _header(ws, r)
    missing = [h for h in WIDE_KEYS if h not in header]
    if missing:
        r.fail(sheet, 1, ", ".join(missing), None, "kolom(men) ontbreken")
        return {}
    years: dict[int, int] = {}
    for idx, h in enumerate(header):
        if h in WIDE_KEYS or h in WIDE_INFO or h == "":
            continue
        y = r.integer(sheet, 1, get_column_letter(idx + 1), h)
        if y is not None:
            years[idx] = y
    out: dict[tuple[str, str, int], tuple[int, int, str]] = {}
    for i, values in _body(ws, r, sheet):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        s, m = _check_codes(r, sheet, i, row, streams, measures)
        for idx, y in years.items():
            v = values[idx] if idx < len(values) else None
            if v is None or str(v).strip() == "":
                continue
            c = r.money(sheet, i, str(y), v)
            if c is None:
                continue
            if (s, m, y) in out:
                r.fail(sheet, i, str(y), v, f"{s} -> {m} staat twee keer op dit blad")
            elif c:
                out[(s, m, y)] = (c, i, str(y))
    return out


def _read_allocations(wb: Any, r: _Reader, streams: set[str], measures: set[str]
                      ) -> list[Allocation]:
    """Allocations from the long sheet, the wide sheet, or both (which must agree)."""
    has_long, has_wide = "Toewijzingen" in wb.sheetnames, WIDE_SHEET in wb.sheetnames
    if not has_wide:
        return _read_long(wb, r, streams, measures)
    wide = _read_wide(wb, r, streams, measures)
    if not has_long:
        return [Allocation(s, m, y, c) for (s, m, y), (c, _i, _col) in wide.items()]
    long = _read_long(wb, r, streams, measures)
    amounts: dict[tuple[str, str, int], int] = {}
    for a in long:
        key = (a.stream, a.measure, a.year)
        amounts[key] = amounts.get(key, 0) + a.cents
    for key in sorted(set(amounts) | set(wide)):
        lc, (wc, row, col) = amounts.get(key, 0), wide.get(key, (0, None, str(key[2])))
        if lc != wc:
            shown = None if row is None else float(euros(wc))
            r.fail(WIDE_SHEET, row, col, shown,
                   f"{key[0]} -> {key[1]} {key[2]}: wijkt af van blad Toewijzingen "
                   f"({euros(lc)}); verwijder het blad dat u niet bijwerkte")
    return long


def read_workbook(path: str | Path, *, max_rows: int | None = None,
                  name: str | None = None) -> Agenda:
    """Import an agenda workbook; raise :class:`WorkbookError` with every located problem.

    The workbook is streamed (openpyxl read-only). ``max_rows``: most rows read from one
    sheet; past it reading stops with :class:`~wijkkompas.errors.TooLarge` (so does a
    workbook that unpacks to more than :data:`MAX_UNPACKED_BYTES`). ``name``: the file name
    shown in messages (default: the file's own)."""
    path = Path(path)
    r = _Reader(name or path.name, max_rows=max_rows)
    check_workbook_size(path, r.file, max_rows=max_rows, max_unpacked=MAX_UNPACKED_BYTES)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_workbook(path)  # no DOCTYPE or entity declarations, no cell beyond Excel's grid
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
        raise DataError(f"geen leesbare Excel-werkmap ({exc})", file=r.file) from None
    try:
        return _read(wb, r, Path(r.file).stem)
    finally:
        wb.close()


def _read(wb: Any, r: _Reader, stem: str) -> Agenda:
    meta: dict[str, Any] = {}
    if "Agenda" in wb.sheetnames:
        for _i, row in _body(wb["Agenda"], r, "Agenda"):
            if row and row[0]:
                meta[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    else:
        r.fail("Agenda", None, None, None, "werkblad ontbreekt")
    costs: dict[str, dict[int, int]] = {}
    for i, row in _rows(wb, "Kosten", r):
        y = r.integer("Kosten", i, "jaar", row["jaar"])
        c = r.money("Kosten", i, "bedrag", row["bedrag"])
        if y is not None and c is not None:
            costs.setdefault(r.text(row["maatregel"]), {})[y] = c
    effects: dict[str, dict[str, float]] = {}
    for i, row in _rows(wb, "Effecten", r):
        e = r.number("Effecten", i, "effect", row["effect"])
        if e is not None:
            effects.setdefault(r.text(row["maatregel"]), {})[r.text(row["opgave"])] = float(e)
    measures = []
    listed: set[str] = set()  # codes on the sheet, also of rows with errors (no follow-on errors)
    for i, row in _rows(wb, "Maatregelen", r):
        sheet, code = "Maatregelen", r.text(row["code"])
        listed.add(code)
        if not code:
            r.fail(sheet, i, "code", row["code"], "code ontbreekt")
            continue
        mtype = r.choice(sheet, i, "type", row["type"], MEASURE_TYPES)
        status = r.choice(sheet, i, "status", row["status"], STATUSES)
        funding = r.choice(sheet, i, "financiering", row["financiering"], FUNDING_MODES)
        start = r.integer(sheet, i, "begin", row["begin"])
        end = r.integer(sheet, i, "eind", row["eind"])
        must, excl = (r.yes(sheet, i, "verplicht", row["verplicht"]),
                      r.yes(sheet, i, "uitgesloten", row["uitgesloten"]))
        earliest = r.integer(sheet, i, "vroegste start", row["vroegste start"], required=False)
        latest = r.integer(sheet, i, "laatste start", row["laatste start"], required=False)
        after = _after(r, sheet, i, row["start na"])
        in_term = r.yes(sheet, i, "binnen termijn", row["binnen termijn"])
        if None in (start, end) or mtype not in MEASURE_TYPES or status not in STATUSES \
                or funding not in FUNDING_MODES:
            continue
        try:
            measures.append(Measure(
                code=code, title=r.text(row["titel"]) or code,
                description=r.text(row["omschrijving"]), type=mtype, status=status,
                funding=funding, must_do=must, excluded=excl, areas=r.items(row["gebieden"]),
                lead=r.text(row["trekker"]), partners=r.items(row["partners"]),
                start_year=start, end_year=end, costs=costs.get(code, {}),  # type: ignore[arg-type]
                effects=effects.get(code, {}), streams=r.items(row["geldstromen"]),
                depends_on=r.items(row["afhankelijk van"]), earliest_start=earliest,
                latest_start=latest, after=after, in_term=in_term))
        except AgendaError as exc:
            r.fail(sheet, i, None, code, str(exc))
    streams = []
    amounts: dict[str, dict[int, int]] = {}
    for i, row in _rows(wb, "Budgetten", r):
        y = r.integer("Budgetten", i, "jaar", row["jaar"])
        c = r.money("Budgetten", i, "bedrag", row["bedrag"])
        if y is not None and c is not None:
            amounts.setdefault(r.text(row["geldstroom"]), {})[y] = c
    slisted: set[str] = set()
    for i, row in _rows(wb, "Geldstromen", r):
        sheet, code = "Geldstromen", r.text(row["code"])
        slisted.add(code)
        owner = r.choice(sheet, i, "eigenaar", row["eigenaar"], OWNERS)
        max_share = r.number(sheet, i, "max aandeel", row["max aandeel"])
        ratio = r.number(sheet, i, "cofinanciering", row["cofinanciering"])
        deadline = r.integer(sheet, i, "uiterlijk jaar", row["uiterlijk jaar"], required=False)

        def allowed(v: Any) -> frozenset[str] | None:
            items = r.items(v)
            return frozenset(items) if items else None

        if owner not in OWNERS:
            continue
        try:
            streams.append(FundingStream(
                code=code, name=r.text(row["naam"]) or code, owner=owner,
                description=r.text(row["omschrijving"]), amounts=amounts.get(code, {}),
                earmark=Earmark(opgaven=allowed(row["oormerk opgaven"]),
                                types=allowed(row["oormerk typen"]),
                                areas=allowed(row["oormerk gebieden"])),
                max_share=max_share, deadline=deadline,
                cofinancing=None if ratio is None else Cofinancing(
                    ratio, r.items(row["cofinanciering uit"]))))
        except AgendaError as exc:
            r.fail(sheet, i, None, code, str(exc))
    known_streams = slisted
    known_measures = listed  # a measure row with errors is reported once, not per allocation
    allocations = _read_allocations(wb, r, known_streams, known_measures)
    for m_code in sorted(set(costs) - listed):
        r.fail("Kosten", None, "maatregel", m_code, "kosten voor een onbekende maatregel")
    agenda = None
    try:
        agenda = Agenda(
            name=r.text(meta.get("naam")) or stem,
            year=r.integer("Agenda", None, "versiejaar", meta.get("versiejaar")) or 0,
            price_year=r.integer("Agenda", None, "prijspeil", meta.get("prijspeil")) or 0,
            horizon_start=r.integer("Agenda", None, "horizon begin",
                                    meta.get("horizon begin")) or 0,
            horizon_end=r.integer("Agenda", None, "horizon eind", meta.get("horizon eind")) or 0,
            term_start=r.integer("Agenda", None, "termijnen vanaf",
                                 meta.get("termijnen vanaf")) or 2022,
            max_area_share=r.number("Agenda", None, "max gebiedsaandeel",
                                    meta.get("max gebiedsaandeel")),
            framework=r.text(meta.get("afwegingskader")),
            framework_version=r.text(meta.get("kaderversie")),
            data_fingerprint=r.text(meta.get("data-vingerafdruk")),
            notes=r.text(meta.get("notities")),
            start_discount=r.number("Agenda", None, "korting later starten",
                                    meta.get("korting later starten")) or Decimal(0),
            measures=measures, streams=streams, allocations=allocations)
        if not r.errors:
            agenda.validate()
    except AgendaError as exc:
        r.fail("Agenda", None, None, None, str(exc))
    if r.errors or agenda is None:
        raise WorkbookError(r.errors)
    return agenda
