"""governance: audit trail, roles and scopes, API tokens, partners and core teams

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=False,
                                      server_default="editor"))
        batch_op.add_column(sa.Column("scopes", sa.JSON(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("framework_version", sa.String(length=64), nullable=True),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_type"), ["entity_type"],
                              unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
    )
    op.create_table(
        "partner_involvements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("opgave", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], ondelete="CASCADE",
                                name=op.f("fk_partner_involvements_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_involvements")),
        sa.UniqueConstraint("partner_id", "area_code", "opgave",
                            name="uq_partner_involvements_seat"),
    )
    with op.batch_alter_table("partner_involvements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_involvements_area_code"), ["area_code"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_partner_involvements_partner_id"), ["partner_id"],
                              unique=False)
    op.create_table(
        "partner_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=True),
        sa.Column("opgave", sa.String(length=64), nullable=True),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("measure", sa.String(length=64), nullable=True),
        sa.Column("funding_stream", sa.String(length=64), nullable=True),
        sa.Column("cents", sa.BigInteger(), nullable=True),
        sa.Column("successor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], ondelete="CASCADE",
                                name=op.f("fk_partner_commitments_partner_id_partners")),
        sa.ForeignKeyConstraint(["successor_id"], ["partner_commitments.id"],
                                name=op.f("fk_partner_commitments_successor_id_partner_commitments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_commitments")),
    )
    with op.batch_alter_table("partner_commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_commitments_partner_id"), ["partner_id"],
                              unique=False)
    op.create_table(
        "core_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("funding_stream", sa.String(length=64), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_teams")),
        sa.UniqueConstraint("area_code", name=op.f("uq_core_teams_area_code")),
    )
    op.create_table(
        "core_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"],
                                name=op.f("fk_core_team_members_partner_id_partners")),
        sa.ForeignKeyConstraint(["team_id"], ["core_teams.id"], ondelete="CASCADE",
                                name=op.f("fk_core_team_members_team_id_core_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_team_members")),
    )
    with op.batch_alter_table("core_team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_team_members_team_id"), ["team_id"],
                              unique=False)
    op.create_table(
        "core_team_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["core_teams.id"], ondelete="CASCADE",
                                name=op.f("fk_core_team_decisions_team_id_core_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_team_decisions")),
    )
    with op.batch_alter_table("core_team_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_team_decisions_team_id"), ["team_id"],
                              unique=False)


def downgrade() -> None:
    for table in ("core_team_decisions", "core_team_members", "core_teams",
                  "partner_commitments", "partner_involvements", "partners", "api_tokens",
                  "audit_log"):
        op.drop_table(table)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("scopes")
        batch_op.drop_column("role")
