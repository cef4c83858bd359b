"""`deescalate manifest slack`: a ready Slack app manifest (YAML) for server.public_url."""

from __future__ import annotations

from typing import Any

import yaml

from adapters.slack.app import CALM_SHORTCUT, COMMAND, REPLY_SHORTCUT, bot_scopes
from bot.settings import Config

EVENTS = ("app_home_opened", "message.im", "app_uninstalled", "tokens_revoked")


def manifest_dict(config: Config) -> dict[str, Any]:
    """The manifest as data: command, both shortcuts, events, App Home and the minimal bot scopes."""
    base = config.settings.server.public_url.rstrip("/")
    events = f"{base}/slack/events"
    socket = config.secrets.slack_app_token is not None
    return {
        "display_information": {
            "name": "De-escalate",
            "description": "Private, in-the-moment help with tense messages and situations.",
            "background_color": "#3a6ea5",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "De-escalate", "always_online": True},
            "slash_commands": [
                {
                    "command": COMMAND,
                    "url": events,
                    "description": "A checklist for a tense moment, a calmer draft, a lesson",
                    "usage_hint": "[rewrite <draft> | lesson | mediate | settings | help]",
                    "should_escape": False,
                }
            ],
            "shortcuts": [
                {
                    "name": "Calm a draft",
                    "type": "global",
                    "callback_id": CALM_SHORTCUT,
                    "description": "See what makes a draft tense and get a calmer version",
                },
                {
                    "name": "Help me reply calmly",
                    "type": "message",
                    "callback_id": REPLY_SHORTCUT,
                    "description": "How to answer this message calmly",
                },
            ],
        },
        "oauth_config": {
            "redirect_urls": [f"{base}/slack/oauth_redirect"],
            "scopes": {"bot": bot_scopes(config)},
        },
        "settings": {
            "event_subscriptions": {"request_url": events, "bot_events": list(EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": events},
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }


def slack_manifest(config: Config) -> str:
    """The manifest as YAML, ready to paste at api.slack.com/apps -> Create New App -> From a manifest."""
    header = (
        "# Slack app manifest for deescalate; paste at https://api.slack.com/apps (From an app manifest)\n"
    )
    return header + yaml.safe_dump(manifest_dict(config), sort_keys=False, allow_unicode=True)
