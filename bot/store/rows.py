"""Helpers every repository shares: affected-row counts, the dialect's INSERT, purges, and retrying a
transaction PostgreSQL aborted to break a deadlock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

# Delete what a repository holds about a person (user given) or a whole workspace (user None).
Purge = Callable[[AsyncSession, str, str, str | None], Awaitable[int]]


# deadlock_detected and serialization_failure: PostgreSQL rolled the whole transaction back, so running it
# again is safe (and is what the server's message tells the client to do).
_CONFLICTS = frozenset({"40P01", "40001"})


def _conflict(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _CONFLICTS


def retry_conflicts(attempts: int = 5) -> AsyncRetrying:
    """Retry a transaction the database aborted over a lock conflict, after a short random pause:

        async for attempt in retry_conflicts():
            with attempt:
                async with engine.begin() as conn: ...

    Any other error, and the last conflict, are raised as they are.
    """
    return AsyncRetrying(
        retry=retry_if_exception(_conflict),
        wait=wait_random_exponential(multiplier=0.02, max=0.5),
        stop=stop_after_attempt(attempts),
        reraise=True,
    )


def rowcount(result: Any) -> int:
    """How many rows a statement touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def insert(dialect_name: str, table: Any) -> Any:
    """INSERT with ON CONFLICT support for the dialect in use (PostgreSQL or SQLite)."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)


async def delete_rows(
    session: AsyncSession, tables: Iterable[Any], platform: str, workspace: str, user: str | None
) -> int:
    """Delete from tables keyed by (platform, workspace, user_id): one person's rows, or the workspace's."""
    deleted = 0
    for table in tables:
        where = [table.platform == platform, table.workspace == workspace]
        if user is not None:
            where.append(table.user_id == user)
        deleted += rowcount(await session.execute(delete(table).where(*where)))
    return deleted
