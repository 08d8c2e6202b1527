"""Tables of the monitor: versioned targets and pilots, on the shared declarative ``Base``.

A target keeps every version: an edit adds a :class:`TargetVersion` row with the full
definition (JSON), who made it and when, so the history stays visible across council terms.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.store.models import Base


class MonitorTarget(Base):
    """A target's identity; its content lives in its versions."""

    __tablename__ = "monitor_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class MonitorTargetVersion(Base):
    """One version of a target: the full definition as JSON."""

    __tablename__ = "monitor_target_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("monitor_targets.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("target_id", "version", name="uq_monitor_target_versions_target_version"),
    )


class MonitorPilot(Base):
    """A pilot: areas, start year, linked measures and the indicators it is judged on."""

    __tablename__ = "monitor_pilots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_year: Mapped[int] = mapped_column(Integer)
    measure_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    #: indicator codes the pilot is evaluated on (migration 0006)
    subjects: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
