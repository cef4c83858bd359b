"""Once-only claims with group commit: concurrent callers share one INSERT instead of one each.

Every platform request is claimed on receipt (its event id or signature) so a retry or a replay does
nothing twice, on any instance. One statement per request made the database the bottleneck under load,
so claims that arrive while an INSERT is in flight wait for the next one, which takes them all. A lone
claim still goes out at once: batching costs no latency, it only appears when there is a queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ports import Clock
from bot.store.rows import insert
from bot.store.tables import Claim

MAX_BATCH = 200  # keys per INSERT: two parameters each, well under every driver's limit
KEY_LENGTH = 200  # the column's width


class ClaimBatcher:
    """`claim(key)` is True for the first caller with that key, across every instance on the database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._waiting: dict[str, list[asyncio.Future[bool]]] = {}
        self._writer: asyncio.Task[None] | None = None

    async def claim(self, key: str) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key[:KEY_LENGTH], []).append(future)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        """Write batches until nobody waits; each caller gets its answer or the database's error."""
        try:
            while self._waiting:
                keys = list(self._waiting)[:MAX_BATCH]
                batch = {key: self._waiting.pop(key) for key in keys}
                try:
                    won = await self._insert(keys)
                except Exception as exc:  # every waiter decides what an outage means for it
                    _fail(batch.values(), exc)
                    continue
                _answer(batch, won)
        finally:
            self._writer = None

    async def _insert(self, keys: list[str]) -> set[str]:
        async with self._engine.begin() as conn:
            return await claim_keys(conn, keys, self._clock.now())


async def claim_keys(conn: AsyncConnection, keys: Iterable[str], now: datetime) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING key, in the caller's transaction: the keys (cut to the
    column's width) that nobody had claimed before."""
    ordered = list(dict.fromkeys(key[:KEY_LENGTH] for key in keys))
    won: set[str] = set()
    for start in range(0, len(ordered), MAX_BATCH):
        batch = ordered[start : start + MAX_BATCH]
        rows = await conn.execute(_claim_statement(conn.dialect.name), [{"key": k, "at": now} for k in batch])
        won.update(rows.scalars())
    return won


@cache
def _claim_statement(dialect_name: str) -> Any:
    """One statement for every batch, built once: SQLAlchemy sends its many parameter sets as multi-row
    VALUES ("insertmanyvalues"), and building it anew for each batch cost as much as running it."""
    return insert(dialect_name, Claim).on_conflict_do_nothing().returning(Claim.key)


def _answer(batch: dict[str, list[asyncio.Future[bool]]], won: set[str]) -> None:
    """The first waiter on a newly claimed key wins; another waiter on the same key is a duplicate."""
    for key, futures in batch.items():
        first = key in won
        for future in futures:
            if not future.done():  # skip a waiter whose request was cancelled meanwhile
                future.set_result(first)
                first = False


def _fail(groups: Iterable[list[asyncio.Future[bool]]], error: Exception) -> None:
    for futures in groups:
        for future in futures:
            if not future.done():
                future.set_exception(error)
