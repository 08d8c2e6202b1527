"""means: regular means (reguliere middelen) per area, domain, year and unit

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "means_amounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE",
                                name=op.f("fk_means_amounts_area_id_areas")),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_runs.id"],
                                name=op.f("fk_means_amounts_import_run_id_import_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_means_amounts")),
        sa.UniqueConstraint("area_id", "domain", "year", "unit",
                            name="uq_means_amounts_area_domain_year_unit"),
    )
    with op.batch_alter_table("means_amounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_means_amounts_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_means_amounts_import_run_id"), ["import_run_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("means_amounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_means_amounts_import_run_id"))
        batch_op.drop_index(batch_op.f("ix_means_amounts_area_id"))
    op.drop_table("means_amounts")
