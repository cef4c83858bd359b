"""Golden Adaptive Cards for every reply type, and the 28 KB limit.

Regenerate after an intended change: UPDATE_GOLDEN=1 pytest tests/adapters/teams/test_golden.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.teams import extension
from adapters.teams.outbox import to_activity
from adapters.teams.render import MAX_CARD_BYTES, card_size, render_activity, render_card
from bot.core import Bot
from bot.model import ActionRef, Checklist, Form, InputField, Kind, Option, Reply, buttons_of
from tests.conftest import inbound

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "teams"
DRAFT = "Why is this STILL not done? I asked you three times. This is ridiculous."
FORM = Reply(
    "Tell me about the conflict",
    (
        Form(
            "About the conflict",
            (
                InputField("who", "Who is involved?", placeholder="Names or roles"),
                InputField("what", "What happened?", multiline=True),
                InputField(
                    "kind", "Mostly about", options=(Option("work", "The work"), Option("style", "Style"))
                ),
                InputField("note", "Anything else?", optional=True),
            ),
            ActionRef("mediate.form", "guide-1"),
            "Get my guide",
        ),
    ),
)


async def _dm(bot: Bot, text: str) -> Reply:
    return (await bot.handle(inbound(Kind.MESSAGE, text, is_dm=True)))[0]


async def _act(bot: Bot, action: ActionRef, **fields: Any) -> Reply:
    return (await bot.handle(inbound(Kind.ACTION, action=action, is_dm=True, source_message="m1", **fields)))[
        0
    ]


async def _checklist(bot: Bot, ticks: int) -> Reply:
    picker = await _dm(bot, "deescalate")
    reply = await _act(bot, buttons_of(picker)[0].action)
    for _ in range(ticks):
        item = next(b for b in reply.blocks if hasattr(b, "item_action"))
        reply = await _act(bot, item.item_action(item.items[0]))  # type: ignore[attr-defined]
    return reply


async def _done(bot: Bot) -> Reply:
    reply = await _checklist(bot, 1)
    done = next(b for b in buttons_of(reply) if b.action.name == "checklist.done")
    return await _act(bot, done.action)


async def _lesson_answer(bot: Bot) -> Reply:
    lesson = await _dm(bot, "lesson")
    return await _act(bot, buttons_of(lesson)[0].action)


async def _mediation_guide(bot: Bot) -> Reply:
    """Fill in the core's mediation form (first option of each choice) and submit it."""
    asked = await _dm(bot, "mediate")
    form = next(b for b in asked.blocks if isinstance(b, Form))
    answers = {f.id: f.options[0].value if f.options else "x" for f in form.fields if not f.optional}
    return await _act(bot, form.submit, form=answers)


async def _fixed(reply: Reply) -> Reply:
    return reply


REPLIES: dict[str, Callable[[Bot], Awaitable[Reply]]] = {
    "help": lambda bot: _dm(bot, "help"),
    "unknown_command": lambda bot: _dm(bot, "deescalate halp"),
    "situation_picker": lambda bot: _dm(bot, "deescalate"),
    "checklist": lambda bot: _checklist(bot, 0),
    "checklist_ticked": lambda bot: _checklist(bot, 1),
    "checklist_done": _done,
    "rewrite_report": lambda bot: _dm(bot, DRAFT),
    "safety": lambda bot: _dm(bot, "rewrite I am going to hurt him if he does that again"),
    "lesson": lambda bot: _dm(bot, "lesson"),
    "lesson_answer": _lesson_answer,
    "lessons_status": lambda bot: _dm(bot, "lessons progress"),
    "lessons_form": lambda bot: _act(bot, ActionRef("lessons.schedule")),
    "mediation_form": lambda bot: _dm(bot, "mediate"),
    "mediation_guide": _mediation_guide,
    "settings": lambda bot: _dm(bot, "settings"),
    "forget_confirm": lambda bot: _dm(bot, "forget me"),
    "form": lambda _bot: _fixed(FORM),
}


def _normalised(content: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """Checklist session ids are random: replace them with a fixed word."""
    text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True)
    sessions = {b.action.value for b in buttons_of(reply) if b.action.name == "checklist.done"}
    for block in reply.blocks:
        if isinstance(block, Checklist):
            sessions.update(block.toggle.value.rsplit(":", 1)[0].split(":"))
    for session in sorted(sessions, key=len, reverse=True):
        text = text.replace(session, "SESSION")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _check(name: str, content: dict[str, Any]) -> None:
    assert card_size(content) < MAX_CARD_BYTES, f"{name} is {card_size(content)} bytes"
    path = GOLDEN / f"{name}.json"
    text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == content, f"{name} differs from {path}"


@pytest.mark.parametrize("name", sorted(REPLIES))
async def test_reply_cards_match_their_golden_files(bot: Bot, name: str) -> None:
    reply = await REPLIES[name](bot)
    content = render_card(reply)
    assert content is not None and content["version"] == "1.5"
    _check(name, _normalised(content, reply))


async def test_extension_cards_match_their_golden_files(bot: Bot) -> None:
    report = await _dm(bot, DRAFT)
    _check(
        "extension_draft_dialog",
        extension.draft_dialog("Prefilled draft")["task"]["value"]["card"]["content"],
    )
    _check("extension_report_dialog", extension.report_dialog(report)["task"]["value"]["card"]["content"])
    preview = extension.preview("A calmer message.")["composeExtension"]["activityPreview"]
    _check("extension_preview", preview["attachments"][0]["content"])


def test_a_reply_without_blocks_is_plain_text() -> None:
    assert render_activity(Reply("Nothing was deleted.")) == {
        "type": "message",
        "text": "Nothing was deleted.",
        "textFormat": "plain",
    }


@pytest.mark.parametrize("name", sorted(REPLIES))
async def test_the_activity_sent_serialises_to_the_rendered_wire_shape(bot: Bot, name: str) -> None:
    reply = await REPLIES[name](bot)
    assert to_activity(reply).serialize() == render_activity(reply)
    plain = Reply(reply.text)
    assert to_activity(plain).serialize() == render_activity(plain)


def test_a_card_too_large_falls_back_to_text() -> None:
    from bot.model import Paragraph

    huge = Reply("fallback", tuple(Paragraph("x" * 1000) for _ in range(40)))
    assert render_card(huge) is None
    assert render_activity(huge)["text"] == "fallback"


def test_slack_style_bold_becomes_card_markdown() -> None:
    from adapters.teams.render import markdown

    assert markdown("*Try today:* breathe, 2*3") == "**Try today:** breathe, 2*3"
