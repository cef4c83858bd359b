"""A real `deescalate serve` app with Slack mounted, a real fake Slack Web API, and signed requests."""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_app, platform_mounts
from adapters.slack.security import sign
from bot import runtime
from bot.core import Bot
from bot.settings import load_config
from bot.store import SqlStore
from tests.conftest import FakeClock, write_app_yaml
from tests.fakes.slack_api import FakeSlackApi

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "slack"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A stored payload shape, with top-level fields replaced."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return {**copy.deepcopy(data), **changes}


def _element_state(kind: str, value: str) -> dict[str, Any]:
    """What Slack sends for one input element in view.state.values."""
    if kind == "static_select":
        return {"type": kind, "selected_option": {"value": value}}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    return {"type": kind, "value": value}


def submission(view: dict[str, Any], values: dict[str, str], user: str = "U2147483697") -> dict[str, Any]:
    """A view_submission of the opened `view` with these input values (by block id), as Slack sends it."""
    body = payload("view_submission")
    body["user"]["id"] = user
    state = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        field = block["block_id"]
        kind = block["element"]["type"]
        value = values[field]
        state[field] = {field: _element_state(kind, value)}
    body["view"] = {
        **body["view"],
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": state},
    }
    return body


@dataclass
class SlackHarness:
    client: TestClient[Any, Any]
    fake: FakeSlackApi
    bot: Bot
    store: SqlStore

    async def post(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None, ts: str | None = None
    ) -> ClientResponse:
        """POST a correctly signed request (unless `headers` overrides the signature)."""
        stamp = ts or str(int(time.time()))
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(SECRET, stamp, body),
            **(headers or {}),
        }
        return await self.client.post("/slack/events", data=body, headers=signed)

    async def command(self, text: str = "", **changes: Any) -> ClientResponse:
        form = payload("slash_command", text=text, response_url=self.fake.response_url("cmd"), **changes)
        return await self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")

    async def interaction(self, body: dict[str, Any]) -> ClientResponse:
        encoded = urlencode({"payload": json.dumps(body)}).encode()
        return await self.post(encoded, "application/x-www-form-urlencoded")

    async def event(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> ClientResponse:
        return await self.post(json.dumps(body).encode(), "application/json", headers)


async def start_harness(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, extra_env: dict[str, str] | None = None
) -> AsyncIterator[SlackHarness]:
    """Start the fake, configure Slack to use it, start the app on an ephemeral port."""
    fake = await FakeSlackApi().start()
    for name in list(os.environ):
        if name.startswith(("DEESCALATE_", "SLACK_", "TEAMS_")) or name in {"DATABASE_URL", "LLM_API_KEY"}:
            monkeypatch.delenv(name)
    monkeypatch.setenv("DEESCALATE_CONFIG", str(write_app_yaml(tmp_path, db_url)))
    monkeypatch.chdir(tmp_path)
    env = {
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "DEESCALATE_SLACK__API_BASE_URL": fake.base_url,
        **(extra_env or {}),
    }
    for key, value in env.items():
        if value:
            monkeypatch.setenv(key, value)
        else:
            monkeypatch.delenv(key, raising=False)
    config = load_config()
    bot, store = await runtime.start(config, FakeClock())
    app = build_app(bot, store, platform_mounts(config, bot, store))
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        yield SlackHarness(client, fake, bot, store)
    finally:
        await client.close()
        await store.close()
        await fake.close()


@pytest.fixture
async def slack(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackHarness]:
    async for harness in start_harness(tmp_path, db_url, monkeypatch):
        yield harness
