"""The capped listener, over real sockets: no more connections open than the cap, nobody turned away."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from adapters.listener import CappedListener

CAP = 4


class Slow:
    """A handler that holds every request until released, counting how many it holds at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.held = self.most_held = 0
        self._arrived = asyncio.Condition()

    async def holding(self, count: int) -> None:
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.held >= count)

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.held += 1
        self.most_held = max(self.most_held, self.held)
        async with self._arrived:
            self._arrived.notify_all()
        try:
            await self.release.wait()
        finally:
            self.held -= 1
        return web.Response(text="ok")


@pytest.fixture
async def slow() -> Slow:
    return Slow()


@pytest.fixture
async def listener(slow: Slow) -> AsyncIterator[CappedListener]:
    app = web.Application()
    app.router.add_post("/", slow.handle)
    runner = web.AppRunner(app)
    capped = CappedListener(runner, "127.0.0.1", 0, max_connections=CAP)
    await runner.setup()
    await capped.start()
    yield capped
    await capped.stop()
    await runner.cleanup()


def url(listener: CappedListener, host: str | None = None) -> str:
    """Where the listener answers; `host`: by another address than the one it is bound to."""
    bound, port = listener.address
    host = host or bound
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


async def post(session: aiohttp.ClientSession, to: str) -> tuple[int, str | None]:
    async with session.post(to, data=b"draft") as response:
        await response.read()
        return response.status, response.headers.get("Connection")


async def test_past_the_cap_connections_wait_in_the_queue_and_are_all_served(
    listener: CappedListener, slow: Slow
) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        requests = [asyncio.create_task(post(session, url(listener))) for _ in range(3 * CAP)]
        await slow.holding(CAP)
        await asyncio.sleep(0.5)  # time for every client to connect, and for a wrongly accepted one to arrive
        assert slow.held == CAP and listener.open_connections == CAP
        slow.release.set()
        answers = await asyncio.gather(*requests)
    assert [status for status, _ in answers] == [200] * (3 * CAP)
    assert slow.most_held == CAP


async def test_keeps_connections_alive_until_near_the_cap(listener: CappedListener, slow: Slow) -> None:
    slow.release.set()
    async with aiohttp.ClientSession() as session:
        assert [await post(session, url(listener)) for _ in range(3)] == [(200, None)] * 3
        assert listener.open_connections == 1  # one connection, kept alive and reused
    slow.release.clear()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        busy = [asyncio.create_task(post(session, url(listener))) for _ in range(CAP)]
        await slow.holding(CAP)
        slow.release.set()
        answers = await asyncio.gather(*busy)
    assert {connection for _, connection in answers} == {"close"}  # near the cap: closed after the answer


async def test_clients_that_break_off_or_send_garbage_give_their_places_back(
    listener: CappedListener, slow: Slow
) -> None:
    slow.release.set()
    host, port = listener.address
    cut_short = b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nab"
    junk = [b"", b"\x00\xff" * 100, b"GET / HTTP/1.1\r\nHost", cut_short]
    for _ in range(3):  # three times the cap of them, each leaving at once
        for data in junk:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(data)
            await writer.drain()
            writer.close()
            await writer.wait_closed()
    reader, writer = await asyncio.open_connection(host, port)  # malformed HTTP: aiohttp answers 400
    writer.write(b"BREW /pot HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
    assert b" 400 " in await reader.readline()
    writer.close()
    for _ in range(500):  # the server notices each of them leave
        if not listener.open_connections:
            break
        await asyncio.sleep(0.01)
    assert listener.open_connections == 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        answers = await asyncio.gather(*(post(session, url(listener)) for _ in range(2 * CAP)))
    assert [status for status, _ in answers] == [200] * (2 * CAP)


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")
async def test_listens_on_ipv6_and_on_both_families_at_once() -> None:
    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    for host, reached in (("::1", "::1"), ("::", "127.0.0.1")):
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app)
        capped = CappedListener(runner, host, 0, max_connections=CAP)
        await runner.setup()
        await capped.start()
        try:
            async with aiohttp.ClientSession() as session, session.get(url(capped, reached)) as response:
                assert response.status == 200
        finally:
            await capped.stop()
            await runner.cleanup()


async def test_a_request_in_flight_at_shutdown_is_answered(slow: Slow) -> None:
    """Shutdown as `serve` does it: the listener stops accepting, then the runner drains what is open."""
    app = web.Application()
    app.router.add_post("/", slow.handle)
    runner = web.AppRunner(app, shutdown_timeout=5)
    capped = CappedListener(runner, "127.0.0.1", 0, max_connections=CAP)
    await runner.setup()
    await capped.start()
    async with aiohttp.ClientSession() as session:
        answer = asyncio.create_task(post(session, url(capped)))
        await slow.holding(1)
        await capped.stop()
        draining = asyncio.create_task(runner.cleanup())
        await asyncio.sleep(0.2)
        assert not answer.done()  # still held: shutdown waits for it
        slow.release.set()
        assert (await answer)[0] == 200
        await draining


async def test_stop_refuses_new_connections(listener: CappedListener, slow: Slow) -> None:
    slow.release.set()
    to = url(listener)
    await listener.stop()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await post(session, to)


async def test_must_hook_the_app_before_setup() -> None:
    runner = web.AppRunner(web.Application())
    await runner.setup()
    try:
        with pytest.raises(RuntimeError):
            CappedListener(runner, "127.0.0.1", 0, max_connections=CAP)
    finally:
        await runner.cleanup()
