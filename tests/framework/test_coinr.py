"""``conventions: coinr``: each of COINr 1.1.14's seven conventions on a small constructed case,
checked against the formula (and against the default mode, which must stay as it was); any
table as input (``--id-column``), group imputation by any column, and every step on disk.

Worked numbers and cases cited from COINr (github.com/bluefoxr/COINr):
``R/examples.R`` (``build_example_coin``: Denominate -> Impute ``i_mean_grp`` by
``EurAsia_group`` -> Screen ``dat_thresh = 0.9`` -> Treat ``winmax = 5`` -> Normalise
``n_minmax`` 0-100 -> Aggregate ``a_amean``), ``R/normalise.R`` (``n_rank``, ``n_prank``,
``n_borda`` with ``ties.method = "min"``, ``n_dist2max`` = ``1 - (max - x)/(max - min)``,
``n_minmax`` NaN on a zero range), ``R/treat.R`` (``log_CT`` = ``log(x - min + 0.01 (max -
min))``), ``tests/testthat/test-Screen.R`` ("screendf": 50% and 90% availability, thresholds
0.75 and 1) and ``tests/testthat/test-Impute.R`` ("group_mean": a unit without a group stays
NA).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from wijkkompas.cli import app
from wijkkompas.errors import DataError, FrameworkError
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.inputs import from_wide_table
from wijkkompas.framework.normalise import borda, dist_max, minmax, percentile, rank, zscore
from wijkkompas.framework.schema import load_framework, parse_framework
from wijkkompas.framework.stepfiles import STEP_FILES, write_steps
from wijkkompas.framework.treat import winsorise
from wijkkompas.services.framework.scoring import score_table


def kader(codes: list[str], *, coinr: bool = True, **keys: Any) -> dict[str, Any]:
    """A one-opgave framework over ``codes`` (all higher is better, weight 1)."""
    data: dict[str, Any] = {
        "format_version": 1, "id": "coinr-test", "name": "COINr-test", "level": "district",
        "opgaven": [{"code": "op", "name": "Opgave", "themes": [{"code": "th", "name": "Thema",
            "indicators": [{"code": c, "direction": "higher_better"} for c in codes]}]}],
    }
    if coinr:
        data["conventions"] = "coinr"
    data.update(keys)
    return data


def table(tmp_path: Path, rows: dict[str, dict[str, Any]], name: str = "t.csv") -> Path:
    """A CSV with a ``uCode`` column and one column per key of the rows."""
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "uCode"
    path = tmp_path / name
    frame.reset_index().to_csv(path, index=False)
    return path


def run(tmp_path: Path, rows: dict[str, dict[str, Any]], fw: dict[str, Any]):  # noqa: ANN201
    return score_table(table(tmp_path, rows), parse_framework(fw), year=2024, id_column="uCode",
                       keep_steps=True)


def panel(values: dict[str, list[float]]) -> pd.DataFrame:
    n = len(next(iter(values.values())))
    idx = pd.MultiIndex.from_product([[2024], [f"U{i}" for i in range(n)]],
                                     names=["year", "area_code"])
    return pd.DataFrame(values, index=idx, dtype=float)


def ctx_for(x: pd.DataFrame) -> StepContext:
    return StepContext(directions=pd.Series(1.0, index=x.columns))


# ---------------------------------------------------------------------------------------------
# the switch


def test_switch_sets_every_convention_and_explicit_keys_win() -> None:
    fw = parse_framework(kader(
        ["a", "b"], steps={"impute": {"method": "group_mean"}, "treat": {"method": "winsorise"},
                           "normalise": {"method": "rank"}}, overall=None))
    assert fw.screen.after_impute is True                                   # 1
    assert fw.steps.normalise.params == {"ties": "min", "constant": "coinr"}  # 2 and 5
    assert fw.steps.treat.params == {"log_mirror": False}                   # 4
    assert fw.steps.impute.params == {"fallback": "none"}                   # 6
    assert fw.screen.min_data_share == 0.0                                  # 7
    assert fw.steps.aggregate.params == {"min_share": 0.0}                  # 7
    assert fw.priority.scale_on_assessed is False
    # an explicit key still wins, and the filled-in file reads back the same
    own = parse_framework(kader(["a"], screen={"min_data_share": 0.9, "after_impute": False},
                                steps={"normalise": {"method": "rank",
                                                     "params": {"ties": "average"}}}))
    assert own.screen.min_data_share == 0.9 and own.screen.after_impute is False
    assert own.steps.normalise.params == {"ties": "average", "constant": "coinr"}
    again = parse_framework(yaml.safe_load(own.to_yaml()))
    assert again.fingerprint() == own.fingerprint()
    # COINr's Denominate divides only; distances in [0, 1]; every aggregation without threshold
    den = parse_framework(kader(["a"], steps={"normalise": {"method": "dist_max"}},
                                overall={"code": "idx"}))
    for coinr, per in ((True, 1.0), (False, 100.0)):
        raw = kader(["a"], coinr=coinr)
        raw["opgaven"][0]["themes"][0]["indicators"][0]["denominator"] = "pop"
        assert parse_framework(raw).indicator_specs()["a"].per == per
    assert den.steps.normalise.params == {"scale": 1.0, "constant": "coinr"}
    assert den.overall is not None and den.overall.aggregate.params == {"min_share": 0.0}


def test_default_mode_keeps_its_conventions_and_fingerprints() -> None:
    fw = parse_framework(kader(["a"], coinr=False,
                               steps={"normalise": {"method": "rank"}}))
    assert fw.conventions is None and fw.screen.after_impute is False
    assert fw.screen.min_data_share == 0.5 and fw.steps.normalise.params == {}
    # stored fingerprints (versions, caches) do not move with the new keys: a framework that
    # leaves them unset hashes exactly as before they existed (a dump without them)
    for name in ("rotterdam", "groningen", "enschede", "assen"):
        preset = load_framework(name)
        dump = preset.model_dump(mode="json")
        del dump["conventions"], dump["screen"]["after_impute"]
        old = hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()[:16]
        assert preset.fingerprint() == old, name
    assert (parse_framework(kader(["a"])).fingerprint()
            != parse_framework(kader(["a"], coinr=False)).fingerprint())
    with pytest.raises(FrameworkError, match="conventions"):
        parse_framework(kader(["a"], conventions="coin"))


# ---------------------------------------------------------------------------------------------
# 1. screening after imputation


def test_1_screening_after_imputation_keeps_a_unit_that_imputation_completes(
        tmp_path: Path) -> None:
    rows = {"A": {"a": 1, "b": 10}, "B": {"a": 2, "b": 20}, "C": {"a": 3, "b": 30},
            "D": {"a": 4, "b": None}, "E": {"a": 9, "b": 40}}
    steps = {"impute": {"method": "mean"}}
    coinr = run(tmp_path, rows, kader(["a", "b"], steps=steps, screen={"min_data_share": 0.9}))
    default = run(tmp_path, rows, kader(["a", "b"], coinr=False, steps=steps,
                                        screen={"min_data_share": 0.9}))
    # COINr: D is imputed (b = mean 25) first, so it has all data and is kept
    assert list(coinr.normalised.index.get_level_values(1)) == ["A", "B", "C", "D", "E"]
    assert coinr.imputed.loc[(2024, "D"), "b"] == 25.0
    assert coinr.screened.empty
    # default: D has 50% < 90% measured data and is set aside before imputation
    assert list(default.normalised.index.get_level_values(1)) == ["A", "B", "C", "E"]
    assert default.screened.loc[(2024, "D"), "reason"] == "te weinig gegevens (50% beschikbaar)"


def test_1_screening_thresholds_as_coinr_test_screendf(tmp_path: Path) -> None:
    # COINr test-Screen.R "screendf": 10 indicators; unit 1 has 50%, unit 2 90% of its data.
    codes = [f"i{j}" for j in range(10)]
    rows = {f"U{u}": {c: float(u * 10 + j + 1) for j, c in enumerate(codes)} for u in range(10)}
    for c in codes[:5]:
        rows["U0"][c] = None
    rows["U1"]["i0"] = None
    for thresh, gone in ((0.75, ["U0"]), (0.9, ["U0"]), (1.0, ["U0", "U1"])):
        result = run(tmp_path, rows, kader(codes, screen={"min_data_share": thresh}))
        assert sorted(result.screened.index.get_level_values(1)) == gone, thresh


# ---------------------------------------------------------------------------------------------
# 2. rank normalisation with min ties


def test_2_rank_min_ties_as_coinr_n_rank() -> None:
    x = panel({"i": [3.0, 1.0, 3.0, 7.0, np.nan, 1.0]})
    # R: rank(c(3, 1, 3, 7, NA, 1), ties.method = "min", na.last = "keep") = 3 1 3 5 NA 1
    got = rank(x, x, ctx_for(x), ties="min")["i"].tolist()
    assert got[:4] + got[5:] == [3.0, 1.0, 3.0, 5.0, 1.0] and math.isnan(got[4])
    assert rank(x, x, ctx_for(x))["i"].tolist()[:4] == [3.5, 1.5, 3.5, 5.0]  # default: average
    fw = parse_framework(kader(["i"], steps={"normalise": {"method": "rank"}}))
    assert fw.steps.normalise.params["ties"] == "min"
    with pytest.raises(FrameworkError, match="ties"):
        rank(x, x, ctx_for(x), ties="max")


# ---------------------------------------------------------------------------------------------
# 3. dist_max as the docs (and COINr) write it


def test_3_dist_max_is_one_minus_distance_to_max_to_the_last_bit() -> None:
    x = panel({"i": [5.1, 9.5, 1.4, 9.5]})
    got = dist_max(x, x, ctx_for(x), scale=1.0)["i"].to_numpy()
    v = x["i"].to_numpy()
    assert got.tolist() == (1 - (v.max() - v) / (v.max() - v.min())).tolist()
    # 1 - (9.5 - 5.1) / 8.1 rounds differently from (5.1 - 1.4) / 8.1: the near-tie that made
    # COINr's ranks differ
    assert got[0] == 0.45679012345679004 != (v[0] - v.min()) / (v.max() - v.min())
    assert dist_max(x, x, ctx_for(x))["i"].tolist()[1] == 100.0  # the default scale


# ---------------------------------------------------------------------------------------------
# 4. log_CT always log(x - min + a)


def test_4_log_ct_on_a_negative_skew_is_not_mirrored() -> None:
    # COINr test-treat.R "treat_num" (x = c(1:20, 100, 200), winmax = 1 -> log_CT), mirrored
    # so that the skew is negative: winsorising one point is not enough, so f2 = log_CT applies.
    v = -np.array([*range(1, 21), 100.0, 200.0])
    x = panel({"i": v})
    a = 0.01 * (v.max() - v.min())
    coinr = winsorise(x, x, ctx_for(x), winmax=1, log_mirror=False)["i"].to_numpy()
    assert np.allclose(coinr, np.log(v - v.min() + a), rtol=0, atol=1e-15)
    mirrored = winsorise(x, x, ctx_for(x), winmax=1)["i"].to_numpy()
    assert np.allclose(mirrored, -np.log(v.max() + a - v), rtol=0, atol=1e-15)
    fw = parse_framework(kader(["i"], steps={"treat": {"method": "winsorise",
                                                       "params": {"winmax": 1}}}))
    assert fw.steps.treat.params == {"winmax": 1, "log_mirror": False}
    with pytest.raises(FrameworkError, match="log_mirror moet true of false"):
        winsorise(x, x, ctx_for(x), log_mirror="false")


# ---------------------------------------------------------------------------------------------
# 5. a constant indicator: NA, 0 and 0


def test_5_constant_indicator_gives_coinr_values() -> None:
    x = panel({"i": [4.0, 4.0, 4.0, np.nan]})
    c = ctx_for(x)
    for func, coinr_value, middle in ((minmax, np.nan, 50.0), (zscore, np.nan, 0.0),
                                      (dist_max, np.nan, 50.0), (percentile, 0.0, 0.5),
                                      (borda, 0.0, 1.0)):
        got = func(x, x, c, constant="coinr")["i"].to_numpy()
        want = np.array([coinr_value] * 3 + [np.nan])
        assert np.array_equal(got, want, equal_nan=True), func.__name__
        assert func(x, x, c)["i"].tolist()[:3] == [middle] * 3, func.__name__
    assert rank(x, x, c, ties="min", constant="coinr")["i"].tolist()[:3] == [1.0] * 3
    one = panel({"i": [4.0]})  # a single unit: (1 - 1) / (1 - 1) is NaN in COINr's n_prank
    assert math.isnan(percentile(one, one, ctx_for(one), constant="coinr")["i"].iloc[0])
    with pytest.raises(FrameworkError, match="constant"):
        minmax(x, x, c, constant="nan")


def test_5_constant_indicator_drops_out_of_the_mean(tmp_path: Path) -> None:
    rows = {"A": {"a": 1, "k": 5}, "B": {"a": 3, "k": 5}, "C": {"a": 5, "k": 5}}
    result = run(tmp_path, rows, kader(["a", "k"]))
    assert result.normalised["k"].isna().all()
    # a_amean over the available children: the theme score is a's min-max value
    assert result.scores["th"].tolist() == [0.0, 50.0, 100.0]


# ---------------------------------------------------------------------------------------------
# 6. group-mean imputation leaves NA for a group without values


def test_6_group_without_values_stays_missing(tmp_path: Path) -> None:
    rows = {"A": {"g": "Asia", "a": 1, "b": 2}, "B": {"g": "Asia", "a": 3, "b": None},
            "C": {"g": "Europe", "a": None, "b": 4}, "D": {"g": "Europe", "a": None, "b": 8},
            "E": {"g": None, "a": None, "b": 6}}
    imp = {"impute": {"method": "group_mean", "params": {"group": "g"}}}
    coinr_result = run(tmp_path, rows, kader(["a", "b"], steps=imp))
    coinr = coinr_result.imputed
    assert coinr.loc[(2024, "B"), "b"] == 2.0  # Asia's mean
    assert "b: 1 waarde geïmputeerd in 2024, gemiddelde van de groep (g): B" in (
        coinr_result.warnings)
    assert "a: 3 waarden niet te imputeren in 2024 (geen waarde in de groep in dat jaar, of " \
        "geen groep): C, D, E" in coinr_result.warnings
    assert coinr.loc[[(2024, "C"), (2024, "D"), (2024, "E")], "a"].isna().all()
    default = run(tmp_path, rows, kader(["a", "b"], coinr=False, steps=imp,
                                        screen={"min_data_share": 0})).imputed
    assert default.loc[(2024, "C"), "a"] == 2.0  # falls back to the mean of all units
    assert default.loc[(2024, "E"), "a"] == 2.0  # no group: the same fallback


def test_6_group_by_any_column_also_a_numeric_one(tmp_path: Path) -> None:
    rows = {"A": {"size": 1, "a": 1}, "B": {"size": 1, "a": None}, "C": {"size": 2, "a": 10},
            "D": {"size": 2, "a": None}}
    imp = {"impute": {"method": "group_median", "params": {"group": "size"}}}
    got = run(tmp_path, rows, kader(["a"], steps=imp)).imputed["a"].tolist()
    assert got == [1.0, 1.0, 10.0, 10.0]
    bad = {"impute": {"method": "group_mean", "params": {"group": "regio_x"}}}
    with pytest.raises(FrameworkError, match="groepskolom 'regio_x' niet gevonden"):
        run(tmp_path, rows, kader(["a"], steps=bad))


# ---------------------------------------------------------------------------------------------
# 7. no default thresholds


def test_7_no_min_share_nor_min_data_share_by_default(tmp_path: Path) -> None:
    rows = {"A": {"a": 1, "b": None, "c": None}, "B": {"a": 2, "b": 5, "c": 1},
            "C": {"a": 3, "b": 7, "c": 3}}
    coinr = run(tmp_path, rows, kader(["a", "b", "c"]))
    assert coinr.screened.empty
    assert coinr.scores.loc[(2024, "A"), "th"] == 0.0  # a alone, a_amean over what is there
    default = run(tmp_path, rows, kader(["a", "b", "c"], coinr=False))
    assert list(default.screened.index.get_level_values(1)) == ["A"]  # 33% < 50%
    low = run(tmp_path, rows, kader(["a", "b", "c"], coinr=False, screen={"min_data_share": 0}))
    assert math.isnan(low.scores.loc[(2024, "A"), "th"])  # weight share 1/3 < min_share 0.5


# ---------------------------------------------------------------------------------------------
# a small COINr-style build end to end, with every step on disk


ASEM_LIKE = """uCode,uName,EurAsia_group,Time,Area,Pop,LPI,Flights,Goods,CO2
AUT,Austria,Europe,2018,83.9,8.8,4.0,29.0,300.5,7.3
BEL,Belgium,Europe,2018,30.7,11.4,4.1,,450.1,8.1
BGR,Bulgaria,Europe,2018,111.0,7.0,2.8,3.6,,5.9
CHN,China,Asia,2018,9597.0,1386.0,3.6,,2263.4,7.0
IND,India,Asia,2018,3287.0,1339.0,3.2,51.0,560.0,1.7
JPN,Japan,Asia,2018,377.9,126.8,4.0,94.4,1450.2,
KOR,"Korea, Rep.",Asia,2018,100.2,51.5,3.6,69.0,1100.0,11.7
MNG,Mongolia,Asia,2018,1564.0,3.2,,,,
"""


def asem_kader() -> dict[str, Any]:
    return {
        "format_version": 1, "id": "asem-mini", "name": "ASEM (mini)", "level": "district",
        "conventions": "coinr",
        "screen": {"min_data_share": 0.9},
        "steps": {"impute": {"method": "group_mean", "params": {"group": "EurAsia_group"}},
                  "treat": {"method": "winsorise", "params": {"winmax": 5}},
                  "normalise": {"method": "minmax", "params": {"low": 0, "high": 100}},
                  "aggregate": {"method": "mean"}},
        "opgaven": [
            {"code": "Conn", "name": "Connectivity", "themes": [
                {"code": "Physical", "name": "Physical", "indicators": [
                    {"code": "LPI", "direction": "higher_better"},
                    {"code": "Flights", "direction": "higher_better", "denominator": "Pop"}]},
                {"code": "Econ", "name": "Economic", "indicators": [
                    {"code": "Goods", "direction": "higher_better", "denominator": "Area"}]}]},
            {"code": "Sust", "name": "Sustainability", "themes": [
                {"code": "Environ", "name": "Environmental", "weight": 2, "indicators": [
                    {"code": "CO2", "direction": "higher_worse"}]}]}],
        "overall": {"code": "Index", "name": "Index"},
    }


def _read_step(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", index_col=["year", "area_code"],
                       keep_default_na=False, na_values=[""])


def test_asem_like_build_through_the_cli_with_every_step_on_disk(tmp_path: Path) -> None:
    csv = tmp_path / "asem.csv"
    csv.write_text(ASEM_LIKE, encoding="utf-8")
    fw_path = tmp_path / "asem.yaml"
    fw_path.write_text(yaml.safe_dump(asem_kader()), encoding="utf-8")
    out, steps = tmp_path / "out.csv", tmp_path / "stappen"
    result = CliRunner().invoke(app, [
        "score", str(fw_path), "--table", str(csv), "--id-column", "uCode", "--name-column",
        "uName", "--year", "Time", "--output", str(out), "--output-steps", str(steps)])
    assert result.exit_code == 0, result.output
    assert f"Geschreven: 6 stapbestanden in {steps}" in result.stdout.replace("\n", "")
    files = {p.name for p in steps.iterdir()}
    assert files == {f"{name}.csv" for name in STEP_FILES}
    den = _read_step(steps / "denominated.csv")
    assert list(den.columns) == ["LPI", "Flights", "Goods", "CO2"]
    # Denominate: x / denominator (COINr divides, no factor 100)
    assert den.loc[(2018, "AUT"), "Flights"] == 29.0 / 8.8
    assert den.loc[(2018, "AUT"), "Goods"] == 300.5 / 83.9
    # Impute by EurAsia_group, before screening: BEL's Flights is Europe's mean of the rest
    imp = _read_step(steps / "imputed.csv")
    assert imp.loc[(2018, "BEL"), "Flights"] == pytest.approx(
        np.mean([29.0 / 8.8, 3.6 / 7.0]), rel=1e-15)
    assert imp.loc[(2018, "JPN"), "CO2"] == pytest.approx(np.mean([7.0, 1.7, 11.7]), rel=1e-15)
    # Screen (0.9) after imputing: MNG had none of the four indicators, but imputation from
    # Asia completed it, so all eight units remain
    scr = _read_step(steps / "screened.csv")
    assert len(scr) == 8 and scr.notna().all().all()
    # (screening first, as by default, drops every unit with a gap: five of the eight)
    before = asem_kader()
    before["screen"]["after_impute"] = False
    first = score_table(csv, parse_framework(before), id_column="uCode", year_column="Time")
    assert sorted(first.screened.index.get_level_values(1)) == ["BEL", "BGR", "CHN", "JPN",
                                                                "MNG"]
    norm = _read_step(steps / "normalised.csv")
    treated = _read_step(steps / "treated.csv")
    t = treated["LPI"]
    assert norm["LPI"].tolist() == ((t - t.min()) / (t.max() - t.min()) * 100).tolist()
    c = -treated["CO2"]  # direction -1 first, as Normalise.numeric
    assert norm["CO2"].tolist() == ((c - c.min()) / (c.max() - c.min()) * 100).tolist()
    # full precision: the text in the file reads back as exactly the float
    line = next(li for li in (steps / "denominated.csv").read_text("utf-8").splitlines()
                if li.startswith("2018,AUT,"))
    assert line.split(",")[3] == repr(29.0 / 8.8)
    assert (steps / "normalised.csv").read_text("utf-8").startswith("# framework: asem-mini")
    # aggregates: a_amean at each level, Environ weighted 2 within Sust (alone), Index = mean
    agg = _read_step(steps / "aggregated.csv")
    physical = norm[["LPI", "Flights"]].mean(axis=1)
    assert np.allclose(agg["Physical"], physical, rtol=0, atol=1e-12)
    assert np.allclose(agg["Conn"], (physical + norm["Goods"]) / 2, rtol=0, atol=1e-12)
    assert np.allclose(agg["Index"], (agg["Conn"] + agg["Sust"]) / 2, rtol=0, atol=1e-12)
    # --output keeps its columns: area_code is the id, name from --name-column
    scores = pd.read_csv(out, comment="#")
    assert list(scores.columns[:9]) == ["year", "area_code", "name", "node", "node_name",
                                        "node_type", "score", "rank", "tier"]
    index = scores[scores["node"] == "Index"].set_index("area_code")
    assert index.loc["KOR", "name"] == "Korea, Rep."
    want = agg["Index"].xs(2018).rank(ascending=False, method="min").astype(int)
    assert index["rank"].to_dict() == want.to_dict()


def test_default_mode_writes_steps_in_its_own_order(tmp_path: Path) -> None:
    rows = {"A": {"a": 1, "b": 10}, "B": {"a": 2, "b": None}, "C": {"a": 3, "b": 30},
            "D": {"a": None, "b": None}}
    fw = kader(["a", "b"], coinr=False, steps={"impute": {"method": "mean"}})
    result = run(tmp_path, rows, fw)
    write_steps(result, tmp_path / "s")
    den = _read_step(tmp_path / "s" / "denominated.csv")
    scr = _read_step(tmp_path / "s" / "screened.csv")
    imp = _read_step(tmp_path / "s" / "imputed.csv")
    assert list(den.index.get_level_values(1)) == ["A", "B", "C", "D"]
    # screening first: D (no data) is gone before imputing; B keeps its gap until imputed
    assert list(scr.index.get_level_values(1)) == ["A", "B", "C"]
    assert math.isnan(scr.loc[(2024, "B"), "b"]) and imp.loc[(2024, "B"), "b"] == 20.0
    # treatment not used: its file is its input unchanged
    assert _read_step(tmp_path / "s" / "treated.csv").equals(imp)
    # the steps are kept only when asked for (they are as large as the data)
    plain = score_table(table(tmp_path, rows), parse_framework(fw), year=2024, id_column="uCode")
    assert plain.steps == {}
    with pytest.raises(FrameworkError, match="keep_steps"):
        write_steps(plain, tmp_path / "s2")


# ---------------------------------------------------------------------------------------------
# any table


def test_any_table_takes_ids_as_they_are_and_keeps_text_columns(tmp_path: Path) -> None:
    path = tmp_path / "regio.csv"
    path.write_text("id;regio_naam;soort;jaar;x\n1012AB;Centrum;stad;2023;3,5\n"
                    "be-antw;Antwerpen;stad;2023;4\nAUT;Oostenrijk;land;2023;\n",
                    encoding="utf-8")
    data = from_wide_table(path, id_column="id", name_column="regio_naam", level="district")
    assert list(data.areas.index) == ["1012AB", "be-antw", "AUT"]
    assert data.areas.loc["be-antw", "name"] == "Antwerpen"
    assert data.areas.loc["AUT", "soort"] == "land"
    assert set(data.observations["indicator"]) == {"x"}
    assert data.years_with(["x"]) == [2023]
    # a text column the framework uses as an indicator is an error naming row and value
    with pytest.raises(DataError) as err:
        from_wide_table(path, id_column="id", level="district", numeric={"soort"})
    assert err.value.row == 2 and err.value.column == "soort" and err.value.value == "stad"
    with pytest.raises(DataError, match="twee keer"):
        dup = tmp_path / "dup.csv"
        dup.write_text("id,x\nA,1\nA,2\n", encoding="utf-8")
        from_wide_table(dup, id_column="id", year=2024)
    with pytest.raises(DataError, match="--id-column"):
        from_wide_table(path, id_column="code", year=2024)


def test_cli_year_column_and_bad_options(tmp_path: Path) -> None:
    csv = tmp_path / "asem.csv"
    csv.write_text(ASEM_LIKE, encoding="utf-8")
    fw_path = tmp_path / "asem.yaml"
    fw_path.write_text(yaml.safe_dump(asem_kader()), encoding="utf-8")
    runner = CliRunner()
    # Time is recognised as COINr's year column, and --year 2018 picks that year
    ok = runner.invoke(app, ["score", str(fw_path), "--table", str(csv), "--id-column",
                             "uCode", "--year", "2018"])
    assert ok.exit_code == 0, ok.output
    assert "Connectivity — 2018" in ok.stdout and "Korea, Rep." not in ok.stdout  # no names
    wrong = runner.invoke(app, ["score", str(fw_path), "--id-column", "uCode"],
                          env={"COLUMNS": "200"})
    assert wrong.exit_code == 2 and "alleen met --table" in wrong.output
    column = runner.invoke(app, ["score", str(fw_path), "--year", "Time", "--db",
                                 str(tmp_path / "geen.sqlite")], env={"COLUMNS": "200"})
    assert column.exit_code == 2 and "kan alleen met --table" in column.output
    # a table without a year column gets the year from --year
    plain = tmp_path / "plain.csv"
    plain.write_text("uCode,EurAsia_group,LPI,Flights,Pop,Goods,Area,CO2\n"
                     "A,Asia,1,2,1,3,1,4\nB,Asia,2,3,1,4,1,5\nC,Asia,3,5,1,6,1,7\n",
                     encoding="utf-8")
    ok = runner.invoke(app, ["score", str(fw_path), "--table", str(plain), "--id-column",
                             "uCode", "--year", "2030"])
    assert ok.exit_code == 0, ok.output
    assert "Connectivity — 2030" in ok.stdout


def test_group_labels_from_area_attributes_or_an_indicator() -> None:
    from wijkkompas.framework.inputs import ScoringData

    areas = pd.DataFrame({"name": ["b1", "b2", "b3"], "level": "neighbourhood",
                          "municipality_code": "GM0001",
                          "parent_code": ["WK000101", "WK000101", "WK000102"]},
                         index=pd.Index(["BU00010101", "BU00010102", "BU00010201"],
                                        name="area_code"))
    obs = pd.DataFrame({"area_code": list(areas.index), "indicator": "klasse",
                        "year": 2024, "value": [1.0, 2.0, 2.0], "status": "ok"})
    data = ScoringData(obs, areas)
    idx = pd.MultiIndex.from_product([[2024], list(areas.index)], names=["year", "area_code"])
    # a buurt's wijk (parent_code) as its group, as the database's area table gives it
    assert data.group_labels("parent_code", idx).tolist() == ["WK000101", "WK000101",
                                                              "WK000102"]
    assert data.group_labels("municipality_code", idx).tolist() == ["GM0001"] * 3
    assert data.group_labels("klasse", idx).tolist() == [1.0, 2.0, 2.0]
    with pytest.raises(FrameworkError, match="kolomnaam"):
        data.group_labels(["parent_code"], idx)  # type: ignore[arg-type]
