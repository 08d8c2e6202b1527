"""No lost updates: a stale save gets Conflict; on PostgreSQL 20 concurrent writers on one record
all land (every increment counted)."""

from __future__ import annotations

import threading
import traceback

import pytest

from tests.conftest import PG_URL
from wijkkompas.audit import entries
from wijkkompas.errors import Conflict
from wijkkompas.services.monitor import usecases as svc
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
    from wijkkompas.services.agenda.usecases import agenda_lock_version, load_agenda, save_agenda

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
    from wijkkompas.services.agenda.usecases import agenda_lock_version, load_agenda, save_agenda

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


# --- 50 writers on three records at once (PostgreSQL) ----------------------------------------

MANY = 50
ENGINES = 10  # writers share a workspace five at a time, like five threads per web worker
PARTNER = "Woonstad"


def _partner_now(ws: Workspace) -> tuple[int, int]:
    """(lock version, counter in the notes) of the partner, read as one consistent pair."""
    from sqlalchemy import text

    with ws.engine.connect() as conn:
        version, notes = conn.execute(text("SELECT lock_version, notes FROM partners "
                                           "WHERE name = :n"), {"n": PARTNER}).one()
    return int(version), int(notes or 0)


def _save_target(ws: Workspace) -> None:
    version = int(svc.target_history(ws, "zuid-2031")["version"].max())
    current = svc.get_target(ws, "zuid-2031", version=version)
    svc.edit_target(ws, "zuid-2031", {"value": current.value + 1}, expected_version=version)


def _save_partner(ws: Workspace) -> None:
    from wijkkompas.partners.service import edit_partner

    version, counter = _partner_now(ws)
    edit_partner(ws, PARTNER, notes=str(counter + 1), expected_version=version)


def _save_agenda(ws: Workspace) -> None:
    from wijkkompas.services.agenda.usecases import agenda_lock_version, load_agenda, save_agenda

    name = _agenda_name[0]
    version = agenda_lock_version(ws, name, 2025)  # first the version, then the content:
    agenda = load_agenda(ws, name)  # content newer than the version only makes it conflict
    agenda.notes = str(int(agenda.notes or 0) + 1)
    save_agenda(ws, agenda, replace=True, expected_version=version)


_agenda_name: list[str] = []
SAVES = {"target": _save_target, "partner": _save_partner, "agenda": _save_agenda}


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="concurrent writers need PostgreSQL")
def test_fifty_writers_on_three_records_lose_nothing(target_ws: Workspace, database_url: str,
                                                     settings) -> None:  # noqa: ANN001
    """50 threads each add one to a target, a partner and an agenda (in a rotating order),
    reloading and retrying after each Conflict: every counter ends at 50 (no lost update),
    every save has its own audit entry and version."""
    import time
    from collections import Counter

    from tests.agenda.test_store import _planned
    from wijkkompas.partners.service import add_partner
    from wijkkompas.services.agenda.usecases import agenda_lock_version, load_agenda, save_agenda

    add_partner(target_ws, PARTNER, "woningcorporatie", notes="0")
    planned = _planned()
    planned.notes = "0"
    save_agenda(target_ws, planned)
    _agenda_name[:] = [planned.name]
    workspaces = [Workspace.open(database_url, create=False, settings=settings)
                  for _ in range(ENGINES)]
    conflicts: Counter = Counter()  # each one is followed by a retry (reload and save again)
    done: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(MANY)

    def writer(i: int) -> None:
        ws = workspaces[i % ENGINES]
        order = list(SAVES)[i % 3:] + list(SAVES)[:i % 3]
        try:
            start.wait()
            for kind in order:
                while True:
                    try:
                        SAVES[kind](ws)
                        break
                    except Conflict:
                        with lock:
                            conflicts[kind] += 1
                with lock:
                    done[kind] += 1
        except BaseException:  # noqa: BLE001
            errors.append(traceback.format_exc())

    began = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(MANY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    seconds = time.perf_counter() - began
    for ws in workspaces:
        ws.close()
    assert not errors, "\n".join(errors[:3])
    assert done == Counter({kind: MANY for kind in SAVES})
    # zero lost updates: every counter counts every writer
    assert svc.get_target(target_ws, "zuid-2031").value == MANY
    assert _partner_now(target_ws)[1] == MANY
    assert load_agenda(target_ws, planned.name).notes == str(MANY)
    # every success has its own audit entry (plus the creation) and its own version
    assert len(entries(target_ws, entity="target:zuid-2031")) == MANY + 1
    assert len(entries(target_ws, entity=f"partner:{PARTNER}")) == MANY + 1
    assert len(entries(target_ws, entity=f"agenda:{planned.name}@2025")) == MANY + 1
    assert _partner_now(target_ws)[0] == MANY + 1
    assert agenda_lock_version(target_ws, planned.name, 2025) == MANY + 1
    assert sum(conflicts.values()) > 0  # they really wrote at the same time
    print(f"\n{MANY} writers x 3 records on PostgreSQL ({ENGINES} engines): {seconds:.1f} s, "
          f"conflicts retried {dict(conflicts)} (total {sum(conflicts.values())}), "
          f"0 lost updates, {3 * MANY} audit entries")


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="concurrent writers need PostgreSQL")
def test_fifty_api_clients_lose_no_update(workspace: Workspace, database_url: str,
                                          settings) -> None:  # noqa: ANN001
    """The same through the JSON API: 50 threads with API tokens read the partner
    (GET /api/v1/partners/{naam}), post notes + 1 with the version they read, and on 409
    read again and retry. The counter ends at 50; every save has its audit entry."""
    import time
    from collections import Counter

    from fastapi.testclient import TestClient

    from wijkkompas.partners.service import add_partner
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.web import create_app

    add_partner(workspace, PARTNER, "woningcorporatie", notes="0")
    tokens = []
    for i in range(5):  # five automation accounts, ten clients each
        add_user(workspace, f"robot{i}", "een-lang-genoeg-wachtwoord", role="editor")
        tokens.append(create_token(workspace, f"robot{i}", "locking")[1])
    app = create_app(settings, database_url=database_url)
    url = f"/api/v1/partners/{PARTNER}"
    statuses: Counter = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(MANY)

    def client(i: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"}
        try:
            with TestClient(app, raise_server_exceptions=False) as c:
                start.wait()
                while True:
                    got = c.get(url, headers=headers)
                    assert got.status_code == 200, got.text
                    seen = got.json()
                    r = c.post(url, headers=headers, json={
                        "notities": str(int(seen["notes"]) + 1),
                        "versie": seen["lock_version"]})
                    with lock:
                        statuses[r.status_code] += 1
                    if r.status_code != 409:
                        assert r.status_code == 200, r.text
                        return
                    assert "intussen gewijzigd" in r.json()["error"]["message"]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(MANY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    seconds = time.perf_counter() - began
    assert not errors, errors[:3]
    assert statuses[200] == MANY
    assert _partner_now(workspace) == (MANY + 1, MANY)
    saves = [e for e in entries(workspace, entity=f"partner:{PARTNER}")
             if e.action == "partner.edit"]
    assert len(saves) == MANY
    assert {e.actor for e in saves} == {f"robot{i}" for i in range(5)}
    print(f"\n{MANY} API clients (tokens, one app) on one partner: {seconds:.1f} s, "
          f"{statuses[409]} conflicts (409) retried, 0 lost updates")
