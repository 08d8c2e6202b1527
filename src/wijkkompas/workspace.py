"""The Python API for notebooks and scripts: a workspace is one database.

    >>> from wijkkompas import open_workspace
    >>> ws = open_workspace("/tmp/doc-example.sqlite")
    >>> ws.indicators().loc["a_inw", "label_nl"]
    'Aantal inwoners'
    >>> ws.observations().empty
    True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from wijkkompas.data.load import ImportReport, Progress, sync_catalogue
from wijkkompas.errors import ConfigError
from wijkkompas.settings import Settings, as_database_url, load_settings
from wijkkompas.store.engine import current_revision, make_engine, upgrade_schema
from wijkkompas.store.models import (
    Area,
    AreaMember,
    AreaYear,
    ImportRun,
    Indicator,
    Observation,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from wijkkompas.data.statline import StatLineClient

OBS_INDEX = ["area_code", "indicator", "year"]


class Workspace:
    """One wijkkompas database with its settings."""

    def __init__(self, engine: Engine, settings: Settings, account: Any = None) -> None:
        self.engine = engine
        self.settings = settings
        # The account this workspace acts for (web, API, ``--als``); ``None`` is the local
        # operator, who has the database in hand and so may do everything.
        self.account = account

    def as_user(self, account: Any) -> Workspace:
        """The same database acting for ``account`` (an :class:`~wijkkompas.services.accounts.users.
        Account`): its name is recorded in the audit trail and every write service checks its
        role and scopes with :meth:`require`."""
        return Workspace(self.engine, dataclasses.replace(self.settings, user=account.name),
                         account)

    def require(self, action: str, entity: Any = None) -> None:
        """Raise :class:`~wijkkompas.errors.Forbidden` unless the acting account may take
        ``action`` on ``entity`` (see :func:`wijkkompas.permissions.can`); the local operator
        (no account) may do everything."""
        if self.account is None:
            return
        from wijkkompas.permissions import require

        require(self.account, action, entity)

    @classmethod
    def open(cls, target: str | Path | None = None, *, create: bool = True,
             settings: Settings | None = None) -> Workspace:
        """Open (and with ``create`` initialise or migrate) a workspace.

        ``target`` is a SQLite path or a SQLAlchemy URL; default: the configured database.
        """
        settings = settings or load_settings()
        url = as_database_url(target) if target is not None else settings.database_url
        if not create:
            _require_existing_sqlite_file(url)
        ws = cls(make_engine(url), settings)
        if create:
            ws.init()
        elif current_revision(ws.engine) is None:
            raise ConfigError(f"geen wijkkompas-database op {url}; maak er een met 'wijkkompas init'")
        return ws

    def init(self) -> None:
        """Create or migrate the schema and load the indicator catalogue."""
        upgrade_schema(self.engine)
        with self.engine.begin() as conn:
            sync_catalogue(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- imports ---------------------------------------------------------------------------

    def import_cbs(self, path: str | Path, *, year: int | None = None,
                   progress: Progress | None = None) -> ImportReport:
        from wijkkompas.services.data.imports import import_cbs

        return import_cbs(self, path, year=year, progress=progress)

    def import_statline(self, table_id: str, municipalities: list[str], *,
                        client: StatLineClient | None = None,
                        progress: Progress | None = None) -> ImportReport:
        """Import KWB table ``table_id`` (e.g. ``85984NED``) from CBS StatLine for the
        municipalities (``["GM0599", ...]``) with their wijken and buurten. Without ``client``
        the configured ``statline_url`` is used."""
        from wijkkompas.data.statline import StatLineClient
        from wijkkompas.services.data.imports import import_statline

        self.require("import", {"type": "import", "source": f"statline:{table_id}"})
        own = client is None
        active = client or StatLineClient(self.settings.statline_url)
        try:
            return import_statline(self, table_id=table_id, municipalities=municipalities,
                                   client=active, progress=progress)
        finally:
            if own:
                active.close()

    def import_table(self, path: str | Path, *, layout: str | None = None,
                     sheet: str | int | None = None, year: int | None = None,
                     code_column: str | None = None, year_column: str | None = None,
                     header_row: int | None = None, indicators: dict[str, dict] | None = None,
                     definitions: str | Path | None = None, source: str | None = None,
                     wijkprofiel: bool | None = None, progress: Progress | None = None,
                     **options: object) -> ImportReport:
        """Import a local table (CSV/Excel, wide or long) or a Rotterdam Wijkprofiel workbook;
        see :func:`wijkkompas.services.data.imports.import_table`."""
        from wijkkompas.services.data.imports import import_table

        given = dict(layout=layout, sheet=sheet, year=year, code_column=code_column,
                     year_column=year_column, header_row=header_row, indicators=indicators,
                     definitions=definitions, source=source)
        given = {k: v for k, v in given.items() if v is not None} | options
        return import_table(self, path, progress=progress, wijkprofiel=wijkprofiel, **given)

    # --- reading ---------------------------------------------------------------------------

    def areas(self, *, level: str | None = None, municipality: str | None = None
              ) -> pd.DataFrame:
        """Areas indexed by ``area_code`` with name, level, parent and the years they exist."""
        parent = aliased(Area)
        stmt = select(
            Area.code.label("area_code"), Area.name, Area.level,
            parent.code.label("parent_code"), Area.municipality_code,
        ).outerjoin(parent, Area.parent_id == parent.id).order_by(Area.code)
        if level:
            stmt = stmt.where(Area.level == level)
        if municipality:
            stmt = stmt.where(Area.municipality_code == municipality)
        with self.engine.connect() as conn:
            frame = pd.read_sql(stmt, conn)
            years = pd.read_sql(
                select(Area.code.label("area_code"), AreaYear.year).join(
                    AreaYear, AreaYear.area_id == Area.id
                ),
                conn,
            )
        by_area = years.groupby("area_code")["year"].agg(lambda s: sorted(int(y) for y in s))
        frame["years"] = frame["area_code"].map(by_area).apply(
            lambda v: v if isinstance(v, list) else []
        )
        return frame.set_index("area_code")

    def indicators(self, *, theme: str | None = None, include_sensitive: bool = True
                   ) -> pd.DataFrame:
        """The indicator catalogue as stored, indexed by ``code``."""
        stmt = select(Indicator).order_by(Indicator.theme, Indicator.code)
        if theme:
            stmt = stmt.where(Indicator.theme == theme)
        if not include_sensitive:
            stmt = stmt.where(Indicator.sensitive.is_(False))
        with self.engine.connect() as conn:
            frame = pd.read_sql(stmt, conn)
        return frame.drop(columns=["id"]).set_index("code")

    def observations(
        self,
        *,
        indicators: Iterable[str] | None = None,
        areas: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
        level: str | None = None,
        municipality: str | None = None,
    ) -> pd.DataFrame:
        """Observations in long form, index (``area_code``, ``indicator``, ``year``),
        columns ``value`` and ``status``. Suppressed and missing values are NaN with their
        status, never a number."""
        stmt = (
            select(
                Area.code.label("area_code"), Indicator.code.label("indicator"),
                Observation.year, Observation.value, Observation.status,
            )
            .join(Area, Area.id == Observation.area_id)
            .join(Indicator, Indicator.id == Observation.indicator_id)
        )
        if indicators is not None:
            stmt = stmt.where(Indicator.code.in_(list(indicators)))
        if areas is not None:
            stmt = stmt.where(Area.code.in_(list(areas)))
        if years is not None:
            stmt = stmt.where(Observation.year.in_([int(y) for y in years]))
        if level:
            stmt = stmt.where(Area.level == level)
        if municipality:
            stmt = stmt.where(Area.municipality_code == municipality)
        with self.engine.connect() as conn:
            frame = pd.read_sql(stmt, conn)
        frame["value"] = frame["value"].astype(float)
        # The contract above, whatever an importer stored: only ok/estimated carry a number.
        frame.loc[~frame["status"].isin(["ok", "estimated"]), "value"] = float("nan")
        return frame.sort_values(OBS_INDEX).set_index(OBS_INDEX)

    def save_custom_area(self, code: str, name: str, members: Iterable[str], *,
                         description: str | None = None) -> None:
        """Create or replace a custom area: a named set of buurten (a wijk or gemeente code
        stands for all its buurten).

        Needs ``edit`` on every buurt involved — the new members and, when replacing, the old
        ones — where a buurt counts as within an editor's scope when the buurt, its wijk or its
        gemeente is (so an editor of ``area:WK059910`` may draw focus areas inside Feijenoord,
        not outside it). Audited as ``custom_area.save`` with the members before and after.
        """
        from wijkkompas.areas.custom import resolve_members, save_custom_area
        from wijkkompas.audit import record

        members = list(members)
        with self.engine.begin() as conn:
            before = _custom_area_state(conn, code)
            if self.account is not None:
                old = before["member_ids"] if before else []
                ids = sorted(set(resolve_members(conn, members)) | set(old))
                self.require("edit", {"type": "custom_area",
                                      "areas": _covering_codes(conn, ids, self.account)})
            save_custom_area(conn, code, name, members, description)
            after = _custom_area_state(conn, code.strip())
            record(conn, self.settings.user, "custom_area.save", ("area", code.strip()),
                   _public(before), _public(after))

    def custom_areas(self) -> pd.DataFrame:
        """Custom areas indexed by code, with their member buurten."""
        member = aliased(Area)
        stmt = (
            select(Area.code.label("area_code"), Area.name, Area.description,
                   member.code.label("member"))
            .join(AreaMember, AreaMember.area_id == Area.id)
            .join(member, member.id == AreaMember.member_id)
            .where(Area.level == "custom")
            .order_by(Area.code, member.code)
        )
        with self.engine.connect() as conn:
            frame = pd.read_sql(stmt, conn)
        if frame.empty:
            return pd.DataFrame(columns=["name", "description", "members"]).rename_axis(
                "area_code")
        return frame.groupby(["area_code", "name"], dropna=False).agg(
            description=("description", "first"), members=("member", list)
        ).reset_index(level="name")

    def import_runs(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            frame = pd.read_sql(select(ImportRun).order_by(ImportRun.id), conn)
        return frame.set_index("id")

    # --- resident input --------------------------------------------------------------------

    def import_residents(self, path: str | Path, *, source: str | None = None,
                         sheet: str | int | None = None) -> ImportReport:
        """Import survey or participation results (a table, or a Wijkprofiel workbook's
        subjective indices); see :mod:`wijkkompas.residents.read`."""
        from wijkkompas.services.residents.usecases import import_residents

        return import_residents(self, path, source=source, sheet=sheet)

    def resident_results(self, areas: list[str] | None = None) -> pd.DataFrame:
        """Stored resident results (area, theme, label, year, measure, value, respondents,
        margin, source, import run), optionally for some areas."""
        from wijkkompas.services.residents.usecases import resident_results

        return resident_results(self, areas)

    # --- boundaries ------------------------------------------------------------------------

    def import_boundaries(self, path: str | Path, *, year: int | None = None,
                          level: str | None = None, code_field: str | None = None,
                          name_field: str | None = None, progress: Progress | None = None
                          ) -> ImportReport:
        """Import area boundaries from GeoJSON, TopoJSON, GeoPackage or a (zipped) shapefile;
        missing areas are created. See :mod:`wijkkompas.areas.boundaries`."""
        from wijkkompas.services.data.imports import import_boundaries

        return import_boundaries(self, path, year=year, level=level, code_field=code_field,
                                 name_field=name_field, progress=progress)

    def boundaries(self, *, year: int | None = None, level: str | None = None,
                   municipality: str | None = None, simplified: bool = True,
                   crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
        """Boundaries indexed by ``area_code`` with ``name``, ``level``, ``year``, ``geometry``.

        Parameters
        ----------
        year
            Boundary year; None gives the newest stored boundary of each area.
        level, municipality
            Filters (``buurt``/``wijk``/``gemeente`` or English; ``GM0599``).
        simplified
            The simplified map copy (default) or the full geometry.
        crs
            Output CRS, e.g. ``"EPSG:28992"`` for areas in square metres.
        """
        from wijkkompas.areas.boundary_store import stored_boundaries

        return stored_boundaries(self.engine, year=year, level=level,
                                 municipality=municipality, simplified=simplified, crs=crs)

    def boundary_years(self) -> list[int]:
        """The years for which boundaries are stored."""
        from wijkkompas.areas.boundary_store import stored_years

        return stored_years(self.engine)

    # --- large maps (see wijkkompas.areas.tiles) ------------------------------------------

    def map_source(self, level: str, data_year: int) -> dict[str, Any] | None:
        """How to draw ``level`` for ``data_year`` on a large map: ``{"kind": "tiles"|"geojson",
        "year": boundary year, "bounds": (w, s, e, n)}``, or None without boundaries."""
        from wijkkompas.areas import tiles

        with self.engine.connect() as conn:
            year = tiles.boundary_year_for(tiles.boundary_years(conn, level), data_year)
            if year is None:
                return None
            return {"kind": "tiles" if tiles.tiles_available(conn) else "geojson",
                    "year": year, "bounds": tiles.bounds(conn, level=level, year=year)}

    def map_tile(self, level: str, year: int, z: int, x: int, y: int) -> bytes:
        """One vector tile of ``level`` in boundary year ``year`` (PostGIS only)."""
        from wijkkompas.areas import tiles

        with self.engine.begin() as conn:  # the search path is set for this transaction only
            if not tiles.tiles_available(conn):
                from wijkkompas.errors import NotFound

                raise NotFound("Deze database levert geen vectortegels (daarvoor is PostgreSQL met "
                               "PostGIS nodig); de kaart gebruikt dan /kaart/vormen/…geojson.")
            return tiles.vector_tile(conn, level=level, year=year, z=z, x=x, y=y)

    def map_geojson(self, level: str, year: int) -> bytes:
        """All areas of ``level`` in boundary year ``year`` as compact GeoJSON."""
        from wijkkompas.areas import tiles

        with self.engine.connect() as conn:
            return tiles.geojson(conn, level=level, year=year)


# --- custom-area helpers ------------------------------------------------------------------


def _custom_area_state(conn: Any, code: str) -> dict[str, Any] | None:
    """Name, description and member buurten of custom area ``code`` (``None`` if absent)."""
    member = aliased(Area)
    row = conn.execute(select(Area.id, Area.name, Area.description)
                       .where(Area.code == code.strip(), Area.level == "custom")).first()
    if row is None:
        return None
    found = conn.execute(select(member.id, member.code)
                         .join(AreaMember, AreaMember.member_id == member.id)
                         .where(AreaMember.area_id == row.id).order_by(member.code)).all()
    return {"name": row.name, "description": row.description,
            "members": [r.code for r in found], "member_ids": [int(r.id) for r in found]}


def _public(state: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if state is None else {k: v for k, v in state.items() if k != "member_ids"}


def _covering_codes(conn: Any, buurt_ids: list[int], account: Any) -> list[str]:
    """Per buurt the code the account's scope covers it by (the buurt, its wijk or its
    gemeente, in that order); a buurt nobody covers is named by its own code, so the check
    fails on it."""
    from wijkkompas.permissions import can

    wijk, gemeente = aliased(Area), aliased(Area)
    rows = conn.execute(
        select(Area.code, wijk.code, gemeente.code)
        .outerjoin(wijk, wijk.id == Area.parent_id)
        .outerjoin(gemeente, gemeente.id == wijk.parent_id)
        .where(Area.id.in_(buurt_ids))).all()
    out = set()
    for chain in rows:
        codes = [c for c in chain if c]
        out.add(next((c for c in codes if can(account, "edit", {"area": c})), codes[0]))
    return sorted(out)


def _require_existing_sqlite_file(url: str) -> None:
    """A read-only open of a SQLite file that is not there: refuse before SQLite creates an
    empty file (and its folder) as a side effect of connecting."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database \
            or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return
    if not Path(parsed.database).exists():
        raise ConfigError(f"geen wijkkompas-database in {parsed.database}; geef de database op "
                          "met --db, of maak er een met 'wijkkompas init' of 'wijkkompas demo'")
