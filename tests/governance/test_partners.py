"""Partners, seats, commitments and balance warnings (journey 3, Groningen)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from typer.testing import CliRunner

from wijkkompas.cli import app
from wijkkompas.errors import ConfigError, Conflict
from wijkkompas.partners import service as ps
from wijkkompas.partners.balance import Thresholds, balance_warnings, warnings_for
from wijkkompas.workspace import Workspace

TODAY = date(2026, 6, 1)


def _groningen(ws: Workspace) -> None:
    ps.add_partner(ws, "WIJ-team", "zorg en welzijn")
    ps.add_partner(ws, "Lefier", "woningcorporatie")
    ps.add_partner(ws, "Politie Noord-Nederland", "politie")
    # WIJ-team at eleven tables: 4 buurten × 3 opgaven, minus one.
    tables = [(a, o) for a in ("BU00140100", "BU00140101", "BU00140102", "BU00140103")
              for o in ("wonen", "zorg", "veiligheid")][:11]
    for area, opgave in tables:
        ps.involve(ws, "WIJ-team", area, opgave, "partner")
    ps.involve(ws, "Lefier", "BU00140100", "wonen", "trekker")
    ps.involve(ws, "Politie Noord-Nederland", "BU00140100", "veiligheid", "trekker")
    # in priority buurt BU00140100 the opgave "zorg" has no lead


def test_journey_three_warnings(workspace: Workspace) -> None:
    _groningen(workspace)
    found = warnings_for(workspace, priority_areas=["BU00140100"], today=TODAY)
    kinds = {(w.kind, w.subject): w for w in found}
    assert kinds[("partner_tables", "WIJ-team")].count == 11
    assert "WIJ-team zit aan 11 tafels" in kinds[("partner_tables", "WIJ-team")].message
    assert [w.subject for w in found if w.kind == "no_lead"] == ["BU00140100/zorg"]
    assert not [w for w in found if w.kind == "table_seats"]
    overview = ps.overview(workspace, partner="WIJ-team")
    assert len(overview) == 11
    assert set(ps.overview(workspace, area="BU00140100")["partner"]) == {
        "WIJ-team", "Lefier", "Politie Noord-Nederland"}


def test_thresholds_are_configurable() -> None:
    seats = pd.DataFrame({"partner": [f"p{i}" for i in range(4)], "area_code": "A",
                          "opgave": "wonen", "role": ["trekker", "partner", "partner",
                                                      "betrokken"]})
    assert balance_warnings(seats) == []
    found = balance_warnings(seats, thresholds=Thresholds(max_seats_per_table=3),
                             priority_areas=["A", "B"], opgaven={"B": ["zorg"]})
    assert [(w.kind, w.subject, w.count) for w in found] == [
        ("table_seats", "A/wonen", 4), ("no_lead", "B/zorg", None)]


def test_commitments_ending_without_successor(workspace: Workspace) -> None:
    ps.add_partner(workspace, "Lefier", "woningcorporatie")
    old = ps.add_commitment(workspace, "Lefier", "200 woningen renoveren",
                            starts=date(2022, 1, 1), ends=date(2026, 12, 31),
                            measure="M03", funding_stream="corporatie", cents=4_000_000_00)
    ps.add_commitment(workspace, "Lefier", "onderhoud speelplaatsen", starts=date(2023, 1, 1),
                      ends=date(2027, 3, 1))
    ps.add_commitment(workspace, "Lefier", "buurtconciërge", starts=date(2023, 1, 1),
                      ends=date(2030, 1, 1))
    ending = [w for w in warnings_for(workspace, today=TODAY) if w.kind == "commitment_ending"]
    assert len(ending) == 2 and "31-12-2026" in ending[0].message
    ps.add_commitment(workspace, "Lefier", "nog 150 woningen", starts=date(2027, 1, 1),
                      ends=date(2031, 1, 1), succeeds=old)
    ending = [w for w in warnings_for(workspace, today=TODAY) if w.kind == "commitment_ending"]
    assert [w.message.split(" (")[1].split(")")[0] for w in ending] == [
        "onderhoud speelplaatsen"]


def test_partner_and_team_locking(workspace: Workspace) -> None:
    ps.add_partner(workspace, "Lefier", "woningcorporatie")
    assert ps.edit_partner(workspace, "Lefier", notes="a", expected_version=1) == 2
    with pytest.raises(Conflict, match="intussen gewijzigd"):
        ps.edit_partner(workspace, "Lefier", notes="b", expected_version=1)
    assert ps.set_team(workspace, "WK001401", budget_cents=100) == 1
    assert ps.set_team(workspace, "WK001401", mandate="m", expected_version=1) == 2
    with pytest.raises(Conflict):
        ps.set_team(workspace, "WK001401", mandate="n", expected_version=1)
    with pytest.raises(ConfigError, match="past niet in het budget"):
        ps.log_decision(workspace, "WK001401", "te duur", cents=101)
    with pytest.raises(ConfigError, match="soort partner"):
        ps.add_partner(workspace, "X", "sekte")


def test_cli(database_url: str) -> None:
    runner = CliRunner()

    def run(*args: str):  # noqa: ANN202
        res = runner.invoke(app, [*args, "--db", database_url])
        assert res.exit_code == 0, res.output
        return res

    run("partner", "add", "WIJ-team", "--type", "zorg_welzijn")
    for i in range(3):
        run("partner", "seat", "WIJ-team", f"BU0{i}", "zorg")
    assert "BU01" in run("partner", "list", "--partner", "WIJ-team").stdout
    out = run("partner", "warnings", "--max-tables", "2", "--priority", "BU00", "--json").stdout
    assert {w["kind"] for w in json.loads(out)} == {"partner_tables", "no_lead"}
    run("team", "set", "BU00", "--name", "Kernteam", "--budget", "1000")
    run("team", "member", "BU00", "Femke", "--role", "gebiedsmanager")
    assert "750" in run("team", "decide", "BU00", "Initiatief", "--euros", "250").stdout
    run("partner", "commit", "WIJ-team", "inzet", "--from", "2026-01-01", "--until", "2026-12-31")
