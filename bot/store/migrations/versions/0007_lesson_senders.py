"""Lesson senders: the scheduler instances sending now, so they can share a workspace's paced rate.

Revision ID: 0007
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lesson_senders",
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("instance", name="pk_lesson_senders"),
    )


def downgrade() -> None:
    op.drop_table("lesson_senders")
