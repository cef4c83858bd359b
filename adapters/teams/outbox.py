"""Sending to Teams: retries with backoff and jitter, a per-conversation pace, and proactive delivery.

`Delivery` wraps every call to the Bot Connector (replies in a turn and proactive messages alike):
throttling (429, 412), timeouts and server errors (408, 5xx but 501 and 505) and connections that failed
or were dropped are retried through tenacity, as msrest's own retry policy did when it sent with requests;
sends to one conversation are spaced to stay under Teams' limit of 7 per second. `TeamsOutbox` implements
the core's Outbox port with stored conversation references and `continue_conversation`; a 403 (bot
blocked, app removed) pauses that person's deliveries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import ClientConnectorError, ServerDisconnectedError
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount, ConversationReference
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from adapters.teams.references import Reference, References
from adapters.teams.render import render_activity
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.model import Reply, UserRef

log = logging.getLogger(__name__)
T = TypeVar("T")
TRANSIENT = frozenset({408, 412, 429, *range(500, 600)}) - {501, 505}
GONE = frozenset({403, 404})


def transient(exc: BaseException) -> bool:
    """Worth another try: a status in TRANSIENT, or no answer because the connection failed (the request
    was not sent) or a pooled connection was dropped (the connector closed an idle keep-alive)."""
    return status_of(exc) in TRANSIENT or isinstance(exc, (ClientConnectorError, ServerDisconnectedError))


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a Bot Connector error (msrest's HttpOperationError), if it has one."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def retry_after(state: RetryCallState, cap: float) -> float:
    """Seconds the connector asked us to wait (Retry-After on a 429), capped; 0 when it did not say."""
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None and outcome.failed else None
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        return min(max(float(headers.get("Retry-After", 0)), 0.0), cap)
    except (TypeError, ValueError):
        return 0.0


class Pacer:
    """Spaces sends to one conversation at least `1 / per_second` apart (in this process)."""

    def __init__(self, per_second: float = 6.0) -> None:
        self.interval = 1.0 / per_second
        self._next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, conversation: str) -> None:
        """Sleep until this conversation may receive another message."""
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(conversation, 0.0))
            self._next[conversation] = slot + self.interval
            if len(self._next) > 10_000:
                self._next = {k: v for k, v in self._next.items() if v > now}
        if slot > now:
            await asyncio.sleep(slot - now)


class Delivery:
    """Retries and pacing around one call to the Bot Connector."""

    def __init__(
        self, *, attempts: int = 5, backoff: float = 0.5, max_wait: float = 8.0, per_second: float = 6.0
    ) -> None:
        self.attempts, self.backoff, self.max_wait = attempts, backoff, max_wait
        self.pacer = Pacer(per_second)

    async def run(self, conversation: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call`, paced for `conversation`, retrying transient refusals."""
        backoff = wait_random_exponential(multiplier=self.backoff, max=self.max_wait)
        retrying = AsyncRetrying(
            retry=retry_if_exception(transient),
            wait=lambda state: retry_after(state, self.max_wait) or backoff(state),
            stop=stop_after_attempt(self.attempts),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self.pacer.wait(conversation)
                return await call()
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover


def to_activity(reply: Reply) -> Activity:
    """A rendered reply as a botbuilder Activity, built field by field: msrest's deserializer would copy
    the card's whole content, key by key, only for the serializer to copy it again when sending."""
    wire = render_activity(reply)
    attachments = [
        Attachment(content_type=a["contentType"], content=a["content"]) for a in wire.get("attachments", ())
    ]
    return Activity(
        type=wire["type"],
        text=wire.get("text"),
        text_format=wire.get("textFormat"),
        summary=wire.get("summary"),
        attachments=attachments or None,
    )


def conversation_reference(ref: Reference) -> ConversationReference:
    """A stored reference as botbuilder's ConversationReference."""
    return ConversationReference(
        channel_id=ref.channel_id,
        service_url=ref.service_url,
        bot=ChannelAccount(id=ref.bot_id),
        user=ChannelAccount(id=ref.member_id, aad_object_id=ref.user_id),
        conversation=ConversationAccount(
            id=ref.conversation_id, tenant_id=ref.tenant, conversation_type=ref.conversation_type
        ),
    )


class TeamsOutbox:
    """The core's Outbox for Teams: a message to a person's personal chat with the bot."""

    def __init__(self, adapter: Any, references: References, delivery: Delivery, app_id: str) -> None:
        self._adapter = adapter
        self._references = references
        self._delivery = delivery
        self._app_id = app_id

    async def send(self, who: UserRef, reply: Reply) -> None:
        """Deliver one reply; PermanentDeliveryError when the person can't be reached (or is paused)."""
        ref = await self._references.personal(who.workspace, who.user)
        if ref is None:
            raise PermanentDeliveryError("no personal chat with this person is known yet")
        if ref.paused:
            raise PermanentDeliveryError("deliveries to this person are paused (bot blocked or removed)")
        activity = to_activity(reply)

        async def callback(context: TurnContext) -> None:
            await self._delivery.run(ref.conversation_id, lambda: context.send_activity(activity))

        try:
            await self._adapter.continue_conversation(conversation_reference(ref), callback, self._app_id)
        except Exception as exc:
            status = status_of(exc)
            if status in GONE:
                await self._references.pause(ref.conversation_id)
                log.warning("Teams refused a proactive message (%s): deliveries paused", status)
                raise PermanentDeliveryError(f"Teams answered {status}; deliveries paused") from None
            if status is None and not isinstance(exc, OSError):
                raise
            why = status or type(exc).__name__
            raise DeliveryError(f"Teams did not accept the message ({why})") from None
