"""``wijkkompas frameworks / score / explain`` in-process, on the demo database (built once for
the module on the test database) and on a plain wide CSV without any database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from tests.framework.test_presets import demo_database
from wijkkompas.cli import app


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from demo_database(tmp_path_factory)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("WIJKKOMPAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIJKKOMPAS_USER", "cli-tester")
    monkeypatch.delenv("WIJKKOMPAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return runner.invoke(app, list(args))

    return invoke


def _stderr(result) -> str:  # noqa: ANN001
    try:
        return result.stderr
    except ValueError:  # older click mixes the streams
        return result.output


def test_frameworks_lists_the_presets(cli) -> None:  # noqa: ANN001
    result = cli("frameworks")
    assert result.exit_code == 0, result.output
    for name in ("assen", "enschede", "groningen", "rotterdam"):
        assert name in result.stdout
    assert "Wijkprofiel Rotterdam" in result.stdout


def test_score_preset_on_the_demo(cli, demo_url: str) -> None:  # noqa: ANN001
    result = cli("score", "enschede", "--db", demo_url)
    assert result.exit_code == 0, _stderr(result)
    out = result.stdout
    # Peiljaar mode: the last peiljaar with data (2024) is shown by default.
    assert "Leefsituatie (urgentie) — 2024" in out
    assert "Potentie — 2024" in out
    assert "focus" in out
    assert "Aanpak (naar de Enschedese investeringsafweging) — 2024" in out
    assert "intensief herstructureren" in out
    assert "niet beoordeeld" in out  # Wijk 07 Bedrijfsterreinen: 310 inhabitants
    assert "kader enschede v2" in out
    assert "vergelijkbaar over jaren: ja" in out


def test_score_at_buurt_level_and_peiljaar(cli, demo_url: str) -> None:  # noqa: ANN001
    result = cli("score", "rotterdam", "--level", "buurt", "--year", "2020", "--db", demo_url)
    # a --year is one peiljaar; the anchor's base year (2021) is scored with it
    assert result.exit_code == 0, _stderr(result)
    out = result.stdout
    assert "Sociale index — 2020" in out
    assert "Afrikaanderwijk" in out and "BU0599" in out
    assert "Aanpak (naar NPRZ) — 2020" in out
    same = cli("score", "rotterdam", "--niveau", "neighbourhood", "--year", "2020",
               "--db", demo_url)
    assert same.exit_code == 0 and same.stdout.split("kader ")[0] == out.split("kader ")[0]
    wrong = cli("score", "rotterdam", "--level", "straat", "--db", demo_url)
    assert wrong.exit_code == 1 and "onbekend niveau 'straat'" in _stderr(wrong)


def test_explain_a_buurt_scores_the_buurt_level(cli, demo_url: str) -> None:  # noqa: ANN001
    result = cli("explain", "rotterdam", "BU05991086", "--opgave", "sociaal", "--db", demo_url)
    assert result.exit_code == 0, _stderr(result)
    assert "Afrikaanderwijk" in result.stdout


def test_score_writes_excel(cli, demo_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    target = tmp_path / "assen.xlsx"
    result = cli("score", "assen", "--db", demo_url, "--output", str(target))
    assert result.exit_code == 0, _stderr(result)
    assert f"Geschreven: {target}" in result.stdout.replace("\n", "")
    book = openpyxl.load_workbook(target, read_only=True)
    assert "scores" in book.sheetnames and "herkomst" in book.sheetnames
    book.close()
    scores = pd.read_excel(target, sheet_name="scores")
    assert set(scores["area_code"].str[:6]) == {"BU0106"}  # Mijn Buurt Assen: per buurt
    assert "jaar van de waarde" in pd.ExcelFile(target).sheet_names


def test_score_a_wide_table_without_database(cli, tmp_path: Path) -> None:  # noqa: ANN001
    table = tmp_path / "wijken.csv"
    table.write_text(
        "code,naam,x1,x2\n"
        "WK999901,Alfa,10,2\nWK999902,Bravo,20,0\nWK999903,Charlie,30,8\n"
        "WK999904,Delta,40,4\nWK999905,Echo,50,6\n", encoding="utf-8")
    fw = {
        "format_version": 1, "id": "tabel", "name": "Tabelkader", "level": "district",
        "screen": {"min_population": 0},
        "priority": {"type": "top_n", "n": 2, "labels": ["eerst", "later"]},
        "opgaven": [{"code": "leef", "name": "Leefbaarheid", "themes": [
            {"code": "t1", "name": "T1", "indicators": [
                {"code": "x1", "direction": "higher_better", "weight": 1},
                {"code": "x2", "direction": "higher_worse", "weight": 3}]}]}],
    }
    fw_path = tmp_path / "kader.yaml"
    fw_path.write_text(yaml.safe_dump(fw), encoding="utf-8")
    out_csv = tmp_path / "scores.csv"
    result = cli("score", "--table", str(table), "--year", "2024", str(fw_path),
                 "--output", str(out_csv), "--db", str(tmp_path / "bestaat-niet.sqlite"))
    assert result.exit_code == 0, _stderr(result)
    assert "Leefbaarheid — 2024" in result.stdout
    assert "Charlie" in result.stdout
    assert "12,5" in result.stdout  # Charlie's score (see test_score.py), Dutch decimals
    assert not (tmp_path / "bestaat-niet.sqlite").exists()  # no database touched
    frame = pd.read_csv(out_csv, comment="#")
    charlie = frame[(frame["area_code"] == "WK999903") & (frame["node"] == "leef")].iloc[0]
    assert charlie["score"] == pytest.approx(12.5)
    assert charlie["tier"] == "eerst"
    assert out_csv.read_text("utf-8").startswith("# framework: tabel\n")


def test_explain_an_area(cli, demo_url: str) -> None:  # noqa: ANN001
    result = cli("explain", "rotterdam", "wk059901", "--opgave", "sociaal", "--db", demo_url)
    assert result.exit_code == 0, _stderr(result)
    out = result.stdout
    assert "(WK059901), Sociale index 2024: score" in out  # the last peiljaar
    assert "referentie (100,0)" in out or "referentie (100.0)" in out
    assert "bijdrage" in out


def test_invalid_framework_file_gives_one_line_and_exit_1(cli, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "kapot.yaml"
    bad.write_text(yaml.safe_dump({"format_version": 1, "id": "x", "name": "X",
                                   "steps": {"normalise": {"method": "minmaks"}},
                                   "opgaven": [{"code": "o", "name": "O", "themes": [
                                       {"code": "t", "name": "T",
                                        "indicators": [{"code": "g_woz"}]}]}]}),
                   encoding="utf-8")
    result = cli("score", str(bad), "--db", str(tmp_path / "leeg.sqlite"))
    assert result.exit_code == 1
    err = _stderr(result).strip()
    assert err.startswith("fout:"), err
    assert len(err.splitlines()) == 1, err
    assert "steps.normalise" in err and "minmaks" in err


def test_unknown_preset_gives_one_line(cli, tmp_path: Path) -> None:  # noqa: ANN001
    result = cli("explain", "utrecht", "WK059901", "--db", str(tmp_path / "leeg.sqlite"))
    assert result.exit_code == 1
    err = _stderr(result).strip()
    assert err.startswith("fout:") and "utrecht" in err
    assert len(err.splitlines()) == 1


def test_score_writes_every_step_from_the_database(cli, demo_url: str,  # noqa: ANN001
                                                   tmp_path: Path) -> None:
    steps = tmp_path / "stappen"
    result = cli("score", "enschede", "--db", demo_url, "--output-steps", str(steps))
    assert result.exit_code == 0, _stderr(result)
    read = {name: pd.read_csv(steps / f"{name}.csv", comment="#")
            for name in ("denominated", "imputed", "screened", "treated", "normalised",
                         "aggregated")}
    keys = {name: set(zip(f["year"], f["area_code"], strict=True)) for name, f in read.items()}
    # screening before imputation (the default): what is screened is what is imputed and on
    assert keys["screened"] <= keys["denominated"]
    assert keys["screened"] == keys["imputed"] == keys["treated"] == keys["normalised"]
    assert list(read["normalised"].columns[:2]) == ["year", "area_code"]
    assert {"urgentie", "potentie"} <= set(read["aggregated"].columns)
