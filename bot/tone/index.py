"""Word-indexed pattern matching: each word of a text tries only the patterns that can start with it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import Generic, TypeVar

from bot.tone.patterns import LOOKBEHIND, CompiledPattern, norm_word

T = TypeVar("T")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_TOKEN_SPLIT = re.compile(r"(\w+(?:['’]\w+)*)")


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
    index: int  # the token the match starts at


def _specific_first(item: tuple[CompiledPattern, object]) -> tuple[int, int, int]:
    """Try longer, more specific patterns first, so the longest reading of a phrase wins."""
    pattern = item[0]
    return (-pattern.min_words, -pattern.max_words, -len(pattern.source))


class _Bucket(Generic[T]):
    """Patterns of one category that can match at the same word, compiled into one alternation."""

    def __init__(self, category: str, items: list[tuple[CompiledPattern, T]]) -> None:
        bodies: list[str] = []
        # by the number of the group that wraps a pattern (the match's `lastindex`): its payload and the
        # slice of `regs` that holds its own groups
        self.by_group: dict[int, tuple[T, slice]] = {}
        group = 1
        for pattern, payload in items:
            bodies.append(f"({pattern.regex.pattern.removeprefix(LOOKBEHIND)})")
            self.by_group[group] = (payload, slice(group + 1, group + 1 + pattern.regex.groups))
            group += 1 + pattern.regex.groups
        self.category = category
        self.regex = re.compile(LOOKBEHIND + "(?:" + "|".join(bodies) + ")", re.IGNORECASE)

    def match(self, text: str, pos: int, index: int) -> Found[T] | None:
        m = self.regex.match(text, pos)
        if m is None or m.lastindex is None:
            return None
        payload, own = self.by_group[m.lastindex]
        return Found(self.category, payload, pos, m.end(), m.regs[own], index)


class PatternIndex(Generic[T]):
    """Patterns indexed by their first word (and, when known, the word after it), so each word of a text
    tries at most one short alternation per category."""

    def __init__(self, items: list[tuple[CompiledPattern, str, T]]) -> None:
        by_key: dict[tuple[str, str], list[tuple[CompiledPattern, T]]] = {}
        by_stem: dict[tuple[str, str], list[tuple[CompiledPattern, T]]] = {}
        for pattern, category, payload in items:
            for word in pattern.first_words:
                by_key.setdefault((word, category), []).append((pattern, payload))
            for stem in pattern.first_stems:
                by_stem.setdefault((stem, category), []).append((pattern, payload))
        compiled: dict[tuple[str, tuple[int, ...]], _Bucket[T]] = {}

        def bucket(category: str, group: list[tuple[CompiledPattern, T]]) -> _Bucket[T]:
            key = (category, tuple(id(p) for p, _ in group))
            if key not in compiled:
                compiled[key] = _Bucket(category, group)
            return compiled[key]

        # word -> (buckets to try whatever follows, {following word: buckets to try}), categories in a fixed
        # order. A pattern that names its second word sits only in the buckets for that word.
        per_word: dict[str, list[tuple[_Bucket[T] | None, dict[str, _Bucket[T]]]]] = {}
        for (word, category), group in by_key.items():
            group = sorted(group, key=_specific_first)
            seconds = [p.second_words.get(word) for p, _ in group]
            pairs = list(zip(group, seconds, strict=True))
            anything = [it for it, sec in pairs if sec is None]
            follows: set[str] = set().union(*(sec for sec in seconds if sec is not None))
            by_next = {f: bucket(category, [it for it, s in pairs if s is None or f in s]) for f in follows}
            per_word.setdefault(word, []).append((bucket(category, anything) if anything else None, by_next))
        self._by_word: dict[str, tuple[list[_Bucket[T]], dict[str, list[_Bucket[T]]]]] = {}
        for word, cats in per_word.items():
            every = set().union(*(by_next for _, by_next in cats))
            chosen = {f: [by_next.get(f, anyb) for anyb, by_next in cats] for f in every}
            self._by_word[word] = (
                [b for b, _ in cats if b is not None],
                {f: [b for b in bs if b is not None] for f, bs in chosen.items()},
            )
        self._firsts = frozenset(self._by_word)
        self._by_stem: dict[str, list[_Bucket[T]]] = {}
        for (stem, category), group in by_stem.items():
            self._by_stem.setdefault(stem, []).append(bucket(category, sorted(group, key=_specific_first)))
        self._stems = tuple(self._by_stem)
        # One search over the words, joined after a \x01 each, tells whether any starts with a stem.
        self._stem_start = (
            re.compile("\x01(?:" + "|".join(map(re.escape, self._stems)) + ")") if self._stems else None
        )

    def find(self, text: str, tokens: Tokens) -> list[Found[T]]:
        """Every match (one per category and word) of the indexed patterns in `text`, in word order."""
        words, starts = tokens.words, tokens.starts
        out: list[Found[T]] = []
        # Only words that start some pattern get any Python-level work (the filter runs in C).
        for i in compress(range(len(words)), map(self._firsts.__contains__, words)):
            anything, by_next = self._by_word[words[i]]
            buckets = by_next.get(words[i + 1], anything) if by_next and i + 1 < len(words) else anything
            for bucket in buckets:
                if (found := bucket.match(text, starts[i], i)) is not None:
                    out.append(found)
        # Stems try only words they start (most messages: none).
        if self._stem_start is not None and self._stem_start.search("\x01" + "\x01".join(words)):
            out += self._find_stems(text, tokens)
            out.sort(key=lambda f: f.index)
        return out

    def _find_stems(self, text: str, tokens: Tokens) -> list[Found[T]]:
        out: list[Found[T]] = []
        stems = self._stems
        for i, word in enumerate(tokens.words):
            if word.startswith(stems):
                for stem in stems:
                    if word.startswith(stem):
                        for bucket in self._by_stem[stem]:
                            if (found := bucket.match(text, tokens.starts[i], i)) is not None:
                                out.append(found)
        return out


def tokenize(masked: str) -> Tokens:
    """Words of the (masked) text with their spans and lower-cased, apostrophe-straightened forms."""
    lowered = masked.lower()
    if len(lowered) != len(masked):
        spans = [m.span() for m in _TOKEN.finditer(masked)]
        words = [norm_word(masked[s:e]) for s, e in spans]
        return Tokens([s for s, _ in spans], [e for _, e in spans], words)
    # split() alternates gap, word, gap, ..., gap; running lengths give every boundary, all in C.
    parts = _TOKEN_SPLIT.split(lowered)
    bounds = list(accumulate(map(len, parts)))
    words = parts[1::2]
    if "’" in masked:
        words = [w.replace("’", "'") for w in words]
    return Tokens(bounds[0:-1:2], bounds[1::2], words)


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
