"""Initial schema: cohorts, participants (token on the row), checkpoints and answers.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def _owner() -> sa.Column:
    return sa.Column(
        "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("join_code", sa.String(16), nullable=False, unique=True),
        sa.Column("modules", sa.JSON, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "cohort_id", sa.Integer, sa.ForeignKey("cohorts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("local_key", sa.String(16), nullable=True, unique=True),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_index("ix_participants_cohort_id", "participants", ["cohort_id"])
    op.create_index("ix_participants_token", "participants", ["token"], unique=True)
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("checkpoint", sa.String(40), nullable=False),
        sa.Column("started_at", STAMP, nullable=False),
        sa.UniqueConstraint("participant_id", "checkpoint"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "checkpoint_entry_id",
            sa.Integer,
            sa.ForeignKey("checkpoints.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item", sa.String(60), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("answered_at", STAMP, nullable=False),
        sa.UniqueConstraint("checkpoint_entry_id", "item"),
    )
    op.create_table(
        "scenario_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("scenario", sa.String(60), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("option", sa.Integer, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("participant_id", "scenario", "attempt"),
    )
    op.create_table(
        "exercise_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("exercise", sa.String(60), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("review", sa.JSON, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("participant_id", "exercise", "attempt"),
    )
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer, primary_key=True),
        _owner(),
        sa.Column("reflection", sa.String(60), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.UniqueConstraint("participant_id", "reflection"),
    )
    for table in ("checkpoints", "ratings", "scenario_attempts", "exercise_attempts", "reflections"):
        column = "checkpoint_entry_id" if table == "ratings" else "participant_id"
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in (
        "reflections",
        "exercise_attempts",
        "scenario_attempts",
        "ratings",
        "checkpoints",
        "participants",
        "cohorts",
    ):
        op.drop_table(table)
