"""PostGIS where the database offers it: a spatial copy of the map geometry for vector tiles.

On PostgreSQL with the PostGIS extension available, migration 0011 adds ``boundaries.geom``
(the simplified WGS84 map geometry in Web Mercator, EPSG:3857, with a GiST index) and a trigger
that fills it from ``geometry_simplified`` on every insert and update, so no writer has to know
about it. SQLite, and PostgreSQL without the extension, keep the WKB columns only; maps then
come from those (see :mod:`wijkkompas.areas.tiles`).

The column is not part of the portable models, so schema comparisons leave it (and PostGIS'
own ``spatial_ref_sys`` table) out with :func:`include_object`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import UserDefinedType

SPATIAL_COLUMN = "geom"
SPATIAL_INDEX = "ix_boundaries_geom"
TRIGGER_FUNCTION = "wijkkompas_boundaries_geom"


class Geometry(UserDefinedType):
    """PostGIS' ``geometry`` as SQLAlchemy sees it when it reflects a table (read as WKB hex;
    wijkkompas itself only reads the column inside SQL)."""

    cache_ok = True

    def __init__(self, *_args: Any, **_kw: Any) -> None:  # reflection passes (type, srid)
        super().__init__()

    def get_col_spec(self, **_kw: Any) -> str:
        return "geometry"


def register_types() -> None:
    """Let reflection recognise ``geometry`` (idempotent)."""
    for name in ("geometry", "public.geometry"):
        ischema_names.setdefault(name, Geometry)


register_types()


def extension_schema(conn: Connection) -> str | None:
    """The schema PostGIS is installed in, or None (also on SQLite)."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'")).scalar()


def enable(conn: Connection) -> str | None:
    """Create the extension when it is available and allowed; return its schema or None.

    A failure (not installed on the server, no privilege) is not an error: the database then
    works without it. It runs in a savepoint so the caller's transaction survives.
    """
    if conn.dialect.name != "postgresql":
        return None
    schema = extension_schema(conn)
    if schema is not None:
        return schema
    available = conn.execute(text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
    if not available:
        return None
    # In "public" where it exists: created in a connection's own schema (as the test-suite's
    # per-test schemas would be), the extension would vanish with that schema.
    has_public = conn.execute(text(
        "SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).scalar()
    statement = ("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public" if has_public
                 else "CREATE EXTENSION IF NOT EXISTS postgis")
    try:
        with conn.begin_nested():
            conn.execute(text(statement))
    except Exception:  # noqa: BLE001 - no privilege, or a concurrent creation: look again
        pass
    return extension_schema(conn)


def has_spatial_column(conn: Connection) -> bool:
    """True when ``boundaries.geom`` exists in the schema this connection uses."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'boundaries' AND column_name = :c"), {"c": SPATIAL_COLUMN}).scalar())


def use_extension(conn: Connection) -> str | None:
    """Put the PostGIS schema on this transaction's search path (its types and operators are
    then found however the connection's own path is set); returns the schema or None."""
    schema = extension_schema(conn)
    if schema is not None:
        conn.execute(text("SELECT set_config('search_path', current_setting('search_path') "
                          "|| ', ' || quote_ident(:s), true)"), {"s": schema})
    return schema


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic filter: leave out what PostGIS adds outside the portable models."""
    if type_ == "table" and name == "spatial_ref_sys":
        return False
    table = getattr(getattr(obj, "table", None), "name", None)
    if type_ == "column" and name == SPATIAL_COLUMN and table == "boundaries":
        return False
    return not (type_ == "index" and name == SPATIAL_INDEX)
