"""Calm a draft from a form (Slack's global shortcut opens it as a modal): one multi-line input."""

from __future__ import annotations

from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.rewrite import rewrite_replies
from bot.model import ActionRef, Form, Inbound, InputField, Reply

OPEN = "calm.open"
SUBMIT = "calm.submit"
DRAFT = "draft"


async def on_open(_services: Services, _inbound: Inbound) -> list[Reply]:
    form = Form(
        "Calm a draft",
        (
            InputField(
                DRAFT, "Your draft", multiline=True, placeholder="Paste the message you're about to send"
            ),
        ),
        ActionRef(SUBMIT),
        submit_label="Calm it",
    )
    return [Reply("Paste the message you're about to send.", (form,))]


async def on_submit(services: Services, inbound: Inbound) -> list[Reply]:
    draft = inbound.form.get(DRAFT, "")
    if not draft.strip():
        return [Reply("Paste a draft first, then press Calm it.")]
    return await rewrite_replies(services, draft, "calm", can_schedule=inbound.can_schedule)


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {OPEN: on_open, SUBMIT: on_submit}
