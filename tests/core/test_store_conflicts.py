"""A transaction PostgreSQL rolls back to break a deadlock is run again, not lost.

A lost group commit of the lesson scheduler leaves its claims open, and once they run out another instance
sends those lessons again: `finish_batches` and `renew_claims` run under `retry_conflicts`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.rows import retry_conflicts


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: no deadlock to break")
    engine = create_async_engine(db_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE pair (id int PRIMARY KEY, v int NOT NULL)"))
        await conn.execute(text("INSERT INTO pair VALUES (1, 0), (2, 0)"))
    try:
        yield engine
    finally:
        await engine.dispose()


Crossing = Callable[[int, int], Awaitable[None]]


def crossing(engine: AsyncEngine) -> Crossing:
    """A transaction that updates row `first`, waits until the other one has too, then updates `second`:
    two of them in opposite orders deadlock every time (until one is rolled back)."""
    holding, both_hold = [0], asyncio.Event()

    async def run(first: int, second: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE pair SET v = v + 1 WHERE id = :id"), {"id": first})
            holding[0] += 1
            if holding[0] == 2:
                both_hold.set()
            await asyncio.wait_for(both_hold.wait(), timeout=5)  # set once: a second attempt goes on
            await conn.execute(text("UPDATE pair SET v = v + 1 WHERE id = :id"), {"id": second})

    return run


async def test_two_transactions_locking_in_opposite_orders_deadlock(engine: AsyncEngine) -> None:
    run = crossing(engine)
    results = await asyncio.gather(run(1, 2), run(2, 1), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], DBAPIError)
    assert getattr(failed[0].orig, "sqlstate", None) == "40P01"  # deadlock_detected


async def test_the_transaction_rolled_back_is_run_again_and_both_land(engine: AsyncEngine) -> None:
    run, attempts = crossing(engine), []

    async def retried(first: int, second: int) -> None:
        async for attempt in retry_conflicts():
            with attempt:
                attempts.append(first)
                await run(first, second)

    await asyncio.gather(retried(1, 2), retried(2, 1))
    assert sorted(attempts) in ([1, 1, 2], [1, 2, 2])  # the one rolled back ran twice
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT sum(v) FROM pair"))).scalar() == 4  # no update lost


async def test_other_errors_are_not_retried(engine: AsyncEngine) -> None:
    attempts = 0
    with pytest.raises(DBAPIError):
        async for attempt in retry_conflicts():
            with attempt:
                attempts += 1
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO pair VALUES (1, 0)"))  # duplicate key
    assert attempts == 1
