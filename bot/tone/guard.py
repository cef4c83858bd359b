"""The guard: the single source of what any rewrite (offline rules or an LLM) must preserve.

Reasons never quote the message, so they are safe to log.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from bot.tone.analyse import Analyzer, masked_for_analysis
from bot.tone.protect import kept_form, protected_tokens, spans_remembered
from bot.tone.types import MAX_CHARS, ToneReport

if TYPE_CHECKING:
    from bot.tone.engine import ToneEngine

# "before" sets a deadline when something follows it ("before Friday", "before you merge"); as an adverb
# ("I've said this before and I'll say it again", "as I said before.") it sets none, nor does "before I do"
# ending its clause ("talk to her before I do": a threat to act, no time).
_URGENT = re.compile(
    r"\b(?:now|immediately|right away|urgently|straight away|by|until|no later than"
    r"|before(?![ \t]*(?:[,.;:!?)\n]|$|(?:and|but|or|so|though|too|either|now|yet)\b"
    r"|I[ \t]+do[ \t]*(?:[,.;:!?)\n]|$))))\b",
    re.IGNORECASE,
)
MAX_GROWTH = 1.6
MAX_EXTRA_CHARS = 80


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _shape_reasons(original: str, candidate: str) -> list[str]:
    reasons: list[str] = []
    if _has_words(original) and not _has_words(candidate):  # "." left of "Don't make me ask again."
        reasons.append("the rewrite is empty")
    if len(candidate) > min(MAX_CHARS, int(len(original) * MAX_GROWTH) + MAX_EXTRA_CHARS):
        reasons.append("the rewrite is much longer than the draft")
    words_before, words_after = len(original.split()), len(candidate.split())
    if words_before >= 8 and words_after < 0.3 * words_before:
        reasons.append("the rewrite drops most of the draft")
    return reasons


def _protected_reasons(original: str, candidate: str) -> list[str]:
    before = Counter(map(kept_form, protected_tokens(original)))
    after = Counter(map(kept_form, protected_tokens(candidate)))
    reasons = []
    if before - after:
        reasons.append(
            f"{sum((before - after).values())} protected item(s) (names, links, numbers, dates, "
            "code or quotes) were lost or changed"
        )
    if after - before:
        reasons.append("the rewrite adds names, links, numbers, dates, code or quotes the draft did not have")
    return reasons


def _request_reasons(original: str, candidate: str, analyzer: Analyzer) -> list[str]:
    reasons = []
    # (each text masked once, for its question marks and its phrases: on a long message that is most of it)
    masked_before, masked_after = masked_for_analysis(original), masked_for_analysis(candidate)
    if "?" in masked_before and "?" not in masked_after:
        reasons.append("a question became a statement")
    before, after = analyzer.count_masked_phrases(masked_before), analyzer.count_masked_phrases(masked_after)
    if before["ask"] and not after["ask"]:
        reasons.append("the request was lost")
    if _URGENT.search(original) and not _URGENT.search(candidate):
        reasons.append("the deadline or urgency was lost")
    if after["apology"] > before["apology"]:
        reasons.append("the rewrite adds an apology the draft did not make")
    if after["promise"] > before["promise"]:
        reasons.append("the rewrite adds a promise the draft did not make")
    return reasons


def _tone_reasons(before: ToneReport, after: ToneReport, changed: bool) -> list[str]:
    reasons = []
    if before.safety is not None and changed:
        reasons.append("a message for the safety route must not be rewritten")
    if after.safety is not None and before.safety is None:
        reasons.append("the rewrite contains wording that triggers the safety route")
    if changed and any(signal.kind == "threat" for signal in after.signals):
        # a polished ultimatum ("Please keep ignoring the alerts and see what happens") is still one
        reasons.append("the rewrite still carries a threat")
    if after.tension > before.tension:
        reasons.append("the rewrite reads more tense than the draft")
    elif changed and before.tension > 0 and after.tension >= before.tension:
        reasons.append("the rewrite is not calmer than the draft")
    return reasons


def guard_reasons(
    original: str, candidate: str, before: ToneReport, after: ToneReport, analyzer: Analyzer
) -> list[str]:
    """All guard checks with both reports already computed."""
    changed = candidate != original
    if not changed:
        return _tone_reasons(before, after, changed)
    return (
        _shape_reasons(original, candidate)
        + _protected_reasons(original, candidate)
        + _request_reasons(original, candidate, analyzer)
        + _tone_reasons(before, after, changed)
    )


def check_guard(original: str, candidate: str, engine: ToneEngine) -> list[str]:
    """Reasons the candidate rewrite of `original` is unacceptable; an empty list means it is fine."""
    if len(candidate) > MAX_CHARS:
        return ["the rewrite is longer than the input limit"]
    with spans_remembered():  # (each text is masked by the analyser and again by the checks)
        before, after = engine.analyse(original), engine.analyse(candidate)
        return guard_reasons(original, candidate, before, after, engine.analyzer)
