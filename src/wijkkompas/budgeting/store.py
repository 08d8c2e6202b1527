"""Tables of buurtbudget rounds, on the shared declarative ``Base`` (migration 0008).

A round has a budget (integer cents) for an area (by code: buurt, wijk or custom area); its
proposals keep the project id of the source file as ``code``; a ballot is a list of those codes
(and points for cumulative ballots). The file's META and extra columns are kept as JSON so the
round exports back to ``.pb``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wijkkompas.store.models import Base


class BudgetRound(Base):
    __tablename__ = "budget_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(String(32), index=True)
    budget_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(8), default="EUR")
    vote_type: Mapped[str] = mapped_column(String(16), default="approval")
    meta: Mapped[dict | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(200))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)


class BudgetProposal(Base):
    __tablename__ = "budget_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id", ondelete="CASCADE"),
                                          index=True)
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int] = mapped_column(BigInteger)
    area_code: Mapped[str | None] = mapped_column(String(32))
    theme: Mapped[str | None] = mapped_column(String(64))
    proposer: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="toegelaten")
    reason: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict | None] = mapped_column(JSON)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (UniqueConstraint("round_id", "code", name="uq_budget_proposals_code"),)


class BudgetBallot(Base):
    __tablename__ = "budget_ballots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id", ondelete="CASCADE"),
                                          index=True)
    voter: Mapped[str] = mapped_column(String(64))
    projects: Mapped[list] = mapped_column(JSON)
    points: Mapped[list | None] = mapped_column(JSON)
    extra: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("round_id", "voter", name="uq_budget_ballots_voter"),)
