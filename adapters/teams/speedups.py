"""A per-message cost inside botbuilder, removed when Teams is built.

CloudAdapter builds a new ConnectorClient for every turn: a new msrest pipeline (its retry policy alone
compared about 500,000 status codes), a new HTTP session and a new TCP connection to the Bot Connector for
every reply. `ReusedConnectors` keeps one client per (app id, service URL, audience), as botbuilder's older
BotFrameworkAdapter did; msrest gives each worker thread its own requests session, so sharing a client
across turns is safe, and its credentials refresh their own tokens.
"""

from __future__ import annotations

from typing import Any

from botframework.connector.auth import AuthenticationConstants, ConnectorFactory
from cachetools import LRUCache

CONNECTORS_KEPT = 64  # service URLs are a handful per cloud region; the bound only guards against abuse


def app_id_of_claims(claims_identity: Any) -> str:
    """The bot's app id in a request's claims (audience from a channel, appid from the Emulator)."""
    value = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(value or "")


class ReusedConnectors(ConnectorFactory):  # type: ignore[misc]
    """A ConnectorFactory that hands out the same ConnectorClient for the same target."""

    def __init__(self, inner: Any, app_id: str, kept: LRUCache[tuple[str, str, str], Any]) -> None:
        self._inner = inner
        self._app_id = app_id
        self._kept = kept

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (self._app_id, service_url, audience or "")
        client = self._kept.get(key)
        if client is None:
            client = self._kept[key] = await self._inner.create(service_url, audience)
        return client
