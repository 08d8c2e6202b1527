"""Every wired write path leaves an audit entry with before and after, in the same transaction."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from wijkkompas.audit import entries, record
from wijkkompas.cli import app
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace


def test_target_add_and_edit(target_ws: Workspace) -> None:
    svc.edit_target(target_ws, "zuid-2031", {"value": 0.05}, reason="nieuwe coalitie",
                    expected_version=1)
    log = entries(target_ws, entity="target:zuid-2031")
    assert [e.action for e in log] == ["target.add", "target.edit"]
    assert log[0].before is None and log[0].after["version"] == 1
    assert log[1].before["value"] == 0.0 and log[1].after["value"] == 0.05
    assert log[1].after["reason"] == "nieuwe coalitie"
    assert log[1].actor == "tester"


def test_failed_change_leaves_no_entry(target_ws: Workspace) -> None:
    from wijkkompas.errors import Conflict

    with pytest.raises(Conflict):
        svc.edit_target(target_ws, "zuid-2031", {"value": 0.1}, expected_version=7)
    assert [e.action for e in entries(target_ws, entity="target")] == ["target.add"]


def test_record_rolls_back_with_the_transaction(workspace: Workspace) -> None:
    with pytest.raises(RuntimeError), workspace.engine.begin() as conn:
        record(conn, "x", "test", ("thing", 1), None, {"a": 1})
        raise RuntimeError("rollback")
    assert entries(workspace) == []


def test_import_is_audited(workspace: Workspace) -> None:
    report = workspace.import_cbs(FIXTURES / "kwb" / "kwb2024_statline_excerpt.csv")
    log = entries(workspace, entity="import_run")
    assert len(log) == 1
    assert log[0].after["inserted"] == report.inserted == 248
    assert log[0].after["file"] == "kwb2024_statline_excerpt.csv"


def test_framework_version_is_audited(workspace: Workspace) -> None:
    from wijkkompas.framework.presets import preset_path
    from wijkkompas.framework.schema import load_framework
    from wijkkompas.services.framework.versions import save_version

    fw = load_framework(preset_path("enschede"))
    first = save_version(workspace, "enschede", fw, user="femke", note="eerste")
    save_version(workspace, "enschede", fw, user="femke", note="tweede")
    log = entries(workspace, entity="framework_version")
    assert [e.actor for e in log] == ["femke", "femke"]
    assert log[0].before is None and log[0].after["version"] == first.version
    assert log[1].before == {"version": first.version}
    assert log[1].framework_version == str(first.version + 1)
    assert log[1].after["fingerprint"] == fw.model_copy(
        update={"version": first.version + 1}).fingerprint()


def test_agenda_save_and_replace(workspace: Workspace) -> None:
    from tests.agenda.test_store import _planned
    from wijkkompas.services.agenda.usecases import save_agenda

    planned = _planned()
    planned.framework_version, planned.data_fingerprint = "3", "abc123"
    save_agenda(workspace, planned)
    planned.notes = "herzien"
    planned.allocations = []
    save_agenda(workspace, planned, replace=True)
    log = entries(workspace, entity="agenda")
    assert [e.action for e in log] == ["agenda.save", "agenda.replace"]
    assert log[1].before["lock_version"] == 1 and log[1].after["lock_version"] == 2
    assert log[1].before["funded_cents"] != log[1].after["funded_cents"]
    assert (log[1].framework_version, log[1].data_fingerprint) == ("3", "abc123")


def test_accounts_and_tokens_are_audited(workspace: Workspace) -> None:
    from wijkkompas.services.accounts.tokens import create_token, revoke_token, verify_token
    from wijkkompas.services.accounts.users import add_user, set_role

    add_user(workspace, "femke", "lang-genoeg-wachtwoord", role="editor",
             scopes=["area:WK001401"])
    set_role(workspace, "femke", "viewer")
    info, plain = create_token(workspace, "femke", "nachtelijke import")
    assert verify_token(workspace, plain).name == "femke"
    revoke_token(workspace, info.id)
    assert verify_token(workspace, plain) is None
    assert verify_token(workspace, plain + "x") is None
    log = entries(workspace)
    assert [e.action for e in log] == ["user.add", "user.role", "token.create", "token.revoke"]
    assert log[1].before["role"] == "editor" and log[1].after["role"] == "viewer"
    assert log[1].after["scopes"] == ["area:WK001401"]
    assert plain not in json.dumps([e.to_dict() for e in log])  # never the secret


def test_partner_and_core_team_decision(workspace: Workspace) -> None:
    from tests.governance.conftest import add_areas
    from wijkkompas.partners import service as ps

    add_areas(workspace, [("WK001401", "Selwerd", "district")])
    ps.add_partner(workspace, "WIJ-team", "zorg en welzijn")
    ps.set_team(workspace, "WK001401", name="Kernteam Selwerd", mandate="sociale projecten",
                budget_cents=50_000_00)
    ps.log_decision(workspace, "WK001401", "Buurtinitiatief speeltuin", cents=12_500_00)
    team = ps.team(workspace, "WK001401")
    assert team["budget_left_cents"] == 37_500_00
    log = entries(workspace, entity="core_team:WK001401")
    assert [e.action for e in log] == ["team.add", "team.decision"]
    assert log[1].after["summary"] == "Buurtinitiatief speeltuin"
    assert log[1].after["cents"] == 12_500_00


def test_export_and_cli(target_ws: Workspace, database_url: str, tmp_path: Path) -> None:
    svc.edit_target(target_ws, "zuid-2031", {"value": 0.05})
    runner = CliRunner()
    out = tmp_path / "audit.csv"
    res = runner.invoke(app, ["audit", "--entity", "target", "--since", "2000-01-01",
                              "-o", str(out), "--db", database_url])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["action"] for r in rows] == ["target.add", "target.edit"]
    assert json.loads(rows[1]["after"])["value"] == 0.05
    res = runner.invoke(app, ["audit", "-o", str(tmp_path / "a.json"), "--db", database_url])
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == 1 and len(doc["entries"]) == 2
    res = runner.invoke(app, ["audit", "--since", "2999-01-01", "--db", database_url])
    assert "Geen wijzigingen" in res.stdout
