"""The home screen (Slack's App Home tab): setting, lessons, quick actions and a plain privacy notice."""

from __future__ import annotations

from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.calm_draft import OPEN as CALM_OPEN
from bot.flows.lessons import USAGE as LESSONS_USAGE
from bot.flows.lessons import days_phrase, lesson_status, status_lines
from bot.model import ActionRef, Block, Button, Choices, Context, Divider, Heading, Inbound, Paragraph, Reply
from bot.scheduling.cards import schedule_button, toggle_button

OPEN = "home.open"
PRIVACY = (
    "*Privacy.* I store only your choices (your setting, which checklist steps you ticked, your lesson "
    "time, zone and progress) with your platform user id. I never store or log what you type or the "
    "messages you ask me about. "
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
                *(await _lessons(services, inbound) if features.lessons else ()),
                Divider(),
                Context(PRIVACY),
            ),
        )
    ]


async def _lessons(services: Services, inbound: Inbound) -> tuple[Block, ...]:
    """Daily lessons: on or off (with the button that switches), the next one, streak and progress."""
    status = await lesson_status(services, inbound.who, inbound.timezone)
    state, streak, progress = status_lines(status)
    if not status.subscribed:
        state += (
            f" Turn them on for a two-minute lesson by DM at {status.local_time} your time, "
            f"{days_phrase(status.weekdays_only)}."
        )
    return (
        Divider(),
        Heading("Daily lessons"),
        Paragraph(state),
        Paragraph(f"*Streak:* {streak}.\n*Progress:* {progress}"),
        Choices((toggle_button(status.subscribed), schedule_button())),
        Context(f"Change the time or days: {LESSONS_USAGE}"),
    )


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {OPEN: on_open}
