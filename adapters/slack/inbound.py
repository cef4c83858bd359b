"""Slack payloads -> Inbound, as pure functions. Nothing here does I/O or keeps message text."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.render import ACTION_SEP, FROM_HOME, GROUP_SEP
from bot.flows.calm_draft import OPEN as CALM_OPEN
from bot.flows.home import OPEN as HOME_OPEN
from bot.flows.reply_help import HELP as REPLY_HELP
from bot.model import ActionRef, Inbound, Kind

PLATFORM = "slack"
JsonDict = dict[str, Any]


def workspace_of(body: JsonDict) -> str:
    """The team id of any payload (slash command form, interaction or event envelope)."""
    team = body.get("team")
    if isinstance(team, dict):
        return str(team.get("id") or "")
    user = body.get("user")
    found = body.get("team_id") or (user.get("team_id") if isinstance(user, dict) else None)
    return str(found or "")


def _user_of(body: JsonDict) -> str:
    user = body.get("user")
    return str(user.get("id", "")) if isinstance(user, dict) else str(body.get("user_id") or "")


def _channel_of(body: JsonDict) -> str:
    channel = body.get("channel")
    return str(channel.get("id", "")) if isinstance(channel, dict) else str(body.get("channel_id") or "")


def _inbound(body: JsonDict, user: str, conversation: str, is_dm: bool, kind: Kind, **fields: Any) -> Inbound:
    """An Inbound from Slack: the payload's workspace, and `can_schedule`, since Slack holds a message for
    later (chat.scheduleMessage)."""
    return Inbound(PLATFORM, workspace_of(body), user, conversation, is_dm, kind, can_schedule=True, **fields)


def is_dm_channel(channel: str) -> bool:
    return channel.startswith("D")


def command(body: JsonDict, replay_key: str | None = None) -> Inbound:
    """A slash command's form body; `replay_key` when the adapter left the claim to the core."""
    channel = str(body.get("channel_id") or "")
    return _inbound(
        body,
        str(body.get("user_id") or ""),
        channel,
        is_dm_channel(channel) or body.get("channel_name") == "directmessage",
        Kind.COMMAND,
        text=f"/deescalate {body.get('text') or ''}".strip(),
        replay_key=replay_key,
    )


def action_ref(action: JsonDict) -> ActionRef:
    """A button or checkbox group -> the core's ActionRef."""
    action_id = str(action.get("action_id") or "")
    if action.get("type") == "checkboxes":
        return ActionRef(action_id, str(action.get("block_id") or "").split(GROUP_SEP)[0])
    return ActionRef(action_id.split(ACTION_SEP)[0], str(action.get("value") or ""))


def checked_ids(body: JsonDict, action: JsonDict) -> str:
    """Every ticked item of the checklist group this checkbox belongs to, across its blocks."""
    toggle = str(action.get("block_id") or "").split(GROUP_SEP)[0]
    ticked = {str(o.get("value")) for o in action.get("selected_options") or []}
    values = (body.get("state") or {}).get("values") or {}
    for block_id, elements in values.items():
        if block_id.split(GROUP_SEP)[0] != toggle or block_id == action.get("block_id"):
            continue
        for state in elements.values():
            ticked |= {str(o.get("value")) for o in state.get("selected_options") or []}
    return " ".join(sorted(ticked))


def block_action(body: JsonDict) -> Inbound | None:
    """The first action of a block_actions payload; None when there is nothing to act on."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    container = body.get("container") or {}
    channel = _channel_of(body) or str(container.get("channel_id") or "")
    source = container.get("message_ts") or container.get("view_id") or (body.get("view") or {}).get("id")
    form = {"checked": checked_ids(body, action)} if action.get("type") == "checkboxes" else {}
    return _inbound(
        body,
        _user_of(body),
        channel,
        is_dm_channel(channel) or container.get("type") == "view",
        Kind.ACTION,
        action=action_ref(action),
        form=form,
        source_message=str(source) if source else None,
    )


def view_submission(body: JsonDict) -> Inbound:
    """A modal's submit: callback_id is the action name, input values become the form."""
    view = body.get("view") or {}
    meta = _view_metadata(view)
    form: dict[str, str] = {}
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for state in elements.values():
            selected = state.get("selected_option") or {}
            picked = state.get("value") or selected.get("value") or state.get("selected_user") or ""
            form[block_id] = str(picked)
    value = str(meta.get("v", ""))
    return _inbound(
        body,
        _user_of(body),
        "",
        True,
        Kind.ACTION,
        action=ActionRef(str(view.get("callback_id") or ""), value),
        form=form,
        source_message=str(view.get("id") or "") or None,
    )


def global_shortcut(body: JsonDict) -> Inbound:
    """The "Calm a draft" shortcut: asks the core for the draft form."""
    return _inbound(body, _user_of(body), "", True, Kind.ACTION, action=ActionRef(CALM_OPEN))


def message_shortcut(body: JsonDict) -> Inbound:
    """The "Help me reply calmly" shortcut: the received text goes to the core in memory only."""
    channel = _channel_of(body)
    text = str((body.get("message") or {}).get("text") or "")
    return _inbound(
        body,
        _user_of(body),
        channel,
        is_dm_channel(channel),
        Kind.ACTION,
        text=text,
        action=ActionRef(REPLY_HELP),
    )


def is_person_message(event: JsonDict, bot_user_id: str | None) -> bool:
    """A new message a person typed in a DM: not a bot's, not ours, not an edit or deletion."""
    return (
        event.get("type") == "message"
        and event.get("channel_type", "im") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def dm_message(body: JsonDict) -> Inbound:
    """A message.im event."""
    event = body.get("event") or {}
    return _inbound(
        body,
        str(event.get("user") or ""),
        str(event.get("channel") or ""),
        True,
        Kind.MESSAGE,
        text=str(event.get("text") or ""),
    )


def submitted_from_home(body: JsonDict) -> bool:
    """Whether a modal's submit comes from a modal the App Home opened (see `render.modal`)."""
    return _view_metadata(body.get("view") or {}).get("m") == FROM_HOME


def _view_metadata(view: JsonDict) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def home_opened(body: JsonDict) -> Inbound:
    """app_home_opened: asks the core for the home screen."""
    event = body.get("event") or {}
    return _inbound(body, str(event.get("user") or ""), "", True, Kind.ACTION, action=ActionRef(HOME_OPEN))


def home_for(inbound: Inbound) -> Inbound:
    """The home screen for the person behind `inbound` (redrawn after a button on it was pressed)."""
    return Inbound(
        PLATFORM, inbound.workspace, inbound.user, "", True, Kind.ACTION, action=ActionRef(HOME_OPEN),
        timezone=inbound.timezone, can_schedule=True,
    )
