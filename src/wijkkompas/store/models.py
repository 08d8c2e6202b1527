"""SQLAlchemy 2 models. Portable types only, so the same schema runs on SQLite and PostgreSQL.

Geometry is stored as WKB in a binary column (no spatial extension needed): the CRS and the
boundary year sit next to it, and a simplified WGS84 copy is kept for maps.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Observation statuses.
STATUSES = ("ok", "suppressed", "missing", "estimated")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(8), index=True)
    description: Mapped[str | None] = mapped_column(Text)


class AreaYear(Base):
    """An area exists (is published) in a given year, with the name it had then."""

    __tablename__ = "area_years"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))


class AreaMember(Base):
    """Membership of a buurt (or wijk) in a custom area."""

    __tablename__ = "area_members"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[str] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(500))
    years: Mapped[list[int]] = mapped_column(JSON, default=list)
    regions: Mapped[int] = mapped_column(Integer, default=0)
    indicators: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(64))
    theme: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    direction_note: Mapped[str] = mapped_column(Text, default="")
    denominator: Mapped[str | None] = mapped_column(String(64))
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    disclosure: Mapped[str | None] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(300))
    custom: Mapped[bool] = mapped_column(Boolean, default=False)


class Observation(Base):
    __tablename__ = "observations"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)

    __table_args__ = (Index("ix_observations_indicator_year", "indicator_id", "year"),)


class ObservationChange(Base):
    """What a newer release changed: one row per replaced value."""

    __tablename__ = "observation_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    year: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[float | None] = mapped_column(Float)
    old_status: Mapped[str] = mapped_column(String(12))
    new_value: Mapped[float | None] = mapped_column(Float)
    new_status: Mapped[str] = mapped_column(String(12))


class Boundary(Base):
    __tablename__ = "boundaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    crs: Mapped[str] = mapped_column(String(32))
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    geometry_simplified: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str | None] = mapped_column(String(500))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)

    __table_args__ = (UniqueConstraint("area_id", "year", name="uq_boundaries_area_year"),)
