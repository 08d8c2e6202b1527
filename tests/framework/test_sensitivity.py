"""Uncertainty and sensitivity analysis (framework/sensitivity.py)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.schema import Framework, parse_framework
from wijkkompas.framework.score import score
from wijkkompas.framework.sensitivity import draw_weights, first_order_indices, sensitivity

YEAR = 2024


def make_data(values: dict[str, np.ndarray], year: int = YEAR) -> ScoringData:
    """Synthetic wijken WK0106xx of Assen with one column per indicator."""
    n = len(next(iter(values.values())))
    codes = [f"WK0106{i:02d}" for i in range(n)]
    obs = pd.concat([
        pd.DataFrame({"area_code": codes, "indicator": code, "year": year,
                      "value": np.asarray(v, dtype=float),
                      "status": np.where(np.isnan(np.asarray(v, dtype=float)), "missing", "ok")})
        for code, v in values.items()], ignore_index=True)
    obs.loc[obs["status"] != "ok", "value"] = np.nan
    areas = pd.DataFrame({"name": [f"wijk {i}" for i in range(n)], "level": "district",
                          "municipality_code": "GM0106"},
                         index=pd.Index(codes, name="area_code"))
    return ScoringData(obs, areas)


def make_fw(opgaven: list[dict[str, Any]], **extra: Any) -> Framework:
    """``opgaven``: dicts with code and themes {code: [(indicator, weight), ...]}."""
    spec = {
        "format_version": 1, "id": "test", "name": "Test", "level": "district",
        "screen": {"min_data_share": 0.5},
        "opgaven": [{
            "code": op["code"], "name": op["code"].title(), "weight": op.get("weight", 1.0),
            "priority_when": op.get("priority_when", "low"),
            "themes": [{"code": th, "name": th, "weight": 1.0, "indicators": [
                {"code": c, "weight": w, "direction": "higher_better"} for c, w in inds]}
                for th, inds in op["themes"].items()],
        } for op in opgaven],
        **extra,
    }
    return parse_framework(spec)


def random_case(n: int = 30, seed: int = 1, missing: bool = True) -> tuple[Framework,
                                                                            ScoringData]:
    rng = np.random.default_rng(seed)
    values = {f"x{i}": rng.normal(50, 15, n) for i in range(7)}
    if missing:
        values["x0"][[2, 5]] = np.nan
        values["x3"][[5, 7]] = np.nan
    fw = make_fw([
        {"code": "eerste", "weight": 2.0,
         "themes": {"t1": [("x0", 1.0), ("x1", 2.0), ("x2", 1.0)], "t2": [("x3", 1.0),
                                                                         ("x4", 1.0)]}},
        {"code": "tweede", "priority_when": "high",
         "themes": {"t3": [("x5", 1.0), ("x6", 3.0)], "t4": [("x1", 1.0)]}},
    ], overall={"code": "totaal", "name": "Totaal"})
    return fw, make_data(values)


def with_steps(fw: Framework, **steps: dict[str, Any]) -> Framework:
    data = fw.model_dump()
    data["steps"].update(steps)
    return Framework.model_validate(data)


# --------------------------------------------------------------------------- nominal draw


@pytest.mark.parametrize(("normalise", "aggregate"), [
    ({"method": "minmax"}, {"method": "mean"}),
    ({"method": "minmax", "params": {"low": 1, "high": 100}}, {"method": "geomean"}),
    ({"method": "zscore"}, {"method": "topsis"}),
    ({"method": "rank"}, {"method": "mean", "params": {"min_share": 0.6}}),
])
@pytest.mark.parametrize("priority", [
    {"type": "quantile", "cuts": [0.2, 0.5]},
    {"type": "top_n", "n": 4},
    {"type": "threshold", "cuts": [40, 60]},
])
def test_nominal_draw_reproduces_score(normalise: dict, aggregate: dict, priority: dict) -> None:
    fw, data = random_case()
    fw = with_steps(fw, normalise=normalise, aggregate=aggregate)
    fw = fw.model_copy(update={"priority": parse_framework(
        {**fw.model_dump(), "priority": priority}).priority})
    expected = score(fw, data)
    res = sensitivity(fw, data, draws=20, drivers=False)
    scores = expected.scores.xs(YEAR, level="year")
    got = res.nominal_scores
    for code in got.columns:
        np.testing.assert_allclose(got[code], scores[code].reindex(got.index), rtol=1e-12,
                                   atol=1e-12, equal_nan=True, err_msg=code)
    ranks = expected.ranks.xs(YEAR, level="year")
    tiers = expected.tiers.xs(YEAR, level="year")
    for node in ["eerste", "tweede", "totaal"]:
        rows = res.table[res.table["node"] == node].set_index("area_code")
        want = ranks[node].reindex(rows.index).astype(float)
        np.testing.assert_array_equal(rows["nominal_rank"].to_numpy(), want.to_numpy())
        if node != "totaal":
            assert (rows["nominal_tier"].fillna("-")
                    == tiers[node].reindex(rows.index).fillna("-")).all(), node


def test_missing_data_follows_min_share() -> None:
    """An area with too little data per draw gets no score in that draw, as in score()."""
    rng = np.random.default_rng(3)
    values = {"a": rng.normal(size=12), "b": rng.normal(size=12), "c": rng.normal(size=12)}
    values["a"][0] = values["b"][0] = np.nan  # only c left: share 1/3 < 0.5
    values["a"][1] = np.nan  # share 2/3, but may dip below 0.5 in some draws
    fw = make_fw([{"code": "o", "themes": {"t": [("a", 1.0), ("b", 1.0), ("c", 1.0)]}}])
    res = sensitivity(fw, make_data(values), draws=400, concentration=3.0, drivers=False)
    rows = res.table.set_index("area_code")
    assert "WK010600" not in rows.index  # screened out: less than half the data
    assert 0.5 < rows.loc["WK010601", "share_scored"] < 1.0
    assert rows["share_scored"].drop("WK010601").eq(1.0).all()


# --------------------------------------------------------------------------- behaviour


def test_huge_concentration_gives_the_nominal_ranks() -> None:
    # no missing data: an area exactly at min_share would flip with the tiniest weight change
    fw, data = random_case(missing=False)
    res = sensitivity(fw, data, draws=50, concentration=1e12, drivers=False)
    t = res.table
    for col in ["median_rank", "rank_p05", "rank_p95"]:
        np.testing.assert_array_equal(t[col].to_numpy(), t["nominal_rank"].to_numpy())
    first = f"p[{res.tier_labels[0]}]"
    assert set(t[first].dropna().unique()) <= {0.0, 1.0}
    assert (t["robust"] == (t["nominal_tier"] == res.tier_labels[0])).all()
    exact = sensitivity(fw, data, draws=5, concentration=math.inf, drivers=False)
    pd.testing.assert_frame_equal(exact.table, res.table, check_exact=False)


def test_same_seed_same_result_other_seed_other_draws() -> None:
    fw, data = random_case()
    methods = {"normalise": ["minmax", "zscore"], "aggregate": ["mean", "topsis"]}
    a = sensitivity(fw, data, draws=100, methods=methods, seed=7)
    b = sensitivity(fw, data, draws=100, methods=methods, seed=7)
    c = sensitivity(fw, data, draws=100, methods=methods, seed=8)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.drivers, b.drivers)
    assert all(np.array_equal(a.ranks[k], b.ranks[k], equal_nan=True) for k in a.ranks)
    assert not np.array_equal(a.ranks["eerste"], c.ranks["eerste"], equal_nan=True)


def test_probabilities_are_probabilities() -> None:
    fw, data = random_case()
    res = sensitivity(fw, data, draws=200, concentration=5.0,
                      methods={"normalise": ["minmax", "rank"], "aggregate": ["mean", "geomean"]})
    t = res.table
    pcols = [f"p[{label}]" for label in res.tier_labels]
    p = t[pcols + ["p_top_k", "share_scored"]].to_numpy()
    assert np.nanmin(p) >= 0 and np.nanmax(p) <= 1
    np.testing.assert_allclose(t[pcols].sum(axis=1), 1.0)
    assert (t["rank_p05"] <= t["median_rank"]).all() and (t["median_rank"] <= t["rank_p95"]).all()
    # k defaults to the size of the nominal first tier of each node
    for _, rows in t.groupby("node"):
        assert rows["k"].iloc[0] == (rows["nominal_tier"] == res.tier_labels[0]).sum()
    assert set(res.draw_methods["aggregate"]) == {"mean", "geomean"}


def test_geomean_policy_lifts_minmax_and_skips_zscore() -> None:
    fw, data = random_case(missing=False)
    res = sensitivity(fw, data, draws=60, methods={"normalise": ["minmax", "zscore"],
                                                   "aggregate": ["mean", "geomean"]})
    assert any("low=1" in w for w in res.warnings)
    assert any("zscore + geomean overgeslagen" in w for w in res.warnings)
    combos = set(map(tuple, res.draw_methods.to_numpy()))
    assert ("zscore", "geomean") not in combos and ("minmax", "geomean") in combos


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), agg=st.sampled_from(["mean", "geomean", "topsis"]),
       norm=st.sampled_from(["minmax", "zscore", "rank"]))
def test_dominating_area_is_always_first(seed: int, agg: str, norm: str) -> None:
    rng = np.random.default_rng(seed)
    values = {f"x{i}": rng.uniform(0, 100, 15) for i in range(5)}
    for v in values.values():
        v[3] = v.max() + rng.uniform(0.5, 5)
    fw = make_fw([{"code": "o", "themes": {"t1": [("x0", 1.0), ("x1", 1.0), ("x2", 2.0)],
                                           "t2": [("x3", 1.0), ("x4", 1.0)]}}])
    fw = with_steps(fw, normalise={"method": "minmax", "params": {"low": 1, "high": 100}})
    methods = {"normalise": [norm], "aggregate": [agg]}
    if (norm, agg) == ("zscore", "geomean"):  # the only combination: skipped -> error
        with pytest.raises(FrameworkError, match="geen enkele geldige combinatie"):
            sensitivity(fw, make_data(values), draws=5, methods=methods)
        return
    res = sensitivity(fw, make_data(values), draws=40, concentration=2.0, seed=seed,
                      methods=methods, drivers=False)
    assert res.draw_methods.iloc[0].tolist() == [norm, agg]
    assert (res.ranks["o"][3] == 1).all()


# --------------------------------------------------------------------------- drivers


def test_anticorrelated_pair_weight_is_the_sole_driver() -> None:
    """t1 = w a + (1 - w)(100 - a): only the split between a and b moves the ranks; t2 is
    constant (so theme weights only rescale) and its two indicators are identical."""
    a = np.linspace(0, 100, 25)
    c = np.full(25, 7.0)
    values = {"a": a, "b": 100 - a, "c": c, "d": c.copy()}
    fw = make_fw([{"code": "o", "themes": {"t1": [("a", 1.0), ("b", 1.0)],
                                           "t2": [("c", 1.0), ("d", 1.0)]}}])
    res = sensitivity(fw, make_data(values), draws=1000, seed=3)
    d = res.drivers.set_index("input")["s_first"]
    assert d["t1/a"] > 0.9 and d["t1/b"] > 0.9
    others = d.drop(["t1/a", "t1/b"])
    assert (others < 0.05).all(), others
    assert set(d.index[:2]) == {"t1/a", "t1/b"}


def test_method_choice_as_driver() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 100, (20, 2))
    x[:, 1] = 101 - x[:, 0] + rng.normal(0, 3, 20)  # balanced vs unbalanced profiles
    fw = make_fw([{"code": "o", "themes": {"t": [("a", 1.0), ("b", 1.0)]}}])
    fw = with_steps(fw, normalise={"method": "minmax", "params": {"low": 1, "high": 100}})
    res = sensitivity(fw, make_data({"a": x[:, 0], "b": x[:, 1]}), draws=400,
                      concentration=math.inf, methods={"aggregate": ["mean", "geomean"]})
    assert res.drivers["input"].tolist() == ["aggregate"]
    assert res.drivers["s_first"].iloc[0] > 0.99


def test_first_order_indices_known_answer() -> None:
    rng = np.random.default_rng(0)
    x1, x2 = rng.uniform(size=4000), rng.uniform(size=4000)
    y = np.vstack([3 * x1 + x2, 3 * x1 + x2 + 0.0])  # Var: 9/12 vs 1/12 -> S = 0.9, 0.1
    s = first_order_indices(y, {"x1": x1, "x2": x2})
    assert s.loc["x1", "s_first"] == pytest.approx(0.9, abs=0.02)
    assert s.loc["x2", "s_first"] == pytest.approx(0.1, abs=0.02)


def test_draw_weights_centre_and_spread() -> None:
    rng = np.random.default_rng(0)
    w = draw_weights(np.array([1.0, 1.0, 1.0, 0.0]), 50.0, 20_000, rng)
    np.testing.assert_allclose(w.sum(axis=0), 1.0)
    assert (w[3] == 0).all()
    np.testing.assert_allclose(w[:3].mean(axis=1), 1 / 3, atol=0.005)
    rel_sd = w[:3].std(axis=1) / (1 / 3)
    np.testing.assert_allclose(rel_sd, math.sqrt(2 / 51), rtol=0.05)  # documented ±20%


# --------------------------------------------------------------------------- output, errors


def test_csv_export_and_errors(tmp_path: Path) -> None:
    fw, data = random_case()
    res = sensitivity(fw, data, draws=30)
    path = res.to_csv(tmp_path / "sa.csv")
    text = path.read_text("utf-8")
    assert "# concentration: 50" in text and "# data_fingerprint:" in text
    back = pd.read_csv(path, comment="#")
    assert len(back) == len(res.table) and "robust" in back.columns
    res.drivers_to_csv(tmp_path / "sa-drivers.csv")
    assert res.ranking("eerste")["priority_rank"].is_monotonic_increasing
    with pytest.raises(FrameworkError, match="stap"):
        sensitivity(fw, data, draws=10, methods={"weight": ["equal"]})
    with pytest.raises(FrameworkError, match="onbekende"):
        sensitivity(fw, data, draws=10, methods={"normalise": ["nee"]})
    with pytest.raises(FrameworkError, match="draws"):
        sensitivity(fw, data, draws=0)


def test_assen_preset_on_demo_data(workspace) -> None:  # noqa: ANN001
    """Journey 4 (Assen): the lowest-scoring wijk is in the first wave under almost any
    reasonable weighting."""
    from wijkkompas.framework.schema import load_framework
    from wijkkompas.services.data.demo import build_demo
    from wijkkompas.services.framework.scoring import sensitivity_workspace

    build_demo(workspace)
    res = sensitivity_workspace(workspace, load_framework("assen"), draws=300)
    t = res.ranking("sociaal")
    assert res.top_k["sociaal"] == 3
    assert t["robust"].iloc[0]  # the lowest-scoring wijk is first wave in (almost) every draw


def test_cli_sensitivity(workspace, database_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    from wijkkompas.cli import app

    csv = tmp_path / "kwb-2024.csv"
    rng = np.random.default_rng(2)
    lines = ["gwb_code_10,regio,a_inw,p_hh_li,g_ink_pi,p_arb_pp"]
    lines.append("GM0106,Assen,69701,40,30,65")
    for i in range(8):
        lines.append(f"WK0106{i:02d},Wijk {i},{1000 + 100 * i},{rng.uniform(20, 60):.1f},"
                     f"{rng.uniform(20, 40):.1f},{rng.uniform(55, 75):.1f}")
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    workspace.import_cbs(csv)
    fw = tmp_path / "kader.yaml"
    fw.write_text(
        "format_version: 1\nid: klein\nname: Klein\nlevel: district\nmunicipalities: [GM0106]\n"
        "priority: {type: top_n, n: 2, labels: [eerste golf, later]}\n"
        "opgaven:\n  - code: sociaal\n    name: Sociaal\n    themes:\n"
        "      - {code: inkomen, name: Inkomen, indicators: [{code: p_hh_li}, {code: g_ink_pi}]}\n"
        "      - {code: werk, name: Werk, indicators: [{code: p_arb_pp}]}\n", encoding="utf-8")
    out = tmp_path / "sa.csv"
    result = CliRunner().invoke(app, [
        "sensitivity", str(fw), "--db", database_url, "--draws", "60", "--seed", "1",
        "--vary", "normalise=minmax,rank", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "robuust" in result.output and "P(eerste golf)" in result.output
    assert out.exists() and (tmp_path / "sa-drivers.csv").exists()
    bad = CliRunner().invoke(app, ["sensitivity", str(fw), "--db", database_url,
                                   "--vary", "normalise"])
    assert bad.exit_code != 0
