"""A learned send rate keeps how long its pace has climbed since the 429 that set it.

Without it the next fan-out (a new process) started from that 429's ceiling again, not from the pace the
platform last took: a rough ceiling set low by a day's first 429 held the next day well under the limit.

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
    with op.batch_alter_table("learned_paces") as batch:
        batch.add_column(sa.Column("climbed_s", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("learned_paces") as batch:
        batch.drop_column("climbed_s")
