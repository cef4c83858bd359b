"""Slack installations for multi-workspace OAuth installs (bot and user tokens, rotated in place).

Revision ID: 0002
Revises: 0001
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
        "slack_installations",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "enterprise_id", "team_id", "user_id", name="pk_slack_installations"),
    )
    op.create_index("ix_slack_installations_team_id", "slack_installations", ["team_id"])


def downgrade() -> None:
    op.drop_table("slack_installations")
