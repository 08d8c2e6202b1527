"""Writing the investeringsagenda from the web: what the edit forms show and the use cases they
call (save an optimised allocation, fix an allocation by hand, mark a measure, import a
workbook). HTML forms and their JSON twins under ``/api/v1/agenda/...`` call the same functions.

Every write goes through :mod:`wijkkompas.services.agenda.usecases`, which checks the acting account's
permission (``edit`` on the agenda's programme and areas), the lock version the form carried
(``versie``: a stale one raises a :class:`~wijkkompas.errors.Conflict` listing what changed) and
records the audit entry with who and why. Money arrives as euros text and is stored in cents.

>>> parse_euros("1.234,56"), parse_euros("250000"), parse_euros("1.500"), parse_euros("12.5")
(123456, 25000000, 150000, 1250)
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from wijkkompas.agenda.model import AgendaError, cents, format_euros
from wijkkompas.errors import ConfigError, DataError
from wijkkompas.i18n import _
from wijkkompas.services.agenda import usecases as service
from wijkkompas.services.agenda.pages import load, optimised
from wijkkompas.services.framework.overview import Option
from wijkkompas.services.shared.context import ViewContext

# --- parsing form fields ---------------------------------------------------------------------

def parse_euros(text: Any) -> int:
    """Euros as people type them (``250000``, ``250.000``, ``250.000,50``, ``250000.50``) to
    integer cents; a dot followed by exactly three digits is a Dutch thousands separator."""
    raw = str(text if text is not None else "").strip().replace("€", "").replace(" ", "")
    if not raw:
        raise ConfigError(_("Bedrag ontbreekt."))
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1 or re.fullmatch(r"-?\d{1,3}\.\d{3}", raw):
        raw = raw.replace(".", "")
    try:
        return cents(raw)
    except AgendaError:
        raise ConfigError(_("Bedrag {value!r}: geen bedrag in euro's met hoogstens twee "
                            "decimalen.").format(value=str(text))) from None


def parse_int(fields: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """An integer form field (forms send text, JSON may send numbers)."""
    value = fields.get(key)
    if value is None or str(value).strip() == "":
        if required:
            raise ConfigError(_("Veld {key!r} ontbreekt.").format(key=key))
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(_("Veld {key!r}: geen geheel getal ({value!r}).").format(
            key=key, value=str(value))) from None


def is_on(fields: dict[str, Any], key: str) -> bool:
    """A checkbox or a JSON boolean."""
    value = fields.get(key)
    return value is True or str(value).strip().lower() in ("1", "on", "ja", "true", "yes")


# --- what the forms show ---------------------------------------------------------------------

@dataclass
class ManualRow:
    stream: str
    stream_name: str
    measure: str
    measure_title: str
    year: int
    cents: int
    text: str
    reason: str
    by: str


@dataclass
class MarkRow:
    code: str
    title: str
    mark: str


@dataclass
class AgendaEditView:
    """The stored agenda version the forms act on: its lock version (the hidden ``versie``),
    choices for the fields and the manual choices made so far."""

    agenda_id: int | None
    name: str
    year: int
    lock_version: int | None
    next_year: int
    streams: list[Option]
    measures: list[Option]
    years: list[int]
    marks: list[Option]
    manual: list[ManualRow]
    marked: list[MarkRow]
    notices: list[str] = field(default_factory=list)


def edit_view(ctx: ViewContext, *, agenda_id: int | None = None) -> AgendaEditView:
    """What the save, fix and mark forms need for the chosen stored agenda (the demo agenda
    that is shown when nothing is stored cannot be edited: ``lock_version`` is None)."""
    loaded = load(ctx, agenda_id)
    agenda = loaded.agenda
    lock = None
    taken: set[int] = set()
    if loaded.agenda_id is not None:
        lock = service.agenda_lock_version(ctx.ws, agenda.name, agenda.year)
        stored = service.list_agendas(ctx.ws)
        taken = {int(y) for y in stored.loc[stored["name"] == agenda.name, "year"]}
    next_year = agenda.year + 1
    while next_year in taken:
        next_year += 1
    streams = {s.code: s.name for s in agenda.streams}
    titles = {m.code: m.title for m in agenda.measures}
    manual = [ManualRow(a.stream, streams.get(a.stream, a.stream), a.measure,
                        titles.get(a.measure, a.measure), a.year, a.cents,
                        format_euros(a.cents), a.reason, a.by)
              for a in sorted(agenda.allocations, key=lambda a: (a.measure, a.year, a.stream))
              if a.manual]
    marked = [MarkRow(m.code, m.title, "verplicht" if m.must_do else "uitgesloten")
              for m in agenda.measures if m.must_do or m.excluded]
    notices = [] if lock is not None else [_(
        "De getoonde agenda is niet opgeslagen; lees eerst een agenda in om haar te kunnen "
        "bewerken.")]
    return AgendaEditView(
        loaded.agenda_id, agenda.name, agenda.year, lock, next_year,
        [Option(code, f"{name} ({code})") for code, name in streams.items()],
        [Option(m.code, f"{m.code} — {m.title}") for m in agenda.measures],
        agenda.years, [Option("verplicht", _("verplicht (moet gefinancierd worden)")),
                       Option("uitgesloten", _("uitgesloten (niet financieren)")),
                       Option("vrij", _("vrij (de optimalisatie beslist)"))], manual, marked,
        notices)


# --- the use cases ---------------------------------------------------------------------------

@dataclass
class Saved:
    """What a write returns (the JSON twin's body; the HTML route redirects with it)."""

    agenda_id: int
    name: str
    year: int
    lock_version: int
    message: str


def _saved(ctx: ViewContext, agenda_id: int, message: str) -> Saved:
    agenda, lock = service.agenda_version(ctx.ws, agenda_id)
    return Saved(agenda_id, agenda.name, agenda.year, lock, message)


def _stored(ctx: ViewContext, agenda_id: int | None, ws=None):  # noqa: ANN001, ANN202
    """The stored agenda a form edits; with ``ws`` (the acting workspace) the permission to
    edit it is checked here, before the rest of the form is read (403 before 422)."""
    loaded = load(ctx, agenda_id)
    if loaded.agenda_id is None:
        raise ConfigError(_("Er is geen opgeslagen agenda om te bewerken; lees er eerst een "
                            "in."))
    if ws is not None:
        ws.require("edit", service.agenda_entity(loaded.agenda))
    return loaded


def save_optimisation(ctx: ViewContext, ws, fields: dict[str, Any]) -> Saved:  # noqa: ANN001
    """Save the optimised allocation of the chosen agenda (with the priorities of ``kader``, default
    the agenda's framework): as a new version (``jaar``, default the next free year) or
    replacing the version itself (``vervang``). ``versie`` is the lock
    version of the agenda the user saw; a newer one means someone changed it: 409."""
    loaded = _stored(ctx, parse_int(fields, "agenda", required=False), ws)
    seen = parse_int(fields, "versie")
    result = optimised(ctx, loaded, str(fields.get("kader") or "") or None)
    if not result.feasible:
        raise AgendaError(_("De optimalisatie heeft geen uitvoerbaar plan; er is niets "
                            "opgeslagen."))
    agenda = result.agenda
    if is_on(fields, "vervang"):
        new_id = service.save_agenda(ws, agenda, replace=True, expected_version=seen)
        return _saved(ctx, new_id, _("Versie {year} vervangen door de optimale verdeling.")
                      .format(year=agenda.year))
    year = parse_int(fields, "jaar", required=False) or edit_view(
        ctx, agenda_id=loaded.agenda_id).next_year
    if year == agenda.year:
        raise ConfigError(_("Versie {year} bestaat al; kies een ander jaar of vervang haar.")
                          .format(year=year))
    new_id = service.save_agenda(ws, dataclasses.replace(agenda, year=year),
                                 based_on=(loaded.agenda.year, seen))  # type: ignore[arg-type]
    return _saved(ctx, new_id, _("Opgeslagen als nieuwe agendaversie {year}.").format(year=year))


def fix_allocation(ctx: ViewContext, ws, fields: dict[str, Any]) -> Saved:  # noqa: ANN001
    """Fix what a stream pays a measure in a year (``bedrag`` in euros; empty with ``loslaten``
    releases it), with a required ``reden``."""
    loaded = _stored(ctx, parse_int(fields, "agenda", required=False), ws)
    release = is_on(fields, "loslaten")
    amount = None if release else parse_euros(fields.get("bedrag"))
    stream, measure = str(fields.get("geldstroom") or ""), str(fields.get("maatregel") or "")
    year = parse_int(fields, "jaar")
    service.set_manual_allocation(ws, loaded.agenda_id, stream=stream, measure=measure,
                                  year=year, cents=amount,  # type: ignore[arg-type]
                                  reason=str(fields.get("reden") or ""),
                                  expected_version=parse_int(fields, "versie"))
    text = _("{s} → {m} ({y}) losgelaten.") if release else _(
        "{s} → {m} ({y}) vastgelegd op {amount}.")
    return _saved(ctx, loaded.agenda_id, text.format(  # type: ignore[arg-type]
        s=stream, m=measure, y=year, amount=format_euros(amount or 0)))


def mark_measure(ctx: ViewContext, ws, fields: dict[str, Any]) -> Saved:  # noqa: ANN001
    """Mark a measure verplicht / uitgesloten / vrij before optimising, with a ``reden``."""
    loaded = _stored(ctx, parse_int(fields, "agenda", required=False), ws)
    measure, mark = str(fields.get("maatregel") or ""), str(fields.get("markering") or "")
    service.mark_measure(ws, loaded.agenda_id, measure=measure, mark=mark,  # type: ignore[arg-type]
                         reason=str(fields.get("reden") or ""),
                         expected_version=parse_int(fields, "versie"))
    return _saved(ctx, loaded.agenda_id, _("Maatregel {m} gemarkeerd als {mark}.")  # type: ignore[arg-type]
                  .format(m=measure, mark=mark))


@dataclass
class ImportProblem:
    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    message: str


def import_problems(exc: DataError) -> list[ImportProblem]:
    """Every located problem of a failed import (a workbook error lists them all)."""
    out = []
    for e in getattr(exc, "errors", None) or [exc]:
        file, sheet = e.file or "", ""
        found = re.fullmatch(r"(.*) \[(.*)\]", file)
        if found:
            file, sheet = found.group(1), found.group(2)
        out.append(ImportProblem(file, sheet, e.row, e.column,
                                 None if e.value is None else str(e.value), e.message))
    return out


def import_workbook(ctx: ViewContext, ws, filename: str, data: bytes,  # noqa: ANN001
                    fields: dict[str, Any], *, max_rows: int | None = None) -> Saved:
    """Import an uploaded agenda workbook (all or nothing). With ``vervang`` an existing
    version with the same name and year is replaced; when that is the version on the page,
    its ``versie`` guards against overwriting someone else's change. ``max_rows``: most rows
    read per sheet (beyond: :class:`~wijkkompas.errors.TooLarge`, 413 on the web).

    Blocking (reads the workbook, writes the database): the web calls it in a worker
    thread."""
    seen = parse_int(fields, "versie", required=False)
    shown = parse_int(fields, "agenda", required=False)
    expected = None
    if seen is not None and shown is not None:
        current = load(ctx, shown).agenda
        expected = (current.name, current.year, seen)
    new_id, agenda = service.import_agenda_bytes(ws, filename, data,
                                                 replace=is_on(fields, "vervang"),
                                                 seen=expected, max_rows=max_rows)
    return _saved(ctx, new_id, _("Agenda {name!r} versie {year} ingelezen: {m} maatregelen, "
                                 "{s} geldstromen, {a} toewijzingen.").format(
        name=agenda.name, year=agenda.year, m=len(agenda.measures), s=len(agenda.streams),
        a=len(agenda.allocations)))


def template_xlsx() -> bytes:
    """The empty agenda workbook (all sheets, headers and drop-down lists)."""
    import tempfile
    from pathlib import Path

    from wijkkompas.agenda.excel import write_template

    with tempfile.TemporaryDirectory() as tmp:
        return Path(write_template(Path(tmp) / "sjabloon.xlsx")).read_bytes()
