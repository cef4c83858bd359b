"""Proactive messages through the Outbox: stored references, 429 retried, 403 pauses, pacing."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.server import OUTBOXES, build_app, platform_mounts
from adapters.teams.outbox import Pacer, TeamsOutbox
from bot.core import Bot
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.model import Heading, Paragraph, Reply, UserRef
from bot.settings import Config
from bot.store import SqlStore
from tests.adapters.teams.conftest import TeamsClient
from tests.fakes.connector import FakeConnector

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
LESSON = Reply("Today's lesson", (Heading("Today's lesson"), Paragraph("Name the feeling first.")))


async def _person(teams: TeamsClient) -> UserRef:
    activity = teams.activity("conversation_update")
    assert (await teams.post(activity)).status in (200, 201)
    return UserRef("teams", TENANT, activity["from"]["aadObjectId"])


async def test_a_lesson_reaches_the_personal_chat(teams: TeamsClient, connector: FakeConnector) -> None:
    who = await _person(teams)
    await teams.teams.outbox.send(who, LESSON)
    [call] = connector.sent("POST")
    conversation = teams.activity("personal_message")["conversation"]["id"]
    assert call.path.startswith(f"/v3/conversations/{conversation}/activities")
    assert connector.cards()[0]["body"][0]["text"] == "Today's lesson"


async def test_429_is_retried_until_it_goes_through(teams: TeamsClient, connector: FakeConnector) -> None:
    who = await _person(teams)
    connector.fail_next(429, 502, 429)
    await teams.teams.outbox.send(who, LESSON)
    assert len(connector.sent("POST")) == 1


async def test_server_errors_are_retried_as_msrest_retried_them(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    who = await _person(teams)
    connector.fail_next(503, 500, 408)
    await teams.teams.outbox.send(who, LESSON)
    assert len(connector.sent("POST")) == 1


async def test_a_501_is_not_retried(teams: TeamsClient, connector: FakeConnector) -> None:
    who = await _person(teams)
    connector.fail_next(501)
    with pytest.raises(DeliveryError):
        await teams.teams.outbox.send(who, LESSON)
    assert connector.sent() == [] and connector.pending_failures() == 0


async def test_403_pauses_the_person_until_they_write_again(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    who = await _person(teams)
    connector.fail_next(403)
    with pytest.raises(PermanentDeliveryError, match="paused"):
        await teams.teams.outbox.send(who, LESSON)
    with pytest.raises(PermanentDeliveryError, match="paused"):
        await teams.teams.outbox.send(who, LESSON)
    assert connector.sent() == []
    await teams.post(teams.activity("personal_message", text="help"))
    await teams.teams.outbox.send(who, LESSON)
    assert len(connector.sent("POST")) == 2


async def test_an_unknown_person_cannot_be_reached(teams: TeamsClient) -> None:
    with pytest.raises(PermanentDeliveryError, match="no personal chat"):
        await teams.teams.outbox.send(UserRef("teams", TENANT, "29:nobody"), LESSON)


async def test_sends_to_one_conversation_stay_under_seven_per_second() -> None:
    pacer = Pacer(per_second=6)
    started = time.monotonic()
    await asyncio.gather(*(pacer.wait("a") for _ in range(7)), pacer.wait("b"))
    assert time.monotonic() - started >= 6 / 6 - 0.05  # the 7th waits a full second
    other = time.monotonic()
    await pacer.wait("c")
    assert time.monotonic() - other < 0.05, "other conversations are not held up"


async def test_retry_after_is_honoured(teams: TeamsClient, connector: FakeConnector) -> None:
    who = await _person(teams)
    connector.fail_next(429, retry_after="0.04")  # capped by max_wait (0.05 s in these tests)
    started = time.monotonic()
    await teams.teams.outbox.send(who, LESSON)
    assert time.monotonic() - started >= 0.04
    assert len(connector.sent("POST")) == 1


async def test_an_unreachable_connector_is_a_retryable_delivery_error(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    who = await _person(teams)
    await connector.close()
    with pytest.raises(DeliveryError) as caught:
        await teams.teams.outbox.send(who, LESSON)
    assert not isinstance(caught.value, PermanentDeliveryError), "the scheduler tries again later"


async def test_the_outbox_is_registered_for_the_scheduler(config: Config, bot: Bot, store: SqlStore) -> None:
    app = build_app(bot, store, platform_mounts(config, bot, store, dev=True))
    assert isinstance(app[OUTBOXES]["teams"], TeamsOutbox)
