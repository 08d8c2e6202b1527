"""Tables for partners and core teams, on the shared declarative ``Base`` (migration 0005).

Areas are referred to by code (a buurt, wijk or custom area), opgaven by the framework's node
code, measures and funding streams by their agenda codes, so partners survive a new agenda
version or boundary year. Money is integer cents.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.store.models import Base

PARTNER_TYPES = {
    "woningcorporatie": "woningcorporatie",
    "zorg_welzijn": "zorg en welzijn",
    "politie": "politie",
    "onderwijs": "onderwijs",
    "ondernemers": "ondernemers",
    "bewoners": "bewoners(organisatie)",
    "gemeente": "gemeente",
    "rijk": "Rijk",
    "provincie": "provincie",
    "overig": "overig",
}
ROLES = {"trekker": "trekker", "partner": "partner", "betrokken": "betrokken",
         "geinformeerd": "geïnformeerd"}


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    lock_version: Mapped[int] = mapped_column(Integer, default=1)


class Involvement(Base):
    """A partner's seat at a table: one area × opgave, with a role."""

    __tablename__ = "partner_involvements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    opgave: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("partner_id", "area_code", "opgave",
                                       name="uq_partner_involvements_seat"),)


class Commitment(Base):
    __tablename__ = "partner_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    what: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str | None] = mapped_column(String(32))
    opgave: Mapped[str | None] = mapped_column(String(64))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date | None] = mapped_column(Date)
    measure: Mapped[str | None] = mapped_column(String(64))
    funding_stream: Mapped[str | None] = mapped_column(String(64))
    cents: Mapped[int | None] = mapped_column(BigInteger)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("partner_commitments.id"))


class CoreTeam(Base):
    __tablename__ = "core_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mandate: Mapped[str] = mapped_column(Text, default="")
    budget_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    funding_stream: Mapped[str | None] = mapped_column(String(64))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)


class CoreTeamMember(Base):
    __tablename__ = "core_team_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("core_teams.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    role: Mapped[str] = mapped_column(String(100), default="")


class CoreTeamDecision(Base):
    __tablename__ = "core_team_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("core_teams.id", ondelete="CASCADE"),
                                         index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
