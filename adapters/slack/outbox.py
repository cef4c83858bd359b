"""Proactive sends (lessons, follow-ups) to a Slack DM, at most about one message per second per channel.

A send costs one chat.postMessage: it names the person's user id as the channel, which posts to their DM
with the bot, so a lesson fan-out needs no conversations.open per person (a Tier 3 method, about 50 calls
a minute per workspace: a fresh process would otherwise open DMs far slower than it may post). Should a
workspace answer channel_not_found to that, the DM is opened and the message posted there instead. A
rendered card is reused while the same Reply is sent to many people, and clients share their owner's HTTP
session. A 429 holds every send to that workspace from this process for its Retry-After, then the message
is tried again (so the clients here do not retry 429s themselves); with `learn` (no `lessons.sends_per_s`
configured) the workspace is paced from then on at a rate learned from its 429s (adapters/rate_limits.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.rate_limits import RateLimits
from adapters.slack import render
from adapters.slack.app import web_client
from adapters.slack.installations import SqlInstallationStore
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.model import Reply, UserRef
from bot.ports import LearnedPace
from bot.settings import Config

RATE_LIMIT_ATTEMPTS = 3  # tries of one message through 429s
RENDERED_KEPT = 32  # lessons x (review or not) in flight at once is far fewer
TOKEN_TTL_S = 30.0  # how long a looked-up bot token is reused (a rotated token stays valid for hours)

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
    """bot.ports.Outbox for Slack: a paced chat.postMessage to the person's DM with the bot."""

    def __init__(
        self, client_for: ClientFor, pacer: ChannelPacer | None = None, *, learn: bool = True
    ) -> None:
        self._client_for = client_for
        self._pacer = pacer or ChannelPacer()
        self._limits = RateLimits(learn=learn)
        # a lesson fan-out sends the same few Replies to everyone, the workspaces' batches interleaved
        self._render = render.KeptRenders(render.message, RENDERED_KEPT)

    @property
    def learns(self) -> bool:
        """bot.ports.LearnsLimits: whether the send rate is learned from 429s (no lessons.sends_per_s)."""
        return self._limits.learn

    def share_among(self, senders: int) -> None:
        """bot.ports.LearnsLimits: `senders` instances send lessons now; each paces at its share."""
        self._limits.share_among(senders)

    async def ready(self, workspace: str) -> None:
        """bot.ports.HoldsSends: wait out the workspace's Retry-After hold and pace."""
        await self._limits.ready(workspace)

    def learned(self) -> dict[str, LearnedPace]:
        """bot.ports.LearnsLimits: the paces learned here, for the other instances."""
        return self._limits.learned()

    def adopt(self, paces: Mapping[str, LearnedPace]) -> None:
        """bot.ports.LearnsLimits: another instance's paces, taken where newer than ours."""
        self._limits.adopt(paces)

    async def send(self, who: UserRef, reply: Reply) -> None:
        """Deliver one reply to the person's DM with the bot; failures become Delivery errors. A 429 is tried
        again after its Retry-After, RATE_LIMIT_ATTEMPTS tries in all."""
        for _ in range(RATE_LIMIT_ATTEMPTS):
            if await self.attempt(who, reply):
                return
        raise DeliveryError("slack refused: ratelimited")

    async def attempt(self, who: UserRef, reply: Reply) -> bool:
        """bot.ports.HoldsSends: one try, after the workspace's hold and pace. False when Slack answered 429:
        the workspace is then held for its Retry-After (the caller waits for `ready` and tries again)."""
        try:
            client = await self._client_for(who.workspace)
            started = await self._limits.wait(who.workspace)
            try:
                await self._post(client, who, reply)
            except SlackApiError as exc:
                if exc.response.status_code != 429:
                    raise
                self._limits.refused(who.workspace, _retry_after(exc))
                return False
        except SlackApiError as exc:
            raise _delivery_error(exc) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"slack unreachable: {type(exc).__name__}") from None
        self._limits.accepted(who.workspace, started)
        return True

    async def _post(self, client: AsyncWebClient, who: UserRef, reply: Reply) -> None:
        """chat.postMessage to the person's DM, named by their user id (opened first if that is refused)."""
        await self._pacer.wait(who.user)  # one DM per person: the user id keys its channel's pace
        try:
            await client.chat_postMessage(channel=who.user, **self._render(reply))
        except SlackApiError as exc:
            if _error(exc) != "channel_not_found":
                raise
            opened = await client.conversations_open(users=who.user)
            await client.chat_postMessage(channel=str(opened["channel"]["id"]), **self._render(reply))


def _retry_after(exc: SlackApiError) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or f"http_{exc.response.status_code}")


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
    error = _error(exc)
    if error in PERMANENT:
        return PermanentDeliveryError(f"slack refused for good: {error}")
    return DeliveryError(f"slack refused: {error}")


def clients_for(
    config: Config, installations: SqlInstallationStore | None, session: aiohttp.ClientSession | None = None
) -> ClientFor:
    """workspace -> a client with that workspace's bot token (the single token, or the installed one).

    The clients share `session` and leave 429s to SlackOutbox, which holds the whole workspace.
    """
    single = config.secrets.slack_bot_token
    clients: dict[str, AsyncWebClient] = {}
    looked_up: dict[str, float] = {}  # workspace -> when its token was last read from the store

    async def client_for(workspace: str) -> AsyncWebClient:
        if single is not None:
            return clients.setdefault("", _client(config, single.get_secret_value(), session))
        cached = clients.get(workspace)
        if cached is not None and time.monotonic() - looked_up[workspace] < TOKEN_TTL_S:
            return cached
        bot = (
            await installations.async_find_bot(enterprise_id=None, team_id=workspace)
            if installations
            else None
        )
        if bot is None or not bot.bot_token:
            clients.pop(workspace, None)
            raise PermanentDeliveryError("no slack installation for this workspace")
        if cached is None or cached.token != bot.bot_token:  # a rotated token replaces the client
            cached = clients[workspace] = _client(config, bot.bot_token, session)
        looked_up[workspace] = time.monotonic()
        return cached

    return client_for


def _client(config: Config, token: str, session: aiohttp.ClientSession | None) -> AsyncWebClient:
    return web_client(config, token, session, retry_rate_limited=False)
