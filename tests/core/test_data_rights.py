"""Data rights and admin figures: usage counts with small groups suppressed, retention, export, forget."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core import Bot
from bot.model import Kind, UserRef, buttons_of
from bot.settings import Config
from bot.store import SqlStore
from bot.store.usage import export_person, purge_expired
from tests.conftest import FakeClock, bot_with, inbound


@pytest.fixture
async def admin_bot(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    async with bot_with(tmp_path, db_url, monkeypatch, "admins: [BOSS]\n") as bot:
        yield bot


async def test_stats_are_for_admins_only(admin_bot: Bot) -> None:
    [denied] = await admin_bot.handle(inbound(Kind.COMMAND, "stats", user="U1"))
    assert "for the admins" in denied.text


async def test_stats_count_people_and_suppress_small_groups(admin_bot: Bot) -> None:
    for n in range(6):
        await admin_bot.handle(inbound(Kind.COMMAND, "", user=f"U{n}"))  # checklists: 6 people
    for n in range(2):
        await admin_bot.handle(inbound(Kind.COMMAND, "rewrite you never reply", user=f"U{n}"))  # 2 people
    [figures] = await admin_bot.handle(inbound(Kind.COMMAND, "stats", user="BOSS"))
    lines = {line.split()[1]: line.split()[2:] for line in figures.text.splitlines() if line[:4].isdigit()}
    assert lines["checklists"] == ["6", "6"]
    assert lines["rewrite"] == ["<5", "<5"]
    assert "U0" not in figures.text


async def test_forget_me_deletes_usage_rows(bot: Bot, store: SqlStore) -> None:
    await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    await bot.handle(inbound(Kind.COMMAND, "", user="U2"))
    [ask] = await bot.handle(inbound(Kind.COMMAND, "forget me", user="U1"))
    await bot.handle(inbound(Kind.ACTION, action=buttons_of(ask)[0].action, user="U1"))
    assert await export_person(store, UserRef("test", "W1", "U1")) == {}
    assert "usage_counts" in await export_person(store, UserRef("test", "W1", "U2"))


async def test_retention_deletes_only_what_is_old(bot: Bot, store: SqlStore, clock: FakeClock) -> None:
    await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    [menu] = await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    await bot.handle(inbound(Kind.ACTION, action=buttons_of(menu)[0].action, user="U1"))
    await store.claim_once("slack:event:Ev1")
    await store.flush_usage()
    policy = bot.services.config.settings.retention
    assert sum((await purge_expired(store, clock.now(), policy)).values()) == 0
    clock.advance(days=8)
    deleted = await purge_expired(store, clock.now(), policy)
    assert deleted["checklist_sessions"] == 1 and deleted["claims"] == 1 and deleted["usage_counts"] == 0
    async with store.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM usage_counts"))).scalar() == 1


async def test_export_user_prints_every_row_about_the_person(bot: Bot, config: Config) -> None:
    await bot.handle(inbound(Kind.COMMAND, "lessons on 9:00", user="U1"))
    [menu] = await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    await bot.handle(inbound(Kind.ACTION, action=buttons_of(menu)[0].action, user="U1"))
    await bot.services.store.flush_usage()  # what another process reads is what has been written
    result = subprocess.run(  # noqa: ASYNC221 - the real CLI, once, in a test
        [
            sys.executable,
            "-m",
            "adapters.cli",
            "--config",
            str(config.source),
            "export-user",
            "--platform",
            "test",
            "--workspace",
            "W1",
            "--user",
            "U1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["tables"]
    assert {"checklist_sessions", "lesson_subscriptions", "usage_counts"} <= set(tables)
    assert all(row.get("user_id", "U1") == "U1" for rows in tables.values() for row in rows)


async def test_counting_writes_nothing_until_flushed(bot: Bot, store: SqlStore) -> None:
    await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    async with store.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM usage_counts"))).scalar() == 0
    assert await store.flush_usage() == 1
    await bot.handle(inbound(Kind.COMMAND, "", user="U1"))
    await store.flush_usage()
    async with store.engine.connect() as conn:
        assert (await conn.execute(text("SELECT uses FROM usage_counts"))).scalar() == 2
