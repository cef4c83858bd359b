"""The Bot Connector's HTTP on the server's event loop: one aiohttp session instead of requests in threads.

msrest sends every ConnectorClient request with `requests`, run in the event loop's default thread pool
(six workers on two cores). Each worker then competes with the loop for the GIL, and the pool caps how
many replies can be in flight: under load, Teams replies queued behind it for seconds while the loop sat
half idle. `ConnectorTransport.install` gives a client a pipeline that ends in aiohttp on one shared,
pooled session. It keeps msrest's own policies (user agent, raw deserializer, HTTP logger); the bearer
token comes from the client's credentials, as msrest's requests policy took it, with the token fetch (MSAL,
blocking, cached by MSAL) moved to a thread. Retries stay where they were: `Delivery` (tenacity).
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import aiohttp
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.async_abc import AsyncClientResponse

CONNECTOR_TIMEOUT_S = 30  # one Bot Connector call; Delivery retries what times out
TOKEN_REUSE_S = 240.0  # how long a bearer header is reused (MSAL's cached tokens have over 5 min left)


class ConnectorTransport:
    """One aiohttp session shared by every ConnectorClient of a server; close it on shutdown."""

    def __init__(self, timeout_s: float = CONNECTOR_TIMEOUT_S) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """The shared session, opened on first use (it must be made inside the running loop)."""
        if self._session is None or self._session.closed:
            # trust_env: HTTP(S)_PROXY and NO_PROXY apply, as they did to requests (egress proxies)
            self._session = aiohttp.ClientSession(timeout=self._timeout, trust_env=True)
        return self._session

    def install(self, client: Any) -> None:
        """Make `client` (a botframework ConnectorClient) send through this transport."""
        config = client.config
        policies = [
            config.user_agent_policy,
            _BearerToken(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
        ]
        config.pipeline = AsyncPipeline(policies, _AiohttpSender(self))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class _BearerToken(AsyncHTTPPolicy[Any, Any]):
    """Sets `Authorization` the way botframework's credentials sign a requests session.

    The header is reused for TOKEN_REUSE_S: MSAL hands out a cached token only while it has at least five
    minutes left, so a shorter reuse never sends an expired one, and most sends skip the thread hop.
    """

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials
        self._authorization: str | None = None
        self._fetched_at = -TOKEN_REUSE_S

    async def send(self, request: Request[Any], **kwargs: Any) -> Response[Any, Any]:
        authorization = await self._header()
        if authorization:
            request.http_request.headers["Authorization"] = authorization
        assert self.next is not None  # set by AsyncPipeline
        return await self.next.send(request, **kwargs)

    async def _header(self) -> str | None:
        credentials = self._credentials
        # Without an app id (Emulator, dev) botframework signs nothing.
        if credentials is None or not getattr(credentials, "microsoft_app_id", True):
            return None
        now = time.monotonic()
        if now - self._fetched_at >= TOKEN_REUSE_S:
            signed = SimpleNamespace(headers={})  # all that `signed_session` touches of a requests session
            await asyncio.to_thread(credentials.signed_session, signed)  # MSAL may go to the network
            self._authorization, self._fetched_at = signed.headers.get("Authorization"), now
        return self._authorization


class _AiohttpSender(AsyncHTTPSender[Any, Any]):
    """The pipeline's last step: one request on the shared session, its body read in full."""

    def __init__(self, transport: ConnectorTransport) -> None:
        self._transport = transport

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        return None

    def build_context(self) -> None:
        return None

    async def send(self, request: Request[Any], **config: Any) -> Response[Any, Any]:
        http = request.http_request
        async with self._transport.session().request(
            http.method, http.url, headers=http.headers, data=http.data
        ) as raw:
            body = await raw.read()
        return Response(request, _LoadedResponse(http, raw, body))


class ConnectorStatusError(Exception):
    """An error status from the Bot Connector (msrest keeps it as the error of the exception it raises)."""


class _LoadedResponse(AsyncClientResponse):
    """A response read in full, shaped like the requests one msrest had: msrest's errors keep their
    `internal_response` as `.response`, and `Delivery` reads `status_code` and `headers` there."""

    def __init__(self, request: Any, raw: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, self)
        self.status_code: int = raw.status
        self.headers = raw.headers  # type: ignore[assignment]  # read-only and case-insensitive, as msrest reads it
        self.reason = raw.reason
        self._body = body

    def body(self) -> bytes:
        return self._body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise ConnectorStatusError(f"{self.status_code} {self.reason}")
