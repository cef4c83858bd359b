"""A fake Slack Web API: a real aiohttp server on an ephemeral loopback port that records every call.

Point `AsyncWebClient(base_url=fake.base_url)` at it. `fake.response_url(name)` gives a response_url
that lands in the same recorder. `fake.rate_limit(method, times, retry_after)` makes the next calls to a
method answer 429 with Retry-After, as Slack does. `fake.limit_rate(method, per_s, burst)` adds a token
bucket per bot token (per workspace): a call above the rate answers 429 with Retry-After (whole seconds).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.test_utils import TestServer

JsonDict = dict[str, Any]


@dataclass
class Call:
    """One request the fake received."""

    method: str  # "chat.postMessage", or "response_url:<name>"
    payload: JsonDict
    headers: Mapping[str, str]
    at: float
    client_port: int = 0  # the caller's TCP port: the same port twice means a reused connection


@dataclass
class FakeSlackApi:
    """Records calls; answers like Slack does for the methods the bot uses."""

    calls: list[Call] = field(default_factory=list)
    team_id: str = "T0001"
    bot_user_id: str = "UBOT"
    _limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    _oauth_tokens: list[JsonDict] = field(default_factory=list)
    group_members: dict[str, list[str]] = field(default_factory=dict)  # usergroup id -> user ids
    gone_users: dict[str, str] = field(default_factory=dict)  # user id -> error for DMs to them
    user_id_channels: bool = True  # chat.postMessage takes a user id for the DM with the bot, as Slack does
    zones: dict[str, str] = field(default_factory=dict)  # user id -> profile `tz` (default Europe/Paris)
    profiles: dict[str, JsonDict] = field(default_factory=dict)  # user id -> more users.info fields
    errors: dict[str, str] = field(default_factory=dict)  # method -> the error it answers (ok: false)
    _rates: dict[str, tuple[float, float]] = field(default_factory=dict)  # method -> (per_s, burst)
    _buckets: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # -> (tokens, at)

    async def start(self) -> FakeSlackApi:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # a few methods (usergroups.users.list) use GET
        app.router.add_post("/response/{name}", self._response_url)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL, with the trailing slash slack_sdk expects."""
        return f"{self.root}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.root}/response/{name}"

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls to `method` with 429 and a Retry-After header."""
        self._limits[method] = (times, retry_after)

    def limit_rate(self, method: str, per_s: float, burst: float = 1.0) -> None:
        """Allow `method` at most `per_s` calls per second per bot token (a bucket of `burst` calls)."""
        self._rates[method] = (per_s, max(1.0, burst))

    def add_oauth_response(self, payload: JsonDict) -> None:
        """Queue the body the next oauth.v2.access call returns."""
        self._oauth_tokens.append(payload)

    def called(self, method: str) -> list[JsonDict]:
        """Payloads of every call to `method`, in order."""
        return [c.payload for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[JsonDict]:
        """Wait until `method` was called at least `count` times; return those payloads."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while len(self.called(method)) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"{method} called {len(self.called(method))} times; seen {self.methods()}"
                )
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                continue
        return self.called(method)

    # ---- handlers ------------------------------------------------------------------------------------

    async def _record(self, method: str, request: web.Request) -> JsonDict:
        raw = await request.text()
        if request.content_type == "application/json":
            payload: JsonDict = json.loads(raw or "{}")
        else:
            payload = dict(parse_qsl(raw))
            for key in ("blocks", "view"):
                if isinstance(payload.get(key), str):
                    payload[key] = json.loads(payload[key])
        payload = {**dict(request.query), **payload}  # some methods send query parameters
        now = asyncio.get_running_loop().time()
        self.calls.append(Call(method, payload, dict(request.headers), now, _client_port(request)))
        self._event.set()
        return payload

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        times, retry_after = self._limits.get(method, (0, 0))
        if times > 0:
            self._limits[method] = (times - 1, retry_after)
            return self._too_many(method, request, retry_after)
        wait = self._take_token(method, request.headers.get("Authorization", ""))
        if wait > 0:
            return self._too_many(method, request, max(1, math.ceil(wait)))
        payload = await self._record(method, request)
        return web.json_response(self._answer(method, payload))

    def _too_many(self, method: str, request: web.Request, retry_after: int) -> web.Response:
        self.calls.append(Call(f"429:{method}", {}, dict(request.headers), asyncio.get_running_loop().time()))
        return web.json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
        )

    def _take_token(self, method: str, token: str) -> float:
        """0 when this token's bucket for `method` allows the call now, else seconds until it would."""
        if method not in self._rates:
            return 0.0
        per_s, burst = self._rates[method]
        now = asyncio.get_running_loop().time()
        tokens, at = self._buckets.get((method, token), (burst, now))
        tokens = min(burst, tokens + (now - at) * per_s)
        if tokens < 1.0:
            self._buckets[(method, token)] = (tokens, now)
            return (1.0 - tokens) / per_s
        self._buckets[(method, token)] = (tokens - 1.0, now)
        return 0.0

    async def _response_url(self, request: web.Request) -> web.Response:
        await self._record(f"response_url:{request.match_info['name']}", request)
        return web.json_response({"ok": True})

    def _answer(self, method: str, payload: JsonDict) -> JsonDict:
        n = next(self._ids)
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "conversations.open" and payload.get("users") in self.gone_users:
            return {"ok": False, "error": self.gone_users[str(payload["users"])]}
        channel = str(payload.get("channel", ""))
        if method == "chat.postMessage" and channel[:1] in ("U", "W"):  # a user id: their DM with the bot
            if channel in self.gone_users or not self.user_id_channels:
                return {"ok": False, "error": self.gone_users.get(channel, "channel_not_found")}
            channel = f"D{channel}"
        answers: dict[str, JsonDict] = {
            "auth.test": {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "user": "deescalate",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "BBOT",
                "is_enterprise_install": False,
            },
            "chat.postMessage": {"ok": True, "channel": channel, "ts": f"1700000000.{n:06d}"},
            "chat.postEphemeral": {"ok": True, "message_ts": f"1700000000.{n:06d}"},
            "chat.update": {"ok": True, "channel": payload.get("channel"), "ts": payload.get("ts")},
            "chat.scheduleMessage": {
                "ok": True,
                "channel": payload.get("channel"),
                "scheduled_message_id": f"Q{n:08d}",
                "post_at": payload.get("post_at"),
            },
            "chat.deleteScheduledMessage": {"ok": True},
            "views.open": {"ok": True, "view": {"id": f"V{n:08d}", "hash": f"h{n}"}},
            "views.update": {
                "ok": True,
                "view": {"id": payload.get("view_id") or f"V{n:08d}", "hash": f"h{n}"},
            },
            "views.push": {"ok": True, "view": {"id": f"V{n:08d}", "hash": f"h{n}"}},
            "views.publish": {"ok": True, "view": {"id": f"V{n:08d}", "hash": f"h{n}"}},
            "conversations.open": {"ok": True, "channel": {"id": f"D{payload.get('users', 'X')}"}},
            "usergroups.users.list": {
                "ok": True,
                "users": self.group_members.get(payload.get("usergroup", ""), []),
            },
            "users.info": {
                "ok": True,
                "user": {
                    "id": payload.get("user"),
                    "name": "fake.person",
                    "tz": self.zones.get(str(payload.get("user")), "Europe/Paris"),
                    "is_bot": False,
                    "profile": {"real_name": "Fake Person", "email": "fake.person@example.test"},
                    **self.profiles.get(str(payload.get("user")), {}),
                },
            },
        }
        if method == "oauth.v2.access":
            return self._oauth_tokens.pop(0) if self._oauth_tokens else {"ok": False, "error": "invalid_code"}
        return answers.get(method, {"ok": True})


def _client_port(request: web.Request) -> int:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if peer else 0
