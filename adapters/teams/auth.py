"""Who may post to /api/messages: botbuilder's JWT validation, with every failure mapped to 401.

With an app id, tokens are checked by botbuilder against Bot Framework's OpenID metadata (the URL can be
overridden in `teams.openid_metadata_url`, e.g. for a sovereign cloud or a test). Without one, requests
are accepted unauthenticated, which `platform_mounts` allows only in `serve --dev` (Emulator).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import AuthenticationConstants, BotFrameworkAuthentication
from cachetools import LRUCache

from adapters.teams.speedups import CONNECTORS_KEPT, ReusedConnectors, app_id_of_claims
from adapters.teams.transport import ConnectorTransport
from bot.settings import Config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _BotSettings:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str = "MultiTenant"
    VALIDATE_AUTHORITY: bool = True
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    OAUTH_URL: str | None = None
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    CALLER_ID: str | None = None


def app_id_of(config: Config) -> str:
    """The configured Microsoft app id, or "" when there is none."""
    return (config.secrets.teams_app_id or "").strip()


def build_authentication(config: Config, transport: ConnectorTransport) -> BotFrameworkAuthentication:
    """The authentication botbuilder's CloudAdapter uses, wrapped so bad tokens can only mean 401."""
    app_id = app_id_of(config)
    password = config.secrets.teams_app_password
    if not app_id:
        inner = ConfigurationBotFrameworkAuthentication(_BotSettings("", ""))
    else:
        metadata = config.settings.teams.openid_metadata_url
        settings = _BotSettings(
            APP_ID=app_id,
            APP_PASSWORD=password.get_secret_value() if password else "",
            TO_CHANNEL_FROM_BOT_LOGIN_URL=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
            TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
            TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
            OAUTH_URL=AuthenticationConstants.OAUTH_URL,
            TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=(
                metadata or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
            ),
            TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
            CALLER_ID=CallerIdConstants.public_azure_channel,
        )
        inner = ConfigurationBotFrameworkAuthentication(settings)
    return _Strict(inner, transport)


class _Strict(BotFrameworkAuthentication):  # type: ignore[misc]
    """Delegates to botbuilder, turning any failure to authenticate into PermissionError (401).

    botbuilder raises PermissionError for most rejections but lets PyJWT's errors (garbage, expired,
    unknown key) escape, which aiohttp would answer with 500.
    """

    def __init__(self, inner: BotFrameworkAuthentication, transport: ConnectorTransport) -> None:
        self._inner = inner
        self._transport = transport
        self._connectors: LRUCache[tuple[str, str, str], Any] = LRUCache(CONNECTORS_KEPT)
        self._token_clients: LRUCache[str, Any] = LRUCache(CONNECTORS_KEPT)

    async def authenticate_request(self, activity: Any, auth_header: str) -> Any:
        try:
            result = await self._inner.authenticate_request(activity, auth_header)
        except PermissionError:
            raise
        except Exception as exc:  # any token problem is the caller's fault: 401
            log.info("rejected a token: %s", type(exc).__name__)
            raise PermissionError("invalid token") from None
        result.connector_factory = self._reused(result.connector_factory, result.claims_identity)
        return result

    def _reused(self, factory: Any, claims_identity: Any) -> ReusedConnectors:
        return ReusedConnectors(factory, app_id_of_claims(claims_identity), self._connectors, self._transport)

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> Any:
        raise PermissionError("streaming connections are not supported")

    def create_connector_factory(self, claims_identity: Any) -> Any:
        return self._reused(self._inner.create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        """One per app id: CloudAdapter asks for it on every turn, and building it builds credentials."""
        app_id = app_id_of_claims(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = self._token_clients[app_id] = await self._inner.create_user_token_client(claims_identity)
        return client

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> Any:
        try:
            return await self._inner.authenticate_channel_request(auth_header)
        except PermissionError:
            raise
        except Exception:
            raise PermissionError("invalid token") from None
