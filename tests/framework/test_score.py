"""The whole scoring pipeline on small hand-built data, with every expected number worked out
by hand in the comments (min-max to 0-100, weighted arithmetic mean, ranks with ties "min").

Base case, one year (2024), five wijken A-E of "Teststad" (GM9999):

    x1 (higher better) 10 20 30 40 50  -> minmax (x - 10) / 40 * 100      =  0  25  50  75 100
    x2 (higher worse)   2  0  8  4  6  -> minmax (-x + 8) / 8 * 100       = 75 100   0  50  25
    weights x1 : x2 = 1 : 3, so score = 0.25 x1n + 0.75 x2n
                                       = 56.25 81.25 12.5 56.25 43.75
    ranks (1 = best, ties "min")       =  2     1    5    2    4
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.inputs import ScoringData
from wijkkompas.framework.schema import Framework, parse_framework
from wijkkompas.framework.score import directions_for, score
from wijkkompas.framework.tiers import NO_TIER
from wijkkompas.services.framework.scoring import score_table

A, B, C, D, E = AREAS = [f"WK99990{i}" for i in range(1, 6)]
NAMES = dict(zip(AREAS, ["Alfa", "Bravo", "Charlie", "Delta", "Echo"], strict=True))
X1 = [10.0, 20, 30, 40, 50]
X2 = [2.0, 0, 8, 4, 6]
SCORES = [56.25, 81.25, 12.5, 56.25, 43.75]

Values = dict[str, dict[int, list[float | None]]]


def scoring_data(values: Values, extra: dict[str, dict[str, dict[int, float]]] | None = None,
                 areas: list[str] | None = None) -> ScoringData:
    """Long observations from ``indicator -> year -> one value per area`` (None = missing,
    status "missing"), plus ``extra`` values for reference areas (``area -> indicator ->
    year -> value``)."""
    areas = areas or AREAS
    rows = []
    for indicator, by_year in values.items():
        for year, vals in by_year.items():
            for code, v in zip(areas, vals, strict=True):
                rows.append((code, indicator, year, np.nan if v is None else float(v),
                             "missing" if v is None else "ok"))
    for code, by_ind in (extra or {}).items():
        for indicator, by_year in by_ind.items():
            for year, v in by_year.items():
                rows.append((code, indicator, year, float(v), "ok"))
    obs = pd.DataFrame(rows, columns=["area_code", "indicator", "year", "value", "status"])
    table = pd.DataFrame(
        [(c, NAMES.get(c, c), "district", "GM9999") for c in areas]
        + [("GM9999", "Teststad", "municipality", "GM9999"),
           ("GM0001", "Eenstad", "municipality", "GM0001"),
           ("GM0002", "Tweestad", "municipality", "GM0002"),
           ("NL00", "Nederland", "country", None)],
        columns=["area_code", "name", "level", "municipality_code"]).set_index("area_code")
    return ScoringData(obs, table)


def base_values(**more: dict[int, list[float | None]]) -> Values:
    return {"x1": {2024: list(X1)}, "x2": {2024: list(X2)},
            "a_inw": {2024: [1000.0] * 5}, **more}


def fw_dict(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format_version": 1, "id": "test", "name": "Testkader", "level": "district",
        "municipalities": ["GM9999"],
        "reference": {"type": "areas_mean"},
        "screen": {"min_population": 0, "min_data_share": 0.5},
        "priority": {"type": "quantile", "cuts": [0.2, 0.4]},
        "opgaven": [{"code": "leef", "name": "Leefbaarheid", "themes": [
            {"code": "t1", "name": "Thema 1", "indicators": [
                {"code": "x1", "direction": "higher_better", "weight": 1},
                {"code": "x2", "direction": "higher_worse", "weight": 3}]}]}],
    }
    data.update(over)
    return data


def make_fw(**over: Any) -> Framework:
    return parse_framework(fw_dict(**over))


def column(frame: pd.DataFrame, code: str, year: int = 2024) -> list[Any]:
    return frame.xs(year, level="year")[code].reindex(AREAS).tolist()


# --------------------------------------------------------------------------------------------
# scores, ranks, reference, contributions


def test_minmax_mean_scores_and_ranks() -> None:
    result = score(make_fw(), scoring_data(base_values()))
    assert result.years == [2024]
    assert column(result.normalised, "x1") == pytest.approx([0, 25, 50, 75, 100])
    assert column(result.normalised, "x2") == pytest.approx([75, 100, 0, 50, 25])
    assert column(result.scores, "leef") == pytest.approx(SCORES)
    assert column(result.scores, "t1") == pytest.approx(SCORES)
    assert column(result.ranks, "leef") == [2, 1, 5, 2, 4]
    assert result.weights["t1"].to_dict() == pytest.approx({"x1": 0.25, "x2": 0.75})
    # areas_mean reference: x1 = 30 -> 50, x2 = 4 -> 50, so the reference scores 50
    assert result.reference.to_dict() == pytest.approx({"x1": 30.0, "x2": 4.0})
    assert result.reference_normalised.to_dict() == pytest.approx({"x1": 50.0, "x2": 50.0})
    assert result.reference_scores["leef"] == pytest.approx(50.0)
    assert result.comparable_over_time


def test_contributions_sum_to_score_minus_reference_one_theme() -> None:
    result = score(make_fw(), scoring_data(base_values()))
    c = result.contributions
    assert list(c.columns) == ["year", "area_code", "opgave", "theme", "indicator",
                               "contribution"]
    a = c[c["area_code"] == A].set_index("indicator")["contribution"]
    # A: 0.25 * (0 - 50) = -12.5 and 0.75 * (75 - 50) = +18.75; sum 6.25 = 56.25 - 50
    assert a.to_dict() == pytest.approx({"x1": -12.5, "x2": 18.75})
    total = c.groupby("area_code")["contribution"].sum().reindex(AREAS)
    assert total.tolist() == pytest.approx([s - 50 for s in SCORES])


def test_contributions_sum_at_theme_and_opgave_level() -> None:
    """Two themes (x1 weight 1, x2 and x3 weight 3): theme contributions sum to the theme
    weight times (theme score - theme reference), and all sum to the opgave difference."""
    values = base_values(x3={2024: [1.0, 3, 5, 2, 4]})  # higher better: 0 50 100 25 75
    fw = make_fw(opgaven=[{"code": "leef", "name": "Leefbaarheid", "themes": [
        {"code": "t1", "name": "T1", "weight": 1, "indicators": [
            {"code": "x1", "direction": "higher_better"}]},
        {"code": "t2", "name": "T2", "weight": 3, "indicators": [
            {"code": "x2", "direction": "higher_worse"},
            {"code": "x3", "direction": "higher_better"}]}]}])
    result = score(fw, scoring_data(values))
    t2 = [(75 + 0) / 2, (100 + 50) / 2, (0 + 100) / 2, (50 + 25) / 2, (25 + 75) / 2]
    assert column(result.scores, "t2") == pytest.approx(t2)
    opgave = [0.25 * x + 0.75 * t for x, t in zip([0, 25, 50, 75, 100], t2, strict=True)]
    assert column(result.scores, "leef") == pytest.approx(opgave)
    refs = result.reference_scores
    assert refs["t1"] == pytest.approx(50.0)
    assert refs["t2"] == pytest.approx(50.0)  # x3 mean 3 -> 50
    assert refs["leef"] == pytest.approx(50.0)
    c = result.contributions
    by_theme = c.groupby(["area_code", "theme"])["contribution"].sum()
    for area, t1v, t2v in zip(AREAS, [0, 25, 50, 75, 100], t2, strict=True):
        assert by_theme[(area, "t1")] == pytest.approx(0.25 * (t1v - 50))
        assert by_theme[(area, "t2")] == pytest.approx(0.75 * (t2v - 50))
    total = c.groupby("area_code")["contribution"].sum().reindex(AREAS)
    assert total.tolist() == pytest.approx([s - 50 for s in opgave])


def test_explain_strengths_and_weaknesses() -> None:
    result = score(make_fw(), scoring_data(base_values()))
    ex = result.explain(A)
    assert ex.name == "Alfa"
    assert ex.opgave == "leef"
    assert ex.year == 2024
    assert ex.score == pytest.approx(56.25)
    assert ex.reference_score == pytest.approx(50.0)
    assert (ex.rank, ex.n_ranked) == (2, 5)
    assert ex.strengths == ["x2 (+18,8)"] or ex.strengths == ["x2 (+18,7)"]  # formatting.py
    assert ex.weaknesses == ["x1 (-12,5)"]
    assert list(ex.contributions.index) == ["x1", "x2"]  # most negative first
    assert ex.contributions.loc["x1", "raw"] == 10.0
    assert ex.contributions.loc["x2", "normalised"] == pytest.approx(75.0)
    assert ex.contributions.loc["x1", "reference"] == pytest.approx(30.0)
    text = ex.summary()
    assert "Alfa (WK999901)" in text
    assert "6,2 boven de referentie" in text or "6,3 boven de referentie" in text
    # Priority rank: 1 = most urgent (lowest score); Alfa ties with another area (score rank
    # 2 of 5), and tied areas share the best rank on either scale.
    assert (ex.priority_rank, ex.assessed) == (3, True)
    assert "prioriteit 3 van 5 (1 = meest urgent)" in text
    assert "trekt omlaag: x1" in text
    with pytest.raises(Exception, match="geen score voor WK999909"):
        result.explain("WK999909")
    with pytest.raises(Exception, match="onbekende opgave"):
        result.explain(A, "nope")


# --------------------------------------------------------------------------------------------
# tiers


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        # quantile [0.2, 0.4]: share of areas scoring strictly lower: A .4, B .8, C 0, D .4, E .2
        ({"type": "quantile", "cuts": [0.2, 0.4]},
         ["overig", "overig", "hoge prioriteit", "overig", "prioriteit"]),
        # threshold 50 on the score scale
        ({"type": "threshold", "cuts": [50], "labels": ["laag", "rest"]},
         ["rest", "rest", "laag", "rest", "laag"]),
        # relative to the reference (50): 115% -> 57.5, so A and D (56.25) fall below too
        ({"type": "threshold", "cuts": [115], "labels": ["laag", "rest"],
          "relative_to_reference": True},
         ["laag", "rest", "laag", "laag", "laag"]),
        # top 2 lowest: C (12.5) and E (43.75)
        ({"type": "top_n", "n": 2}, ["overig", "overig", "prioriteit", "overig", "prioriteit"]),
        # top 3: A and D tie for third, both selected
        ({"type": "top_n", "n": 3},
         ["prioriteit", "overig", "prioriteit", "prioriteit", "prioriteit"]),
    ],
    ids=["quantile", "threshold", "relative", "top2", "top3_ties"],
)
def test_tiers(priority: dict[str, Any], expected: list[str]) -> None:
    result = score(make_fw(priority=priority), scoring_data(base_values()))
    assert column(result.tiers, "leef") == expected


def test_tiers_priority_when_high() -> None:
    fw_data = fw_dict(priority={"type": "top_n", "n": 1})
    fw_data["opgaven"][0]["priority_when"] = "high"
    result = score(parse_framework(fw_data), scoring_data(base_values()))
    assert column(result.tiers, "leef") == ["overig", "prioriteit", "overig", "overig",
                                            "overig"]


def test_tiers_min_population() -> None:
    values = base_values()
    values["a_inw"] = {2024: [1000.0, 1000, 1000, 1000, 100]}
    # scale_on_assessed: false keeps the hand-worked scale of the base case (all five areas).
    result = score(make_fw(priority={"type": "top_n", "n": 2, "min_population": 150,
                                     "scale_on_assessed": False}),
                   scoring_data(values))
    # E (100 inhabitants) gets no tier; the two lowest of the rest are C and then A/D (tied)
    assert column(result.tiers, "leef") == ["prioriteit", "overig", "prioriteit", "prioriteit",
                                            NO_TIER]
    assert any("minder dan 150 inwoners" in w for w in result.warnings)


# --------------------------------------------------------------------------------------------
# denominate and screen


def test_denominator() -> None:
    values = base_values(x3={2024: [10.0, 30, 5, 20, 7]})
    values["a_inw"] = {2024: [1000.0, 2000, 500, 1000, 0]}
    fw = make_fw(opgaven=[{"code": "leef", "name": "L", "themes": [{"code": "t1", "name": "T",
        "indicators": [{"code": "x3", "direction": "higher_worse", "denominator": "a_inw",
                        "per": 1000}]}]}])
    result = score(fw, scoring_data(values))
    raw = column(result.raw, "x3")
    assert raw[:4] == pytest.approx([10.0, 15.0, 10.0, 20.0])  # x / a_inw * 1000
    assert math.isnan(raw[4])
    assert any("x3: noemer a_inw is 0 of negatief voor 1 gebied-jaren" in w
               for w in result.warnings)


def test_screening_min_population_and_data_share() -> None:
    values = base_values()
    values["a_inw"] = {2024: [1000.0, 1000, 1000, 1000, 100]}
    values["x2"] = {2024: [2.0, 0, 8, None, 6]}
    fw = make_fw(screen={"min_population": 150, "min_data_share": 0.75})
    result = score(fw, scoring_data(values))
    assert sorted(result.screened.index.get_level_values("area_code")) == [D, E]
    reasons = result.screened["reason"].xs(2024, level="year")
    assert reasons[D] == "te weinig gegevens (50% beschikbaar)"
    assert reasons[E] == "minder dan 150 inwoners"
    assert sorted(result.scores.index.get_level_values("area_code")) == [A, B, C]
    assert any("2 gebieden (deels) uitgesloten" in w for w in result.warnings)
    # anchored on the remaining areas: x1 10..30, x2 0..8
    assert column(result.normalised.reindex(result.scores.index), "x1")[:3] == \
        pytest.approx([0, 50, 100])


# --------------------------------------------------------------------------------------------
# references

REF_AREAS = {
    "GM9999": {"x1": {2024: 20.0}, "x2": {2024: 6.0}},   # -> 25, 25
    "NL00": {"x1": {2024: 40.0}, "x2": {2024: 2.0}},     # -> 75, 75
    "GM0001": {"x1": {2024: 10.0}, "x2": {2024: 4.0}},   # mean with GM0002: 20, 6
    "GM0002": {"x1": {2024: 30.0}, "x2": {2024: 8.0}},
}


@pytest.mark.parametrize(
    ("reference", "raw", "ref_score"),
    [
        ({"type": "municipality", "municipality": "GM9999", "year": 2024}, [20, 6], 25.0),
        ({"type": "municipality"}, [20, 6], 25.0),  # the framework's first municipality
        ({"type": "national", "year": 2024}, [40, 2], 75.0),
        ({"type": "municipalities", "codes": ["GM0001", "GM0002"], "year": 2024}, [20, 6], 25.0),
        ({"type": "areas_mean"}, [30, 4], 50.0),
        ({"type": "fixed", "values": {"x1": 50, "x2": 0}}, [50, 0], 100.0),
    ],
    ids=["municipality", "municipality_default", "national", "g4_style", "areas_mean", "fixed"],
)
def test_reference_types(reference: dict[str, Any], raw: list[float], ref_score: float) -> None:
    result = score(make_fw(reference=reference), scoring_data(base_values(), REF_AREAS))
    assert result.reference[["x1", "x2"]].tolist() == pytest.approx(raw)
    assert result.reference_scores["leef"] == pytest.approx(ref_score)
    total = result.contributions.groupby("area_code")["contribution"].sum().reindex(AREAS)
    assert total.tolist() == pytest.approx([s - ref_score for s in SCORES])


def test_reference_falls_back_to_an_earlier_year_with_a_warning() -> None:
    extra = {"GM9999": {"x1": {2022: 20.0}, "x2": {2024: 6.0}}}
    fw = make_fw(reference={"type": "municipality", "municipality": "GM9999", "year": 2024})
    result = score(fw, scoring_data(base_values(), extra))
    assert result.reference[["x1", "x2"]].tolist() == pytest.approx([20.0, 6.0])
    assert "referentie voor x1: geen waarde in 2024, waarde van 2022 gebruikt" in result.warnings
    assert not any("referentie voor x2" in w for w in result.warnings)


def test_reference_without_value_is_an_error() -> None:
    extra = {"GM9999": {"x2": {2024: 6.0}}}
    fw = make_fw(reference={"type": "municipality", "municipality": "GM9999", "year": 2024})
    with pytest.raises(FrameworkError, match="heeft geen waarde voor x1"):
        score(fw, scoring_data(base_values(), extra))


def test_fixed_reference_must_cover_every_indicator() -> None:
    with pytest.raises(FrameworkError, match="reference.values mist x2"):
        score(make_fw(reference={"type": "fixed", "values": {"x1": 1}}),
              scoring_data(base_values()))


# --------------------------------------------------------------------------------------------
# anchoring and comparability over time

ONE = [{"code": "leef", "name": "L", "themes": [{"code": "t1", "name": "T", "indicators": [
    {"code": "x1", "direction": "higher_better"}]}]}]
TWO_YEARS: Values = {"x1": {2023: list(X1), 2024: [20.0, 30, 40, 50, 60]},
                     "a_inw": {2023: [1000.0] * 5, 2024: [1000.0] * 5}}


def test_anchor_base_year_lets_later_years_exceed_the_range() -> None:
    fw = make_fw(opgaven=ONE, anchor={"type": "base_year", "year": 2023})
    result = score(fw, scoring_data(TWO_YEARS))
    assert result.years == [2023, 2024]
    assert column(result.scores, "leef", 2023) == pytest.approx([0, 25, 50, 75, 100])
    # 2024 on the 2023 scale: (x - 10) / 40 * 100
    assert column(result.scores, "leef", 2024) == pytest.approx([25, 50, 75, 100, 125])
    assert result.comparable_over_time
    # the reference year defaults to the base year: mean of 2023 = 30 -> 50
    assert result.reference["x1"] == pytest.approx(30.0)


def test_anchor_pooled() -> None:
    result = score(make_fw(opgaven=ONE), scoring_data(TWO_YEARS))
    # pooled min 10, max 60
    assert column(result.scores, "leef", 2023) == pytest.approx([0, 20, 40, 60, 80])
    assert column(result.scores, "leef", 2024) == pytest.approx([20, 40, 60, 80, 100])
    assert result.comparable_over_time
    assert result.provenance()["comparable_over_time"] == "ja"


def test_anchor_per_year_is_not_comparable() -> None:
    fw = make_fw(opgaven=ONE, anchor={"type": "per_year"})
    result = score(fw, scoring_data(TWO_YEARS))
    assert column(result.scores, "leef", 2023) == pytest.approx([0, 25, 50, 75, 100])
    assert column(result.scores, "leef", 2024) == pytest.approx([0, 25, 50, 75, 100])
    assert not result.comparable_over_time
    assert result.provenance()["comparable_over_time"] == "nee"
    assert any("NIET onderling vergelijkbaar" in w for w in result.warnings)


def test_rank_based_normalisation_is_not_comparable_over_time() -> None:
    fw = make_fw(opgaven=ONE, steps={"normalise": {"method": "percentile"}})
    result = score(fw, scoring_data(TWO_YEARS))
    assert not result.comparable_over_time


def test_base_year_outside_the_scored_years() -> None:
    """Scoring a later year alone still anchors on the base year (which is added, warned)."""
    fw = make_fw(opgaven=ONE, anchor={"type": "base_year", "year": 2023})
    result = score(fw, scoring_data(TWO_YEARS), years=[2024])
    assert column(result.scores, "leef", 2024) == pytest.approx([25, 50, 75, 100, 125])
    assert result.years == [2023, 2024]
    assert "basisjaar 2023 meegescoord: de normalisatie is daarop verankerd" in result.warnings
    fw_missing = make_fw(opgaven=ONE, anchor={"type": "base_year", "year": 2019})
    with pytest.raises(FrameworkError, match="basisjaar 2019"):
        score(fw_missing, scoring_data(TWO_YEARS))


# --------------------------------------------------------------------------------------------
# imputation from history years


def test_previous_year_imputation_uses_history_before_the_scored_years() -> None:
    values: Values = {
        "x1": {2022: [99.0] * 5, 2023: [15.0, 20, 30, 40, 50], 2024: [None, 20, 30, 40, 50]},
        "x2": {2023: list(X2), 2024: list(X2)},
        "a_inw": {2023: [1000.0] * 5, 2024: [1000.0] * 5},
    }
    fw = make_fw(steps={"impute": {"method": "previous_year", "params": {"max_gap": 1}}})
    result = score(fw, scoring_data(values), years=[2024])
    assert result.years == [2024]
    assert math.isnan(column(result.raw, "x1")[0])  # raw keeps what was observed
    # A gets its 2023 value 15: minmax over 15..50 -> 0 for A, (20 - 15) / 35 * 100 for B
    assert column(result.normalised, "x1") == pytest.approx(
        [0, 500 / 35, 1500 / 35, 2500 / 35, 100])
    assert any("x1: 1 waarde geïmputeerd in 2024, laatst bekende waarde: WK999901" in w
               for w in result.warnings)
    assert not any("2023" in w or "2022" in w for w in result.warnings)


def test_previous_year_respects_max_gap() -> None:
    values: Values = {
        "x1": {2021: [15.0, 1, 1, 1, 1], 2024: [None, 20, 30, 40, 50]},
        "x2": {2024: list(X2)}, "a_inw": {2024: [1000.0] * 5},
    }
    fw = make_fw(steps={"impute": {"method": "previous_year", "params": {"max_gap": 2}}})
    result = score(fw, scoring_data(values), years=[2024])
    assert math.isnan(column(result.normalised, "x1")[0])
    assert any("x1: 1 waarde niet te imputeren in 2024" in w for w in result.warnings)


# --------------------------------------------------------------------------------------------
# koppelkansen, exports, provenance

TWO_OPGAVEN = [
    {"code": "leef", "name": "Leefbaarheid", "themes": [{"code": "t1", "name": "T1",
        "indicators": [{"code": "x1", "direction": "higher_better", "weight": 1},
                       {"code": "x2", "direction": "higher_worse", "weight": 3}]}]},
    {"code": "kans", "name": "Kansen", "themes": [{"code": "t2", "name": "T2",
        "indicators": [{"code": "x4", "direction": "higher_better"}]}]},
]


def two_opgaven():  # noqa: ANN201
    # x4 5 1 2 9 7 -> 50 0 12.5 100 75: the two lowest are B and C; leef's are C and E
    values = base_values(x4={2024: [5.0, 1, 2, 9, 7]})
    fw = make_fw(opgaven=TWO_OPGAVEN, priority={"type": "top_n", "n": 2},
                 overall={"code": "totaal", "name": "Totaal"})
    return score(fw, scoring_data(values))


def test_koppelkansen_table_and_summary() -> None:
    result = two_opgaven()
    table = result.koppelkansen()
    assert table.loc[C, "count"] == 2
    assert table.loc[C, "opgaven"] == "Leefbaarheid, Kansen"
    assert table.index[0] == C  # most opgaven first
    assert table.loc[B, "opgaven"] == "Kansen"
    assert table.loc[E, "opgaven"] == "Leefbaarheid"
    assert table.loc[A, "count"] == 0
    assert bool(table.loc[C, "leef"]) and bool(table.loc[C, "kans"])
    summary = result.koppelkansen_summary()
    assert summary.loc["Leefbaarheid, Kansen", "gebieden"] == 1
    assert summary.loc["Leefbaarheid, Kansen", "namen"] == "Charlie"
    assert set(summary.index) == {"Leefbaarheid, Kansen", "Kansen", "Leefbaarheid"}
    # Koppelkansen proper: only opgaven that coincide.
    assert list(result.koppelkansen_summary(min_opgaven=2).index) == ["Leefbaarheid, Kansen"]


def test_overall_index() -> None:
    result = two_opgaven()
    kans = [50, 0, 12.5, 100, 75]
    expected = [(s + k) / 2 for s, k in zip(SCORES, kans, strict=True)]
    assert column(result.scores, "totaal") == pytest.approx(expected)
    # reference: leef 50; kans: x4 mean 4.8 -> (4.8 - 1) / 8 * 100 = 47.5; mean 48.75
    assert result.reference_scores["kans"] == pytest.approx(47.5)
    assert result.reference_scores["totaal"] == pytest.approx(48.75)


def test_to_frame_columns() -> None:
    result = two_opgaven()
    frame = result.to_frame()
    assert list(frame.columns) == ["year", "area_code", "name", "node", "node_name",
                                   "node_type", "score", "rank", "tier", "not_assessed"]
    assert set(frame["node"]) == {"leef", "t1", "kans", "t2", "totaal"}
    assert set(frame["node_type"]) == {"opgave", "thema", "totaal"}
    row = frame[(frame["area_code"] == C) & (frame["node"] == "leef")].iloc[0]
    assert row["name"] == "Charlie"
    assert row["score"] == pytest.approx(12.5)
    assert row["rank"] == 5
    assert row["tier"] == "prioriteit"
    ranking = result.ranking("leef")
    assert list(ranking.index[:2]) == [C, E]
    assert ranking.loc[C, "priority_rank"] == 1 and ranking.loc[C, "rank"] == 5


def test_to_csv_has_provenance_header(tmp_path: Path) -> None:
    result = two_opgaven()
    path = result.to_csv(tmp_path / "scores.csv")
    lines = path.read_text("utf-8").splitlines()
    header = [line for line in lines if line.startswith("# ")]
    keys = [line[2:].split(":")[0] for line in header]
    assert keys == ["framework", "framework_version", "framework_fingerprint",
                    "data_fingerprint", "tool_version", "created", "comparable_over_time",
                    "level", "years"]
    assert f"# data_fingerprint: {result.data_fingerprint}" in header
    assert lines[len(header)].startswith("year,area_code,name,node")
    back = pd.read_csv(path, comment="#")
    assert len(back) == len(result.to_frame())
    assert back[(back["area_code"] == C) & (back["node"] == "leef")]["score"].iloc[0] == \
        pytest.approx(12.5)


def test_to_excel_sheets(tmp_path: Path) -> None:
    import openpyxl

    result = two_opgaven()
    path = result.to_excel(tmp_path / "scores.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["scores", "bijdragen", "invoer", "genormaliseerd",
                               "waarschuwingen", "herkomst"]
    book.close()
    scores = pd.read_excel(path, sheet_name="scores")
    assert len(scores) == len(result.to_frame())
    herkomst = pd.read_excel(path, sheet_name="herkomst", index_col=0)["waarde"]
    assert herkomst["data_fingerprint"] == result.data_fingerprint
    assert herkomst["framework"] == "test"
    bijdragen = pd.read_excel(path, sheet_name="bijdragen")
    assert set(bijdragen["indicator"]) == {"x1", "x2", "x4"}


def test_data_fingerprint_stable_and_sensitive() -> None:
    fw = make_fw()
    first = score(fw, scoring_data(base_values())).data_fingerprint
    assert score(fw, scoring_data(base_values())).data_fingerprint == first
    changed = base_values()
    changed["x1"] = {2024: [10.0, 20, 30, 40, 50.5]}
    assert score(fw, scoring_data(changed)).data_fingerprint != first
    # observations in another order: same fingerprint
    data = scoring_data(base_values())
    shuffled = ScoringData(data.observations.sample(frac=1, random_state=1), data.areas)
    assert score(fw, shuffled).data_fingerprint == first


def test_framework_fingerprint_in_provenance() -> None:
    fw = make_fw()
    result = score(fw, scoring_data(base_values()))
    prov = result.provenance()
    assert prov["framework_fingerprint"] == fw.fingerprint()
    other = score(fw.with_weights({"x1": 2.0}), scoring_data(base_values()))
    assert other.provenance()["framework_fingerprint"] != prov["framework_fingerprint"]


# --------------------------------------------------------------------------------------------
# errors and the wide table


def test_directions_for_neutral_indicator_needs_an_override() -> None:
    fw = make_fw(opgaven=[{"code": "o", "name": "O", "themes": [{"code": "t", "name": "T",
        "indicators": [{"code": "p_gehuwd"}, {"code": "x9"}]}]}])
    with pytest.raises(FrameworkError, match="indicator p_gehuwd: richting onbekend of "
                                             "neutraal.*direction: higher_better"):
        directions_for(fw)
    fixed = make_fw(opgaven=[{"code": "o", "name": "O", "themes": [{"code": "t", "name": "T",
        "indicators": [{"code": "p_gehuwd", "direction": "higher_worse"},
                       {"code": "p_arb_pp"}]}]}])
    assert directions_for(fixed).to_dict() == {"p_gehuwd": -1.0, "p_arb_pp": 1.0}


def test_no_areas_in_scope() -> None:
    with pytest.raises(FrameworkError, match="geen gebieden op niveau neighbourhood"):
        score(make_fw(level="neighbourhood"), scoring_data(base_values()))


def test_score_table_on_a_wide_csv(tmp_path: Path) -> None:
    path = tmp_path / "tabel.csv"
    lines = ["gebiedscode;naam;x1;x2"] + [
        f"{c};{NAMES[c]};{x1:g};{x2:g}".replace(".", ",")
        for c, x1, x2 in zip(AREAS, X1, X2, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fw = make_fw(reference={"type": "municipality", "municipality": "GM0599"},
                 screen={"min_population": 0, "min_data_share": 0.5})
    result = score_table(path, fw, year=2024)
    assert column(result.scores, "leef") == pytest.approx(SCORES)
    assert result.areas.loc[A, "name"] == "Alfa"
    assert any("referentiegebieden staan niet in de tabel" in w for w in result.warnings)
    # a framework for another level scores the table's level, and says so
    buurt = make_fw(level="neighbourhood")
    result = score_table(path, buurt, year=2024)
    assert column(result.scores, "leef") == pytest.approx(SCORES)
    assert any("geen gebieden op niveau neighbourhood" in w for w in result.warnings)


# --------------------------------------------------------------------------------------------
# properties of the full pipeline (hypothesis)

PROPS = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
DIRECTIONS = ["higher_better", "higher_worse", "higher_better"]


def prop_fw(method: str, weights: list[float] | None = None, min_share: float = 0.5
            ) -> Framework:
    weights = weights or [1.0, 2.0, 1.0]
    return make_fw(
        steps={"normalise": {"method": method}},
        screen={"min_population": 0, "min_data_share": 0.0},
        opgaven=[{"code": "o", "name": "O", "themes": [{"code": "t", "name": "T",
            "indicators": [{"code": f"i{j}", "direction": d, "weight": w}
                           for j, (d, w) in enumerate(zip(DIRECTIONS, weights, strict=True))]}],
            "aggregate": {"method": "mean", "params": {"min_share": min_share}}}])


def matrix_data(matrix: list[list[float | None]]) -> ScoringData:
    n = len(matrix)
    codes = [f"WK9999{i:02d}" for i in range(n)]
    values: Values = {f"i{j}": {2024: [row[j] for row in matrix]} for j in range(3)}
    values["a_inw"] = {2024: [1000.0] * n}
    return scoring_data(values, areas=codes)


def matrices(allow_nan: bool = False):  # noqa: ANN201
    cell = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2))
    if allow_nan:
        cell = st.one_of(cell, cell, cell, st.none())
    return st.lists(st.lists(cell, min_size=3, max_size=3), min_size=5, max_size=8)


def opgave_scores(fw: Framework, matrix: list[list[float | None]]) -> pd.Series:
    result = score(fw, matrix_data(matrix))
    return result.scores["o"].xs(2024, level="year")


@PROPS
@given(matrix=matrices(), method=st.sampled_from(["minmax", "zscore"]),
       area=st.integers(0, 7), ind=st.integers(0, 2), step=st.floats(0.01, 50))
def test_improving_an_indicator_never_lowers_the_score(matrix, method, area, ind, step) -> None:  # noqa: ANN001
    area = area % len(matrix)
    fw = prop_fw(method)
    before = opgave_scores(fw, matrix)
    better = copy.deepcopy(matrix)
    sign = 1.0 if DIRECTIONS[ind] == "higher_better" else -1.0
    better[area][ind] = round(better[area][ind] + sign * step, 2)
    after = opgave_scores(fw, better)
    code = before.index[area]
    assert after[code] >= before[code] - 1e-9


def _distinct(scores: pd.Series) -> bool:
    vals = np.sort(scores.to_numpy())
    return bool(np.all(np.diff(vals) > 1e-6))


@PROPS
@given(matrix=matrices(), method=st.sampled_from(["minmax", "zscore"]), ind=st.integers(0, 2),
       scale=st.floats(0.1, 10), shift=st.floats(-100, 100))
def test_ranks_invariant_to_affine_rescaling(matrix, method, ind, scale, shift) -> None:  # noqa: ANN001
    fw = prop_fw(method)
    result = score(fw, matrix_data(matrix))
    before = result.scores["o"]
    assume(_distinct(before))
    moved = [[v * scale + shift if j == ind else v for j, v in enumerate(row)]
             for row in matrix]
    again = score(fw, matrix_data(moved))
    assert again.scores["o"].tolist() == pytest.approx(before.tolist(), abs=1e-6)
    assert again.ranks["o"].tolist() == result.ranks["o"].tolist()


@PROPS
@given(matrix=matrices(allow_nan=True), method=st.sampled_from(["minmax", "zscore"]))
def test_no_nan_in_scores_of_areas_with_all_data(matrix, method) -> None:  # noqa: ANN001
    complete = [i for i, row in enumerate(matrix) if all(v is not None for v in row)]
    assume(complete)
    result = score(prop_fw(method, min_share=1.0), matrix_data(matrix))
    scores = result.scores["o"].xs(2024, level="year")
    for i in complete:
        assert not math.isnan(scores.iloc[i]), (i, scores)
    for col in ("o", "t"):
        assert result.ranks[col].xs(2024, level="year").iloc[complete].notna().all()


@PROPS
@given(matrix=matrices(), factor=st.floats(0.01, 100),
       weights=st.lists(st.floats(0.1, 5), min_size=3, max_size=3))
def test_scaled_weights_give_the_same_ranks(matrix, factor, weights) -> None:  # noqa: ANN001
    result = score(prop_fw("minmax", weights), matrix_data(matrix))
    assume(_distinct(result.scores["o"]))
    scaled = score(prop_fw("minmax", [w * factor for w in weights]), matrix_data(matrix))
    assert scaled.scores["o"].tolist() == pytest.approx(result.scores["o"].tolist(), abs=1e-9)
    assert scaled.ranks["o"].tolist() == result.ranks["o"].tolist()


def test_explain_area_without_a_score_says_why() -> None:
    """An area that has no score on an opgave (too little data) is explained, not a crash
    (issue 18: a NaN rank made explain() raise TypeError)."""
    values = base_values(x1={2024: [None, *X1[1:]]}, x2={2024: [None, *X2[1:]]})
    result = score(make_fw(), scoring_data(values))
    ex = result.explain(A)  # screened out: too little data
    assert not ex.assessed and ex.rank is None and ex.priority_rank is None
    assert ex.tier is None and ex.strengths == [] and ex.weaknesses == []
    assert "te weinig gegevens" in ex.reason
    assert "niet beoordeeld" in ex.summary() and ex.reason in ex.summary()
