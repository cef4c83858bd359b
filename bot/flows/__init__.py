"""User-facing flows over the Store. Each module maps command names and action names to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.model import Inbound, Reply, UserRef
from bot.playbooks import Library
from bot.ports import Clock, Metrics, NullMetrics, Rewriter
from bot.settings import Config
from bot.store import SqlStore
from bot.store.lessons import LessonRepo
from bot.store.mediation import MediationRepo
from bot.tone import ToneEngine


@dataclass(frozen=True)
class Services:
    """Everything a flow may use; built once at start-up and passed in (no module-level globals)."""

    config: Config
    library: Library
    store: SqlStore
    engine: ToneEngine  # analysis, always offline
    rewriter: Rewriter  # the offline engine, or the guarded LLM rewriter
    clock: Clock
    lessons: LessonRepo
    mediation: MediationRepo
    metrics: Metrics = field(default_factory=NullMetrics)  # counts only; adapters attach Prometheus
    # Replies that depend on nothing but the content and a setting (the situation picker), made once each.
    shared_replies: dict[tuple[str, str], Reply] = field(default_factory=dict, repr=False, compare=False)

    async def setting_of(self, who: UserRef) -> str:
        """The setting the person chose, else app.yaml's default."""
        return (await self.store.preferences(who)).setting or self.config.settings.default_setting

    def setting_name(self, setting: str) -> str:
        return self.library.catalog.name("settings", setting)


CommandHandler = Callable[[Services, Inbound, str], Awaitable[list[Reply]]]
ActionHandler = Callable[[Services, Inbound], Awaitable[list[Reply]]]
