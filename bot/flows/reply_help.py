"""Help me reply calmly: for a received message, what the sender may feel and need, and a reply outline.

The received text arrives in `Inbound.text`, is analysed in memory and is never stored or echoed back.
"""

from __future__ import annotations

from bot.errors import InputError
from bot.flows import ActionHandler, CommandHandler, Services
from bot.flows.rewrite import safety_reply
from bot.model import ActionRef, Button, Choices, Context, Heading, Inbound, Paragraph, Reply

HELP = "reply.help"
SITUATION = "about-to-reply"

# signal kind -> (what they may be feeling, what they may need)
_READINGS: dict[str, tuple[str, str]] = {
    "blame": ("blamed or let down", "to know someone takes their problem seriously"),
    "absolute": ("that this keeps happening", "to see the pattern acknowledged"),
    "frustration": ("frustrated", "progress, or at least a clear next step"),
    "bare_command": ("under pressure", "a clear yes, no or date"),
    "dismissive": ("unheard", "to feel listened to"),
    "contempt": ("disrespected", "respect and to be taken seriously"),
    "insult": ("angry", "to be heard before anything else"),
    "labelling": ("judged", "to be seen as more than the problem"),
    "passive_aggressive": ("annoyed but holding back", "a direct, honest conversation"),
    "sarcasm": ("exasperated", "a straight answer"),
    "loaded_question": ("let down and wanting answers", "a plain account of what happened and what next"),
    "condescension": ("impatient, as if they had explained it before", "a clear sign that the point landed"),
    "profanity": ("very upset", "time, and a calm answer"),
    "threat": ("cornered", "a way forward they can accept"),
    "pressure": ("rushed", "a realistic date, or help to meet this one"),
    "guilt_trip": ("overstretched and taken for granted", "their effort seen and a fair share of the load"),
    "shouting": ("upset and urgent", "to know it is being handled now"),
    "wording": ("on edge, though the words don't say it outright", "a calm, direct answer to their point"),
}
_OUTLINE = (
    "Acknowledge: name what they seem to feel (“I can see this has been frustrating”).",
    "Reflect: say back the core of their point in one sentence, without arguing.",
    "Ask or clarify: one open question about what would help most.",
    "Next step: a concrete action and when they'll hear from you.",
)


async def on_help(services: Services, inbound: Inbound) -> list[Reply]:
    try:
        report = services.engine.analyse(inbound.text)
    except InputError as exc:
        return [Reply(str(exc))]
    if report.safety is not None:
        return [safety_reply(report.safety, services.config.settings.safety, services.metrics)]
    readings = list(dict.fromkeys(_READINGS[s.kind] for s in report.signals if s.kind in _READINGS))[:3]
    if not readings:
        readings = [("fine, or hard to read from text", "a clear, friendly answer")]
    feel = "\n".join(f"• Maybe feeling {f}; may need {n}." for f, n in readings)
    outline = "\n".join(f"{i}. {step}" for i, step in enumerate(_OUTLINE, 1))
    text = f"What they may be feeling or needing:\n{feel}\nA calm reply could go:\n{outline}"
    blocks: list[Heading | Paragraph | Context | Choices] = [
        Heading("Help me reply calmly"),
        Paragraph(f"*What they may be feeling or needing* (a guess, not a verdict)\n{feel}"),
        Paragraph(f"*An active-listening reply*\n{outline}"),
        Context(
            f"Tension in their message: {report.level}. I don't keep their message or show it to anyone."
        ),
    ]
    if SITUATION in services.library.catalog.ids("situations"):
        blocks.append(
            Choices((Button("Open the checklist", ActionRef("situation.pick", SITUATION), "primary"),))
        )
    return [Reply(text, tuple(blocks))]


COMMAND_HANDLERS: dict[str, CommandHandler] = {}
ACTION_HANDLERS: dict[str, ActionHandler] = {HELP: on_help}
