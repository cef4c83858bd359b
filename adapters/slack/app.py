"""Bolt AsyncApp wiring: every listener acks at once and leaves slow work to a background task.

Requests reach Bolt only after `adapters.slack.http` has checked the signature and the replay guard (for a
slash command, the replay key travels in the Bolt context and the core claims it, see `Bot.handle`).
Fast answers (the offline engine) go in the ack itself; slow ones (an LLM rewrite) follow through the
response_url or views.update.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.background import Background
from adapters.slack import inbound as translate
from adapters.slack import render
from adapters.slack.deliver import Deliverer, Where
from adapters.slack.groups import GroupDirectory
from adapters.slack.installations import SignedStateStore, SqlInstallationStore
from adapters.slack.zones import ZoneDirectory
from bot.commands import parse, strip_command
from bot.core import Bot
from bot.flows.calm_draft import SUBMIT as CALM_SUBMIT
from bot.model import Inbound, Reply
from bot.settings import Config
from bot.store import SqlStore

log = logging.getLogger(__name__)
COMMAND = "/deescalate"
CALM_SHORTCUT = "calm_draft"
REPLY_SHORTCUT = "reply_calmly"
REPLAY_KEY = "deescalate_replay_key"  # Bolt context entry: a slash command's once-only key, not yet claimed
SCOPES = ("commands", "chat:write", "im:history", "im:write", "users:read")
JsonDict = dict[str, Any]
MAX_SHARED_ACKS = 64  # a few settings' pickers and the help


WEB_API_TIMEOUT_S = 10


def http_session() -> aiohttp.ClientSession:
    """One connection pool for Web API calls and response_url posts (slack_sdk opens one per call
    otherwise: a new TCP and TLS handshake each time). Its owner closes it at shutdown."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT_S))


def web_client(
    config: Config,
    token: str | None = None,
    session: aiohttp.ClientSession | None = None,
    *,
    retry_rate_limited: bool = True,
) -> AsyncWebClient:
    """The Web API client: configurable base URL; by default retries a 429 after its Retry-After."""
    client = AsyncWebClient(
        token=token, base_url=config.settings.slack.api_base_url, timeout=WEB_API_TIMEOUT_S, session=session
    )
    if retry_rate_limited:
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def bot_scopes(config: Config) -> list[str]:
    """The minimal scopes, plus reading user groups when app.yaml limits mediation to groups."""
    extra = ["usergroups:read"] if config.settings.mediation.allowed_groups else []
    return [*SCOPES, *extra]


def oauth_settings(config: Config, store: SqlStore) -> AsyncOAuthSettings | None:
    """Multi-workspace OAuth when a client id and secret are set (and no single bot token)."""
    secrets = config.secrets
    if secrets.slack_bot_token or not (secrets.slack_client_id and secrets.slack_client_secret):
        return None
    secret = secrets.slack_client_secret.get_secret_value()
    return AsyncOAuthSettings(
        client_id=secrets.slack_client_id,
        client_secret=secret,
        scopes=bot_scopes(config),
        installation_store=SqlInstallationStore(store.engine),
        state_store=SignedStateStore(secret, store),
        redirect_uri=f"{config.settings.server.public_url.rstrip('/')}/slack/oauth_redirect",
    )


