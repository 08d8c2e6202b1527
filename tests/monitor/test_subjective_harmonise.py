"""Register vs survey, and boundary harmonisation on constructed squares."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from wijkkompas.monitor.harmonise import (
    FLAG_HARMONISED,
    classify_changes,
    code_links,
    harmonise_counts,
    harmonise_rate,
    link_series,
    overlay_weights,
)
from wijkkompas.monitor.subjective import find_pairs, register_vs_survey


def test_register_vs_survey_gap_and_drift() -> None:
    rows = [
        ("BU1", "wp_vi_obj", 2014, 100.0), ("BU1", "wp_vi_subj", 2014, 95.0),
        ("BU1", "wp_vi_obj", 2016, 110.0), ("BU1", "wp_vi_subj", 2016, 92.0),
        ("BU2", "wp_vi_obj", 2014, 90.0), ("BU2", "wp_vi_subj", 2014, 91.0),
        ("BU2", "wp_fi_obj", 2014, 90.0),  # no subjective partner: skipped
    ]
    obs = pd.DataFrame(rows, columns=["area_code", "indicator", "year", "value"])
    assert find_pairs(obs["indicator"].unique()) == {"wp_vi": ("wp_vi_obj", "wp_vi_subj")}
    table = register_vs_survey(obs).set_index(["area_code", "year"])
    assert table.loc[("BU1", 2014), "gap"] == -5.0
    assert not table.loc[("BU1", 2014), "signal"]
    late = table.loc[("BU1", 2016)]
    assert late["gap"] == -18.0 and late["gap_change"] == -13.0 and late["signal"]
    assert "negatiever" in late["signal_text"] and "lopen uiteen" in late["signal_text"]
    assert "-18,0" in late["signal_text"]
    assert table.loc[("BU2", 2014), "part_name"] == "veiligheidsindex"


def _gdf(codes: list[str], boxes: list[tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": codes}, geometry=[box(*b) for b in boxes],
                            crs="EPSG:28992").set_index("area_code")


def test_area_weighted_counts_between_boundary_years() -> None:
    # 2019: A = [0,2]x[0,1], B = [2,4]x[0,1], C = [4,5]x[0,1]
    old = _gdf(["A", "B", "C"], [(0, 0, 2000, 1000), (2000, 0, 4000, 1000), (4000, 0, 5000, 1000)])
    # 2021: A split into A1, A2; B kept; C renamed D
    new = _gdf(["A1", "A2", "B", "D"], [(0, 0, 1000, 1000), (1000, 0, 2000, 1000),
                                        (2000, 0, 4000, 1000), (4000, 0, 5000, 1000)])
    w = overlay_weights(old, new)
    changes = classify_changes(w)
    assert changes.loc["A", "relation"] == "split"
    assert changes.loc["B", "relation"] == "unchanged"
    assert changes.loc["C", "relation"] == "recoded"
    assert code_links(w) == {"C": "D"}
    values = pd.DataFrame({"area_code": ["A", "B", "C"], "indicator": "a_inw", "year": 2019,
                           "value": [1000.0, 500.0, 70.0]})
    out = harmonise_counts(values, w).set_index("area_code")
    assert out.loc["A1", "value"] == pytest.approx(500.0)
    assert out.loc["A2", "value"] == pytest.approx(500.0)
    assert out.loc["D", "value"] == pytest.approx(70.0)
    assert out["value"].sum() == pytest.approx(1570.0)  # counts are conserved
    assert (out["flag"] == FLAG_HARMONISED).all() and out["coverage"].min() == pytest.approx(1)
    # merge back: A1 + A2 -> A
    back = harmonise_counts(out.reset_index()[["area_code", "indicator", "year", "value"]],
                            overlay_weights(new, old)).set_index("area_code")
    assert back.loc["A", "value"] == pytest.approx(1000.0)
    assert classify_changes(overlay_weights(new, old)).loc["A1", "relation"] == "merged"
    rate = harmonise_rate(values.assign(indicator="num"),
                          values.assign(indicator="den", value=[2000.0, 1000.0, 100.0]), w)
    assert rate.set_index("area_code").loc["A1", "value"] == pytest.approx(50.0)


def test_missing_source_value_gives_nan_not_an_undercount() -> None:
    old = _gdf(["A", "B"], [(0, 0, 1000, 1000), (1000, 0, 2000, 1000)])
    new = _gdf(["AB"], [(0, 0, 2000, 1000)])
    values = pd.DataFrame({"area_code": ["A", "B"], "year": 2019, "value": [10.0, None]})
    out = harmonise_counts(values, overlay_weights(old, new))
    assert pd.isna(out["value"].iloc[0]) and out["coverage"].iloc[0] == pytest.approx(0.5)


def test_link_series_joins_renamed_codes_and_flags_them() -> None:
    obs = pd.DataFrame({"area_code": ["C", "C", "D"], "indicator": "a_inw",
                        "year": [2019, 2020, 2021], "value": [1.0, 2.0, 3.0]})
    linked = link_series(obs, {"C": "D"})
    assert linked["area_code"].tolist() == ["D", "D", "D"]
    assert linked["flag"].str.startswith("gekoppeld").tolist() == [True, True, False]
