"""Cool-off: send the chosen version of a draft back to the person's DM later, held by the platform.

The draft travels only in the button value and in the scheduled message the platform holds: nothing is
stored here. The adapter reports the platform's id of the scheduled delivery back as a `SCHEDULED`
action, and the cancel button carries that id.
"""

from __future__ import annotations

from datetime import timedelta

from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.draft_value import read_style_value, style_value, unreadable_button
from bot.model import SCHEDULED, ActionRef, Button, Choices, Context, Inbound, Paragraph, Quote, Reply
from bot.tone import Style

REMIND = "rewrite.remind"
CANCEL = "remind.cancel"
DELAY = timedelta(minutes=10)


def remind_button(style: Style, draft: str) -> Button:
    """The "Remind me in 10 minutes" button for one style of one draft."""
    value = style_value(style, draft)
    return Button("Remind me in 10 minutes", ActionRef(REMIND, value))


async def on_remind(services: Services, inbound: Inbound) -> list[Reply]:
    parsed = read_style_value(inbound)
    if parsed is None:
        return [unreadable_button()]
    chosen, draft = parsed
    report = services.engine.analyse(draft)
    if report.safety is not None:
        return [Reply("I won't schedule this one. Type /deescalate help if you need support.")]
    version = services.engine.rewrite(draft, chosen).text
    text = f"Your cool-off reminder. Still want to send this? Here is the calmer version:\n{version}"
    blocks = (
        Paragraph(
            "*Your cool-off reminder.* Ten minutes ago you asked me to hold this. Still want to send it?"
        ),
        Quote(version),
        Context("Copy it if it still fits; or let it go."),
    )
    return [Reply(text, blocks, deliver_at=services.clock.now() + DELAY)]


async def on_scheduled(_services: Services, inbound: Inbound) -> list[Reply]:
    scheduled = inbound.action.value if inbound.action else ""
    text = "Done: I'll send the calmer version to your DM in 10 minutes. Take a breath in the meantime."
    return [
        Reply(
            text,
            (
                Paragraph(text),
                Choices((Button("Cancel the reminder", ActionRef(CANCEL, scheduled), "danger"),)),
            ),
        )
    ]


async def on_cancel(_services: Services, inbound: Inbound) -> list[Reply]:
    scheduled = inbound.action.value if inbound.action else ""
    if not scheduled:
        return [Reply("That reminder has already gone.")]
    text = "Cancelled: the reminder won't be sent."
    return [Reply(text, (Paragraph(text),), replaces=inbound.source_message, cancels=scheduled)]


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {REMIND: on_remind, SCHEDULED: on_scheduled, CANCEL: on_cancel}
