"""Lesson subscriptions, progress, streak days, votes and the exactly-once delivery claims.

Claim protocol (see docs/lessons.md): a delivery is the row (person, local date) in lesson_deliveries.
An instance inserts it with status "claimed" (INSERT ... ON CONFLICT on the primary key), sends, then marks
it "sent" and advances the subscription in one transaction. A "claimed" row older than the lease belongs to
a crashed instance and is taken over by a conditional update, so only one instance wins. The scheduler does
this a batch at a time (`claim_batch`, `finish_batches`): one transaction to claim, one to record.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import BindParameter, and_, bindparam, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.model import UserRef
from bot.ports import Clock, LearnedPace
from bot.scheduling.times import as_utc
from bot.store.rows import delete_rows, insert, retry_conflicts, rowcount
from bot.store.tables import (
    LearnedPaceRow,
    LessonDay,
    LessonDelivery,
    LessonProgress,
    LessonSender,
    LessonSubscription,
    LessonVote,
    Person,
)

REVIEW_AFTER = timedelta(days=3)  # a quiz answered wrongly comes back this much later
SENDERS_KEPT = timedelta(days=1)  # rows of instances gone longer than this are deleted
PERSONAL_TABLES = (LessonSubscription, LessonDelivery, LessonProgress, LessonDay)
T = TypeVar("T")


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


@dataclass(frozen=True, slots=True)
class DueItem:
    """One due subscription as `claim_batch` found it, with what the scheduler needs to send it."""

    sub: Subscription
    result: ClaimResult
    claimed_at: datetime | None  # when its claim was made: by this instance (CLAIMED) or another (BUSY)
    setting: str | None  # the person's chosen setting, if any
    progress: Mapping[str, Progress]  # lessons seen (CLAIMED only)


OpenClaim = tuple[tuple[str, str], str, date]  # ((platform, workspace), user, local date): claimed, not done


@dataclass
class BatchResult:
    """What happened to one workspace's sends; `finish_batches` writes them in one transaction."""

    sent: list[tuple[str, date, str]] = field(default_factory=list)  # (user, day, lesson id)
    advanced: list[tuple[str, date, tuple[date, datetime]]] = field(default_factory=list)  # (user, day, slot)
    released: list[tuple[str, date]] = field(default_factory=list)  # claims given up: (user, day)
    paused: list[str] = field(default_factory=list)


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
        # An instance's own claims are written one transaction at a time: a renewal and a group commit
        # running together locked the same rows in different orders, and PostgreSQL broke the deadlock by
        # rolling one back (a lost group commit is a repeated send once its claims run out).
        self._own_claims = asyncio.Lock()

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

    # ---- delivery claims ----------------------------------------------------------------------------

    async def due_workspaces(self, now: datetime) -> dict[tuple[str, str], int]:
        """How many subscriptions are due at `now` in each (platform, workspace)."""
        s = LessonSubscription
        query = (
            select(s.platform, s.workspace, func.count()).where(*_due(now)).group_by(s.platform, s.workspace)
        )
        async with self.engine.connect() as conn:
            return {(p, w): n for p, w, n in (await conn.execute(query)).all()}

    async def claim_batch(
        self, where: tuple[str, str], now: datetime, after: str, limit: int, instance: str, lease: timedelta
    ) -> list[DueItem]:
        """Claim up to `limit` due deliveries in one (platform, workspace), users after `after`, at once.

        Rows another instance is claiming at this moment are skipped (FOR UPDATE SKIP LOCKED on PostgreSQL);
        the INSERT ... ON CONFLICT decides who owns each (person, local date); a claim older than `lease`
        (a crashed instance's) is taken over.
        """
        claimed_at, (platform, workspace) = self._clock.now(), where
        async with self.engine.begin() as conn:
            wanted = {"b_platform": platform, "b_workspace": workspace, "b_after": after, "b_now": now}
            rows = (await conn.execute(_DUE_ROWS, wanted | {"b_limit": limit})).all()
            stale = [
                r
                for r in rows
                if r.status is None or (r.status == "claimed" and as_utc(r.claimed_at) < claimed_at - lease)
            ]
            won = await _claim_rows(conn, where, stale, instance, claimed_at, lease)
            progress = await _progress_of(conn, where, won)
        items = []
        for r in rows:
            result = (
                ClaimResult.DONE
                if r.status == "sent"
                else ClaimResult.CLAIMED
                if r.user_id in won
                else ClaimResult.BUSY
            )
            held_since = claimed_at if result is ClaimResult.CLAIMED else _held_since(r, claimed_at)
            sub = _subscription_of(platform, workspace, r)
            items.append(DueItem(sub, result, held_since, r.setting, progress.get(r.user_id, {})))
        return items

    async def finish_batches(self, instance: str, results: Mapping[tuple[str, str], BatchResult]) -> int:
        """Record the batches of several workspaces (sends with lessons seen, next slots, released claims,
        pauses) in one transaction. Returns how many sends found their claim taken over (slower than the
        lease)."""
        now = self._clock.now()
        return await self._write_own_claims(lambda conn: _finish(conn, instance, results, now))

    async def renew_claims(
        self, instance: str, claims: Iterable[OpenClaim]
    ) -> tuple[datetime, set[OpenClaim]]:
        """Date these open claims of `instance` from now, so that waiting (behind a Retry-After) does not make
        them look like a crashed instance's. Returns that time and the claims renewed: the others were
        taken over or are resolved."""
        now, by_day = self._clock.now(), defaultdict[tuple[tuple[str, str], date], list[str]](list)
        for where, user, day in claims:
            by_day[(where, day)].append(user)

        async def renew(conn: AsyncConnection) -> set[OpenClaim]:
            renewed = set[OpenClaim]()
            for (where, day), users in by_day.items():
                rows = await conn.execute(_RENEW, _claims_of(where, instance, users, day) | {"b_now": now})
                renewed.update((where, user, day) for user in rows.scalars())
            return renewed

        return now, await self._write_own_claims(renew)

    async def _write_own_claims(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """Run `work` in a transaction of its own, one at a time in this instance, and again if the database
        rolled it back over a lock conflict (a rolled-back record of sends would mean sending them again)."""
        async with self._own_claims:
            async for attempt in retry_conflicts():
                with attempt:
                    async with self.engine.begin() as conn:
                        return await work(conn)
        raise AssertionError("unreachable: retry_conflicts reraises")  # pragma: no cover

    async def senders(self, instance: str, window: timedelta) -> int:
        """Note that `instance` is sending now; return how many instances were seen within `window` (it
        included)."""
        now, s = self._clock.now(), LessonSender
        async with self.engine.begin() as conn:
            seen = insert(conn.dialect.name, s).values(instance=instance[:64], seen_at=now)
            await conn.execute(seen.on_conflict_do_update(index_elements=["instance"], set_={"seen_at": now}))
            await conn.execute(delete(s).where(s.seen_at < now - SENDERS_KEPT))
            live = await conn.scalar(select(func.count()).select_from(s).where(s.seen_at >= now - window))
        return max(1, int(live or 0))

    async def share_paces(
        self, platform: str, learned: Mapping[str, LearnedPace], workspaces: Iterable[str]
    ) -> dict[str, LearnedPace]:
        """Record the paces this instance `learned` where they are newer than the recorded ones; return
        the recorded paces of `workspaces` (rows that are not a valid pace are left out)."""
        p = LearnedPaceRow
        async with self.engine.begin() as conn:
            if learned:  # one statement for them all (LearnedPace's fields are the row's columns), rows in
                # one order on every instance, so two instances' statements cannot deadlock on them
                rows = [{"platform": platform, "workspace": w, **asdict(learned[w])} for w in sorted(learned)]
                upsert = insert(conn.dialect.name, p)
                new = upsert.excluded
                set_ = {f.name: new[f.name] for f in fields(LearnedPace)}
                keys = ["platform", "workspace"]
                # a newer learning, or the same one climbed further
                newer = (p.since < new.since) | ((p.since == new.since) & (p.climbed_s < new.climbed_s))
                upsert = upsert.on_conflict_do_update(index_elements=keys, set_=set_, where=newer)
                await conn.execute(upsert, rows)
            found = await conn.execute(
                select(p.workspace, p.rate, p.ceiling, p.since, p.settled, p.climbed_s).where(
                    p.platform == platform, p.workspace.in_(list(workspaces))
                )
            )
            recorded = {row.workspace: _valid_pace(*row[1:]) for row in found}
        return {workspace: pace for workspace, pace in recorded.items() if pace is not None}

    async def leave_senders(self, instance: str) -> None:
        """`instance` stops sending (it shuts down): the others take its share at their next count."""
        async with self.engine.begin() as conn:
            await conn.execute(delete(LessonSender).where(LessonSender.instance == instance[:64]))

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
    """Delete a person's lesson rows (or a workspace's, and its learned send rate); votes are anonymous
    totals and stay."""
    deleted = await delete_rows(session, PERSONAL_TABLES, platform, workspace, user)
    if user is None:
        p = LearnedPaceRow
        where = (p.platform == platform, p.workspace == workspace)
        deleted += rowcount(await session.execute(delete(p).where(*where)))
    return deleted


# ---- helpers ------------------------------------------------------------------------------------------


def _valid_pace(
    rate: float, ceiling: float | None, since: float, settled: bool, climbed_s: float
) -> LearnedPace | None:
    """The pace a learned_paces row holds, or None when it is not one (a row edited by hand, say)."""
    rates = (rate,) if ceiling is None else (rate, ceiling)
    if not (math.isfinite(since) and all(math.isfinite(r) and r > 0 for r in rates)):
        return None
    if not (math.isfinite(climbed_s) and climbed_s >= 0):
        return None
    return LearnedPace(rate, ceiling, since, settled, climbed_s)


def _due(now: datetime | BindParameter[datetime]) -> tuple[Any, ...]:
    s = LessonSubscription
    return (s.active.is_(True), s.paused.is_(False), s.next_due_at <= now, s.next_local_date.is_not(None))


# The statements `finish_batches` runs for every group commit, built once with bind parameters: building
# them per commit (one per send at a steady rate) cost more CPU than executing them.
_D, _S = LessonDelivery, LessonSubscription
_OWN_CLAIMS = (  # the still-open claims this instance holds for these people on this day
    _D.platform == bindparam("b_platform"),
    _D.workspace == bindparam("b_workspace"),
    _D.user_id.in_(bindparam("b_users", expanding=True)),
    _D.local_date == bindparam("b_day"),
    _D.status == "claimed",
    _D.instance == bindparam("b_instance"),
)
_MARK_SENT = (
    update(_D)
    .where(*_OWN_CLAIMS)
    .values(status="sent", lesson_id=bindparam("b_lesson"), sent_at=bindparam("b_now"))
)
_RELEASE = delete(_D).where(*_OWN_CLAIMS)
_RENEW = update(_D).where(*_OWN_CLAIMS).values(claimed_at=bindparam("b_now")).returning(_D.user_id)
_ADVANCE = (
    update(_S)
    .where(
        _S.platform == bindparam("b_platform"),
        _S.workspace == bindparam("b_workspace"),
        _S.user_id == bindparam("b_user"),
        _S.next_local_date == bindparam("b_day"),
    )
    .values(next_local_date=bindparam("b_next"), next_due_at=bindparam("b_at"))
)
_PAUSE = (
    update(_S)
    .where(
        _S.platform == bindparam("b_platform"),
        _S.workspace == bindparam("b_workspace"),
        _S.user_id.in_(bindparam("b_users", expanding=True)),
    )
    .values(paused=True)
)


@cache
def _record_seen_statement(dialect_name: str) -> Any:
    """INSERT a first view, or on conflict count one more (pushing back a review that came due)."""
    p = LessonProgress.__table__
    statement = insert(dialect_name, p)
    review = case((p.c.review_on <= bindparam("b_day"), bindparam("b_review")), else_=p.c.review_on)
    return statement.on_conflict_do_update(
        index_elements=["platform", "workspace", "user_id", "lesson_id"],
        set_={"seen_on": bindparam("b_day"), "times_seen": p.c.times_seen + 1, "review_on": review},
    )


def _claims_of(where: tuple[str, str], instance: str, users: list[str], day: date) -> dict[str, Any]:
    """The parameters of `_OWN_CLAIMS`."""
    return {
        "b_platform": where[0],
        "b_workspace": where[1],
        "b_users": users,
        "b_day": day,
        "b_instance": instance[:64],
    }


def _due_rows() -> Any:
    """Due subscriptions in one workspace, in user order after `b_after`, with their delivery and setting.

    Correlated lookups by primary key rather than joins: the plan stays an index lookup per row even
    when the planner's statistics are stale (a fresh database, a bulk import).
    """
    s, d, p = LessonSubscription, LessonDelivery, Person
    delivery = (d.platform == s.platform, d.workspace == s.workspace, d.user_id == s.user_id)
    person = (p.platform == s.platform, p.workspace == s.workspace, p.user_id == s.user_id)
    of_day = (*delivery, d.local_date == s.next_local_date)
    return (
        select(
            *(getattr(s, c) for c in _SUB_COLUMNS),
            select(d.status).where(*of_day).scalar_subquery().label("status"),
            select(d.claimed_at).where(*of_day).scalar_subquery().label("claimed_at"),
            select(p.setting).where(*person).scalar_subquery().label("setting"),
        )
        .where(
            s.platform == bindparam("b_platform"),
            s.workspace == bindparam("b_workspace"),
            s.user_id > bindparam("b_after"),
            *_due(bindparam("b_now", type_=s.next_due_at.type)),
        )
        .order_by(s.user_id)
        .limit(bindparam("b_limit"))
        .with_for_update(of=s.__table__, skip_locked=True)
    )


async def _claim_rows(
    conn: Any, where: tuple[str, str], rows: list[Any], instance: str, at: datetime, lease: timedelta
) -> set[str]:
    """Insert claims for these rows, taking over only claims older than the lease; the users won."""
    if not rows:
        return set()
    d = LessonDelivery.__table__
    statement = insert(conn.dialect.name, d)
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "workspace", "user_id", "local_date"],
        set_={"instance": statement.excluded.instance, "claimed_at": statement.excluded.claimed_at},
        where=and_(d.c.status == "claimed", d.c.claimed_at < at - lease),
    ).returning(d.c.user_id)
    fixed = {"platform": where[0], "workspace": where[1], "status": "claimed", "instance": instance[:64]}
    params = [fixed | {"user_id": r.user_id, "local_date": r.next_local_date, "claimed_at": at} for r in rows]
    return set((await conn.execute(statement, params)).scalars().all())


