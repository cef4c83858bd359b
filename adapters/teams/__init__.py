"""The Microsoft Teams adapter: POST /api/messages on the shared aiohttp app, via botbuilder's CloudAdapter.

Every botbuilder type stays inside this package (Microsoft is retiring that SDK): swapping it later touches
this folder alone. `teams_mount(...)` is what `adapters.server.platform_mounts` calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter

from adapters.teams.auth import app_id_of, build_authentication
from adapters.teams.bot import TeamsBot, receiving
from adapters.teams.outbox import Delivery, TeamsOutbox
from adapters.teams.references import References
from adapters.teams.transport import ConnectorTransport
from bot.core import Bot
from bot.errors import ConfigError
from bot.settings import Config
from bot.store import SqlStore

log = logging.getLogger(__name__)
ROUTE = "/api/messages"


@dataclass(frozen=True)
class TeamsApp:
    """The adapter's parts, built once per server."""

    adapter: Any
    handler: TeamsBot
    outbox: TeamsOutbox
    transport: ConnectorTransport

    async def messages(self, request: web.Request) -> web.StreamResponse:
        """POST /api/messages: 401 for bad tokens, 400/415 for bad bodies, never 500 for either."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, or nested too deeply to parse
            return web.json_response({"error": "malformed JSON"}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return web.json_response({"error": "expected an activity"}, status=400)
        try:
            with receiving(body):
                response = await self.adapter.process(request, self.handler)
        except web.HTTPUnauthorized:
            return web.json_response({"error": "unauthorized"}, status=401)
        except Exception as exc:  # an activity botbuilder cannot read, or a failed turn: no 5xx, no retries
            log.error("Teams activity not processed: %s", type(exc).__name__)
            return web.json_response({"error": "could not process the activity"}, status=400)
        if response is not None and response.status >= 500:  # e.g. 501 for an invoke we don't implement
            return web.json_response({"error": "unsupported activity"}, status=400)
        return response or web.Response(status=201)


def teams_wanted(config: Config, *, dev: bool) -> bool:
    """Whether to mount /api/messages; ConfigError when Teams is asked for but can't run safely."""
    enabled = config.settings.teams.enabled
    app_id = app_id_of(config)
    if enabled is False:
        return False
    if app_id and not config.secrets.teams_app_password:
        raise ConfigError(
            "Teams is configured with TEAMS_APP_ID but no password:",
            ["set TEAMS_APP_PASSWORD to the client secret of the bot's app registration"],
        )
    if app_id or dev:
        return True
    if enabled:
        raise ConfigError(
            "teams.enabled is true but TEAMS_APP_ID is not set:",
            [
                "set TEAMS_APP_ID and TEAMS_APP_PASSWORD (see docs/teams.md), or",
                "run `deescalate serve --dev` to try Teams with the Bot Framework Emulator (no app id)",
            ],
        )
    return False


def build_teams(config: Config, bot: Bot, store: SqlStore, delivery: Delivery | None = None) -> TeamsApp:
    """The CloudAdapter, handler and outbox for this configuration."""
    transport = ConnectorTransport()
    adapter = CloudAdapter(build_authentication(config, transport))
    adapter.on_turn_error = _on_turn_error
    references = References(store.engine)
    store.add_purge_hook(references.purge)
    delivery = delivery or Delivery()
    outbox = TeamsOutbox(adapter, references, delivery, app_id_of(config))
    return TeamsApp(adapter, TeamsBot(bot, store, references, delivery, outbox), outbox, transport)


def teams_mount(teams: TeamsApp) -> Any:
    """A server mount adding POST /api/messages."""

    def mount(app: web.Application) -> None:
        from adapters.server import OUTBOXES

        app.router.add_post(ROUTE, teams.messages)
        app[OUTBOXES]["teams"] = teams.outbox
        app.on_cleanup.append(lambda _app: teams.transport.close())

    return mount


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log the failure's type only (never message text or tokens), then let the request fail."""
    log.error("Teams turn failed on a %s activity: %s", context.activity.type, type(error).__name__)
    raise error


__all__ = ["ROUTE", "TeamsApp", "build_teams", "teams_mount", "teams_wanted"]
