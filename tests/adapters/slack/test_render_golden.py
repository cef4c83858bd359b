"""Golden Block Kit for every kind of reply the core gives, checked against Block Kit's limits.

Regenerate after an intended change with: UPDATE_GOLDEN=1 pytest tests/adapters/slack/test_render_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import render
from bot.core import Bot
from bot.model import SCHEDULED, ActionRef, Inbound, Kind, Reply

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "slack"
DRAFT = "Why haven't you sent the report yet?? This is ridiculous, I need it NOW."
RECEIVED = "This is the THIRD time you've ignored my request. Totally unacceptable!!"


def _in(kind: Kind, text: str = "", action: ActionRef | None = None, **form: str) -> Inbound:
    return Inbound(
        "slack",
        "T1",
        "U1",
        "C1",
        False,
        kind,
        text,
        action,
        form=form,
        source_message="1.2",
        can_schedule=True,
    )


async def _cases(bot: Bot) -> dict[str, tuple[Reply, str]]:
    """name -> (reply, how it is shown: message | modal | home)."""

    async def one(inbound: Inbound) -> Reply:
        return (await bot.handle(inbound))[0]

    checklist = await one(_in(Kind.ACTION, action=ActionRef("situation.pick", "angry-with-me")))
    session = next(b.toggle.value for b in checklist.blocks if hasattr(b, "toggle")).split(":")[0]
    return {
        "picker": (await one(_in(Kind.COMMAND, "/deescalate")), "message"),
        "checklist": (checklist, "message"),
        "checklist_done": (
            await one(_in(Kind.ACTION, action=ActionRef("checklist.done", session))),
            "message",
        ),
        "rewrite": (await one(_in(Kind.COMMAND, f"/deescalate rewrite {DRAFT}")), "message"),
        "rewrite_modal": (await one(_in(Kind.ACTION, action=ActionRef("calm.submit"), draft=DRAFT)), "modal"),
        "calm_form": (await one(_in(Kind.ACTION, action=ActionRef("calm.open"))), "modal"),
        "safety": (await one(_in(Kind.COMMAND, "/deescalate rewrite I want to kill myself")), "message"),
        "lesson": (await one(_in(Kind.COMMAND, "/deescalate lesson")), "message"),
        "lesson_answer": (
            await one(_in(Kind.ACTION, action=ActionRef("lesson.answer", _first_lesson(bot)))),
            "message",
        ),
        "mediation_picker": (await one(_in(Kind.COMMAND, "/deescalate mediate")), "message"),
        "mediation_guide": (
            await one(_in(Kind.ACTION, action=ActionRef("mediate.pick", "workload"))),
            "message",
        ),
        "settings": (await one(_in(Kind.COMMAND, "/deescalate settings")), "message"),
        "forget": (await one(_in(Kind.COMMAND, "/deescalate forget me")), "message"),
        "help": (await one(_in(Kind.COMMAND, "/deescalate help")), "message"),
        "unknown": (await one(_in(Kind.COMMAND, "/deescalate lessson")), "message"),
        "reply_help": (await one(_in(Kind.ACTION, RECEIVED, ActionRef("reply.help"))), "message"),
        "scheduled": (await one(_in(Kind.ACTION, action=ActionRef(SCHEDULED, "D1:Q1"))), "message"),
        "home": (await one(_in(Kind.ACTION, action=ActionRef("home.open"))), "home"),
        "lessons_status": (await one(_in(Kind.COMMAND, "/deescalate lessons progress")), "message"),
        "lessons_form": (await one(_in(Kind.ACTION, action=ActionRef("lessons.schedule"))), "modal"),
    }


def _first_lesson(bot: Bot) -> str:
    return f"{bot.services.library.lessons[0].id}:0"


def _draw(reply: Reply, how: str) -> dict[str, Any]:
    if how == "modal":
        return render.modal(reply)
    if how == "home":
        return render.home(reply)
    return render.message(reply)


def _normalise(drawn: dict[str, Any]) -> dict[str, Any]:
    """Session ids are random: replace them with a fixed marker."""
    text = json.dumps(drawn, ensure_ascii=False, indent=1, sort_keys=True)
    text = re.sub(r'"(block_id|value)": "[A-Za-z0-9_-]{16}(?=[:"~])', r'"\1": "SESSION', text)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def check_limits(view: dict[str, Any]) -> list[str]:
    """Every Block Kit limit the renderer promises to keep."""
    problems = []
    blocks = view.get("blocks", [])
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks")
    for block in blocks:
        if block["type"] == "section" and len(block["text"]["text"]) > 3000:
            problems.append("section text over 3000")
        if block["type"] == "header" and len(block["text"]["text"]) > 150:
            problems.append("header over 150")
        for element in block.get("elements", []):
            if element.get("type") == "button":
                if len(element["text"]["text"]) > 75:
                    problems.append(f"button text over 75: {element['text']['text']}")
                if len(element.get("value", "")) > 2000:
                    problems.append("button value over 2000")
            if element.get("type") == "checkboxes":
                if len(element["options"]) > 10:
                    problems.append("more than 10 checkbox options")
                problems += [
                    f"option over 75: {o['text']['text']}"
                    for o in element["options"]
                    if len(o["text"]["text"]) > 75
                ]
            if element.get("type") == "mrkdwn" and len(element["text"]) > 3000:
                problems.append("context text over 3000")
        if len(block.get("block_id", "")) > 255:
            problems.append("block_id over 255")
    if view.get("type") == "modal" and len(view["title"]["text"]) > 24:
        problems.append("modal title over 24")
    return problems


async def test_golden_block_kit_for_every_reply(bot: Bot) -> None:
    cases = await _cases(bot)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, (reply, how) in cases.items():
        drawn = _normalise(_draw(reply, how))
        assert check_limits(drawn) == [], name
        path = GOLDEN / f"{name}.json"
        if os.environ.get("UPDATE_GOLDEN") or not path.exists():
            path.write_text(
                json.dumps(drawn, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
        assert drawn == json.loads(path.read_text(encoding="utf-8")), f"{name} differs from {path}"


@pytest.mark.parametrize("size", [1, 10, 11, 25])
def test_long_checklists_split_into_groups_of_ten(size: int) -> None:
    from bot.model import Checklist, ChecklistItem

    items = tuple(ChecklistItem(f"s{i}", "x" * 200, "Say: " + "y" * 200, i % 2 == 0) for i in range(size))
    drawn = render.message(Reply("t", (Checklist("T", items, ActionRef("checklist.toggle", "S:during")),)))
    assert check_limits(drawn) == []
    groups = [b for b in drawn["blocks"] if b["type"] == "actions"]
    assert sum(len(g["elements"][0]["options"]) for g in groups) == size
    assert all(g["block_id"].startswith("S:during~") for g in groups)


def test_huge_text_stays_within_limits() -> None:
    from bot.model import Paragraph, Quote

    huge = Reply("t" * 50_000, (Paragraph("a <b> & c\n" * 2000), Quote("q" * 9000)) + (Paragraph("p"),) * 60)
    drawn = render.message(huge)
    assert check_limits(drawn) == [] and len(drawn["text"]) <= 3000


def test_escaping_keeps_mentions_and_links() -> None:
    assert render.escape("a < b & <@U1> <https://x.test|x> <!here>") == (
        "a &lt; b &amp; <@U1> <https://x.test|x> <!here>"
    )