async def _progress_of(conn: Any, where: tuple[str, str], users: set[str]) -> dict[str, dict[str, Progress]]:
    found: dict[str, dict[str, Progress]] = defaultdict(dict)
    if users:
        wanted = {"b_platform": where[0], "b_workspace": where[1], "b_users": sorted(users)}
        rows = await conn.execute(_PROGRESS_OF, wanted)
        for row in rows.all():
            found[row.user_id][row.lesson_id] = _progress(row)
    return found


async def _finish(
    conn: Any, instance: str, results: Mapping[tuple[str, str], BatchResult], now: datetime
) -> int:
    """`LessonRepo.finish_batches` in one transaction."""
    lost = 0
    for where, done in results.items():
        lost += await _mark_sent(conn, where, instance, done.sent, now)
        await _release_many(conn, where, instance, done.released)
        if done.paused:
            users = {"b_users": done.paused}
            await conn.execute(_PAUSE, {"b_platform": where[0], "b_workspace": where[1], **users})
    await _record_seen_many(conn, [(w, *sent) for w, done in results.items() for sent in done.sent])
    await _advance_many(conn, [(w, *move) for w, done in results.items() for move in done.advanced])
    return lost


async def _mark_sent(
    conn: Any, where: tuple[str, str], instance: str, sent: list[tuple[str, date, str]], now: datetime
) -> int:
    groups: dict[tuple[date, str], list[str]] = defaultdict(list)
    for user, day, lesson_id in sent:
        groups[(day, lesson_id)].append(user)
    lost = 0
    for (day, lesson_id), users in groups.items():
        params = _claims_of(where, instance, users, day) | {"b_lesson": lesson_id, "b_now": now}
        lost += len(users) - rowcount(await conn.execute(_MARK_SENT, params))
    return lost


