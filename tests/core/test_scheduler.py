"""The daily lesson scheduler: local times across DST, weekends, catch-up, failures and crashed claims."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.core import Bot
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.model import Reply, UserRef
from bot.ports import LearnedPace
from bot.scheduler import Outcome, Scheduler, WorkspacePacer
from bot.store.lessons import ClaimResult
from bot.store.tables import LearnedPaceRow
from tests.conftest import FakeClock
from tests.core.lesson_helpers import RecordingOutbox, command, repo, scheduler, travel

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Asia/Kathmandu",
    "UTC",
]


DST_ZONES = [*ZONES[:5], "Pacific/Auckland"]


async def subscribe_zones(bot: Bot, text: str, zones: list[str] = ZONES) -> None:
    for i, tz in enumerate(zones):
        [reply] = await bot.handle(command(text, user=f"U{i}", tz=tz))
        assert "Daily lessons are on" in reply.text, reply.text


def assert_each_day_once_at_local(
    outbox: RecordingOutbox, at: time, step: timedelta, zones: list[str] = ZONES
) -> None:
    for i, tz in enumerate(zones):
        sends = [s for s in outbox.sent if s.who.user == f"U{i}"]
        days = [s.at.astimezone(ZoneInfo(tz)).date() for s in sends]
        assert len(days) == len(set(days)), f"{tz}: a day was sent twice"
        for s in sends:
            local = s.at.astimezone(ZoneInfo(tz))
            due = datetime.combine(local.date(), at, tzinfo=ZoneInfo(tz))
            assert timedelta(0) <= s.at - due < step, f"{tz}: sent at {local}, due {due}"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # US spring forward 8 Mar, EU 29 Mar, Sydney and Chatham fall back 5 Apr 2026
        (datetime(2026, 3, 5, 0, 0, tzinfo=UTC), datetime(2026, 4, 8, 0, 0, tzinfo=UTC)),
        # Chatham spring forward 27 Sep, Sydney 4 Oct, EU fall back 25 Oct, US 1 Nov 2026
        (datetime(2026, 9, 24, 0, 0, tzinfo=UTC), datetime(2026, 11, 4, 0, 0, tzinfo=UTC)),
    ],
    ids=["spring", "autumn"],
)
async def test_every_day_at_local_nine_across_dst_in_many_zones(
    bot: Bot, clock: FakeClock, start: datetime, end: datetime
) -> None:
    clock.current = start
    await subscribe_zones(bot, "lessons on 09:00 every day", DST_ZONES)
    outbox, step = RecordingOutbox(clock), timedelta(hours=1)
    await travel(scheduler(bot, outbox, clock), clock, end, step)
    assert_each_day_once_at_local(outbox, time(9, 0), step, DST_ZONES)
    for i, tz in enumerate(DST_ZONES):
        days = outbox.local_dates(f"U{i}", tz)
        first = start.astimezone(ZoneInfo(tz)).date()
        expected = {first + timedelta(days=n) for n in range((end - start).days + 2)}
        expected = {d for d in expected if start <= datetime.combine(d, time(9), ZoneInfo(tz)) <= end}
        assert set(days) == expected, tz


async def test_weekdays_only_skips_weekends_in_every_zone(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    await subscribe_zones(bot, "lessons on 8:15")
    outbox, step = RecordingOutbox(clock), timedelta(minutes=30)
    await travel(scheduler(bot, outbox, clock), clock, datetime(2026, 3, 15, 0, 0, tzinfo=UTC), step)
    assert_each_day_once_at_local(outbox, time(8, 15), step)
    for i, tz in enumerate(ZONES):
        days = outbox.local_dates(f"U{i}", tz)
        assert days and all(d.weekday() < 5 for d in days), tz
        assert len(days) in (9, 10), (tz, days)  # two working weeks, minus one at the edges


async def test_a_time_in_the_spring_gap_is_sent_just_after_it_and_an_autumn_repeat_once(
    bot: Bot, clock: FakeClock
) -> None:
    london = ZoneInfo("Europe/London")
    clock.current = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 01:30 every day", user="gap", tz="Europe/London"))
    outbox, step = RecordingOutbox(clock), timedelta(minutes=5)
    sched = scheduler(bot, outbox, clock)
    await travel(sched, clock, datetime(2026, 3, 30, 12, 0, tzinfo=UTC), step)
    # 29 March: 01:30 does not exist in London; the lesson comes at 02:30 BST (01:30 UTC)
    assert [s.at for s in outbox.sent] == [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
    ]
    clock.current = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 01:30 every day", user="fold", tz="Europe/London"))
    await travel(sched, clock, datetime(2026, 10, 25, 12, 0, tzinfo=UTC), step)
    folds = [s.at for s in outbox.sent if s.who.user == "fold"]
    assert folds == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]  # 01:30 BST, the first of the two
    assert folds[0].astimezone(london).hour == 1


async def test_a_missed_tick_catches_up_the_same_day_and_repeated_ticks_never_resend(
    bot: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday
    await bot.handle(command("lessons on 09:00", tz="Europe/London"))
    outbox = RecordingOutbox(clock)
    sched = scheduler(bot, outbox, clock)
    assert await sched.tick() == {}
    clock.current = datetime(2026, 3, 2, 16, 40, tzinfo=UTC)  # the server was down from 08:55 to 16:40
    assert (await sched.tick())[Outcome.SENT] == 1
    for _ in range(5):
        assert await sched.tick() == {}
    assert len(outbox.sent) == 1
    status = await repo(bot).delivery_status(UserRef("test", "W1", "U1"), date(2026, 3, 2))
    assert status == "sent"


async def test_a_day_that_ended_before_the_restart_is_skipped_not_sent_late(
    bot: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # Monday 01:30 in Kolkata
    await bot.handle(command("lessons on 09:00", tz="Asia/Kolkata"))  # 03:30 UTC
    outbox = RecordingOutbox(clock)
    sched = scheduler(bot, outbox, clock)
    clock.current = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # down all Monday; Tuesday 10:30 in Kolkata
    assert (await sched.tick())[Outcome.MISSED] == 1
    assert (await sched.tick())[Outcome.SENT] == 1  # Tuesday's, caught up the same day
    assert await sched.tick() == {}
    assert outbox.local_dates("U1", "Asia/Kolkata") == [date(2026, 3, 3)]


async def test_a_permanent_failure_pauses_and_lessons_on_resumes(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", tz="UTC"))
    outbox = RecordingOutbox(clock, failures={"U1": PermanentDeliveryError("user deactivated")})
    sched = scheduler(bot, outbox, clock)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert (await sched.tick())[Outcome.PAUSED] == 1
    for _ in range(3):
        clock.advance(days=1)
        assert await sched.tick() == {}
    [status] = await bot.handle(command("lessons progress"))
    assert "paused" in status.text
    outbox.failures.clear()
    [reply] = await bot.handle(command("lessons on"))
    assert "Daily lessons are on" in reply.text and "today at 09:00" in reply.text
    assert (await sched.tick())[Outcome.SENT] == 1


async def test_a_transient_failure_releases_the_claim_and_retries_the_same_day(
    bot: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", tz="UTC"))
    outbox = RecordingOutbox(clock, failures={"U1": DeliveryError("timeout")}, fail_once={"U1"})
    sched = scheduler(bot, outbox, clock)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert await sched.tick() == {Outcome.RETRY: 1}  # no second try within the tick: the tick is its back-off
    clock.advance(minutes=1)
    assert (await sched.tick())[Outcome.SENT] == 1
    assert await sched.tick() == {}
    assert len(outbox.sent) == 1


async def test_claims_that_waited_past_half_the_lease_are_given_back_and_sent_in_the_same_tick(
    bot: Bot, clock: FakeClock
) -> None:
    await due_at_nine(bot, clock, "U1", "U2", "U3")
    outbox = RecordingOutbox(clock, delay_s=0.3)
    sched = scheduler(bot, outbox, clock)
    sched.pacer = WorkspacePacer(concurrency=1)  # one send at a time: the others wait their turn
    tick = asyncio.create_task(sched.tick())
    await asyncio.sleep(0.15)  # U1 is being sent; U2 and U3 wait
    clock.advance(minutes=3)  # past half the 5 min lease: their claims are too old to send now
    assert await tick == {Outcome.SENT: 3}  # given back (late), claimed afresh by a second walk, sent
    assert sorted(s.who.user for s in outbox.sent) == ["U1", "U2", "U3"]


async def test_claims_waiting_behind_a_hold_are_renewed_and_sent_without_being_given_back(
    bot: Bot, clock: FakeClock
) -> None:
    """A Retry-After longer than half the lease used to make every claim behind it late: given back, walked
    again after a pause. The heartbeat renews them instead, and the others still see them as live."""
    await due_at_nine(bot, clock, "U1", "U2")
    outbox, metrics = HoldingOutbox(clock, held={"W1": asyncio.Event()}), RecordingMetrics()
    lease = timedelta(seconds=2)  # heartbeats every quarter second, renewing claims older than half a second
    services = replace(bot.services, metrics=metrics)
    sched = Scheduler(services, {"test": outbox}.get, clock, "alive", lease=lease)
    tick = asyncio.create_task(sched.tick())
    await asyncio.sleep(0.1)  # claimed, waiting out the hold
    clock.advance(seconds=0.6)
    await asyncio.sleep(0.4)  # a heartbeat renews both claims
    clock.advance(seconds=0.6)  # 1.2 s since they were claimed, 0.6 s since they were renewed
    taken = await repo(bot).claim_batch(("test", "W1"), clock.now(), "", 10, "other", timedelta(seconds=1))
    assert [i.result for i in taken] == [ClaimResult.BUSY] * 2  # to another instance, still live claims
    outbox.held["W1"].set()
    assert await tick == {Outcome.SENT: 2}
    assert metrics.counts["deliveries", Outcome.LATE] == 0 and metrics.counts["deliveries", Outcome.SENT] == 2


async def test_a_claim_taken_over_while_it_waited_is_not_sent(bot: Bot, clock: FakeClock) -> None:
    """An instance with a shorter lease (or a clock ahead) took the claims over while they waited: the
    renewal finds them gone, and they are left to it."""
    await due_at_nine(bot, clock, "U1", "U2")
    outbox = HoldingOutbox(clock, held={"W1": asyncio.Event()})
    lease = timedelta(seconds=8)  # heartbeats every second, renewing claims older than 2 s
    tick = asyncio.create_task(scheduler(bot, outbox, clock, "slow", lease=lease).tick())
    await asyncio.sleep(0.1)  # claimed, waiting out the hold
    clock.advance(seconds=2.5)
    taken = await repo(bot).claim_batch(("test", "W1"), clock.now(), "", 10, "other", timedelta(seconds=2))
    assert [i.result for i in taken] == [ClaimResult.CLAIMED] * 2
    await asyncio.sleep(1.1)  # the first heartbeat tries to renew them
    outbox.held["W1"].set()
    assert await tick == {Outcome.BUSY: 2}
    assert outbox.sent == []


@dataclass
class RecordingMetrics:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def count(self, name: str, amount: int = 1, **labels: str) -> None:
        self.counts[name, labels.get("outcome", "")] += amount


async def test_a_crashed_claim_is_recovered_after_the_lease_and_sent_once(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", tz="UTC"))
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    who = UserRef("test", "W1", "U1")
    # another instance claims, then "dies" before sending: it never marks the claim sent
    [claimed] = await repo(bot).claim_batch(("test", "W1"), clock.now(), "", 10, "dead", timedelta(minutes=5))
    assert claimed.sub.who == who and claimed.result.value == "claimed"
    outbox = RecordingOutbox(clock)
    sched = scheduler(bot, outbox, clock, instance="alive")
    assert (await sched.tick())[Outcome.BUSY] == 1
    clock.advance(minutes=4)
    assert (await sched.tick())[Outcome.BUSY] == 1
    clock.advance(minutes=2)
    assert (await sched.tick())[Outcome.SENT] == 1
    assert await sched.tick() == {}
    assert len(outbox.sent) == 1
    assert await repo(bot).delivery_status(who, date(2026, 3, 2)) == "sent"


async def due_at_nine(bot: Bot, clock: FakeClock, *users: str) -> None:
    """Subscribe `users` (in UTC) to lessons at 09:00 on Monday 2 March 2026, and make it 09:00."""
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for user in users:
        await bot.handle(command("lessons on 09:00", user=user, tz="UTC"))
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_crashed_claim_that_runs_out_its_lease_during_a_tick_is_sent_in_that_tick(
    bot: Bot, clock: FakeClock
) -> None:
    await due_at_nine(bot, clock, "U1", "U2")
    await repo(bot).claim_batch(("test", "W1"), clock.now(), "U1", 1, "dead", timedelta(minutes=5))  # U2
    clock.advance(minutes=5, seconds=-0.5)  # the dead claim runs out in half a second
    outbox = RecordingOutbox(clock)
    tick = asyncio.create_task(scheduler(bot, outbox, clock, instance="alive").tick())
    await asyncio.sleep(0.5)  # the first walk sent U1, met U2's claim, and pauses (1 s) before another
    clock.advance(seconds=1)
    assert await tick == {Outcome.SENT: 2}
    assert sorted(s.who.user for s in outbox.sent) == ["U1", "U2"]


@dataclass
class LearningOutbox(RecordingOutbox):
    """An Outbox that learns its rate from 429s (bot.ports.LearnsLimits): records what it is told."""

    learns: bool = True
    shares: list[int] = field(default_factory=list)
    paces: dict[str, LearnedPace] = field(default_factory=dict)  # what it learned
    adopted: list[dict[str, LearnedPace]] = field(default_factory=list)  # what the others learned

    def share_among(self, senders: int) -> None:
        self.shares.append(senders)

    def learned(self) -> dict[str, LearnedPace]:
        return dict(self.paces)

    def adopt(self, paces: Mapping[str, LearnedPace]) -> None:
        self.adopted.append(dict(paces))


async def test_an_outbox_that_learns_its_rate_is_told_how_many_instances_send(
    bot: Bot, clock: FakeClock
) -> None:
    await due_at_nine(bot, clock, "U1", "U2")
    await repo(bot).senders("other", timedelta(seconds=1))  # another instance is sending now
    outbox, lease = LearningOutbox(clock), timedelta(seconds=2)  # a sender window of 0.5 s: a short test
    assert await scheduler(bot, outbox, clock, batch_size=1, lease=lease).tick() == {Outcome.SENT: 2}
    assert outbox.shares and set(outbox.shares) == {2}
    await bot.handle(command("lessons on 09:00", user="U3", tz="UTC"))
    clock.advance(minutes=1)  # the other has not been seen for longer than the sender window
    outbox.shares.clear()
    assert await scheduler(bot, outbox, clock, instance="i2", lease=lease).tick() == {Outcome.SENT: 1}
    assert set(outbox.shares) == {1}


async def test_instances_pass_on_the_rates_they_learned(bot: Bot, clock: FakeClock) -> None:
    """Each learned apart, two instances kept unequal shares of a workspace's limit, and one that had learned
    little sent at a fraction of it once the other stopped: what one learns, the others adopt."""
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for user in ("U1", "U2"):
        await bot.handle(command("lessons on 09:00", user=user, tz="UTC"))
    pace = LearnedPace(rate=80.0, ceiling=72.0, since=1_700_000_000.5)
    alpha_out, beta_out = LearningOutbox(clock, paces={"W1": pace}), LearningOutbox(clock)
    lease = timedelta(seconds=2)  # a sender window of 0.5 s: a short test
    alpha = scheduler(bot, alpha_out, clock, "alpha", batch_size=1, lease=lease)
    beta = scheduler(bot, beta_out, clock, "beta", batch_size=1, lease=lease)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert await alpha.tick() == {Outcome.SENT: 2}
    await bot.handle(command("lessons on 09:00", user="U3", tz="UTC"))  # due now: beta has work
    assert await beta.tick() == {Outcome.SENT: 1}
    assert beta_out.adopted and all(paces == {"W1": pace} for paces in beta_out.adopted)
    assert set(beta_out.shares) == {2}
    assert not alpha_out.adopted  # beta had learned nothing yet


async def test_the_next_process_starts_from_the_paces_learned_before_it(bot: Bot, clock: FakeClock) -> None:
    """What was learned outlives the instance that learned it: the paces travelled only in the live
    instances' heartbeats, so after a restart each workspace's limit was learned again from 429s."""
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", user="U1", tz="UTC"))
    pace = LearnedPace(rate=80.0, ceiling=72.0, since=1_700_000_000.5)
    lease = timedelta(seconds=2)  # a sender window of 0.5 s: a short test
    learned = LearningOutbox(clock, paces={"W1": pace})
    first = scheduler(bot, learned, clock, "alpha", batch_size=1, lease=lease)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert await first.tick() == {Outcome.SENT: 1}
    await first.leave()  # it stops (a deploy, say)
    clock.current = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # the next day's lessons, a new process
    later = LearningOutbox(clock)
    restarted = scheduler(bot, later, clock, "alpha-2", batch_size=1, lease=lease)
    assert await restarted.tick() == {Outcome.SENT: 1}
    assert later.adopted and all(paces == {"W1": pace} for paces in later.adopted)


@pytest.mark.parametrize("hold", ["before its first send", "by a 429 one of its sends met"])
async def test_a_workspace_held_by_its_platform_does_not_stop_the_others(
    bot: Bot, clock: FakeClock, hold: str
) -> None:
    """A Retry-After holds one workspace (for up to a minute on Slack): its sends, and the retries of those
    in flight when the 429 came, wait without taking the scheduler's places in flight, which the other
    workspaces' lessons need."""
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", user="U1", workspace="HELD", tz="UTC"))
    for user in ("U2", "U3", "U4"):
        await bot.handle(command("lessons on 09:00", user=user, workspace="FREE", tz="UTC"))
    if hold == "before its first send":
        outbox = HoldingOutbox(clock, held={"HELD": asyncio.Event()})
    else:
        outbox = HoldingOutbox(clock, refuse={"U1"})  # U1's first try meets a 429: HELD is held from then on
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    tick = asyncio.create_task(scheduler(bot, outbox, clock, batch_size=1, max_in_flight=1).tick())
    for _ in range(500):  # up to 5 s
        if len(outbox.sent) == 3:
            break
        await asyncio.sleep(0.01)
    assert {s.who.user for s in outbox.sent} == {"U2", "U3", "U4"}  # while HELD is still held
    outbox.held["HELD"].set()  # its Retry-After ran out
    assert await tick == {Outcome.SENT: 4}


