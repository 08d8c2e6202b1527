"""Agenda use cases: load and save versions, optimise with a framework's priorities, compare
scenarios. The CLI (and later the web pages) call these; they never touch the tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wijkkompas.agenda.model import Agenda, AgendaError, Allocation, Scenario, format_euros
from wijkkompas.agenda.result import AllocationResult
from wijkkompas.agenda.store import (
    AgendaRow,
    ScenarioRow,
    read_agenda,
    scenario_from_row,
    scenario_to_row,
    write_agenda,
)
from wijkkompas.audit import conflict as audit_conflict
from wijkkompas.audit import record
from wijkkompas.errors import ConfigError, Conflict, DataError, NotFound
from wijkkompas.limits import REASON, check_length

Progress = Callable[[str], None]


def demo_agenda() -> Agenda:
    """The bundled Enschede demo agenda (16 measures, 4 streams, 2025-2034)."""
    from wijkkompas.agenda.files import demo_agenda_path, load_agenda_file

    return load_agenda_file(demo_agenda_path())


def agenda_entity(agenda: Agenda) -> dict[str, object]:
    """What the permission check sees of an agenda: the programme (its name) and every area of
    its measures (see :func:`wijkkompas.permissions.can`)."""
    return {"programme": agenda.name,
            "areas": sorted({a for m in agenda.measures for a in m.areas})}


def _manual_text(a: Allocation) -> str:
    return f"{a.stream} -> {a.measure} {a.year}: {a.cents} ct ({a.reason}; {a.by})"


def agenda_summary(agenda: Agenda) -> dict[str, object]:
    """What the audit trail keeps of an agenda version: provenance, money per measure and the
    manual choices (fixed allocations, must-do and excluded measures)."""
    return {"name": agenda.name, "year": agenda.year, "framework": agenda.framework,
            "framework_version": agenda.framework_version,
            "data_fingerprint": agenda.data_fingerprint,
            "measures": sorted(m.code for m in agenda.measures),
            "funded_cents": {k: int(v) for k, v in sorted(agenda.funded().items())},
            "manual": sorted(_manual_text(a) for a in agenda.allocations if a.manual),
            "must_do": sorted(m.code for m in agenda.measures if m.must_do),
            "excluded": sorted(m.code for m in agenda.measures if m.excluded)}


def agenda_lock_version(ws, name: str, year: int) -> int | None:  # noqa: ANN001
    """The lock version of a stored agenda version (what an editor saw), or ``None``."""
    with Session(ws.engine) as session:
        return session.scalar(select(AgendaRow.lock_version).where(
            AgendaRow.name == name, AgendaRow.year == year))


def _entity(name: str, year: int) -> tuple[str, str]:
    return ("agenda", f"{name}@{year}")


def save_agenda(ws, agenda: Agenda, *, replace: bool = False,  # noqa: ANN001
                expected_version: int | None = None,
                based_on: tuple[int, int] | None = None) -> int:
    """Store ``agenda`` as version (name, year); ``replace`` overwrites that version in place
    (same id). Returns the id. One transaction: a failure stores nothing.

    ``expected_version`` (the lock version the editor loaded, see :func:`agenda_lock_version`)
    guards against lost updates: if someone saved the agenda meanwhile, :class:`Conflict` is
    raised, listing what the other saves changed (from the audit trail). ``based_on`` =
    ``(year, lock_version)`` does the same for the version a *new* version was computed from
    (an optimisation of last year's agenda saved as this year's). Every save is recorded in
    the audit trail with the old and new summary. Needs ``edit`` on the agenda's programme and
    areas (:func:`agenda_entity`).
    """
    ws.require("edit", agenda_entity(agenda))
    agenda.validate()
    try:
        return _save_agenda(ws, agenda, replace=replace, expected_version=expected_version,
                            based_on=based_on)
    except IntegrityError:  # a concurrent first save of the same (name, year)
        raise Conflict(f"agenda {agenda.name!r} versie {agenda.year} werd tegelijk door een "
                       "ander opgeslagen; laad haar opnieuw") from None


def _check_version(session: Session, name: str, year: int, current: int,
                   expected: int | None) -> None:
    if expected is not None and int(expected) != current:
        raise audit_conflict(session.connection(), _entity(name, year), current, int(expected),
                             f"agenda {name!r} versie {year} is intussen opgeslagen door een "
                             f"ander (versie {current}, u had versie {expected}); laad haar "
                             "opnieuw")


def _save_agenda(ws, agenda: Agenda, *, replace: bool, expected_version: int | None,  # noqa: ANN001
                 based_on: tuple[int, int] | None = None, action: str | None = None,
                 note: dict[str, object] | None = None) -> int:
    with Session(ws.engine) as session, session.begin():
        if based_on is not None and based_on[0] != agenda.year:
            source = session.scalar(select(AgendaRow.lock_version).where(
                AgendaRow.name == agenda.name, AgendaRow.year == based_on[0])
                .with_for_update())
            if source is None:
                raise Conflict(f"agenda {agenda.name!r} versie {based_on[0]} is intussen "
                               "verwijderd; laad haar opnieuw")
            _check_version(session, agenda.name, based_on[0], source, based_on[1])
        found = session.execute(select(AgendaRow.id, AgendaRow.lock_version).where(
            AgendaRow.name == agenda.name, AgendaRow.year == agenda.year)
            .with_for_update()).first()
        before, lock = None, 1
        if found is None and expected_version is not None:
            raise Conflict(f"agenda {agenda.name!r} versie {agenda.year} is intussen vervangen "
                           "of verwijderd; laad haar opnieuw")
        if found is not None:
            if not replace:
                raise AgendaError(f"agenda {agenda.name!r} versie {agenda.year} bestaat al; "
                                  "kies vervangen om haar te overschrijven")
            _check_version(session, agenda.name, agenda.year, found.lock_version,
                           expected_version)
            stored = read_agenda(session, found.id)
            ws.require("edit", agenda_entity(stored))
            before = {"lock_version": found.lock_version, **agenda_summary(stored)}
            lock = found.lock_version + 1
        row = write_agenda(session, agenda, user=ws.settings.user,
                           replace_id=found.id if found is not None else None)
        if row.lock_version != lock:  # the ORM counts from 1 on insert and +1 on update
            session.execute(update(AgendaRow.__table__).where(
                AgendaRow.__table__.c.id == row.id).values(lock_version=lock))
        record(session.connection(), ws.settings.user,
               action or ("agenda.replace" if before else "agenda.save"),
               _entity(agenda.name, agenda.year), before,
               {"lock_version": lock, **agenda_summary(agenda), **(note or {})},
               framework_version=agenda.framework_version or None,
               data_fingerprint=agenda.data_fingerprint or None)
        return row.id


def agenda_version(ws, agenda_id: int) -> tuple[Agenda, int]:  # noqa: ANN001
    """A stored agenda and its lock version (what an edit form carries in ``versie``)."""
    with Session(ws.engine) as session:
        lock = session.scalar(select(AgendaRow.lock_version).where(AgendaRow.id == agenda_id))
        if lock is None:
            raise NotFound(f"geen agenda met id {agenda_id}")
        return read_agenda(session, agenda_id), int(lock)


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ConfigError("reden ontbreekt: zeg waarom u dit handmatig vastlegt")
    check_length(text, "reden", REASON)
    return text


def _change(ws, agenda_id: int, expected_version: int | None, action: str,  # noqa: ANN001
            note: dict[str, object], change: Callable[[Agenda], Agenda]) -> int:
    """Apply ``change`` to the stored agenda and save it in place (locked, audited)."""
    stored, lock = agenda_version(ws, agenda_id)
    ws.require("edit", agenda_entity(stored))
    if expected_version is not None and int(expected_version) != lock:
        with ws.engine.connect() as conn:
            raise audit_conflict(conn, _entity(stored.name, stored.year), lock,
                                 int(expected_version),
                                 f"agenda {stored.name!r} versie {stored.year} is intussen "
                                 f"opgeslagen door een ander (versie {lock}, u had versie "
                                 f"{expected_version}); laad haar opnieuw")
    changed = change(stored)
    changed.validate()
    # the transaction checks the version again: a save in between still conflicts
    return _save_agenda(ws, changed, replace=True,
                        expected_version=lock if expected_version is None
                        else int(expected_version), action=action, note=note)


def set_manual_allocation(ws, agenda_id: int, *, stream: str, measure: str,  # noqa: ANN001
                          year: int, cents: int | None, reason: str,
                          expected_version: int | None = None) -> int:
    """Fix (``cents``) or release (``None``) the amount ``stream`` pays ``measure`` in
    ``year`` on a stored agenda. A fixed amount is a manual allocation: the optimiser keeps it
    exactly (rule group ``handmatig``); who and why are stored with it and in the audit trail.
    """
    why = _reason(reason)

    def change(agenda: Agenda) -> Agenda:
        s, m = agenda.stream(stream), agenda.measure(measure)
        key = (s.code, m.code, int(year))
        rest = [a for a in agenda.allocations if (a.stream, a.measure, a.year) != key]
        if cents is None:
            if not any((a.stream, a.measure, a.year) == key and a.manual
                       for a in agenda.allocations):
                raise AgendaError(f"{s.code} -> {m.code} ({year}) is niet handmatig vastgelegd")
            return agenda.with_allocations(rest)
        if cents < 0:
            raise AgendaError(f"toewijzing {s.code} -> {m.code} ({year}): negatief bedrag")
        cost = m.costs.get(int(year), 0)
        if not cost:
            raise AgendaError(f"maatregel {m.code} heeft geen kosten in {year}")
        if cents > cost:
            raise AgendaError(f"toewijzing {s.code} -> {m.code} ({year}): {format_euros(cents)}"
                              f" is meer dan de kosten in dat jaar ({format_euros(cost)})")
        if not s.allows(m):
            raise AgendaError(f"geldstroom {s.code} mag maatregel {m.code} niet betalen "
                              f"({s.earmark.describe()})")
        return agenda.with_allocations([*rest, Allocation(
            s.code, m.code, int(year), int(cents), True, why, ws.settings.user)])

    return _change(ws, agenda_id, expected_version,
                   "agenda.fix" if cents is not None else "agenda.release",
                   {"reason": why, "allocation": {"stream": stream, "measure": measure,
                                                  "year": int(year), "cents": cents}},
                   change)


MARKS = ("verplicht", "uitgesloten", "vrij")


def mark_measure(ws, agenda_id: int, *, measure: str, mark: str, reason: str,  # noqa: ANN001
                 expected_version: int | None = None) -> int:
    """Mark a measure of a stored agenda ``verplicht`` (must-do), ``uitgesloten`` (excluded)
    or ``vrij`` (the optimiser decides), with a reason recorded in the audit trail."""
    why = _reason(reason)
    if mark not in MARKS:
        raise ConfigError(f"markering {mark!r}: kies uit {', '.join(MARKS)}")

    def change(agenda: Agenda) -> Agenda:
        m = agenda.measure(measure)
        new = dataclasses.replace(m, must_do=mark == "verplicht", excluded=mark == "uitgesloten")
        return dataclasses.replace(agenda, measures=[new if x.code == m.code else x
                                                     for x in agenda.measures])

    return _change(ws, agenda_id, expected_version, "agenda.mark",
                   {"reason": why, "mark": {"measure": measure, "as": mark}}, change)


def import_agenda_bytes(ws, filename: str, data: bytes, *, replace: bool = False,  # noqa: ANN001
                        seen: tuple[str, int, int] | None = None,
                        max_rows: int | None = None) -> tuple[int, Agenda]:
    """Import an uploaded agenda workbook (long or wide allocation sheet); all or nothing.

    ``seen`` = ``(name, year, lock_version)`` of the version the user had open: when the
    workbook replaces that very version, a newer lock version raises :class:`Conflict`.
    Raises :class:`~wijkkompas.agenda.excel.WorkbookError` (every problem with sheet, row,
    column and value) or :class:`DataError`, :class:`~wijkkompas.errors.TooLarge` past
    ``max_rows`` rows on a sheet; nothing is stored then. ``filename`` only names the file
    in messages: the bytes are written to a fixed name in a private temporary folder."""
    import tempfile

    from wijkkompas.agenda.excel import read_workbook

    name = Path(filename or "agenda.xlsx").name
    if Path(name).suffix.lower() != ".xlsx":
        raise DataError("kies een Excel-werkmap (.xlsx)", file=name)
    if not data:
        raise DataError("het bestand is leeg", file=name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        agenda = read_workbook(path, max_rows=max_rows, name=name)
    expected = seen[2] if replace and seen and seen[:2] == (agenda.name, agenda.year) else None
    return save_agenda(ws, agenda, replace=replace, expected_version=expected), agenda


def list_agendas(ws) -> pd.DataFrame:  # noqa: ANN001
    """Stored agenda versions: id, name, year, framework, data fingerprint, created."""
    with Session(ws.engine) as session:
        rows = session.execute(select(
            AgendaRow.id, AgendaRow.name, AgendaRow.year, AgendaRow.framework,
            AgendaRow.framework_version, AgendaRow.data_fingerprint, AgendaRow.created_at,
            AgendaRow.created_by).order_by(AgendaRow.name, AgendaRow.year)).all()
    return pd.DataFrame(rows, columns=["id", "name", "year", "framework", "framework_version",
                                       "data_fingerprint", "created_at", "created_by"])


def load_agenda(ws, name: str | None = None, year: int | None = None, *,  # noqa: ANN001
                agenda_id: int | None = None) -> Agenda:
    """A stored agenda by id, or by name (and year; default the newest version)."""
    with Session(ws.engine) as session:
        if agenda_id is None:
            stmt = select(AgendaRow.id).order_by(AgendaRow.year.desc(), AgendaRow.id.desc())
            if name is not None:
                stmt = stmt.where(AgendaRow.name == name)
            if year is not None:
                stmt = stmt.where(AgendaRow.year == year)
            agenda_id = session.scalar(stmt.limit(1))
            if agenda_id is None:
                what = f"{name!r}" if name else "enkele"
                raise NotFound(f"geen agenda {what}{f' versie {year}' if year else ''} "
                               "opgeslagen")
        return read_agenda(session, agenda_id)


def resolve_agenda(ws, source: str | Path | None, *, demo: bool = False) -> Agenda:  # noqa: ANN001
    """An agenda from a file (.yaml/.xlsx), a stored ``name`` or ``name@year``, or the demo."""
    from wijkkompas.agenda.files import load_agenda_file

    if demo or source is None and ws is None:
        return demo_agenda()
    if source is None:
        return load_agenda(ws)
    path = Path(source)
    if path.suffix.lower() in (".yaml", ".yml", ".xlsx"):
        if not path.exists():
            raise NotFound(f"bestand {path} bestaat niet")
        return load_agenda_file(path)
    name, _, year = str(source).partition("@")
    return load_agenda(ws, name, int(year) if year else None)


def priorities_for(ws, framework: str | Path, *, year: int | None = None,  # noqa: ANN001
                   method: str = "tier+score", progress: Progress | None = None):  # noqa: ANN201
    """Score ``framework`` on the workspace; return (priorities per area/opgave, ScoreResult)."""
    from wijkkompas.agenda.optimise import area_priorities
    from wijkkompas.services.framework.scoring import score_workspace

    result = score_workspace(ws, framework, years=[year] if year else None, progress=progress)
    return area_priorities(result, method=method), result


def optimise_agenda(ws, agenda: Agenda, *, framework: str | Path | None = None,  # noqa: ANN001
                    year: int | None = None, previous: Agenda | None = None,
                    progress: Progress | None = None, **options: object) -> AllocationResult:
    """Score the framework (default: the agenda's), record its version and data fingerprint on
    the agenda, and optimise; with ``previous`` the re-allocation moves as little money as
    possible away from it."""
    import dataclasses

    from wijkkompas.agenda.optimise import optimise

    fw: Any = framework
    if not fw:
        if not agenda.framework:
            raise AgendaError("geen afwegingskader: geef er een op (bijv. enschede)")
        from wijkkompas.services.framework.versions import named_framework

        # the agenda's own framework came from a (possibly uploaded) file: a name, never a path
        fw = named_framework(ws, agenda.framework)
    priorities, scored = priorities_for(ws, fw, year=year, progress=progress)
    prov = scored.provenance()
    agenda = dataclasses.replace(agenda, framework=prov["framework"],
                                 framework_version=prov["framework_version"],
                                 data_fingerprint=prov["data_fingerprint"])
    if progress:
        progress(f"optimaliseren: {len(agenda.measures)} maatregelen, "
                 f"{len(agenda.streams)} geldstromen")
    return optimise(agenda, priorities,
                    previous=list(previous.allocations) if previous else None,
                    **options)  # type: ignore[arg-type]


def save_scenario(ws, agenda_id: int, scenario: Scenario) -> int:  # noqa: ANN001
    """Store a scenario on a stored agenda (needs ``edit`` on the agenda; audited)."""
    with Session(ws.engine) as session, session.begin():
        agenda = read_agenda(session, agenda_id)
        ws.require("edit", agenda_entity(agenda))
        row = scenario_to_row(agenda_id, scenario)
        session.add(row)
        session.flush()
        record(session.connection(), ws.settings.user, "agenda.scenario",
               ("scenario", f"{agenda.name}@{agenda.year}:{scenario.name}"), None,
               {"agenda": f"{agenda.name}@{agenda.year}", **row.settings,
                "description": scenario.description})
        return row.id


def scenarios(ws, agenda_id: int) -> list[Scenario]:  # noqa: ANN001
    with Session(ws.engine) as session:
        rows = session.scalars(select(ScenarioRow).where(ScenarioRow.agenda_id == agenda_id)
                               .order_by(ScenarioRow.id)).all()
        return [scenario_from_row(r) for r in rows]


def compare_scenarios(agenda: Agenda, priorities: pd.Series, options: Iterable[Scenario], **kw
                      ) -> pd.DataFrame:  # noqa: ANN003
    """Side by side: per scenario the value, funded measures and money per stream (cents)."""
    from wijkkompas.agenda.optimise import optimise

    cols = {}
    for sc in [Scenario("basis"), *options]:
        res = optimise(sc.apply(agenda), priorities, explain=False, **kw)
        col: dict[str, object] = {"status": res.status, "waarde": round(res.objective, 3)
                                  if res.feasible else None}
        funded = res.agenda.funded()
        col["maatregelen"] = sum(1 for v in funded.values() if v > 0)
        for s in agenda.streams:
            col[s.name] = sum(a.cents for a in res.agenda.allocations if a.stream == s.code)
        cols[sc.name] = col
    return pd.DataFrame(cols)
