"""Proactive sends go to the DM through the real client and fake API, paced per channel."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import http_session
from adapters.slack.deliver import respond
from adapters.slack.outbox import ChannelPacer, SlackOutbox
from bot.model import Reply, UserRef
from tests.fakes.proxy import FakeProxy
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
    assert [p.payload["channel"] for p in posts] == ["U7"] * 3  # the user id: their DM with the bot
    assert all(b.at - a.at >= 0.45 for a, b in itertools.pairwise(posts))


async def test_no_dm_is_opened_and_a_429_holds_the_workspace_then_sends(fake: FakeSlackApi) -> None:
    async def client_for(_workspace: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-t", base_url=fake.base_url)

    outbox = SlackOutbox(client_for, ChannelPacer(0.0))
    card = Reply("lesson")
    fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    for user in ("U1", "U2", "U1"):
        await outbox.send(UserRef("slack", "T1", user), card)
    assert fake.called("conversations.open") == []  # Tier 3: far slower than a fan-out may post
    assert [p["channel"] for p in fake.called("chat.postMessage")] == ["U1", "U2", "U1"]
    [limited] = [c for c in fake.calls if c.method == "429:chat.postMessage"]
    first = next(c for c in fake.calls if c.method == "chat.postMessage")
    assert first.at - limited.at >= 0.95  # the Retry-After was waited out before trying again


async def test_after_a_429_the_workspace_is_paced_at_what_it_accepted(fake: FakeSlackApi) -> None:
    """No rate configured: the outbox learns one from the 429s instead of meeting one after every hold."""

    async def client_for(_workspace: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-t", base_url=fake.base_url)

    fake.limit_rate("chat.postMessage", per_s=20, burst=2)  # low enough that even a slow machine meets it
    outbox = SlackOutbox(client_for, ChannelPacer(0.0), learn=True)
    people = iter(range(30))

    async def worker() -> None:
        for n in people:
            await outbox.send(UserRef("slack", "T1", f"U{n}"), Reply("lesson"))

    await asyncio.gather(*(worker() for _ in range(4)))
    assert len(fake.called("chat.postMessage")) == 30
    refused = [c for c in fake.calls if c.method == "429:chat.postMessage"]
    assert 1 <= len(refused) <= 8  # unpaced: dozens, as each hold's refilled burst meets another 429


async def test_a_workspace_refusing_a_user_id_as_channel_gets_the_dm_opened(fake: FakeSlackApi) -> None:
    async def client_for(_workspace: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-t", base_url=fake.base_url)

    fake.user_id_channels = False  # chat.postMessage answers channel_not_found to a user id
    await SlackOutbox(client_for, ChannelPacer(0.0)).send(UserRef("slack", "T1", "U1"), Reply("lesson"))
    assert [p["users"] for p in fake.called("conversations.open")] == ["U1"]
    assert [p["channel"] for p in fake.called("chat.postMessage")] == ["U1", "DU1"]


async def test_response_url_posts_go_through_an_egress_proxy_from_the_environment(  # slack_sdk reads it
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = await FakeProxy({"ok": True}).start()
    session = http_session()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        await respond("http://hooks.slack.invalid/commands/T1/1/x", {"text": "hi"}, session)
    finally:
        await session.close()
        await proxy.close()
    assert proxy.seen == ["http://hooks.slack.invalid/commands/T1/1/x"]