@dataclass
class HoldingOutbox(RecordingOutbox):
    """An Outbox that holds chosen workspaces until their event is set, as a Retry-After would
    (bot.ports.HoldsSends). Like the Slack outbox, `send` waits out the hold itself, and tries again through
    429s; `refuse` lists users whose first try meets one, which holds their workspace."""

    held: dict[str, asyncio.Event] = field(default_factory=dict)
    refuse: set[str] = field(default_factory=set)

    async def ready(self, workspace: str) -> None:
        if workspace in self.held:
            await self.held[workspace].wait()

    async def attempt(self, who: UserRef, reply: Reply) -> bool:
        await self.ready(who.workspace)
        if who.user in self.refuse:
            self.refuse.discard(who.user)
            self.held[who.workspace] = asyncio.Event()  # a Retry-After: held until the test says
            return False
        await super().send(who, reply)
        return True

    async def send(self, who: UserRef, reply: Reply) -> None:
        for _ in range(3):
            if await self.attempt(who, reply):
                return
        raise DeliveryError("rate limited")


async def test_an_instance_that_shuts_down_leaves_its_share_at_once(bot: Bot, clock: FakeClock) -> None:
    await due_at_nine(bot, clock, "U1")
    alpha = scheduler(bot, RecordingOutbox(clock), clock, "alpha", lease=timedelta(seconds=2))
    alpha.pacer = WorkspacePacer(rate_per_s=100)
    await alpha.tick()
    window = timedelta(seconds=10)
    assert (await repo(bot).senders("beta", window)) == 2  # alpha counts while it is seen
    stopped = asyncio.Event()
    stopped.set()  # the server is shutting down: run() ticks no more and leaves
    await alpha.run(stopped)
    assert (await repo(bot).senders("beta", window)) == 1


