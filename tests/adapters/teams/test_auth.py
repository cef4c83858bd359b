"""Authentication: botbuilder's JWT validation against a local OpenID/JWKS fake; bad tokens get 401."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.server import build_app, platform_mounts
from bot.core import Bot
from bot.errors import ConfigError
from bot.settings import Config, load_config
from bot.store import SqlStore
from tests.adapters.teams.conftest import APP_ID, TeamsClient
from tests.fakes.connector import FakeConnector, FakeIdentity


def _bad_tokens(identity: FakeIdentity, service_url: str) -> dict[str, str]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    past = int(time.time()) - 7200
    return {
        "garbage": "garbage",
        "three garbage parts": "abc.def.ghi",
        "wrong issuer": identity.token(APP_ID, service_url, iss="https://evil.example.com"),
        "wrong audience": identity.token("11111111-2222-3333-4444-555555555555", service_url),
        "expired": identity.token(APP_ID, service_url, exp=past, nbf=past - 60, iat=past - 60),
        "forged signature": identity.token(APP_ID, service_url, key=other_key),
        "other service url": identity.token(APP_ID, "https://elsewhere.example.com/"),
    }


async def test_a_valid_token_is_accepted(secured: TeamsClient, identity: FakeIdentity) -> None:
    activity = secured.activity("fetch_task_compose")
    response = await secured.post(activity, identity.token(APP_ID, activity["serviceUrl"]))
    assert response.status == 200
    assert (await response.json())["task"]["type"] == "continue"


async def test_missing_and_malformed_tokens_get_401(secured: TeamsClient, identity: FakeIdentity) -> None:
    activity = secured.activity("personal_message", text="help")
    assert (await secured.post(activity)).status == 401
    for name, token in _bad_tokens(identity, activity["serviceUrl"]).items():
        response = await secured.post(activity, token)
        assert response.status == 401, name
    odd = await secured.client.post(
        "/api/messages", json=activity, headers={"Authorization": "Basic dXNlcjpwYXNz"}
    )
    assert odd.status == 401
    assert secured.connector.calls == [], "nothing was answered for a rejected request"


async def test_no_app_id_mounts_only_in_dev(config: Config, bot: Bot, store: SqlStore) -> None:
    assert platform_mounts(config, bot, store, dev=False) == []
    async with TestClient(
        TestServer(build_app(bot, store, platform_mounts(config, bot, store, dev=True)))
    ) as c:
        response = await c.post("/api/messages", json={"type": "typing", "serviceUrl": "http://127.0.0.1:9/"})
        assert response.status in (200, 201)


def _reload(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_config()


async def test_asking_for_teams_without_an_app_id_refuses_to_start(
    config: Config, bot: Bot, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = _reload(monkeypatch, DEESCALATE_TEAMS__ENABLED="true")
    with pytest.raises(ConfigError, match="TEAMS_APP_ID"):
        platform_mounts(wanted, bot, store, dev=False)
    assert len(platform_mounts(wanted, bot, store, dev=True)) == 1
    no_password = _reload(monkeypatch, TEAMS_APP_ID=APP_ID)
    with pytest.raises(ConfigError, match="TEAMS_APP_PASSWORD"):
        platform_mounts(no_password, bot, store, dev=True)


async def test_an_app_id_with_garbage_bearer_is_401_via_platform_mounts(
    secured_config: Config, bot: Bot, store: SqlStore, connector: FakeConnector
) -> None:
    mounts = platform_mounts(secured_config, bot, store, dev=False)
    body: dict[str, Any] = {"type": "message", "text": "help", "serviceUrl": connector.url}
    async with TestClient(TestServer(build_app(bot, store, mounts))) as client:
        response = await client.post("/api/messages", json=body, headers={"Authorization": "Bearer garbage"})
        assert response.status == 401
