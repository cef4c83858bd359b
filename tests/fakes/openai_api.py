"""A fake OpenAI-compatible chat-completions server: a real aiohttp server on an ephemeral port.

Each request takes the next scripted answer (status, content, delay, headers); the last one repeats.
Every request body is recorded, so tests can check what was (or was not) sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Answer:
    status: int = 200
    content: str | None = None  # the assistant message; None: echo a calm rewrite of the draft
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None  # a raw body instead of a chat-completions object


@dataclass
class FakeOpenAI:
    answers: list[Answer] = field(default_factory=lambda: [Answer()])
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: TestServer | None = None

    async def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/v1"))

    def drafts(self) -> list[str]:
        return [json.loads(r["messages"][1]["content"])["draft"] for r in self.requests]

    async def _complete(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        await asyncio.sleep(answer.delay)
        if answer.status != 200:
            return web.json_response(
                {"error": {"message": "scripted"}}, status=answer.status, headers=answer.headers
            )
        if answer.raw is not None:
            return web.Response(text=answer.raw, content_type="application/json")
        content = answer.content if answer.content is not None else json.dumps({"rewrite": "Can we talk?"})
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})
