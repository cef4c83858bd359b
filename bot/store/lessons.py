"""Lesson subscriptions, progress, streak days, votes and the exactly-once delivery claims.

Claim protocol (see docs/lessons.md): a delivery is the row (person, local date) in lesson_deliveries.
An instance inserts it with status "claimed" (INSERT ... ON CONFLICT DO NOTHING on the primary key), sends,
then marks it "sent" and advances the subscription in one transaction. A "claimed" row older than the lease
belongs to a crashed instance and is taken over with one conditional UPDATE, so only one instance wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.model import UserRef
from bot.ports import Clock
from bot.scheduling.times import as_utc
from bot.store.rows import delete_rows, insert, rowcount
from bot.store.tables import LessonDay, LessonDelivery, LessonProgress, LessonSubscription, LessonVote

REVIEW_AFTER = timedelta(days=3)  # a quiz answered wrongly comes back this much later
PERSONAL_TABLES = (LessonSubscription, LessonDelivery, LessonProgress, LessonDay)


class ClaimResult(StrEnum):
    """What happened when an instance tried to claim a (person, local date) delivery."""

    CLAIMED = "claimed"  # this instance owns it: send, then mark_sent or release
    BUSY = "busy"  # another live instance holds it
    DONE = "done"  # already sent


@dataclass(frozen=True, slots=True)
class Subscription:
    """A person's daily-lesson settings and their next slot."""

    who: UserRef
    active: bool
    paused: bool
    local_time: str
    timezone: str
    timezone_chosen: bool
    weekdays_only: bool
    next_local_date: date | None = None
    next_due_at: datetime | None = None

    def rescheduled(self, slot: tuple[date, datetime] | None) -> Subscription:
        """The same settings with another next slot (None: nothing scheduled)."""
        day, at = slot if slot else (None, None)
        return replace(self, next_local_date=day, next_due_at=at)


@dataclass(frozen=True, slots=True)
class Progress:
    """One lesson a person has seen."""

    lesson_id: str
    seen_on: date
    times_seen: int
    answered_on: date | None
    correct: bool | None
    review_on: date | None


def _person(table: Any, who: UserRef) -> tuple[Any, ...]:
    return (table.platform == who.platform, table.workspace == who.workspace, table.user_id == who.user)


def _key(who: UserRef) -> dict[str, str]:
    return {"platform": who.platform, "workspace": who.workspace, "user_id": who.user}


