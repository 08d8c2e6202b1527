"""The engine's speed work (issue 19) changes no result: ScoringData on integer codes gives the
same wide table, years and fingerprint as the plain pandas versions it replaced; the long
contributions table is made only when read; TOPSIS per year block equals the groupby path."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from tests.framework.test_score import base_values, make_fw, scoring_data
from wijkkompas.framework.aggregate import aggregate_topsis, contributions
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.result import Deferred
from wijkkompas.framework.score import score

# --- the plain pandas versions (before issue 19), as the oracle ------------------------------


def wide_plain(obs: pd.DataFrame, codes: list[str], indicators: list[str], years: list[int]
               ) -> pd.DataFrame:
    ok = obs[obs["status"].isin(["ok", "estimated"]) & obs["value"].notna()
             & obs["area_code"].isin(codes) & obs["indicator"].isin(indicators)
             & obs["year"].isin(years)]
    table = ok.pivot_table(index=["year", "area_code"], columns="indicator", values="value",
                           aggfunc="first", sort=False)
    full = pd.MultiIndex.from_product([sorted(years), sorted(codes)],
                                      names=["year", "area_code"])
    return table.reindex(index=full, columns=indicators).astype(float)


def years_with_plain(obs: pd.DataFrame, indicators: list[str]) -> list[int]:
    ok = obs[obs["indicator"].isin(indicators) & (obs["status"] == "ok")]
    return sorted(int(y) for y in ok["year"].unique())


def fingerprint_plain(obs: pd.DataFrame, codes: list[str], indicators: list[str],
                      years: list[int]) -> str:
    sel = obs[obs["area_code"].isin(codes) & obs["indicator"].isin(indicators)
              & obs["year"].isin(years)]
    sel = sel.sort_values(["area_code", "indicator", "year"], kind="stable")
    h = hashlib.sha256()
    h.update("|".join(sel["area_code"].astype(str).tolist()).encode())
    h.update("|".join(sel["indicator"].astype(str).tolist()).encode())
    h.update(sel["year"].to_numpy(dtype=np.int64).tobytes())
    h.update(np.nan_to_num(sel["value"].to_numpy(dtype=float), nan=-1e300).tobytes())
    h.update("|".join(sel["status"].astype(str).tolist()).encode())
    return h.hexdigest()[:16]


# --- a messy long frame -----------------------------------------------------------------------


def messy(seed: int, n: int = 3000) -> ScoringData:
    """Random observations: codes of several lengths (one with an accent), statuses ok,
    estimated, suppressed and missing, NaN values, cells given twice, no particular order."""
    rng = np.random.default_rng(seed)
    areas = ["BU00010001", "BU00010002", "WK000101", "GM0001", "BU0002000é", "NL00", "BU9"]
    inds = ["a_inw", "x", "y_lang_indicator", "z"]
    obs = pd.DataFrame({
        "area_code": rng.choice(areas, n),
        "indicator": rng.choice(inds, n),
        "year": rng.choice([2018, 2019, 2020, 2022], n),
        "value": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n).round(3)),
        "status": rng.choice(["ok", "ok", "estimated", "suppressed", "missing"], n),
    })
    obs.loc[obs["status"].isin(["suppressed", "missing"]), "value"] = np.nan
    table = pd.DataFrame({"name": areas, "level": "neighbourhood",
                          "municipality_code": "GM0001"}, index=pd.Index(areas, name="area_code"))
    return ScoringData(obs, table)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_wide_years_and_fingerprint_equal_the_plain_versions(seed: int) -> None:
    data = messy(seed)
    obs = data.observations
    for codes, inds, years in [
        (["BU00010001", "BU00010002", "BU0002000é"], ["x", "z"], [2019, 2020]),
        (["GM0001", "NL00", "BU9", "WK000101"], ["a_inw", "y_lang_indicator", "x"], [2022]),
        (["BU00010001", "ONBEKEND"], ["z", "geen_indicator"], [2018, 2021, 2022]),
    ]:
        got = data.wide(codes, inds, years)
        want = wide_plain(obs, codes, inds, years)
        pd.testing.assert_frame_equal(got, want, check_names=False, check_index_type=False,
                                      check_column_type=False)
        assert data.fingerprint(codes, inds, years) == fingerprint_plain(obs, codes, inds,
                                                                          years)
    for inds in (["x"], ["a_inw", "z"], ["geen_indicator"]):
        assert data.years_with(inds) == years_with_plain(obs, inds)
    assert data.all_years() == [2018, 2019, 2020, 2022]


def test_fingerprint_sorted_input_and_a_missing_status() -> None:
    data = messy(4)
    codes, inds, years = ["BU00010001", "GM0001", "BU0002000é"], ["x", "y_lang_indicator"], \
        [2019, 2020, 2022]
    ordered = data.observations.sort_values(["area_code", "indicator", "year"], kind="stable")
    sorted_data = ScoringData(ordered.reset_index(drop=True), data.areas)
    want = fingerprint_plain(data.observations, codes, inds, years)
    assert sorted_data.fingerprint(codes, inds, years) == want
    assert data.fingerprint(codes, inds, years) == want
    # A status that is missing altogether reads "nan" (the plain version could not hash it).
    odd = data.observations.copy()
    odd["status"] = odd["status"].astype(object)
    odd.loc[odd.index[:40], "status"] = None
    odd_data = ScoringData(odd, data.areas)
    assert odd_data.fingerprint(codes, inds, years) == fingerprint_plain(
        odd.fillna({"status": "nan"}), codes, inds, years) != want


def test_codes_follow_a_replaced_frame() -> None:
    data = messy(5)
    before = data.wide(["BU00010001"], ["x"], [2019, 2020])
    assert data.coded is data.coded  # made once
    changed = data.observations.copy()
    changed["value"] = changed["value"] + 1000.0
    data.observations = changed
    after = data.wide(["BU00010001"], ["x"], [2019, 2020])
    assert np.allclose(after.to_numpy(), before.to_numpy() + 1000.0, equal_nan=True)


def test_contributions_made_when_read() -> None:
    result = score(make_fw(), scoring_data(base_values()))
    assert isinstance(result.__dict__["_contributions"], Deferred)
    table = result.contributions
    assert list(table.columns) == ["year", "area_code", "opgave", "theme", "indicator",
                                   "contribution"]
    assert result.contributions is table  # made once
    # per row, the contributions add up to the distance to the reference score
    year, area = result.scores.index[0]
    mine = table[(table["year"] == year) & (table["area_code"] == area)
                 & (table["opgave"] == "leef")]
    assert mine["contribution"].sum() == pytest.approx(
        result.scores.loc[(year, area), "leef"] - result.reference_scores["leef"])


def test_topsis_by_year_blocks_equals_the_groupby_path() -> None:
    """Years in blocks (the fast path) and shuffled rows (the pandas groupby path) give the
    same scores, contributions and warnings, with a child constant in one year."""
    rng = np.random.default_rng(7)
    index = pd.MultiIndex.from_product([[2021, 2022, 2023], [f"BU{k:08d}" for k in range(40)]],
                                       names=["year", "area_code"])
    values = pd.DataFrame(rng.uniform(0, 100, (len(index), 4)), index=index,
                          columns=["a", "b", "c", "d"])
    values[values > 90] = np.nan
    values.loc[2022, "c"] = 5.0  # constant in 2022
    weights = pd.Series({"a": 1.0, "b": 2.0, "c": 1.0, "d": 0.5})
    reference = values.mean()
    shuffled = values.sample(frac=1, random_state=3)
    outcomes = []
    for frame in (values, shuffled):
        ctx = StepContext(directions=pd.Series(dtype=float))
        got = aggregate_topsis(frame, weights, ctx).reindex(index)
        contrib = contributions(frame, weights, reference, "topsis", ctx=ctx).reindex(index)
        outcomes.append((got, contrib, ctx.warnings))
    (s1, c1, w1), (s2, c2, w2) = outcomes
    assert np.allclose(s1.to_numpy(), s2.to_numpy(), equal_nan=True, rtol=0, atol=1e-12)
    assert np.allclose(c1.to_numpy(), c2.to_numpy(), equal_nan=True, rtol=0, atol=1e-12)
    # (the warnings name rows in the frame's order; the constant child is named alike)
    assert [m for m in w1 if "constant" in m] == [m for m in w2 if "constant" in m] == [
        "topsis: indicator(en) c constant in 2022: ideaal = slechtst, telt niet mee"]
    assert s1.notna().sum() > 100


def test_priority_ranks_kept_until_the_scores_change() -> None:
    result = score(make_fw(), scoring_data(base_values()))
    first = result.priority_ranks
    first.iloc[:, :] = -1.0  # the caller's copy; the kept one stays
    again = result.priority_ranks
    assert (again.to_numpy() != -1.0).any()
    assert again.equals(result._priority_ranks())
    result.scores = -result.scores  # new scores: ranks made anew, the other way round
    flipped = result.priority_ranks
    assert flipped.equals(result._priority_ranks()) and not flipped.equals(again)
