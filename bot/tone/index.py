"""Word-indexed pattern matching: each word of a text tries only the patterns that can start with it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, compress, count, islice, repeat
from operator import add, contains
from typing import Generic, NamedTuple, TypeVar

from bot.tone.patterns import LOOKBEHIND, CompiledPattern, norm_word

T = TypeVar("T")
_new_tuple = tuple.__new__
WORD = re.compile(r"\w+(?:['’]\w+)*")  # a word of a message, as the analyser reads it
_TOKEN_SPLIT = re.compile(f"({WORD.pattern})")
# For ASCII text: every byte that can be part of a word (letters, digits, _ and the apostrophe) kept, every
# other byte turned into a space, so plain `str.split` finds the words (much faster than a regex scan).
_ASCII_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) in "_'") else 32 for c in range(256))
# An apostrophe belongs to a word only between two word characters.
_STRAY_APOSTROPHE = re.compile(r"(?<![A-Za-z0-9_])'|'(?![A-Za-z0-9_])")


@dataclass(slots=True)
class Tokens:
    """Words of a (masked) message as parallel lists: start, end and lookup form."""

    starts: list[int]
    ends: list[int]
    words: list[str]

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def padded(self) -> str:
        """The words, each after a space (as in SpacedWords.padded)."""
        return " " + " ".join(self.words) + " "

    def start(self, i: int) -> int:
        return self.starts[i]

    def cased(self, masked: str) -> list[str]:
        """The words as written in `masked`."""
        return list(map(masked.__getitem__, map(slice, self.starts, self.ends)))

    def span_before(self, i: int, pos: int) -> tuple[int, int]:
        """Where word `i` is (word i + 1 starting at `pos`)."""
        return self.starts[i], self.ends[i]

    def last_word(self, first: int, start: int, end: int) -> int:
        """The last word that starts before `end`, from word `first` (at `start`) on."""
        last = first
        while last + 1 < len(self.starts) and self.starts[last + 1] < end:
            last += 1
        return last


class SpacedWords:
    """The words of ASCII text, as `str.split` finds them in its spaced-out form (see `spaced_words`). Where a
    word starts is found only for the words asked about: a short message has a few, and a list of every
    start cost more than all the pattern matching."""

    __slots__ = ("_last", "_pos", "_spaced", "lowered", "padded", "words")

    def __init__(self, lowered: str) -> None:
        self.lowered = lowered
        self._spaced = spaced_words(lowered)
        self.words = self._spaced.split()
        self.padded = f" {self._spaced} "  # a whole word is " word " here
        self._last = -1  # the last word located, and where it ends in `padded`
        self._pos = 0

    def __len__(self) -> int:
        return len(self.words)

    def start(self, i: int) -> int:
        """Where word `i` starts; cheapest when asked in order."""
        word = self.words[i]
        if i < self._last:
            self._last, self._pos = -1, 0
        pos = self._pos
        if i != self._last:
            key = f" {word} "
            pos = self.padded.find(key, pos) + len(word) + 1
            # the same word between the last one located and this one comes first (rarely)
            if self.words.index(word, self._last + 1) != i:
                for _ in range(self.words[self._last + 1 : i].count(word)):
                    pos = self.padded.find(key, pos) + len(word) + 1
            self._last, self._pos = i, pos
        return pos - len(word) - 1

    @staticmethod
    def cased(masked: str) -> list[str]:
        """The words as written in `masked` (its words are these, lower-cased)."""
        return spaced_words(masked).split()

    def span_before(self, i: int, pos: int) -> tuple[int, int]:
        """Where word `i` is, word i + 1 starting at `pos`: only spaces lie between them."""
        start = self._spaced.rfind(self.words[i], 0, pos)
        return start, start + len(self.words[i])

    def last_word(self, first: int, start: int, end: int) -> int:
        """The last word that starts before `end`, from word `first` (at `start`) on."""
        return first + len(self._spaced[start:end].split()) - 1


Words = Tokens | SpacedWords


def words_of(masked: str, lowered: str) -> Words:
    """The words of a masked message (`lowered` is masked.lower())."""
    return SpacedWords(lowered) if masked.isascii() else tokenize(masked)


class Found(NamedTuple, Generic[T]):
    """One pattern match from an index: its category, payload, span and group spans."""

    category: str
    payload: T
    start: int
    end: int
    match: re.Match[str]
    own: slice  # where the pattern's own groups are among the match's
    token: int  # the word the match starts at

    @property
    def groups(self) -> tuple[tuple[int, int], ...]:
        """The spans of the pattern's own groups: only an accepted rule needs them, so they are read from
        the match on demand."""
        return self.match.regs[self.own]


class _AnyWord:
    """Stands for every next word: a first word with buckets to try whatever follows."""

    def __contains__(self, word: object) -> bool:
        return True


_ANY_WORD = _AnyWord()
_NO_WORD: frozenset[str] = frozenset()


def _specific_first(item: tuple[CompiledPattern, object]) -> tuple[int, int, int]:
    """Try longer, more specific patterns first, so the longest reading of a phrase wins."""
    pattern = item[0]
    return (-pattern.min_words, -pattern.max_words, -len(pattern.source))


_Item = tuple[CompiledPattern, T]


class _Bucket(Generic[T]):
    """Patterns of one category that can match at the same word, compiled into one alternation.

    `lowered`: the alternation is for lower-cased ASCII text, so it is compiled without IGNORECASE (the
    lexicon's patterns are lower case). The regex engine can then skip an alternative on its first
    character, which it cannot do when case is ignored or when the alternative opens with a group; so
    here each alternative ends with an empty marker group instead of being wrapped in one.
    """

    def __init__(
        self, category: str, items: list[_Item[T]], *, lowered: bool = False, opens: bool = False
    ) -> None:
        # by the number of the group that closes last in a pattern's alternative (the match's `lastindex`):
        # its payload and the slice of `regs` that holds its own groups
        self.by_group: dict[int, tuple[T, slice]] = {}
        group = 1
        for pattern, payload in items:
            own = pattern.groups
            if lowered:
                self.by_group[group + own] = (payload, slice(group, group + own))
            else:
                self.by_group[group] = (payload, slice(group + 1, group + 1 + own))
            group += 1 + own
        self.category = category
        self.opens = opens  # every pattern here counts only at the start of a sentence
        self._patterns = tuple(pattern for pattern, _ in items)
        self._lowered = lowered
        # A letter beyond ASCII might match an ASCII one when case is ignored (as "ſ" matches "s"): any
        # such alternation keeps IGNORECASE, which gives the same matches on lower-cased text.
        # (Read per pattern: joining the alternation here, at start-up, was work only `regex` needs.)
        self._exact = lowered and all(
            p.expression.lower().replace("’", "").isascii() for p in self._patterns
        )

    def _source(self) -> str:
        """The alternation, made when needed: kept for each of a thousand buckets, it cost 2 MB."""
        bodies = [p.expression.removeprefix(LOOKBEHIND) for p in self._patterns]
        marked = [b.lower() + "()" for b in bodies] if self._lowered else [f"({b})" for b in bodies]
        return LOOKBEHIND + "(?:" + "|".join(marked) + ")"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use: most of the narrowed alternations are never needed by a given process,
        and compiling them all up front cost seconds of start-up and megabytes of memory."""
        return re.compile(self._source(), 0 if self._exact else re.IGNORECASE)

    def match(self, text: str, pos: int, token: int) -> Found[T] | None:
        m = self.regex.match(text, pos)
        if m is None or m.lastindex is None:
            return None
        payload, own = self.by_group[m.lastindex]
        return Found(self.category, payload, pos, m.end(), m, own, token)


# The buckets for a first word: those to try whatever follows, and by the next word, those to try then.
_Plain = tuple[list[_Bucket[T]], dict[str, list[_Bucket[T]]]]
# The same, and by the word after the next too (for lower-cased ASCII text).
_Narrow = tuple[list[_Bucket[T]], dict[str, _Plain[T]]]
# Positions in a pattern group: those that take any second word, and by second word, (those that then
# take any third word, by third word those to try).
_Positions = tuple[list[int], dict[str, tuple[list[int], dict[str, list[int]]]]]


def _narrowed(word: str, group: list[_Item[T]]) -> _Positions:
    """For one first word, which patterns of `group` (by position) can match given the next two words.

    A pattern is left out only where its own words rule those words out (see `CompiledPattern.prefixes`),
    and never tried where the plain index would not try it either, so the matches found are the same.
    """
    anywhere: set[int] = set()
    after_second: dict[str, set[int]] = {}  # second word -> patterns that then take any third word
    after_third: dict[tuple[str, str], set[int]] = {}  # (second, third) -> patterns
    for k, (pattern, _) in enumerate(group):
        named = pattern.second_words.get(word)  # the plain index's second words (None: any)
        for first, second, third in pattern.prefixes:
            if first is not None and first != word:
                continue
            if named is not None and second is None:
                for name in named:
                    after_second.setdefault(name, set()).add(k)
            elif named is not None and second not in named:
                continue
            elif second is None:
                anywhere.add(k)
            elif third is None:
                after_second.setdefault(second, set()).add(k)
            else:
                after_third.setdefault((second, third), set()).add(k)
    table: dict[str, tuple[list[int], dict[str, list[int]]]] = {}
    for second in set(after_second) | {s for s, _ in after_third}:
        base = anywhere | after_second.get(second, set())
        by_third = {t: sorted(base | ks) for (s, t), ks in after_third.items() if s == second}
        table[second] = (sorted(base), by_third)
    return sorted(anywhere), table


class PatternIndex(Generic[T]):
    """Patterns indexed by their first word (and, when known, the words after it), so each word of a text
    tries at most one short alternation per category."""

    def __init__(
        self, items: list[tuple[CompiledPattern, str, T]], opener: Callable[[T], bool] | None = None
    ) -> None:
        """`opener` tells which payloads count only at the start of a sentence (see `find`)."""
        self._opener = opener
        by_key: dict[tuple[str, str], list[_Item[T]]] = {}
        by_stem: dict[tuple[str, str], list[_Item[T]]] = {}
        for pattern, category, payload in items:
            for word in pattern.first_words:
                by_key.setdefault((word, category), []).append((pattern, payload))
            for stem in pattern.first_stems:
                by_stem.setdefault((stem, category), []).append((pattern, payload))
        self._compiled: dict[tuple[str, bool, tuple[int, ...]], _Bucket[T]] = {}
        # first word -> its patterns by category (in a fixed order), most specific first
        by_word: dict[str, list[tuple[str, list[_Item[T]]]]] = {}
        for (word, category), group in by_key.items():
            by_word.setdefault(word, []).append((category, sorted(group, key=_specific_first)))
        self._by_word = {word: self._plain(word, cats) for word, cats in by_word.items()}
        self._firsts = frozenset(self._by_word)
        self._by_word_ascii = {word: self._narrow(word, cats) for word, cats in by_word.items()}
        # For each first word, the next words with which it has buckets to try (_ANY_WORD: whatever follows).
        # Any other word, or pair of words, is passed over in C, before any Python-level work.
        self._worth_trying: dict[str, frozenset[str] | _AnyWord] = {}
        for word, (anywhere, by_second) in self._by_word_ascii.items():
            seconds = frozenset(
                second for second, (after, by_third) in by_second.items() if after or any(by_third.values())
            )
            if anywhere or seconds:
                self._worth_trying[word] = _ANY_WORD if anywhere else seconds
        self._by_stem: dict[str, list[_Bucket[T]]] = {}
        for (stem, category), group in by_stem.items():
            bucket = self._bucket(category, sorted(group, key=_specific_first))
            self._by_stem.setdefault(stem, []).append(bucket)
        self._stems = tuple(self._by_stem)
        # One search over the padded words tells whether any starts with a stem: one that follows a space.
        # (The lookahead lets the regex engine pass over most words on their first letter.)
        firsts = "".join(sorted({stem[0] for stem in self._stems}))
        self._stem_start = (
            re.compile(f" (?=[{re.escape(firsts)}])(?:" + "|".join(map(re.escape, self._stems)) + ")")
            if self._stems
            else None
        )

    def _bucket(self, category: str, group: list[_Item[T]], lowered: bool = False) -> _Bucket[T]:
        """The bucket for these patterns, compiled once however many words share it."""
        key = (category, lowered, tuple(id(p) for p, _ in group))
        if key not in self._compiled:
            opener = self._opener
            opens = opener is not None and all(opener(payload) for _, payload in group)
            self._compiled[key] = _Bucket(category, group, lowered=lowered, opens=opens)
        return self._compiled[key]

    def _plain(self, word: str, cats: list[tuple[str, list[_Item[T]]]]) -> _Plain[T]:
        """Buckets for `word`, narrowed by the next word where patterns name it. A pattern that names its
        second word sits only in the buckets for that word."""
        per_cat: list[tuple[_Bucket[T] | None, dict[str, _Bucket[T]]]] = []
        for category, group in cats:
            seconds = [p.second_words.get(word) for p, _ in group]
            pairs = list(zip(group, seconds, strict=True))
            anything = [it for it, sec in pairs if sec is None]
            follows: set[str] = set().union(*(sec for sec in seconds if sec is not None))
            by_next = {
                f: self._bucket(category, [it for it, s in pairs if s is None or f in s]) for f in follows
            }
            per_cat.append((self._bucket(category, anything) if anything else None, by_next))
        every: set[str] = set().union(*(by_next for _, by_next in per_cat))
        chosen = {f: [by_next.get(f, anything) for anything, by_next in per_cat] for f in every}
        return (
            [b for b, _ in per_cat if b is not None],
            {f: [b for b in bs if b is not None] for f, bs in chosen.items()},
        )

    def _narrow(self, word: str, cats: list[tuple[str, list[_Item[T]]]]) -> _Narrow[T]:
        """Buckets for `word` in lower-cased ASCII text, narrowed by the next two words."""
        narrowed = [(category, group, _narrowed(word, group)) for category, group in cats]

        def buckets(chosen: Iterable[tuple[str, list[_Item[T]], list[int]]]) -> list[_Bucket[T]]:
            return [self._bucket(c, [group[k] for k in ks], lowered=True) for c, group, ks in chosen if ks]

        by_second: dict[str, _Plain[T]] = {}
        for second in set().union(*(table for _, _, (_, table) in narrowed)):
            # a category that does not name this second word keeps its "any second word" patterns
            rows = [(c, group, table.get(second, (anywhere, {}))) for c, group, (anywhere, table) in narrowed]
            thirds: set[str] = set().union(*(by_third for _, _, (_, by_third) in rows))
            by_second[second] = (
                buckets((cat, group, base) for cat, group, (base, _) in rows),
                {
                    third: buckets((c, g, by_third.get(third, base)) for c, g, (base, by_third) in rows)
                    for third in thirds
                },
            )
        return buckets((cat, group, anywhere) for cat, group, (anywhere, _) in narrowed), by_second

    def find(self, text: str, words: Words, *, openers_anywhere: bool = True) -> list[Found[T]]:
        """Every match (one per category and word) of the indexed patterns in `text` (masked), in word
        order. `words` are its words.

        `openers_anywhere=False` lets the index skip what the caller drops anyway: a bucket whose payloads
        all count only at the start of a sentence (the `opener`s) is not tried away from one.
        """
        if isinstance(words, SpacedWords):
            out = self._find_ascii(words.lowered, words, openers_anywhere)
        else:
            out = self._find_any(text, words, openers_anywhere)
        # Stems try only words they start (most messages: none).
        if self._stem_start is not None and self._stem_start.search(words.padded):
            out += self._find_stems(text, words)
            out.sort(key=_token)
        return out

    def _find_any(self, text: str, tokens: Tokens, openers_anywhere: bool) -> list[Found[T]]:
        words, starts = tokens.words, tokens.starts
        out: list[Found[T]] = []
        # Only words that start some pattern get any Python-level work (the filter runs in C).
        for i in compress(range(len(words)), map(self._firsts.__contains__, words)):
            anything, by_next = self._by_word[words[i]]
            buckets = by_next.get(words[i + 1], anything) if by_next and i + 1 < len(words) else anything
            for bucket in buckets:
                if bucket.opens and not openers_anywhere and not at_sentence_start(text, starts[i]):
                    continue
                if (found := bucket.match(text, starts[i], i)) is not None:
                    out.append(found)
        return out

    def _find_ascii(self, lowered: str, spaced: SpacedWords, openers_anywhere: bool) -> list[Found[T]]:
        """`find` for ASCII text: matched lower-cased, with buckets narrowed by the next two words."""
        by_word = self._by_word_ascii
        words = spaced.words
        # two spaces after the words stand for "no next word" (no word is a space), so no bounds checks
        padded = [*words, " ", " "]
        out: list[Found[T]] = []
        located, located_end = -1, 0  # the last word located, and where it ends in `spaced.padded`
        # For each word, the next words that make it worth trying (none for most), and whether its next is
        # one of them: all in C. Only the words that pass get any Python-level work.
        seconds = map(self._worth_trying.get, words, repeat(_NO_WORD))
        for i in compress(range(len(words)), map(contains, seconds, islice(padded, 1, None))):
            buckets, by_second = by_word[padded[i]]
            if by_second and (after := by_second.get(padded[i + 1])) is not None:
                buckets, by_third = after
                if by_third:
                    buckets = by_third.get(padded[i + 2], buckets)
            if not buckets:  # the next words ruled every pattern out: no need to locate the word
                continue
            # where the word starts: the next " word " from the last one located on (as SpacedWords.start
            # does, here without a call for each word)
            word = padded[i]
            pos = spaced.padded.find(f" {word} ", located_end)
            if words.index(word, located + 1) != i:  # the same word came first in between (seldom)
                pos = spaced.start(i)
            located, located_end = i, pos + len(word) + 1
            for bucket in buckets:
                # (lower-casing changes none of the characters that tell a sentence's start)
                if bucket.opens and not openers_anywhere and not at_sentence_start(lowered, pos):
                    continue
                m = bucket.regex.match(lowered, pos)
                if m is not None and m.lastindex is not None:
                    payload, own = bucket.by_group[m.lastindex]
                    # tuple.__new__ builds the Found without NamedTuple's Python-level constructor
                    out.append(_new_tuple(Found, (bucket.category, payload, pos, m.end(), m, own, i)))
        return out

    def _find_stems(self, text: str, words: Words) -> list[Found[T]]:
        out: list[Found[T]] = []
        stems = self._stems
        for i, word in enumerate(words.words):
            if word.startswith(stems):
                for stem in stems:
                    if word.startswith(stem):
                        for bucket in self._by_stem[stem]:
                            if (found := bucket.match(text, words.start(i), i)) is not None:
                                out.append(found)
        return out


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts: just after the last mark that ends one before it."""
    return max(text.rfind(mark, 0, pos) for mark in ".!?\n") + 1


def at_sentence_start(text: str, start: int) -> bool:
    """Whether `start` begins a sentence: only spaces, quote marks and bullets stand between it and the end
    of the sentence before (or the start of the text)."""
    if start > 1 and text[start - 1] == " " and text[start - 2].isalnum():
        return False  # the usual case, a word after another, settled without a slice
    before = text[max(0, start - 40) : start].rstrip(" \t\"'*_>-•")
    return not before or before[-1] in ".!?\n:;"


def _token(found: Found[T]) -> int:
    return found.token


def spaced_words(text: str) -> str:
    """ASCII text with every character that is no part of a word turned into a space: its words are what
    `str.split` finds, each where it is in the text."""
    spaced = text.encode().translate(_ASCII_WORD_BYTES).decode()
    if "'" in spaced and _has_stray_apostrophe(spaced):
        spaced = _STRAY_APOSTROPHE.sub(" ", spaced)
    return spaced


def tokenize(masked: str) -> Tokens:
    """Words of the (masked) text with their spans and lower-cased, apostrophe-straightened forms."""
    lowered = masked.lower()
    if masked.isascii():
        return _split_spaced(spaced_words(lowered))
    if len(lowered) != len(masked):
        spans = [m.span() for m in WORD.finditer(masked)]
        words = [norm_word(masked[s:e]) for s, e in spans]
        return Tokens([s for s, _ in spans], [e for _, e in spans], words)
    tokens = _split_words(lowered)
    if "’" in masked:
        tokens.words = [w.replace("’", "'") for w in tokens.words]
    return tokens


def _split_words(lowered: str) -> Tokens:
    """Tokens by the word regex. split() alternates gap, word, gap, ..., gap; running lengths give every
    boundary, all in C."""
    parts = _TOKEN_SPLIT.split(lowered)
    bounds = list(accumulate(map(len, parts)))
    return Tokens(bounds[0:-1:2], bounds[1::2], parts[1::2])


def _has_stray_apostrophe(spaced: str) -> bool:
    """Whether an apostrophe in `spaced` is not between two word characters (then it is no part of a word,
    and the space-split would be wrong)."""
    return (
        spaced[0] == "'" or spaced[-1] == "'" or " '" in spaced or "' " in spaced or "''" in spaced
    )


def _split_spaced(spaced: str) -> Tokens:
    """Tokens of a text whose only separators are spaces and whose apostrophes all sit inside words."""
    parts = spaced.split(" ")
    # part k starts after the k parts before it and one space after each; empty parts are runs of spaces
    offsets = map(add, accumulate(map(len, parts), initial=0), count())
    words = list(filter(None, parts))
    starts = list(compress(offsets, parts))
    return Tokens(starts, list(map(add, starts, map(len, words))), words)


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

    def blocks(self, start: int, end: int) -> bool:
        """Whether [start, end) meets an interval that it does not hold whole and go on past (an idiom
        blocks the rules that meet it, but not one that holds all of it and goes on)."""
        i = bisect.bisect_left(self.ends, start + 1)
        while i < len(self.starts) and self.starts[i] < end:
            if self.starts[i] < start or self.ends[i] >= end:
                return True
            i += 1
        return False

    def add(self, start: int, end: int) -> None:
        """Insert an interval known not to overlap any other."""
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
