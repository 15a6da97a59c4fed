"""Room lock: a facilitator can close a cohort to new people once everyone is in.

Everyone who joined keeps their link; only joining with the code is refused.

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cohorts", sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_column("locked")
