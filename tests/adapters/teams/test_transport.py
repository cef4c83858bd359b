"""ConnectorClients send on the server's aiohttp session: tokens, errors and statuses as msrest gave them."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientConnectorError
from botbuilder.schema import Activity, ErrorResponseException
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AppCredentials, MicrosoftAppCredentials

from adapters.teams.outbox import status_of
from adapters.teams.transport import ConnectorTransport
from tests.fakes.connector import FakeConnector
from tests.fakes.proxy import FakeProxy


class IssuedToken(AppCredentials):  # type: ignore[misc]
    """Credentials whose token is issued without Entra ID (botframework asks subclasses for just this)."""

    def __init__(self) -> None:
        super().__init__(app_id="00000000-0000-0000-0000-00000000b07")
        self.fetched_on: list[str] = []

    def get_access_token(self, force_refresh: bool = False) -> str:
        self.fetched_on.append(threading.current_thread().name)
        return "issued-token"


@pytest.fixture
async def transport() -> AsyncIterator[ConnectorTransport]:
    transport = ConnectorTransport(timeout_s=5)
    try:
        yield transport
    finally:
        await transport.close()


async def send(transport: ConnectorTransport, url: str, credentials: object = None) -> Any:
    """One message through a new ConnectorClient on `transport` (anonymous, as in dev, by default)."""
    connector_client = ConnectorClient(credentials or MicrosoftAppCredentials("", ""), base_url=url)
    transport.install(connector_client)
    return await connector_client.conversations.send_to_conversation(
        "a:1conv", Activity(type="message", text="hello")
    )


async def test_a_reply_goes_out_with_the_token_fetched_off_the_event_loop(
    transport: ConnectorTransport, connector: FakeConnector
) -> None:
    credentials = IssuedToken()
    sent = await send(transport, connector.url, credentials)
    assert sent.id.startswith("17093700")  # the fake's answer, deserialized by msrest as before
    (call,) = connector.sent("POST")
    assert call.authorization == "Bearer issued-token"
    assert call.body["text"] == "hello"
    assert credentials.fetched_on and threading.main_thread().name not in credentials.fetched_on


async def test_one_client_reuses_its_bearer_header_for_a_while(
    transport: ConnectorTransport, connector: FakeConnector
) -> None:
    credentials = IssuedToken()
    client = ConnectorClient(credentials, base_url=connector.url)
    transport.install(client)
    for _ in range(3):
        await client.conversations.send_to_conversation("a:1conv", Activity(type="message", text="hi"))
    assert [c.authorization for c in connector.sent("POST")] == ["Bearer issued-token"] * 3
    assert len(credentials.fetched_on) == 1  # one thread hop, not one per send


async def test_without_an_app_id_nothing_is_signed(
    transport: ConnectorTransport, connector: FakeConnector
) -> None:
    await send(transport, connector.url)
    assert connector.sent("POST")[0].authorization is None


async def test_error_statuses_keep_the_shape_delivery_retries_on(
    transport: ConnectorTransport, connector: FakeConnector
) -> None:
    connector.fail_next(429, retry_after="3")
    with pytest.raises(ErrorResponseException) as caught:
        await send(transport, connector.url)
    assert status_of(caught.value) == 429
    assert caught.value.response.headers["retry-after"] == "3"
    assert "Injected" in str(caught.value)  # the connector's own error body was read
    assert connector.sent() == []


async def test_an_unreachable_connector_is_an_os_error(transport: ConnectorTransport) -> None:
    """TeamsOutbox turns OSError into a retryable DeliveryError; anything else would escape as a bug."""
    with pytest.raises(ClientConnectorError) as caught:
        await send(transport, "http://127.0.0.1:9/")
    assert isinstance(caught.value, OSError)


async def test_one_session_serves_every_client_and_closes_once(
    transport: ConnectorTransport, connector: FakeConnector
) -> None:
    for _ in range(3):
        await send(transport, connector.url)
    assert len({c.client_port for c in connector.sent("POST")}) == 1, "one pooled connection"
    session = transport.session()
    await transport.close()
    assert session.closed


async def test_an_egress_proxy_from_the_environment_is_used(
    transport: ConnectorTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests honoured HTTP(S)_PROXY for msrest; the aiohttp session must too (corporate egress)."""
    proxy = await FakeProxy({"id": "via-proxy"}, status=201).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        sent = await send(transport, "http://connector.invalid/")
    finally:
        await proxy.close()
    assert sent.id == "via-proxy"
    assert proxy.seen == ["http://connector.invalid/v3/conversations/a:1conv/activities"]
