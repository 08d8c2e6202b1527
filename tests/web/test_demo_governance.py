"""The demo has partners, seats derived from the demo agenda, and a core team with a budget."""

from __future__ import annotations

from wijkkompas.partners import service as ps
from wijkkompas.services.agenda import usecases as agenda_service


def test_seats_follow_the_demo_agenda(app) -> None:  # noqa: ANN001
    ws = app.state.ctx.ws
    seats = ps.seats(ws)
    agenda = agenda_service.demo_agenda()
    m02 = next(m for m in agenda.measures if m.code == "M02")  # Wijkaanpak Twekkelerveld
    mine = seats[(seats["area_code"] == "WK015303") & (seats["opgave"] == "urgentie")]
    roles = dict(zip(mine["partner"], mine["role"], strict=True))
    assert roles[m02.lead] == "trekker"
    assert all(roles[p] in ("partner", "trekker") for p in m02.partners)
    # every measure's lead sits as trekker at each of its tables
    for m in agenda.measures:
        for area in m.areas:
            for opgave in m.effects:
                row = seats[(seats["partner"] == m.lead) & (seats["area_code"] == area)
                            & (seats["opgave"] == opgave)]
                assert list(row["role"]) == ["trekker"], (m.code, area, opgave)


def test_core_team_and_balance_warning_on_the_pages(client) -> None:  # noqa: ANN001
    team = client.get("/api/v1/kernteams/WK015303").json()
    assert team["name"] == "Kernteam Twekkelerveld"
    page = client.get("/kernteams/WK015303").text
    assert "€ 94.500" in page  # 120,000 budget minus decisions of 4,500 and 21,000
    overview = client.get("/partners").text
    assert "Gemeente Enschede zit aan 15 tafels (drempel 8)" in overview
