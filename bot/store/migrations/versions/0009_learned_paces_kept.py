"""Learned send rates get a table of their own, one row per workspace, kept when the instances stop.

They travelled as JSON in each live instance's lesson_senders row (0008), so they were lost with the
processes: a restart learned each workspace's limit again from a burst of 429s.

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
        "learned_paces",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("ceiling", sa.Float(), nullable=True),
        sa.Column("since", sa.Float(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", name="pk_learned_paces"),
    )
    with op.batch_alter_table("lesson_senders") as batch:
        batch.drop_column("learned")


def downgrade() -> None:
    with op.batch_alter_table("lesson_senders") as batch:
        batch.add_column(sa.Column("learned", sa.Text(), nullable=True))
    op.drop_table("learned_paces")
