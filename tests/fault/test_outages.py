"""The database going away and coming back, and the LLM endpoint refusing connections."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.conftest import payload
from tests.conftest import PG_ADMIN_URL, PG_SKIP, _drop_pg_database, _fresh_pg_database
from tests.stack import Stack, start_stack

FORM = "application/x-www-form-urlencoded"
SLACK_ACK_S = 3.0


async def lessons_on(stack: Stack, user: str) -> tuple[int, str]:
    """A command that needs the database; returns the status and the text answered in the ack."""
    form = payload("slash_command", text="lessons on 09:30", user_id=user, response_url="")
    started = time.perf_counter()
    response = await stack.slack.post(urlencode(form).encode(), FORM)
    assert time.perf_counter() - started < SLACK_ACK_S
    body = await response.json() if response.status == 200 else {}
    return response.status, str(body.get("text", ""))


async def assert_outage_then_recovery(
    stack: Stack, go_away: Callable[[], Awaitable[None]], come_back: Callable[[], Awaitable[None]]
) -> None:
    """Works, then is acked kindly while the database is away, then works again."""
    status, text = await lessons_on(stack, "UOK1")
    assert status == 200 and "09:30" in text
    await go_away()
    status, text = await lessons_on(stack, "UDOWN")
    assert status == 200 and "try again" in text, text
    assert (await stack.client.get("/readyz")).status == 503
    assert (await stack.client.get("/healthz")).status == 200
    await come_back()
    status, text = await lessons_on(stack, "UBACK")
    assert status == 200 and "09:30" in text, text
    assert (await stack.client.get("/readyz")).status == 200


@pytest.fixture
async def pg_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Stack, str]]:
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    name, url = await _fresh_pg_database()
    try:
        async for stack in start_stack(tmp_path, url, monkeypatch):
            yield stack, name
    finally:
        await _drop_pg_database(name)


async def test_postgres_going_away_is_acked_kindly_and_recovers(pg_stack: tuple[Stack, str]) -> None:
    import asyncpg

    stack, name = pg_stack

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def go_away() -> None:
        await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    async def come_back() -> None:
        await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    await assert_outage_then_recovery(stack, go_away, come_back)


@pytest.fixture
async def sqlite_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    (tmp_path / "db").mkdir()
    async for stack in start_stack(
        tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'db' / 'bot.db'}", monkeypatch
    ):
        yield stack


async def test_sqlite_becoming_unreachable_is_acked_kindly_and_recovers(
    sqlite_stack: Stack, tmp_path: Path
) -> None:
    async def go_away() -> None:
        os.rename(tmp_path / "db", tmp_path / "db-gone")  # the path no longer opens
        await sqlite_stack.slack.store.engine.dispose()

    async def come_back() -> None:
        os.rename(tmp_path / "db-gone", tmp_path / "db")

    await assert_outage_then_recovery(sqlite_stack, go_away, come_back)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_llm_down_gives_the_offline_rewrite_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = 2.0
    url = f"http://127.0.0.1:{closed_port()}/v1/"
    db = f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}"
    async for stack in start_stack(tmp_path, db, monkeypatch, llm_url=url, budget=budget):
        name = f"llm-{uuid.uuid4().hex[:6]}"
        form = payload(
            "slash_command",
            text="rewrite Why is this STILL not done?? This is ridiculous, I need it NOW.",
            response_url=stack.slack.fake.response_url(name),
        )
        started = time.perf_counter()
        response = await stack.slack.post(urlencode(form).encode(), FORM)
        acked = time.perf_counter() - started
        answer = (await stack.slack.fake.wait_for(f"response_url:{name}", within=budget + 3))[0]
        answered = time.perf_counter() - started
        assert response.status == 200 and acked < SLACK_ACK_S
        assert answered < budget + 1.0, f"offline answer after {answered:.2f}s"
        assert "engine: offline" in str(answer) and "version" in answer["text"]
        metrics = await (await stack.client.get("/metrics")).text()
        assert 'deescalate_rewrites_total{engine="fallback"} 1.0' in metrics
