"""The manifest, and the installation store on the project database (save, rotate, find, delete)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack.installations import SignedStateStore, SqlInstallationStore
from adapters.slack.manifest import slack_manifest
from bot.settings import Config
from bot.store import SqlStore
from tests.adapters.slack.conftest import start_harness


def test_manifest_has_the_command_shortcuts_events_and_minimal_scopes(config: Config) -> None:
    data = yaml.safe_load(slack_manifest(config))
    features = data["features"]
    assert features["slash_commands"][0]["command"] == "/deescalate"
    assert {s["callback_id"] for s in features["shortcuts"]} == {"calm_draft", "reply_calmly"}
    assert features["app_home"]["home_tab_enabled"] is True
    events = data["settings"]["event_subscriptions"]
    assert set(events["bot_events"]) == {"app_home_opened", "message.im", "app_uninstalled", "tokens_revoked"}
    assert events["request_url"].endswith("/slack/events")
    assert set(data["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "im:history",
        "im:write",
        "users:read",
    }


def _install(token: str, refresh: str) -> Installation:
    return Installation(
        app_id="A1",
        team_id="T9",
        user_id="U1",
        bot_token=token,
        bot_id="B1",
        bot_user_id="UB",
        bot_scopes="commands,chat:write",
        bot_refresh_token=refresh,
        bot_token_expires_in=43200,
    )


async def test_installations_save_rotate_find_and_delete(store: SqlStore) -> None:
    installs = SqlInstallationStore(store.engine)
    await installs.async_save(_install("xoxe.xoxb-1", "xoxe-1-r"))
    found = await installs.async_find_installation(enterprise_id=None, team_id="T9")
    assert found is not None and found.bot_token == "xoxe.xoxb-1"
    await installs.async_save(_install("xoxe.xoxb-2", "xoxe-1-r2"))  # a token rotation
    bot = await installs.async_find_bot(enterprise_id=None, team_id="T9")
    assert bot is not None and bot.bot_token == "xoxe.xoxb-2" and bot.bot_refresh_token == "xoxe-1-r2"
    mine = await installs.async_find_installation(enterprise_id=None, team_id="T9", user_id="U1")
    assert mine is not None and mine.bot_token == "xoxe.xoxb-2"
    await installs.async_delete_all(enterprise_id=None, team_id="T9")
    assert await installs.count("T9") == 0


async def test_oauth_state_is_signed_and_usable_once(store: SqlStore) -> None:
    states = SignedStateStore("client-secret", store)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    assert await states.async_consume(state[:-1] + ("0" if state[-1] != "0" else "1")) is False
    assert await states.async_consume("made.up.state") is False


async def test_a_start_with_a_bot_token_warns_of_nothing(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt reads SLACK_BOT_TOKEN itself and warned, at every start, that the client's token wins."""
    caplog.set_level(logging.WARNING)
    async for harness in start_harness(tmp_path, db_url, monkeypatch):
        assert (await harness.command("help")).status == 200
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")] == []
