"""Agenda versions in the database (SQLite and PostgreSQL) and the CLI round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from wijkkompas.agenda.model import AgendaError, Allocation, Scenario
from wijkkompas.agenda.optimise import optimise
from wijkkompas.cli import app
from wijkkompas.services.agenda.usecases import (
    demo_agenda,
    list_agendas,
    load_agenda,
    save_agenda,
    save_scenario,
    scenarios,
)
from wijkkompas.workspace import Workspace


def _planned():  # noqa: ANN202
    ag = demo_agenda()
    ag.allocations = [Allocation("corporatie", "M03", 2026, 99_999_999_99, manual=True,
                                 reason="test: groot bedrag", by="tester")]
    ag.streams[3].amounts[2026] = 100_000_000_00  # EUR 100 million: needs BIGINT
    pri = {(a, o): 2.0 for m in ag.measures for a in m.areas for o in ("urgentie", "potentie")}
    return optimise(ag, pri, explain=False).agenda


def test_store_round_trip(workspace: Workspace) -> None:
    planned = _planned()
    new_id = save_agenda(workspace, planned)
    assert load_agenda(workspace, agenda_id=new_id) == planned
    assert load_agenda(workspace, planned.name) == planned
    frame = list_agendas(workspace)
    assert list(frame["year"]) == [2025]
    with workspace.engine.connect() as conn:
        total = conn.execute(text("SELECT SUM(cents) FROM allocations")).scalar_one()
    assert int(total) == sum(a.cents for a in planned.allocations)


def test_versions_and_replace(workspace: Workspace) -> None:
    planned = _planned()
    save_agenda(workspace, planned)
    with pytest.raises(AgendaError, match="bestaat al"):
        save_agenda(workspace, planned)
    planned.notes = "herzien"
    save_agenda(workspace, planned, replace=True)
    assert load_agenda(workspace, planned.name, 2025).notes == "herzien"
    with workspace.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM agendas")).scalar_one() == 1
        n_measures = conn.execute(text("SELECT COUNT(*) FROM measures")).scalar_one()
    assert n_measures == len(planned.measures)


def test_scenarios_are_stored(workspace: Workspace) -> None:
    from decimal import Decimal

    new_id = save_agenda(workspace, _planned())
    sc = Scenario("krap", "halve VHF", budget_factors={"vhf": Decimal("0.5")},
                  must_do=("M03",), max_area_share=Decimal("0.3"))
    save_scenario(workspace, new_id, sc)
    assert scenarios(workspace, new_id) == [sc]


def test_cli_export_import_diff(database_url: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    out = tmp_path / "agenda.xlsx"
    res = runner.invoke(app, ["agenda", "export", str(out), "--demo"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["agenda", "import", str(out), "--db", database_url])
    assert res.exit_code == 0, res.output
    assert "16 maatregelen, 4 geldstromen" in res.output
    yaml_out = tmp_path / "agenda.yaml"
    res = runner.invoke(app, ["agenda", "export", str(yaml_out),
                              "Investeringsagenda Enschede (demo)@2025", "--db", database_url])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["agenda", "diff", str(out), str(yaml_out)])
    assert res.exit_code == 0, res.output
    assert "Geen verschillen" in res.output
    res = runner.invoke(app, ["agenda", "import", str(out), "--db", database_url])
    assert res.exit_code == 1 and "bestaat al" in res.output
