"""Store boundaries read by :mod:`wijkkompas.areas.boundaries` and read them back.

Geometry is kept as WKB next to its CRS (no spatial database extension needed), plus a
simplified WGS84 copy for maps. Writing happens in the caller's transaction.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from wijkkompas.areas.boundaries import KIND, WGS84, BoundaryData, normalise_level
from wijkkompas.data.load import (
    ImportReport,
    Progress,
    ensure_areas,
    finish_run,
    previous_run,
    select_in,
    start_run,
)
from wijkkompas.formatting import count
from wijkkompas.store.models import Area, Boundary

# --- storing --------------------------------------------------------------------------------


def write_boundaries(conn: Connection, frame: pd.DataFrame, area_ids: dict[str, int],
                     run_id: int, source: str) -> tuple[int, int, int]:
    """Insert new boundaries, replace differing ones, leave equal ones.

    Returns ``(inserted, changed, unchanged)``.
    """
    new = pd.DataFrame({
        "area_id": frame["area_code"].map(area_ids).to_numpy(dtype=np.int64),
        "year": frame["year"].to_numpy(dtype=np.int64),
        "crs": frame["crs"].to_numpy(dtype=object),
        "geometry": shapely.to_wkb(frame["geometry"].to_numpy(), output_dimension=2),
        "geometry_simplified": shapely.to_wkb(frame["simplified"].to_numpy(),
                                              output_dimension=2),
    })
    years = [int(y) for y in new["year"].unique()]
    old = pd.DataFrame(
        select_in(conn, select(
            Boundary.area_id, Boundary.year, Boundary.crs.label("old_crs"),
            Boundary.geometry.label("old_geometry"),
        ).where(Boundary.year.in_(years)), Boundary.area_id,
            (int(a) for a in new["area_id"].unique())),
        columns=["area_id", "year", "old_crs", "old_geometry"],
    )
    merged = new.merge(old, on=["area_id", "year"], how="left")
    exists = merged["old_crs"].notna().to_numpy()
    old_wkb = merged["old_geometry"].map(lambda b: None if b is None or b is np.nan
                                         else bytes(b))
    same = exists & (merged["old_crs"] == merged["crs"]).to_numpy() & (
        old_wkb == merged["geometry"]).to_numpy(dtype=bool)
    fresh = merged.loc[~exists]
    changed = merged.loc[exists & ~same]
    if len(fresh):
        conn.execute(insert(Boundary), [
            {"area_id": int(r.area_id), "year": int(r.year), "crs": r.crs,
             "geometry": r.geometry, "geometry_simplified": r.geometry_simplified,
             "source": source, "import_run_id": run_id}
            for r in fresh.itertuples(index=False)
        ])
    if len(changed):
        conn.execute(
            update(Boundary)
            .where(Boundary.area_id == bindparam("b_area"), Boundary.year == bindparam("b_year"))
            .values(crs=bindparam("b_crs"), geometry=bindparam("b_geom"),
                    geometry_simplified=bindparam("b_simple"), source=source,
                    import_run_id=run_id),
            [{"b_area": int(r.area_id), "b_year": int(r.year), "b_crs": r.crs,
              "b_geom": r.geometry, "b_simple": r.geometry_simplified}
             for r in changed.itertuples(index=False)],
        )
    return len(fresh), len(changed), int(same.sum())


def load_boundaries(engine: Engine, data: BoundaryData, *, user: str,
                    progress: Progress | None = None) -> ImportReport:
    """Write ``data`` in one transaction (areas created as needed) and return the report."""
    frame = data.frame
    report = ImportReport(
        file=data.file.name, kind=KIND, form=data.form, checksum=data.checksum,
        regions=int(frame["area_code"].nunique()), years=data.years,
        boundaries=len(frame), warnings=list(data.warnings),
    )
    with engine.begin() as conn:
        prev = previous_run(conn, data.checksum, KIND)
        if prev is not None:
            report.skipped = True
            report.run_id = prev.id
            return report
        run_id = start_run(conn, kind=KIND, file_name=data.file.name, checksum=data.checksum,
                           user=user, source=str(data.file))
        report.run_id = run_id
        if progress:
            progress("gebieden bijwerken")
        area_ids, created, warns = ensure_areas(conn, frame[["area_code", "name", "level",
                                                             "year"]])
        report.new_areas = created
        report.warnings.extend(warns)
        if progress:
            progress(f"{count(len(frame))} grenzen schrijven")
        report.inserted, report.changed, report.unchanged = write_boundaries(
            conn, frame, area_ids, run_id, source=data.file.name
        )
        finish_run(conn, run_id, report)
    return report


# --- reading back ---------------------------------------------------------------------------


def stored_boundaries(engine: Engine, *, year: int | None = None, level: str | None = None,
                      municipality: str | None = None, simplified: bool = True,
                      crs: str = WGS84) -> gpd.GeoDataFrame:
    """Stored boundaries, one row per area (the newest year when ``year`` is None).

    Returns a GeoDataFrame indexed by ``area_code`` with ``name``, ``level``, ``year`` and
    ``geometry`` in ``crs``.
    """
    geom_col = Boundary.geometry_simplified if simplified else Boundary.geometry
    stmt = (select(Area.code.label("area_code"), Area.name, Area.level, Boundary.year,
                   Boundary.crs.label("source_crs"), geom_col.label("wkb"))
            .join(Area, Area.id == Boundary.area_id))
    if year is not None:
        stmt = stmt.where(Boundary.year == int(year))
    else:
        newest = (select(Boundary.area_id, func.max(Boundary.year).label("newest"))
                  .group_by(Boundary.area_id).subquery())
        stmt = stmt.join(newest, (newest.c.area_id == Boundary.area_id)
                         & (newest.c.newest == Boundary.year))
    if level:
        stmt = stmt.where(Area.level == normalise_level(level))
    if municipality:
        stmt = stmt.where(Area.municipality_code == municipality.strip().upper())
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(stmt.order_by(Area.code)).all(),
                            columns=["area_code", "name", "level", "year", "source_crs", "wkb"])
    geoms = shapely.from_wkb(np.array([bytes(b) for b in rows["wkb"]], dtype=object)) \
        if len(rows) else np.array([], dtype=object)
    out = np.empty(len(rows), dtype=object)
    by_crs = (pd.Series(WGS84, index=rows.index) if simplified else rows["source_crs"])
    for src, idx in by_crs.groupby(by_crs).indices.items():  # one group per stored CRS
        out[idx] = np.asarray(gpd.GeoSeries(geoms[idx], crs=src).to_crs(crs).array,
                              dtype=object)
    frame = gpd.GeoDataFrame(
        rows[["area_code", "name", "level", "year"]].astype({"year": "int64"}),
        geometry=gpd.GeoSeries(out, crs=crs), crs=crs,
    )
    return frame.set_index("area_code")


def stored_years(engine: Engine) -> list[int]:
    """The years for which boundaries are stored."""
    with engine.connect() as conn:
        return [int(y) for y in conn.execute(
            select(Boundary.year).distinct().order_by(Boundary.year)).scalars()]
