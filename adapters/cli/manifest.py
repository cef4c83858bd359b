"""`deescalate manifest slack|teams`: the app manifest (Slack) or app package (Teams) for this deployment."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import load_config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    manifest = sub.add_parser("manifest", help="print the Slack app manifest or build the Teams app package")
    platforms = manifest.add_subparsers(dest="platform", metavar="PLATFORM", required=True)
    slack = platforms.add_parser("slack", help="print a Slack app manifest (YAML) for server.public_url")
    slack.set_defaults(func=slack_command)
    teams = platforms.add_parser("teams", help="build an installable Teams app package (zip)")
    teams.add_argument("--out", type=Path, default=Path("app.zip"), help="where to write the zip (app.zip)")
    teams.set_defaults(func=teams_command)


def slack_command(_args: argparse.Namespace) -> int:
    from adapters.slack.manifest import slack_manifest

    sys.stdout.write(slack_manifest(load_config()))
    return 0


def teams_command(args: argparse.Namespace) -> int:
    from adapters.teams.manifest import write_package

    path = write_package(load_config(), args.out)
    print(f"wrote {path}")
    return 0
