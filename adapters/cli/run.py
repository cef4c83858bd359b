"""`deescalate chat`, `serve` and `version`."""

from __future__ import annotations

import argparse
import asyncio
import os

import bot
from adapters.console.chat import run_chat
from adapters.logs import LogFormat, configure_logging
from bot import runtime
from bot.errors import ConfigError
from bot.settings import Config, load_config

LOG_FORMATS: tuple[LogFormat, ...] = ("plain", "json")


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
    configure_logging(log_format(args.log_format, config))
    asyncio.run(serve(config, host=args.host, port=args.port, dev=args.dev, socket=args.socket))
    return 0


def log_format(flag: str | None, config: Config) -> LogFormat:
    """--log-format, else $DEESCALATE_LOG_FORMAT, else server.log_format in app.yaml."""
    chosen = flag or os.environ.get("DEESCALATE_LOG_FORMAT") or config.settings.server.log_format
    for known in LOG_FORMATS:
        if chosen.strip().lower() == known:
            return known
    raise ConfigError(
        "invalid log format:", [f"DEESCALATE_LOG_FORMAT: expected plain or json (got {chosen!r})"]
    )
