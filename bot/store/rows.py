"""Helpers every repository shares: affected-row counts, the dialect's INSERT, and purges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

# Delete what a repository holds about a person (user given) or a whole workspace (user None).
Purge = Callable[[AsyncSession, str, str, str | None], Awaitable[int]]


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
