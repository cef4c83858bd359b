"""Deliver the core's replies for one interaction: response_url, chat.update, modals, DMs, schedules.

Which Slack call a reply becomes depends only on where the interaction came from (`Where`) and the
reply's own fields (`replaces`, `deliver_at`, `cancels`, a Form). Never logs message text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from adapters.slack.inbound import is_dm_channel
from bot.core import Bot
from bot.model import SCHEDULED, ActionRef, Inbound, Kind, Reply

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Where:
    """Where the replies to one interaction can go."""

    user: str
    channel: str = ""
    response_url: str | None = None
    message_ts: str | None = None  # the message the interaction came from
    message_ephemeral: bool = False
    view_id: str | None = None  # the modal the interaction came from
    trigger_id: str | None = None  # lets us open a modal (valid for 3 s)
    home: bool = False  # from the App Home tab: answers go to the person's DM

    @classmethod
    def of(cls, body: JsonDict) -> Where:
        """Read every place an interaction payload names."""
        container = body.get("container") or {}
        channel = body.get("channel") or {}
        view = body.get("view") or {}
        user = body.get("user") or {}
        return cls(
            user=str(user.get("id", "")) if isinstance(user, dict) else str(body.get("user_id") or ""),
            channel=str(channel.get("id", ""))
            if isinstance(channel, dict)
            else str(body.get("channel_id") or ""),
            response_url=body.get("response_url")
            or next((r.get("response_url") for r in body.get("response_urls") or []), None),
            message_ts=container.get("message_ts"),
            message_ephemeral=bool(container.get("is_ephemeral")),
            view_id=view.get("id") if view.get("type") == "modal" else None,
            trigger_id=body.get("trigger_id"),
            home=view.get("type") == "home",
        )


class Deliverer:
    """Turns replies into Web API calls with one workspace's client."""

    def __init__(self, bot: Bot, client: AsyncWebClient) -> None:
        self.bot = bot
        self.client = client

    async def deliver(self, inbound: Inbound, replies: list[Reply], where: Where) -> None:
        """Deliver every reply, in order; a scheduled one is reported back to the core."""
        for reply in replies:
            if reply.deliver_at is not None:
                await self._schedule(inbound, reply, where)
                continue
            if reply.cancels:
                await self._cancel(reply.cancels)
            if reply.to is not None and reply.to.user != where.user:
                await self.client.chat_postMessage(
                    channel=await self.dm(reply.to.user), **render.message(reply)
                )
                continue
            await self.post(reply, where)

    async def post(self, reply: Reply, where: Where) -> None:
        """One reply to the right place."""
        if render.form_of(reply) is not None and where.trigger_id:
            # a form asked for from inside a modal stacks on top of it; elsewhere it opens one
            opener = self.client.views_push if where.view_id else self.client.views_open
            view = render.modal(reply, metadata=render.FROM_HOME if where.home else "")
            await opener(trigger_id=where.trigger_id, view=view)
        elif where.view_id:
            await self.client.views_update(view_id=where.view_id, view=render.modal(reply))
        elif reply.replaces and reply.replaces == where.message_ts:
            await self._replace(reply, where)
        elif where.response_url and not where.home:
            await respond(where.response_url, render.ephemeral(reply), self.client.session)
        elif is_dm_channel(where.channel) and not where.home:
            await self.client.chat_postMessage(channel=where.channel, **render.message(reply))
        elif where.home or not where.channel:
            await self.client.chat_postMessage(channel=await self.dm(where.user), **render.message(reply))
        else:
            await self.client.chat_postEphemeral(
                channel=where.channel, user=where.user, **render.message(reply)
            )

    async def _replace(self, reply: Reply, where: Where) -> None:
        if where.message_ephemeral and where.response_url:
            await respond(where.response_url, render.ephemeral(reply, replace=True), self.client.session)
        else:
            await self.client.chat_update(
                channel=where.channel, ts=where.message_ts or "", **render.message(reply)
            )

    async def dm(self, user: str) -> str:
        """The id of the person's DM with the bot."""
        opened = await self.client.conversations_open(users=user)
        return str(opened["channel"]["id"])

    async def _schedule(self, inbound: Inbound, reply: Reply, where: Where) -> None:
        assert reply.deliver_at is not None
        channel = await self.dm(where.user)
        done = await self.client.chat_scheduleMessage(
            channel=channel, post_at=int(reply.deliver_at.timestamp()), **render.message(reply)
        )
        reported = Inbound(
            inbound.platform,
            inbound.workspace,
            inbound.user,
            inbound.conversation,
            inbound.is_dm,
            Kind.ACTION,
            action=ActionRef(SCHEDULED, f"{channel}:{done['scheduled_message_id']}"),
        )
        await self.deliver(reported, await self.bot.handle(reported), where)

    async def _cancel(self, scheduled: str) -> None:
        channel, _, message_id = scheduled.partition(":")
        try:
            await self.client.chat_deleteScheduledMessage(channel=channel, scheduled_message_id=message_id)
        except SlackApiError as exc:  # already sent or already cancelled: nothing left to do
            log.info("scheduled message not deleted: %s", exc.response.get("error"))


async def respond(url: str, body: JsonDict, session: aiohttp.ClientSession | None) -> None:
    """POST to a response_url (at most 5 per interaction, within 30 minutes: we use one or two)."""
    response = await AsyncWebhookClient(url, session=session).send_dict(body)
    if response.status_code >= 400:
        log.warning("response_url answered %s", response.status_code)
