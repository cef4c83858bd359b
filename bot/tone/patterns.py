"""A tiny phrase-pattern language for lexicon data, compiled to safe, bounded regular expressions.

    you're {so|really} lazy   words in order; braces = one of the alternatives (each may be several words)
    [just|simply] do it       brackets = optional alternatives
    fuck*                     a word starting with "fuck"
    ~                         any one word (a quote, a mention, a link or a ticket id counts as one)
    ..                        up to three words

Each {choice} and [option] is a numbered group, so a replacement may say "$1 wrong" to keep the word matched.

Words are matched case-insensitively on whole-word boundaries; a straight apostrophe also matches a curly one.
Patterns have no nested quantifiers, so matching time is linear in the text and bounded by the pattern.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

SEP = r"(?:\s*[,;:]\s*|\s+)"
LOOKBEHIND = r"(?<!\w)"
_WORD_CHARS = re.compile(r"^[\w'’-]+\*?$")
_TOKEN = re.compile(r"\{[^{}\[\]]*\}|\[[^{}\[\]]*\]|[^\s{}\[\]]+")
_PLAIN_TOKEN = re.compile(r"[a-z0-9_]+(?:'[a-z0-9_]+)*")
_DIGITS = re.compile(r"\d+")
# any one word; a protected span (a quote, a mention, a ticket id), masked by the analyser, counts as one
_ANY_WORD = "(?:\\w+(?:['’]\\w+)*|\x00+)"
PREFIX_DEPTH = 3
_MAX_PREFIXES = 4096


class PatternSyntaxError(ValueError):
    """A lexicon pattern does not follow the phrase-pattern syntax."""


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A compiled phrase pattern plus the first words (or stems) it can start with."""

    source: str
    # The pattern's regular expression (matched with IGNORECASE) and its number of groups. The analyser
    # matches the index's alternations of these, not each one: compiling 1,400 of them at start-up, only
    # to count their groups, took 3-4 s of every start.
    expression: str
    groups: int
    first_words: frozenset[str]
    first_stems: tuple[str, ...]
    second_words: dict[str, frozenset[str] | None]  # first word -> words that can follow; None = anything
    min_words: int  # the fewest words a match can span
    max_words: int  # the most words a match can span
    # The first PREFIX_DEPTH words a match can start with, as they appear in lower-cased ASCII text; None
    # stands for "any word" (after a ~, .., stem, hyphen or the pattern's end).
    prefixes: frozenset[tuple[str | None, ...]]

    @property
    def regex(self) -> re.Pattern[str]:
        """The pattern alone, compiled on demand (the `re` module keeps the last few hundred)."""
        return re.compile(self.expression, re.IGNORECASE)


def norm_word(word: str) -> str:
    """Lower-case a word and straighten its apostrophes, the form used for lookups."""
    return word.lower().replace("’", "'")


def _word_regex(word: str) -> str:
    if word == "~":
        return _ANY_WORD
    if word == "..":
        raise PatternSyntaxError("'..' must stand alone between words")
    if not _WORD_CHARS.match(word):
        raise PatternSyntaxError(f"word {word!r} may only hold letters, digits, ' and -, and a final *")
    core = re.escape(word.rstrip("*")).replace("'", "['’]")
    # The analyser matches text whose numbers are masked (protect.py), so digits also match the mask.
    core = _DIGITS.sub(lambda m: f"(?:{m.group()}|\x00+)", core)
    if word.endswith("*"):
        return core + r"\w*"
    return core + r"(?![\w'’])"


def _phrase_regex(phrase: str) -> str:
    words = phrase.split()
    if not words:
        raise PatternSyntaxError("empty alternative")
    return SEP.join(_word_regex(w) for w in words)


def _alternatives(token: str) -> list[str]:
    alts = sorted((a.strip() for a in token[1:-1].split("|")), key=lambda a: -len(a.split()))
    if not alts or any(not a for a in alts):
        raise PatternSyntaxError(f"empty alternative in {token!r}")
    return alts


