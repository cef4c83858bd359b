"""Reply -> numbered plain text for a terminal: the simplest renderer of all.

Every checklist item and every button gets a number; typing the number does what clicking would.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from bot.model import (
    ActionRef,
    Checklist,
    Choices,
    Context,
    Divider,
    Form,
    Heading,
    Paragraph,
    Quote,
    Reply,
)

WIDTH = 88


@dataclass
class Rendered:
    text: str
    actions: list[ActionRef] = field(default_factory=list)  # actions[n - 1] is what typing n does
    form: Form | None = None


def render(reply: Reply) -> Rendered:
    """Draw every block; blocks with nothing to draw fall back to the reply's plain text."""
    out = Rendered(text="")
    lines: list[str] = []
    for block in reply.blocks:
        lines.extend(_block(block, out))
    out.text = "\n".join(lines) if lines else _wrap(reply.text)
    return out


def _block(block: object, out: Rendered) -> list[str]:
    if isinstance(block, Heading):
        return ["", f"== {block.text} =="]
    if isinstance(block, Paragraph):
        return [_wrap(block.text.replace("*", ""))]
    if isinstance(block, Quote):
        return [textwrap.indent(_wrap(block.text, WIDTH - 2), "> ")]
    if isinstance(block, Divider):
        return ["-" * 40]
    if isinstance(block, Context):
        return [_wrap(f"({block.text})")]
    if isinstance(block, Checklist):
        return _checklist(block, out)
    if isinstance(block, Choices):
        return _choices(block, out)
    if isinstance(block, Form):
        out.form = block
        return [f"{block.title}: answer the questions below."]
    return []


def _checklist(block: Checklist, out: Rendered) -> list[str]:
    lines = [f"{block.title}:"]
    for item in block.items:
        out.actions.append(block.item_action(item))
        lines.append(f"  {len(out.actions)}. [{'x' if item.checked else ' '}] {item.text}")
        if item.detail:
            lines.append(textwrap.indent(item.detail, " " * 9))
    return lines


def _choices(block: Choices, out: Rendered) -> list[str]:
    lines = [block.prompt] if block.prompt else []
    for button in block.buttons:
        out.actions.append(button.action)
        lines.append(f"  {len(out.actions)}) {button.label}")
    return lines


def _wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(textwrap.fill(p, width) if p.strip() else p for p in text.split("\n"))
