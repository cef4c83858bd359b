"""What the core needs from outside, as Protocols: adapters and the store implement them."""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True, slots=True)
class LearnedPace:
    """A workspace's send rate as one instance learned it from the platform's 429s, for all the instances
    together: `rate` sends per second at `since` (Unix time), then doubling every second while `ceiling` is
    None (slow start), or climbing from `ceiling`, the cut that the last 429 made (slowly when `settled`).
    `climbed_s`: how long the pace has climbed from `ceiling` since then, so the next process goes on from
    the pace the platform last took instead of from the ceiling again."""

    rate: float
    ceiling: float | None
    since: float
    settled: bool = False  # the ceiling was set by a 429 met while climbing (close), not in slow start
    climbed_s: float = 0.0


@runtime_checkable
class LearnsLimits(Protocol):
    """An Outbox that learns each workspace's send rate from the platform's 429s. The scheduler tells it
    how many instances send (each takes an equal share), and passes what each instance learned to the others
    (the instances then pace as one). `learns` is False where a rate is configured: nothing to learn."""

    @property
    def learns(self) -> bool: ...
    def share_among(self, senders: int) -> None: ...
    def learned(self) -> dict[str, LearnedPace]: ...
    def adopt(self, paces: Mapping[str, LearnedPace]) -> None: ...


@runtime_checkable
class HoldsSends(Protocol):
    """An Outbox that holds a workspace's sends for a while (a Retry-After, a learned pace). The scheduler
    waits for `ready` before each try takes one of its places in flight, and tries with `attempt`: a
    workspace held for a minute must not stop the lessons of every other workspace. (`send` waits out the
    holds itself, for callers that do not mind.)"""

    async def ready(self, workspace: str) -> None:
        """Wait until a send to `workspace` would go at once (its turn is taken by the try itself)."""
        ...

    async def attempt(self, who: UserRef, reply: Reply) -> bool:
        """One try; False when the platform refused it for now (the workspace is then held): try again
        after `ready`. Other failures raise, as `send` does."""
        ...


class Metrics(Protocol):
    """Counts for monitoring: a metric name and a few low-cardinality labels, never text or ids."""

    def count(self, name: str, amount: int = 1, **labels: str) -> None: ...


class NullMetrics:
    """Counts nothing: the default when no metrics backend is attached."""

    def count(self, name: str, amount: int = 1, **labels: str) -> None:
        """Ignore the count."""
