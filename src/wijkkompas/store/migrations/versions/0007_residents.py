"""residents: survey and participation results per area and theme

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("margin", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_runs.id"],
                                name=op.f("fk_resident_results_import_run_id_import_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_results")),
        sa.UniqueConstraint("area_code", "theme", "label", "year", "measure",
                            name="uq_resident_results_key"),
    )
    with op.batch_alter_table("resident_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_results_area_code"), ["area_code"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_resident_results_import_run_id"),
                              ["import_run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("resident_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_results_import_run_id"))
        batch_op.drop_index(batch_op.f("ix_resident_results_area_code"))
    op.drop_table("resident_results")
