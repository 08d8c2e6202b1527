"""Issue 5's "Done means", walked through on the demo data: a user sets a 2031 target for a set
of wijken (through the JSON API, as a logged-in editor would through the form), sees each
wijk's progress and forecast, sees whether the spread between wijken in a municipality grows,
compares a pilot with its comparison areas — and the CLI gives the same figures as the pages'
JSON twins."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

ZUID = ["WK059910", "WK059915", "WK059912"]


@pytest.fixture(scope="module")
def api(demo_ws: Workspace, demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.web import create_app

    add_user(demo_ws, "done-redacteur", "een-lang-genoeg-wachtwoord", role="editor")
    _, token = create_token(demo_ws, "done-redacteur", "done-means")
    app = create_app(load_settings({}, data_dir=str(tmp_path_factory.mktemp("app")),
                                   user="tester"), database_url=demo_url)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _cli(demo_url: str, *args: str) -> str:
    from wijkkompas.cli import app

    result = CliRunner().invoke(app, ["monitor", *args, "--db", demo_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_done_means_on_the_demo(api: TestClient, demo_url: str, tmp_path: Path) -> None:
    # 1. a 2031 target for a set of wijken
    r = api.post("/api/v1/monitor/doelen", json={
        "code": "done-2031", "naam": "Zuid groeit", "gebieden": ZUID, "meting": "indicator",
        "indicator": "a_inw", "richting": "higher_better", "soort": "change", "waarde": 7000,
        "basisjaar": 2016, "doeljaar": 2031, "tussendoelen": "2020=1500"})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1
    # 2. each wijk's progress and forecast
    page = api.get("/api/v1/monitor/doel/done-2031").json()
    rows = {row["code"]: row for row in page["rows"]}
    assert list(rows) == ZUID
    for row in rows.values():
        assert row["forecast"]["value"] is not None and row["status"] != "too_few_points"
        assert row["forecast_low"]["value"] <= row["forecast"]["value"] \
            <= row["forecast_high"]["value"]
    # ... and the CLI gives the same figures
    _cli(demo_url, "progress", "done-2031", "-o", str(tmp_path / "p.csv"))
    cli = pd.read_csv(tmp_path / "p.csv", comment="#").set_index("area_code")
    for code, row in rows.items():
        for col, key in (("baseline_value", "baseline"), ("current_value", "current"),
                         ("target_value", "target"), ("forecast", "forecast"),
                         ("forecast_low", "forecast_low"), ("forecast_high", "forecast_high")):
            assert cli.loc[code, col] == pytest.approx(row[key]["value"], rel=1e-5), (code, col)
        assert cli.loc[code, "status"] == row["status"]
    # 3. is the spread between the wijken of a municipality growing?
    gap = api.get("/api/v1/monitor/spreiding?indicator=a_inw&gemeente=GM0599").json()
    verdict = gap["verdicts"][0]
    assert verdict["verdict"] in {"growing", "shrinking", "stable"}  # 4 years: a real answer
    _cli(demo_url, "gap", "a_inw", "--municipality", "GM0599", "-o", str(tmp_path / "g.csv"))
    table = pd.read_csv(tmp_path / "g.csv", comment="#").set_index("year")
    for row in gap["rows"]:
        assert table.loc[row["year"], "gap"] == pytest.approx(row["gap"]["value"], rel=1e-5)
        assert table.loc[row["year"], "cv"] == pytest.approx(row["cv"]["value"], rel=1e-5)
        assert int(table.loc[row["year"], "harmonised"]) == row["harmonised"]
    # 4. a pilot against its comparison areas (its stored indicator by default)
    pilot = api.get("/api/v1/monitor/pilot/zuid-pilot").json()
    assert pilot["subject"] == "lbm_totaal" and pilot["matches"]
    _cli(demo_url, "pilot", "--code", "zuid-pilot", "-o", str(tmp_path / "pi.xlsx"))
    effect = pd.read_excel(tmp_path / "pi.xlsx", sheet_name="effect").iloc[0]
    assert effect["effect"] == pytest.approx(pilot["effect"]["value"], rel=1e-5)
    assert effect["low"] == pytest.approx(pilot["low"]["value"], rel=1e-5)
    assert effect["high"] == pytest.approx(pilot["high"]["value"], rel=1e-5)


def test_demo_targets_show_forecast_or_say_why_not(demo_ws: Workspace) -> None:
    from wijkkompas.services.monitor import usecases as svc

    wonen = svc.target_progress(demo_ws, "zuid-wonen-2031")
    assert wonen.table["forecast"].notna().all()
    checks = [wonen.details[a]["milestone_checks"][0] for a in ZUID]
    assert {c["basis"] for c in checks} == {"trend"}  # 2020: no measurement, the trend says
    lbm = svc.target_progress(demo_ws, "zuid-2031")
    assert (lbm.table["status"] == "too_few_points").all() and lbm.table["forecast"].isna().all()
