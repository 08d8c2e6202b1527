"""Issue 5 on the demo data, through the services and the CLI: a 2031 target for Rotterdam
wijken, progress per wijk, whether the spread between wijken grows, a pilot with comparison
areas, register vs survey."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from wijkkompas.monitor.pilots import Pilot
from wijkkompas.monitor.trend import TOO_FEW
from wijkkompas.services.monitor import pilots as pilot_svc
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace

ZUID = ["WK059910", "WK059915", "WK059912"]  # Feijenoord, Charlois, IJsselmonde
DEMO4 = ["GM0599", "GM0014", "GM0153", "GM0106"]


def test_2031_target_relative_to_a_reference(demo_ws: Workspace) -> None:
    target = svc.make_target(code="zuid-lbm-2031", name="Zuid op het gemiddelde",
                             areas=ZUID, measure="indicator", subject="lbm_totaal",
                             kind="reference", baseline_year=2012, target_year=2031,
                             reference_areas=DEMO4,
                             reference_label="gemiddelde van de vier demogemeenten")
    svc.add_target(demo_ws, target)
    result = svc.target_progress(demo_ws, "zuid-lbm-2031")
    t = result.table.set_index("area_code")
    assert list(t.index) == ZUID  # every wijk, not an average
    obs = demo_ws.observations(indicators=["lbm_totaal"], areas=DEMO4, years=[2016])
    assert t["target_value"].iloc[0] == pytest.approx(obs["value"].mean())  # by hand
    assert (t["current_year"] == 2016).all() and (t["n_points"] == 3).all()
    # Three Leefbaarometer years: honest, no confident line.
    assert (t["status_label"] == TOO_FEW).all() and t["forecast"].isna().all()
    assert t["pace_needed"].notna().all() and t["share_of_way"].notna().all()
    assert t.loc["WK059910", "name"] == "Feijenoord"


def test_forecast_with_enough_points(demo_ws: Workspace) -> None:
    target = svc.make_target(code="feijenoord-inw", name="Groei Feijenoord", areas=["WK059910"],
                             measure="indicator", subject="a_inw", direction="higher_better",
                             kind="change", value=5000.0, baseline_year=2016, target_year=2031)
    row = svc.target_progress(demo_ws, target).table.iloc[0]
    assert row["n_points"] == 4
    assert row["status"] in {"on_track", "uncertain", "off_track", "achieved"}
    if row["status"] != "achieved":
        assert row["forecast_low"] <= row["forecast"] <= row["forecast_high"]


def test_target_on_an_opgave_score(demo_ws: Workspace) -> None:
    target = svc.make_target(code="sociaal-100", name="Sociale index 100", areas=ZUID,
                             measure="score", subject="sociaal", framework="rotterdam",
                             kind="absolute", value=100.0, baseline_year=2021,
                             target_year=2031)
    t = svc.target_progress(demo_ws, target).table
    assert len(t) == 3 and t["current_value"].notna().all()
    assert set(t["status"]) <= {"achieved", "too_few_points"}


def test_is_the_spread_between_wijken_growing(demo_ws: Workspace) -> None:
    report = svc.gap_report(demo_ws, "lbm_totaal", municipalities=["GM0599"])
    table = report.table.xs("GM0599")
    assert list(table.index) == [2012, 2014, 2016]
    assert (table["gap"] > 0).all() and table["theil"].isna().all()  # values around 0
    verdict = report.verdicts[0]
    assert verdict.measure == "gap" and verdict.verdict == "too_few"
    assert verdict.sentence.startswith("Rotterdam: de verschillen tussen gebieden")
    assert TOO_FEW in verdict.sentence
    positive = svc.gap_report(demo_ws, "a_inw", municipalities=["GM0014"])
    assert positive.table["theil"].notna().all() and positive.verdicts[0].measure == "cv"


def test_pilot_with_comparison_areas(demo_ws: Workspace) -> None:
    pilot_svc.save_pilot(demo_ws, Pilot(code="other", name="Andere pilot", areas=("WK059903",),
                                  start_year=2014))
    report = pilot_svc.pilot_comparison(
        demo_ws, Pilot(code="zuid", name="Zuid", areas=tuple(ZUID), start_year=2014),
        "lbm_totaal", baseline_indicators=["lbm_won", "lbm_bev", "lbm_vei"], k=2)
    comps = report.comparison_areas
    assert comps and not set(comps) & {*ZUID, "WK059903"}  # other pilot excluded
    assert (report.matches.groupby("pilot_area").size() == 2).all()
    did = report.did
    assert did.low <= did.effect <= did.high and np.isfinite(did.effect)
    assert did.pre_years == [2012] and did.post_years == [2014, 2016]
    assert "parallelle trends" in did.caveat
    assert list(report.means.columns) == ["pilot", "vergelijking"]


def test_register_vs_survey_on_the_wijkprofiel(demo_ws: Workspace) -> None:
    table = svc.subjective_report(demo_ws, municipality="GM0599")
    assert set(table["part"]) == {"wp_fi", "wp_si", "wp_vi"}
    assert set(table["year"]) == {2014, 2016}
    assert table["signal"].any() and not table["signal"].all()
    row = table.iloc[0]
    assert row["gap"] == pytest.approx(row["subjective"] - row["objective"])


def test_harmonised_counts_on_stored_boundaries(demo_ws: Workspace) -> None:
    out = svc.harmonised_counts(demo_ws, "a_inw", source_year=2014, target_year=2022,
                                level="neighbourhood", target_level="district",
                                municipality="GM0599", years=[2024])
    direct = demo_ws.observations(indicators=["a_inw"], years=[2024], level="district",
                                  municipality="GM0599").reset_index().set_index("area_code")
    mine = out.set_index("area_code")
    assert (mine["flag"] == "geharmoniseerd (oppervlaktegewogen)").all()
    ratio = mine.loc["WK059910", "value"] / direct.loc["WK059910", "value"]
    assert ratio == pytest.approx(1.0, abs=0.05)  # a residential wijk: close
    with pytest.raises(Exception, match="geen aantal"):
        svc.harmonised_counts(demo_ws, "p_hh_li", source_year=2014, target_year=2022,
                              level="neighbourhood")


def test_every_figure_from_the_cli(demo_ws: Workspace, demo_url: str, tmp_path: Path) -> None:
    from wijkkompas.cli import app

    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["monitor", *args, "--db", demo_url])
        assert result.exit_code == 0, result.output
        return result.output

    out = run("target-add", "zuid-cli", "--areas", ",".join(ZUID), "--name", "Zuid",
              "--indicator", "lbm_totaal", "--kind", "reference", "--baseline", "2012",
              "--year", "2031", "--reference", ",".join(DEMO4), "--reference-label",
              "gemiddelde vier demogemeenten")
    assert "versie 1" in out
    out = run("target-add", "zuid-cli", "--edit", "--value", "0.05", "--reason", "bijgesteld")
    assert "versie 2" in out
    assert "bijgesteld" in run("targets", "zuid-cli")
    out = run("progress", "zuid-cli", "-o", str(tmp_path / "p.csv"))
    assert "Feijenoord" in out and "Charlois" in out and "te weinig punten" in out
    frame = pd.read_csv(tmp_path / "p.csv", comment="#")
    assert len(frame) == 3 and "forecast" in frame.columns
    run("progress", "zuid-cli", "-o", str(tmp_path / "p.xlsx"))
    assert "herkomst" in pd.ExcelFile(tmp_path / "p.xlsx").sheet_names
    out = run("gap", "lbm_totaal", "--municipality", "GM0599", "-o", str(tmp_path / "g.xlsx"))
    assert "Rotterdam: de verschillen" in out
    out = run("pilot", "lbm_totaal", "--areas", ",".join(ZUID), "--start", "2014",
              "--baseline", "lbm_won,lbm_bev,lbm_vei", "-o", str(tmp_path / "pi.xlsx"))
    assert "Verschil-in-verschillen" in out and "parallelle trends" in out
    assert "effect" in pd.ExcelFile(tmp_path / "pi.xlsx").sheet_names
    assert "signaal" in run("subjective", "--municipality", "GM0599", "--signals")
    bad = runner.invoke(app, ["monitor", "progress", "nope", "--db", demo_url])
    assert bad.exit_code == 1 and "geen doel" in bad.output
