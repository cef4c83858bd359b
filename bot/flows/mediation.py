"""Mediation for managers: a short form, the "don't handle this alone" route, a tailored interactive guide,
consent-based preparation invitations, and follow-up reminders.

Nothing the manager or anyone else types about the people or the conflict is stored: only the choices
picked from lists, ids and reminder times (bot.store.mediation).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.checklist import start_checklist
from bot.flows.mediation_guide import guide_replies
from bot.model import (
    ActionRef,
    Button,
    Choices,
    Context,
    Form,
    Heading,
    Inbound,
    InputField,
    Option,
    Paragraph,
    Reply,
    UserRef,
)

PLAN, INVITE, INVITE_SEND, ANSWER, CANCEL = (
    "mediate.plan",
    "mediate.invite",
    "mediate.invite.send",
    "mediate.answer",
    "mediate.cancel",
)
PEOPLE = (Option("2", "Two people"), Option("3-4", "Three or four"), Option("5+", "Five or more"))
DURATION = (
    Option("days", "A few days"),
    Option("weeks", "A few weeks"),
    Option("months", "Months"),
    Option("year", "A year or more"),
)
CONCERNS = (
    Option("none", "No"),
    Option("harassment", "Yes: harassment or bullying"),
    Option("discrimination", "Yes: discrimination"),
    Option("safety", "Yes: a threat or a safety risk"),
    Option("legal", "Yes: something that may be legal or a formal complaint"),
    Option("unsure", "I'm not sure"),
)
GOALS = (
    Option("agreement", "A working agreement between them"),
    Option("relationship", "Repair trust between them"),
    Option("roles", "Clear roles and priorities"),
    Option("understand", "First understand what is going on"),
)
FOLLOW_UPS = (
    Option("7,30", "After a week and after a month"),
    Option("14", "After two weeks"),
    Option("7,30,90", "After a week, a month and three months"),
    Option("none", "No reminders"),
)
SERIOUS = {"harassment", "discrimination", "safety", "legal"}
_MENTION = re.compile(r"<@([A-Za-z0-9._:-]+)(?:\|[^>]*)?>|@?([A-Za-z0-9._:-]+)")


async def request_form(services: Services, inbound: Inbound, _args: str = "") -> list[Reply]:
    """`/deescalate mediate`: the questions that shape the guide (choices only; no free text)."""
    if not allowed(services, inbound):
        return [_not_allowed()]
    catalog = services.library.catalog
    kinds = tuple(Option(c.id, c.name) for c in catalog.conflict_types if services.library.guide_for(c.id))
    settings = tuple(Option(s.id, s.name) for s in catalog.settings)
    form = Form(
        "Mediation guide",
        (
            InputField("conflict", "What is the conflict mostly about?", options=kinds),
            InputField("people", "How many people are involved?", options=PEOPLE),
            InputField(
                "setting",
                "Where do you work?",
                options=settings,
                initial=services.config.settings.default_setting,
            ),
            InputField("duration", "How long has it been going on?", options=DURATION),
            InputField(
                "concerns",
                "Has anyone raised harassment, discrimination, safety or legal concerns?",
                options=CONCERNS,
            ),
            InputField("goal", "What do you most want to reach?", options=GOALS),
            InputField("follow_up", "Remind me to follow up", options=FOLLOW_UPS),
        ),
        ActionRef(PLAN),
        submit_label="Get my guide",
    )
    text = "A few questions to fit the guide to your situation. I keep only your choices, never names."
    return [Reply(text, (Paragraph(text), form))]


async def on_plan(services: Services, inbound: Inbound) -> list[Reply]:
    """The submitted form (or the "HR has cleared it" button, which carries the same choices)."""
    if not allowed(services, inbound):
        return [_not_allowed()]
    answers = dict(inbound.form) or dict(parse_qsl(inbound.action.value if inbound.action else ""))
    choices = _valid_choices(services, answers)
    if choices is None:
        return await request_form(services, inbound)
    if choices["concerns"] in SERIOUS:
        return [_refer(services, choices)]
    guide = services.library.guide_for(choices["conflict"])
    assert guide is not None  # _valid_choices checked it
    days = [int(d) for d in choices["follow_up"].split(",") if d.isdigit()]
    case = await services.mediation.open_case(inbound.who, {**choices, "guide_id": guide.id}, days)
    return await guide_replies(services, inbound, guide, case, choices)


async def on_invite(_services: Services, inbound: Inbound) -> list[Reply]:
    """Ask whom to invite to a private preparation checklist."""
    case_id = inbound.action.value if inbound.action else ""
    field = InputField("person", "Who do you want to invite?", placeholder="@name", person=True)
    text = "They will be asked first. You will only learn whether they accepted, never what they write."
    return [
        Reply(
            text,
            (
                Paragraph(text),
                Form(
                    "Invite to prepare",
                    (field,),
                    ActionRef(INVITE_SEND, case_id),
                    submit_label="Send invitation",
                ),
            ),
        )
    ]


async def on_invite_send(services: Services, inbound: Inbound) -> list[Reply]:
    case = await services.mediation.case(inbound.action.value if inbound.action else "")
    if case is None or case.manager != inbound.who:
        return [Reply("That mediation has expired. Type /deescalate mediate to start again.")]
    target = mentioned_user(inbound.form.get("person", ""))
    if target is None or target == inbound.user:
        return [Reply("Please mention one person, e.g. @sam.")]
    invitee = UserRef(inbound.platform, inbound.workspace, target)
    invite = await services.mediation.invite(case, invitee)
    question = (
        "Your manager is preparing a conversation to help sort out a disagreement at work, and invites "
        "you to a short private preparation checklist first. It is just for you: nothing you think or "
        "write is shared with anyone or stored. Your manager will only learn whether you said yes or no."
    )
    ask = Reply(
        question,
        (
            Heading("An invitation to prepare"),
            Paragraph(question),
            Choices(
                (
                    Button("Yes, show me", ActionRef(ANSWER, f"{invite.id}:yes"), "primary"),
                    Button("No, thanks", ActionRef(ANSWER, f"{invite.id}:no")),
                )
            ),
        ),
        to=invitee,
    )
    sent = Reply("Invitation sent. I'll tell you only whether it is accepted or declined.")
    return [sent, ask]


async def on_answer(services: Services, inbound: Inbound) -> list[Reply]:
    """The invitee's yes or no: they get the checklist; the manager learns only the answer."""
    invite_id, _, answer = (inbound.action.value if inbound.action else "").partition(":")
    invite = await services.mediation.answer_invite(invite_id, inbound.who, accepted=answer == "yes")
    if invite is None:
        return [Reply("This invitation is no longer open.", replaces=inbound.source_message)]
    word = "accepted" if invite.status == "accepted" else "declined"
    notice = Reply(f"Your invitation to prepare was {word}.", to=invite.manager)
    if invite.status == "declined":
        return [Reply("No problem. Nothing was shared.", replaces=inbound.source_message), notice]
    return [*await start_checklist(services, inbound, "mediation-prep"), notice]


