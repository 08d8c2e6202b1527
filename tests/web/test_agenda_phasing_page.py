"""The agenda pages show a measure's chosen start and its window, and why a start moved."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import delete
from sqlalchemy.orm import Session

from wijkkompas.agenda.store import AgendaRow


def test_agenda_and_optimisation_pages_show_start_and_window(client, app) -> None:  # noqa: ANN001
    from wijkkompas.services.agenda import usecases as service

    demo = service.demo_agenda()
    m = next(m for m in demo.measures if not m.committed and m.start_year + 2 <= demo.horizon_end
             and m.end_year + 2 <= demo.horizon_end)
    moved = dataclasses.replace(m, earliest_start=m.start_year, latest_start=m.start_year + 2,
                                must_do=True)
    # an older version year than the demo's, so it is never the default agenda of other tests
    ag = dataclasses.replace(demo, name="Fasering (test)", year=demo.year - 1,
                             measures=[moved if x.code == m.code else x for x in demo.measures])
    ws = app.state.ctx.ws
    agenda_id = service.save_agenda(ws, ag)
    try:
        page = client.get(f"/agenda?agenda={agenda_id}")
        assert page.status_code == 200
        assert f"start {m.start_year}, venster {m.start_year}–{m.start_year + 2}" in page.text
        data = client.get(f"/api/v1/agenda?agenda={agenda_id}").json()
        row = next(r for r in data["measures"] if r["code"] == m.code)
        assert row["start_window"] == f"start {m.start_year}, venster {m.start_year}–{m.start_year + 2}"
        opt = client.get(f"/api/v1/agenda/optimalisatie?agenda={agenda_id}").json()
        assert opt["gap"].endswith("%")
        shown = next(r for r in opt["measures"] if r["code"] == m.code)
        assert shown["funded_cents"] == shown["cost_cents"] and "venster" in shown["start"]
        html = client.get(f"/agenda/optimalisatie/resultaat?agenda={agenda_id}",
                          headers={"HX-Request": "true"}).text
        assert f"hoogstens {opt['gap']}" in html and not re.search(r"\bnan\b", html)
        assert shown["start"] in html
    finally:
        with Session(ws.engine) as session, session.begin():
            session.execute(delete(AgendaRow).where(AgendaRow.id == agenda_id))