async def _record_seen_many(conn: Any, seen: list[tuple[tuple[str, str], str, date, str]]) -> None:
    """`_record_seen` for many people, (workspace, user, day, lesson) each: a new row, or one more view
    (pushing back an ignored review). One statement per local day."""
    by_day: dict[date, list[tuple[tuple[str, str], str, str]]] = defaultdict(list)
    for where, user, day, lesson_id in seen:
        by_day[day].append((where, user, lesson_id))
    statement = _record_seen_statement(conn.dialect.name)
    for day, rows in by_day.items():
        fixed = {
            **{"seen_on": day, "times_seen": 1, "answered_on": None, "correct": None, "review_on": None},
            **{"b_day": day, "b_review": day + REVIEW_AFTER},
        }
        params = [
            fixed | {"platform": p, "workspace": w, "user_id": u, "lesson_id": lesson}
            for (p, w), u, lesson in rows
        ]
        await conn.execute(statement, params)


async def _advance_many(
    conn: Any, moves: list[tuple[tuple[str, str], str, date, tuple[date, datetime]]]
) -> None:
    """Move subscriptions, (workspace, user, day, next slot) each, to their next slot if still on `day`."""
    if moves:
        params = [
            {"b_platform": p, "b_workspace": w, "b_user": u, "b_day": day, "b_next": slot[0], "b_at": slot[1]}
            for (p, w), u, day, slot in moves
        ]
        await conn.execute(_ADVANCE, params)