async def on_cancel(services: Services, inbound: Inbound) -> list[Reply]:
    cancelled = await services.mediation.cancel_followups(
        inbound.who, inbound.action.value if inbound.action else ""
    )
    text = (
        f"Done: {cancelled} follow-up reminder(s) cancelled."
        if cancelled
        else "There were no reminders left."
    )
    return [Reply(text)]


def allowed(services: Services, inbound: Inbound) -> bool:
    rules = services.config.settings.mediation
    if not rules.restricted:
        return True
    return inbound.user in rules.allowed_users or bool(inbound.groups & set(rules.allowed_groups))


def mentioned_user(text: str) -> str | None:
    """The user id in a platform mention (`<@U123|sam>`) or a typed `@sam`; None for zero or several."""
    found = [a or b for a, b in _MENTION.findall(text.strip())]
    return found[0] if len(found) == 1 else None


def choices_value(choices: dict[str, str]) -> str:
    """The structured choices as a button value (ids only), for the 'HR has cleared it' button."""
    return urlencode(choices)


def _valid_choices(services: Services, answers: dict[str, str]) -> dict[str, str] | None:
    catalog = services.library.catalog
    allowed_values = {
        "conflict": {c.id for c in catalog.conflict_types if services.library.guide_for(c.id)},
        "people": {o.value for o in PEOPLE},
        "setting": catalog.ids("settings"),
        "duration": {o.value for o in DURATION},
        "concerns": {o.value for o in CONCERNS} | {"cleared"},
        "goal": {o.value for o in GOALS},
        "follow_up": {o.value for o in FOLLOW_UPS},
    }
    choices = {key: answers.get(key, "") for key in allowed_values}
    return choices if all(choices[k] in values for k, values in allowed_values.items()) else None


def _refer(services: Services, choices: dict[str, str]) -> Reply:
    safety = services.config.settings.safety
    concern = next(o.label for o in CONCERNS if o.value == choices["concerns"]).removeprefix("Yes: ")
    contacts = [c for c in (safety.hr, safety.security if choices["concerns"] == "safety" else "") if c]
    if choices["concerns"] == "safety":
        contacts.insert(0, f"If anyone is in immediate danger, call {safety.emergency}.")
    text = (
        f"Don't handle this alone. When {concern} has been raised, mediation is not the right first step: "
        "it may need a formal process that protects everyone. Talk to HR before you do anything else."
    )
    cleared = choices_value({**choices, "concerns": "cleared"})
    return Reply(
        text + "\n" + "\n".join(contacts),
        (
            Heading("Don't handle this alone"),
            Paragraph(text),
            Paragraph("\n".join(f"• {c}" for c in contacts) or "• Contact your HR team."),
            Context("Don't promise anyone confidentiality, and don't start a joint meeting."),
            Choices((Button("HR has cleared it: show the guide", ActionRef(PLAN, cleared)),)),
        ),
    )


def _not_allowed() -> Reply:
    return Reply(
        "Mediation guides are limited to certain people here. If you manage a team and need one, ask your "
        "admin to add you. For anything about harassment, discrimination or safety, contact HR directly."
    )


COMMAND_HANDLERS: dict[str, CommandHandler] = {"mediate": request_form}
ACTION_HANDLERS: dict[str, ActionHandler] = {
    PLAN: on_plan,
    INVITE: on_invite,
    INVITE_SEND: on_invite_send,
    ANSWER: on_answer,
    CANCEL: on_cancel,
}