async def test_a_platform_without_an_outbox_is_left_due(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", tz="UTC"))
    clock.advance(days=1)
    sched = scheduler(bot, RecordingOutbox(clock), clock)
    sched.outbox_for = lambda _platform: None
    assert (await sched.tick())[Outcome.NO_OUTBOX] == 1


async def test_the_pacer_spaces_starts_per_workspace_and_not_across_them() -> None:
    pacer = WorkspacePacer(rate_per_s=20)  # lessons.sends_per_s
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(pacer.wait_turn(("slack", "T1")) for _ in range(5)))
    one_workspace = loop.time() - started
    started = loop.time()
    await asyncio.gather(*(pacer.wait_turn(("slack", f"T{n}")) for n in range(2, 7)))
    across = loop.time() - started
    assert one_workspace >= 0.19  # 5 starts at 20/s: the last one 0.2 s after the first
    assert across < 0.1


def test_a_paced_rate_is_shared_equally_among_the_instances_sending() -> None:
    pacer = WorkspacePacer(rate_per_s=20)
    assert pacer.interval == pytest.approx(0.05)
    pacer.share_among(2)
    assert pacer.interval == pytest.approx(0.1)  # 10 starts per second each, 20 in all
    pacer.share_among(0)
    assert pacer.interval == pytest.approx(0.05)
    unpaced = WorkspacePacer()
    unpaced.share_among(3)
    assert unpaced.interval == 0.0


