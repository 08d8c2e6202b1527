"""The Python API for notebooks and scripts: a workspace is one database.

    >>> from wijkkompas import open_workspace
    >>> ws = open_workspace("/tmp/doc-example.sqlite")
    >>> ws.indicators().loc["a_inw", "label_nl"]
    'Aantal inwoners'
    >>> ws.observations().empty
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from wijkkompas.data.load import ImportReport, Progress, sync_catalogue
from wijkkompas.errors import ConfigError
from wijkkompas.settings import Settings, as_database_url, load_settings
from wijkkompas.store.engine import current_revision, make_engine, upgrade_schema
from wijkkompas.store.models import Area, AreaYear, ImportRun, Indicator, Observation

OBS_INDEX = ["area_code", "indicator", "year"]


class Workspace:
    """One wijkkompas database with its settings."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    @classmethod
    def open(cls, target: str | Path | None = None, *, create: bool = True,
             settings: Settings | None = None) -> Workspace:
        """Open (and with ``create`` initialise or migrate) a workspace.

        ``target`` is a SQLite path or a SQLAlchemy URL; default: the configured database.
        """
        settings = settings or load_settings()
        url = as_database_url(target) if target is not None else settings.database_url
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
        from wijkkompas.services.imports import import_cbs

        return import_cbs(self.engine, path, user=self.settings.user, year=year,
                          progress=progress)

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
        return frame.sort_values(OBS_INDEX).set_index(OBS_INDEX)

    def import_runs(self) -> pd.DataFrame:
        with self.engine.connect() as conn:
            frame = pd.read_sql(select(ImportRun).order_by(ImportRun.id), conn)
        return frame.set_index("id")
