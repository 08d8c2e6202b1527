"""Stored rounds: import, export, proposals and ballots, with roles, audit and locking; the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from tests.budgeting.test_pabulib import SMALL
from wijkkompas.audit import entries
from wijkkompas.budgeting.pabulib import read_pb
from wijkkompas.cli import app
from wijkkompas.errors import ConfigError, Conflict, DataError, Forbidden
from wijkkompas.services.budgeting.rounds import (
    add_proposal,
    export_round,
    import_ballots,
    import_round,
    load,
)
from wijkkompas.workspace import Workspace


def _as(ws: Workspace, role: str, scopes: list[str] | None = None) -> Workspace:
    return ws.as_user(SimpleNamespace(name=f"{role}-x", role=role, scopes=scopes or [],
                                      active=True))


def test_import_export_round_trip(workspace: Workspace) -> None:
    info = import_round(workspace, SMALL.encode(), file="klein.pb", area_code="BU01060101",
                        example=True)
    row, rnd, props = load(workspace, info["id"])
    assert row["example"] and row["area_code"] == "BU01060101" and row["budget_cents"] == 100_050
    assert [p["status"] for p in props] == ["toegelaten", "toegelaten"]
    again = read_pb(export_round(workspace, info["id"]))
    assert again.budget == rnd.budget and again.ballots == rnd.ballots
    assert [p.cost for p in again.projects] == [p.cost for p in rnd.projects]
    assert any(e.action == "budget.import" for e in entries(workspace))


def test_a_bad_file_stores_nothing(workspace: Workspace) -> None:
    with pytest.raises(DataError):
        import_round(workspace, SMALL.replace("1;a,b", "1;a,q").encode(), file="fout.pb")
    with workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from budget_rounds").scalar() == 0


def test_proposals_roles_and_locking(workspace: Workspace) -> None:
    rid = import_round(workspace, SMALL.encode(), file="k.pb", area_code="BU01060101")["id"]
    with pytest.raises(Forbidden):
        add_proposal(_as(workspace, "viewer"), rid, code="c", name="x", cost="10")
    with pytest.raises(Forbidden):
        add_proposal(_as(workspace, "editor", ["area:BU01060102"]), rid, code="c", name="x",
                     cost="10")
    version = add_proposal(_as(workspace, "editor", ["area:BU01060101"]), rid, code="c",
                           name="Bloembakken", cost="250,50", theme="groen",
                           proposer="bewoner", expected_version=1)
    assert version == 2
    with pytest.raises(Conflict):
        add_proposal(workspace, rid, code="d", name="y", cost="5", expected_version=1)
    add_proposal(workspace, rid, code="d", name="y", cost="5", status="afgewezen",
                 reason="geen gemeentegrond", expected_version=2)
    _row, rnd, props = load(workspace, rid)
    assert [p.id for p in rnd.projects] == ["a", "b"]  # ingediend / afgewezen do not run
    assert {p["code"]: p["cost_cents"] for p in props}["c"] == 25_050


def test_ballots_from_csv_and_excel(workspace: Workspace, tmp_path: Path) -> None:
    rid = import_round(workspace, SMALL.encode(), file="k.pb")["id"]
    assert import_ballots(workspace, rid, b"voter_id;vote\nv1;a\nv2;a,b\nv3;b\n",
                          file="stemmen.csv") == 3
    assert load(workspace, rid)[1].votes() == {"a": 2, "b": 2}
    book = Workbook()
    sheet = book.active
    sheet.append(["voter_id", "vote"])
    sheet.append([1, "b"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    assert import_ballots(workspace, rid, path.read_bytes(), file="s.xlsx") == 1
    with pytest.raises(DataError, match="onbekend project") as info:
        import_ballots(workspace, rid, b"voter_id;vote\nv1;a\nv2;zz\n", file="stemmen.csv")
    assert info.value.row == 3
    assert load(workspace, rid)[1].votes() == {"a": 0, "b": 1}  # unchanged
    with pytest.raises(Forbidden):
        import_ballots(_as(workspace, "viewer"), rid, b"voter_id;vote\n", file="s.csv")


def test_cli_run_json(shared_data: Path) -> None:
    path = shared_data / "pabulib" / "Netherlands_Assen_2024.pb"
    result = CliRunner().invoke(app, ["pb", "run", str(path), "--rule", "greedy", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    rnd = read_pb(path.read_bytes())
    cost = {p.id: p.cost for p in rnd.projects}
    assert out["rule"] == "greedy" and set(out) == {"rule", "selected", "cost"}
    assert out["cost"] * 100 == sum(cost[p] for p in out["selected"]) <= rnd.budget
    table = CliRunner().invoke(app, ["pb", "run", str(path), "--rule", "equal-shares"])
    assert "budget per kiezer" in " ".join(table.output.split())


def test_cli_import_and_export(database_url: str, tmp_path: Path, shared_data: Path) -> None:
    path = shared_data / "pabulib" / "Netherlands_Amsterdam_304.pb"
    runner = CliRunner()
    result = runner.invoke(app, ["pb", "import", str(path), "--db", database_url])
    assert result.exit_code == 0 and "29 voorstellen, 624 stembiljetten" in result.output
    out = tmp_path / "terug.pb"
    result = runner.invoke(app, ["pb", "export", "1", "--db", database_url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = read_pb(out.read_bytes())
    assert again.ballots == read_pb(path.read_bytes()).ballots
    bad = runner.invoke(app, ["pb", "run", str(path), "--rule", "borda"])
    assert bad.exit_code == 1


def test_a_winning_proposal_becomes_an_agenda_measure(workspace: Workspace) -> None:
    from tests.agenda.factories import agenda, measure, stream
    from wijkkompas.services.agenda.usecases import load_agenda, save_agenda
    from wijkkompas.services.budgeting.agenda_link import promote

    aid = save_agenda(workspace, agenda([measure("M1", {2025: 100})], [stream("s", {2025: 500})]))
    rid = import_round(workspace, SMALL.encode(), file="k.pb", area_code="w1")["id"]
    # € 1.000,50 over three ballots (€ 333,50 each): a's two supporters pay € 500, b's one
    # supporter cannot pay € 400,25
    import_ballots(workspace, rid, b"voter_id;vote\n1;a\n2;a\n3;b\n", file="s.csv")
    with pytest.raises(ConfigError, match="niet gekozen"):
        promote(workspace, rid, "b", agenda_id=aid, year=2025)
    with pytest.raises(ConfigError, match="bestaat niet"):
        promote(workspace, rid, "zz", agenda_id=aid, year=2025)
    code = promote(workspace, rid, "a", agenda_id=aid, year=2025)
    saved = load_agenda(workspace, agenda_id=aid)
    m = saved.measure(code)
    assert m.costs == {2025: 50_000} and m.streams == (f"buurtbudget-{rid}",)
    assert saved.stream(f"buurtbudget-{rid}").amounts == {2025: 100_050}
    with pytest.raises(ConfigError, match="al in de agenda"):
        promote(workspace, rid, "a", agenda_id=aid, year=2025)
