"""The Teams activity handler: translate each activity for the core, deliver what it answers.

Every incoming activity refreshes the stored conversation reference; a repeated activity id (Teams retries
an invoke that took too long) does no work twice: an invoke still running is awaited and its answer
reused, an answered one is answered again from the core (no side effects), a repeated "send" is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity
from msrest.serialization import Model

from adapters.teams import extension
from adapters.teams.inbound import (
    PLATFORM,
    conversation_of,
    is_personal,
    member_of,
    tenant_of,
    to_inbound,
    user_of,
)
from adapters.teams.outbox import Delivery, TeamsOutbox, status_of, to_activity
from adapters.teams.references import Reference, References
from adapters.teams.render import CARD_TYPE, render_card
from bot.core import Bot
from bot.errors import DeliveryError
from bot.model import Inbound, Kind, Reply, UserRef
from bot.store import SqlStore

log = logging.getLogger(__name__)
MEMO_SIZE = 512
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
_WIRE = "deescalate.wire"  # turn_state key of the serialised incoming activity
_BODY: ContextVar[dict[str, Any] | None] = ContextVar("teams_request_body", default=None)


class TeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    """botbuilder's handler around the neutral core: no behaviour of its own."""

    def __init__(
        self, bot: Bot, store: SqlStore, references: References, delivery: Delivery, outbox: TeamsOutbox
    ) -> None:
        super().__init__()
        self.bot, self.store, self.references, self.delivery = bot, store, references, delivery
        self.outbox = outbox
        self._memo: OrderedDict[str, asyncio.Future[InvokeResponse]] = OrderedDict()

    # ---- every turn -------------------------------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Remember where this conversation lives, skip repeats of non-invoke activities, dispatch."""
        wire = wire_of(turn_context)
        await self._remember(wire)
        if wire.get("type") != "invoke" and not await self._first_time(wire):
            return
        await super().on_turn(turn_context)

    async def _remember(self, wire: Mapping[str, Any]) -> None:
        conversation = conversation_of(wire)
        if not conversation.get("id") or not wire.get("serviceUrl"):
            return
        await self.references.save(
            Reference(
                conversation_id=str(conversation["id"])[:256],
                tenant=tenant_of(wire),
                user_id=user_of(wire),
                member_id=member_of(wire)[:256],
                conversation_type=str(conversation.get("conversationType") or "personal")[:16],
                channel_id=str(wire.get("channelId") or "msteams")[:32],
                service_url=str(wire["serviceUrl"])[:256],
                bot_id=str((wire.get("recipient") or {}).get("id") or "")[:128],
            )
        )

    async def _first_time(self, wire: Mapping[str, Any]) -> bool:
        if not wire.get("id"):
            return True
        return await self.store.claim_once(_claim_key(wire))

    # ---- messages and card submits ----------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Typed words and Action.Submit: ask the core, then send new messages or update cards in place."""
        inbound = to_inbound(wire_of(turn_context))
        if inbound is None:
            return
        for reply in await self.bot.handle(inbound):
            await self._deliver(turn_context, reply)

    async def _deliver(self, turn_context: TurnContext, reply: Reply) -> None:
        if reply.to is not None and reply.to.user != user_of(wire_of(turn_context)):
            await self._deliver_elsewhere(reply)
            return
        activity = to_activity(reply)
        conversation = turn_context.activity.conversation.id
        if reply.replaces:
            activity.id = reply.replaces
            send: Callable[[], Awaitable[Any]] = lambda: turn_context.update_activity(activity)  # noqa: E731
        else:
            send = lambda: turn_context.send_activity(activity)  # noqa: E731
        try:
            await self.delivery.run(conversation, send)
        except Exception as exc:
            if status_of(exc) == HTTPStatus.FORBIDDEN:
                await self.references.pause(conversation)
            raise

    async def _deliver_elsewhere(self, reply: Reply) -> None:
        """A reply for another person (e.g. an invitation) goes to their personal chat via the Outbox."""
        assert reply.to is not None
        try:
            await self.outbox.send(reply.to, reply)
        except DeliveryError as exc:
            log.info("could not reach another Teams user: %s", type(exc).__name__)

    # ---- invokes: card Execute, message extension --------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Answer an invoke once per activity id; retries share the first answer."""
        wire = wire_of(turn_context)
        key = _claim_key(wire) if wire.get("id") else ""
        if key and key in self._memo:
            return await asyncio.shield(self._memo[key])
        first = not key or await self.store.claim_once(key)
        if not first and _has_side_effects(wire):
            return _ok({})
        future: asyncio.Future[InvokeResponse] = asyncio.get_running_loop().create_future()
        if key:
            self._remember_answer(key, future)
        try:
            response = await self._invoke(turn_context, wire)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure is not reported twice
            self._memo.pop(key, None)
            raise
        future.set_result(response)
        return response

    def _remember_answer(self, key: str, future: asyncio.Future[InvokeResponse]) -> None:
        self._memo[key] = future
        while len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)

    async def _invoke(self, turn_context: TurnContext, wire: Mapping[str, Any]) -> InvokeResponse:
        name = wire.get("name")
        value = _mapping(wire.get("value"))
        if name == "adaptiveCard/action":
            return await self._execute(turn_context, wire)
        if name == "composeExtension/fetchTask":
            return _ok(extension.draft_dialog(extension.prefill_of(value)))
        if name == "composeExtension/submitAction":
            return await self._submit(turn_context, wire, value)
        return await super().on_invoke_activity(turn_context)

    async def _execute(self, turn_context: TurnContext, wire: Mapping[str, Any]) -> InvokeResponse:
        """Action.Execute: the reply that replaces the card goes back in the invoke response."""
        inbound = to_inbound(wire)
        if inbound is None:
            return _ok({"statusCode": 400, "type": "application/vnd.microsoft.error", "value": {}})
        replaced: dict[str, Any] | None = None
        for reply in await self.bot.handle(inbound):
            content = render_card(reply) if replaced is None else None
            if content is not None:
                replaced = content
            else:
                await self._deliver(turn_context, Reply(reply.text, reply.blocks, reply.ephemeral))
        if replaced is None:
            return _ok({"statusCode": 200, "type": MESSAGE_TYPE, "value": "Done."})
        return _ok({"statusCode": 200, "type": CARD_TYPE, "value": replaced})

    async def _submit(
        self, turn_context: TurnContext, wire: Mapping[str, Any], value: Mapping[str, Any]
    ) -> InvokeResponse:
        """The extension's submits: a draft, a style button, "Preview to send", then send or edit."""
        preview_action = value.get("botMessagePreviewAction")
        if preview_action == "send":
            return await self._send_preview(turn_context, value)
        if preview_action == "edit":
            return _ok(extension.draft_dialog(extension.previewed_text(value.get("botActivityPreview"))))
        data = _mapping(value.get("data"))
        if data.get(extension.CHOICE) == extension.PREVIEW and str(data.get(extension.CALM) or "").strip():
            return _ok(extension.preview(str(data[extension.CALM])))
        if extension.wants_action(data):
            inbound = to_inbound({**wire, "type": "message", "value": data})
        else:
            draft = str(data.get(extension.DRAFT) or "").strip()
            if not draft:
                return _ok(extension.draft_dialog(note="Write or paste a draft first."))
            inbound = self._command(wire, f"rewrite {draft}")
        replies = await self.bot.handle(inbound) if inbound else []
        if not replies:
            return _ok(extension.draft_dialog(note="That didn't work. Please try again."))
        return _ok(extension.report_dialog(replies[0]))

    async def _send_preview(self, turn_context: TurnContext, value: Mapping[str, Any]) -> InvokeResponse:
        """The person chose to send the previewed card into the conversation."""
        preview = value.get("botActivityPreview")
        text = extension.previewed_text(preview)
        if text:
            activity = Activity().deserialize(extension.preview(text)["composeExtension"]["activityPreview"])
            conversation = turn_context.activity.conversation.id
            await self.delivery.run(conversation, lambda: turn_context.send_activity(activity))
        return _ok({})

    def _command(self, wire: Mapping[str, Any], text: str) -> Inbound:
        return Inbound(
            PLATFORM,
            tenant_of(wire),
            user_of(wire),
            str(conversation_of(wire).get("id") or ""),
            is_personal(wire),
            Kind.COMMAND,
            text=text,
        )

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Nothing beyond the stored reference (botbuilder would look up every member added)."""
        return

    # ---- installation ----------------------------------------------------------------------------

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Say hello (the core's help) in a personal chat when the app is installed."""
        wire = wire_of(turn_context)
        if not is_personal(wire):
            return
        for reply in await self.bot.handle(self._command(wire, "help")):
            await self._deliver(turn_context, reply)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Forget the conversation; for a personal chat, forget the person too."""
        wire = wire_of(turn_context)
        conversation = str(conversation_of(wire).get("id") or "")
        deleted = await self.references.delete(conversation) if conversation else 0
        if is_personal(wire) and user_of(wire):
            deleted += await self.store.forget(UserRef(PLATFORM, tenant_of(wire), user_of(wire)))
        log.info("Teams app removed from a %s conversation: %d rows deleted", _scope(wire), deleted)


@contextmanager
def receiving(body: dict[str, Any]) -> Iterator[None]:
    """While a request's activity is processed, its JSON body stands in for `activity.serialize()`."""
    token = _BODY.set(body)
    try:
        yield
    finally:
        _BODY.reset(token)


