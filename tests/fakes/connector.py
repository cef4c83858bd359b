"""Fakes of Microsoft's services as real HTTP servers on ephemeral ports.

FakeConnector plays the Bot Connector (the `serviceUrl` Teams gives the bot): an aiohttp server that
records every call and can answer the next calls with an injected status (429, 403, ...).
FakeIdentity plays Bot Framework's OpenID metadata and JWKS, and signs test tokens with its own RSA key.
It runs in a thread because botbuilder fetches the metadata with blocking `requests`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


@dataclass
class Call:
    """One request the fake connector received."""

    method: str
    path: str
    body: dict[str, Any]
    authorization: str | None
    client_port: int = 0  # the caller's TCP port: the same port twice means a reused connection

    @property
    def conversation(self) -> str:
        return self.path.split("/")[3] if self.path.count("/") >= 3 else ""


@dataclass
class FakeConnector:
    """A Bot Connector on 127.0.0.1:<ephemeral>; `url` is the serviceUrl to put in activities."""

    calls: list[Call] = field(default_factory=list)
    _fail: list[int] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    url: str = ""
    retry_after: str | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, *statuses: int, retry_after: str | None = None) -> None:
        """Answer the next len(statuses) calls with these HTTP statuses, in order."""
        self._fail.extend(statuses)
        self.retry_after = retry_after

    def pending_failures(self) -> int:
        """Injected failures not answered yet."""
        return len(self._fail)

    def sent(self, method: str | None = None) -> list[Call]:
        """The calls that went through (not the injected failures), optionally by method."""
        return [c for c in self.calls if method is None or c.method == method]

    def cards(self) -> list[dict[str, Any]]:
        """Every Adaptive Card delivered (sent or updated), in order."""
        return [
            a["content"]
            for c in self.calls
            for a in c.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    async def _record(self, request: web.Request) -> web.Response | None:
        body = await request.json() if request.can_read_body else {}
        if self._fail:
            status = self._fail.pop(0)
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            error = {"error": {"code": "Injected", "message": str(status)}}
            return web.json_response(error, status=status, headers=headers)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        authorization = request.headers.get("Authorization")
        port = int(peer[1]) if peer else 0
        self.calls.append(Call(request.method, request.path, body, authorization, port))
        return None

    async def _create(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        return failed or web.json_response({"id": f"a:new-{next(self._ids)}", "activityId": "1"}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        return failed or web.json_response({"id": f"17093700{next(self._ids):05d}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        return failed or web.json_response({"id": request.match_info["activity"]}, status=200)


class FakeIdentity:
    """OpenID metadata + JWKS for Bot Framework tokens, and a signer for test tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        endorsements = ["msteams", "emulator"]
        self.jwks = {"keys": [{**jwk, "kid": self.kid, "use": "sig", "endorsements": endorsements}]}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.metadata_url = f"{self.base}/v1/.well-known/openidconfiguration"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def token(self, audience: str, service_url: str, *, key: Any = None, **claims: Any) -> str:
        """A signed token as Bot Framework would send it; override any claim to forge a bad one."""
        now = int(time.time())
        payload = {
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": now - 10,
            "iat": now - 10,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        documents = {
            "/v1/.well-known/openidconfiguration": {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "jwks_uri": "{base}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            },
            "/v1/.well-known/keys": self.jwks,
        }
        identity = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                doc = documents.get(self.path)
                body = json.dumps(doc).replace("{base}", identity.base).encode() if doc else b"{}"
                self.send_response(200 if doc else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
