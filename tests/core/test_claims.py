"""Once-only claims under concurrency: group commit must never let a key through twice, nor lose one."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import SqlStore
from tests.conftest import FakeClock


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
