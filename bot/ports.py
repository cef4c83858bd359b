"""What the core needs from outside, as Protocols: adapters and the store implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.model import Reply, UserRef
from bot.tone import RewriteResult, Style


@dataclass(frozen=True, slots=True)
class ChecklistState:
    """A person's progress through one checklist."""

    id: str
    owner: UserRef
    checklist_id: str
    checked: frozenset[str]
    done: bool


@dataclass(frozen=True, slots=True)
class Preferences:
    setting: str | None = None


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class Store(Protocol):
    """Persistence for structured choices and ids; never message text."""

    async def start_checklist(self, owner: UserRef, checklist_id: str) -> ChecklistState: ...
    async def checklist(self, session_id: str) -> ChecklistState | None: ...
    async def set_checked(self, session_id: str, step_id: str, checked: bool) -> ChecklistState | None: ...
    async def finish_checklist(self, session_id: str) -> ChecklistState | None: ...
    async def preferences(self, who: UserRef) -> Preferences: ...
    async def save_preferences(self, who: UserRef, prefs: Preferences) -> None: ...
    async def forget(self, who: UserRef) -> int: ...
    async def forget_workspace(self, platform: str, workspace: str) -> int: ...
    async def claim_once(self, key: str) -> bool: ...
    async def ping(self) -> None: ...


class Rewriter(Protocol):
    """Makes a calmer version of a draft: the offline engine, or an LLM behind the same guard."""

    async def rewrite(self, text: str, style: Style = "calm") -> RewriteResult: ...


class Outbox(Protocol):
    """Proactive delivery to a person's DM, implemented by each platform adapter."""

    async def send(self, who: UserRef, reply: Reply) -> None: ...


@runtime_checkable
class LearnsLimits(Protocol):
    """An Outbox that learns each workspace's send rate from the platform's 429s: the scheduler tells it
    how many instances are sending, since each learned only its share."""

    def share_among(self, senders: int) -> None: ...


class Metrics(Protocol):
    """Counts for monitoring: a metric name and a few low-cardinality labels, never text or ids."""

    def count(self, name: str, amount: int = 1, **labels: str) -> None: ...


class NullMetrics:
    """Counts nothing: the default when no metrics backend is attached."""

    def count(self, name: str, amount: int = 1, **labels: str) -> None:
        """Ignore the count."""
