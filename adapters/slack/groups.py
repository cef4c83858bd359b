"""Slack user-group membership, for app.yaml's `mediation.allowed_groups` (cached a few minutes)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.model import Inbound

log = logging.getLogger(__name__)
TTL_S = 300.0


@dataclass
class GroupDirectory:
    """Which of the configured groups a person is in; asks Slack at most once per group per TTL."""

    groups: tuple[str, ...]
    _cache: dict[tuple[str, str], tuple[float, frozenset[str]]] = field(default_factory=dict)

    async def with_groups(self, inbound: Inbound, client: AsyncWebClient) -> Inbound:
        """The inbound with `groups` filled in, when access rules name groups and the request needs them."""
        if not self.groups or not _about_mediation(inbound):
            return inbound
        mine = [g for g in self.groups if inbound.user in await self._members(inbound.workspace, g, client)]
        return _replace_groups(inbound, frozenset(mine))

    async def _members(self, workspace: str, group: str, client: AsyncWebClient) -> frozenset[str]:
        cached = self._cache.get((workspace, group))
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            answer = await client.usergroups_users_list(usergroup=group)
            members = frozenset(str(u) for u in answer.get("users") or ())
        except SlackApiError as exc:
            log.warning(
                "could not list a user group (HTTP %s); treating it as empty", exc.response.status_code
            )
            members = frozenset()
        self._cache[(workspace, group)] = (time.monotonic() + TTL_S, members)
        return members


def _about_mediation(inbound: Inbound) -> bool:
    if inbound.action is not None:
        return inbound.action.name.startswith("mediate.")
    words = inbound.text.lower().replace("/deescalate", " ").split()
    return bool(words) and words[0] == "mediate"


def _replace_groups(inbound: Inbound, groups: frozenset[str]) -> Inbound:
    return replace(inbound, groups=groups)
