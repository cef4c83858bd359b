"""Guided checklists: situation picker -> checklist -> tick items (updated in place) -> done screen.

State is a ChecklistState in the store, found by an opaque session id carried in action values.
"""

from __future__ import annotations

from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import (
    ActionRef,
    Button,
    Checklist,
    ChecklistItem,
    Choices,
    Context,
    Divider,
    Heading,
    Inbound,
    Paragraph,
    Reply,
)
from bot.playbooks import Checklist as ChecklistContent
from bot.playbooks import Step
from bot.ports import ChecklistState

PHASES = (("before", "Before you respond"), ("during", "While you talk"), ("after", "Afterwards"))
TOGGLE = "checklist.toggle"


async def picker(services: Services, inbound: Inbound, _args: str = "") -> list[Reply]:
    """The situations offered in the person's setting; one shared reply per setting."""
    setting = await services.setting_of(inbound.who)
    reply = services.shared_replies.get(("picker", setting))
    if reply is None:
        reply = services.shared_replies["picker", setting] = _picker(services, setting)
    return [reply]


def _picker(services: Services, setting: str) -> Reply:
    catalog = services.library.catalog
    offered = [s for s in catalog.situations if services.library.checklist_for(s.id, setting)]
    text = "What's going on? Pick the closest situation:\n" + "\n".join(f"- {s.name}" for s in offered)
    return Reply(
        text=text,
        blocks=(
            Heading("What's going on?"),
            Choices(tuple(Button(s.name, ActionRef("situation.pick", s.id)) for s in offered)),
            Context(
                f"Tips are tailored for: {services.setting_name(setting)}. "
                "Change with /deescalate settings."
            ),
        ),
        shared=True,
    )


async def on_pick(services: Services, inbound: Inbound) -> list[Reply]:
    return await start_checklist(services, inbound, inbound.action.value if inbound.action else "")


async def start_checklist(services: Services, inbound: Inbound, situation: str) -> list[Reply]:
    """A fresh checklist for this situation in the person's setting (the picker if there is none)."""
    setting = await services.setting_of(inbound.who)
    content = services.library.checklist_for(situation, setting)
    if content is None:
        return await picker(services, inbound)
    state = await services.store.start_checklist(inbound.who, content.id)
    return [checklist_reply(content, state, setting, replaces=inbound.source_message)]


async def on_toggle(services: Services, inbound: Inbound) -> list[Reply]:
    """Value "session:phase:step" flips one step; "session:phase" with form["checked"] sets a whole phase."""
    session_id, _, rest = (inbound.action.value if inbound.action else "").partition(":")
    phase, _, step_id = rest.partition(":")
    found = await _owned(services, inbound, session_id)
    if isinstance(found, Reply):
        return [found]
    state, content = found
    if step_id:
        state = await services.store.set_checked(state.id, step_id, step_id not in state.checked) or state
    else:
        wanted = set(inbound.form.get("checked", "").split())
        for step in (s for s in content.steps if s.phase == phase):
            if (step.id in wanted) != (step.id in state.checked):
                state = await services.store.set_checked(state.id, step.id, step.id in wanted) or state
    setting = await services.setting_of(inbound.who)
    return [checklist_reply(content, state, setting, replaces=inbound.source_message)]


async def on_done(services: Services, inbound: Inbound) -> list[Reply]:
    found = await _owned(services, inbound, inbound.action.value if inbound.action else "")
    if isinstance(found, Reply):
        return [found]
    state, content = found
    await services.store.finish_checklist(state.id)
    ticked = len(state.checked & {s.id for s in content.steps})
    text = f"Well done. You worked through {ticked} of {len(content.steps)} steps. {content.reflection}"
    return [
        Reply(
            text=text,
            blocks=(
                Heading("Well done"),
                Paragraph(f"You worked through {ticked} of {len(content.steps)} steps."),
                Paragraph(f"A moment to reflect: {content.reflection}"),
                Context("Just for you to think about: I don't ask for or keep your answer."),
                Choices((Button("Another situation", ActionRef("situation.menu")),)),
            ),
            replaces=inbound.source_message,
        )
    ]


async def on_menu(services: Services, inbound: Inbound) -> list[Reply]:
    return await picker(services, inbound)


async def _owned(
    services: Services, inbound: Inbound, session_id: str
) -> tuple[ChecklistState, ChecklistContent] | Reply:
    state = await services.store.checklist(session_id)
    content = services.library.checklists.get(state.checklist_id) if state else None
    if state is None or content is None:
        return Reply("That checklist has expired. Type /deescalate to start a new one.")
    if state.owner != inbound.who:
        return Reply("That checklist belongs to someone else. Type /deescalate to start your own.")
    return state, content


def checklist_reply(
    content: ChecklistContent, state: ChecklistState, setting: str, replaces: str | None
) -> Reply:
    """The checklist with its steps grouped by phase and the person's ticks."""
    blocks: list[Heading | Paragraph | Checklist | Divider | Context | Choices] = [
        Heading(content.title),
        Paragraph(content.summary),
    ]
    lines = [content.title, content.summary]
    for phase, label in PHASES:
        steps = [s for s in content.steps if s.phase == phase]
        if not steps:
            continue
        items = tuple(
            ChecklistItem(s.id, s.action, _detail(s, setting), s.id in state.checked) for s in steps
        )
        blocks.append(Checklist(label, items, ActionRef(TOGGLE, f"{state.id}:{phase}")))
        lines.append(f"{label}:")
        lines.extend(f"[{'x' if i.checked else ' '}] {i.text}" for i in items)
    done = len(state.checked & {s.id for s in content.steps})
    blocks += [
        Context(f"{done} of {len(content.steps)} done · Based on: {'; '.join(content.frameworks)}"),
        Choices(
            (
                Button("I'm done", ActionRef("checklist.done", state.id), "primary"),
                Button("Another situation", ActionRef("situation.menu")),
            )
        ),
    ]
    return Reply(text="\n".join(lines), blocks=tuple(blocks), replaces=replaces)


def _detail(step: Step, setting: str) -> str:
    say = step.say_by_setting.get(setting, step.say)
    return f"Say: {say}\nAvoid: {step.avoid}\nWhy: {step.why}"


COMMAND_HANDLERS: dict[str, CommandHandler] = {"": picker}
ACTION_HANDLERS: dict[str, ActionHandler] = {
    "situation.pick": on_pick,
    "situation.menu": on_menu,
    TOGGLE: on_toggle,
    "checklist.done": on_done,
}
