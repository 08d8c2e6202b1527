"""Map geometry for large maps: Mapbox vector tiles from PostGIS, or GeoJSON from the WKB copy.

A national map (about 14,000 buurten) is too heavy for one plotly figure. The national page draws
it with MapLibre GL JS from one of two sources, chosen by what the database offers:

* **vector tiles** (PostgreSQL with PostGIS, see :mod:`wijkkompas.store.postgis`): each tile is
  cut, simplified for its zoom level and encoded by ``ST_AsMVT`` in the database; tiles hold
  geometry, code and name only, so they do not change with the data and cache well;
* **GeoJSON** (SQLite, or PostgreSQL without PostGIS): the stored simplified WGS84 copy,
  simplified once more for the level and rounded to 5 decimals (about 1 m).

Both carry the area code as ``code``; the page colours the areas from the values separately.
"""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from sqlalchemy import Connection, select, text

from wijkkompas.areas.boundaries import normalise_level
from wijkkompas.store import postgis
from wijkkompas.store.models import Area, Boundary

LAYER = "gebieden"
EXTENT = 4096
SCREEN_TILE_PX = 512
MAX_ZOOM = 16
WEB_MERCATOR_WIDTH = 40_075_016.685578488  # metres at the equator
# GeoJSON simplification per level (degrees): a national buurt map at ~1 km/px still looks right.
GEOJSON_TOLERANCE = {"municipality": 0.002, "district": 0.0008, "neighbourhood": 0.0003}
DIGITS = 5

_TILE_SQL = """
WITH env AS (SELECT ST_TileEnvelope(:z, :x, :y) AS box)
SELECT ST_AsMVT(t, :layer, :extent, 'g') FROM (
  SELECT a.code, a.name,
         ST_AsMVTGeom(ST_Simplify(b.geom, :tol, true), env.box, :extent, 64, true) AS g
  FROM boundaries b JOIN areas a ON a.id = b.area_id, env
  WHERE b.year = :year AND a.level = :level AND b.geom && env.box
) t WHERE g IS NOT NULL
"""


def tiles_available(conn: Connection) -> bool:
    """True when this database serves vector tiles (PostGIS and the spatial column)."""
    return postgis.has_spatial_column(conn) and postgis.extension_schema(conn) is not None


def boundary_years(conn: Connection, level: str) -> list[int]:
    """The years with stored boundaries at ``level``."""
    stmt = (select(Boundary.year).distinct().join(Area, Area.id == Boundary.area_id)
            .where(Area.level == normalise_level(level)).order_by(Boundary.year))
    return [int(y) for y in conn.execute(stmt).scalars()]


def boundary_year_for(years: list[int], data_year: int) -> int | None:
    """The boundary year to draw ``data_year`` on: the newest at or before it, else the
    oldest after it (areas change slowly; the page says which year it drew)."""
    if not years:
        return None
    before = [y for y in years if y <= data_year]
    return max(before) if before else min(years)


def check_tile(z: int, x: int, y: int) -> None:
    """Raise ValueError for a tile address outside the grid."""
    if not 0 <= z <= MAX_ZOOM:
        raise ValueError(f"zoom {z} buiten 0–{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise ValueError(f"tegel {z}/{x}/{y} bestaat niet")


def vector_tile(conn: Connection, *, level: str, year: int, z: int, x: int, y: int) -> bytes:
    """One Mapbox vector tile (protobuf; empty bytes when no area touches it)."""
    check_tile(z, x, y)
    postgis.use_extension(conn)
    # Half a screen pixel (MapLibre draws a tile 512 px wide): finer detail is never seen, and
    # at the zoom levels of a whole-country view it is most of a tile's bytes.
    tolerance = WEB_MERCATOR_WIDTH / (1 << z) / (2 * SCREEN_TILE_PX)
    data = conn.execute(text(_TILE_SQL), {
        "z": z, "x": x, "y": y, "layer": LAYER, "extent": EXTENT, "tol": tolerance,
        "year": int(year), "level": normalise_level(level)}).scalar()
    return bytes(data or b"")


def geojson(conn: Connection, *, level: str, year: int) -> bytes:
    """All areas of ``level`` in boundary year ``year`` as compact GeoJSON (UTF-8 bytes)."""
    lvl = normalise_level(level)
    rows = conn.execute(
        select(Area.code, Area.name, Boundary.geometry_simplified)
        .join(Area, Area.id == Boundary.area_id)
        .where(Boundary.year == int(year), Area.level == lvl).order_by(Area.code)).all()
    if not rows:
        return b'{"type":"FeatureCollection","features":[]}'
    geoms = shapely.from_wkb(np.array([bytes(r[2]) for r in rows], dtype=object))
    geoms = shapely.simplify(geoms, GEOJSON_TOLERANCE.get(lvl, 0.0003), preserve_topology=True)
    geoms = shapely.set_precision(geoms, 10 ** -DIGITS)
    features = []
    for (code, name, _wkb), geom in zip(rows, geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append('{"type":"Feature","properties":' + json.dumps(
            {"code": code, "name": name}, ensure_ascii=False, separators=(",", ":"))
            + ',"geometry":' + shapely.to_geojson(geom) + "}")
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


def bounds(conn: Connection, *, level: str, year: int) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in WGS84 of the areas drawn, or None."""
    rows = conn.execute(
        select(Boundary.geometry_simplified).join(Area, Area.id == Boundary.area_id)
        .where(Boundary.year == int(year), Area.level == normalise_level(level))).scalars().all()
    if not rows:
        return None
    geoms = shapely.from_wkb(np.array([bytes(r) for r in rows], dtype=object))
    w, s, e, n = shapely.total_bounds(geoms)
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        return None
    return float(w), float(s), float(e), float(n)


__all__ = ["LAYER", "boundary_year_for", "boundary_years", "bounds", "check_tile",
           "geojson", "tiles_available", "vector_tile"]
