"""A forward HTTP proxy on 127.0.0.1:<ephemeral> that answers every request itself and records the
absolute URL each was for: enough to show that a client sends through HTTP(S)_PROXY."""

from __future__ import annotations

from typing import Any

from aiohttp import web


class FakeProxy:
    def __init__(self, answer: dict[str, Any], status: int = 200) -> None:
        self.answer, self.status = answer, status
        self.seen: list[str] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> FakeProxy:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        self.seen.append(str(request.url))  # a proxy is sent the target's absolute URL
        return web.json_response(self.answer, status=self.status)
