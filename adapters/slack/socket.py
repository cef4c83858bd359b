"""Socket Mode for local development (`deescalate serve --socket`): no public URL needed.

Slack's Socket Mode apps cannot be listed in the Marketplace; use HTTP mode in production.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters.background import Background
from adapters.slack.app import build_bolt_app, http_session
from bot.core import Bot
from bot.errors import ConfigError
from bot.settings import Config
from bot.store import SqlStore


async def start_socket_mode(config: Config, bot: Bot, store: SqlStore) -> Callable[[], Awaitable[None]]:
    """Connect to Slack over a WebSocket with SLACK_APP_TOKEN; return the function that disconnects."""
    app_token = config.secrets.slack_app_token
    if app_token is None or not config.secrets.slack_bot_token:
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (xapp-...) and SLACK_BOT_TOKEN", [])
    background = Background("slack")
    session = http_session()
    bolt = build_bolt_app(config, bot, store, background, session)

    async def once_per_event(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        event_id = body.get("event_id")
        if event_id and not await store.claim_once(f"slack:event:{event_id}"):
            return None  # a redelivery of an event already handled
        return await next()

    bolt.middleware(once_per_event)
    handler = AsyncSocketModeHandler(bolt, app_token.get_secret_value())
    await handler.connect_async()  # type: ignore[no-untyped-call]

    async def disconnect() -> None:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await background.drain()
        await session.close()

    return disconnect
