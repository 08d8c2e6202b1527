"""The analysis on a small workspace: the CLI's JSON, the rank direction, the index recomputed
independently from what the CLI prints, the trend, the quadrants and the what-if."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.means.conftest import FRAMEWORK, WIJKEN, _cbs_file
from tests.means.test_concentration import _individual_level
from wijkkompas.cli import app
from wijkkompas.services.framework.scoring import score_workspace
from wijkkompas.services.means.usecases import analyse_workspace, import_means
from wijkkompas.workspace import Workspace

#: code -> (jeugd 2022, wmo 2022); 2021 has other amounts, 2019 rows have no scores.
MONEY = {"WK010600": (400_000, 100_000), "WK010601": (100_000, 20_000),
         "WK010602": (300_000, 300_000), "WK010603": (90_000, 60_000),
         "WK010604": (150_000, 50_000), "WK010605": (10_000, 5_000)}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    from tests.conftest import workspace_with

    folder = tmp_path_factory.mktemp("means-analysis")
    lines = ["gebied,domein,jaar,bedrag"]
    for code, (jeugd, wmo) in MONEY.items():
        lines += [f"{code},jeugd,2022,{jeugd}", f"{code},wmo,2022,{wmo}",
                  f"{code},jeugd,2021,{jeugd * 2}", f"{code},jeugd,2019,1"]
    money = folder / "middelen.csv"
    money.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fte = folder / "fte.csv"  # capacity: its own unit, in its own file
    fte.write_text("gebied,domein,jaar,fte\nWK010600,welzijn,2022,3.5\n"
                   "WK010601,welzijn,2022,1\n", encoding="utf-8")
    kader = folder / "klein.yaml"
    kader.write_text(FRAMEWORK, encoding="utf-8")
    for ws in workspace_with(folder, _cbs_file(folder, 2021), _cbs_file(folder, 2022)):
        import_means(ws, money)
        import_means(ws, fte)
        yield ws, kader


def _cli(analysed: tuple[Workspace, Path], *args: str) -> tuple[int, str]:
    ws, kader = analysed
    url = ws.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["middelen", *args[:1], str(kader), *args[1:], "--db", url])
    return result.exit_code, result.output


def test_json_keys_rank_direction_and_index(analysed: tuple[Workspace, Path]) -> None:
    code, out = _cli(analysed, "analyse", "--opgave", "urgentie", "--jaar", "2022", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert list(data) == ["kader", "opgave", "jaar", "gebieden", "concentratie_index"]
    assert (data["kader"], data["opgave"], data["jaar"]) == ("klein", "urgentie", 2022)
    rows = data["gebieden"]
    assert all(list(r) == ["gebied", "bedrag_per_inwoner", "score", "rang"] for r in rows)
    assert len(rows) == 6
    # urgentie: a low score is the priority, so rang 1 has the lowest score.
    by_rank = sorted(rows, key=lambda r: r["rang"])
    assert [r["score"] for r in by_rank] == sorted(r["score"] for r in rows)
    # Two wijken tie on the indicator, so on the score, and share a rank.
    tied = [r for r in rows if r["gebied"] in ("WK010602", "WK010603")]
    assert tied[0]["score"] == tied[1]["score"] and tied[0]["rang"] == tied[1]["rang"]
    # Amounts summed over the domains of 2022 only (2021 and 2019 rows are stored, not counted),
    # euros only (the FTE file is a separate unit), per inhabitant in 2022, unrounded.
    for r in rows:
        jeugd, wmo = MONEY[r["gebied"]]
        assert r["bedrag_per_inwoner"] == pytest.approx((jeugd + wmo) / WIJKEN[r["gebied"]][1],
                                                        rel=1e-12)
    # The index, recomputed independently from the printed rows: need = −score (low = need).
    y = np.array([r["bedrag_per_inwoner"] for r in rows])
    w = np.array([WIJKEN[r["gebied"]][1] for r in rows])
    need = np.array([-r["score"] for r in rows])
    assert data["concentratie_index"] == pytest.approx(_individual_level(y, w, need), abs=1e-12)


def test_high_priority_opgave_and_one_domain(analysed: tuple[Workspace, Path]) -> None:
    code, out = _cli(analysed, "analyse", "--opgave", "potentie", "--jaar", "2022",
                     "--domein", "Jeugdzorg", "--json")
    assert code == 0, out
    rows = json.loads(out)["gebieden"]
    by_rank = sorted(rows, key=lambda r: r["rang"])
    assert [r["score"] for r in by_rank] == sorted((r["score"] for r in rows), reverse=True)
    for r in rows:
        assert r["bedrag_per_inwoner"] == pytest.approx(MONEY[r["gebied"]][0]
                                                        / WIJKEN[r["gebied"]][1])
    y = np.array([r["bedrag_per_inwoner"] for r in rows])
    w = np.array([WIJKEN[r["gebied"]][1] for r in rows])
    need = np.array([r["score"] for r in rows])  # high = need
    assert json.loads(out)["concentratie_index"] == pytest.approx(
        _individual_level(y, w, need), abs=1e-12)


def test_trend_domains_quadrants_and_capacity(analysed: tuple[Workspace, Path]) -> None:
    ws, kader = analysed
    result = score_workspace(ws, kader)
    analysis = analyse_workspace(ws, result, opgave="urgentie", year=2022)
    assert list(analysis.trend.index) == [2021, 2022]  # 2019 has no scores
    # 2021: jeugd only, twice the 2022 jeugd amounts, over 2021 inhabitants.
    jeugd_2021 = analyse_workspace(ws, result, opgave="urgentie", year=2021)
    assert analysis.trend[2021] == pytest.approx(jeugd_2021.index)
    assert [d.domain for d in analysis.domains] == ["totaal", "wmo", "jeugd"]
    assert analysis.domains[0].total == sum(j + m for j, m in MONEY.values())
    # Quadrants: top_n 2 are "focus" (high need); money against the weighted mean.
    focus = set(analysis.areas.index[analysis.areas["tier"] == "focus"])
    assert set(analysis.quadrants["veel_nood_weinig_geld"]) | set(
        analysis.quadrants["veel_nood_veel_geld"]) == focus
    mean = np.average(analysis.areas["per_inhabitant"], weights=analysis.areas["inhabitants"])
    for code in analysis.quadrants["weinig_nood_veel_geld"]:
        assert code not in focus and analysis.areas.loc[code, "per_inhabitant"] > mean
    fte = analyse_workspace(ws, result, opgave="urgentie", year=2022, unit="fte")
    assert fte.areas["amount"].sum() == 4.5 and len(fte.areas) == 2
    assert any("zonder middelen in 2022" in w for w in fte.warnings)


def test_whatif(analysed: tuple[Workspace, Path]) -> None:
    ws, kader = analysed
    analysis = analyse_workspace(ws, score_workspace(ws, kader), opgave="urgentie", year=2022)
    moved, jeugd_after, total_after = analysis.whatif("jeugd", 20)
    assert moved.areas["after"].sum() == pytest.approx(sum(j for j, _ in MONEY.values()))
    jeugd_before = next(d.index for d in analysis.domains if d.domain == "jeugd")
    assert jeugd_after > jeugd_before and total_after > analysis.index
    code, out = _cli(analysed, "herverdeel", "--opgave", "urgentie", "--jaar", "2022",
                     "--domein", "jeugd", "--procent", "20")
    assert code == 0, out
    assert "geen besluit" in out and "→" in out


def test_cli_errors_in_dutch(analysed: tuple[Workspace, Path]) -> None:
    code, out = _cli(analysed, "analyse", "--opgave", "urgentie", "--jaar", "2016", "--json")
    assert code == 1 and "geen scores voor 2016" in out
    code, out = _cli(analysed, "analyse", "--opgave", "nergens", "--jaar", "2022")
    assert code == 1 and "onbekende opgave" in out
    code, out = _cli(analysed, "analyse", "--opgave", "urgentie", "--jaar", "2022",
                     "--domein", "toerisme")
    assert code == 1 and "onbekend domein" in out
