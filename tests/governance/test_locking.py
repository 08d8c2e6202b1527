"""No lost updates: a stale save gets Conflict; on PostgreSQL 20 concurrent writers on one record
all land (every increment counted)."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import PG_URL
from wijkkompas.audit import entries
from wijkkompas.errors import Conflict
from wijkkompas.services import monitor as svc
from wijkkompas.workspace import Workspace

WRITERS = 20


def test_second_target_edit_conflicts(target_ws: Workspace) -> None:
    seen_by_a = seen_by_b = 1  # both editors loaded version 1
    svc.edit_target(target_ws, "zuid-2031", {"value": 0.1}, expected_version=seen_by_a)
    with pytest.raises(Conflict, match="versie 2, u had versie 1"):
        svc.edit_target(target_ws, "zuid-2031", {"value": 0.2}, expected_version=seen_by_b)
    assert svc.get_target(target_ws, "zuid-2031").value == 0.1


def test_second_agenda_save_conflicts(workspace: Workspace) -> None:
    from tests.agenda.test_store import _planned
    from wijkkompas.services.agenda import agenda_lock_version, load_agenda, save_agenda

    planned = _planned()
    save_agenda(workspace, planned)
    seen = agenda_lock_version(workspace, planned.name, planned.year)
    assert seen == 1
    planned.notes = "editor A"
    save_agenda(workspace, planned, replace=True, expected_version=seen)
    planned.notes = "editor B"
    with pytest.raises(Conflict, match="opgeslagen door een ander"):
        save_agenda(workspace, planned, replace=True, expected_version=seen)
    assert load_agenda(workspace, planned.name).notes == "editor A"
    assert agenda_lock_version(workspace, planned.name, planned.year) == 2
    planned.notes = "editor B, herladen"
    save_agenda(workspace, planned, replace=True, expected_version=2)
    assert agenda_lock_version(workspace, planned.name, planned.year) == 3


def _increment_until_saved(ws: Workspace, conflicts: list[int]) -> None:
    while True:
        # what an editor sees: one version and its definition (read as a consistent pair)
        version = int(svc.target_history(ws, "zuid-2031")["version"].max())
        current = svc.get_target(ws, "zuid-2031", version=version)
        try:
            svc.edit_target(ws, "zuid-2031", {"value": current.value + 1},
                            expected_version=version)
            return
        except Conflict:
            conflicts.append(1)


@pytest.mark.skipif(not PG_URL, reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_lose_no_update(target_ws: Workspace, database_url: str,
                                           settings) -> None:  # noqa: ANN001
    # Each writer is its own workspace (engine and pool), like separate web workers.
    conflicts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer() -> None:
        ws = Workspace.open(database_url, create=False, settings=settings)
        try:
            start.wait()
            _increment_until_saved(ws, conflicts)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            ws.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    final = svc.get_target(target_ws, "zuid-2031")
    assert final.value == WRITERS  # every increment landed
    history = svc.target_history(target_ws, "zuid-2031")
    assert list(history["version"]) == list(range(1, WRITERS + 2))
    assert len(entries(target_ws, entity="target:zuid-2031")) == WRITERS + 1
    print(f"{WRITERS} writers, {len(conflicts)} conflicts retried, 0 lost updates")


@pytest.mark.skipif(not PG_URL, reason="concurrent writers need PostgreSQL")
def test_concurrent_agenda_saves_one_wins(workspace: Workspace, database_url: str,
                                          settings) -> None:  # noqa: ANN001
    from tests.agenda.test_store import _planned
    from wijkkompas.services.agenda import agenda_lock_version, load_agenda, save_agenda

    planned = _planned()
    save_agenda(workspace, planned)
    outcomes: list[str] = []
    start = threading.Barrier(5)

    def editor(i: int) -> None:
        ws = Workspace.open(database_url, create=False, settings=settings)
        try:
            mine = _planned()
            mine.notes = f"editor {i}"
            start.wait()
            save_agenda(ws, mine, replace=True, expected_version=1)
            outcomes.append(mine.notes)
        except Conflict:
            outcomes.append("conflict")
        finally:
            ws.close()

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    winners = [o for o in outcomes if o != "conflict"]
    assert len(outcomes) == 5 and len(winners) == 1
    assert load_agenda(workspace, planned.name).notes == winners[0]
    assert agenda_lock_version(workspace, planned.name, planned.year) == 2
