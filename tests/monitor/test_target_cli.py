"""``wijkkompas monitor target-add``: without ``--name`` the target gets a derived Dutch name;
without another required option the command refuses in one line and stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.governance.conftest import add_areas
from wijkkompas.cli import app
from wijkkompas.monitor.targets import TargetError
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace

BASE = ["--indicator", "lbm_totaal", "--kind", "absolute", "--value", "0.1",
        "--baseline", "2012", "--year", "2031"]


@pytest.fixture
def run(workspace: Workspace, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    add_areas(workspace)
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIJKKOMPAS_USER", "cli-tester")
    monkeypatch.delenv("WIJKKOMPAS_DATABASE_URL", raising=False)
    for name in ("WIJKKOMPAS_ALS", "WIJKKOMPAS_WACHTWOORD", "WIJKKOMPAS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return runner.invoke(app, ["monitor", *args, "--db", database_url])

    return invoke


def _codes(ws: Workspace) -> list[str]:
    return list(svc.list_targets(ws)["code"])


def test_target_add_without_name_derives_one(run, workspace: Workspace) -> None:  # noqa: ANN001
    result = run("target-add", "zuid-2031", "--areas", "WK059910,WK059915", *BASE)
    assert result.exit_code == 0, result.output
    assert "Doel zuid-2031 versie 1" in result.output
    target = svc.get_target(workspace, "zuid-2031")
    assert target.name == "Doel 2031: Leefbaarometer totaalscore in WK059910 en WK059915"
    # an explicit name still wins
    result = run("target-add", "feijenoord", "--areas", "WK059910", "--name", "Feijenoord leefbaar",
                 *BASE)
    assert result.exit_code == 0, result.output
    assert svc.get_target(workspace, "feijenoord").name == "Feijenoord leefbaar"


@pytest.mark.parametrize(("drop", "message"), [
    ("--areas", "areas: kies minstens één gebied"),
    ("--kind", "kind: kies de soort doel"),
    ("--baseline", "baseline_year: geef het basisjaar op"),
    ("--year", "target_year: geef het doeljaar op"),
])
def test_target_add_without_a_required_option_refuses_clearly(
        run, workspace: Workspace, drop: str, message: str) -> None:  # noqa: ANN001
    args = ["--areas", "WK059910", *BASE]
    i = args.index(drop)
    del args[i:i + 2]
    result = run("target-add", "onvolledig", *args)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "onvolledig" not in _codes(workspace)


def test_default_name_for_an_opgave_and_many_areas() -> None:
    assert svc.default_target_name("score", "sociaal", ["wk059910", "WK059915", "WK059912",
                                                        "WK059903"], 2031) == (
        "Doel 2031: opgave sociaal in WK059910, WK059915 en 2 andere gebieden")
    assert svc.default_target_name("indicator", "eigen_code", ["GM0599"], 2030) == (
        "Doel 2030: eigen_code in GM0599")
    target = svc.make_target(code="x", areas=["WK059910"], measure="score", subject="sociaal",
                             framework="rotterdam", kind="absolute", value=100.0,
                             baseline_year=2021, target_year=2031, name="  ")
    assert target.name == "Doel 2031: opgave sociaal in WK059910"
    with pytest.raises(TargetError, match="^subject: "):
        svc.make_target(code="x", areas=["WK059910"], kind="absolute", value=1.0,
                        baseline_year=2021, target_year=2031)
