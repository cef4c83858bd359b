"""The manager's mediation guide as an interactive checklist by phase, fitted to the request's choices.

Progress lives in a checklist session; the case (structured choices only) is re-read on every toggle, so
the guide always re-renders the same way and nothing typed is needed to draw it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import (
    ActionRef,
    Block,
    Button,
    Checklist,
    ChecklistItem,
    Choices,
    Context,
    Heading,
    Inbound,
    Paragraph,
    Reply,
)
from bot.playbooks import Agreement, Assess, FollowUp, GuidePhase, Joint, MediationGuide, Separate
from bot.ports import ChecklistState
from bot.store.mediation import Case

TOGGLE = "mediate.toggle"
PHASE_TITLES = {
    "assess": "1. Assess",
    "prepare": "2. Prepare",
    "separate": "3. Talk to each person alone",
    "joint": "4. The joint conversation",
    "agreement": "5. The agreement",
    "follow_up": "6. Follow up",
}


async def guide_replies(
    services: Services, inbound: Inbound, guide: MediationGuide, case: Case, choices: dict[str, str]
) -> list[Reply]:
    """The guide, led by a note on the concern answer (shown once: the answer itself is not stored)."""
    state = await services.store.start_checklist(inbound.who, f"guide:{guide.id}")
    guide_message = await guide_reply(services, guide, case, state)
    note = _concern_note(services, choices["concerns"])
    if not note:
        return [guide_message]
    return [
        replace(
            guide_message,
            text=f"{note}\n{guide_message.text}",
            blocks=(Paragraph(f"⚠️ {note}"), *guide_message.blocks),
        )
    ]


async def guide_reply(
    services: Services, guide: MediationGuide, case: Case, state: ChecklistState, replaces: str | None = None
) -> Reply:
    blocks: list[Block] = [Heading(guide.title), Paragraph(guide.summary)]
    for tip in tailoring(case):
        blocks.append(Context(tip))
    for name, phase in guide.phases():
        blocks.append(_phase_checklist(name, phase, case, state))
        extras = phase_extras(name, phase, case)
        if extras:
            blocks.append(Paragraph(extras))
    pending = await services.mediation.pending_followups(case.manager, case.id)
    buttons = [Button("Invite someone to prepare", ActionRef("mediate.invite", case.id), "primary")]
    if pending:
        buttons.append(Button("Cancel my follow-up reminders", ActionRef("mediate.cancel", case.id)))
    blocks.append(Choices(tuple(buttons)))
    reminders = (
        f"{pending} follow-up reminder(s) scheduled." if pending else "No follow-up reminders scheduled."
    )
    setting = services.setting_name(case.setting)
    blocks.append(Context(f"{reminders} Setting: {setting}. Based on: {'; '.join(guide.frameworks)}"))
    text = f"{guide.title}\n{guide.summary}\n" + "\n".join(
        f"{PHASE_TITLES[n]}: " + "; ".join(s.action for s in p.steps) for n, p in guide.phases()
    )
    return Reply(text, tuple(blocks), replaces=replaces)


async def on_toggle(services: Services, inbound: Inbound) -> list[Reply]:
    """Value "session:case:phase:step" flips a step; "session:case:phase" + form["checked"] sets a phase."""
    parts = (inbound.action.value if inbound.action else "").split(":")
    if len(parts) not in (3, 4):
        return [_expired()]
    session_id, case_id, phase = parts[:3]
    state = await services.store.checklist(session_id)
    case = await services.mediation.case(case_id)
    guide = services.library.guides.get(state.checklist_id.removeprefix("guide:")) if state else None
    if state is None or case is None or guide is None or state.owner != inbound.who:
        return [_expired()]
    wanted = _phase_ids(guide, phase)
    if len(parts) == 4:
        state = await services.store.set_checked(state.id, parts[3], parts[3] not in state.checked) or state
    else:
        checked = set(inbound.form.get("checked", "").split())
        for step_id in wanted:
            if (step_id in checked) != (step_id in state.checked):
                state = await services.store.set_checked(state.id, step_id, step_id in checked) or state
    return [await guide_reply(services, guide, case, state, replaces=inbound.source_message)]


def tailoring(case: Case) -> list[str]:
    """Notes that fit the guide to the number of people, how long it has gone on and the goal."""
    tips = []
    if case.people != "2":
        tips.append(
            "With more than two people, meet each one alone first, and consider asking HR or a trained "
            "mediator to run the joint session with you."
        )
    if case.duration in {"months", "year"}:
        tips.append(
            "A long-running conflict has history. Plan two private talks with each person before any joint "
            "meeting, and expect more than one joint session."
        )
    elif case.duration == "days":
        tips.append(
            "It is early. The private talks may settle it; hold the joint session only if they don't."
        )
    tips.append(
        {
            "agreement": "Your goal is a working agreement: spend most of the joint session on it.",
            "relationship": "Your goal is repair: in the joint session, ask each to say what they need, "
            "not what the other did.",
            "roles": "Your goal is clear roles: write down who owns what before you talk about feelings.",
            "understand": "Your goal is to understand first: start with the private talks and decide on a "
            "joint session afterwards.",
        }[case.goal]
    )
    return tips


def phase_extras(name: str, phase: GuidePhase, case: Case) -> str:
    """The scripts and templates that go with a phase."""
    if isinstance(phase, Assess):
        return "*Don't mediate; go to HR when:*\n" + _bullets(phase.refer_when)
    if isinstance(phase, Separate):
        return "*Ask each person, privately:*\n" + _bullets(phase.questions)
    if isinstance(phase, Joint):
        scripts = phase.scripts
        lines = [
            "*Agenda:*\n" + _bullets(phase.agenda),
            "*Ground rules:*\n" + _bullets(phase.ground_rules),
            f"*To open:* “{scripts.opening}”",
            "*From positions to interests:*\n" + _bullets(f"“{s}”" for s in scripts.interests),
            f"*If someone loses their temper:* “{scripts.outburst}”",
        ]
        if case.goal == "understand":
            lines.insert(0, "_Only if both people agree to meet._")
        return "\n".join(lines)
    if isinstance(phase, Agreement):
        return "*Agreement template:*\n" + _bullets(phase.template)
    if isinstance(phase, FollowUp):
        return "*Check-in questions:*\n" + _bullets(phase.checkin_questions)
    return ""


def _phase_checklist(name: str, phase: GuidePhase, case: Case, state: ChecklistState) -> Checklist:
    items = tuple(
        ChecklistItem(f"{name}-{s.id}", s.action, f"Why: {s.why}", f"{name}-{s.id}" in state.checked)
        for s in phase.steps
    )
    return Checklist(PHASE_TITLES[name], items, ActionRef(TOGGLE, f"{state.id}:{case.id}:{name}"))


def _phase_ids(guide: MediationGuide, phase: str) -> set[str]:
    return {f"{name}-{s.id}" for name, p in guide.phases() if name == phase for s in p.steps}


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def _concern_note(services: Services, concerns: str) -> str:
    hr = services.config.settings.safety.hr
    if concerns == "unsure":
        return f"You weren't sure whether a serious concern was raised. Ask HR before any joint talk. {hr}"
    if concerns == "cleared":
        return (
            "You said HR has cleared this for mediation. Stop and go back to HR if anything serious comes up."
        )
    return ""


def _expired() -> Reply:
    return Reply("That guide has expired. Type /deescalate mediate to start again.")


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {TOGGLE: on_toggle}
