"""Reply -> Adaptive Card 1.5 (and the Bot Framework activity around it): pure functions, no I/O.

Every button and checklist item becomes an `Action.Submit` whose data carries the core's ActionRef under
the `deescalate` key; form inputs are merged next to it by the Teams client. A card that would exceed
MAX_CARD_BYTES falls back to the reply's plain text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.model import (
    ActionRef,
    Block,
    Button,
    Checklist,
    ChecklistItem,
    Choices,
    Context,
    Divider,
    Form,
    Heading,
    InputField,
    Paragraph,
    Quote,
    Reply,
)

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
ACTION_KEY = "deescalate"
MAX_CARD_BYTES = 28_000  # Teams accepts about 28 KB of card per message
_STYLE = {"primary": "positive", "danger": "destructive"}
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")

Json = dict[str, Any]


def action_data(action: ActionRef) -> Json:
    """The Action.Submit data for one ActionRef."""
    return {ACTION_KEY: {"name": action.name, "value": action.value}}


def submit(title: str, action: ActionRef, style: str = "default") -> Json:
    """An Action.Submit button carrying an ActionRef."""
    out: Json = {"type": "Action.Submit", "title": title, "data": action_data(action)}
    if style in _STYLE:
        out["style"] = _STYLE[style]
    return out


def card(body: list[Json], fallback: str) -> Json:
    """An Adaptive Card 1.5 around `body`."""
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "fallbackText": fallback[:500],
        "msteams": {"width": "Full"},
    }


def render_card(reply: Reply) -> Json | None:
    """The Adaptive Card for a reply, or None when it has no blocks or would be too large."""
    if not reply.blocks:
        return None
    body: list[Json] = []
    separate = False
    for block in reply.blocks:
        if isinstance(block, Divider):
            separate = True
            continue
        elements = render_block(block)
        if elements and separate:
            elements[0] = {**elements[0], "separator": True, "spacing": "Medium"}
            separate = False
        body.extend(elements)
    built = card(body, reply.text)
    return built if card_size(built) <= MAX_CARD_BYTES else None


def card_size(content: Json) -> int:
    """Bytes of a card as sent on the wire (UTF-8 JSON)."""
    return len(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def attachment(content: Json) -> Json:
    """A card wrapped as a Bot Framework attachment."""
    return {"contentType": CARD_TYPE, "content": content}


def render_activity(reply: Reply) -> Json:
    """The message activity (wire shape) for a reply: a card with a summary, or plain text."""
    content = render_card(reply)
    if content is None:
        return {"type": "message", "text": reply.text, "textFormat": "plain"}
    summary = reply.text.strip().split("\n", 1)[0][:120]
    return {"type": "message", "summary": summary, "attachments": [attachment(content)]}


def render_block(block: Block) -> list[Json]:
    """One neutral block as Adaptive Card elements."""
    if isinstance(block, Heading):
        return [_text(block.text, size="Medium", weight="Bolder")]
    if isinstance(block, Paragraph):
        return _lines(block.text)
    if isinstance(block, Quote):
        return [{"type": "Container", "style": "emphasis", "items": _lines(block.text)}]
    if isinstance(block, Context):
        return [_text(block.text, size="Small", isSubtle=True)]
    if isinstance(block, Checklist):
        return _checklist(block)
    if isinstance(block, Choices):
        return _choices(block)
    if isinstance(block, Form):
        return _form(block)
    return []


def markdown(text: str) -> str:
    """The core's *bold* (Slack-style) as Adaptive Card markdown **bold**."""
    return _BOLD.sub(r"**\1**", text)


def _text(text: str, **style: object) -> Json:
    return {"type": "TextBlock", "text": markdown(text), "wrap": True, **style}


def _lines(text: str) -> list[Json]:
    """One TextBlock per line, so bullets keep their own lines on every Teams client."""
    lines = [line for line in text.split("\n") if line.strip()] or [text]
    return [_text(line) if i == 0 else _text(line, spacing="None") for i, line in enumerate(lines)]


def _checklist(block: Checklist) -> list[Json]:
    elements: list[Json] = [_text(block.title, weight="Bolder", spacing="Medium")]
    elements.extend(_item(block, item) for item in block.items)
    return elements


def _item(block: Checklist, item: ChecklistItem) -> Json:
    """One item as a row that toggles itself when selected."""
    mark = "☑" if item.checked else "☐"
    details = [_text(item.text, weight="Bolder" if not item.checked else "Default")]
    if item.detail:
        details.extend({**line, "size": "Small", "isSubtle": True} for line in _lines(item.detail))
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "auto", "items": [_text(mark, size="Large")]},
            {"type": "Column", "width": "stretch", "items": details},
        ],
        "selectAction": {
            "type": "Action.Submit",
            "title": f"Mark “{item.text[:60]}” as {'not done' if item.checked else 'done'}",
            "data": action_data(block.item_action(item)),
        },
        "spacing": "Small",
    }


def _choices(block: Choices) -> list[Json]:
    elements: list[Json] = [_text(block.prompt, weight="Bolder")] if block.prompt else []
    if block.buttons:
        elements.append({"type": "ActionSet", "actions": [_button(b) for b in block.buttons]})
    return elements


def _button(button: Button) -> Json:
    return submit(button.label, button.action, button.style)


def _form(block: Form) -> list[Json]:
    elements: list[Json] = [_text(block.title, weight="Bolder")]
    elements.extend(_input(f) for f in block.fields)
    elements.append({"type": "ActionSet", "actions": [submit(block.submit_label, block.submit, "primary")]})
    return elements


def _input(field: InputField) -> Json:
    common: Json = {"id": field.id, "label": field.label, "isRequired": not field.optional}
    if not field.optional:
        common["errorMessage"] = f"{field.label} is needed."
    if field.person:  # Teams' people picker: the submitted value is the person's Entra object id
        return {
            "type": "Input.ChoiceSet",
            **common,
            "choices": [],
            "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
        }
    if field.options:
        return {
            "type": "Input.ChoiceSet",
            **common,
            "style": "compact",
            "value": field.initial,
            "choices": [{"title": o.label, "value": o.value} for o in field.options],
        }
    return {
        "type": "Input.Text",
        **common,
        "isMultiline": field.multiline,
        "placeholder": field.placeholder,
        "value": field.initial,
        "maxLength": 4000,
    }
