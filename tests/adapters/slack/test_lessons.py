"""Daily lessons and follow-ups delivered through the real Slack mount's Outbox to the fake Slack API."""

from __future__ import annotations

import asyncio
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


async def tick_at(slack: SlackHarness, hour_utc: int) -> Counter[Outcome]:
    """Move the fake clock on to `hour_utc`:00 today (UTC) and tick once."""
    clock = slack.bot.services.clock
    assert isinstance(clock, FakeClock)
    clock.current = clock.current.replace(hour=hour_utc, minute=0)
    return await scheduler(slack).tick()


async def test_the_time_zone_comes_from_the_slack_profile(slack: SlackHarness) -> None:
    slack.fake.zones["UNY"] = "America/New_York"
    answer = await (await slack.command("lessons on 09:30", user_id="UNY")).json()
    assert "America/New_York time" in answer["text"]
    assert "today at 09:30" in answer["text"]  # 09:00 UTC is 04:00 in New York (the clock's start)
    assert [c["user"] for c in slack.fake.called("users.info")] == ["UNY"]
    assert await tick_at(slack, 14) == Counter()  # 10:00 in New York
    assert await tick_at(slack, 15) == Counter({Outcome.SENT: 1})  # 11:00 there: 09:30 has passed
    await slack.command("lessons progress", user_id="UNY")
    assert len(slack.fake.called("users.info")) == 1  # kept for the hour, not asked per request


async def test_a_zone_the_person_chose_wins_over_the_profile(slack: SlackHarness) -> None:
    slack.fake.zones["UTOKYO"] = "Asia/Tokyo"
    answer = await (await slack.command("lessons timezone europe/london", user_id="UTOKYO")).json()
    assert "Europe/London time" in answer["text"]
    answer = await (await slack.command("lessons on 08:00", user_id="UTOKYO")).json()
    assert "Europe/London time" in answer["text"]


async def test_without_the_profile_the_default_zone_is_used_and_nothing_fails(slack: SlackHarness) -> None:
    slack.fake.errors["users.info"] = "missing_scope"
    answer = await (await slack.command("lessons on 09:30", user_id="U1")).json()
    assert "09:30 on weekdays, UTC time" in answer["text"]  # app.yaml's lessons.timezone
    await slack.command("lessons progress", user_id="U1")
    assert len(slack.fake.called("users.info")) == 1  # a refusal is not asked again at once


async def test_only_lesson_requests_read_the_profile(slack: SlackHarness) -> None:
    await slack.command("rewrite you never answer my emails", user_id="U1")
    await slack.command("help", user_id="U1")
    assert slack.fake.called("users.info") == []


async def test_a_rate_limited_profile_does_not_hold_up_the_answer(slack: SlackHarness) -> None:
    slack.fake.rate_limit("users.info", times=3, retry_after=5)  # the client would wait 5 s to retry
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await (await slack.command("lessons on 09:30", user_id="U1")).json()
    assert loop.time() - started < 3  # within Slack's deadline for the ack that carries the answer
    assert "UTC time" in answer["text"]