class SlackListeners:
    """The listeners; each translates, asks the core, acks, and leaves the rest to a Deliverer.

    Work after the ack runs as a tracked task (`Background`) rather than as a Bolt lazy listener: Bolt
    deep-copies the whole request for every lazy listener, which cost more than the rest of a request.
    """

    def __init__(
        self,
        config: Config,
        bot: Bot,
        store: SqlStore,
        background: Background,
        installations: AsyncInstallationStore | None = None,
    ) -> None:
        self.config = config
        self.bot = bot
        self.store = store
        self.background = background
        self.installations = installations
        self.directory = GroupDirectory(config.settings.mediation.allowed_groups)
        self.zones = ZoneDirectory()
        self._shared_acks = render.KeptRenders(_ephemeral_json, MAX_SHARED_ACKS)  # the picker, help

    @property
    def llm(self) -> bool:
        return self.config.settings.engine.kind == "llm"

    def is_slow(self, inbound: Inbound) -> bool:
        """Whether the answer may take seconds (an LLM rewrite): then it follows the ack."""
        if not self.llm:
            return False
        if inbound.action is not None:
            return inbound.action.name == CALM_SUBMIT
        return parse(strip_command(inbound.text)[1]).name == "rewrite"

    async def handle(self, inbound: Inbound, client: AsyncWebClient) -> list[Reply]:
        """Ask the core, with the person's configured groups and profile time zone filled in where the
        request needs them."""
        inbound = await self.zones.with_zone(inbound, client)
        return await self.bot.handle(await self.directory.with_groups(inbound, client))

    async def _run(self, inbound: Inbound | None, where: Where, client: AsyncWebClient) -> None:
        if inbound is None:
            return
        replies = await self.handle(inbound, client)
        await self._deliver(inbound, replies, where, client)
        # the tab shows lesson settings and progress, which the action may have changed (a form changes
        # nothing until its submit, which redraws the tab itself)
        if where.home and not any(render.form_of(reply) for reply in replies):
            await self._publish_home(translate.home_for(inbound), client)

    async def _deliver(
        self, inbound: Inbound, replies: list[Reply], where: Where, client: AsyncWebClient
    ) -> None:
        await Deliverer(self.bot, client).deliver(inbound, replies, where)

    def _later(self, inbound: Inbound | None, body: JsonDict, client: AsyncWebClient) -> None:
        """Handle after the ack, answering through response_url, views.update or a DM."""
        self.background.start(self._run(inbound, Where.of(body), client))

    def _rest_later(
        self, inbound: Inbound, replies: list[Reply], body: JsonDict, client: AsyncWebClient
    ) -> None:
        if replies:
            self.background.start(self._deliver(inbound, replies, Where.of(body), client))

    # ---- slash command ----------------------------------------------------------------------------------

    async def command(
        self, ack: Any, body: JsonDict, client: AsyncWebClient, context: Any
    ) -> BoltResponse | None:
        inbound = translate.command(body, replay_key=context.get(REPLAY_KEY))
        if self.is_slow(inbound):
            await ack()
            self._later(inbound, body, client)
            return None
        replies = await self.handle(inbound, client)
        first = next((r for r in replies if _plain(r)), None)
        self._rest_later(inbound, [r for r in replies if r is not first], body, client)
        if first is None:
            await ack()
            return None
        return BoltResponse(status=200, body=self.ephemeral_json(first))  # the ack, with the answer

    def ephemeral_json(self, reply: Reply) -> str:
        """The ephemeral answer as JSON, made once for a shared reply (the picker, help)."""
        return self._shared_acks(reply) if reply.shared else _ephemeral_json(reply)

    # ---- interactions -----------------------------------------------------------------------------------

    async def action(self, ack: Any, body: JsonDict, client: AsyncWebClient) -> None:
        await ack()
        self._later(translate.block_action(body), body, client)

    async def calm_shortcut(self, ack: Any, body: JsonDict, client: AsyncWebClient) -> None:
        await ack()
        self._later(translate.global_shortcut(body), body, client)

    async def reply_shortcut(self, ack: Any, body: JsonDict, client: AsyncWebClient) -> None:
        await ack()
        self._later(translate.message_shortcut(body), body, client)

    async def submission(self, ack: Any, body: JsonDict, client: AsyncWebClient) -> None:
        inbound = translate.view_submission(body)
        if self.is_slow(inbound):
            await ack(response_action="update", view=render.modal(Reply("Working on it…")))
            self._later(inbound, body, client)
            return
        replies = await self.handle(inbound, client)
        shown = replies[0] if replies else Reply("Done.")
        await ack(response_action="update", view=render.modal(shown))
        self._rest_later(inbound, replies[1:], body, client)
        if translate.submitted_from_home(body):  # its settings may show on the tab
            self.background.start(self._publish_home(translate.home_for(inbound), client))

    # ---- events (Bolt acknowledges them when the listener returns) ----------------------------------------

    async def message(self, body: JsonDict, client: AsyncWebClient, context: Any) -> None:
        event = body.get("event") or {}
        if not translate.is_person_message(event, context.get("bot_user_id")):
            return
        where = Where(user=str(event.get("user")), channel=str(event.get("channel") or ""))
        self.background.start(self._run(translate.dm_message(body), where, client))

    async def home(self, body: JsonDict, client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        if event.get("tab", "home") == "home":
            self.background.start(self._publish_home(translate.home_opened(body), client))

    async def _publish_home(self, inbound: Inbound, client: AsyncWebClient) -> None:
        replies = await self.handle(inbound, client)
        if replies:
            await client.views_publish(user_id=inbound.user, view=render.home(replies[0]))

    async def forget(self, body: JsonDict) -> None:
        """app_uninstalled / tokens_revoked: delete that workspace's data and installation."""
        self.background.start(self._forget(body))

    async def _forget(self, body: JsonDict) -> None:
        team = translate.workspace_of(body)
        deleted = await self.store.forget_workspace(translate.PLATFORM, team)
        if self.installations is not None:
            await self.installations.async_delete_all(enterprise_id=body.get("enterprise_id"), team_id=team)
        log.warning("slack workspace %s removed the app: %d rows deleted", team, deleted)


def _plain(reply: Reply) -> bool:
    """A reply that fits in a slash command's ack (no schedule, cancel or modal)."""
    return reply.deliver_at is None and not reply.cancels and render.form_of(reply) is None


def _quiet_token_notice(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself and, given our client too, warns that the token is unused: at every
    start, and misleading (the client carries that token)."""
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


def build_bolt_app(
    config: Config,
    bot: Bot,
    store: SqlStore,
    background: Background,
    session: aiohttp.ClientSession | None = None,
) -> AsyncApp:
    """The Bolt app with every listener registered; the signature is checked before Bolt (HTTP mode).

    Bolt gives each request a client of its own that shares `session`, so connections are reused.
    """
    secrets = config.secrets
    token = secrets.slack_bot_token.get_secret_value() if secrets.slack_bot_token else None
    signing = secrets.slack_signing_secret.get_secret_value() if secrets.slack_signing_secret else None
    bolt_logger = logging.getLogger("slack_bolt")
    if bolt_logger.level == logging.NOTSET:
        # Bolt formats per-request debug lines whenever its logger's own level is unset (it reads `.level`,
        # not the effective level); adapters.logs drops other libraries' DEBUG and INFO records anyway.
        bolt_logger.setLevel(logging.WARNING)
    bolt_logger.addFilter(_quiet_token_notice)
    app = AsyncApp(
        name="deescalate",  # without a name, Bolt reads every calling frame's source file to make one
        client=web_client(config, token, session),
        signing_secret=signing or "unused-in-socket-mode",
        oauth_settings=oauth_settings(config, store),
        process_before_response=True,  # ack bodies are computed inline; the rest runs in `background`
        request_verification_enabled=False,  # done strictly in adapters.slack.http, or Socket Mode
        logger=bolt_logger,
    )
    installations = app.installation_store if app.oauth_flow else None
    register(app, SlackListeners(config, bot, store, background, installations))
    return app


def register(app: AsyncApp, listeners: SlackListeners) -> None:
    """Attach every listener: each answers Slack within its 3 seconds and leaves slow work for later."""
    app.command(COMMAND)(listeners.command)
    app.block_action(re.compile(r".*"))(listeners.action)
    app.shortcut(CALM_SHORTCUT)(listeners.calm_shortcut)
    app.shortcut(REPLY_SHORTCUT)(listeners.reply_shortcut)
    app.view_submission(re.compile(r".+"))(listeners.submission)
    app.event("message")(listeners.message)
    app.event("app_home_opened")(listeners.home)
    for event in ("app_uninstalled", "tokens_revoked"):
        app.event(event)(listeners.forget)


def _ephemeral_json(reply: Reply) -> str:
    return json.dumps(render.ephemeral(reply))
