"""The value a style or reminder button carries: the chosen style and the draft, held by the platform.

The draft is never stored by us; it lives only in the message the person sees and its buttons.
"""

from __future__ import annotations

import json

from bot.model import Inbound, Reply
from bot.tone import STYLES, Style

MAX_BUTTON_VALUE = 1900  # Slack allows 2,000 characters in a button value


def style_value(style: Style, draft: str) -> str:
    return json.dumps({"s": style, "t": draft}, ensure_ascii=False)


def read_style_value(inbound: Inbound) -> tuple[Style, str] | None:
    """The (style, draft) a button carries; None when the value is not one of ours."""
    try:
        data = json.loads(inbound.action.value if inbound.action else "")
        style, draft = str(data["s"]), str(data["t"])
    except (ValueError, KeyError, TypeError):
        return None
    return next((s for s in STYLES if s == style), "calm"), draft


def unreadable_button() -> Reply:
    return Reply("I couldn't read that button. Send the draft again and I'll take another look.")
