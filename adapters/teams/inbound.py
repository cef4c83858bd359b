"""Teams activity (wire-shape dict) -> Inbound: pure functions, no I/O and no SDK types.

Typed words arrive as messages; a card's Action.Submit arrives as a message whose `value` holds the
ActionRef (plus any form inputs) and whose `replyToId` names the card; Action.Execute arrives as an
`adaptiveCard/action` invoke with the same data.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any

from adapters.teams.render import ACTION_KEY
from bot.model import ActionRef, Inbound, Kind

PLATFORM = "teams"
NO_TENANT = "no-tenant"  # the Bot Framework Emulator sends no tenant
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/div)\s*/?>", re.IGNORECASE)
MAX_VALUE = 4000


def tenant_of(activity: Mapping[str, Any]) -> str:
    """The tenant id, from channelData or the conversation; a fixed word when there is none."""
    data = activity.get("channelData") or {}
    tenant = (data.get("tenant") or {}).get("id") if isinstance(data, Mapping) else None
    tenant = tenant or (activity.get("conversation") or {}).get("tenantId")
    return str(tenant or NO_TENANT)[:64]


def user_of(activity: Mapping[str, Any]) -> str:
    """The person's stable id: their Entra (AAD) object id, else the Bot Framework id (hashed if long).

    Teams' own "29:..." ids are often longer than the core's 64-character user columns.
    """
    sender = activity.get("from") or {}
    aad = str(sender.get("aadObjectId") or "")
    if aad:
        return aad[:64]
    member = member_of(activity)
    return member if len(member) <= 64 else "bf:" + hashlib.sha256(member.encode()).hexdigest()[:40]


def member_of(activity: Mapping[str, Any]) -> str:
    """The Bot Framework id of the person who acted (what the Bot Connector addresses)."""
    return str((activity.get("from") or {}).get("id") or "")


def conversation_of(activity: Mapping[str, Any]) -> Mapping[str, Any]:
    """The conversation account, or an empty mapping."""
    conversation = activity.get("conversation")
    return conversation if isinstance(conversation, Mapping) else {}


def is_personal(activity: Mapping[str, Any]) -> bool:
    """A one-to-one chat with the bot (the Emulator's conversations count as personal)."""
    return conversation_of(activity).get("conversationType") in (None, "", "personal")


def to_inbound(activity: Mapping[str, Any]) -> Inbound | None:
    """A message or card action as an Inbound; None when there is nothing for the core."""
    kind = activity.get("type")
    if kind == "invoke" and activity.get("name") == "adaptiveCard/action":
        value = activity.get("value") or {}
        data = (value.get("action") or {}).get("data") if isinstance(value, Mapping) else None
        return _action(activity, data)
    if kind != "message":
        return None
    if isinstance(activity.get("value"), Mapping):
        return _action(activity, activity["value"])
    text = message_text(activity)
    return _make(activity, Kind.MESSAGE, text=text)


def message_text(activity: Mapping[str, Any]) -> str:
    """What the person typed, without @mentions of the bot and without HTML."""
    text = str(activity.get("text") or "")
    return plain_text(_MENTION.sub(" ", text)).strip()


def plain_text(text: str) -> str:
    """HTML (as Teams sends message bodies) as plain text."""
    text = _BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text)).replace("\xa0", " ")


def action_of(data: object) -> ActionRef | None:
    """The ActionRef inside Action.Submit/Execute data, when it is well formed."""
    if not isinstance(data, Mapping):
        return None
    ref = data.get(ACTION_KEY)
    if not isinstance(ref, Mapping) or not isinstance(ref.get("name"), str):
        return None
    value = ref.get("value", "")
    return ActionRef(ref["name"][:100], value[:MAX_VALUE] if isinstance(value, str) else "")


def form_of(data: Mapping[str, Any]) -> dict[str, str]:
    """Submitted input values (everything but the action and Teams' own keys), as strings."""
    return {
        str(k)[:100]: str(v)[:MAX_VALUE]
        for k, v in data.items()
        if k not in (ACTION_KEY, "msteams") and isinstance(v, str | int | float | bool)
    }


def _action(activity: Mapping[str, Any], data: object) -> Inbound | None:
    action = action_of(data)
    if action is None or not isinstance(data, Mapping):
        return None
    return _make(
        activity,
        Kind.ACTION,
        action=action,
        form=form_of(data),
        source_message=activity.get("replyToId") or None,
    )


def _make(activity: Mapping[str, Any], kind: Kind, **fields: Any) -> Inbound:
    sender = activity.get("from") or {}
    zone = activity.get("localTimezone")
    return Inbound(
        platform=PLATFORM,
        workspace=tenant_of(activity),
        user=user_of(activity),
        conversation=str(conversation_of(activity).get("id") or ""),
        is_dm=is_personal(activity),
        kind=kind,
        timezone=zone if isinstance(zone, str) and zone else None,
        display_name=str(sender.get("name") or "") or None,
        **fields,
    )
