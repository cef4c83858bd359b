"""Schema migrations: `deescalate migrate`, and restarts on a current schema that never load Alembic."""

from __future__ import annotations

import subprocess
import sys

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from bot.settings import Config
from bot.store import MIGRATIONS, SCHEMA_HEADS

# A restart on a current schema: does it import Alembic? (Run in a fresh interpreter: this one has.)
RESTART = """
import asyncio, sys
from bot.clock import SystemClock
from bot.settings import load_config
from bot.store import SqlStore

async def main():
    store = SqlStore.open(load_config().database_url, SystemClock())
    applied = await store.migrate()
    await store.close()
    print(applied, "alembic" in sys.modules)

asyncio.run(main())
"""


def deescalate(config: Config, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config.source), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_schema_heads_are_the_tips_of_the_migrations() -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert set(ScriptDirectory.from_config(config).get_heads()) == SCHEMA_HEADS


def test_migrate_applies_once_and_a_restart_skips_alembic(config: Config) -> None:
    heads = ", ".join(sorted(SCHEMA_HEADS))
    assert deescalate(config, "migrate") == f"schema migrated to {heads}"
    assert deescalate(config, "migrate") == f"schema already at {heads}"
    restart = subprocess.run(
        [sys.executable, "-c", RESTART], capture_output=True, text=True, timeout=60, check=True
    )
    assert restart.stdout.split() == ["False", "False"]
