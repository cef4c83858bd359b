"""SQLAlchemy 2 (async) implementation of the Store port: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from cachetools import TTLCache
from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import StoreError
from bot.model import UserRef
from bot.ports import ChecklistState, Clock, Preferences
from bot.store import lessons as lesson_rows
from bot.store import mediation as mediation_rows
from bot.store import usage as usage_rows
from bot.store.claims import ClaimBatcher
from bot.store.rows import Purge, delete_rows
from bot.store.tables import ChecklistSession, Person

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_201_944  # arbitrary key for PostgreSQL's advisory lock around migrations
# The revisions at the tips of migrations/versions (a test checks this against Alembic's own reading). A
# database already there is not handed to Alembic, so a restart never imports it: Alembic, Mako and
# Pygments would stay loaded for the life of the process, about 11 MB of each instance's memory.
SCHEMA_HEADS = frozenset({"0002", "0003", "0005", "0006", "0010"})
# Preferences are read on every checklist and change rarely: each instance keeps what it read for this
# long, so a change made through another instance shows there within PREFERENCES_TTL_S seconds.
PREFERENCES_TTL_S = 30


class SqlStore:
    """The project's only Store: every method is one short transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._clock = clock
        self._session = async_sessionmaker(engine, expire_on_commit=False)
        self.usage = usage_rows.UsageBuffer()
        self._claims = ClaimBatcher(engine, clock)
        self._preferences: TTLCache[UserRef, Preferences] = TTLCache(10_000, PREFERENCES_TTL_S)
        self._purges: list[Purge] = [_purge_core, lesson_rows.purge, mediation_rows.purge, usage_rows.purge]

    @classmethod
    def open(cls, url: str, clock: Clock, **engine_args: object) -> SqlStore:
        """Create the engine (and the SQLite file's folder); call `migrate()` before use."""
        if url.startswith("sqlite") and ":memory:" not in url:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith("sqlite"):
            # One connection: SQLite takes one writer at a time anyway, and connections that contend for
            # its lock wait in its busy handler's sleeps (1 s p99 at 20 concurrent requests, 0.2 s queued).
            # No pool-level rollback on return: SQLAlchemy's Connection already ends its own transaction
            # when closed, and each extra rollback is another hop to aiosqlite's thread (~20% of a claim).
            engine_args = {
                "pool_size": 1,
                "max_overflow": 0,
                "pool_timeout": 30,
                "pool_reset_on_return": None,
                **engine_args,
            }
        # No pre-ping (a round trip per checkout): a dead connection fails one request, which gets a kind
        # answer, and is then replaced; pool_recycle retires connections before servers drop idle ones.
        engine = create_async_engine(url, pool_recycle=1800, **engine_args)
        if url.startswith("sqlite"):
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return cls(engine, clock)

    def session(self) -> AsyncSession:
        """A new ORM session on this store's engine (for the repositories beside this class)."""
        return self._session()

    async def migrate(self) -> bool:
        """Apply Alembic migrations up to head (safe when several instances start at once).

        Returns whether anything had to be applied.
        """
        async with self.engine.begin() as conn:
            if await conn.run_sync(_at_heads):
                return False
            await conn.run_sync(_upgrade)
            return True

    def add_purge_hook(self, hook: Purge) -> None:
        """Let an adapter delete its own rows when a person (user given) or workspace (None) is forgotten."""
        self._purges.append(hook)

    async def flush_usage(self) -> int:
        """Write the buffered usage counts (see bot.store.usage.UsageBuffer)."""
        async with self._session.begin() as session:
            return await self.usage.flush(session, self._clock.now())

    async def close(self) -> None:
        with contextlib.suppress(SQLAlchemyError, OSError):  # counts only: never block a shutdown
            await self.flush_usage()
        await self.engine.dispose()

    async def ping(self) -> None:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"database unreachable: {type(exc).__name__}") from None

    # ---- checklists ---------------------------------------------------------------------------------

    async def start_checklist(self, owner: UserRef, checklist_id: str) -> ChecklistState:
        now = self._clock.now()
        row = ChecklistSession(
            id=secrets.token_urlsafe(12),
            platform=owner.platform,
            workspace=owner.workspace,
            user_id=owner.user,
            checklist_id=checklist_id,
            checked=[],
            done=False,
            created_at=now,
            updated_at=now,
        )
        async with self._session.begin() as session:
            session.add(row)
        return _state(row)

    async def checklist(self, session_id: str) -> ChecklistState | None:
        async with self._session() as session:
            row = await session.get(ChecklistSession, session_id)
            return _state(row) if row else None

    async def set_checked(self, session_id: str, step_id: str, checked: bool) -> ChecklistState | None:
        async with self._session.begin() as session:
            row = await session.get(ChecklistSession, session_id, with_for_update=True)
            if row is None:
                return None
            ticked = set(row.checked)
            (ticked.add if checked else ticked.discard)(step_id)
            row.checked = sorted(ticked)
            row.updated_at = self._clock.now()
            return _state(row)

    async def finish_checklist(self, session_id: str) -> ChecklistState | None:
        async with self._session.begin() as session:
            row = await session.get(ChecklistSession, session_id)
            if row is None:
                return None
            row.done, row.updated_at = True, self._clock.now()
            return _state(row)

    # ---- once-only claims ---------------------------------------------------------------------------

    async def claim_once(self, key: str) -> bool:
        """True for the first caller with this key, across every instance sharing the database."""
        return await self._claims.claim(key)

    # ---- people -------------------------------------------------------------------------------------

    async def preferences(self, who: UserRef) -> Preferences:
        try:  # not .get(): TTLCache.get checks the key's expiry twice (3 µs here, 0.8 µs with [])
            return self._preferences[who]
        except KeyError:
            cached = self._preferences[who] = await self._read_preferences(who)
            return cached

    async def _read_preferences(self, who: UserRef) -> Preferences:
        query = select(Person.setting).where(
            Person.platform == who.platform, Person.workspace == who.workspace, Person.user_id == who.user
        )
        async with self.engine.connect() as conn:  # read on every checklist: no ORM session needed
            return Preferences(setting=(await conn.execute(query)).scalar_one_or_none())

    async def save_preferences(self, who: UserRef, prefs: Preferences) -> None:
        async with self._session.begin() as session:
            row = await session.get(Person, (who.platform, who.workspace, who.user))
            if row is None:
                row = Person(
                    platform=who.platform,
                    workspace=who.workspace,
                    user_id=who.user,
                    created_at=self._clock.now(),
                )
                session.add(row)
            row.setting = prefs.setting
        self._preferences[who] = prefs

    async def forget_workspace(self, platform: str, workspace: str) -> int:
        """Delete every row of a workspace or tenant (on uninstall); return how many went."""
        self.usage.drop(platform, workspace)
        for who in [w for w in self._preferences if (w.platform, w.workspace) == (platform, workspace)]:
            self._preferences.pop(who, None)
        return await self._purge(platform, workspace, None)

    async def forget(self, who: UserRef) -> int:
        """Delete every row about this person; return how many went."""
        self.usage.drop(who.platform, who.workspace, who.user)
        self._preferences.pop(who, None)
        return await self._purge(who.platform, who.workspace, who.user)

    async def _purge(self, platform: str, workspace: str, user: str | None) -> int:
        """Run every purge (the core's and the adapters') in one transaction."""
        async with self._session.begin() as session:
            return sum([await purge(session, platform, workspace, user) for purge in self._purges])


async def _purge_core(session: AsyncSession, platform: str, workspace: str, user: str | None) -> int:
    return await delete_rows(session, (Person, ChecklistSession), platform, workspace, user)


def _state(row: ChecklistSession) -> ChecklistState:
    return ChecklistState(
        id=row.id,
        owner=UserRef(row.platform, row.workspace, row.user_id),
        checklist_id=row.checklist_id,
        checked=frozenset(row.checked),
        done=row.done,
    )


def _at_heads(connection: Connection) -> bool:
    if not inspect(connection).has_table("alembic_version"):
        return False
    applied = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return set(applied) == SCHEMA_HEADS


def _upgrade(connection: Connection) -> None:
    from alembic import command  # only when the schema is behind: see SCHEMA_HEADS
    from alembic.config import Config as AlembicConfig

    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across crashes, no fsync per commit
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
