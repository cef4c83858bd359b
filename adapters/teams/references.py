"""Where to reach people proactively: one row per Teams conversation (ids and serviceUrl only, no text).

The table is created by migration 0003; it lives with the adapter because only Teams needs it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, DateTime, MetaData, String, Table, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.teams.inbound import PLATFORM
from bot.errors import StoreError

RESAVE_AFTER_S = 300.0

TABLE = Table(
    "teams_conversations",
    MetaData(),
    Column("conversation_id", String(256), primary_key=True),
    Column("tenant", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("member_id", String(256), nullable=False),
    Column("conversation_type", String(16), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("service_url", String(256), nullable=False),
    Column("bot_id", String(128), nullable=False),
    Column("paused", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Reference:
    """Enough to continue a conversation later."""

    conversation_id: str
    tenant: str
    user_id: str
    member_id: str
    conversation_type: str
    channel_id: str
    service_url: str
    bot_id: str
    paused: bool = False


class References:
    """Save, find, pause and delete conversation references; every call is one short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._saved: dict[str, tuple[Reference, float]] = {}  # what this instance wrote lately, and when

    async def save(self, ref: Reference) -> None:
        """Insert or refresh a reference (a new serviceUrl, and un-pause: the person is talking to us).

        An unchanged reference written by this instance in the last few minutes is not written again:
        most turns then cost no database write. A pause elsewhere is lifted at the latest after that.
        """
        recent = self._saved.get(ref.conversation_id)
        if recent and recent[0] == ref and time.monotonic() - recent[1] < RESAVE_AFTER_S:
            return
        await self._write(ref)
        self._saved[ref.conversation_id] = (ref, time.monotonic())

    async def _write(self, ref: Reference) -> None:
        values = {
            "tenant": ref.tenant,
            "user_id": ref.user_id,
            "member_id": ref.member_id,
            "conversation_type": ref.conversation_type,
            "channel_id": ref.channel_id,
            "service_url": ref.service_url,
            "bot_id": ref.bot_id,
            "paused": False,
            "updated_at": datetime.now(UTC),
        }
        try:
            async with self._engine.begin() as conn:
                where = TABLE.c.conversation_id == ref.conversation_id
                result = await conn.execute(update(TABLE).where(where).values(**values))
                if not getattr(result, "rowcount", 0):
                    await conn.execute(TABLE.insert().values(conversation_id=ref.conversation_id, **values))
        except IntegrityError:
            return  # a concurrent turn inserted the same row first; it holds the same values
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"could not save a Teams reference: {type(exc).__name__}") from None

    async def personal(self, tenant: str, user_id: str) -> Reference | None:
        """The person's one-to-one chat with the bot, when they have one."""
        query = (
            select(TABLE)
            .where(TABLE.c.tenant == tenant, TABLE.c.user_id == user_id)
            .where(TABLE.c.conversation_type == "personal")
            .order_by(TABLE.c.updated_at.desc())
            .limit(1)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return Reference(**{k: v for k, v in row.items() if k != "updated_at"})

    async def pause(self, conversation_id: str) -> None:
        """Stop proactive deliveries to this conversation until the person writes again."""
        self._saved.pop(conversation_id, None)
        async with self._engine.begin() as conn:
            await conn.execute(
                update(TABLE).where(TABLE.c.conversation_id == conversation_id).values(paused=True)
            )

    async def delete(self, conversation_id: str) -> int:
        """Forget a conversation (the app was removed from it)."""
        self._saved.pop(conversation_id, None)
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(TABLE).where(TABLE.c.conversation_id == conversation_id))
            return int(getattr(result, "rowcount", 0) or 0)

    async def purge(self, session: AsyncSession, platform: str, tenant: str, user_id: str | None) -> int:
        """The store's purge hook: a forgotten person's (or uninstalled tenant's) Teams conversations."""
        if platform != PLATFORM:
            return 0
        where = [TABLE.c.tenant == tenant] + ([TABLE.c.user_id == user_id] if user_id is not None else [])
        gone = [
            k
            for k, (ref, _) in self._saved.items()
            if ref.tenant == tenant and user_id in (None, ref.user_id)
        ]
        for key in gone:
            del self._saved[key]
        result = await session.execute(delete(TABLE).where(*where))
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self) -> int:
        """How many conversations are stored (for tests and metrics)."""
        async with self._engine.connect() as conn:
            return len((await conn.execute(select(TABLE.c.conversation_id))).all())
