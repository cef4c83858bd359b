"""Reply -> Block Kit, as pure functions: messages, ephemeral responses, modals and the App Home view.

Limits honoured here: at most 50 blocks, section text 3000, header 150, button text 75, button value
2000, 10 options per checkbox group, modal title and submit 24 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from bot.model import (
    Block,
    Button,
    Checklist,
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

JsonDict = dict[str, Any]
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000
MAX_OPTIONS = 10
MAX_TITLE = 24
MAX_FALLBACK = 3000
GROUP_SEP = "~"  # block_id of a checklist group: "<toggle value>~<n>"
ACTION_SEP = "#"  # action_id of a button: "<action name>#<n>" (unique within its block)


T = TypeVar("T")


class KeptRenders(Generic[T]):
    """`render(reply)`, made once per Reply object while it is sent or shown many times (a lesson fan-out,
    the shared picker). Found by identity: the Reply is kept with its rendering, so its id cannot be reused
    meanwhile; all are dropped once `size` are held."""

    def __init__(self, render: Callable[[Reply], T], size: int) -> None:
        self._render = render
        self._size = size
        self._kept: dict[int, tuple[Reply, T]] = {}

    def __call__(self, reply: Reply) -> T:
        kept = self._kept.get(id(reply))
        if kept is None:
            if len(self._kept) >= self._size:
                self._kept.clear()
            kept = self._kept[id(reply)] = (reply, self._render(reply))
        return kept[1]


# Slack's own markup (<@U1>, <#C1|name>, <!here>, <https://...|label>) passes through; other <, >, & escape.
_SLACK_TOKEN = re.compile(r"<(?:[@#!][^<>\s]*|https?://[^<>\s]*|mailto:[^<>\s]*)>")


def escape(text: str) -> str:
    """Escape &, < and > for mrkdwn, keeping Slack's own mentions and links intact."""
    out, last = [], 0
    for match in _SLACK_TOKEN.finditer(text):
        out.append(_escape_plain(text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int) -> JsonDict:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION) -> JsonDict:
    return {"type": "mrkdwn", "text": clip(escape(text), limit) or " "}


# ---- blocks ---------------------------------------------------------------------------------------------


def render_blocks(reply: Reply) -> list[JsonDict]:
    """Every block of a reply as Block Kit, capped at 50 blocks."""
    blocks = [b for block in reply.blocks for b in _block(block)]
    if not blocks:
        blocks = list(_sections(reply.text))
    return blocks[:MAX_BLOCKS]


def _block(block: Block) -> Iterator[JsonDict]:
    if isinstance(block, Heading):
        yield {"type": "header", "text": plain(block.text, MAX_HEADER)}
    elif isinstance(block, Paragraph):
        yield from _sections(block.text)
    elif isinstance(block, Quote):
        yield from _sections("\n".join(f"> {line}" for line in block.text.split("\n")))
    elif isinstance(block, Divider):
        yield {"type": "divider"}
    elif isinstance(block, Context):
        yield {"type": "context", "elements": [mrkdwn(block.text)]}
    elif isinstance(block, Checklist):
        yield from _checklist(block)
    elif isinstance(block, Choices):
        yield from _choices(block)
    elif isinstance(block, Form):
        yield from _sections(f"*{block.title}*\n" + "\n".join(f"• {f.label}" for f in block.fields))