def wire_of(turn_context: TurnContext) -> dict[str, Any]:
    """The incoming activity as JSON, once per turn: the request's body when this turn is that request's
    (botbuilder parsed it into the same activity), else msrest's costly serialize()."""
    wire: dict[str, Any] | None = turn_context.turn_state.get(_WIRE)
    if wire is None:
        activity, body = turn_context.activity, _BODY.get()
        if body is None or body.get("id") != activity.id or body.get("type") != activity.type:
            body = activity.serialize()
        wire = turn_context.turn_state[_WIRE] = body
    return wire


def _claim_key(wire: Mapping[str, Any]) -> str:
    return f"teams:{conversation_of(wire).get('id', '')}:{wire.get('id', '')}"[-200:]


def _has_side_effects(wire: Mapping[str, Any]) -> bool:
    sends = _mapping(wire.get("value")).get("botMessagePreviewAction") == "send"
    return wire.get("name") == "composeExtension/submitAction" and sends


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _scope(wire: Mapping[str, Any]) -> str:
    return "personal" if is_personal(wire) else str(conversation_of(wire).get("conversationType"))


class _Body(Model):
    """A JSON body as the msrest Model botbuilder's CloudAdapter insists on serializing."""

    _attribute_map = {"additional_properties": {"key": "", "type": "{object}"}}  # noqa: RUF012

    def __init__(self, body: Mapping[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.additional_properties = dict(body)


def _ok(body: Mapping[str, Any]) -> InvokeResponse:
    return InvokeResponse(status=int(HTTPStatus.OK), body=_Body(body))
