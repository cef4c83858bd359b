"""Shared fixtures: a real database (SQLite always, PostgreSQL when reachable) and a started Bot."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import runtime
from bot.core import Bot
from bot.model import ActionRef, Inbound, Kind
from bot.settings import Config, load_config
from bot.store import SqlStore

REPO = Path(__file__).resolve().parent.parent
PLAYBOOKS = REPO / "playbooks"
PG_ADMIN_URL = os.environ.get("DEESCALATE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_reason() -> str | None:
    """None when PostgreSQL is reachable, else why not (shown as the skip reason)."""
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed"

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any failure means: skip, and say why
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"
    return None


PG_SKIP = _pg_reason()


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


async def _fresh_pg_database() -> tuple[str, str]:
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return name, f"{base}/{name}"


async def _drop_pg_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL: SQLite always, PostgreSQL when reachable (else a visible skip)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    name, url = await _fresh_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(name)


def write_app_yaml(directory: Path, db_url: str, extra: str = "") -> Path:
    path = directory / "app.yaml"
    path.write_text(
        f"playbooks_dir: {PLAYBOOKS}\nstorage:\n  url: {db_url}\n"
        "safety:\n  emergency: '999'\n  eap: 'EAP: 0800 123'\n  hr: 'HR: hr@example.test'\n"
        "  security: 'Security: x5555'\n" + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Config]:
    for name in list(os.environ):
        if name.startswith(("DEESCALATE_", "SLACK_", "TEAMS_")) or name in {"DATABASE_URL", "LLM_API_KEY"}:
            monkeypatch.delenv(name)
    monkeypatch.setenv("DEESCALATE_CONFIG", str(write_app_yaml(tmp_path, db_url)))
    monkeypatch.chdir(tmp_path)  # so a stray .env in the repo is never read
    yield load_config()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def started(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Bot, SqlStore]]:
    bot, store = await runtime.start(config, clock)
    try:
        yield bot, store
    finally:
        await store.close()


@pytest.fixture
def bot(started: tuple[Bot, SqlStore]) -> Bot:
    return started[0]


@pytest.fixture
def store(started: tuple[Bot, SqlStore]) -> SqlStore:
    return started[1]


def inbound(
    kind: Kind = Kind.COMMAND,
    text: str = "",
    action: ActionRef | None = None,
    user: str = "U1",
    is_dm: bool = False,
    **fields: object,
) -> Inbound:
    """An Inbound from a console-like platform, for core tests."""
    return Inbound("test", "W1", user, "D1" if is_dm else "C1", is_dm, kind, text, action, **fields)  # type: ignore[arg-type]


@asynccontextmanager
async def bot_with(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, extra_yaml: str
) -> AsyncIterator[Bot]:
    """A started Bot whose app.yaml has `extra_yaml` appended (for tests of one setting)."""
    monkeypatch.setenv("DEESCALATE_CONFIG", str(write_app_yaml(tmp_path, db_url, extra_yaml)))
    bot, store = await runtime.start(load_config(), FakeClock())
    try:
        yield bot
    finally:
        await store.close()
