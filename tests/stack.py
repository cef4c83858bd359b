"""The whole service for end-to-end suites: Slack and Teams mounted on one app, with every fake running.

Slack talks to FakeSlackApi, Teams (dev mode, no app id) to FakeConnector, and the LLM engine to
FakeOpenAI, all on ephemeral loopback ports. Used by tests/privacy and tests/fault.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_app, platform_mounts
from adapters.teams import build_teams, teams_mount
from adapters.teams.outbox import Delivery
from bot import runtime
from bot.settings import load_config
from tests.adapters.slack.conftest import SECRET, SlackHarness
from tests.conftest import FakeClock, write_app_yaml
from tests.fakes.connector import FakeConnector
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.slack_api import FakeSlackApi

BOT_TOKEN = "xoxb-stack-token-9f3e2d"
LLM_KEY = "sk-stack-key-71c0aa"


@dataclass
class Stack:
    """The running service and its fakes; `slack` signs requests like the Slack harness."""

    slack: SlackHarness
    openai: FakeOpenAI
    connector: FakeConnector

    @property
    def client(self) -> TestClient[Any, Any]:
        return self.slack.client


def _environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.startswith(("DEESCALATE_", "SLACK_", "TEAMS_")) or name in {"DATABASE_URL", "LLM_API_KEY"}:
            monkeypatch.delenv(name)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


async def start_stack(
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    llm_url: str | None = None,
    budget: float = 2.0,
) -> AsyncIterator[Stack]:
    """Start the fakes and the service; `llm_url` overrides the LLM endpoint (e.g. a closed port)."""
    fake_slack = await FakeSlackApi().start()
    openai = await FakeOpenAI().start()
    connector = await FakeConnector().start()
    monkeypatch.chdir(tmp_path)
    _environment(
        monkeypatch,
        {
            "DEESCALATE_CONFIG": str(write_app_yaml(tmp_path, db_url)),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "LLM_API_KEY": LLM_KEY,
            "DEESCALATE_SLACK__API_BASE_URL": fake_slack.base_url,
            "DEESCALATE_ENGINE__KIND": "llm",
            "DEESCALATE_ENGINE__LLM__BASE_URL": llm_url or openai.base_url + "/",
            "DEESCALATE_ENGINE__LLM__TIMEOUT_S": "1",
            "DEESCALATE_ENGINE__LLM__BUDGET_S": str(budget),
        },
    )
    config = load_config()
    bot, store = await runtime.start(config, FakeClock())
    teams = build_teams(config, bot, store, Delivery(attempts=2, backoff=0.01, max_wait=0.05, per_second=50))
    app = build_app(bot, store, [*platform_mounts(config, bot, store), teams_mount(teams)])
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        yield Stack(SlackHarness(client, fake_slack, bot, store), openai, connector)
    finally:
        await client.close()
        await store.close()
        for fake in (fake_slack, openai, connector):
            await fake.close()
