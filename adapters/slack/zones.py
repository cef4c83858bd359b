"""A person's time zone from their Slack profile (`users.info`), so lessons arrive at their own local time.

Only the `tz` field is read from the answer: no name, email or picture is kept or logged. The zone is
cached per person for an hour in this process. A lookup that fails or is slow leaves the zone unknown, and
the core falls back to the zone saved with the person's lessons, then to app.yaml's `lessons.timezone`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field, replace

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import parse, strip_command
from bot.flows.home import OPEN as HOME_OPEN
from bot.model import Inbound

log = logging.getLogger(__name__)
TTL_S = 3600.0  # people seldom move; a move shows within the hour
RETRY_AFTER_FAILURE_S = 60.0  # a workspace that refuses (or rate-limits) users.info is not asked per request
LOOKUP_BUDGET_S = 1.5  # a slash command's answer goes in its ack, due within Slack's 3 s
MAX_PEOPLE = 10_000  # cached zones per process; all are dropped when full (each costs one call to refill)
_ZONED_COMMANDS = {"lesson", "lessons"}


@dataclass
class ZoneDirectory:
    """Fills `Inbound.timezone` for the requests whose answer depends on the person's local day."""

    _cache: dict[tuple[str, str], tuple[float, str | None]] = field(default_factory=dict)

    async def with_zone(self, inbound: Inbound, client: AsyncWebClient) -> Inbound:
        if inbound.timezone or not needs_zone(inbound):
            return inbound
        found = await self._zone(inbound.workspace, inbound.user, client)
        return replace(inbound, timezone=found) if found else inbound

    async def _zone(self, workspace: str, user: str, client: AsyncWebClient) -> str | None:
        now = time.monotonic()
        cached = self._cache.get((workspace, user))
        if cached and cached[0] > now:
            return cached[1]
        found = await _profile_zone(user, client)
        if len(self._cache) >= MAX_PEOPLE:
            self._cache.clear()
        self._cache[(workspace, user)] = (now + (TTL_S if found else RETRY_AFTER_FAILURE_S), found)
        return found


def needs_zone(inbound: Inbound) -> bool:
    """Lesson commands and buttons, and the App Home (which shows when the next lesson comes)."""
    if inbound.action is not None:
        name = inbound.action.name
        return name == HOME_OPEN or name.split(".", 1)[0] in _ZONED_COMMANDS
    return parse(strip_command(inbound.text)[1]).name in _ZONED_COMMANDS


async def _profile_zone(user: str, client: AsyncWebClient) -> str | None:
    try:
        answer = await asyncio.wait_for(client.users_info(user=user), LOOKUP_BUDGET_S)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        log.warning("could not read a person's time zone from Slack (%s); using the saved or default zone",
                    _reason(exc))
        return None
    profile = answer.get("user")
    zone = profile.get("tz") if isinstance(profile, dict) else None
    return zone if isinstance(zone, str) and zone else None


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"HTTP {exc.response.status_code}, {exc.response.get('error')}"
    return type(exc).__name__
