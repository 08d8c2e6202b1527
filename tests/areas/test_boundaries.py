"""Boundary import and access, on the real files in ../shared/data/raw."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import table_counts
from wijkkompas.areas.boundaries import read_boundaries
from wijkkompas.cli import app
from wijkkompas.errors import DataError
from wijkkompas.store.models import Boundary
from wijkkompas.workspace import Workspace

TWENTE = "twente_wbk2021_buurten_chimneyfire"
GRONINGEN = "groningen_wbk2017_kennisnetwerk"
ASSEN = "cbs_kwb2021_2022_wijk_capybara/wijk_geojson_extracted/Assen_wijken_2022v1_kwb2021.geojson"
ROTTERDAM = "rotterdam_kwb2017_ikgeo/rotterdam_buurten.geojson"
TOPO_WIJK = "cbs_gebiedsindelingen_topojson_ties/Wijk_2014_layer_q1e3.json"
HISTOGRAPH = "rotterdam_wijkprofiel_shinyhousemap/geojsons/buurten/BU05990665.json"


def stored_crs(ws: Workspace) -> set[str]:
    with ws.engine.connect() as conn:
        return set(conn.execute(select(Boundary.crs).distinct()).scalars())


def assert_map_ready(frame) -> None:  # noqa: ANN001
    """Simplified geometries are valid polygons in lon/lat within the Netherlands."""
    geoms = np.asarray(frame.geometry.array, dtype=object)
    assert frame.crs.to_epsg() == 4326
    assert shapely.is_valid(geoms).all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    xmin, ymin, xmax, ymax = frame.total_bounds
    assert 3.0 < xmin < xmax < 7.6 and 50.6 < ymin < ymax < 53.8
    # rounded to 6 decimals
    xy = shapely.get_coordinates(geoms)
    assert np.allclose(xy, np.round(xy, 6), atol=1e-9)


def write_geojson(path: Path, features: list[dict], crs: str | None = None) -> Path:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def square(x: float, y: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                [x, y + size], [x, y]]]}


def feature(props: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


# --- real formats -----------------------------------------------------------------------


def test_shapefile_rd_new(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_boundaries(shared_data / TWENTE / "buurten.shp")
    assert (report.kind, report.form) == ("boundaries", "ESRI Shapefile")
    assert report.boundaries == report.regions == report.inserted == 455
    assert report.years == [2021]
    assert stored_crs(workspace) == {"EPSG:28992"}
    enschede = workspace.boundaries(year=2021, municipality="GM0153")
    assert len(enschede) == 70
    assert list(enschede.columns) == ["name", "level", "year", "geometry"]
    assert enschede.index.name == "area_code"
    assert set(enschede["level"]) == {"neighbourhood"}
    assert_map_ready(enschede)
    # Full geometry in RD New: Enschede is about 142 km².
    full = workspace.boundaries(municipality="GM0153", simplified=False, crs="EPSG:28992")
    assert 135 < full.area.sum() / 1e6 < 150
    # Areas were created with their parents (wijk, gemeente).
    areas = workspace.areas()
    code = enschede.index[0]
    assert areas.loc[code, "parent_code"] == "WK" + code[2:8]
    assert areas.loc["WK" + code[2:8], "parent_code"] == "GM0153"
    assert areas.loc[code, "name"] == enschede.loc[code, "name"]
    assert workspace.boundary_years() == [2021]


def test_zipped_shapefile_wgs84(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_boundaries(shared_data / GRONINGEN / "buurt2017.zip")
    assert report.boundaries == 108 and report.years == [2017]
    assert stored_crs(workspace) == {"EPSG:4326"}
    frame = workspace.boundaries(level="buurt")
    assert len(frame) == 108
    assert frame.loc["BU00140000", "name"] == "Binnenstad-Noord"
    assert_map_ready(frame)
    assert "GM0014" in workspace.areas(level="municipality").index


def test_folium_geojson_year_from_name(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_boundaries(shared_data / ASSEN)
    assert report.boundaries == 10 and report.years == [2022]  # not the KWB year 2021
    frame = workspace.boundaries(level="wijk", municipality="GM0106")
    assert frame.loc["WK010600", "name"] == "Wijk 00 Assen centrum"
    assert_map_ready(frame)


def test_geojson_with_id_field_needs_year(workspace: Workspace, shared_data: Path) -> None:
    before = table_counts(workspace)
    with pytest.raises(DataError, match="--year"):
        workspace.import_boundaries(shared_data / ROTTERDAM)
    assert table_counts(workspace) == before
    report = workspace.import_boundaries(shared_data / ROTTERDAM, year=2014)
    assert report.boundaries == 92
    assert any("gerepareerd" in w for w in report.warnings)
    frame = workspace.boundaries(year=2014)
    assert frame.loc["BU05990110", "name"] == "Stadsdriehoek"
    assert_map_ready(frame)


def test_geojson_crs84_municipalities(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_boundaries(shared_data / TWENTE / "gemeente.json")
    assert report.boundaries == 13 and report.years == [2021]
    frame = workspace.boundaries(level="municipality")
    assert frame.loc["GM0153", "name"] == "Enschede"
    assert stored_crs(workspace) == {"EPSG:4326"}


def test_topojson(workspace: Workspace, shared_data: Path) -> None:
    report = workspace.import_boundaries(shared_data / TOPO_WIJK)
    assert report.form == "TopoJSON" and report.years == [2014]
    assert any("afgeleid uit de coördinaten" in w for w in report.warnings)
    assert 2600 < report.boundaries <= 2720
    rotterdam = workspace.boundaries(municipality="GM0599")
    assert len(rotterdam) >= 20
    assert_map_ready(rotterdam)


def test_histograph_jsonld_replaces_geometry(workspace: Workspace, shared_data: Path) -> None:
    workspace.import_boundaries(shared_data / ROTTERDAM, year=2014)
    old = workspace.boundaries(year=2014, simplified=False).loc["BU05990665", "geometry"]
    report = workspace.import_boundaries(shared_data / HISTOGRAPH, year=2014)
    assert (report.boundaries, report.inserted, report.changed) == (1, 0, 1)
    frame = workspace.boundaries(year=2014, simplified=False)
    assert len(frame) == 92
    assert frame.loc["BU05990665", "name"] == "Molenlaankwartier"
    assert not frame.loc["BU05990665", "geometry"].equals(old)


def test_geopackage_multi_layer(workspace: Workspace, shared_data: Path, tmp_path: Path) -> None:
    buurten = pyogrio.read_dataframe(f"/vsizip/{shared_data / GRONINGEN / 'buurt2017.zip'}")
    wijken = pyogrio.read_dataframe(f"/vsizip/{shared_data / GRONINGEN / 'wijk2017.zip'}")
    gpkg = tmp_path / "groningen.gpkg"
    buurten.assign(JAAR=2017).to_crs("EPSG:28992").to_file(gpkg, layer="buurten")
    wijken.assign(JAAR=2017).to_crs("EPSG:28992").to_file(gpkg, layer="wijken")
    report = workspace.import_boundaries(gpkg, level="wijk")
    assert report.form == "GPKG"
    assert report.boundaries == 15 and report.years == [2017]
    assert stored_crs(workspace) == {"EPSG:28992"}
    assert set(workspace.boundaries()["level"]) == {"district"}
    report = workspace.import_boundaries(gpkg)  # both layers
    assert report.boundaries == 123 and report.unchanged == 15 and report.inserted == 108


def test_same_file_twice_is_skipped(workspace: Workspace, shared_data: Path) -> None:
    first = workspace.import_boundaries(shared_data / ASSEN)
    before = table_counts(workspace)
    again = workspace.import_boundaries(shared_data / ASSEN)
    assert again.skipped and again.run_id == first.run_id
    assert table_counts(workspace) == before


def test_newest_year_per_area(workspace: Workspace, shared_data: Path, tmp_path: Path) -> None:
    workspace.import_boundaries(shared_data / GRONINGEN / "buurt2017.zip")
    frame = pyogrio.read_dataframe(f"/vsizip/{shared_data / GRONINGEN / 'buurt2017.zip'}")
    later = tmp_path / "groningen_buurten_2019.geojson"
    pyogrio.write_dataframe(frame.iloc[:5], later, driver="GeoJSON")
    workspace.import_boundaries(later)
    assert workspace.boundary_years() == [2017, 2019]
    newest = workspace.boundaries()
    assert len(newest) == 108
    assert (newest["year"] == 2019).sum() == 5
    assert len(workspace.boundaries(year=2019)) == 5


def test_water_duplicates_and_invalid(workspace: Workspace, tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.01, 52.01], [5.01, 52.0],
                                                  [5.0, 52.01], [5.0, 52.0]]]}
    path = write_geojson(tmp_path / "wijken_2020.geojson", [
        feature({"WK_CODE": "WK059901", "WK_NAAM": "Centrum", "H2O": "NEE"},
                square(4.25, 51.75, 0.25)),
        feature({"WK_CODE": "WK059901", "WK_NAAM": "Centrum", "H2O": "NEE"},
                square(4.5, 51.75, 0.25)),
        feature({"WK_CODE": "WK059901", "WK_NAAM": "Centrum", "H2O": "JA"},
                square(4.75, 51.75, 0.25)),
        feature({"WK_CODE": " wk059902 ", "WK_NAAM": "Delfshaven", "H2O": "NEE"}, bowtie),
    ])
    report = workspace.import_boundaries(path)
    text = " ".join(report.warnings)
    assert "1 waterdelen" in text and "samengevoegd" in text and "gerepareerd" in text
    frame = workspace.boundaries(crs="EPSG:28992", simplified=False)
    assert sorted(frame.index) == ["WK059901", "WK059902"]
    assert frame.loc["WK059901", "geometry"].geom_type == "Polygon"  # touching squares unioned
    assert shapely.is_valid(frame.loc["WK059902", "geometry"])


def test_names_only_files_are_refused(workspace: Workspace, shared_data: Path) -> None:
    before = table_counts(workspace)
    with pytest.raises(DataError, match="geen veld met CBS-gebiedscodes") as err:
        workspace.import_boundaries(shared_data / "clickthathood_geojson" / "enschede.geojson",
                                    year=2013)
    assert err.value.file == "enschede.geojson"
    with pytest.raises(DataError, match="eigen gemeentelijke indeling"):
        workspace.import_boundaries(shared_data / GRONINGEN / "buurtindeling.zip", year=2017)
    assert table_counts(workspace) == before
    # ... unless the user names the code field.
    report = workspace.import_boundaries(shared_data / GRONINGEN / "buurtindeling.zip",
                                         year=2017, code_field="CODE")
    assert report.boundaries == 112


# --- bad input: located error, nothing changed ---------------------------------------------


def _bad_files(shared_data: Path, tmp: Path) -> list[tuple[Path, dict, str, dict]]:
    """(file, options, message pattern, expected location)."""
    empty = tmp / "leeg_2020.geojson"
    empty.write_bytes(b"")
    text = (shared_data / ASSEN).read_text(encoding="utf-8")
    truncated = tmp / "afgebroken_2022.geojson"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    data = json.loads(text)
    data["features"][3]["properties"]["gwb_code_10"] = "WK01X6"
    malformed = tmp / "assen_2022.geojson"
    malformed.write_text(json.dumps(data), encoding="utf-8")
    berlin = write_geojson(tmp / "berlijn_2020.geojson", [
        feature({"BU_CODE": "BU05990110"}, square(4.47, 51.91)),
        feature({"BU_CODE": "BU05990111"}, square(13.4, 52.5)),
    ])
    rd_outside = write_geojson(tmp / "rd_2020.geojson", [
        feature({"GM_CODE": "GM0599"}, square(-50_000, 100_000, 1000)),
    ], crs="urn:ogc:def:crs:EPSG::28992")
    mercator = write_geojson(tmp / "mercator_2020.geojson", [
        feature({"GM_CODE": "GM0599"}, square(500_000, 6_780_000, 1000)),
    ], crs="urn:ogc:def:crs:EPSG::3857")
    points = write_geojson(tmp / "punten_2020.geojson", [
        feature({"GM_CODE": "GM0599"}, square(4.47, 51.91)),
        feature({"GM_CODE": "GM0014"}, {"type": "Point", "coordinates": [6.5, 53.2]}),
    ])
    return [
        (empty, {}, "leeg", {"file": empty.name}),
        (truncated, {}, "afgebroken JSON", {"file": truncated.name}),
        (malformed, {}, "geen geldige CBS-gebiedscode",
         {"file": malformed.name, "row": 4, "column": "gwb_code_10", "value": "WK01X6"}),
        (shared_data / "clickthathood_geojson" / "rotterdam.geojson", {"year": 2012},
         "geen veld met CBS-gebiedscodes", {"file": "rotterdam.geojson"}),
        (shared_data / TWENTE / "buurten.shp", {"year": 2019}, "jaar 2019 opgegeven",
         {"file": "buurten.shp", "row": 1, "column": "jaar"}),
        (shared_data / ASSEN, {"year": 2021}, "bestandsnaam zegt 2022", {}),
        (berlin, {}, "niet in Nederland", {"file": berlin.name, "row": 2}),
        (rd_outside, {}, "niet in Nederland", {"file": rd_outside.name, "row": 1}),
        (mercator, {}, "niet ondersteund", {"file": mercator.name}),
        (points, {}, "geen vlak", {"file": points.name, "row": 2, "value": "Point"}),
    ]


def test_bad_input_is_located_and_changes_nothing(workspace: Workspace, shared_data: Path,
                                                  tmp_path: Path) -> None:
    workspace.import_boundaries(shared_data / GRONINGEN / "buurt2017.zip")
    before = table_counts(workspace)
    for path, options, pattern, where in _bad_files(shared_data, tmp_path):
        with pytest.raises(DataError, match=pattern) as err:
            workspace.import_boundaries(path, **options)
        for key, expected in where.items():
            assert getattr(err.value, key) == expected, (path.name, key, str(err.value))
        assert table_counts(workspace) == before, path.name


def test_failure_during_write_rolls_back(workspace: Workspace, shared_data: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import wijkkompas.areas.boundary_store as mod

    before = table_counts(workspace)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(mod, "write_boundaries", broken)
    with pytest.raises(RuntimeError):
        workspace.import_boundaries(shared_data / ASSEN)
    assert table_counts(workspace) == before


def test_read_only_code_field_override(shared_data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "BU05990665.json"
    shutil.copy(shared_data / HISTOGRAPH, copy)
    data = read_boundaries(copy, year=2014, name_field="type")
    assert data.frame.loc[0, "name"] == "hg:Borough"
    with pytest.raises(DataError, match="bestaat niet"):
        read_boundaries(copy, year=2014, code_field="BU_CODE")


# --- CLI --------------------------------------------------------------------------------


def test_cli_import_boundaries(database_url: str, shared_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["import", "boundaries", str(shared_data / ASSEN),
                                 "--level", "wijk", "--db", database_url])
    assert result.exit_code == 0, result.output
    assert "grenzen" in result.output and "10" in result.output
    result = runner.invoke(app, ["import", "boundaries", str(shared_data / ROTTERDAM),
                                 "--db", database_url])
    assert result.exit_code == 1
    assert "--year" in result.output