async def test_an_instance_busy_with_a_slow_send_still_counts_as_sending(bot: Bot, clock: FakeClock) -> None:
    """A lane that claims seldom (held by a Retry-After, or paced slowly) keeps saying it is sending:
    otherwise the others count it out, take its share on top of their own, and meet 429s."""
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", user="U0", tz="UTC"))
    slow = RecordingOutbox(clock, delay_s=2.0)  # one send outlasts the 0.5 s sender window
    alpha = scheduler(bot, slow, clock, "alpha", batch_size=1, lease=timedelta(seconds=2))
    beta = scheduler(bot, RecordingOutbox(clock), clock, "beta", batch_size=1, lease=timedelta(seconds=2))
    for sched in (alpha, beta):
        sched.pacer = WorkspacePacer(rate_per_s=100)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    sending = asyncio.create_task(alpha.tick())
    await asyncio.sleep(0.5)  # alpha has joined (a quarter window), claimed its one lesson and is sending it
    await bot.handle(command("lessons on 09:00", user="U9", workspace="W2", tz="UTC"))  # beta's work
    clock.current += timedelta(seconds=2)  # alpha's claim is long past the window: only a heartbeat helps
    await asyncio.sleep(0.4)
    await beta.tick()
    assert beta.pacer.senders == 2
    assert (await sending)[Outcome.SENT] == 1


