"""Flesch reading ease in pure Python: a plain-language check for playbook content.

    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

Higher is easier: 60 to 70 is plain English, 80 and above is easy. Syllables are counted with a small
heuristic (vowel groups, less a silent final e and a few common endings), which is close enough to rank
texts and to flag long words and long sentences; it is not a dictionary count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s|$)|\n\s*\n|:\s*\n")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SILENT_ENDING = re.compile(r"(?:[^aeiouy]e|[^aeiouytd]ed|[^aeiouyszxhc]es)$")
_SYLLABIC_LE = re.compile(r"[^aeiouy]le$")
_SPLIT_PAIR = re.compile(r"(?<![ct])ia|(?<!p)eo|ua|uo|iu|(?<![tscxn])io|ea$")


@dataclass(frozen=True, slots=True)
class TextStats:
    """The counts a Flesch score is built from."""

    sentences: int
    words: int
    syllables: int


def syllables(word: str) -> int:
    """Estimate the syllables in one English word (at least 1)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(w))
    if _SILENT_ENDING.search(w) and not _SYLLABIC_LE.search(w):
        count -= 1
    count += len(_SPLIT_PAIR.findall(w))  # "idea", "area", "video": two vowels, two syllables
    return max(1, count)


def words(text: str) -> list[str]:
    """The words in a text: runs of letters or digits, with inner apostrophes kept."""
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    """Sentences, counted by end marks (. ! ?) and paragraph breaks; at least 1 for any text with words."""
    pieces = [p for p in _SENTENCE_END.split(text) if words(p)]
    return max(1, len(pieces)) if words(text) else 0


def stats(text: str) -> TextStats:
    """Count sentences, words and syllables."""
    found = words(text)
    return TextStats(
        sentences=sentence_count(text),
        words=len(found),
        syllables=sum(syllables(w) for w in found),
    )


def flesch_reading_ease(text: str) -> float:
    """The Flesch reading ease of `text`; 100.0 for a text with no words (nothing hard to read)."""
    s = stats(text)
    if s.words == 0:
        return 100.0
    return 206.835 - 1.015 * (s.words / s.sentences) - 84.6 * (s.syllables / s.words)


def joined(*parts: str) -> str:
    """Join text fragments into one text, ending each fragment as a sentence so they are not run together."""
    cleaned = (p.strip() for p in parts)
    return " ".join(p if p[-1] in ".!?\"')”’" else f"{p}." for p in cleaned if p)
