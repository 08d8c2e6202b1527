"""boundaries: a PostGIS copy of the map geometry (PostgreSQL with PostGIS only)

On PostgreSQL, when the PostGIS extension can be created, add ``boundaries.geom`` (EPSG:3857,
GiST index), a trigger that keeps it equal to ``geometry_simplified``, and fill it for the rows
already there. Elsewhere this revision changes nothing. See wijkkompas.store.postgis.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

from wijkkompas.store import postgis

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    schema = postgis.enable(conn)
    if schema is None:
        return
    gis = f'"{schema}"'
    op.execute(f"ALTER TABLE boundaries ADD COLUMN {postgis.SPATIAL_COLUMN} "
               f"{gis}.geometry(Geometry, 3857)")
    op.execute(f"""
        CREATE FUNCTION {postgis.TRIGGER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.{postgis.SPATIAL_COLUMN} := {gis}.ST_Transform({gis}.ST_SetSRID(
              {gis}.ST_GeomFromWKB(NEW.geometry_simplified), 4326), 3857);
          RETURN NEW;
        EXCEPTION WHEN OTHERS THEN  -- bytes that are no geometry: no tile, never a failed write
          NEW.{postgis.SPATIAL_COLUMN} := NULL;
          RETURN NEW;
        END $$""")
    op.execute(f"CREATE TRIGGER boundaries_geom BEFORE INSERT OR UPDATE OF geometry_simplified "
               f"ON boundaries FOR EACH ROW EXECUTE FUNCTION {postgis.TRIGGER_FUNCTION}()")
    op.execute("UPDATE boundaries SET geometry_simplified = geometry_simplified")
    op.execute(f"CREATE INDEX {postgis.SPATIAL_INDEX} ON boundaries "
               f"USING gist ({postgis.SPATIAL_COLUMN})")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not postgis.has_spatial_column(conn):
        return
    op.execute("DROP TRIGGER IF EXISTS boundaries_geom ON boundaries")
    op.execute(f"DROP FUNCTION IF EXISTS {postgis.TRIGGER_FUNCTION}()")
    op.execute(f"DROP INDEX IF EXISTS {postgis.SPATIAL_INDEX}")
    op.execute(f"ALTER TABLE boundaries DROP COLUMN IF EXISTS {postgis.SPATIAL_COLUMN}")
