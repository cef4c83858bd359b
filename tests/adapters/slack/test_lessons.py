"""Daily lessons and follow-ups delivered through the real Slack mount's Outbox to the fake Slack API."""

from __future__ import annotations

from collections import Counter

from adapters.server import OUTBOXES
from bot.scheduler import Outcome, Scheduler
from tests.adapters.slack.conftest import SlackHarness
from tests.conftest import FakeClock


def scheduler(slack: SlackHarness, name: str = "a") -> Scheduler:
    outboxes = slack.client.server.app[OUTBOXES]
    return Scheduler(slack.bot.services, outboxes.get, instance_id=name)


async def tick_through_a_day(slack: SlackHarness, name: str = "a") -> Counter[Outcome]:
    """Move the clock an hour at a time for a day, ticking each time; return every outcome."""
    clock = slack.bot.services.clock
    assert isinstance(clock, FakeClock)
    total: Counter[Outcome] = Counter()
    for _ in range(24):
        clock.advance(hours=1)
        total += await scheduler(slack, name).tick()
    return total


async def subscribe(slack: SlackHarness, user: str) -> None:
    answer = await (await slack.command("lessons on 09:30", user_id=user)).json()
    assert "09:30" in answer["text"]


async def test_a_lesson_arrives_by_dm_despite_429s(slack: SlackHarness) -> None:
    for user in ("U1", "U2", "U3"):
        await subscribe(slack, user)
    slack.fake.rate_limit("chat.postMessage", times=2, retry_after=1)
    assert await tick_through_a_day(slack) == Counter({Outcome.SENT: 3})
    posts = slack.fake.called("chat.postMessage")
    assert sorted(p["channel"] for p in posts) == ["U1", "U2", "U3"]  # each one's DM, by user id
    assert len(slack.fake.called("429:chat.postMessage")) == 2
    assert all(any(b["type"] == "actions" for b in p["blocks"]) for p in posts)  # the quiz buttons
    assert await scheduler(slack, "b").tick() == Counter()  # nothing due twice


async def test_a_deactivated_person_pauses_instead_of_retrying(slack: SlackHarness) -> None:
    await subscribe(slack, "UGONE")
    slack.fake.gone_users["UGONE"] = "user_not_found"
    assert await tick_through_a_day(slack) == Counter({Outcome.PAUSED: 1})
    assert await tick_through_a_day(slack) == Counter()
