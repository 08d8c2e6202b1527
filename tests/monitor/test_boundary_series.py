"""Series across a boundary change, end to end: a wijk split in two between 2019 and 2021.

Boundaries (RD New, metres; every wijk 1 km high):

* 2019: WK099901 = [0, 2000], WK099902 = [2000, 4000], WK099903 = [4000, 5000]
* 2021: WK099904 = [0, 1000] (west half of 01), WK099905 = [1000, 3000] (east half of 01 and
  west half of 02), WK099902 = [3000, 4000] (east half of 02, code kept), WK099906 =
  [4000, 5000] (03 under a new code)

Known results for 2019 (inhabitants 01 = 1000, 02 = 600, 03 = 70; share 65+ 10%, 40%, 5%):
counts 04 = 500, 05 = 500 + 300 = 800, 02 = 300, 06 = 70 (linked); share 65+ rebuilt from
numerator and denominator: 05 = (0.5·10·1000 + 0.5·40·600) / (500 + 300) = 21.25.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from wijkkompas.monitor.boundaries import FLAG_RATE, harmonise_series
from wijkkompas.monitor.harmonise import FLAG_HARMONISED, FLAG_LINKED
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.workspace import Workspace

OLD = {"WK099901": (0, 2000), "WK099902": (2000, 4000), "WK099903": (4000, 5000)}
NEW = {"WK099904": (0, 1000), "WK099905": (1000, 3000), "WK099902": (3000, 4000),
       "WK099906": (4000, 5000)}
INHABITANTS = {"WK099901": 1000.0, "WK099902": 600.0, "WK099903": 70.0}
SHARE_65 = {"WK099901": 10.0, "WK099902": 40.0, "WK099903": 5.0}


def _gdf(spec: dict[str, tuple[int, int]]) -> gpd.GeoDataFrame:
    # placed near Utrecht (RD 150 km east, 450 km north) so the importer accepts them
    return gpd.GeoDataFrame({"code": list(spec), "naam": [f"Wijk {c[-2:]}" for c in spec]},
                            geometry=[box(150000 + x0, 450000, 150000 + x1, 451000)
                                      for x0, x1 in spec.values()], crs="EPSG:28992")


def _split_workspace(ws: Workspace, folder: Path) -> None:
    for year, spec in ((2019, OLD), (2021, NEW)):
        path = folder / f"wijken_{year}.geojson"
        _gdf(spec).to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
        ws.import_boundaries(path, year=year, level="district", code_field="code",
                             name_field="naam")
    lines = ["gebied,jaar,a_inw,a_65_oo,p_65_oo,lbm_totaal"]
    for i, year in enumerate((2016, 2017, 2018, 2019)):
        grow = 1 + 0.1 * (i - 3)  # 2019 has the values above, earlier years 10% less each
        for code, inw in INHABITANTS.items():
            n = inw * grow
            lines.append(f"{code},{year},{n:g},{n * SHARE_65[code] / 100:g},{SHARE_65[code]:g},"
                         f"{0.1 * i:g}")
    for year, values in ((2021, {"WK099904": 520, "WK099905": 830, "WK099902": 310,
                                 "WK099906": 72}),
                         (2022, {"WK099904": 540, "WK099905": 850, "WK099902": 320,
                                 "WK099906": 74})):
        for code, inw in values.items():
            lines.append(f"{code},{year},{inw},{inw * 0.2:g},20,0.5")
    path = folder / "wijkcijfers.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    ws.import_table(path)


@pytest.fixture
def split_ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    _split_workspace(workspace, tmp_path)
    return workspace


def test_pure_harmonise_series_split_merge_recode() -> None:
    series = pd.DataFrame({"area_code": list(INHABITANTS), "year": 2019,
                           "value": list(INHABITANTS.values())})
    bounds = {2019: _gdf(OLD).set_index("code"), 2021: _gdf(NEW).set_index("code")}
    for frame in bounds.values():
        frame.index.name = "area_code"
    out = harmonise_series(series, bounds, method="count").series.set_index("area_code")
    assert out.loc["WK099904", "value"] == pytest.approx(500.0)
    assert out.loc["WK099905", "value"] == pytest.approx(800.0)
    assert out.loc["WK099902", "value"] == pytest.approx(300.0)
    assert out.loc["WK099906", "value"] == pytest.approx(70.0)
    assert "WK099901" not in out.index and "WK099903" not in out.index
    assert out["value"].sum() == pytest.approx(1670.0)  # counts are conserved
    assert out.loc["WK099905", "flag"].startswith(FLAG_HARMONISED)
    assert out.loc["WK099906", "flag"] == f"{FLAG_LINKED}: WK099903"
    rates = series.assign(value=list(SHARE_65.values()))
    done = harmonise_series(rates, bounds, method="rate", denominator=series)
    got = done.series.set_index("area_code")
    assert got.loc["WK099905", "value"] == pytest.approx(21.25)
    assert got.loc["WK099904", "value"] == pytest.approx(10.0)
    assert got.loc["WK099902", "value"] == pytest.approx(40.0)
    assert got.loc["WK099905", "flag"].startswith(FLAG_RATE)
    # a mean/index cannot be re-estimated: changed areas are left out and named; 03 is linked
    index = harmonise_series(rates, bounds, method="none")
    assert set(index.series["area_code"]) == {"WK099906"}
    assert "WK099905 in 2019" in index.notes[0]


def test_harmonisation_method_from_the_catalogue() -> None:
    assert svc.harmonisation_method("a_inw") == ("count", None)
    assert svc.harmonisation_method("p_65_oo") == ("rate", "a_inw")
    assert svc.harmonisation_method("lbm_totaal") == ("none", None)
    assert svc.harmonisation_method(None) == ("none", None)


def test_target_progress_on_a_split_wijk_uses_harmonised_counts(split_ws: Workspace) -> None:
    target = svc.make_target(code="split", name="Splitsing", areas=["WK099904", "WK099905"],
                             measure="indicator", subject="a_inw", kind="absolute",
                             value=1000.0, baseline_year=2016, target_year=2031,
                             direction="higher_better")
    result = svc.target_progress(split_ws, target)
    table = result.table.set_index("area_code")
    # 2016: 01 had 700 inhabitants, 02 had 420 -> 04 = 350, 05 = 350 + 210 = 560
    assert table.loc["WK099904", "baseline_value"] == pytest.approx(350.0)
    assert table.loc["WK099905", "baseline_value"] == pytest.approx(560.0)
    assert table.loc["WK099905", "current_value"] == pytest.approx(850.0)
    assert table.loc["WK099904", "n_points"] == 6  # four harmonised years + two own years
    assert table.loc["WK099904", "flags"] == (
        f"2016, 2017, 2018, 2019: {FLAG_HARMONISED}: WK099901 (2019)")
    assert table.loc["WK099905", "flags"] == (
        f"2016, 2017, 2018, 2019: {FLAG_HARMONISED}: WK099901, WK099902 (2019)")
    assert table.loc["WK099904", "forecast"] == table.loc["WK099904", "forecast"]  # a number
    assert any("geharmoniseerd" in w for w in result.warnings)


def test_gap_report_flags_harmonised_years(split_ws: Workspace) -> None:
    report = svc.gap_report(split_ws, "p_65_oo", municipalities=["GM0999"])
    table = report.table.loc["GM0999"]
    assert list(table.index) == [2016, 2017, 2018, 2019, 2021, 2022]
    assert (table["n"] == 4).all()  # always the four wijken of 2021
    assert table.loc[2019, "harmonised"] == 4 and table.loc[2021, "harmonised"] == 0
    assert table.loc[2019, "flags"] == f"{FLAG_RATE}, {FLAG_LINKED}"
    # 2019 on 2021 boundaries: 10, 21.25, 40, 5
    assert table.loc[2019, "mean"] == pytest.approx((10 + 21.25 + 40 + 5) / 4)
    assert any("grenswijziging" in w for w in report.warnings)
    index = svc.gap_report(split_ws, "lbm_totaal", municipalities=["GM0999"])
    assert index.table.loc[("GM0999", 2019), "n"] == 1  # only the recoded wijk is linked
    assert any("niet te harmoniseren" in w for w in index.warnings)
