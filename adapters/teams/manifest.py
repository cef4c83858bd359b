"""`deescalate manifest teams --out app.zip`: the Teams app package (manifest.json and two icons).

The bot is personal-scope; its command list is the core's command words; the "Rewrite calmly" action
message extension works from the compose box, the command box and a message's "..." menu.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.teams.auth import app_id_of
from adapters.teams.extension import COMMAND_ID, TITLE
from adapters.teams.icons import colour_icon, outline_icon
from bot.commands import COMMANDS
from bot.errors import ConfigError
from bot.settings import Config

MANIFEST_VERSION = "1.17"
SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
APP_VERSION = "1.0.0"
MAX_COMMANDS = 10


def command_list() -> list[dict[str, str]]:
    """The core's commands as Teams shows them in the personal chat (words, no slash)."""
    commands = []
    for name, (_usage, what) in COMMANDS.items():
        commands.append({"title": (name or "deescalate")[:32], "description": what[:128]})
    return commands[:MAX_COMMANDS]


def domain_of(config: Config) -> str:
    """The bot's public host: teams.domain, else the host of server.public_url."""
    teams = config.settings.teams
    return teams.domain or urlsplit(config.settings.server.public_url).hostname or "localhost"


def build_manifest(config: Config) -> dict[str, Any]:
    """manifest.json for the configured bot id and domain."""
    app_id = app_id_of(config)
    if not app_id:
        raise ConfigError(
            "the Teams app package needs the bot's app id:",
            ["set TEAMS_APP_ID to the Microsoft App ID of the Azure Bot (see docs/teams.md)"],
        )
    teams = config.settings.teams
    domain = domain_of(config)
    website = teams.website_url or f"https://{domain}/"
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": APP_VERSION,
        "id": app_id,
        "developer": {
            "name": teams.developer,
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": teams.name, "full": teams.full_name},
        "description": {
            "short": "Calm tense messages and get a checklist for tense moments."[:80],
            "full": (
                "Paste a tense draft to see what makes it tense and get a calmer version; follow a short "
                "checklist in a heated moment; take a two-minute lesson; get a mediation guide. "
                "Nothing you type is stored."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": teams.accent_color,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal"], "commands": command_list()}],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [
                    {
                        "id": COMMAND_ID,
                        "type": "action",
                        "title": TITLE,
                        "description": "See a calmer version of your draft before you send it.",
                        "context": ["compose", "commandBox", "message"],
                        "fetchTask": True,
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain],
    }


def package_bytes(config: Config) -> bytes:
    """The zip: manifest.json, color.png and outline.png at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(build_manifest(config), indent=2))
        archive.writestr("color.png", colour_icon(config.settings.teams.accent_color))
        archive.writestr("outline.png", outline_icon())
    return buffer.getvalue()


def write_package(config: Config, out: Path) -> Path:
    """Write the app package to `out` (folders created) and return its path."""
    data = package_bytes(config)
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
