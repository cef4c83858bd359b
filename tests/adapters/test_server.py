"""The web service's health endpoints, over real HTTP on an ephemeral port."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_app
from bot.core import Bot
from bot.store import SqlStore
from tests.conftest import FakeClock


async def test_health_and_readiness(bot: Bot, store: SqlStore) -> None:
    async with TestClient(TestServer(build_app(bot, store))) as client:
        health = await client.get("/healthz")
        assert health.status == 200 and (await health.json())["status"] == "ok"
        ready = await client.get("/readyz")
        assert ready.status == 200
        assert await ready.json() == {"status": "ready", "content": True, "database": True}


async def test_not_ready_when_the_database_is_unreachable(bot: Bot, clock: FakeClock) -> None:
    unreachable = SqlStore.open(
        "postgresql+asyncpg://postgres@127.0.0.1:9/none", clock, connect_args={"timeout": 2}
    )
    try:
        async with TestClient(TestServer(build_app(bot, unreachable))) as client:
            ready = await client.get("/readyz")
            assert ready.status == 503
            assert (await ready.json())["database"] is False
            assert (await client.get("/healthz")).status == 200
    finally:
        await unreachable.close()
