"""The offline tone engine: tension analysis with reasons, a guarded rewriter and a safety route."""

from __future__ import annotations

from bot.tone.engine import ToneEngine
from bot.tone.guard import check_guard
from bot.tone.lexicon import Lexicon, load_lexicon
from bot.tone.protect import protected_spans
from bot.tone.types import (
    MAX_CHARS,
    STYLES,
    Change,
    RewriteResult,
    SafetyHit,
    Signal,
    Style,
    ToneReport,
)

__all__ = [
    "MAX_CHARS",
    "STYLES",
    "Change",
    "Lexicon",
    "RewriteResult",
    "SafetyHit",
    "Signal",
    "Style",
    "ToneEngine",
    "ToneReport",
    "check_guard",
    "load_lexicon",
    "protected_spans",
]
