"""`deescalate chat`, `serve` and `version`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

import bot
from adapters.console.chat import run_chat
from adapters.logs import LogFormat, configure_logging
from bot import runtime
from bot.errors import ConfigError
from bot.settings import Config, load_config

LOG_FORMATS: tuple[LogFormat, ...] = ("plain", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = sub.add_parser(
        "chat", help="talk to the bot in this terminal (reads one message per line when piped)"
    )
    chat.set_defaults(func=chat_command)
    serve = sub.add_parser("serve", help="run the web service (health checks; Slack and Teams endpoints)")
    serve.add_argument("--host", help="override server.host")
    serve.add_argument("--port", type=int, help="override server.port")
    serve.add_argument(
        "--dev", action="store_true", help="development mode: accept the Bot Framework Emulator"
    )
    serve.add_argument("--socket", action="store_true", help="Slack Socket Mode (needs SLACK_APP_TOKEN)")
    serve.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="plain or json lines (default: $DEESCALATE_LOG_FORMAT, else server.log_format)",
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help="the least level logged (default: $DEESCALATE_LOG_LEVEL, else server.log_level: warning)",
    )
    serve.set_defaults(func=serve_command)
    version = sub.add_parser("version", help="print the version")
    version.set_defaults(func=lambda _args: print(f"deescalate {bot.__version__}") or 0)


def chat_command(_args: argparse.Namespace) -> int:
    async def chat() -> None:
        the_bot, store = await runtime.start(load_config())
        try:
            await run_chat(the_bot)
        finally:
            await store.close()

    asyncio.run(chat())
    return 0


def serve_command(args: argparse.Namespace) -> int:
    from adapters.server import serve

    config = load_config()
    configure_logging(log_format(args.log_format, config), log_level(args.log_level, config))
    asyncio.run(serve(config, host=args.host, port=args.port, dev=args.dev, socket=args.socket))
    return 0


def log_format(flag: str | None, config: Config) -> LogFormat:
    """--log-format, else $DEESCALATE_LOG_FORMAT, else server.log_format in app.yaml."""
    chosen = _chosen(flag, "DEESCALATE_LOG_FORMAT", config.settings.server.log_format, LOG_FORMATS, "format")
    return "json" if chosen == "json" else "plain"


def log_level(flag: str | None, config: Config) -> int:
    """--log-level, else $DEESCALATE_LOG_LEVEL, else server.log_level in app.yaml."""
    chosen = _chosen(flag, "DEESCALATE_LOG_LEVEL", config.settings.server.log_level, LOG_LEVELS, "level")
    return logging.getLevelNamesMapping()[chosen.upper()]


def _chosen(flag: str | None, variable: str, configured: str, known: tuple[str, ...], what: str) -> str:
    chosen = flag or os.environ.get(variable) or configured
    if chosen.strip().lower() in known:
        return chosen.strip().lower()
    raise ConfigError(f"invalid log {what}:", [f"{variable}: expected {' or '.join(known)} (got {chosen!r})"])
