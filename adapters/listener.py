"""The listening socket: a connection is accepted only while the process has room for it.

Past saturation, every waiting request used to cost the process its connection, parsed request and task
(30-60 KB each; 2,600 of them when one instance was offered 1,000 requests/s). With a cap on open
connections the excess waits in the kernel's accept queue, which costs the process nothing, and clients are
served in arrival order. Near the cap, responses close their connection instead of keeping it alive, so
idle keep-alive connections cannot hold the room that waiting clients need.
"""

from __future__ import annotations

import asyncio
import logging
import socket

from aiohttp import hdrs, web

log = logging.getLogger(__name__)
BACKLOG = 4096  # the kernel's accept queue; Linux caps it at net.core.somaxconn
FULL_POLL_S = 0.002  # how often a full listener looks for room (only while full)


def bind(host: str, port: int) -> socket.socket:
    """A non-blocking listening socket: IPv6 when the host is an IPv6 address ("::" takes IPv4 as well)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    both = host == "::" and socket.has_dualstack_ipv6()
    sock = socket.create_server((host, port), family=family, backlog=BACKLOG, dualstack_ipv6=both)
    sock.setblocking(False)
    return sock


class CappedListener:
    """Serves an aiohttp app runner on host:port with at most `max_connections` connections open at once.

    Make it before `runner.setup()` (it hooks the app's response signal) and start it after.
    """

    def __init__(self, runner: web.AppRunner, host: str, port: int, *, max_connections: int) -> None:
        if runner.server is not None:
            raise RuntimeError("make the listener before runner.setup(): it hooks the app's responses")
        runner.app.on_response_prepare.append(self._on_response_prepare)
        self._runner = runner
        self._host, self._port = host, port
        self.max_connections = max_connections
        # Keep-alive stops at three quarters of the cap: the rest is room for new arrivals.
        self._keep_alive_below = max(1, max_connections * 3 // 4)
        self._opening: set[asyncio.Task[object]] = set()  # accepted, transport not made yet
        self._server: web.Server | None = None  # the runner's, once started
        self._sock: socket.socket | None = None
        self._accepting: asyncio.Task[None] | None = None

    @property
    def open_connections(self) -> int:
        served = len(self._server.connections) if self._server is not None else 0
        return served + len(self._opening)

    @property
    def address(self) -> tuple[str, int]:
        if self._sock is None:
            raise RuntimeError("not listening")
        host, port = self._sock.getsockname()[:2]
        return host, port

    async def start(self) -> None:
        self._server = self._runner.server
        if self._server is None:
            raise RuntimeError("call runner.setup() before listening")
        self._sock = bind(self._host, self._port)
        self._accepting = asyncio.create_task(self._accept_loop(self._server, self._sock), name="accept")

    async def stop(self) -> None:
        """Stop accepting; connections already open are the runner's to drain."""
        if self._accepting is not None:
            self._accepting.cancel()
            await asyncio.gather(self._accepting, return_exceptions=True)
        if self._sock is not None:
            self._sock.close()
        if self._opening:
            await asyncio.gather(*self._opening, return_exceptions=True)

    async def _on_response_prepare(self, _request: web.Request, response: web.StreamResponse) -> None:
        """Near the cap, this response closes its connection, and says so (its headers are made already)."""
        if self.open_connections >= self._keep_alive_below:
            response.force_close()
            response.headers[hdrs.CONNECTION] = "close"

    def _room(self) -> int:
        return self.max_connections - self.open_connections

    async def _accept_loop(self, server: web.Server, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # aiohttp has no public event for a closed connection, so a full listener polls.
            while self._room() <= 0:  # noqa: ASYNC110
                await asyncio.sleep(FULL_POLL_S)
            try:
                conn, _ = await loop.sock_accept(sock)
                self._open(server, conn)
                while self._room() > 0:  # take what is already queued, up to the room left
                    conn, _ = sock.accept()
                    self._open(server, conn)
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                continue
            except OSError as exc:  # out of file descriptors, for one: wait instead of spinning
                log.warning("accept failed (%s); retrying in 0.1 s", type(exc).__name__)
                await asyncio.sleep(0.1)

    def _open(self, server: web.Server, conn: socket.socket) -> None:
        conn.setblocking(False)
        loop = asyncio.get_running_loop()
        task: asyncio.Task[object] = asyncio.create_task(loop.connect_accepted_socket(server, conn))
        self._opening.add(task)
        task.add_done_callback(self._opened)

    def _opened(self, task: asyncio.Task[object]) -> None:
        self._opening.discard(task)
        if not task.cancelled() and task.exception() is not None:  # the peer left before we got to it
            log.debug("connection not opened: %s", type(task.exception()).__name__)
