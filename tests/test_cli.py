"""The ``wijkkompas`` command line, run in-process with Typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from wijkkompas.cli import app
from wijkkompas.workspace import Workspace

KWB = FIXTURES / "kwb"


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIJKKOMPAS_USER", "cli-tester")
    monkeypatch.delenv("WIJKKOMPAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return runner.invoke(app, [*args, "--db", database_url])

    invoke.url = database_url  # type: ignore[attr-defined]
    return invoke


def _stderr(result) -> str:  # noqa: ANN001
    try:
        return result.stderr
    except ValueError:  # older click mixes the streams
        return result.output


def test_init(run) -> None:  # noqa: ANN001
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "Database klaar" in result.stdout
    ws = Workspace.open(run.url, create=False)
    try:
        assert "a_inw" in ws.indicators().index
    finally:
        ws.close()


def test_import_cbs_prints_the_report(run) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Import kwb2024_statline_excerpt.csv" in out
    assert "cbs / statline" in out
    assert "31 (" in out  # gebieden
    assert "248 nieuw, 0 gewijzigd, 0 ongewijzigd" in out
    assert "2024" in out
    ws = Workspace.open(run.url, create=False)
    try:
        assert ws.observations(areas=["GM0599"], indicators=["a_inw"])["value"].iloc[0] == 670610
        assert ws.import_runs()["user"].iloc[0] == "cli-tester"
    finally:
        ws.close()
    again = run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv"))
    assert again.exit_code == 0
    assert "al eerder geïmporteerd" in again.stdout


def test_import_cbs_with_year(run) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(KWB / "ikgeo_rotterdam_excerpt.json"), "--year", "2017")
    assert result.exit_code == 0, result.output
    assert "2017" in result.stdout
    assert "let op:" in result.stdout  # the misspelt key in the source is reported


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("gwb_code_10;a_inw\nGM0106;veel\n", "rij 2, kolom 'a_inw', waarde 'veel'"),
        ("", "het bestand is leeg"),
    ],
)
def test_bad_file_prints_one_line_and_exits_1(run, tmp_path: Path, content: str,  # noqa: ANN001
                                              expected: str) -> None:
    path = tmp_path / "kwb_2024_fout.csv"
    path.write_text(content, encoding="utf-8")
    result = run("import", "cbs", str(path))
    assert result.exit_code == 1
    err = _stderr(result).strip()
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("…")]
    assert len(lines) == 1, err
    assert lines[0].startswith("fout:")
    assert "kwb_2024_fout.csv" in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output


def test_missing_file(run, tmp_path: Path) -> None:  # noqa: ANN001
    result = run("import", "cbs", str(tmp_path / "nergens_2024.csv"))
    assert result.exit_code == 1
    assert _stderr(result).strip().startswith("fout:")


def test_areas_of_a_municipality(run) -> None:  # noqa: ANN001
    assert run("import", "cbs", str(KWB / "kwb2024_statline_excerpt.csv")).exit_code == 0
    result = run("areas", "--gemeente", "GM0106")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Assen" in out and "Centrum" in out and "Brinkkwartier" in out
    assert "GM0599" not in out and "Rotterdam" not in out
    # The excerpt holds GM0106, WK010600 and WK010601 and their 19 buurten.
    assert out.strip().splitlines()[-1] == "22 gebieden"
    gm_line = next(line for line in out.splitlines() if "GM0106" in line)
    assert "gemeente" in gm_line and "2024" in gm_line
    bu_line = next(line for line in out.splitlines() if "BU01060000" in line)
    assert "buurt" in bu_line and "WK010600" in bu_line


def test_indicators(run) -> None:  # noqa: ANN001
    result = run("indicators")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "a_inw" in out and "Aantal inwoners" in out
    assert "hoger slechter" in out and "neutraal" in out
    thema = run("indicators", "--thema", "wonen")
    assert thema.exit_code == 0
    assert "g_woz" in thema.stdout and "a_inw" not in thema.stdout
