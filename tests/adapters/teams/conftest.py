"""Teams fixtures: the fake Bot Connector, the real server with the Teams mount, payload loading."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_app
from adapters.teams import TeamsApp, build_teams, teams_mount
from adapters.teams.outbox import Delivery
from bot.core import Bot
from bot.settings import Config, load_config
from bot.store import SqlStore
from tests.fakes.connector import FakeConnector, FakeIdentity

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "teams"
APP_ID = "00000000-0000-0000-0000-000000000001"


def payload(name: str, service_url: str, **changes: Any) -> dict[str, Any]:
    """A stored Teams activity with our serviceUrl, a fresh activity id, and any top-level changes."""
    activity: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    activity = copy.deepcopy(activity)
    activity["serviceUrl"] = service_url
    activity["id"] = f"{activity['id']}-{uuid.uuid4().hex[:8]}"
    activity.update(changes)
    return activity


def fast_delivery() -> Delivery:
    """Retries with millisecond backoff, so tests of 429 stay quick."""
    return Delivery(attempts=4, backoff=0.01, max_wait=0.05, per_second=50)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
def identity() -> Iterator[FakeIdentity]:
    fake = FakeIdentity()
    try:
        yield fake
    finally:
        fake.close()


class TeamsClient:
    """Posts activities to the real /api/messages of the real server."""

    def __init__(self, client: TestClient[Any, Any], teams: TeamsApp, connector: FakeConnector) -> None:
        self.client, self.teams, self.connector = client, teams, connector

    async def post(self, activity: dict[str, Any], token: str | None = None) -> ClientResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post("/api/messages", json=activity, headers=headers)

    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        return payload(name, self.connector.url, **changes)


async def _serve(
    config: Config, bot: Bot, store: SqlStore, connector: FakeConnector
) -> AsyncIterator[TeamsClient]:
    teams = build_teams(config, bot, store, fast_delivery())
    async with TestClient(TestServer(build_app(bot, store, [teams_mount(teams)]))) as client:
        yield TeamsClient(client, teams, connector)


@pytest.fixture
async def teams(
    config: Config, bot: Bot, store: SqlStore, connector: FakeConnector
) -> AsyncIterator[TeamsClient]:
    """Dev mode: no app id, no token needed (as with the Bot Framework Emulator)."""
    async for client in _serve(config, bot, store, connector):
        yield client


@pytest.fixture
def secured_config(config: Config, identity: FakeIdentity, monkeypatch: pytest.MonkeyPatch) -> Config:
    """The same config with an app id, a password, and the fake identity's OpenID metadata."""
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", "not-a-real-secret")
    monkeypatch.setenv("DEESCALATE_TEAMS__OPENID_METADATA_URL", identity.metadata_url)
    return load_config()


@pytest.fixture
async def secured(
    secured_config: Config, bot: Bot, store: SqlStore, connector: FakeConnector
) -> AsyncIterator[TeamsClient]:
    """An app id is configured: every request needs a valid Bot Framework token."""
    async for client in _serve(secured_config, bot, store, connector):
        yield client
