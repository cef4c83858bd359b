"""Proactive sends go to the DM through the real client and fake API, paced per channel."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbox import ChannelPacer, SlackOutbox
from bot.model import Reply, UserRef
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    api = await FakeSlackApi().start()
    yield api
    await api.close()


async def test_outbox_sends_to_the_dm_at_most_once_a_second_per_channel(fake: FakeSlackApi) -> None:
    async def client_for(_workspace: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-t", base_url=fake.base_url)

    outbox = SlackOutbox(client_for, ChannelPacer(0.5))
    who = UserRef("slack", "T1", "U7")
    for n in range(3):
        await outbox.send(who, Reply(f"lesson {n}"))
    posts = [c for c in fake.calls if c.method == "chat.postMessage"]
    assert [p.payload["channel"] for p in posts] == ["DU7"] * 3
    assert all(b.at - a.at >= 0.45 for a, b in itertools.pairwise(posts))


async def test_the_dm_is_opened_once_and_a_429_holds_the_workspace_then_sends(fake: FakeSlackApi) -> None:
    async def client_for(_workspace: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-t", base_url=fake.base_url)

    outbox = SlackOutbox(client_for, ChannelPacer(0.0))
    card = Reply("lesson")
    fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    for user in ("U1", "U2", "U1"):
        await outbox.send(UserRef("slack", "T1", user), card)
    assert [p["users"] for p in fake.called("conversations.open")] == ["U1", "U2"]
    assert [p["channel"] for p in fake.called("chat.postMessage")] == ["DU1", "DU2", "DU1"]
    [limited] = [c for c in fake.calls if c.method == "429:chat.postMessage"]
    first = next(c for c in fake.calls if c.method == "chat.postMessage")
    assert first.at - limited.at >= 0.95  # the Retry-After was waited out before trying again
