"""The home screen (Slack's App Home tab): setting, lessons, quick actions and a plain privacy notice."""

from __future__ import annotations

from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.calm_draft import OPEN as CALM_OPEN
from bot.model import ActionRef, Button, Choices, Context, Divider, Heading, Inbound, Paragraph, Reply

OPEN = "home.open"
PRIVACY = (
    "*Privacy.* I store only your choices (your setting, which checklist steps you ticked) with your "
    "platform user id. I never store or log what you type or the messages you ask me about. "
    "`/deescalate forget me` deletes everything I keep about you; uninstalling deletes the workspace's data."
)


async def on_open(services: Services, inbound: Inbound) -> list[Reply]:
    features = services.config.settings.features
    setting = await services.setting_of(inbound.who)
    actions = (
        [Button("Pick a situation", ActionRef("situation.menu"), "primary")] if features.checklists else []
    )
    if features.rewrite:
        actions.append(Button("Calm a draft", ActionRef(CALM_OPEN)))
    if features.lessons:
        actions.append(Button("Today's lesson", ActionRef("lesson.show")))
    if features.mediation:
        actions.append(Button("Mediation guide", ActionRef("command", "mediate")))
    lessons = (
        "*Lessons.* A two-minute lesson with a one-question quiz, whenever you ask. "
        "Daily lesson DMs at your own time are coming; for now type `/deescalate lesson`."
    )
    text = f"De-escalation coach. Your setting: {services.setting_name(setting)}."
    return [
        Reply(
            text,
            (
                Heading("De-escalation coach"),
                Paragraph(
                    "Help in tense moments, privately: a checklist to follow now, a calmer draft, a lesson."
                ),
                Choices(tuple(actions), prompt="Quick actions"),
                Divider(),
                Paragraph(f"*Your setting:* {services.setting_name(setting)}"),
                Choices((Button("Change setting", ActionRef("command", "settings")),)),
                Paragraph(lessons),
                Divider(),
                Context(PRIVACY),
            ),
        )
    ]


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {OPEN: on_open}
