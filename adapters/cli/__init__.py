"""The `deescalate` command: one sub-command per module, each registering itself on the parser."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from adapters.cli import content, data, lessons, manifest, run, tone
from bot.errors import BotError, ConfigError, PlaybookError

Command = Callable[[argparse.Namespace], int]
EXIT_INVALID = 2  # invalid configuration or content


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deescalate", description="In-the-moment de-escalation help.")
    parser.add_argument(
        "--config", help="path to app.yaml (default: $DEESCALATE_CONFIG or the repo's app.yaml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (run, content, manifest, lessons, data, tone):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.config:
        os.environ["DEESCALATE_CONFIG"] = args.config
    command: Command = args.func
    try:
        return command(args)
    except (ConfigError, PlaybookError) as exc:
        print(f"deescalate: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BotError as exc:
        print(f"deescalate: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
