"""Rewrite a tense draft: what made it tense and why, a calmer version, the other styles as buttons.

The draft itself is never stored: it travels only inside this reply and the style buttons' values,
which the platform holds for the person.
"""

from __future__ import annotations

from bot.errors import InputError
from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.cooloff import remind_button
from bot.flows.draft_value import MAX_BUTTON_VALUE, read_style_value, style_value, unreadable_button
from bot.model import ActionRef, Button, Choices, Context, Heading, Inbound, Paragraph, Quote, Reply
from bot.ports import Metrics
from bot.settings import SafetyResources
from bot.tone import STYLES, RewriteResult, SafetyHit, Style, ToneReport

STYLE_NAMES: dict[str, str] = {
    "calm": "Calm",
    "warm": "Warm",
    "concise": "Concise",
    "coach": "Coach me (keep my words)",
}


async def rewrite_command(services: Services, inbound: Inbound, args: str) -> list[Reply]:
    if not args.strip():
        text = "Paste your draft after the command, e.g. `/deescalate rewrite I need this today`."
        return [Reply(text)]
    return await rewrite_replies(services, args, "calm", can_schedule=inbound.can_schedule)


async def on_style(services: Services, inbound: Inbound) -> list[Reply]:
    parsed = read_style_value(inbound)
    if parsed is None:
        return [unreadable_button()]
    style, draft = parsed
    return await rewrite_replies(
        services, draft, style, replaces=inbound.source_message, can_schedule=inbound.can_schedule
    )


async def rewrite_replies(
    services: Services, draft: str, style: Style, replaces: str | None = None, *, can_schedule: bool = False
) -> list[Reply]:
    """The full report for one draft in one style; the safety route comes first when it applies.

    "Remind me in 10 minutes" is offered only where the platform can hold the message for us.
    """
    try:
        report = services.engine.analyse(draft)
    except InputError as exc:
        return [Reply(str(exc))]
    if report.safety is not None:
        return [safety_reply(report.safety, services.config.settings.safety, services.metrics)]
    result = await services.rewriter.rewrite(draft, style)
    services.metrics.count("rewrites", engine=engine_used(services, result))
    if result.unchanged:
        return [unchanged_reply(report, result, replaces)]
    blocks: list[Heading | Paragraph | Quote | Context | Choices] = [Heading(f"{STYLE_NAMES[style]} version")]
    blocks.append(Quote(result.text))
    if report.signals:
        blocks.append(Paragraph("*What made it tense*\n" + _explained(report)))
    if result.notes:
        blocks.append(Paragraph("*To fix*\n" + "\n".join(f"• {n}" for n in result.notes)))
    blocks.append(
        Context(
            f"Tension {result.tension_before:.0%} → {result.tension_after:.0%} · "
            f"{len(result.changes)} change(s) · "
            f"engine: {result.engine} · only you can see this"
        )
    )
    others = [s for s in STYLES if s != style]
    value = {s: style_value(s, draft) for s in STYLES}
    if all(len(value[s]) <= MAX_BUTTON_VALUE for s in others):
        blocks.append(
            Choices(
                tuple(Button(STYLE_NAMES[s], ActionRef("rewrite.style", value[s])) for s in others),
                prompt="Other styles:",
            )
        )
    if can_schedule and len(value[style]) <= MAX_BUTTON_VALUE:
        blocks.append(Choices((remind_button(style, draft),), prompt="Not ready to send?"))
    text = f"{STYLE_NAMES[style]} version:\n{result.text}"
    return [Reply(text, tuple(blocks), replaces=replaces)]


def unchanged_reply(report: ToneReport, result: RewriteResult, replaces: str | None) -> Reply:
    """No rewrite: a draft that reads fine (with the small things its report still names, if any), or one
    the engine could not rewrite safely, with what to change by hand."""
    if report.level == "calm":
        note = result.notes[0] if result.notes else "This reads fine as it is."
        blocks = [Paragraph(f"✅ {note}")]
        if report.signals:  # a bare order, a curt question: calm, but worth a word
            blocks.append(Paragraph("*Small things, if you like*\n" + _explained(report, why=False)))
    else:
        note = "No safe automatic rewrite this time. Here is what to change by hand:"
        blocks = [Paragraph(f"{note}\n{_explained(report)}")]
    return Reply("\n".join(b.text for b in blocks), tuple(blocks), replaces=replaces)


def _explained(report: ToneReport, *, why: bool = True) -> str:
    """The report's signals as a list: the words, why they land (optional) and what to try instead."""
    return "\n".join(
        f"• “{s.text}”: {s.why + ' ' if why else ''}Try: {s.suggestion}" for s in report.signals[:8]
    )


_CONTACTS = {
    "self_harm": ("emergency", "eap"),
    "violence": ("emergency", "security", "hr"),
    "harassment": ("hr", "eap"),
}


def engine_used(services: Services, result: RewriteResult) -> str:
    """offline, llm, or fallback (the LLM was asked for but the offline rewrite answered)."""
    if result.engine == "offline" and not result.unchanged and services.config.settings.engine.kind == "llm":
        return "fallback"
    return result.engine


def safety_reply(hit: SafetyHit, resources: SafetyResources, metrics: Metrics | None = None) -> Reply:
    """Resources first, no rewrite and no counselling."""
    if metrics is not None:
        metrics.count("safety_route", kind=hit.kind)
    opening = {
        "self_harm": "It sounds like you might be going through something really hard. You don't have to "
        "handle it alone: please reach out to someone now.",
        "violence": "This message talks about hurting someone. I won't polish it. If anyone is in danger, "
        "get help now.",
        "harassment": "It sounds like you may be dealing with harassment or unfair treatment. That deserves "
        "real support, not a rewrite.",
    }[hit.kind]
    lines = [
        f"If anyone is in immediate danger, call {resources.emergency}." if field == "emergency" else value
        for field in _CONTACTS[hit.kind]
        if (value := getattr(resources, field))
    ]
    text = opening + "\n" + "\n".join(lines)
    return Reply(
        text,
        (
            Heading("Please reach out"),
            Paragraph(opening),
            Paragraph("\n".join(f"• {x}" for x in lines)),
            Context("I don't keep anything about this message."),
        ),
    )


COMMAND_HANDLERS: dict[str, CommandHandler] = {"rewrite": rewrite_command}
ACTION_HANDLERS: dict[str, ActionHandler] = {"rewrite.style": on_style}
