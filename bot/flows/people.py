"""A person's own choices: their setting, and deleting everything stored about them."""

from __future__ import annotations

from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import ActionRef, Button, Choices, Context, Heading, Inbound, Paragraph, Reply
from bot.ports import Preferences


async def show_settings(services: Services, inbound: Inbound, _args: str = "") -> list[Reply]:
    current = await services.setting_of(inbound.who)
    settings = services.library.catalog.settings
    text = f"Your tips are tailored for: {services.setting_name(current)}. Pick another:\n" + "\n".join(
        f"- {s.name}" for s in settings
    )
    return [
        Reply(
            text=text,
            blocks=(
                Heading("Your setting"),
                Paragraph(f"Checklists and lessons are tailored for: *{services.setting_name(current)}*."),
                Choices(
                    tuple(
                        Button(
                            s.name,
                            ActionRef("setting.pick", s.id),
                            "primary" if s.id == current else "default",
                        )
                        for s in settings
                    ),
                    prompt="Pick the one closest to your work:",
                ),
            ),
        )
    ]


async def on_setting_pick(services: Services, inbound: Inbound) -> list[Reply]:
    setting = inbound.action.value if inbound.action else ""
    if setting not in services.library.catalog.ids("settings"):
        return await show_settings(services, inbound)
    await services.store.save_preferences(inbound.who, Preferences(setting=setting))
    text = f"Done. Your tips are now tailored for: {services.setting_name(setting)}."
    return [
        Reply(
            text,
            (Paragraph(text), Choices((Button("Pick a situation", ActionRef("situation.menu")),))),
            replaces=inbound.source_message,
        )
    ]


async def forget_me(_services: Services, _inbound: Inbound, args: str) -> list[Reply]:
    if args.strip().lower() not in {"me", "me please", ""}:
        return [Reply("To delete everything stored about you, type `/deescalate forget me`.")]
    text = "Delete everything I store about you (your setting, checklist progress and lesson settings)?"
    return [
        Reply(
            text,
            (
                Paragraph(text),
                Context("I never store what you type. This removes the choices and progress I keep."),
                Choices(
                    (
                        Button("Yes, delete it", ActionRef("forget.confirm"), "danger"),
                        Button("Cancel", ActionRef("forget.cancel")),
                    )
                ),
            ),
        )
    ]


async def on_forget_confirm(services: Services, inbound: Inbound) -> list[Reply]:
    await services.store.forget(inbound.who)
    text = "Done: everything I stored about you is deleted. If you use me again I start fresh."
    return [Reply(text, (Paragraph(text),), replaces=inbound.source_message)]


async def on_forget_cancel(_services: Services, inbound: Inbound) -> list[Reply]:
    return [Reply("Nothing was deleted.", replaces=inbound.source_message)]


COMMAND_HANDLERS: dict[str, CommandHandler] = {"settings": show_settings, "forget": forget_me}
ACTION_HANDLERS: dict[str, ActionHandler] = {
    "setting.pick": on_setting_pick,
    "forget.confirm": on_forget_confirm,
    "forget.cancel": on_forget_cancel,
}
