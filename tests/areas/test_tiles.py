"""Large-map geometry: vector tiles from PostGIS (PostgreSQL) and GeoJSON (every database)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from wijkkompas.areas import tiles
from wijkkompas.store import postgis
from wijkkompas.workspace import Workspace

TOPO_WIJK = "cbs_gebiedsindelingen_topojson_ties/Wijk_2014_layer_q1e3.json"
ON_PG = bool(os.environ.get("WIJKKOMPAS_TEST_DATABASE_URL"))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from tests.conftest import SHARED_DATA, workspace_with

    gen = workspace_with(tmp_path_factory.mktemp("tiles"))
    ws = next(gen)
    ws.import_boundaries(SHARED_DATA / TOPO_WIJK)
    yield ws
    gen.close()


def test_boundary_year_choice() -> None:
    assert tiles.boundary_year_for([2014, 2020], 2024) == 2020
    assert tiles.boundary_year_for([2014, 2020], 2016) == 2014
    assert tiles.boundary_year_for([2014, 2020], 2012) == 2014
    assert tiles.boundary_year_for([], 2020) is None


@pytest.mark.parametrize("z,x,y", [(-1, 0, 0), (17, 0, 0), (3, 8, 0), (3, 0, -1)])
def test_tile_address_outside_the_grid(z: int, x: int, y: int) -> None:
    with pytest.raises(ValueError):
        tiles.check_tile(z, x, y)


def test_geojson_has_every_wijk_with_its_code(national: Workspace) -> None:
    data = json.loads(national.map_geojson("wijk", 2014))
    codes = {f["properties"]["code"] for f in data["features"]}
    assert 2600 < len(codes) <= 2720 and "WK059910" in codes
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])
    # rounded to 5 decimals, within the Netherlands
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][:2] \
        if data["features"][0]["geometry"]["type"] == "Polygon" else \
        data["features"][0]["geometry"]["coordinates"][0][0][0][:2]
    assert 3 < lon < 7.6 and 50.6 < lat < 53.8 and round(lon, 5) == lon
    assert json.loads(national.map_geojson("buurt", 2014))["features"] == []


def test_map_source_names_the_engine_underneath(national: Workspace) -> None:
    source = national.map_source("wijk", 2021)
    assert source is not None and source["year"] == 2014
    w, s, e, n = source["bounds"]
    assert 3 < w < e < 7.6 and 50.6 < s < n < 53.8
    with national.engine.connect() as conn:
        has_postgis = postgis.extension_schema(conn) is not None
    assert source["kind"] == ("tiles" if ON_PG and has_postgis else "geojson")
    assert national.map_source("buurt", 2021) is None


@pytest.mark.skipif(not ON_PG, reason="vector tiles need PostgreSQL with PostGIS")
def test_vector_tiles_from_postgis(national: Workspace) -> None:
    with national.engine.connect() as conn:
        if postgis.extension_schema(conn) is None:
            pytest.skip("PostGIS cannot be created in this PostgreSQL")
        assert postgis.has_spatial_column(conn)
        # the trigger filled the spatial copy for every imported boundary
        filled = conn.execute(text("SELECT count(*), count(geom) FROM boundaries")).one()
    assert filled[0] == filled[1] > 2600
    x, y = tile_of(4.48, 51.90, 10)  # Rotterdam
    tile = national.map_tile("wijk", 2014, 10, x, y)
    assert len(tile) > 1000 and b"gebieden" in tile and b"WK0599" in tile
    # the whole country at zoom 5 stays small (simplified per zoom level)
    x5, y5 = tile_of(5.3, 52.2, 5)
    assert 0 < len(national.map_tile("wijk", 2014, 5, x5, y5)) < 600_000
    # far away, nothing
    assert national.map_tile("wijk", 2014, 10, 0, 0) == b""
    # an update of the map copy updates the spatial copy
    with national.engine.begin() as conn:
        conn.execute(text("UPDATE boundaries SET geometry_simplified = geometry_simplified"))
        assert conn.execute(text("SELECT count(*) FROM boundaries WHERE geom IS NULL")).scalar() == 0


def test_no_postgis_on_sqlite(national: Workspace, tmp_path: Path) -> None:
    with national.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert postgis.extension_schema(conn) is None
            assert not tiles.tiles_available(conn)