def phrases(source: str) -> list[str]:
    """Every word sequence a pattern of plain words, {choices} and [options] matches, in lookup form (a
    whole-sentence rule is looked up, not searched for). Raises PatternSyntaxError for ~, .. and stems."""
    out = [""]
    for token in _TOKEN.findall(source):
        if token[0] in "{[":
            alts = _alternatives(token) + ([""] if token[0] == "[" else [])
        elif token in ("~", "..") or token.endswith("*"):
            raise PatternSyntaxError(f"{token!r}: a whole-sentence pattern spells out its words")
        else:
            alts = [token]
        out = [f"{said} {alt}".strip() for said in out for alt in alts]
        if len(out) > _MAX_PREFIXES:
            raise PatternSyntaxError(f"more than {_MAX_PREFIXES} phrases")
    return [norm_word(said) for said in out]


def _index_key(word: str) -> str:
    """The key a text token is looked up by: lower-cased, straight apostrophes, up to the first hyphen."""
    return norm_word(word).split("-", 1)[0]


def _first_words(tokens: list[str]) -> list[str]:
    """Words a match can start with: those of any leading [options] plus those of the first required token."""
    firsts: list[str] = []
    for token in tokens:
        if token in ("~", ".."):
            break
        if token[0] in "{[":
            firsts.extend(a.split()[0] for a in _alternatives(token))
            if token[0] == "[":
                continue
        else:
            firsts.append(token)
        return firsts
    raise PatternSyntaxError("a pattern must start with a word or a {choice}, optionally after [options]")


def _unindexed(word: str) -> bool:
    """Whether a pattern word names no word of the text's index: a stem ("fuck*"), or a flag ("-9", whose
    hyphen starts no word and whose digits the analyser masks)."""
    return word.endswith("*") or word.startswith("-")


def _after(tokens: list[str]) -> frozenset[str] | None:
    """First words of what follows a complete first token, or None when that is not a short list."""
    out: set[str] = set()
    for token in tokens:
        if token in ("~", ".."):
            return None
        nexts = [a.split()[0] for a in _alternatives(token)] if token[0] in "{[" else [token]
        if any(map(_unindexed, nexts)):
            return None
        out.update(_index_key(w) for w in nexts)
        if token[0] != "[":
            return frozenset(out)
    return None


def _second_words(tokens: list[str]) -> dict[str, frozenset[str] | None]:
    """For each word a match can start with: the words it can continue with (None = anything)."""
    if tokens[0][0] == "[" or tokens[0] in ("~", ".."):
        return {}
    alts = _alternatives(tokens[0]) if tokens[0][0] == "{" else [tokens[0]]
    table: dict[str, set[str] | None] = {}
    for alt in alts:
        words = alt.split()
        key = _index_key(words[0].rstrip("*"))
        if words[0].endswith("*") or "-" in words[0]:
            follow: frozenset[str] | None = None
        elif len(words) > 1:
            follow = None if _unindexed(words[1]) else frozenset({_index_key(words[1])})
        else:
            follow = _after(tokens[1:])
        current = table.get(key, set())
        table[key] = None if follow is None or current is None else current | follow
    return {k: (frozenset(v) if v is not None else None) for k, v in table.items()}


def _plain_key(word: str) -> str | None:
    """The one token an ASCII text must hold where `word` matches, or None when `word` is not one plain
    token (a stem, a hyphenated word, an apostrophe at an edge, non-ASCII letters)."""
    key = norm_word(word)
    return sys.intern(key) if key.isascii() and _PLAIN_TOKEN.fullmatch(key) else None


def _hyphen_head(word: str) -> str | None:
    """For a hyphenated word ("f-bomb"): the token its match starts with ("f"), when that is plain."""
    if "-" not in word or word.endswith("*"):
        return None
    return _plain_key(word.split("-", 1)[0])


