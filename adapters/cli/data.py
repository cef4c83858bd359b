"""Database commands: `export-user` (everything stored about one person, as JSON: an access request's
answer) and `migrate` (bring the schema up to date, for deployments that migrate as a release step)."""

from __future__ import annotations

import argparse
import asyncio
import json

from bot import runtime
from bot.clock import SystemClock
from bot.model import UserRef
from bot.settings import load_config
from bot.store import SCHEMA_HEADS, SqlStore
from bot.store.usage import export_person


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export-user", help="print every row stored about one person, as JSON")
    export.add_argument("--platform", required=True, help="slack, teams or console")
    export.add_argument("--workspace", required=True, help="Slack team id, Teams tenant id, or 'local'")
    export.add_argument("--user", required=True, help="the person's platform user id")
    export.set_defaults(func=export_command)
    migrate = sub.add_parser("migrate", help="apply the database migrations and exit (serve also does this)")
    migrate.set_defaults(func=migrate_command)


def migrate_command(_args: argparse.Namespace) -> int:
    async def migrate() -> bool:
        store = SqlStore.open(load_config().database_url, SystemClock())
        try:
            return await store.migrate()
        finally:
            await store.close()

    applied = asyncio.run(migrate())
    heads = ", ".join(sorted(SCHEMA_HEADS))
    print(f"schema {'migrated to' if applied else 'already at'} {heads}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    async def export() -> dict[str, object]:
        _bot, store = await runtime.start(load_config())
        try:
            who = UserRef(args.platform, args.workspace, args.user)
            return {
                "person": {"platform": who.platform, "workspace": who.workspace, "user": who.user},
                "tables": await export_person(store, who),
            }
        finally:
            await store.close()

    print(json.dumps(asyncio.run(export()), indent=2, sort_keys=True))
    return 0
