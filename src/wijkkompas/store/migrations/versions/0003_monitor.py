"""monitor: versioned targets and pilots

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_targets")),
        sa.UniqueConstraint("code", name=op.f("uq_monitor_targets_code")),
    )
    op.create_table(
        "monitor_target_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["monitor_targets.id"],
                                name=op.f("fk_monitor_target_versions_target_id_monitor_targets"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_target_versions")),
        sa.UniqueConstraint("target_id", "version",
                            name="uq_monitor_target_versions_target_version"),
    )
    with op.batch_alter_table("monitor_target_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitor_target_versions_target_id"), ["target_id"],
                              unique=False)
    op.create_table(
        "monitor_pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("measure_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_pilots")),
        sa.UniqueConstraint("code", name=op.f("uq_monitor_pilots_code")),
    )


def downgrade() -> None:
    op.drop_table("monitor_pilots")
    with op.batch_alter_table("monitor_target_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitor_target_versions_target_id"))
    op.drop_table("monitor_target_versions")
    op.drop_table("monitor_targets")
