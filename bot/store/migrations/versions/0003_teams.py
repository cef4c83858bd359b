"""Teams conversation references for proactive messages: ids and serviceUrl only, plus a paused flag.

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams_conversations",
        sa.Column("conversation_id", sa.String(256), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(256), nullable=False),
        sa.Column("conversation_type", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("service_url", sa.String(256), nullable=False),
        sa.Column("bot_id", sa.String(128), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_teams_conversations"),
    )
    op.create_index("ix_teams_conversations_person", "teams_conversations", ["tenant", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_teams_conversations_person", table_name="teams_conversations")
    op.drop_table("teams_conversations")
