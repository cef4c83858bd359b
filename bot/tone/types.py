"""Value types returned by the tone engine (all frozen, all plain data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Style = Literal["calm", "warm", "concise", "coach"]
STYLES: tuple[Style, ...] = ("calm", "warm", "concise", "coach")
Level = Literal["calm", "tense", "heated"]
SafetyKind = Literal["self_harm", "violence", "harassment"]
SAFETY_KINDS: tuple[SafetyKind, ...] = ("self_harm", "violence", "harassment")

MAX_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class Signal:
    """One thing in a message that raises tension, where it is, why, and what to do instead."""

    kind: str
    start: int
    end: int
    text: str
    why: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class SafetyHit:
    """A message that needs the safety route; never carries the matched words."""

    kind: SafetyKind


@dataclass(frozen=True, slots=True)
class ToneReport:
    """How tense a message reads (0..1), its level, the signals found and any safety hit."""

    tension: float
    level: Level
    signals: tuple[Signal, ...]
    safety: SafetyHit | None


@dataclass(frozen=True, slots=True)
class Change:
    """One edit made by a rewrite, with the reason for it."""

    before: str
    after: str
    why: str


@dataclass(frozen=True, slots=True)
class RewriteResult:
    """A calmer version of a message, what changed and why, and tension before and after."""

    text: str
    style: Style
    engine: str
    tension_before: float
    tension_after: float
    changes: tuple[Change, ...]
    safety: SafetyHit | None
    unchanged: bool
    notes: tuple[str, ...]
