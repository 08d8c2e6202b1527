"""Partners, seats, commitments and balance warnings (journey 3, Groningen)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.governance.conftest import add_areas
from wijkkompas.cli import app
from wijkkompas.errors import ConfigError, Conflict, NotFound
from wijkkompas.partners import service as ps
from wijkkompas.partners.balance import Thresholds, balance_warnings, warnings_for
from wijkkompas.workspace import Workspace

TODAY = date(2026, 6, 1)
GRONINGEN = [("WK001401", "Selwerd", "district"),
             *((f"BU0014010{i}", f"buurt {i}", "neighbourhood") for i in range(4))]


def _groningen(ws: Workspace) -> None:
    add_areas(ws, GRONINGEN)
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
    add_areas(workspace, GRONINGEN)
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
    ws = Workspace.open(database_url)
    try:
        add_areas(ws, [(f"BU0{i}", f"buurt {i}", "neighbourhood") for i in range(3)])
    finally:
        ws.close()
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


def test_unknown_area_and_bad_opgave_are_refused(workspace: Workspace) -> None:
    add_areas(workspace, GRONINGEN)
    ps.add_partner(workspace, "Lefier", "woningcorporatie")
    with pytest.raises(NotFound, match="gebied 'WK999999' bestaat niet"):
        ps.involve(workspace, "Lefier", "WK999999", "wonen", "partner")
    for bad in ("Wonen", "1wonen", "wonen en zorg", "", "wonen!"):
        with pytest.raises(ConfigError, match="geen opgavecode"):
            ps.involve(workspace, "Lefier", "WK001401", bad, "partner")
    # Matched case-insensitively, stored with the canonical code.
    ps.involve(workspace, "Lefier", "wk001401", "wonen_2", "trekker")
    assert ps.seats(workspace)[["area_code", "opgave"]].values.tolist() == [
        ["WK001401", "wonen_2"]]
    assert len(ps.overview(workspace, area="wk001401")) == 1
    ps.withdraw(workspace, "Lefier", "wk001401", "wonen_2")
    assert ps.seats(workspace).empty
    for write in (lambda a: ps.set_team(workspace, a, name="x"),
                  lambda a: ps.add_member(workspace, a, "Femke"),
                  lambda a: ps.log_decision(workspace, a, "speeltuin"),
                  lambda a: ps.add_commitment(workspace, "Lefier", "inzet",
                                              starts=TODAY, area=a)):
        with pytest.raises(NotFound, match="WK999999"):
            write("WK999999")
    assert ps.set_team(workspace, "wk001401", name="Kernteam Selwerd") == 1
    ps.add_member(workspace, "Wk001401", "Femke")
    ps.log_decision(workspace, "wk001401", "bankjes")
    assert ps.team(workspace, "wk001401")["area_code"] == "WK001401"
    assert list(ps.list_teams(workspace)["area_code"]) == ["WK001401"]
    cid = ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY, area="bu00140101",
                            opgave="zorg")
    assert ps.commitments(workspace, area="BU00140101")["id"].tolist() == [cid]
    assert ps.commitments(workspace).loc[0, "area_code"] == "BU00140101"
    with pytest.raises(ConfigError, match="geen opgavecode"):
        ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY, opgave="Zorg")


def test_streams_and_measures_are_checked_against_the_agenda(workspace: Workspace) -> None:
    from wijkkompas.services.agenda.usecases import demo_agenda, save_agenda

    add_areas(workspace, GRONINGEN)
    ps.add_partner(workspace, "Lefier", "woningcorporatie")
    # No agenda yet: nothing to check against, any code is accepted.
    ps.set_team(workspace, "WK001401", funding_stream="wijkbudget")
    ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY, measure="M99",
                      funding_stream="wijkbudget")
    agenda = demo_agenda()
    save_agenda(workspace, agenda)
    streams = sorted(s.code for s in agenda.streams)
    measures = sorted(m.code for m in agenda.measures)
    with pytest.raises(ConfigError, match=f"geldstroom 'wijkbudget'.*{', '.join(streams)}"):
        ps.set_team(workspace, "WK001401", funding_stream="wijkbudget")
    with pytest.raises(ConfigError, match=f"maatregel 'M99'.*{', '.join(measures)}"):
        ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY, measure="M99")
    with pytest.raises(ConfigError, match="geldstroom 'wijkbudget'"):
        ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY,
                          funding_stream="wijkbudget")
    assert len(ps.commitments(workspace)) == 1
    ps.set_team(workspace, "WK001401", funding_stream=streams[0])
    ps.add_commitment(workspace, "Lefier", "inzet", starts=TODAY, measure=measures[0],
                      funding_stream=streams[0])
    assert ps.team(workspace, "WK001401")["funding_stream"] == streams[0]


def test_over_budget_message_in_euros(workspace: Workspace) -> None:
    add_areas(workspace, GRONINGEN)
    ps.set_team(workspace, "WK001401", budget_cents=120_000_00)
    ps.log_decision(workspace, "WK001401", "speeltuin", cents=25_500_00)
    with pytest.raises(ConfigError) as caught:
        ps.log_decision(workspace, "WK001401", "sporthal", cents=100_000_00)
    assert str(caught.value) == (
        "besluit past niet in het budget van kernteam WK001401: al besloten € 25.500, "
        "dit besluit € 100.000, budget € 120.000")


def test_cli_withdraw_commitments_and_teams(database_url: str) -> None:
    ws = Workspace.open(database_url)
    try:
        add_areas(ws, GRONINGEN)
    finally:
        ws.close()
    runner = CliRunner(env={"COLUMNS": "200"})

    def run(*args: str, code: int = 0):  # noqa: ANN202
        res = runner.invoke(app, [*args, "--db", database_url])
        assert res.exit_code == code, res.output
        return res

    run("partner", "add", "Lefier", "--type", "woningcorporatie")
    out = run("partner", "seat", "Lefier", "wk001401", "wonen", "--role", "geinformeerd").stdout
    assert "Lefier: geïnformeerd bij wonen in WK001401." in out
    assert "WK999999" in run("partner", "seat", "Lefier", "WK999999", "wonen", code=1).output
    assert "geen opgavecode" in run("partner", "seat", "Lefier", "WK001401", "Wonen",
                                    code=1).output
    assert "WK001401" in run("partner", "list", "--area", "wk001401").stdout
    assert "Lefier zit niet meer aan tafel wonen in WK001401." in run(
        "partner", "withdraw", "Lefier", "--area", "wk001401", "--opgave", "wonen").stdout
    assert "Nog geen partners aan tafel" in run("partner", "list").stdout
    assert "zit niet aan tafel" in run("partner", "withdraw", "Lefier", "--area", "WK001401",
                                       "--opgave", "wonen", code=1).output
    # Commitments with their ids, so a successor can name the one it continues.
    run("partner", "commit", "Lefier", "renovatie", "--from", "2022-01-01", "--until",
        "2026-12-31", "--area", "bu00140100", "--euros", "1500")
    listed = run("partner", "commitments", "--area", "BU00140100").stdout
    assert "renovatie" in listed and "€ 1.500" in listed and "BU00140100" in listed
    assert "31-12-2026" in listed
    (first,) = json.loads(run("partner", "commitments", "--partner", "Lefier", "--json").stdout)
    assert first["area_code"] == "BU00140100" and first["ends"] == "2026-12-31"
    run("partner", "commit", "Lefier", "vervolg", "--from", "2027-01-01",
        "--succeeds", str(first["id"]))
    rows = json.loads(run("partner", "commitments", "--json").stdout)
    assert [(r["what"], r["successor_id"]) for r in rows] == [("renovatie", rows[1]["id"]),
                                                              ("vervolg", None)]
    assert json.loads(run("partner", "commitments", "--partner", "Niemand", "--json").stdout) \
        == []
    # Core teams: list and show.
    assert "Nog geen kernteams" in run("team", "list").stdout
    run("team", "set", "wk001401", "--name", "Kernteam Selwerd", "--budget", "120000")
    run("team", "member", "WK001401", "Femke", "--role", "gebiedsmanager")
    run("team", "decide", "WK001401", "speeltuin", "--euros", "25500")
    refused = run("team", "decide", "WK001401", "sporthal", "--euros", "100000", code=1)
    assert "al besloten € 25.500" in refused.output and " ct" not in refused.output
    listed = run("team", "list").stdout
    assert "Kernteam Selwerd" in listed and "€ 120.000" in listed
    assert json.loads(run("team", "list", "--json").stdout) == [
        {"area_code": "WK001401", "name": "Kernteam Selwerd", "budget_cents": 120_000_00,
         "funding_stream": None, "members": 1}]
    shown = run("team", "show", "wk001401").stdout
    assert "Femke" in shown and "speeltuin" in shown and "over: € 94.500" in shown
    doc = json.loads(run("team", "show", "WK001401", "--json").stdout)
    assert doc["budget_left_cents"] == 94_500_00 and doc["members"][0]["name"] == "Femke"
    assert "geen kernteam" in run("team", "show", "BU00140100", code=1).output
