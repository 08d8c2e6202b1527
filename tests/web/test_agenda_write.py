"""Writing the investeringsagenda from the web: saving an optimised allocation as a version,
manual overrides with a reason, marking measures, importing a workbook — with roles, CSRF,
optimistic locking (409 listing what changed) and the audit trail. Own demo database (writes
must not disturb the read-only page tests)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import fresh_database_url
from tests.web.forms import csrf_token as _token
from tests.web.forms import hidden_fields as _form
from tests.web.forms import log_in
from wijkkompas.audit import entries
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

PASSWORD = "een-lang-wachtwoord"
EDITOR, VIEWER, OTHER = "redacteur-agenda", "lezer-agenda", "collega-agenda"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.services.data.demo import build_demo
    from wijkkompas.web import create_app

    with fresh_database_url(tmp_path_factory.mktemp("agendawrite"), "aw") as url:
        settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("awdata")),
                                 user="tester")
        ws = Workspace.open(url, settings=settings)
        try:
            build_demo(ws)
            add_user(ws, EDITOR, PASSWORD, role="editor")
            add_user(ws, OTHER, PASSWORD, role="editor")
            add_user(ws, VIEWER, PASSWORD, role="viewer")
        finally:
            ws.close()
        application = create_app(settings, database_url=url)
        yield application
        application.state.ctx.ws.close()






def _login(c: TestClient, name: str) -> None:
    log_in(c, name, PASSWORD)


def _result(c: TestClient, agenda_id: int | None = None) -> str:
    query = f"?agenda={agenda_id}" if agenda_id else ""
    r = c.get(f"/agenda/optimalisatie/resultaat{query}", headers={"HX-Request": "true"})
    assert r.status_code == 200
    return r.text


def _ws(app) -> Workspace:  # noqa: ANN001
    return app.state.ctx.ws


def _newest(app):  # noqa: ANN001, ANN202
    from wijkkompas.services.agenda import usecases as service

    stored = service.list_agendas(_ws(app)).sort_values(["year", "id"])
    agenda_id = int(stored["id"].iloc[-1])
    return (agenda_id, *service.agenda_version(_ws(app), agenda_id))


def _state(app) -> tuple:  # noqa: ANN001
    """Everything a refused write must leave alone: versions, locks, allocations, audit."""
    from wijkkompas.services.agenda import usecases as service

    stored = service.list_agendas(_ws(app))
    versions = []
    for agenda_id in sorted(stored["id"]):
        agenda, lock = service.agenda_version(_ws(app), int(agenda_id))
        versions.append((int(agenda_id), agenda.year, lock, agenda))
    return versions, len(entries(_ws(app), entity="agenda"))


def test_anonymous_sees_no_forms_and_gets_401(app) -> None:  # noqa: ANN001
    before = _state(app)
    with TestClient(app) as c:
        html = _result(c)
        assert 'action="/agenda/optimalisatie/opslaan"' not in html
        assert "om deze toewijzing als agendaversie op te slaan" in html
        page = c.get("/agenda").text
        assert 'action="/agenda/import"' not in page and "/agenda/sjabloon.xlsx" in page
        agenda_id, _agenda, lock = _newest(app)
        fields = {"agenda": str(agenda_id), "versie": str(lock)}
        assert c.post("/agenda/optimalisatie/opslaan", data=fields).status_code == 403  # no CSRF
        token = _token(c.get("/inloggen").text)
        r = c.post("/agenda/optimalisatie/opslaan", data={**fields, "csrf_token": token})
        assert r.status_code == 401
        r = c.post("/api/v1/agenda/vastleggen", json={**fields, "reden": "x"},
                   headers={"X-CSRF-Token": token})
        assert r.status_code == 401 and r.json()["error"]["type"] == "Unauthenticated"
    assert _state(app) == before


def test_viewer_gets_403_and_nothing_changes(app) -> None:  # noqa: ANN001
    before = _state(app)
    agenda_id, agenda, lock = _newest(app)
    with TestClient(app) as c:
        _login(c, VIEWER)
        html = _result(c)
        assert 'action="/agenda/optimalisatie/opslaan"' not in html
        assert "Uw rol of bereik mag deze agenda niet wijzigen" in html
        token = _token(html if "csrf_token" in html else c.get("/agenda").text)
        base = {"csrf_token": token, "agenda": str(agenda_id), "versie": str(lock)}
        assert c.post("/agenda/optimalisatie/opslaan", data=base).status_code == 403
        r = c.post("/agenda/markeren", data={**base, "maatregel": agenda.measures[0].code,
                                             "markering": "uitgesloten", "reden": "test"})
        assert r.status_code == 403
        data = c.get("/agenda/export.xlsx").content
        r = c.post("/agenda/import", data={**base, "vervang": "ja"},
                   files={"bestand": ("agenda.xlsx", data)})
        assert r.status_code == 403
    assert _state(app) == before


def test_editor_saves_the_optimised_allocation(app) -> None:  # noqa: ANN001
    from wijkkompas.services.agenda import usecases as service

    agenda_id, agenda, lock = _newest(app)
    with TestClient(app) as c:
        _login(c, EDITOR)
        expected = c.get(f"/api/v1/agenda/optimalisatie?agenda={agenda_id}").json()
        html = _result(c, agenda_id)
        fields = _form(html, "/agenda/optimalisatie/opslaan")
        assert fields["versie"] == str(lock) and fields["agenda"] == str(agenda_id)
        year = int(re.search(r'name="jaar" value="(\d+)"', html).group(1))
        assert year == agenda.year + 1
        r = c.post("/agenda/optimalisatie/opslaan", data={**fields, "vervang": "", "jaar": year},
                   follow_redirects=False)
        assert r.status_code == 303, r.text[:500]
        new_id = int(re.search(r"agenda=(\d+)", r.headers["location"]).group(1))
        assert "Opgeslagen: agendaversie" in c.get(r.headers["location"]).text
    saved, new_lock = service.agenda_version(_ws(app), new_id)
    assert (saved.name, saved.year, new_lock) == (agenda.name, year, 1)
    funded = saved.funded()
    assert {m["code"]: m["funded_cents"] for m in expected["measures"]} == {
        code: funded.get(code, 0) for code in (m["code"] for m in expected["measures"])}
    assert all(isinstance(a.cents, int) for a in saved.allocations)
    last = entries(_ws(app), entity=f"agenda:{agenda.name}@{year}")[-1]
    assert (last.action, last.actor, last.after["lock_version"]) == ("agenda.save", EDITOR, 1)
    # the source version is untouched
    assert service.agenda_version(_ws(app), agenda_id)[1] == lock
    # replacing the version itself raises its lock version
    with TestClient(app) as c:
        _login(c, EDITOR)
        fields = _form(_result(c, new_id), "/agenda/optimalisatie/opslaan")
        r = c.post("/agenda/optimalisatie/opslaan", data={**fields, "vervang": "ja"},
                   follow_redirects=False)
        assert r.status_code == 303
    assert service.agenda_version(_ws(app), new_id)[1] == 2
    last = entries(_ws(app), entity=f"agenda:{agenda.name}@{year}")[-1]
    assert (last.action, last.actor, last.before["lock_version"]) == ("agenda.replace", EDITOR, 1)


def test_stale_versie_gives_409_listing_the_change(app) -> None:  # noqa: ANN001
    from wijkkompas.services.agenda import usecases as service

    agenda_id, agenda, lock = _newest(app)
    measure = next(m for m in agenda.measures if not m.committed and not m.excluded)
    with TestClient(app) as mine, TestClient(app) as theirs:
        _login(mine, EDITOR)
        _login(theirs, OTHER)
        seen = _form(_result(mine, agenda_id), "/agenda/optimalisatie/opslaan")
        page = theirs.get(f"/agenda/optimalisatie?agenda={agenda_id}").text
        other = _form(page, "/agenda/markeren")
        r = theirs.post("/agenda/markeren", data={**other, "maatregel": measure.code,
                                                   "markering": "uitgesloten",
                                                   "reden": "raadsbesluit 12 maart"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert service.agenda_version(_ws(app), agenda_id)[1] == lock + 1
        before = _state(app)
        r = mine.post("/agenda/optimalisatie/opslaan", data={**seen, "vervang": "ja"})
        assert r.status_code == 409
        assert "Wat er intussen veranderde" in r.text
        assert "excluded" in r.text and measure.code in r.text and OTHER in r.text
        api = mine.post("/api/v1/agenda/opslaan", json={**seen, "vervang": True},
                        headers={"X-CSRF-Token": seen["csrf_token"]})
        assert api.status_code == 409
        details = api.json()["error"]["details"]
        assert details["current_version"] == lock + 1 and details["your_version"] == lock
        assert any(ch["field"] == "excluded" and ch["actor"] == OTHER
                   for ch in details["changes"])
    assert _state(app) == before
    stored = service.agenda_version(_ws(app), agenda_id)[0]
    assert stored.measure(measure.code).excluded
    log = entries(_ws(app), entity=f"agenda:{agenda.name}@{agenda.year}")[-1]
    assert (log.action, log.actor, log.after["reason"]) == ("agenda.mark", OTHER,
                                                            "raadsbesluit 12 maart")


def test_manual_allocation_is_kept_with_who_and_why(app) -> None:  # noqa: ANN001
    from wijkkompas.services.agenda import usecases as service

    agenda_id, agenda, lock = _newest(app)
    funded = next(a for a in agenda.allocations if a.cents >= 100 and not a.manual)
    amount = funded.cents - 50  # a little less than the optimum: others must fill the gap
    euros_text = f"{amount // 100:,}".replace(",", ".") + f",{amount % 100:02d}"
    with TestClient(app) as c:
        _login(c, EDITOR)
        fields = _form(c.get(f"/agenda/optimalisatie?agenda={agenda_id}").text,
                       "/agenda/vastleggen")
        base = {**fields, "geldstroom": funded.stream, "maatregel": funded.measure,
                "jaar": str(funded.year), "bedrag": euros_text}
        before = _state(app)
        r = c.post("/agenda/vastleggen", data={**base, "reden": "  "})
        assert r.status_code == 422 and "reden ontbreekt" in r.text
        assert _state(app) == before
        r = c.post("/agenda/vastleggen", data={**base, "reden": "prestatieafspraak"},
                   follow_redirects=False)
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        assert "Handmatig vastgelegde toewijzingen" in page and "prestatieafspraak" in page
        stored, new_lock = service.agenda_version(_ws(app), agenda_id)
        assert new_lock == lock + 1
        fixed = [a for a in stored.allocations if a.manual]
        assert [(a.stream, a.measure, a.year, a.cents, a.reason, a.by) for a in fixed] == [
            (funded.stream, funded.measure, funded.year, amount, "prestatieafspraak", EDITOR)]
        log = entries(_ws(app), entity=f"agenda:{agenda.name}@{agenda.year}")[-1]
        assert (log.action, log.actor, log.after["reason"]) == ("agenda.fix", EDITOR,
                                                                "prestatieafspraak")
        assert log.after["allocation"]["cents"] == amount
        # the optimiser keeps it exactly when the result is saved
        seen = _form(_result(c, agenda_id), "/agenda/optimalisatie/opslaan")
        r = c.post("/agenda/optimalisatie/opslaan", data={**seen, "vervang": "ja"},
                   follow_redirects=False)
        assert r.status_code == 303
    stored = service.agenda_version(_ws(app), agenda_id)[0]
    kept = [a for a in stored.allocations if a.manual]
    assert [(a.stream, a.measure, a.year, a.cents, a.by) for a in kept] == [
        (funded.stream, funded.measure, funded.year, amount, EDITOR)]


def test_upload_of_a_bad_workbook_is_located_and_changes_nothing(app) -> None:  # noqa: ANN001
    with TestClient(app) as c:
        _login(c, EDITOR)
        page = c.get("/agenda").text
        fields = _form(page, "/agenda/import")
        wb = load_workbook(io.BytesIO(c.get("/agenda/export.xlsx").content))
        wb["Kosten"]["C3"] = "veel"
        wb["Maatregelen"]["E2"] = "klaar"
        buf = io.BytesIO()
        wb.save(buf)
        before = _state(app)
        r = c.post("/agenda/import", data={**fields, "vervang": "ja"},
                   files={"bestand": ("mijn-agenda.xlsx", buf.getvalue())})
        assert r.status_code == 422
        assert "Er is niets ingelezen: 2 fout(en)" in r.text
        rows = re.findall(r"<tr><td>mijn-agenda.xlsx</td><td>(\w+)</td><td class=\"num\">(\d+)"
                          r"</td><td>(\w+)</td><td>(\w+)</td>", r.text)
        assert ("Kosten", "3", "bedrag", "veel") in rows
        assert ("Maatregelen", "2", "status", "klaar") in rows
        api = c.post("/api/v1/agenda/import", data={"vervang": "ja"},
                     files={"bestand": ("mijn-agenda.xlsx", buf.getvalue())},
                     headers={"X-CSRF-Token": fields["csrf_token"]})
        assert api.status_code == 422
        problems = api.json()["error"]["details"]["problems"]
        assert {"file": "mijn-agenda.xlsx", "sheet": "Kosten", "row": 3, "column": "bedrag",
                "value": "veel", "message": "geen bedrag"} in problems
        r = c.post("/agenda/import", data=fields,
                   files={"bestand": ("notities.txt", b"geen werkmap")})
        assert r.status_code == 422 and "kies een Excel-werkmap" in r.text
    assert _state(app) == before


def test_upload_of_a_wide_workbook_adds_a_version(app) -> None:  # noqa: ANN001
    """The wide allocation sheet alone is enough; every cent comes back."""
    from wijkkompas.services.agenda import usecases as service

    agenda_id, agenda, _lock = _newest(app)
    with TestClient(app) as c:
        _login(c, EDITOR)
        fields = _form(c.get("/agenda").text, "/agenda/import")
        wb = load_workbook(io.BytesIO(c.get(f"/agenda/export.xlsx?agenda={agenda_id}").content))
        del wb["Toewijzingen"]
        info = wb["Agenda"]
        row = next(r for r in info.iter_rows(min_row=2) if r[0].value == "versiejaar")
        row[1].value = 2040
        buf = io.BytesIO()
        wb.save(buf)
        r = c.post("/api/v1/agenda/import", files={"bestand": ("agenda.xlsx", buf.getvalue())},
                   headers={"X-CSRF-Token": fields["csrf_token"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["year"] == 2040 and body["lock_version"] == 1
    stored = service.agenda_version(_ws(app), body["agenda_id"])[0]
    cells = {(a.stream, a.measure, a.year): a.cents for a in agenda.allocations if a.cents}
    assert {(a.stream, a.measure, a.year): a.cents for a in stored.allocations} == cells
    log = entries(_ws(app), entity=f"agenda:{agenda.name}@2040")
    assert [(e.action, e.actor) for e in log] == [("agenda.save", EDITOR)]


def test_template_download_and_api_token(app) -> None:  # noqa: ANN001
    from wijkkompas.agenda.excel import SHEETS, WIDE_SHEET
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.agenda import usecases as service

    with TestClient(app) as c:
        r = c.get("/agenda/sjabloon.xlsx")
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(r.content))
        assert set(SHEETS) | {WIDE_SHEET} <= set(wb.sheetnames)
        assert wb["Maatregelen"].max_row == 1  # headers only
        agenda_id, agenda, lock = _newest(app)
        _info, plain = create_token(_ws(app), EDITOR, "test")
        measure = agenda.measures[-1].code
        r = c.post("/api/v1/agenda/markeren", json={
            "agenda": agenda_id, "versie": lock, "maatregel": measure, "markering": "verplicht",
            "reden": "coalitieakkoord"}, headers={"Authorization": f"Bearer {plain}"})
        assert r.status_code == 200, r.text
        assert r.json()["lock_version"] == lock + 1
    stored = service.agenda_version(_ws(app), agenda_id)[0]
    assert stored.measure(measure).must_do
