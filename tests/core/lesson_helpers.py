"""Shared helpers for the lesson and scheduler tests: a recording Outbox standing in for a platform."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import Bot
from bot.model import Inbound, Kind, Reply, UserRef
from bot.scheduler import LEASE, Scheduler
from bot.scheduling.status import repo_of
from bot.store.lessons import LessonRepo
from tests.conftest import FakeClock


@dataclass
class Sent:
    who: UserRef
    reply: Reply
    at: datetime


@dataclass
class RecordingOutbox:
    """Stands in for a platform's Outbox: records each send; can fail chosen users."""

    clock: FakeClock
    sent: list[Sent] = field(default_factory=list)
    failures: dict[str, Exception] = field(default_factory=dict)  # user id -> error raised on send
    fail_once: set[str] = field(default_factory=set)  # users whose failure clears after one raise
    delay_s: float = 0.0

    async def send(self, who: UserRef, reply: Reply) -> None:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        error = self.failures.get(who.user)
        if error is not None:
            if who.user in self.fail_once:
                del self.failures[who.user]
            raise error
        self.sent.append(Sent(who, reply, self.clock.now()))

    def local_dates(self, user: str, tz: str) -> list[date]:
        return [s.at.astimezone(ZoneInfo(tz)).date() for s in self.sent if s.who.user == user]


def command(text: str, user: str = "U1", workspace: str = "W1", tz: str | None = None) -> Inbound:
    return Inbound("test", workspace, user, "D1", True, Kind.COMMAND, text, timezone=tz)


def scheduler(
    bot: Bot,
    outbox: RecordingOutbox,
    clock: FakeClock,
    instance: str = "i1",
    batch_size: int = 32,
    lease: timedelta = LEASE,
    max_in_flight: int = 8,
) -> Scheduler:
    def outbox_for(platform: str) -> RecordingOutbox | None:
        return outbox if platform == "test" else None

    return Scheduler(
        bot.services,
        outbox_for,
        clock,
        instance,
        batch_size=batch_size,
        lease=lease,
        max_in_flight=max_in_flight,
    )


def repo(bot: Bot) -> LessonRepo:
    return repo_of(bot.services)


async def travel(sched: Scheduler, clock: FakeClock, until: datetime, step: timedelta) -> None:
    """Tick, step the clock, and tick again, until `until`."""
    while clock.current < until:
        await sched.tick()
        clock.current += step
    await sched.tick()
