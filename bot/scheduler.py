"""Daily lesson delivery: find who is due, claim each (person, local date) once, send through the Outbox.

Rules (docs/lessons.md has the full picture):
- Due: an active, unpaused subscription whose next slot (local HH:MM on a lesson day, as UTC) has passed.
- Catch-up: a slot missed by a late tick, a restart or a transient failure is still delivered later the
  same local day; once that local day is over it is skipped, never sent the next day.
- Exactly once: the (person, local date) row is claimed in the database before sending and marked sent
  after; a claim older than the lease is a crashed instance's and is taken over.
- Failures: PermanentDeliveryError pauses the subscription; DeliveryError (and anything unexpected)
  releases the claim so a later tick retries the same day.
- Pacing: at most `per_workspace` sends in flight per workspace or tenant, optionally `rate_per_s` starts
  per second per workspace, and `max_in_flight` overall; the Outbox handles 429 / Retry-After itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from enum import StrEnum

from bot.errors import DeliveryError, PermanentDeliveryError
from bot.flows import Services
from bot.ports import Clock, Outbox
from bot.scheduling.cards import lesson_reply
from bot.scheduling.curriculum import next_lesson
from bot.scheduling.status import repo_of
from bot.scheduling.times import local_today, next_slot, zone
from bot.store.lessons import ClaimResult, LessonRepo, Subscription

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


class Outcome(StrEnum):
    """What one tick did for one due subscription."""

    SENT = "sent"
    MISSED = "missed"  # the local day ended before anyone could send it: skipped
    ALREADY = "already"  # another instance (or an earlier tick) sent it
    BUSY = "busy"  # another live instance holds the claim
    RETRY = "retry"  # transient failure: claim released, retried next tick
    PAUSED = "paused"  # permanent failure: subscription paused
    NO_OUTBOX = "no_outbox"  # no adapter for this platform in this process
    NOT_DUE = "not_due"


class WorkspacePacer:
    """At most `concurrency` sends in flight per workspace, started at most `rate_per_s` per second."""

    def __init__(self, concurrency: int = 4, rate_per_s: float | None = None) -> None:
        self._concurrency = max(1, concurrency)
        self._interval = 1.0 / rate_per_s if rate_per_s else 0.0
        self._slots: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._next_start: dict[tuple[str, str], float] = {}

    def slot(self, key: tuple[str, str]) -> asyncio.Semaphore:
        """The semaphore bounding sends in flight for one workspace."""
        return self._slots.setdefault(key, asyncio.Semaphore(self._concurrency))

    async def wait_turn(self, key: tuple[str, str]) -> None:
        """Sleep until this workspace may start another send."""
        if not self._interval:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(key, now))
        self._next_start[key] = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)


async def run_every(tick: Callable[[], Awaitable[object]], stop: asyncio.Event, every_s: float) -> None:
    """Call `tick` every `every_s` seconds (at most 60) until `stop` is set; a failed tick is only logged."""
    every_s = min(max(every_s, 0.01), 60.0)
    while not stop.is_set():
        try:
            await tick()
        except Exception:
            log.exception("scheduled job failed; trying again next tick")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)


class Scheduler:
    """Delivers due daily lessons; run one per server process, any number of processes per database."""

    def __init__(
        self,
        services: Services,
        outbox_for: Callable[[str], Outbox | None],
        clock: Clock | None = None,
        instance_id: str = "local",
        *,
        lease: timedelta = LEASE,
        pacer: WorkspacePacer | None = None,
        max_in_flight: int = 8,
    ) -> None:
        self.services = services
        self.outbox_for = outbox_for
        self.clock = clock or services.clock
        self.instance_id = instance_id[:64]
        self.lease = lease
        self.pacer = pacer or WorkspacePacer()
        self._in_flight = asyncio.Semaphore(max(1, max_in_flight))
        self._repo: LessonRepo = repo_of(services)
        self._order = random.Random(instance_id)  # instances walk the due list in different orders

    async def tick(self) -> Counter[Outcome]:
        """Deliver everything due now; return how many subscriptions ended in each outcome."""
        due = await self._repo.due(self.clock.now())
        by_workspace: dict[tuple[str, str], list[Subscription]] = defaultdict(list)
        for sub in due:
            by_workspace[(sub.who.platform, sub.who.workspace)].append(sub)
        for subs in by_workspace.values():
            self._order.shuffle(subs)
        outcomes = await asyncio.gather(*(self._paced(key, subs) for key, subs in by_workspace.items()))
        return Counter(outcome for batch in outcomes for outcome in batch)

    async def run(self, stop: asyncio.Event, every_s: float = 30.0) -> None:
        """Tick every `every_s` seconds (at most 60) until `stop` is set; a failed tick is only logged."""
        await run_every(self.tick, stop, every_s)

    async def _paced(self, key: tuple[str, str], subs: Iterable[Subscription]) -> list[Outcome]:
        async def one(sub: Subscription) -> Outcome:
            async with self.pacer.slot(key), self._in_flight:
                outcome = await self.deliver(sub)
            self._count(sub.who.platform, outcome)
            return outcome

        return list(await asyncio.gather(*(one(sub) for sub in subs)))

    def _count(self, platform: str, outcome: Outcome) -> None:
        metrics = self.services.metrics
        metrics.count("deliveries", platform=platform, outcome=outcome.value)
        if outcome is Outcome.RETRY:
            metrics.count("delivery_retries", platform=platform)

    async def deliver(self, sub: Subscription) -> Outcome:
        """Deliver one due subscription's lesson for its next local date, exactly once."""
        day, tz = sub.next_local_date, zone(sub.timezone, self.services.config.settings.lessons.timezone)
        now = self.clock.now()
        if day is None:
            return Outcome.NOT_DUE
        today = local_today(now, tz)
        if day < today:
            await self._repo.advance(sub.who, day, next_slot(now, sub.local_time, tz, sub.weekdays_only, day))
            return Outcome.MISSED
        if day > today:
            return Outcome.NOT_DUE
        outbox = self.outbox_for(sub.who.platform)
        if outbox is None:
            return Outcome.NO_OUTBOX
        claim = await self._repo.claim(sub.who, day, self.instance_id, self.lease)
        if claim is ClaimResult.DONE:
            await self._repo.advance(sub.who, day, next_slot(now, sub.local_time, tz, sub.weekdays_only, day))
            return Outcome.ALREADY
        if claim is ClaimResult.BUSY:
            return Outcome.BUSY
        return await self._send_claimed(sub, outbox)

    async def _send_claimed(self, sub: Subscription, outbox: Outbox) -> Outcome:
        day, tz = sub.next_local_date, zone(sub.timezone)
        assert day is not None
        setting = await self.services.setting_of(sub.who)
        pick = next_lesson(self.services.library, setting, await self._repo.progress(sub.who), day)
        slot = next_slot(self.clock.now(), sub.local_time, tz, sub.weekdays_only, day)
        if pick is None:  # no lessons installed: nothing to send today
            await self._repo.release(sub.who, day, self.instance_id)
            await self._repo.advance(sub.who, day, slot)
            return Outcome.MISSED
        reply = lesson_reply(
            self.services.library, pick.lesson, subscribed=True, review=pick.review, intro="Your daily lesson"
        )
        try:
            await self.pacer.wait_turn((sub.who.platform, sub.who.workspace))
            await outbox.send(sub.who, reply)
        except PermanentDeliveryError as exc:
            log.warning("pausing lessons for a %s user: %s", sub.who.platform, type(exc).__name__)
            await self._repo.pause(sub.who)
            await self._repo.release(sub.who, day, self.instance_id)
            return Outcome.PAUSED
        except Exception as exc:  # DeliveryError or an adapter bug: retry later today
            level = logging.INFO if isinstance(exc, DeliveryError) else logging.ERROR
            log.log(level, "lesson delivery failed (%s); will retry", type(exc).__name__)
            await self._repo.release(sub.who, day, self.instance_id)
            return Outcome.RETRY
        if not await self._repo.mark_sent(sub.who, day, self.instance_id, pick.lesson.id, slot):
            log.warning("a lesson claim was taken over mid-send (send slower than the lease)")
        return Outcome.SENT
