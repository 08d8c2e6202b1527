"""Buurt level: peiljaar selection with the year of every value, who is assessed before tiers
(too few inhabitants, unknown population, business areas), the approach typology and scoring a
framework at another level. Small hand-built data (the helpers of test_score)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.framework.test_score import AREAS, column, fw_dict, scoring_data
from wijkkompas.data.codes import parse_level
from wijkkompas.errors import FrameworkError
from wijkkompas.framework.schema import parse_framework
from wijkkompas.framework.score import score, select_peiljaar
from wijkkompas.framework.tiers import NO_TIER

A, B, C, D, E = AREAS


# --- peiljaar --------------------------------------------------------------------------------


def test_select_peiljaar_takes_the_latest_value_in_the_window_and_says_which_year() -> None:
    index = pd.MultiIndex.from_product([[2016, 2017, 2020, 2021], ["a", "b"]],
                                       names=["year", "area_code"])
    wide = pd.DataFrame({"x": [1, 2, None, 20, 3, None, None, None],
                         "y": [5, None, None, None, None, None, 7, 8]}, index=index)
    values, years = select_peiljaar(wide, [2020, 2021], window=4)
    assert values.loc[(2020, "a")].tolist() == [3, 5]   # x from 2020, y from 2016
    assert values.loc[(2020, "b")].tolist() == [20, None] or \
        (values.loc[(2020, "b"), "x"] == 20 and pd.isna(values.loc[(2020, "b"), "y"]))
    assert years.loc[(2020, "a")].tolist() == [2020, 2016]
    assert years.loc[(2020, "b"), "x"] == 2017 and pd.isna(years.loc[(2020, "b"), "y"])
    # 2021: y of 2021 is newest; the window (2017-2021) no longer holds 2016
    assert values.loc[(2021, "a")].tolist() == [3, 7]
    assert years.loc[(2021, "a")].tolist() == [2020, 2021]
    assert years.loc[(2021, "b"), "y"] == 2021
    # window 0: only the peiljaar itself
    values0, years0 = select_peiljaar(wide, [2020], window=0)
    assert values0.loc[(2020, "a"), "x"] == 3 and pd.isna(values0.loc[(2020, "a"), "y"])


def test_peiljaar_scores_every_year_with_the_source_year_of_each_value() -> None:
    # x1 is measured in 2016 and 2020, x2 only in 2018: peiljaar 2020 combines both.
    values = {"x1": {2016: [10.0, 20, 30, 40, 50], 2020: [11.0, 21, 31, 41, 51]},
              "x2": {2018: [2.0, 0, 8, 4, 6]},
              "a_inw": {2020: [1000.0] * 5}}
    fw = parse_framework(fw_dict(peiljaar={"window": 4}, years=[2020]))
    result = score(fw, scoring_data(values))
    assert result.years == [2020]
    assert column(result.raw, "x1", 2020) == [11.0, 21, 31, 41, 51]
    assert column(result.raw, "x2", 2020) == [2.0, 0, 8, 4, 6]
    assert column(result.source_years, "x1", 2020) == [2020] * 5
    assert column(result.source_years, "x2", 2020) == [2018] * 5
    assert result.provenance()["peiljaar_window"] == "4"
    # Without peiljaar mode 2020 has no x2 at all.
    plain = score(parse_framework(fw_dict(years=[2020])), scoring_data(values))
    assert plain.source_years is None
    assert any("x2: geen enkele waarde" in w for w in plain.warnings)


def test_peiljaar_outside_the_window_leaves_the_value_out() -> None:
    values = {"x1": {2012: [10.0, 20, 30, 40, 50], 2020: [11.0, 21, 31, 41, 51]},
              "x2": {2012: [2.0, 0, 8, 4, 6]}, "a_inw": {2020: [1000.0] * 5}}
    fw = parse_framework(fw_dict(peiljaar={"window": 4}, years=[2020],
                                 screen={"min_data_share": 0.4}))
    result = score(fw, scoring_data(values))
    assert column(result.raw, "x2", 2020) == [None] * 5 or \
        all(pd.isna(v) for v in column(result.raw, "x2", 2020))


# --- who is assessed ---------------------------------------------------------------------------


def _assessed(priority: dict, population: list[float | None], **extra: list[float]):
    values = {"x1": {2024: [10.0, 20, 30, 40, 50]}, "x2": {2024: [2.0, 0, 8, 4, 6]},
              "a_inw": {2024: population}, **{k: {2024: v} for k, v in extra.items()}}
    fw = parse_framework(fw_dict(priority={"type": "top_n", "n": 1, **priority}))
    return score(fw, scoring_data(values))


def test_a_constructed_industrial_area_is_scored_but_not_assessed() -> None:
    # E is a business park: 300 establishments for 200 inhabitants; C has 480 inhabitants.
    result = _assessed({"min_population": 500, "max_establishments_per_inhabitant": 0.5},
                       [1000.0, 1000, 480, 1000, 200],
                       a_bedv=[50.0, 40, 30, 60, 300])
    tiers = column(result.tiers, "leef")
    reasons = result.assessment["reason"].xs(2024, level="year").reindex(AREAS).tolist()
    assert reasons[2].startswith("te weinig bewoners (minder dan 500")
    assert reasons[4].startswith("te weinig bewoners")  # the first rule that applies
    assert pd.isna(reasons[0])
    # The scale is fitted on the assessed areas A, B, D only (scale_on_assessed):
    #   x1 10 20 40 -> min-max 0 33.3 100 (C 66.7, E 133.3)
    #   x2  2  0  4 (higher worse) -> 50 100 0 (C -100, E -50)
    #   score = 0.25 x1n + 0.75 x2n -> A 37.5, B 83.3, D 25, C -58.3, E -4.2
    assert column(result.scores, "leef") == pytest.approx(
        [37.5, 83.3333, -58.3333, 25.0, -4.1667], abs=1e-3)
    # The single priority place goes to the lowest assessed area, D; C and E keep a score
    # but are not assessed.
    assert tiers == ["overig", "overig", NO_TIER, "prioriteit", NO_TIER]
    ranking = result.ranking("leef")
    assert ranking.loc[C, "not_assessed"].startswith("te weinig bewoners")
    # Without scale_on_assessed the small areas stretch the scale (as before): A and D tie.
    wide = _assessed({"min_population": 500, "max_establishments_per_inhabitant": 0.5,
                      "scale_on_assessed": False}, [1000.0, 1000, 480, 1000, 200],
                     a_bedv=[50.0, 40, 30, 60, 300])
    assert column(wide.scores, "leef")[2] == pytest.approx(12.5)
    assert column(wide.tiers, "leef") == ["prioriteit", "overig", NO_TIER, "prioriteit",
                                          NO_TIER]


def test_business_area_with_enough_inhabitants_is_not_assessed() -> None:
    result = _assessed({"min_population": 100, "max_establishments_per_inhabitant": 0.5},
                       [1000.0, 1000, 1000, 1000, 900],
                       a_bedv=[50.0, 40, 30, 60, 600])
    reason = result.assessment["reason"].xs(2024, level="year")[E]
    assert reason.startswith("bedrijventerrein of haven (meer dan 0,5")
    assert column(result.tiers, "leef")[4] == NO_TIER


def test_unknown_population_is_not_assessed() -> None:
    result = _assessed({"min_population": 100}, [1000.0, 1000, None, 1000, 1000])
    assert column(result.tiers, "leef")[2] == NO_TIER
    assert result.assessment["reason"].xs(2024, level="year")[C] == "aantal inwoners onbekend"
    kept = _assessed({"min_population": 100, "unknown_population": "assessed"},
                     [1000.0, 1000, None, 1000, 1000])
    assert column(kept.tiers, "leef")[2] == "prioriteit"


def test_a_top_tier_that_is_no_minority_gives_a_warning() -> None:
    values = {"x1": {2024: [10.0, 20, 30, 40, 50]}, "x2": {2024: [2.0, 0, 8, 4, 6]}}
    fw = parse_framework(fw_dict(priority={"type": "threshold", "cuts": [60],
                                           "labels": ["hoge prioriteit", "overig"]}))
    result = score(fw, scoring_data(values))
    # scores 56.25 81.25 12.5 56.25 43.75: four of five below 60
    assert column(result.tiers, "leef").count("hoge prioriteit") == 4
    assert any("80% van de beoordeelde gebieden in de klasse 'hoge prioriteit'" in w
               for w in result.warnings)


# --- approach typology -------------------------------------------------------------------------


def _two_opgaven(**over) -> dict:
    data = fw_dict(priority={"type": "quantile", "cuts": [0.4],
                             "labels": ["prioriteit", "overig"]}, **over)
    data["opgaven"] = [
        {"code": "urgentie", "name": "Urgentie", "themes": [
            {"code": "t_u", "name": "U", "indicators": [
                {"code": "x1", "direction": "higher_better"}]}]},
        {"code": "potentie", "name": "Potentie", "priority_when": "high", "themes": [
            {"code": "t_p", "name": "P", "indicators": [
                {"code": "x2", "direction": "higher_better"}]}]},
    ]
    data["approach"] = {"name": "Aanpak", "default": "regulier", "rules": [
        {"approach": "intensief herstructureren",
         "tiers": {"urgentie": ["prioriteit"], "potentie": ["overig"]}},
        {"approach": "investeren met partners", "tiers": {"urgentie": ["prioriteit"]}},
        {"approach": "preventief versterken", "declining": ["urgentie"]},
    ]}
    return data


def test_approach_rules_first_match_wins_with_an_explanation() -> None:
    # urgentie: x1 10 20 30 40 50 -> A, B lowest 40% = prioriteit
    # potentie (high first): x2 2 0 8 4 6 -> C, E highest 40% = prioriteit
    values = {"x1": {2024: [10.0, 20, 30, 40, 50]}, "x2": {2024: [2.0, 0, 8, 4, 6]}}
    result = score(parse_framework(_two_opgaven()), scoring_data(values))
    table = result.approaches(2024)
    assert table.loc[A, "approach"] == "intensief herstructureren"
    assert table.loc[A, "rule"] == 1
    assert table.loc[A, "explanation"] == (
        "Urgentie: prioriteit; Potentie: overig → intensief herstructureren")
    assert table.loc[B, "approach"] == "intensief herstructureren"
    assert table.loc[C, "approach"] == "regulier"
    assert table.loc[C, "explanation"] == "geen regel van toepassing → regulier"
    assert result.ranking("urgentie").loc[A, "approach"] == "intensief herstructureren"
    assert set(result.to_frame()["approach"]) == {"intensief herstructureren", "regulier"}


def test_approach_declining_needs_an_earlier_comparable_year() -> None:
    values = {"x1": {2022: [10.0, 20, 30, 45, 50], 2024: [10.0, 20, 30, 40, 50]},
              "x2": {2022: [2.0, 0, 8, 4, 6], 2024: [2.0, 0, 8, 4, 6]}}
    data = _two_opgaven(anchor={"type": "pooled"})
    result = score(parse_framework(data), scoring_data(values))
    table = result.approaches(2024)
    # D fell from 45 to 40 on x1, is not urgent: preventief versterken
    assert table.loc[D, "approach"] == "preventief versterken"
    assert "Urgentie gedaald sinds 2022" in table.loc[D, "explanation"]
    first = result.approaches(2022)  # no earlier year: the rule cannot match
    assert first.loc[D, "approach"] == "regulier"


def test_an_area_without_a_tier_gets_no_approach() -> None:
    values = {"x1": {2024: [10.0, 20, 30, 40, 50]}, "x2": {2024: [2.0, 0, 8, 4, 6]},
              "a_inw": {2024: [1000.0, 100, 1000, 1000, 1000]}}
    data = _two_opgaven()
    data["priority"]["min_population"] = 500
    result = score(parse_framework(data), scoring_data(values))
    row = result.approaches(2024).loc[B]
    assert pd.isna(row["approach"])
    assert row["explanation"].startswith("niet beoordeeld — te weinig bewoners")


def test_approach_rules_are_checked_against_opgaven_and_tiers() -> None:
    data = _two_opgaven()
    data["approach"]["rules"][0]["tiers"] = {"urgentie": ["hoog"]}
    with pytest.raises(FrameworkError, match="onbekende klasse hoog"):
        parse_framework(data)
    data = _two_opgaven()
    data["approach"]["rules"][2]["declining"] = ["wonen"]
    with pytest.raises(FrameworkError, match="onbekende opgave wonen"):
        parse_framework(data)


# --- levels ----------------------------------------------------------------------------------


def test_parse_level_accepts_dutch_and_stored_names() -> None:
    assert [parse_level(n) for n in ("buurt", "Wijk", "neighbourhood", "district")] == [
        "neighbourhood", "district", "neighbourhood", "district"]
    with pytest.raises(ValueError, match="kies uit gemeente, wijk of buurt"):
        parse_level("straat")


def test_at_level_leaves_out_indicators_of_other_levels() -> None:
    data = _two_opgaven()
    data["opgaven"][1]["themes"][0]["indicators"][0]["levels"] = ["district"]
    fw = parse_framework(data)
    assert fw.level_names() == ["district", "neighbourhood"]
    buurt = fw.at_level("buurt")
    assert buurt.level == "neighbourhood"
    assert [op.code for op in buurt.opgaven] == ["urgentie"]
    # the rule that needed potentie is gone; the one on urgentie alone stays
    assert [r.approach for r in buurt.approach.rules] == [
        "investeren met partners", "preventief versterken"]
    assert fw.at_level("wijk") == fw
    with pytest.raises(FrameworkError, match="onbekend niveau"):
        fw.at_level("straat")
    only = parse_framework(fw_dict())
    data = fw_dict()
    for ind in data["opgaven"][0]["themes"][0]["indicators"]:
        ind["levels"] = ["district"]
    with pytest.raises(FrameworkError, match="geen indicatoren op niveau neighbourhood"):
        parse_framework(data).at_level("buurt")
    assert only.at_level("neighbourhood").level == "neighbourhood"
