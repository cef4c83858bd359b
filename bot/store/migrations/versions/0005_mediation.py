"""Mediation cases (structured choices only), consent invitations and follow-up reminders.

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def _person() -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "mediation_cases",
        sa.Column("id", sa.String(32), nullable=False),
        *_person(),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("guide_id", sa.String(64), nullable=False),
        sa.Column("people", sa.String(8), nullable=False),
        sa.Column("setting", sa.String(64), nullable=False),
        sa.Column("duration", sa.String(16), nullable=False),
        sa.Column("goal", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mediation_cases"),
    )
    op.create_table(
        "mediation_invites",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        *_person(),
        sa.Column("manager_id", sa.String(64), nullable=False),
        sa.Column("invitee_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mediation_invites"),
    )
    op.create_table(
        "mediation_followups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        *_person(),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_mediation_followups"),
    )
    for table, columns in {
        "mediation_cases": ("platform", "workspace", "user_id", "created_at"),
        "mediation_invites": ("case_id", "platform", "workspace", "manager_id", "invitee_id"),
        "mediation_followups": ("case_id", "platform", "workspace", "user_id", "due_at"),
    }.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in ("mediation_followups", "mediation_invites", "mediation_cases"):
        op.drop_table(table)
