"""Daily lessons: subscriptions, (person, local date) delivery claims, progress, streak days, votes.

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

_PERSON = ("platform", "workspace", "user_id")


def _person_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "lesson_subscriptions",
        *_person_columns(),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("timezone_chosen", sa.Boolean(), nullable=False),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.Column("next_local_date", sa.Date(), nullable=True),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*_PERSON, name="pk_lesson_subscriptions"),
    )
    op.create_index("ix_lesson_subscriptions_next_due_at", "lesson_subscriptions", ["next_due_at"])
    op.create_table(
        "lesson_deliveries",
        *_person_columns(),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lesson_id", sa.String(64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(*_PERSON, "local_date", name="pk_lesson_deliveries"),
    )
    op.create_table(
        "lesson_progress",
        *_person_columns(),
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint(*_PERSON, "lesson_id", name="pk_lesson_progress"),
    )
    op.create_table(
        "lesson_days",
        *_person_columns(),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(*_PERSON, "local_date", name="pk_lesson_days"),
    )
    op.create_table(
        "lesson_votes",
        sa.Column("lesson_id", sa.String(64), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("not_helpful", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("lesson_id", name="pk_lesson_votes"),
    )


def downgrade() -> None:
    op.drop_index("ix_lesson_subscriptions_next_due_at", table_name="lesson_subscriptions")
    tables = ("lesson_votes", "lesson_days", "lesson_progress", "lesson_deliveries", "lesson_subscriptions")
    for table in tables:
        op.drop_table(table)