class LessonRepo:
    """Repository for everything daily lessons store, on the same AsyncEngine as SqlStore."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._clock = clock
        self._session = async_sessionmaker(engine, expire_on_commit=False)

    # ---- subscriptions ------------------------------------------------------------------------------

    async def subscription(self, who: UserRef) -> Subscription | None:
        """The person's settings, or None if they never turned lessons on."""
        async with self._session() as session:
            row = await session.get(LessonSubscription, (who.platform, who.workspace, who.user))
            return _subscription(row) if row else None

    async def save_subscription(self, sub: Subscription) -> None:
        """Create or replace the person's settings and next slot."""
        async with self._session.begin() as session:
            row = await session.get(LessonSubscription, (sub.who.platform, sub.who.workspace, sub.who.user))
            if row is None:
                row = LessonSubscription(**_key(sub.who))
                session.add(row)
            row.active, row.paused, row.local_time = sub.active, sub.paused, sub.local_time
            row.timezone, row.timezone_chosen = sub.timezone, sub.timezone_chosen
            row.weekdays_only, row.next_local_date = sub.weekdays_only, sub.next_local_date
            row.next_due_at = sub.next_due_at
            row.updated_at = self._clock.now()

    async def due(self, now: datetime) -> list[Subscription]:
        """Active, unpaused subscriptions whose next slot is at or before `now`, earliest first."""
        query = (
            select(LessonSubscription)
            .where(
                LessonSubscription.active.is_(True),
                LessonSubscription.paused.is_(False),
                LessonSubscription.next_due_at <= now,
            )
            .order_by(LessonSubscription.next_due_at)
        )
        async with self._session() as session:
            return [_subscription(row) for row in (await session.scalars(query)).all()]

    async def advance(self, who: UserRef, day: date, slot: tuple[date, datetime]) -> bool:
        """Move the next slot past `day` (if nobody moved it already); True if this call moved it."""
        async with self._session.begin() as session:
            return await _advance(session, who, day, slot)

    async def pause(self, who: UserRef) -> None:
        """Stop deliveries after a permanent failure until the person turns lessons on again."""
        async with self._session.begin() as session:
            await session.execute(
                update(LessonSubscription).where(*_person(LessonSubscription, who)).values(paused=True)
            )

    # ---- delivery claims ----------------------------------------------------------------------------

    async def claim(self, who: UserRef, day: date, instance: str, lease: timedelta) -> ClaimResult:
        """Claim the (person, day) delivery for `instance`; take over a claim older than `lease`."""
        now = self._clock.now()
        async with self._session.begin() as session:
            values = {**_key(who), "local_date": day, "status": "claimed", "instance": instance[:64]}
            if await _insert_new(session, LessonDelivery, {**values, "claimed_at": now}):
                return ClaimResult.CLAIMED
            status = await session.scalar(
                select(LessonDelivery.status).where(
                    *_person(LessonDelivery, who), LessonDelivery.local_date == day
                )
            )
            if status is None:
                return ClaimResult.BUSY  # released a moment ago: the next tick tries again
            if status == "sent":
                return ClaimResult.DONE
            taken = await session.execute(
                update(LessonDelivery)
                .where(
                    *_person(LessonDelivery, who),
                    LessonDelivery.local_date == day,
                    LessonDelivery.status == "claimed",
                    LessonDelivery.claimed_at < now - lease,
                )
                .values(instance=instance[:64], claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            return ClaimResult.CLAIMED if rowcount(taken) == 1 else ClaimResult.BUSY

    async def release(self, who: UserRef, day: date, instance: str) -> None:
        """Give up this instance's claim (a transient failure): the next tick retries the same day."""
        async with self._session.begin() as session:
            await session.execute(_own_claim(delete(LessonDelivery), who, day, instance))

    async def mark_sent(
        self, who: UserRef, day: date, instance: str, lesson_id: str, slot: tuple[date, datetime]
    ) -> bool:
        """Record the send, the lesson as seen and the next slot, atomically; False if the claim was lost."""
        async with self._session.begin() as session:
            marked = await session.execute(
                _own_claim(update(LessonDelivery), who, day, instance).values(
                    status="sent", lesson_id=lesson_id, sent_at=self._clock.now()
                )
            )
            await _record_seen(session, who, lesson_id, day)
            await _advance(session, who, day, slot)
            return rowcount(marked) == 1

    async def delivery_status(self, who: UserRef, day: date) -> str | None:
        """'claimed', 'sent' or None for the (person, day) delivery (for status pages and tests)."""
        async with self._session() as session:
            row = await session.get(LessonDelivery, (who.platform, who.workspace, who.user, day))
            return row.status if row else None

    # ---- progress, streak days, votes ---------------------------------------------------------------

    async def progress(self, who: UserRef) -> dict[str, Progress]:
        """Every lesson the person has seen, by lesson id."""
        async with self._session() as session:
            rows = await session.scalars(select(LessonProgress).where(*_person(LessonProgress, who)))
            return {row.lesson_id: _progress(row) for row in rows.all()}

    async def record_seen(self, who: UserRef, lesson_id: str, day: date) -> None:
        """Note that the person was shown a lesson on `day` (on request or by DM)."""
        async with self._session.begin() as session:
            await _record_seen(session, who, lesson_id, day)

    async def record_answer(self, who: UserRef, lesson_id: str, day: date, correct: bool) -> bool:
        """Record the first quiz answer of the day; a wrong one schedules a review. True if it counted."""
        async with self._session.begin() as session:
            await _insert_new(session, LessonDay, {**_key(who), "local_date": day})
            row = await session.get(LessonProgress, (who.platform, who.workspace, who.user, lesson_id))
            if row is None:
                row = _new_progress(who, lesson_id, day)
                session.add(row)
            elif row.answered_on == day:
                return False
            row.answered_on, row.correct = day, correct
            row.review_on = None if correct else day + REVIEW_AFTER
            return True

    async def days(self, who: UserRef, since: date) -> set[date]:
        """The local dates since `since` on which the person answered a quiz."""
        query = select(LessonDay.local_date).where(*_person(LessonDay, who), LessonDay.local_date >= since)
        async with self._session() as session:
            return set((await session.scalars(query)).all())

    async def vote(self, lesson_id: str, helpful: bool) -> None:
        """Add one anonymous helpful / not helpful vote."""
        async with self._session.begin() as session:
            await _insert_new(session, LessonVote, {"lesson_id": lesson_id, "helpful": 0, "not_helpful": 0})
            column = LessonVote.helpful if helpful else LessonVote.not_helpful
            await session.execute(
                update(LessonVote).where(LessonVote.lesson_id == lesson_id).values({column: column + 1})
            )

    async def votes(self, lesson_id: str) -> tuple[int, int]:
        """(helpful, not helpful) counts for a lesson."""
        async with self._session() as session:
            row = await session.get(LessonVote, lesson_id)
            return (row.helpful, row.not_helpful) if row else (0, 0)


# ---- deletion, called by SqlStore.forget / forget_workspace inside their transaction -------------------


async def purge(session: AsyncSession, platform: str, workspace: str, user: str | None) -> int:
    """Delete a person's lesson rows (or a workspace's); votes are anonymous totals and stay."""
    return await delete_rows(session, PERSONAL_TABLES, platform, workspace, user)


# ---- helpers ------------------------------------------------------------------------------------------


async def _insert_new(session: AsyncSession, table: Any, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when the row was new."""
    statement = insert(session.get_bind().dialect.name, table).values(**values).on_conflict_do_nothing()
    return rowcount(await session.execute(statement)) == 1


async def _advance(session: AsyncSession, who: UserRef, day: date, slot: tuple[date, datetime]) -> bool:
    moved = await session.execute(
        update(LessonSubscription)
        .where(*_person(LessonSubscription, who), LessonSubscription.next_local_date == day)
        .values(next_local_date=slot[0], next_due_at=slot[1])
    )
    return rowcount(moved) == 1


async def _record_seen(session: AsyncSession, who: UserRef, lesson_id: str, day: date) -> None:
    row = await session.get(LessonProgress, (who.platform, who.workspace, who.user, lesson_id))
    if row is None:
        session.add(_new_progress(who, lesson_id, day))
        return
    row.seen_on, row.times_seen = day, row.times_seen + 1
    if row.review_on is not None and row.review_on <= day:
        row.review_on = day + REVIEW_AFTER  # an ignored review comes back later, not every day


def _own_claim(statement: Any, who: UserRef, day: date, instance: str) -> Any:
    return statement.where(
        *_person(LessonDelivery, who),
        LessonDelivery.local_date == day,
        LessonDelivery.status == "claimed",
        LessonDelivery.instance == instance[:64],
    )


def _new_progress(who: UserRef, lesson_id: str, day: date) -> LessonProgress:
    return LessonProgress(
        **_key(who), lesson_id=lesson_id, seen_on=day, times_seen=1, answered_on=None, correct=None
    )


def _subscription(row: LessonSubscription) -> Subscription:
    return Subscription(
        who=UserRef(row.platform, row.workspace, row.user_id),
        active=row.active,
        paused=row.paused,
        local_time=row.local_time,
        timezone=row.timezone,
        timezone_chosen=row.timezone_chosen,
        weekdays_only=row.weekdays_only,
        next_local_date=row.next_local_date,
        next_due_at=as_utc(row.next_due_at) if row.next_due_at else None,
    )


def _progress(row: LessonProgress) -> Progress:
    return Progress(row.lesson_id, row.seen_on, row.times_seen, row.answered_on, row.correct, row.review_on)