async def _release_many(
    conn: Any, where: tuple[str, str], instance: str, claims: list[tuple[str, date]]
) -> None:
    by_day: dict[date, list[str]] = defaultdict(list)
    for user, day in claims:
        by_day[day].append(user)
    for day, users in by_day.items():
        await conn.execute(_RELEASE, _claims_of(where, instance, users, day))


async def _insert_new(session: AsyncSession, table: Any, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when the row was new."""
    statement = insert(session.get_bind().dialect.name, table).values(**values).on_conflict_do_nothing()
    return rowcount(await session.execute(statement)) == 1


async def _record_seen(session: AsyncSession, who: UserRef, lesson_id: str, day: date) -> None:
    row = await session.get(LessonProgress, (who.platform, who.workspace, who.user, lesson_id))
    if row is None:
        session.add(_new_progress(who, lesson_id, day))
        return
    row.seen_on, row.times_seen = day, row.times_seen + 1
    if row.review_on is not None and row.review_on <= day:
        row.review_on = day + REVIEW_AFTER  # an ignored review comes back later, not every day


def _new_progress(who: UserRef, lesson_id: str, day: date) -> LessonProgress:
    return LessonProgress(
        **_key(who), lesson_id=lesson_id, seen_on=day, times_seen=1, answered_on=None, correct=None
    )


_SUB_COLUMNS = (
    "user_id",
    "active",
    "paused",
    "local_time",
    "timezone",
    "timezone_chosen",
    "weekdays_only",
    "next_local_date",
    "next_due_at",
)


def _subscription_of(platform: str, workspace: str, row: Any) -> Subscription:
    """A Subscription from a row of `_due_rows` (plain columns) or an ORM row."""
    return Subscription(
        who=UserRef(platform, workspace, row.user_id),
        active=row.active,
        paused=row.paused,
        local_time=row.local_time,
        timezone=row.timezone,
        timezone_chosen=row.timezone_chosen,
        weekdays_only=row.weekdays_only,
        next_local_date=row.next_local_date,
        next_due_at=as_utc(row.next_due_at) if row.next_due_at else None,
    )


def _subscription(row: LessonSubscription) -> Subscription:
    return _subscription_of(row.platform, row.workspace, row)


def _progress(row: LessonProgress) -> Progress:
    return Progress(row.lesson_id, row.seen_on, row.times_seen, row.answered_on, row.correct, row.review_on)


# Built once with bind parameters, like the statements of finish_batches: a claim runs one per half batch.
_DUE_ROWS = _due_rows()
_PROGRESS_OF = select(LessonProgress.__table__).where(
    LessonProgress.platform == bindparam("b_platform"),
    LessonProgress.workspace == bindparam("b_workspace"),
    LessonProgress.user_id.in_(bindparam("b_users", expanding=True)),
)


def _held_since(row: Any, now: datetime) -> datetime | None:
    """When another instance's claim on a due row was made (None for a row already sent)."""
    if row.status == "sent":
        return None
    return as_utc(row.claimed_at) if row.status == "claimed" else now  # unclaimed when read: won just now