def _sections(text: str) -> Iterator[JsonDict]:
    """Sections of at most 3000 characters each (after escaping), split at line ends where possible."""
    rest = text
    while rest:
        piece = rest
        while len(escape(piece)) > MAX_SECTION:
            cut = piece.rfind("\n", 0, len(piece) - 1)
            piece = piece[:cut] if cut > 0 else piece[: MAX_SECTION // 2]
        yield {"type": "section", "text": mrkdwn(piece)}
        rest = rest[len(piece) :].lstrip("\n")


def _checklist(block: Checklist) -> Iterator[JsonDict]:
    yield {"type": "section", "text": mrkdwn(f"*{block.title}*")}
    items = block.items
    for n, start in enumerate(range(0, len(items), MAX_OPTIONS)):
        group = items[start : start + MAX_OPTIONS]
        options = [_checkbox_option(item.id, item.text, item.detail) for item in group]
        element: JsonDict = {"type": "checkboxes", "action_id": block.toggle.name, "options": options}
        checked = [o for o, item in zip(options, group, strict=True) if item.checked]
        if checked:
            element["initial_options"] = checked
        yield {"type": "actions", "block_id": f"{block.toggle.value}{GROUP_SEP}{n}", "elements": [element]}
    details = "\n".join(f"*{item.text}*\n{item.detail}" for item in items if item.detail)
    if details:
        yield {"type": "context", "elements": [mrkdwn(details)]}


def _checkbox_option(value: str, text: str, detail: str) -> JsonDict:
    option: JsonDict = {"text": mrkdwn(text, MAX_BUTTON_TEXT), "value": value}
    say = next((line for line in detail.split("\n") if line.startswith("Say:")), "")
    if say:
        option["description"] = plain(say, MAX_BUTTON_TEXT)
    return option


def _choices(block: Choices) -> Iterator[JsonDict]:
    buttons = [b for b in block.buttons if len(b.action.value) <= MAX_VALUE]
    if block.prompt:
        yield {"type": "section", "text": mrkdwn(block.prompt)}
    for start in range(0, len(buttons), 25):
        row = buttons[start : start + 25]
        yield {"type": "actions", "elements": [_button(b, start + i) for i, b in enumerate(row)]}


def _button(button: Button, n: int) -> JsonDict:
    element: JsonDict = {
        "type": "button",
        "text": plain(button.label, MAX_BUTTON_TEXT),
        "action_id": f"{button.action.name}{ACTION_SEP}{n}",
    }
    if button.action.value:
        element["value"] = button.action.value
    if button.style != "default":
        element["style"] = button.style
    return element


# ---- whole payloads -------------------------------------------------------------------------------------


def message(reply: Reply) -> JsonDict:
    """chat.postMessage / chat.update / chat.scheduleMessage arguments (without channel)."""
    return {"text": clip(reply.text, MAX_FALLBACK), "blocks": render_blocks(reply)}


def ephemeral(reply: Reply, *, replace: bool = False) -> JsonDict:
    """A response_url body (or a slash command's ack body) only the person sees."""
    body = {"response_type": "ephemeral", **message(reply)}
    if replace:
        body["replace_original"] = True
    return body


def form_of(reply: Reply) -> Form | None:
    """The reply's form, if it has one (it then becomes a modal)."""
    return next((b for b in reply.blocks if isinstance(b, Form)), None)


FROM_HOME = "home"  # a modal's metadata when the App Home opened it (the tab is redrawn after its submit)


def modal(reply: Reply, *, title: str = "De-escalation coach", metadata: str = "") -> JsonDict:
    """A modal view: a Form becomes inputs with a submit button; anything else is shown read-only.
    `metadata` travels with the view and comes back with its submission."""
    form = form_of(reply)
    view: JsonDict = {
        "type": "modal",
        "title": plain(form.title if form else title, MAX_TITLE),
        "close": plain("Close", MAX_TITLE),
    }
    if form is None:
        view["blocks"] = render_blocks(reply)
        return view
    others = Reply(reply.text, tuple(b for b in reply.blocks if not isinstance(b, Form)))
    lead = render_blocks(others) if others.blocks else []
    view["blocks"] = (lead + [_input(f) for f in form.fields])[:MAX_BLOCKS]
    view["submit"] = plain(form.submit_label, MAX_TITLE)
    view["callback_id"] = form.submit.name
    view["private_metadata"] = json.dumps({"v": form.submit.value, "m": metadata})[:3000]
    return view


def _input(field: InputField) -> JsonDict:
    if field.person:
        element: JsonDict = {"type": "users_select", "action_id": field.id}
    elif field.options:
        options = {
            o.value: {"text": plain(o.label, MAX_BUTTON_TEXT), "value": o.value} for o in field.options
        }
        element = {"type": "static_select", "action_id": field.id, "options": list(options.values())[:100]}
        if field.initial in options:
            element["initial_option"] = options[field.initial]
    else:
        element = {"type": "plain_text_input", "action_id": field.id, "multiline": field.multiline}
        if field.initial:
            element["initial_value"] = field.initial
    if field.placeholder:
        element["placeholder"] = plain(field.placeholder, 150)
    return {
        "type": "input",
        "block_id": field.id,
        "label": plain(field.label, 2000),
        "optional": field.optional,
        "element": element,
    }


def home(reply: Reply) -> JsonDict:
    """The App Home tab view."""
    return {"type": "home", "blocks": render_blocks(reply)}
