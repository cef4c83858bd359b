"""Daily lesson delivery: find who is due, claim each (person, local date) once, send through the Outbox.

Rules (docs/lessons.md has the full picture):
- Due: an active, unpaused subscription whose next slot (local HH:MM on a lesson day, as UTC) has passed.
- Catch-up: a slot missed by a late tick, a restart or a transient failure is still delivered later the
  same local day; once that local day is over it is skipped, never sent the next day.
- Exactly once: the (person, local date) row is claimed in the database before sending and marked sent
  after; a claim older than the lease is a crashed instance's and is taken over.
- Failures: PermanentDeliveryError pauses the subscription; DeliveryError (and anything unexpected)
  releases the claim so a later tick retries the same day.
- Late claims: while a tick sends, its heartbeat renews the claims that have waited a quarter of their
  lease for their turn (behind a Retry-After, say), so that waiting does not make them look like a crashed
  instance's. A claim that still went past half its lease unrenewed (the database unreachable, the process
  stalled) is given back unsent; the tick walks that workspace again after a short pause (twice at most),
  as it does when a crashed instance's claim ran out its lease meanwhile.
- Pacing: at most `per_workspace` sends in flight per workspace or tenant, optionally `rate_per_s` starts
  per second per workspace shared by the instances sending at the time (each counts the others through
  the database; one that starts sending waits until the others can have counted it), and `max_in_flight`
  overall; the Outbox handles 429 / Retry-After itself, and a send waits out a workspace's hold (before
  each try, when a 429 refused the one before) without a place in flight. An Outbox that learns its
  rate from 429s hears how many instances send, and what was learned before, here or by another
  instance, in this process's life or an earlier one (bot/scheduling/learned.py, table learned_paces).
- Batches: each workspace is walked in user order, `batch_size` at a time (fewer when a paced rate could
  not send them in a quarter of the lease): one transaction claims a batch (the next one is claimed
  while this one is sent); results are written in small group commits. A claim
  held for half its lease before its send is given back (retried next tick). A tick visits each due
  person once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.errors import DeliveryError, PermanentDeliveryError
from bot.flows import Services
from bot.model import Reply
from bot.ports import Clock, HoldsSends, LearnsLimits, Outbox
from bot.scheduling import learned
from bot.scheduling.cards import lesson_reply
from bot.scheduling.curriculum import Pick, next_lesson
from bot.scheduling.status import repo_of
from bot.scheduling.times import local_today, next_slot, zone
from bot.store.lessons import BatchResult, ClaimResult, DueItem, LessonRepo, OpenClaim

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
# An instance not heard from for this long (or a quarter of its lease, if shorter) no longer counts as
# sending, so the others take over its share of a paced rate. It beats four times a window while it sends:
# a shorter window costs more of those small writes, a longer one leaves a crashed instance's share unused
# (with 10 s, a crash left half of two instances' rate unused for up to 10 s).
SENDER_WINDOW = timedelta(seconds=2)
REWALKS = 2  # extra walks of a workspace in one tick, for what the walk before left (see _lane)
REWALK_PAUSE_S = 1.0  # before each (at most an eighth of the lease)
HELD_TRIES = 3  # tries of one lesson through 429s (an Outbox that HoldsSends), each after the hold


class Outcome(StrEnum):
    """What one tick did for one due subscription."""

    SENT = "sent"
    MISSED = "missed"  # the local day ended before anyone could send it: skipped
    ALREADY = "already"  # another instance (or an earlier tick) sent it
    BUSY = "busy"  # another live instance holds the claim
    RETRY = "retry"  # transient failure: claim released, retried next tick
    LATE = "late"  # waited past half its lease for a turn (behind a Retry-After): given back unsent
    PAUSED = "paused"  # permanent failure: subscription paused
    NO_OUTBOX = "no_outbox"  # no adapter for this platform in this process
    NOT_DUE = "not_due"


LEFT = (Outcome.RETRY, Outcome.LATE, Outcome.BUSY)  # what a walk leaves for a later one


class WorkspacePacer:
    """At most `concurrency` sends in flight per workspace, and at most `rate_per_s` started per second
    per workspace in all: each of the instances sending at the time takes an equal share of the rate."""

    def __init__(self, concurrency: int = 4, rate_per_s: float | None = None) -> None:
        self._concurrency = max(1, concurrency)
        self.rate_per_s = rate_per_s
        self.senders = 1  # instances sending lessons now, this one included (see Scheduler._keep_share)
        self._slots: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._next_start: dict[tuple[str, str], float] = {}

    @property
    def interval(self) -> float:
        """Seconds between two starts in one workspace: this instance's share of the rate (0: unpaced)."""
        return self.senders / self.rate_per_s if self.rate_per_s else 0.0

    def share_among(self, senders: int) -> None:
        """Take one equal share of the rate, `senders` instances sending now (this one included)."""
        self.senders = max(1, senders)

    def slot(self, key: tuple[str, str]) -> asyncio.Semaphore:
        """The semaphore bounding sends in flight for one workspace."""
        return self._slots.setdefault(key, asyncio.Semaphore(self._concurrency))

    async def wait_turn(self, key: tuple[str, str]) -> None:
        """Sleep until this workspace may start another send."""
        interval = self.interval
        if not interval:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(key, now))
        self._next_start[key] = start + interval
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
        batch_size: int = 32,
    ) -> None:
        self.services = services
        self.outbox_for = outbox_for
        self.clock = clock or services.clock
        self.instance_id = instance_id[:64]
        self.lease = lease
        self.pacer = pacer or WorkspacePacer()
        self.batch_size = max(1, batch_size)
        self._in_flight = asyncio.Semaphore(max(1, max_in_flight))
        self._repo: LessonRepo = repo_of(services)
        self._sender_window = min(SENDER_WINDOW, lease / 4)
        self._share_due = datetime.min.replace(tzinfo=UTC)  # when to count the instances sending again
        self._sharing = asyncio.Lock()  # the lanes and the heartbeat count one at a time
        # this tick's outboxes, by platform, that learn a rate (told how many instances share it, and what
        # the others learned) and that hold workspaces (a send waits for them without a place in flight)
        self._learners: dict[str, LearnsLimits] = {}
        self._holding: dict[str, HoldsSends] = {}
        self._due: dict[str, list[str]] = {}  # this tick's workspaces, by platform
        self._paces = learned.PaceExchange()
        # this tick's claims not yet resolved, and when they were made or last renewed (None: taken over)
        self._open: dict[OpenClaim, datetime | None] = {}

    async def tick(self) -> Counter[Outcome]:
        """Deliver everything due now; return how many subscriptions ended in each outcome."""
        now, outcomes = self.clock.now(), Counter[Outcome]()
        recorder = _Recorder(lambda results: self._repo.finish_batches(self.instance_id, results))
        lanes, outboxes = [], dict[str, Outbox]()
        self._due = {}
        for (platform, workspace), count in (await self._repo.due_workspaces(now)).items():
            outbox = self.outbox_for(platform)
            if outbox is None:
                outcomes[Outcome.NO_OUTBOX] += count
                self._count(platform, Outcome.NO_OUTBOX, count)
                continue
            outboxes[platform] = outbox
            self._due.setdefault(platform, []).append(workspace)
            lanes.append(self._lane((platform, workspace), outbox, now, recorder))
        self._learners = {p: o for p, o in outboxes.items() if isinstance(o, LearnsLimits) and o.learns}
        self._holding = {p: o for p, o in outboxes.items() if isinstance(o, HoldsSends)}
        heartbeat = asyncio.create_task(self._heartbeat()) if lanes else None
        try:
            for counts in await asyncio.gather(*lanes):
                outcomes.update(counts)
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            self._open.clear()
            await recorder.drain()
        if recorder.lost:
            log.warning(
                "%d lesson claims were taken over mid-send (sends slower than the lease)", recorder.lost
            )
        return outcomes

    async def run(self, stop: asyncio.Event, every_s: float = 30.0) -> None:
        """Tick every `every_s` seconds (at most 60) until `stop` is set; a failed tick is only logged."""
        await run_every(self.tick, stop, every_s)
        await self.leave()

    async def leave(self) -> None:
        """Stop counting as a sender (at shutdown), so the other instances take this one's share of each
        paced rate at their next count, not a whole sender window later."""
        try:
            await self._repo.leave_senders(self.instance_id)
        except Exception as exc:  # the database may be gone at shutdown: the window then does it
            log.warning("could not leave the lesson senders (%s)", type(exc).__name__)

    async def _lane(
        self, where: tuple[str, str], outbox: Outbox, now: datetime, recorder: _Recorder
    ) -> Counter[Outcome]:
        """One workspace: walk it, then again while the walk left something this instance can take now.

        That is a claim it gave back unsent because it waited too long behind a Retry-After, or one a
        crashed instance left. Taking them after a short pause (a crashed claim: as soon as it ran out),
        rather than at the next tick, keeps this workspace's share of the rate from going unused while the
        other workspaces' walks finish. (A send that failed waits for the next tick: that is its back-off.)
        """
        outcomes, stale_at = await self._walk(where, outbox, now, recorder)
        pause = timedelta(seconds=min(REWALK_PAUSE_S, self.lease.total_seconds() / 8))
        for _ in range(REWALKS):
            wait = pause  # a late claim's back-off; a crashed instance's claim, only until it runs out
            if not outcomes[Outcome.LATE]:
                if stale_at is None or stale_at > self.clock.now() + pause:
                    break
                # a claim is taken over once strictly older than the lease: a moment after stale_at
                wait = max(stale_at - self.clock.now(), timedelta(0)) + timedelta(milliseconds=10)
            await asyncio.sleep(wait.total_seconds())
            again, stale_at = await self._walk(where, outbox, self.clock.now(), recorder)
            outcomes = again + Counter({o: n for o, n in outcomes.items() if o not in LEFT})
        return outcomes

    async def _walk(
        self, where: tuple[str, str], outbox: Outbox, now: datetime, recorder: _Recorder
    ) -> tuple[Counter[Outcome], datetime | None]:
        """One workspace, batch by batch; the next batch is claimed once half of this one got its turn.

        Returns the outcomes, and when the oldest claim another instance held will have run out its lease.
        """
        outcomes, running = Counter[Outcome](), list[asyncio.Future[list[Outcome]]]()
        held = list[datetime]()
        try:
            batch = await self._claim(where, outbox, now, "")
            while batch:
                held += [i.claimed_at for i in batch if i.result is ClaimResult.BUSY and i.claimed_at]
                halfway = _Countdown((len(batch) + 1) // 2)
                running.append(asyncio.ensure_future(self._deliver_batch(batch, outbox, recorder, halfway)))
                await halfway.wait_or(running[-1])  # claim late enough to stay fresh, early enough to flow
                batch = await self._claim(where, outbox, now, batch[-1].sub.who.user)
                while running and running[0].done():
                    outcomes.update(running.pop(0).result())
            for task in running:
                outcomes.update(await task)
        finally:
            for task in running:  # after an error: the claims left run out their lease
                task.cancel()
        for outcome, n in outcomes.items():
            self._count(where[0], outcome, n)
        return outcomes, min(held) + self.lease if held else None

    async def _claim(
        self, where: tuple[str, str], outbox: Outbox, now: datetime, after: str
    ) -> list[DueItem]:
        await self._share()
        size = self.batch_size
        if self.pacer.interval:  # no more than our share of the rate sends in a quarter of the lease
            size = max(1, min(size, int(self.lease.total_seconds() / 4 / self.pacer.interval)))
        batch = await self._repo.claim_batch(where, now, after, size, self.instance_id, self.lease)
        for item in batch:
            if item.result is ClaimResult.CLAIMED:
                self._open[_claim_of(item)] = item.claimed_at
        return batch

    async def _heartbeat(self) -> None:
        """While the lanes send, every quarter window (a sixteenth of the lease at most): say so, and renew
        the claims that have waited a while.

        A lane held by a Retry-After, or pacing slowly at a learned rate, claims seldom: the other instances
        then counted this one out, took its share on top of their own, and met 429s. Its claims grew old
        meanwhile, and were given back and claimed again after the hold.
        """
        while True:
            await asyncio.sleep(self._sender_window.total_seconds() / 4)
            try:
                await self._share()
                await self._renew()
            except Exception as exc:  # the lanes meet the same database: they report it
                log.debug("lesson sender heartbeat failed: %s", type(exc).__name__)

    async def _renew(self) -> None:
        """Renew the open claims made (or renewed) more than a quarter lease ago; mark those taken over."""
        older = self.clock.now() - self.lease / 4
        due = [claim for claim, since in self._open.items() if since is not None and since < older]
        if not due:
            return
        at, renewed = await self._repo.renew_claims(self.instance_id, due)
        for claim in due:
            if claim in self._open:  # not resolved meanwhile
                self._open[claim] = at if claim in renewed else None

    async def _share(self) -> None:
        """Count the senders when due (paced or learned rates only) and tell the learning outboxes."""
        if not self.pacer.rate_per_s and not self._learners:
            return
        async with self._sharing:
            await self._keep_share()
        for learner in self._learners.values():
            learner.share_among(self.pacer.senders)

    async def _keep_share(self) -> None:
        """With a paced or learned rate, say we are sending and count the senders, a few times per window.

        An instance that starts sending says so, then waits a quarter window before counting: the others
        count every quarter window, and until they have counted it they send at their old, larger share
        (and two that start together would each count only itself). Sending its share on top would
        overrun the limit and bring a Retry-After hold on every instance.
        """
        now, every = self.clock.now(), self._sender_window / 4
        if now < self._share_due:
            return
        if now >= self._share_due + self._sender_window:  # joining: the others do not count us yet
            await self._repo.senders(self.instance_id, self._sender_window)
            await asyncio.sleep(every.total_seconds())
        self._share_due = self.clock.now() + every
        self.pacer.share_among(await self._repo.senders(self.instance_id, self._sender_window))
        await self._paces.run(self._repo, self._learners, self._due)  # the instances pace as one learner

    async def _deliver_batch(
        self, batch: list[DueItem], outbox: Outbox, recorder: _Recorder, halfway: _Countdown
    ) -> list[Outcome]:
        """Send a claimed batch concurrently (paced per workspace); each result is recorded as it comes."""
        cards = dict[tuple[str, bool], Reply]()

        async def deliver(item: DueItem) -> Outcome:
            try:
                return await self._deliver(item, outbox, recorder, cards, halfway)
            finally:
                self._open.pop(_claim_of(item), None)
                halfway.done()  # no-op when the send already counted itself
                recorder.flush_soon()

        return await asyncio.gather(*(deliver(item) for item in batch))

    def _count(self, platform: str, outcome: Outcome, n: int) -> None:
        metrics = self.services.metrics
        metrics.count("deliveries", n, platform=platform, outcome=outcome.value)
        if outcome in (Outcome.RETRY, Outcome.LATE):
            metrics.count("delivery_retries", n, platform=platform)

    async def _deliver(
        self,
        item: DueItem,
        outbox: Outbox,
        recorder: _Recorder,
        cards: dict[tuple[str, bool], Reply],
        halfway: _Countdown,
    ) -> Outcome:
        """One due subscription of a batch: skip, advance or send it; the result goes to `recorder`."""
        sub, now = item.sub, self.clock.now()
        day, tz = sub.next_local_date, zone(sub.timezone, self.services.config.settings.lessons.timezone)
        assert day is not None  # claim_batch only returns subscriptions with a next date
        slot = next_slot(now, sub.local_time, tz, sub.weekdays_only, day)
        today = local_today(now, tz)
        where = (sub.who.platform, sub.who.workspace)
        mine, done = item.result is ClaimResult.CLAIMED, recorder.pending(where)
        if mine and day != today:
            done.released.append((sub.who.user, day))
        if day < today:  # the local day ended before anyone could send it
            done.advanced.append((sub.who.user, day, slot))
            return Outcome.MISSED
        if day > today:
            return Outcome.NOT_DUE
        if item.result is ClaimResult.DONE:
            done.advanced.append((sub.who.user, day, slot))
            return Outcome.ALREADY
        if not mine:
            return Outcome.BUSY
        setting = item.setting or self.services.config.settings.default_setting
        pick = next_lesson(self.services.library, setting, item.progress, day)
        if pick is None:  # no lessons installed: nothing to send today
            done.released.append((sub.who.user, day))
            done.advanced.append((sub.who.user, day, slot))
            return Outcome.MISSED
        outcome = await self._send(item, outbox, self._card(pick, cards), halfway)
        done = recorder.pending(where)  # the one being filled now: results are written as soon as possible
        if outcome is Outcome.SENT:
            done.sent.append((sub.who.user, day, pick.lesson.id))
            done.advanced.append((sub.who.user, day, slot))
        else:
            done.released.append((sub.who.user, day))
            if outcome is Outcome.PAUSED:
                done.paused.append(sub.who.user)
        return outcome

    def _card(self, pick: Pick, cards: dict[tuple[str, bool], Reply]) -> Reply:
        """The lesson card, built once per lesson in a batch: it is the same for everyone."""
        key = (pick.lesson.id, pick.review)
        if key not in cards:
            cards[key] = lesson_reply(
                self.services.library,
                pick.lesson,
                subscribed=True,
                review=pick.review,
                intro="Your daily lesson",
            )
        return cards[key]

    def _stale(self, item: DueItem) -> Outcome | None:
        """Whether a claim is no longer ours to send after waiting: taken over (the renewal found it gone),
        or past half its lease unrenewed (given back, to be claimed afresh rather than sent late)."""
        held_since = self._open.get(_claim_of(item), item.claimed_at)  # renewed while it waited
        if held_since is None:
            return Outcome.BUSY
        if self.clock.now() - held_since > self.lease / 2:
            return Outcome.LATE
        return None

    async def _send(self, item: DueItem, outbox: Outbox, reply: Reply, halfway: _Countdown) -> Outcome:
        who = item.sub.who
        key = (who.platform, who.workspace)
        holds = self._holding.get(who.platform)  # this outbox, when it holds workspaces
        try:
            async with self.pacer.slot(key):
                for _ in range(HELD_TRIES if holds is not None else 1):
                    if holds is not None:  # waiting is not sending: keep the places in flight free
                        await holds.ready(who.workspace)
                    # checked before taking a turn: a claim given back spends none of the paced rate
                    if (stale := self._stale(item)) is not None:
                        return stale
                    await self.pacer.wait_turn(key)
                    halfway.done()
                    async with self._in_flight:
                        if holds is None:
                            await outbox.send(who, reply)
                            return Outcome.SENT
                        if await holds.attempt(who, reply):
                            return Outcome.SENT
                log.info("lesson delivery refused %d times for now (429); will retry", HELD_TRIES)
                return Outcome.RETRY
        except PermanentDeliveryError as exc:
            log.warning("pausing lessons for a %s user: %s", who.platform, type(exc).__name__)
            return Outcome.PAUSED
        except Exception as exc:  # DeliveryError or an adapter bug: retry later today
            level = logging.INFO if isinstance(exc, DeliveryError) else logging.ERROR
            log.log(level, "lesson delivery failed (%s); will retry", type(exc).__name__)
            return Outcome.RETRY


def _claim_of(item: DueItem) -> OpenClaim:
    who = item.sub.who
    assert item.sub.next_local_date is not None  # claim_batch only returns subscriptions with a next date
    return (who.platform, who.workspace), who.user, item.sub.next_local_date


class _Countdown:
    """Set once `n` items of a batch got their turn (or ended); each item counts once."""

    def __init__(self, n: int) -> None:
        self._left = n
        self._event = asyncio.Event()
        self._counted: set[int] = set()

    def done(self) -> None:
        task = id(asyncio.current_task())
        if task in self._counted:
            return
        self._counted.add(task)
        self._left -= 1
        if self._left <= 0:
            self._event.set()

    async def wait_or(self, finished: asyncio.Future[Any]) -> None:
        """Wait for the count, or for `finished` (a batch with nothing to send)."""
        waiter = asyncio.ensure_future(self._event.wait())
        try:
            await asyncio.wait((waiter, finished), return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()


class _Recorder:
    """Group commit for a tick: results are written as they come, one transaction at a time, for every
    workspace together.

    Results that arrive while a transaction is open wait for the next one, so under load a commit covers
    many sends, from all the workspaces being sent to, and at rest each send gets its own. A send is
    recorded within one transaction of the platform accepting it: a crash between the two repeats only the
    messages of that moment.
    """

    def __init__(self, write: Callable[[dict[tuple[str, str], BatchResult]], Awaitable[int]]) -> None:
        self._write = write
        self._pending: dict[tuple[str, str], BatchResult] = {}
        self._flushing: asyncio.Future[None] | None = None
        self.lost = 0  # sends whose claim had been taken over

    def pending(self, where: tuple[str, str]) -> BatchResult:
        """A workspace's results not yet handed to a transaction: append to it, then call flush_soon()."""
        return self._pending.setdefault(where, BatchResult())

    def flush_soon(self) -> None:
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush())

    async def drain(self) -> None:
        """Once no more results come: wait until all are written (raising what a write raised)."""
        if self._flushing is not None:
            await self._flushing
        await self._flush()

    async def _flush(self) -> None:
        while self._pending:
            taken, self._pending = self._pending, {}
            done = {where: result for where, result in taken.items() if result != BatchResult()}
            if done:
                self.lost += await self._write(done)
