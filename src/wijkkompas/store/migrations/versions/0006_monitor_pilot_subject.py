"""monitor: the indicators a pilot is evaluated on, and a lock version for pilots

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_pilots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subjects", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("lock_version", sa.Integer(), nullable=False,
                                      server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("monitor_pilots", schema=None) as batch_op:
        batch_op.drop_column("lock_version")
        batch_op.drop_column("subjects")
