"""Once-only claims under concurrency: group commit must never let a key through twice, nor lose one."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.core import Bot
from bot.model import ActionRef, Kind, UserRef
from bot.store import SqlStore
from tests.conftest import FakeClock, inbound


async def test_concurrent_claims_share_inserts_and_each_key_wins_once(store: SqlStore) -> None:
    keys = [f"slack:sig:{i % 40}" for i in range(120)]  # every key asked for three times, interleaved
    results = await asyncio.gather(*(store.claim_once(key) for key in keys))
    winners = [key for key, won in zip(keys, results, strict=True) if won]
    assert sorted(winners) == sorted(set(keys))  # each key exactly once
    assert not any(await asyncio.gather(*(store.claim_once(key) for key in set(keys))))


async def test_a_claim_made_by_another_instance_is_seen(db_url: str, store: SqlStore) -> None:
    other = SqlStore.open(db_url, FakeClock())
    try:
        assert await other.claim_once("teams:activity:a1")
        assert not await store.claim_once("teams:activity:a1")
        assert await store.claim_once("teams:activity:a2")
    finally:
        await other.close()


async def test_an_outage_fails_every_waiter_and_leaves_no_one_hanging() -> None:
    unreachable = SqlStore.open("postgresql+asyncpg://postgres@127.0.0.1:1/none", FakeClock())
    try:
        for _ in range(2):  # a failed batch must not leave the writer stuck for the next callers
            claims = (unreachable.claim_once(f"k{i}") for i in range(5))
            results = await asyncio.wait_for(asyncio.gather(*claims, return_exceptions=True), 10)
            assert all(isinstance(r, OSError) for r in results), results
    finally:
        await unreachable.engine.dispose()


@pytest.mark.parametrize("length", [199, 200, 500])
async def test_long_keys_are_cut_to_the_column_width(store: SqlStore, length: int) -> None:
    key = "k" * length
    assert await store.claim_once(key)
    assert not await store.claim_once(key)


async def _uses(store: SqlStore, feature: str) -> int:
    await store.flush_usage()
    async with store.engine.connect() as conn:
        query = text("SELECT coalesce(sum(uses), 0) FROM usage_counts WHERE feature = :f")
        return int((await conn.execute(query, {"f": feature})).scalar_one())


async def test_a_read_only_command_with_a_replay_key_is_answered_again_and_counted_once(
    bot: Bot, store: SqlStore, db_url: str, clock: FakeClock
) -> None:
    picker = inbound(Kind.COMMAND, "", replay_key="slack:sig:v0=aa")
    assert bot.read_only(picker)
    first, again = await bot.handle(picker), await bot.handle(picker)
    assert first == again and "What's going on?" in first[0].text  # nothing to protect: answered again
    assert await _uses(store, "checklists") == 1
    other = SqlStore.open(db_url, FakeClock())  # another instance got the replay too
    try:
        other.usage.add(UserRef("test", "W1", "U1"), "checklists", clock.now(), once="slack:sig:v0=aa")
        other.usage.add(UserRef("test", "W1", "U1"), "checklists", clock.now(), once="slack:sig:v0=bb")
        await other.flush_usage()
    finally:
        await other.close()
    assert await _uses(store, "checklists") == 2  # the replay counted nothing; the new request did


async def test_a_command_that_changes_something_is_claimed_by_the_core(bot: Bot, store: SqlStore) -> None:
    subscribe = inbound(Kind.COMMAND, "lessons on 9:00", replay_key="slack:sig:v0=cc")
    assert not bot.read_only(subscribe)
    assert await bot.handle(subscribe)
    assert await bot.handle(subscribe) == []  # the replay: no answer, no second effect
    assert await _uses(store, "lessons") == 1
    assert not await store.claim_once("slack:sig:v0=cc")  # claimed in the database, for every instance
    button = inbound(Kind.ACTION, action=ActionRef("help"), replay_key="slack:sig:v0=dd")
    assert not bot.read_only(button)  # only commands can be read-only
    assert await bot.handle(button) and await bot.handle(button) == []


async def test_forget_me_drops_uses_still_waiting_for_their_claim(bot: Bot, store: SqlStore) -> None:
    for user in ("U1", "U2"):
        await bot.handle(inbound(Kind.COMMAND, "", user=user, replay_key=f"slack:sig:v0={user}"))
    await store.forget(UserRef("test", "W1", "U1"))
    assert await _uses(store, "checklists") == 1  # U2's
    await bot.handle(inbound(Kind.COMMAND, "", user="U3", replay_key="slack:sig:v0=U3"))
    await store.forget_workspace("test", "W1")
    assert await _uses(store, "checklists") == 0