def _prefixes(tokens: list[str]) -> frozenset[tuple[str | None, ...]]:
    """Every sequence of PREFIX_DEPTH words a match can begin with (None: any word from there on)."""
    out: set[tuple[str | None, ...]] = set()
    anything = (None,) * PREFIX_DEPTH

    def walk(i: int, seq: tuple[str | None, ...]) -> None:
        if len(out) > _MAX_PREFIXES:
            return
        if len(seq) == PREFIX_DEPTH:
            out.add(seq)
            return
        if i == len(tokens) or tokens[i] in ("~", ".."):
            out.add((seq + anything)[:PREFIX_DEPTH])
            return
        token = tokens[i]
        if token[0] == "[":
            walk(i + 1, seq)
        for alt in _alternatives(token) if token[0] in "{[" else [token]:
            longer = seq
            for word in alt.split()[: PREFIX_DEPTH - len(seq)]:
                key = _plain_key(word)
                if key is None:
                    # what follows a hyphenated word's first part, or a stem, is not indexed
                    head = _hyphen_head(word)
                    longer = (longer + ((head,) if head is not None else ()) + anything)[:PREFIX_DEPTH]
                    break
                longer += (key,)
            walk(i + 1, longer)

    walk(0, ())
    return frozenset(out) if len(out) <= _MAX_PREFIXES else frozenset({anything})


def _min_words(tokens: list[str]) -> int:
    """The fewest words any match of these tokens spans (used to try specific patterns first)."""
    total = 0
    for token in tokens:
        if token[0] == "{":
            total += min(len(a.split()) for a in _alternatives(token))
        elif token[0] != "[" and token != "..":
            total += 1
    return total


def _max_words(tokens: list[str]) -> int:
    """The most words any match of these tokens spans."""
    return sum(
        3 if t == ".." else max(len(a.split()) for a in _alternatives(t)) if t[0] in "{[" else 1
        for t in tokens
    )


def _token_regex(token: str, sep: str, leading: bool) -> str:
    if token == "..":
        return rf"(?:{SEP}{_ANY_WORD}){{0,3}}"
    if token[0] in "{[":
        body = "|".join(_phrase_regex(a) for a in _alternatives(token))
        if token[0] == "{":
            return f"{sep}({body})"
        return f"(?:({body}){SEP})?" if leading else f"(?:{sep}({body}))?"
    return sep + _word_regex(token)


def compile_pattern(source: str) -> CompiledPattern:
    """Compile one phrase pattern; raises PatternSyntaxError with a readable reason."""
    tokens = _TOKEN.findall(source.strip())
    if not tokens:
        raise PatternSyntaxError("empty pattern")
    joined = "".join(tokens)
    brackets = joined.count("{") + joined.count("[")
    same_text = re.sub(r"\s+", "", joined) == re.sub(r"\s+", "", source)
    if not same_text or brackets != sum(t[0] in "{[" for t in tokens):
        raise PatternSyntaxError("nested or unbalanced brackets")
    firsts = _first_words(tokens)
    parts: list[str] = []
    leading = True
    for token in tokens:
        is_leading_option = leading and token[0] == "["
        parts.append(_token_regex(token, "" if leading else SEP, is_leading_option))
        leading = is_leading_option
    words = frozenset(_index_key(w) for w in firsts if not w.endswith("*"))
    stems = tuple(_index_key(w[:-1]) for w in firsts if w.endswith("*"))
    if any(not s for s in stems):
        raise PatternSyntaxError("a stem needs at least one letter before *")
    return CompiledPattern(
        source,
        LOOKBEHIND + "".join(parts),
        brackets,  # each {choice} and [option] is a group; nothing else the pattern makes captures
        words,
        stems,
        _second_words(tokens),
        _min_words(tokens),
        _max_words(tokens),
        _prefixes(tokens),
    )
