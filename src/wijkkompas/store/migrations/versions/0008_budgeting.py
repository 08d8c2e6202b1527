"""budgeting: buurtbudget rounds, their proposals and ballots

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=True),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("vote_type", sa.String(length=16), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_rounds")),
    )
    with op.batch_alter_table("budget_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_rounds_area_code"), ["area_code"],
                              unique=False)
    op.create_table(
        "budget_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=True),
        sa.Column("theme", sa.String(length=64), nullable=True),
        sa.Column("proposer", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["budget_rounds.id"],
                                name=op.f("fk_budget_proposals_round_id_budget_rounds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_proposals")),
        sa.UniqueConstraint("round_id", "code", name="uq_budget_proposals_code"),
    )
    with op.batch_alter_table("budget_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_proposals_round_id"), ["round_id"],
                              unique=False)
    op.create_table(
        "budget_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=64), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["budget_rounds.id"],
                                name=op.f("fk_budget_ballots_round_id_budget_rounds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_ballots")),
        sa.UniqueConstraint("round_id", "voter", name="uq_budget_ballots_voter"),
    )
    with op.batch_alter_table("budget_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_ballots_round_id"), ["round_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("budget_ballots")
    op.drop_table("budget_proposals")
    op.drop_table("budget_rounds")
