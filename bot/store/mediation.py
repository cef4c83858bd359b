"""Mediation cases, consent invitations and follow-up reminders: ids, choices and times only.

A follow-up is sent exactly once across instances: an instance claims it with one conditional UPDATE
(due -> claimed), sends, then marks it sent; a claim older than the lease is taken over by another instance.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.model import UserRef
from bot.ports import Clock
from bot.store.rows import delete_rows, rowcount
from bot.store.tables import MediationCase, MediationFollowUp, MediationInvite

LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    manager: UserRef
    guide_id: str
    people: str
    setting: str
    duration: str
    goal: str


@dataclass(frozen=True, slots=True)
class Invite:
    id: str
    case_id: str
    manager: UserRef
    invitee: UserRef
    status: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    case_id: str
    manager: UserRef
    due_at: datetime


class MediationRepo:
    """Persistence for the mediation workflow, on the project's database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._session = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    async def open_case(self, manager: UserRef, choices: dict[str, str], follow_up_days: list[int]) -> Case:
        """Record the manager's structured choices and schedule the follow-ups."""
        now = self._clock.now()
        row = MediationCase(
            id=secrets.token_urlsafe(12),
            platform=manager.platform,
            workspace=manager.workspace,
            user_id=manager.user,
            created_at=now,
            **{k: choices[k] for k in ("guide_id", "people", "setting", "duration", "goal")},
        )
        async with self._session.begin() as session:
            session.add(row)
            for days in follow_up_days:
                session.add(
                    MediationFollowUp(
                        case_id=row.id,
                        platform=manager.platform,
                        workspace=manager.workspace,
                        user_id=manager.user,
                        due_at=now + timedelta(days=days),
                        status="due",
                    )
                )
        return _case(row)

    async def case(self, case_id: str) -> Case | None:
        async with self._session() as session:
            row = await session.get(MediationCase, case_id)
            return _case(row) if row else None

    async def invite(self, case: Case, invitee: UserRef) -> Invite:
        row = MediationInvite(
            id=secrets.token_urlsafe(12),
            case_id=case.id,
            platform=invitee.platform,
            workspace=invitee.workspace,
            manager_id=case.manager.user,
            invitee_id=invitee.user,
            status="pending",
            created_at=self._clock.now(),
        )
        async with self._session.begin() as session:
            session.add(row)
        return _invite(row)

    async def answer_invite(self, invite_id: str, invitee: UserRef, accepted: bool) -> Invite | None:
        """Record the invitee's answer once; None if it isn't theirs or was already answered."""
        async with self._session.begin() as session:
            row = await session.get(MediationInvite, invite_id, with_for_update=True)
            if row is None or row.invitee_id != invitee.user or row.workspace != invitee.workspace:
                return None
            if row.status != "pending":
                return None
            row.status = "accepted" if accepted else "declined"
            return _invite(row)

    async def pending_followups(self, manager: UserRef, case_id: str) -> int:
        async with self._session() as session:
            rows = await session.scalars(
                select(MediationFollowUp.id).where(
                    MediationFollowUp.case_id == case_id,
                    MediationFollowUp.user_id == manager.user,
                    MediationFollowUp.status == "due",
                )
            )
            return len(rows.all())

    async def cancel_followups(self, manager: UserRef, case_id: str) -> int:
        async with self._session.begin() as session:
            result = await session.execute(
                update(MediationFollowUp)
                .where(
                    MediationFollowUp.case_id == case_id,
                    MediationFollowUp.platform == manager.platform,
                    MediationFollowUp.workspace == manager.workspace,
                    MediationFollowUp.user_id == manager.user,
                    MediationFollowUp.status == "due",
                )
                .values(status="cancelled")
            )
            return rowcount(result)

    async def claim_due_followups(self, limit: int = 100) -> list[FollowUp]:
        """Claim follow-ups that are due (or whose claim has outlived its lease) for this instance."""
        now = self._clock.now()
        async with self._session() as session:
            candidates = (
                await session.scalars(
                    select(MediationFollowUp)
                    .where(MediationFollowUp.due_at <= now, _claimable(now))
                    .order_by(MediationFollowUp.due_at)
                    .limit(limit)
                )
            ).all()
        claimed = []
        for row in candidates:
            async with self._session.begin() as session:
                result = await session.execute(
                    update(MediationFollowUp)
                    .where(MediationFollowUp.id == row.id, _claimable(now))
                    .values(status="claimed", claimed_at=now)
                )
                if rowcount(result) == 1:
                    claimed.append(_followup(row))
        return claimed

    async def finish_followup(self, followup_id: int, sent: bool) -> None:
        """Mark a claimed follow-up sent, or give it back for a later try."""
        async with self._session.begin() as session:
            await session.execute(
                update(MediationFollowUp)
                .where(MediationFollowUp.id == followup_id, MediationFollowUp.status == "claimed")
                .values(status="sent" if sent else "due", claimed_at=None)
            )


async def purge(session: AsyncSession, platform: str, workspace: str, user: str | None) -> int:
    """A manager's cases (with their invites and follow-ups) and invites addressed to them; or a workspace."""
    if user is None:
        return await delete_rows(
            session, (MediationFollowUp, MediationInvite, MediationCase), platform, workspace, None
        )
    mine = select(MediationCase.id).where(
        MediationCase.platform == platform,
        MediationCase.workspace == workspace,
        MediationCase.user_id == user,
    )
    invited = (
        (MediationInvite.platform == platform)
        & (MediationInvite.workspace == workspace)
        & (MediationInvite.invitee_id == user)
    )
    deleted = 0
    for statement in (
        delete(MediationFollowUp).where(MediationFollowUp.case_id.in_(mine)),
        delete(MediationInvite).where(or_(MediationInvite.case_id.in_(mine), invited)),
        delete(MediationCase).where(MediationCase.id.in_(mine)),
    ):
        deleted += rowcount(await session.execute(statement))
    return deleted


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        MediationFollowUp.status == "due",
        (MediationFollowUp.status == "claimed") & (MediationFollowUp.claimed_at < now - LEASE),
    )


def _case(row: MediationCase) -> Case:
    return Case(
        row.id,
        UserRef(row.platform, row.workspace, row.user_id),
        row.guide_id,
        row.people,
        row.setting,
        row.duration,
        row.goal,
    )


def _invite(row: MediationInvite) -> Invite:
    return Invite(
        row.id,
        row.case_id,
        UserRef(row.platform, row.workspace, row.manager_id),
        UserRef(row.platform, row.workspace, row.invitee_id),
        row.status,
    )


def _followup(row: MediationFollowUp) -> FollowUp:
    return FollowUp(row.id, row.case_id, UserRef(row.platform, row.workspace, row.user_id), row.due_at)
