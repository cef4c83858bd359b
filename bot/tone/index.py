"""Word-indexed pattern matching: each word of a text tries only the patterns that can start with it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.tone.patterns import LOOKBEHIND, CompiledPattern, norm_word

T = TypeVar("T")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(slots=True)
class Tokens:
    """Words of a (masked) message as parallel lists: start, end and lookup form."""

    starts: list[int]
    ends: list[int]
    words: list[str]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(slots=True)
class Found(Generic[T]):
    """One pattern match from an index: its category, payload, span and group spans."""

    category: str
    payload: T
    start: int
    end: int
    groups: tuple[tuple[int, int], ...]


class _Bucket(Generic[T]):
    """All patterns of one category that start with the same word, compiled into one alternation."""

    def __init__(self, category: str, items: list[tuple[CompiledPattern, T]], word: str = "") -> None:
        items = sorted(items, key=lambda it: (-it[0].min_words, -it[0].max_words, -len(it[0].source)))
        bodies, self.payloads, self.groups = [], [], []
        self.offsets: dict[str, tuple[int, int]] = {}
        group = 1
        for k, (pattern, payload) in enumerate(items):
            bodies.append(f"(?P<p{k}>{pattern.regex.pattern.removeprefix(LOOKBEHIND)})")
            self.offsets[f"p{k}"] = (k, group)
            self.payloads.append(payload)
            self.groups.append(pattern.regex.groups)
            group += 1 + pattern.regex.groups
        self.category = category
        seconds = [p.second_words.get(word) for p, _ in items]
        self.next_words: frozenset[str] | None = (
            None
            if any(w is None for w in seconds)
            else frozenset().union(*(w for w in seconds if w is not None))
        )
        self.regex = re.compile(LOOKBEHIND + "(?:" + "|".join(bodies) + ")", re.IGNORECASE)

    def match(self, text: str, pos: int) -> Found[T] | None:
        m = self.regex.match(text, pos)
        if m is None or m.lastgroup is None:
            return None
        k, base = self.offsets[m.lastgroup]
        groups = tuple(m.span(base + n) for n in range(1, self.groups[k] + 1))
        return Found(self.category, self.payloads[k], m.start(), m.end(), groups)


class PatternIndex(Generic[T]):
    """Patterns indexed by their first word, so each word of a text tries one alternation per category."""

    def __init__(self, items: list[tuple[CompiledPattern, str, T]]) -> None:
        by_key: dict[tuple[str, str], list[tuple[CompiledPattern, T]]] = {}
        by_stem: dict[tuple[str, str], list[tuple[CompiledPattern, T]]] = {}
        for pattern, category, payload in items:
            for word in pattern.first_words:
                by_key.setdefault((word, category), []).append((pattern, payload))
            for stem in pattern.first_stems:
                by_stem.setdefault((stem, category), []).append((pattern, payload))
        self._by_word: dict[str, list[_Bucket[T]]] = {}
        for (word, category), group in by_key.items():
            self._by_word.setdefault(word, []).append(_Bucket(category, group, word))
        self._by_stem: dict[str, list[_Bucket[T]]] = {}
        for (stem, category), group in by_stem.items():
            self._by_stem.setdefault(stem, []).append(_Bucket(category, group))
        self._stems = tuple(self._by_stem)

    def find(self, text: str, tokens: Tokens) -> Iterator[Found[T]]:
        """Every match (one per category and word) of the indexed patterns in `text`."""
        by_word, stems, words = self._by_word, self._stems, tokens.words
        last = len(words) - 1
        for i, word in enumerate(words):
            buckets = by_word.get(word)
            if buckets is not None:
                following = words[i + 1] if i < last else ""
                for bucket in buckets:
                    if bucket.next_words is not None and following not in bucket.next_words:
                        continue
                    if (found := bucket.match(text, tokens.starts[i])) is not None:
                        yield found
            if stems and word.startswith(stems):
                for stem in stems:
                    if word.startswith(stem):
                        for bucket in self._by_stem[stem]:
                            if (found := bucket.match(text, tokens.starts[i])) is not None:
                                yield found


def tokenize(masked: str) -> Tokens:
    """Words of the (masked) text with their spans and lower-cased, apostrophe-straightened forms."""
    spans = [m.span() for m in _TOKEN.finditer(masked)]
    lowered = masked.lower()
    if len(lowered) != len(masked):
        words = [norm_word(masked[s:e]) for s, e in spans]
    else:
        words = [lowered[s:e] for s, e in spans]
        if "’" in masked:
            words = [w.replace("’", "'") for w in words]
    return Tokens([s for s, _ in spans], [e for _, e in spans], words)


class Spans:
    """Disjoint, sorted intervals with logarithmic overlap tests (keeps scanning linear overall)."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans or []):
            if self.ends and start < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) meets any interval."""
        i = bisect.bisect_left(self.ends, start + 1)
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        """Insert an interval known not to overlap any other."""
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
