"""Agenda use cases: load and save versions, optimise with a framework's priorities, compare
scenarios. The CLI (and later the web pages) call these; they never touch the tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wijkkompas.agenda.model import Agenda, AgendaError, Scenario
from wijkkompas.agenda.result import AllocationResult
from wijkkompas.agenda.store import (
    AgendaRow,
    ScenarioRow,
    read_agenda,
    scenario_from_row,
    scenario_to_row,
    write_agenda,
)
from wijkkompas.errors import Conflict, NotFound

Progress = Callable[[str], None]


def demo_agenda() -> Agenda:
    """The bundled Enschede demo agenda (16 measures, 4 streams, 2025-2034)."""
    from wijkkompas.agenda.files import demo_agenda_path, load_agenda_file

    return load_agenda_file(demo_agenda_path())


def agenda_summary(agenda: Agenda) -> dict[str, object]:
    """What the audit trail keeps of an agenda version: provenance and money per measure."""
    return {"name": agenda.name, "year": agenda.year, "framework": agenda.framework,
            "framework_version": agenda.framework_version,
            "data_fingerprint": agenda.data_fingerprint,
            "measures": sorted(m.code for m in agenda.measures),
            "funded_cents": {k: int(v) for k, v in sorted(agenda.funded().items())}}


def agenda_lock_version(ws, name: str, year: int) -> int | None:  # noqa: ANN001
    """The lock version of a stored agenda version (what an editor saw), or ``None``."""
    with Session(ws.engine) as session:
        return session.scalar(select(AgendaRow.lock_version).where(
            AgendaRow.name == name, AgendaRow.year == year))


def save_agenda(ws, agenda: Agenda, *, replace: bool = False,  # noqa: ANN001
                expected_version: int | None = None) -> int:
    """Store ``agenda`` as version (name, year); ``replace`` overwrites that version.
    Returns the new id. One transaction: a failure stores nothing.

    ``expected_version`` (the lock version the editor loaded, see :func:`agenda_lock_version`)
    guards against lost updates: if someone saved the agenda meanwhile, :class:`Conflict` is
    raised. Every save is recorded in the audit trail with the old and new summary.
    """
    agenda.validate()
    try:
        return _save_agenda(ws, agenda, replace=replace, expected_version=expected_version)
    except IntegrityError:  # a concurrent first save of the same (name, year)
        raise Conflict(f"agenda {agenda.name!r} versie {agenda.year} werd tegelijk door een "
                       "ander opgeslagen; laad haar opnieuw") from None


def _save_agenda(ws, agenda: Agenda, *, replace: bool, expected_version: int | None) -> int:  # noqa: ANN001
    from wijkkompas.audit import record

    with Session(ws.engine) as session, session.begin():
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
            if expected_version is not None and expected_version != found.lock_version:
                raise Conflict(f"agenda {agenda.name!r} versie {agenda.year} is intussen "
                               f"opgeslagen door een ander (versie {found.lock_version}, u had "
                               f"versie {expected_version}); laad haar opnieuw")
            before = {"lock_version": found.lock_version,
                      **agenda_summary(read_agenda(session, found.id))}
            lock = found.lock_version + 1
            session.execute(delete(AgendaRow).where(AgendaRow.id == found.id))
        row = write_agenda(session, agenda, user=ws.settings.user)
        if lock != 1:
            session.execute(update(AgendaRow.__table__).where(
                AgendaRow.__table__.c.id == row.id).values(lock_version=lock))
        record(session.connection(), ws.settings.user,
               "agenda.replace" if before else "agenda.save",
               ("agenda", f"{agenda.name}@{agenda.year}"), before,
               {"lock_version": lock, **agenda_summary(agenda)},
               framework_version=agenda.framework_version or None,
               data_fingerprint=agenda.data_fingerprint or None)
        return row.id


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
    from wijkkompas.services.scoring import score_workspace

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

    fw = framework or agenda.framework
    if not fw:
        raise AgendaError("geen afwegingskader: geef er een op (bijv. enschede)")
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
    with Session(ws.engine) as session, session.begin():
        row = scenario_to_row(agenda_id, scenario)
        session.add(row)
        session.flush()
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
