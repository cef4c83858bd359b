"""The "Rewrite calmly" action message extension as pure functions: dialogs and previews (wire shapes).

fetchTask -> a dialog with the draft; submitAction -> the core's rewrite report, shown for copying, with
"Preview to send"; that choice -> a botMessagePreview card the person may send or edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.teams.inbound import plain_text
from adapters.teams.render import ACTION_KEY, Json, attachment, card, render_card
from bot.model import Quote, Reply

COMMAND_ID = "rewriteCalmly"
TITLE = "Rewrite calmly"
DRAFT = "draft"
CHOICE = "choice"
PREVIEW = "preview"
CALM = "calm"
MAX_DRAFT = 4000


def dialog(content: Json, title: str = TITLE) -> Json:
    """A task-module response ("continue") showing one card."""
    return {
        "task": {
            "type": "continue",
            "value": {"title": title, "height": "large", "width": "medium", "card": attachment(content)},
        }
    }


def draft_dialog(prefill: str = "", note: str = "") -> Json:
    """The first dialog: a box holding the draft, and the button that rewrites it."""
    intro = "Write or paste your draft. Only you see what happens next."
    body: list[Json] = [{"type": "TextBlock", "text": intro, "wrap": True}]
    if note:
        body.append({"type": "TextBlock", "text": note, "wrap": True, "color": "Attention"})
    body.append(
        {
            "type": "Input.Text",
            "id": DRAFT,
            "label": "Your draft",
            "isMultiline": True,
            "isRequired": True,
            "errorMessage": "Write or paste a draft first.",
            "maxLength": MAX_DRAFT,
            "value": prefill[:MAX_DRAFT],
        }
    )
    body.append(
        {
            "type": "ActionSet",
            "actions": [{"type": "Action.Submit", "title": TITLE, "style": "positive", "data": {}}],
        }
    )
    return dialog(card(body, "Write or paste your draft."))


def prefill_of(value: Mapping[str, Any]) -> str:
    """The text of the message the extension was opened on (from its "..." menu), else ""."""
    payload = value.get("messagePayload") or {}
    body = payload.get("body") if isinstance(payload, Mapping) else None
    if not isinstance(body, Mapping):
        return ""
    content = str(body.get("content") or "")
    text = plain_text(content) if body.get("contentType") == "html" else content
    return text.strip()[:MAX_DRAFT]


def calm_text(reply: Reply) -> str | None:
    """The rewritten text in a rewrite report (its quoted block), if the core produced one."""
    return next((b.text for b in reply.blocks if isinstance(b, Quote)), None)


def report_dialog(reply: Reply) -> Json:
    """The core's report in a dialog, plus "Preview to send" when there is a rewrite to send."""
    content = render_card(reply) or card(
        [{"type": "TextBlock", "text": reply.text[:3000], "wrap": True}], reply.text
    )
    calm = calm_text(reply)
    if calm:
        content["body"].append(
            {
                "type": "Input.Text",
                "id": CALM,
                "label": "Copy it from here, or preview it to send",
                "isMultiline": True,
                "value": calm,
                "maxLength": MAX_DRAFT,
            }
        )
        content["body"].append(
            {
                "type": "ActionSet",
                "actions": [
                    {"type": "Action.Submit", "title": "Preview to send", "data": {CHOICE: PREVIEW}},
                ],
            }
        )
    return dialog(content)


def preview(calm: str) -> Json:
    """A botMessagePreview: the card the person may send into the conversation, or edit."""
    content = card([{"type": "TextBlock", "text": calm[:MAX_DRAFT], "wrap": True}], calm)
    return {
        "composeExtension": {
            "type": "botMessagePreview",
            "activityPreview": {"type": "message", "attachments": [attachment(content)]},
        }
    }


def previewed_text(activity_preview: Any) -> str:
    """The text inside a previewed card (for "edit": back to the draft dialog with it)."""
    try:
        content = activity_preview[0]["attachments"][0]["content"]
        return str(content["body"][0]["text"])
    except (KeyError, IndexError, TypeError):
        return ""


def wants_action(data: Mapping[str, Any]) -> bool:
    """Whether a dialog submit is a button from the core's report (a style button)."""
    return isinstance(data.get(ACTION_KEY), Mapping)
