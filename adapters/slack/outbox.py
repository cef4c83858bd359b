"""Proactive sends (lessons, follow-ups) to a Slack DM, at most about one message per second per channel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.app import web_client
from adapters.slack.installations import SqlInstallationStore
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.model import Reply, UserRef
from bot.settings import Config

ClientFor = Callable[
    [str], Awaitable[AsyncWebClient]
]  # workspace -> a client with that workspace's bot token


class ChannelPacer:
    """Spaces sends to the same channel by `interval` seconds (chat.postMessage allows ~1/s per channel)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, channel: str) -> None:
        """Sleep until this channel may get its next message."""
        async with self._lock:
            now = time.monotonic()
            due = max(now, self._next.get(channel, now))
            self._next[channel] = due + self.interval
        if due > now:
            await asyncio.sleep(due - now)


class SlackOutbox:
    """bot.ports.Outbox for Slack: conversations.open, then a paced chat.postMessage."""

    def __init__(self, client_for: ClientFor, pacer: ChannelPacer | None = None) -> None:
        self._client_for = client_for
        self._pacer = pacer or ChannelPacer()

    async def send(self, who: UserRef, reply: Reply) -> None:
        """Deliver one reply to the person's DM with the bot; failures become Delivery errors."""
        try:
            client = await self._client_for(who.workspace)
            opened = await client.conversations_open(users=who.user)
            channel = str(opened["channel"]["id"])
            await self._pacer.wait(channel)
            await client.chat_postMessage(channel=channel, **render.message(reply))
        except SlackApiError as exc:
            raise _delivery_error(exc) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"slack unreachable: {type(exc).__name__}") from None


# Errors after which retrying cannot help: the person, the bot or the installation is gone.
PERMANENT = {
    "account_inactive",
    "user_not_found",
    "user_disabled",
    "cannot_dm_bot",
    "channel_not_found",
    "is_archived",
    "not_authed",
    "invalid_auth",
    "token_revoked",
    "token_expired",
    "no_installation",
    "team_access_not_granted",
    "missing_scope",
    "not_allowed_token_type",
}


def _delivery_error(exc: SlackApiError) -> DeliveryError:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    error = str(data.get("error") or f"http_{exc.response.status_code}")
    if error in PERMANENT:
        return PermanentDeliveryError(f"slack refused for good: {error}")
    return DeliveryError(f"slack refused: {error}")


def clients_for(config: Config, installations: SqlInstallationStore | None) -> ClientFor:
    """workspace -> a client with that workspace's bot token (the single token, or the installed one)."""
    single = config.secrets.slack_bot_token
    clients: dict[str, AsyncWebClient] = {}

    async def client_for(workspace: str) -> AsyncWebClient:
        if single is not None:
            return clients.setdefault("", web_client(config, single.get_secret_value()))
        bot = (
            await installations.async_find_bot(enterprise_id=None, team_id=workspace)
            if installations
            else None
        )
        if bot is None or not bot.bot_token:
            raise PermanentDeliveryError("no slack installation for this workspace")
        cached = clients.get(workspace)
        if cached is None or cached.token != bot.bot_token:  # a rotated token replaces the client
            cached = clients[workspace] = web_client(config, bot.bot_token)
        return cached

    return client_for
