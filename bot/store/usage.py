"""Aggregate usage figures, the retention job and a person's data export.

Usage is counted per (week, feature, pseudonymous person) so admins can see how many people used what,
without names or text; any group of fewer than MIN_GROUP people is suppressed when figures are shown.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.model import UserRef
from bot.settings import Retention
from bot.store.claims import KEY_LENGTH, claim_keys
from bot.store.rows import insert, rowcount
from bot.store.tables import (
    Base,
    ChecklistSession,
    Claim,
    MediationCase,
    MediationFollowUp,
    MediationInvite,
    UsageCount,
)

if TYPE_CHECKING:
    from bot.store import SqlStore

MIN_GROUP = 5


def person_key(who: UserRef) -> str:
    """A one-way key for a person: counts distinct people without storing their ids."""
    return hashlib.sha256(
        f"deescalate-usage\0{who.platform}\0{who.workspace}\0{who.user}".encode()
    ).hexdigest()


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


Key = tuple[date, str, str, str, str]  # week, platform, workspace, feature, person (as stored)
Use = tuple[date, UserRef, str]  # day, person, feature: the buffer's key, hashed into a Key at flush


class UsageBuffer:
    """Uses counted in memory and written in one batch, so counting costs a request no database write.

    The store flushes it every minute, before figures are read, and when it closes; a crash loses at
    most that minute's counts. `forget me` and uninstalls drop buffered entries as well as rows. The
    person's one-way key and the week are worked out at flush, once per distinct use, not per request.

    A use given with a `once` key (a read-only request that nobody claimed on receipt, see
    `Inbound.replay_key`) counts only if that key is new: the keys are claimed together when the buffer
    is flushed, so a replay counts nothing, on this instance or any other sharing the database.
    """

    def __init__(self) -> None:
        self._counts: Counter[Use] = Counter()
        self._once: dict[str, Use] = {}  # once key -> the use it stands for
        # One copy of each distinct use: there is a once key per request, and a minute of them at a few
        # hundred requests/s each holding its own (day, person, feature) cost megabytes.
        self._uses: dict[Use, Use] = {}

    def add(self, who: UserRef, feature: str, now: datetime, *, once: str | None = None) -> None:
        use = (now.date(), who, feature)
        if once is None:
            self._counts[use] += 1
        else:
            self._once.setdefault(once[:KEY_LENGTH], self._uses.setdefault(use, use))

    def drop(self, platform: str, workspace: str, user: str | None = None) -> None:
        def gone(use: Use) -> bool:
            who = use[1]
            return (who.platform, who.workspace) == (platform, workspace) and user in (None, who.user)

        for use in [u for u in self._counts if gone(u)]:
            del self._counts[use]
        self._once = {once: use for once, use in self._once.items() if not gone(use)}
        self._uses = {use: use for use in self._uses if not gone(use)}

    async def flush(self, session: AsyncSession, now: datetime) -> int:
        """Add the buffered uses to the table (in the caller's transaction); return how many rows."""
        counts, self._counts = self._counts, Counter()
        once, self._once, self._uses = self._once, {}, {}
        if once:
            for won in await claim_keys(await session.connection(), once, now):
                counts[once[won]] += 1
        batch: Counter[Key] = Counter()
        for (day, who, feature), count in counts.items():
            batch[(week_of(day), who.platform, who.workspace, feature, person_key(who))] += count
        if batch:
            rows = [
                {"week": w, "platform": p, "workspace": ws, "feature": f, "person": who, "uses": uses}
                for (w, p, ws, f, who), uses in sorted(batch.items())
            ]
            await session.execute(_add_uses(session.get_bind().dialect.name), rows)
        return len(batch)


@cache
def _add_uses(dialect_name: str) -> Any:
    """One upsert for the whole batch (many parameter sets in one call): a statement per row kept
    SQLite's write lock for a third of a second each minute under load, stalling every other write."""
    statement = insert(dialect_name, UsageCount)
    return statement.on_conflict_do_update(
        index_elements=["week", "platform", "workspace", "feature", "person"],
        set_={"uses": UsageCount.uses + statement.excluded.uses},
    )


@dataclass(frozen=True, slots=True)
class Figure:
    week: date
    feature: str
    people: int | None  # None: fewer than MIN_GROUP people, suppressed
    uses: int | None


async def weekly_figures(store: SqlStore, platform: str, workspace: str, since: date) -> list[Figure]:
    """Uses and distinct people per week and feature; small groups suppressed."""
    await store.flush_usage()
    async with store.session() as session:
        rows = (
            await session.execute(
                select(
                    UsageCount.week,
                    UsageCount.feature,
                    func.count(UsageCount.person),
                    func.sum(UsageCount.uses),
                )
                .where(
                    UsageCount.platform == platform,
                    UsageCount.workspace == workspace,
                    UsageCount.week >= since,
                )
                .group_by(UsageCount.week, UsageCount.feature)
                .order_by(UsageCount.week.desc(), UsageCount.feature)
            )
        ).all()
    return [
        Figure(week, feature, people, int(uses)) if people >= MIN_GROUP else Figure(week, feature, None, None)
        for week, feature, people, uses in rows
    ]


async def purge(session: AsyncSession, platform: str, workspace: str, user: str | None) -> int:
    """A person's usage rows (found by recomputing their key), or a workspace's."""
    where = [UsageCount.platform == platform, UsageCount.workspace == workspace]
    if user is not None:
        where.append(UsageCount.person == person_key(UserRef(platform, workspace, user)))
    return rowcount(await session.execute(delete(UsageCount).where(*where)))


async def purge_expired(store: SqlStore, now: datetime, policy: Retention) -> dict[str, int]:
    """Delete everything older than the policy allows; return how many rows went, by table."""
    cutoffs: list[tuple[Any, Any]] = [
        (ChecklistSession, ChecklistSession.updated_at < now - timedelta(days=policy.checklist_days)),
        (Claim, Claim.at < now - timedelta(days=policy.claims_days)),
        (UsageCount, UsageCount.week < (now - timedelta(days=policy.usage_days)).date()),
    ]
    old_cases = select(MediationCase.id).where(
        MediationCase.created_at < now - timedelta(days=policy.mediation_days)
    )
    cutoffs += [
        (MediationFollowUp, MediationFollowUp.case_id.in_(old_cases)),
        (MediationInvite, MediationInvite.case_id.in_(old_cases)),
        (MediationCase, MediationCase.created_at < now - timedelta(days=policy.mediation_days)),
    ]
    deleted: dict[str, int] = {}
    async with store.session() as session, session.begin():
        for table, condition in cutoffs:
            result = await session.execute(delete(table).where(condition))
            deleted[table.__tablename__] = rowcount(result)
    return deleted


async def export_person(store: SqlStore, who: UserRef) -> dict[str, list[dict[str, Any]]]:
    """Every row about this person, by table (an access request's answer)."""
    out: dict[str, list[dict[str, Any]]] = {}
    await store.flush_usage()
    async with store.session() as session:
        for mapper in Base.registry.mappers:
            table = mapper.class_
            columns = {c.key for c in inspect(table).columns}
            condition = _about(table, columns, who)
            if condition is None:
                continue
            rows = (await session.scalars(select(table).where(*condition))).all()
            if rows:
                out[table.__tablename__] = [
                    {key: _plain(getattr(row, key)) for key in sorted(columns)} for row in rows
                ]
    return dict(sorted(out.items()))


def _about(table: Any, columns: set[str], who: UserRef) -> list[Any] | None:
    if table is UsageCount:
        return [UsageCount.platform == who.platform, UsageCount.person == person_key(who)]
    if table is MediationInvite:
        return [
            MediationInvite.platform == who.platform,
            MediationInvite.workspace == who.workspace,
            (MediationInvite.invitee_id == who.user) | (MediationInvite.manager_id == who.user),
        ]
    if {"platform", "workspace", "user_id"} <= columns:
        return [table.platform == who.platform, table.workspace == who.workspace, table.user_id == who.user]
    return None


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value
