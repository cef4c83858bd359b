"""The retention job: deletes rows older than app.yaml's `retention` policy, at most once an hour."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.flows import Services
from bot.store.usage import purge_expired

log = logging.getLogger(__name__)


class RetentionJob:
    """Call `tick()` as often as you like; it purges when an hour has passed since the last purge."""

    def __init__(self, services: Services, every: timedelta = timedelta(hours=1)) -> None:
        self.services = services
        self.every = every
        self._last: datetime | None = None

    async def tick(self) -> dict[str, int] | None:
        now = self.services.clock.now()
        if self._last is not None and now - self._last < self.every:
            return None
        self._last = now
        deleted = await purge_expired(self.services.store, now, self.services.config.settings.retention)
        if any(deleted.values()):
            log.info("retention job deleted %s", ", ".join(f"{t}={n}" for t, n in deleted.items() if n))
        return deleted
