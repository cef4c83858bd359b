"""Work that continues after a platform request has been answered (an LLM rewrite, follow-up messages).

Tasks are kept, so they are not garbage-collected mid-flight, their failures are logged (by type only:
an exception may quote a draft), and a shutdown can wait for them to finish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as exc:
            log.error("%s follow-up failed: %s", self._name, type(exc).__name__)

    async def drain(self, grace_s: float = 10.0) -> None:
        """Wait up to `grace_s` seconds for the work in flight; cancel what is left."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=grace_s)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("%s: %d follow-ups cancelled at shutdown", self._name, len(pending))
