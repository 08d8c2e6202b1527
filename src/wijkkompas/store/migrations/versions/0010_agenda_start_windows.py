"""agenda: start windows, order rules and start-in-term per measure; yearly start discount

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("earliest_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("latest_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("start_after", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("start_in_term", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_discount", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.drop_column("start_discount")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_column("start_in_term")
        batch_op.drop_column("start_after")
        batch_op.drop_column("latest_start")
        batch_op.drop_column("earliest_start")
