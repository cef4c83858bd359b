"""Exactly once across instances: two schedulers on one PostgreSQL, and a real process killed mid-send."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import runtime
from bot.core import Bot
from bot.model import UserRef
from bot.scheduler import Outcome
from bot.settings import Config
from tests.conftest import REPO, FakeClock
from tests.core.lesson_helpers import RecordingOutbox, command, repo, scheduler

PEOPLE = 120


@pytest.fixture
async def second(config: Config, clock: FakeClock, db_url: str) -> AsyncIterator[Bot]:
    """A second, independent instance (own engine and pool) on the same database."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the multi-instance guarantee is for PostgreSQL")
    other, store = await runtime.start(config, clock)
    try:
        yield other
    finally:
        await store.close()


async def test_two_instances_ticking_together_send_everyone_exactly_once(
    bot: Bot, second: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for i in range(PEOPLE):
        await bot.handle(command("lessons on 09:00", user=f"U{i}", workspace=f"W{i % 7}", tz="UTC"))
    one, two = RecordingOutbox(clock, delay_s=0.001), RecordingOutbox(clock, delay_s=0.001)
    # small batches, so that both instances get a share of every workspace's claims
    first_s, second_s = scheduler(bot, one, clock, "alpha", 3), scheduler(second, two, clock, "beta", 3)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for _ in range(3):
        await asyncio.gather(first_s.tick(), second_s.tick())
    sent = Counter(s.who.user for s in one.sent + two.sent)
    assert len(sent) == PEOPLE and set(sent.values()) == {1}
    assert one.sent and two.sent, "both instances should have done part of the work"


CRASHER = textwrap.dedent(
    """
    import asyncio, os, sys
    from datetime import datetime
    sys.path.insert(0, sys.argv[1])
    from bot import runtime
    from bot.scheduler import Scheduler
    from bot.settings import load_config

    class Clock:
        def now(self):
            return datetime.fromisoformat(sys.argv[2])

    class DyingOutbox:
        async def send(self, who, reply):
            print("claimed", flush=True)
            os._exit(9)  # killed between claim and send: nothing reaches the platform

    async def main():
        bot, store = await runtime.start(load_config(), Clock())
        await Scheduler(bot.services, lambda p: DyingOutbox(), Clock(), "doomed").tick()

    asyncio.run(main())
    """
)


async def test_a_process_killed_between_claim_and_send_is_recovered_by_another(
    bot: Bot, second: Bot, clock: FakeClock, tmp_path: Path
) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00", tz="UTC"))
    clock.current = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)
    script = tmp_path / "crash.py"
    script.write_text(CRASHER, encoding="utf-8")
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(script), str(REPO), clock.current.isoformat()],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 9 and "claimed" in done.stdout, done.stderr
    who, day = UserRef("test", "W1", "U1"), date(2026, 3, 2)
    assert await repo(bot).delivery_status(who, day) == "claimed"
    outbox = RecordingOutbox(clock)
    survivor = scheduler(second, outbox, clock, "survivor")
    assert (await survivor.tick())[Outcome.BUSY] == 1  # the lease has not run out yet
    clock.advance(minutes=6)
    assert (await survivor.tick())[Outcome.SENT] == 1
    assert await survivor.tick() == {}
    assert len(outbox.sent) == 1
    assert await repo(bot).delivery_status(who, day) == "sent"
