"""The Slack routes on the shared aiohttp app: /slack/events, /slack/install, /slack/oauth_redirect.

Every request to /slack/events is verified here first (401 for anything wrong, never a 500), then
guarded against duplicates: an Events API delivery is claimed by its event_id on receipt (so a retry
is processed only if the first delivery never got through), an interaction by its signature (so a replay
inside the 5-minute window does nothing a second time). A slash command's signature goes to the core as
its replay key instead: the core claims it before anything that changes state, and answers a read-only
command (the situation picker, help) without a claim, counting its use once (see `Bot.handle`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.background import Background
from adapters.server import OUTBOXES
from adapters.slack import render
from adapters.slack.app import COMMAND, REPLAY_KEY, build_bolt_app, http_session
from adapters.slack.installations import SqlInstallationStore
from adapters.slack.outbox import SlackOutbox, clients_for
from adapters.slack.security import Verifier
from bot.core import Bot
from bot.model import Reply
from bot.settings import Config
from bot.store import SqlStore

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
SORRY = "Sorry, something went wrong on my side and I couldn't do that. Please try again in a minute."


class SlackHttp:
    """Signature check, replay and retry guard, then Bolt."""

    def __init__(self, bolt: AsyncApp, store: SqlStore, signing_secret: str) -> None:
        self.bolt = bolt
        self.store = store
        self.verifier = Verifier(signing_secret)

    async def events(self, request: web.Request) -> web.Response:
        """POST /slack/events: slash commands, interactivity and the Events API."""
        raw = await request.read()
        if not self.verifier.valid(raw, request.headers):
            return web.Response(status=401, text="invalid signature")
        body = raw.decode("utf-8", "replace")
        try:
            headers: dict[str, str | Sequence[str]] = dict(request.headers)
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=headers)
            key = duplicate_key(raw, bolt_request.body, request.headers["X-Slack-Signature"])
            if key is not None and bolt_request.body.get("command") == COMMAND:
                bolt_request.context[REPLAY_KEY] = key  # the core claims it unless the command is read-only
            elif key is not None and not await self._first(key):
                return web.Response(status=200, text="")
            response = await self.bolt.async_dispatch(bolt_request)
        except Exception as exc:  # RecursionError (deeply nested JSON) included
            log.error("slack request failed: %s", type(exc).__name__)
            return sorry(body)
        if response.status >= 500:  # a listener raised; Slack would retry a 5xx, and the person sees nothing
            log.error("slack listener failed (Bolt answered %d)", response.status)
            return sorry(body)
        return to_response(response)

    async def _first(self, key: str) -> bool:
        try:
            return await self.store.claim_once(key)
        except Exception:  # a database outage must not turn into a 500 and a Slack retry storm
            log.warning("could not record a slack request id; handling it anyway")
            return True

    async def install(self, request: web.Request) -> web.Response:
        """GET /slack/install: the "Add to Slack" page (multi-workspace OAuth)."""
        if self.bolt.oauth_flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(
            await self.bolt.oauth_flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(self, request: web.Request) -> web.Response:
        """GET /slack/oauth_redirect: exchanges the code and saves the installation."""
        if self.bolt.oauth_flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(
            await self.bolt.oauth_flow.handle_callback(await to_bolt_request(request))
        )


def to_response(bolt: BoltResponse) -> web.Response:
    """Bolt's answer to /slack/events as an aiohttp response. slack_bolt's `to_aiohttp_response` (kept for
    the OAuth routes) also handles cookies, which these answers never set, and hands aiohttp a str body
    to look up a payload type for; here the body goes as bytes."""
    headers = bolt.first_headers_without_set_cookie()
    content_type = headers.pop("content-type", "text/plain").split(";")[0]
    body = bolt.body.encode()
    return web.Response(status=bolt.status, body=body, content_type=content_type, headers=headers)


def sorry(body: str) -> web.Response:
    """A 200 with a short private apology, shaped for the kind of request (a modal needs a view)."""
    if _payload_type(body) == "view_submission":
        answer: dict[str, Any] = {"response_action": "update", "view": render.modal(Reply(SORRY))}
    else:
        answer = {"response_type": "ephemeral", "text": SORRY}
    return web.json_response(answer)


def _payload_type(body: str) -> str:
    try:
        payload = json.loads(parse_qs(body).get("payload", ["{}"])[0])
    except (ValueError, RecursionError):
        return ""
    return str(payload.get("type", "")) if isinstance(payload, dict) else ""


def duplicate_key(raw: bytes, body: Mapping[str, Any], signature: str) -> str | None:
    """The once-only key of a request (`body` as Bolt parsed it): its event_id for Events API deliveries,
    else its signature; None for Slack's url_verification and ssl_check, which change nothing."""
    if raw.lstrip().startswith(b"{"):
        if body.get("type") == "url_verification":
            return None
        if body.get("event_id"):
            return f"slack:event:{body['event_id']}"
    elif "ssl_check" in body:
        return None
    return f"slack:sig:{signature}"


def slack_mount(config: Config, bot: Bot, store: SqlStore) -> Any:
    """A mount adding the Slack routes, or None when Slack is not configured (no signing secret)."""
    secret = config.secrets.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        return None
    background = Background("slack")
    session = http_session()
    bolt = build_bolt_app(config, bot, store, background, session)
    http = SlackHttp(bolt, store, secret.get_secret_value())

    installations = SqlInstallationStore(store.engine) if bolt.oauth_flow else None
    # unpaced by configuration: learn each workspace's rate from its 429s (adapters/rate_limits.py)
    outbox = SlackOutbox(
        clients_for(config, installations, session), learn=config.settings.lessons.sends_per_s is None
    )

    def mount(app: web.Application) -> None:
        app[OUTBOXES]["slack"] = outbox
        app.on_shutdown.append(lambda _app: background.drain())  # after in-flight requests, before the store
        app.on_cleanup.append(lambda _app: session.close())
        app.router.add_post(EVENTS_PATH, http.events)
        app.router.add_get("/slack/install", http.install)
        app.router.add_get("/slack/oauth_redirect", http.oauth_redirect)

    return mount
