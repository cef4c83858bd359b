"""Help text and the answer to an unknown command."""

from __future__ import annotations

from functools import cache

from bot.commands import COMMANDS, Intent
from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import ActionRef, Button, Choices, Context, Heading, Inbound, Paragraph, Reply


@cache
def help_reply() -> Reply:
    lines = [f"`{usage}`: {what}" for usage, what in COMMANDS.values()]
    text = "Here is what I can do:\n" + "\n".join(f"- {line}" for line in lines)
    return Reply(
        text=text,
        blocks=(
            Heading("How I can help"),
            Paragraph("\n".join(f"• {line}" for line in lines)),
            Context("In a DM with me you can skip /deescalate, or just paste a draft to calm it down."),
            Choices((Button("Pick a situation", ActionRef("situation.menu"), "primary"),)),
        ),
        shared=True,
    )


async def show_help(_services: Services, _inbound: Inbound, _args: str) -> list[Reply]:
    return [help_reply()]


async def on_help_button(_services: Services, _inbound: Inbound) -> list[Reply]:
    return [help_reply()]


def unknown_reply(intent: Intent) -> Reply:
    said, _, rest = intent.args.partition(" ")
    hint = f" Did you mean `/deescalate {intent.suggestion}`?" if intent.suggestion else ""
    text = f"I don't know the command “{said[:40]}”.{hint}"
    buttons = [Button("Show all commands", ActionRef("help"))]
    if intent.suggestion:
        buttons.insert(
            0,
            Button(
                f"Yes, {intent.suggestion}",
                ActionRef("command", f"{intent.suggestion} {rest}"[:1900]),
                "primary",
            ),
        )
    return Reply(text=text, blocks=(Paragraph(text), Choices(tuple(buttons))))


COMMAND_HANDLERS: dict[str, CommandHandler] = {"help": show_help}
ACTION_HANDLERS: dict[str, ActionHandler] = {"help": on_help_button}
