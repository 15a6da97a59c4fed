"""Revocable links: tokens move from the participant row to their own table.

A participant who lost their link gets a new one and the old one stops working.

Revision ID: 0002
Revises: 0001
Create Date: 2024-06-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_access_tokens_participant_id", "access_tokens", ["participant_id"])
    op.execute(
        "INSERT INTO access_tokens (participant_id, token, created_at) "
        "SELECT id, token, created_at FROM participants"
    )
    op.drop_index("ix_participants_token", table_name="participants")
    op.drop_column("participants", "token")


def downgrade() -> None:
    op.add_column("participants", sa.Column("token", sa.String(64), nullable=True))
    op.execute(
        "UPDATE participants SET token = (SELECT MAX(t.token) FROM access_tokens t "
        "WHERE t.participant_id = participants.id AND t.revoked_at IS NULL)"
    )
    op.create_index("ix_participants_token", "participants", ["token"], unique=True)
    op.drop_table("access_tokens")