async def test_instances_count_each_other_while_sending_and_take_over_a_silent_ones_share(
    bot: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for i in range(4):
        await bot.handle(command("lessons on 09:00", user=f"U{i}", tz="UTC"))

    def paced(instance: str, outbox: RecordingOutbox) -> Scheduler:
        # a 2 s lease: a sender window of 0.5 s, so joining waits an eighth of a second, not half a second
        sched = scheduler(bot, outbox, clock, instance, batch_size=1, lease=timedelta(seconds=2))
        sched.pacer = WorkspacePacer(rate_per_s=1000)  # lessons.sends_per_s
        return sched

    beta_sent = RecordingOutbox(clock)
    alpha, beta = paced("alpha", RecordingOutbox(clock)), paced("beta", beta_sent)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await alpha.tick()  # nobody else is sending
    assert alpha.pacer.interval == pytest.approx(1 / 1000)
    await bot.handle(command("lessons on 09:00", user="U9", tz="UTC"))  # due now: beta has work
    await beta.tick()
    assert beta.pacer.interval == pytest.approx(2 / 1000)  # alpha sent within the window
    assert (await repo(bot).senders("gamma", timedelta(seconds=10))) == 3
    clock.current = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # a day on, everyone is due again
    await beta.tick()  # alone: alpha and gamma have been quiet for longer than the window
    assert beta.pacer.interval == pytest.approx(1 / 1000)
    assert len(beta_sent.sent) == 1 + 5


async def test_recorded_paces_keep_the_newest_learning_and_leave_bad_rows_out(bot: Bot) -> None:
    lessons = repo(bot)
    pace = LearnedPace(rate=80.25, ceiling=None, since=1_700_000_000.125)
    assert await lessons.share_paces("slack", {"T1": pace}, ["T1", "T2"]) == {"T1": pace}
    older = LearnedPace(rate=10.0, ceiling=9.0, since=1_600_000_000.0)
    assert await lessons.share_paces("slack", {"T1": older}, ["T1"]) == {"T1": pace}  # older: kept out
    newer = LearnedPace(rate=50.0, ceiling=45.0, since=1_700_000_001.0, settled=True)
    assert await lessons.share_paces("slack", {"T1": newer}, ["T1"]) == {"T1": newer}
    assert await lessons.share_paces("teams", {}, ["T1"]) == {}  # per platform
    climbed = replace(newer, climbed_s=12.5)  # the same learning, climbed further
    assert await lessons.share_paces("slack", {"T1": climbed}, ["T1"]) == {"T1": climbed}
    assert await lessons.share_paces("slack", {"T1": newer}, ["T1"]) == {"T1": climbed}  # no step back
    async with lessons.engine.begin() as conn:
        for ws, rate, climbed_s in (("T3", 0.0, 0.0), ("T4", float("inf"), 0.0), ("T5", -1.0, 0.0),
                                    ("T6", 5.0, -1.0), ("T7", 5.0, float("inf"))):
            row = {"platform": "slack", "workspace": ws, "rate": rate, "since": 1.0, "settled": False,
                   "climbed_s": climbed_s}
            await conn.execute(insert(LearnedPaceRow).values(**row))
    assert await lessons.share_paces("slack", {}, ["T1", "T3", "T4", "T5", "T6", "T7"]) == {"T1": climbed}
