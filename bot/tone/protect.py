"""Find the parts of a message a rewrite must keep exactly: code, links, mentions, numbers, dates, quotes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?"
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
# Each expression starts with a literal or a character class, so the regex engine can skip ahead quickly,
# and each runs only when a cheap check says its trigger character is present.
_SLACK = re.compile(r"<(?:[@#!][^<>\s]{1,200}|(?:https?|mailto):[^<>\s]{1,2000})>", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]{1,2000}(?<![.,;:!?)'\]])", re.IGNORECASE)
# A quote opens after a space or punctuation and closes before one, so stray or doubled quote marks
# (CSV escaping, inch marks) do not swallow ordinary text.
_QUOTE = re.compile(r"(?<![\w\"])\"(?=[^\s\"])[^\"\n]{1,500}?(?<=\S)\"(?![\w\"])|“[^”\n]{1,500}”")
# Curly single quotes (what phones and Macs type for '...'), opening at the start or after a space or
# bracket; ’ between letters is an apostrophe (‘I don’t mind’ is one quote). Straight ones are not kept:
# elisions open and close them as often as quotes do ('cause, goin', 'til), and on the paradetox sample
# they kept "'t we 're all fucked'" and four more insults out of the rewrite.
_SINGLE_QUOTE = re.compile(r"(?<![^\s(\[])‘(?=\S)(?:[^’\n]|(?<=\w)’(?=\w)){1,500}?(?<=\S)’(?!\w)")
_BLOCKQUOTE = re.compile(r"^>[^\n]{0,2000}", re.MULTILINE)
_NUMERIC = re.compile(
    r"\d(?<![\w]\d)(?:"
    r"\d{3}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)"
    r"|\d?/\d{1,2}(?:/\d{2,4})?(?!\d)"
    rf"|\d?(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH}(?:\s\d{{4}})?(?![a-z])"
    r"|\d?(?::\d{2})?\s?(?:[ap]m|[ap]\.m\.)(?![a-z])"
    r"|\d?:\d{2}(?::\d{2})?(?!\d)"
    r"|\d{0,19}(?:,\d{3}){0,6}(?:\.\d{1,4})?\s?(?:usd|eur|gbp|dollars|euros|pounds)(?![a-z])"
    r"|\d{0,19}(?:[.,]\d{1,20}){0,6}%?)",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d{1,20}(?:,\d{3}){0,6}(?:\.\d{1,4})?(?:\s?(?:k|m|bn|million|billion)\b)?", re.IGNORECASE
)
_TICKET = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z0-9]{1,9}-\d{1,7}(?!\w)")
_CHANNEL = re.compile(r"#(?<![\w#&]#)\w[\w-]{0,80}")
_DAY_WORDS = frozenset(
    (
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "today",
        "tomorrow",
        "tonight",
        "yesterday",
        "eod",
        "eow",
        "cob",
        "asap",
    )
)
_MONTHS = frozenset(
    (
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    )
)
# The letter runs that can be a date word: one search finds them instead of looking at every word.
_DATE_WORDS = _DAY_WORDS | _MONTHS | {"end"}
_DATE_HINT = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(sorted(_DATE_WORDS, key=lambda w: (-len(w), w)))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
# For ASCII text: letters kept, every other byte a space (so str.split gives the runs of letters)
_LETTER_BYTES = bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256))
_MONTH_DAY = re.compile(rf"{_MONTH}\s?\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?\b", re.IGNORECASE)
_END_OF = re.compile(r"end of (?:the )?(?:day|week|month|quarter)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Every character that can begin a protected span other than a link or a date word: when none is present
# and the text holds no "http" or "www." (most short messages), the per-kind expressions are not run at all.
# A bare character class lets the regex engine scan fast.
_TRIGGER = re.compile(r"[`<>\"“‘#@$€£¥\d]")
# The same for ASCII text, where one byte translation shows which triggers it holds (digits as "0", the
# trigger characters and "-" as themselves, anything else as a space) and a few substring tests replace
# several regex scans.
_TRIGGER_SHAPE = bytes(
    ord("0") if chr(c) in "0123456789" else c if chr(c) in '`<>"#@$-' else 32 for c in range(256)
)
# _NUMERIC for ASCII text, with what \d and \s match there spelt out: the regex engine then tests each
# character without the Unicode database. On ASCII text it finds exactly what _NUMERIC finds.
_ASCII_SPACE = r"[\t-\r\x1c-\x20]"
_NUMERIC_ASCII = re.compile(
    _NUMERIC.pattern.replace(r"\d", "[0-9]").replace(r"\s", _ASCII_SPACE), re.IGNORECASE | re.ASCII
)
_span = re.Match.span
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")


def _at_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Emails and @mentions, found from each '@' outwards (no backtracking)."""
    spans: list[tuple[int, int]] = []
    pos = text.find("@", lo, hi)
    while pos >= 0:
        left = pos
        while left > lo and (text[left - 1] in _LOCAL or text[left - 1].isalnum()) and pos - left < 64:
            left -= 1
        right = pos + 1
        while right < hi and (text[right].isalnum() or text[right] in "._-") and right - pos < 254:
            right += 1
        while right > pos + 1 and text[right - 1] in ".-":
            right -= 1
        domain = text[pos + 1 : right]
        if left < pos and "." in domain.strip("."):
            spans.append((left, right))
        elif left == pos and right > pos + 1 and (pos == lo or not text[pos - 1].isalnum()):
            spans.append((pos, right))
        pos = text.find("@", max(right, pos + 1), hi)
    return spans


# How one kind of protected text is found between two positions:
# (text, its lower case, its trigger shape, pos, end) -> spans
_Finder = Callable[[str, str, str, int, int], list[tuple[int, int]]]


def _every(pattern: re.Pattern[str]) -> _Finder:
    """`pattern.finditer`, tried at every position (text that is not ASCII has no trigger shape)."""

    def find(text: str, lowered: str, shape: str, pos: int, end: int) -> list[tuple[int, int]]:
        # every expression consumes at least its first character, so no match is empty
        return list(map(_span, pattern.finditer(text, pos, end)))

    return find


def _led(pattern: re.Pattern[str], lead: str) -> _Finder:
    """What `pattern.finditer` finds in ASCII text, with the pattern tried only where the trigger shape holds
    `lead` (where every match starts): str.find passes over the rest much faster than the regex engine."""

    def find(text: str, lowered: str, shape: str, pos: int, end: int) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        at = shape.find(lead, pos, end)
        while at >= 0:
            m = pattern.match(text, at, end)
            if m is None:
                at = shape.find(lead, at + 1, end)
            else:
                spans.append(m.span())
                at = shape.find(lead, m.end(), end)
        return spans

    return find


def _url_spans(text: str, lowered: str, shape: str, pos: int, end: int) -> list[tuple[int, int]]:
    """What `_URL.finditer(text, pos, end)` finds in ASCII text, tried only where "http" or "www." is (every
    link starts there): the regex engine cannot skip ahead on a case-blind alternation, and scanning every
    position of a long message for one cost half of finding all its protected spans."""
    spans: list[tuple[int, int]] = []
    while True:
        web, www = lowered.find("http", pos, end), lowered.find("www.", pos, end)
        at = min(web, www) if web >= 0 and www >= 0 else max(web, www)
        if at < 0:
            return spans
        m = _URL.match(text, at, end)
        if m is None:
            pos = at + 1
        else:
            spans.append(m.span())
            pos = m.end()


def _ticket_spans(text: str, lowered: str, shape: str, pos: int, end: int) -> list[tuple[int, int]]:
    """What `_TICKET.finditer(text, pos, end)` finds in ASCII text, tried only just before a hyphen that
    meets a digit ("-0" in the trigger shape): a ticket id's prefix is 2-10 characters long, so it starts at
    most ten characters before that hyphen, and no earlier than the first such hyphen allows."""
    spans: list[tuple[int, int]] = []
    at = shape.find("-0", pos, end)
    while at >= 0:
        for start in range(max(pos, at - 10), at - 1):
            m = _TICKET.match(text, start, end)
            if m is not None:
                spans.append(m.span())
                pos = m.end()
                at = shape.find("-0", pos, end)
                break
        else:
            at = shape.find("-0", at + 1, end)
    return spans


# Each kind's finder for ASCII text (led by its trigger in the shape) and for any other text.
_SLACK_FINDERS = (_led(_SLACK, "<"), _every(_SLACK))
_URL_FINDERS = (_url_spans, _every(_URL))
_QUOTE_FINDERS = (_led(_QUOTE, '"'), _every(_QUOTE))
_BLOCKQUOTE_FINDERS = (_led(_BLOCKQUOTE, ">"), _every(_BLOCKQUOTE))
_MONEY_FINDERS = (_led(_MONEY, "$"), _every(_MONEY))
_CHANNEL_FINDERS = (_led(_CHANNEL, "#"), _every(_CHANNEL))
_NUMERIC_FINDERS = (_led(_NUMERIC_ASCII, "0"), _every(_NUMERIC))
_TICKET_FINDERS = (_ticket_spans, _every(_TICKET))
_FIND_SINGLE_QUOTES = _every(_SINGLE_QUOTE)  # (curly quotes: never in ASCII text)


def _finders_for(text: str, web: bool, numbers: bool, ticket: bool, *, ascii_shape: bool) -> list[_Finder]:
    """Only the finders whose trigger appears in `text` (the message, or the trigger shape of an ASCII one,
    then `ascii_shape`): `web`, it holds "http" or "www."; `numbers`, a digit; `ticket`, whether a ticket
    id may be there."""
    k = 0 if ascii_shape else 1
    found: list[_Finder] = []
    if "<" in text:
        found.append(_SLACK_FINDERS[k])
    if web:
        found.append(_URL_FINDERS[k])
    if '"' in text or "“" in text:
        found.append(_QUOTE_FINDERS[k])
    if "‘" in text:
        found.append(_FIND_SINGLE_QUOTES)
    if ">" in text:
        found.append(_BLOCKQUOTE_FINDERS[k])
    if "$" in text or "€" in text or "£" in text or "¥" in text:
        found.append(_MONEY_FINDERS[k])
    if "#" in text:
        found.append(_CHANNEL_FINDERS[k])
    if numbers:
        found.append(_NUMERIC_FINDERS[k])
        if ticket:
            found.append(_TICKET_FINDERS[k])
    return found


# Day and month names, which English writes with a capital; not "sat", "sun" or "wed", words as often as days.
_NAMED = (_DAY_WORDS | _MONTHS) - {"today", "tomorrow", "tonight", "yesterday", "eod", "eow", "cob", "asap",
                                   "sat", "sun", "wed"}


def named_date_starts(text: str) -> list[int]:
    """Where a date in `text` opens with a day's or month's name ("Friday", "May 5"), which takes a capital
    letter however the rest is cased."""
    spans = _date_word_spans(text, 0, len(text))
    return [start for start, end in spans if _first_word(text, start, end) in _NAMED]


def _first_word(text: str, start: int, end: int) -> str:
    letters = start
    while letters < end and text[letters].isalpha():
        letters += 1
    return text[start:letters].lower()


def kept_form(token: str) -> str:
    """The form in which a protected token must survive a rewrite: exactly, but for the case of a date said
    in words ("FRIDAY" may become "Friday", and "MAY 5" "May 5": the same day)."""
    if _date_word_spans(token, 0, len(token)) == [(0, len(token))]:
        return token.lower()
    return token


def _date_word_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Weekday names, today/tomorrow/EOD..., "end of the week" and "May 5", found word by word."""
    found = _ascii_date_words(text, lo, hi) if text.isascii() else _date_words(text, lo, hi)
    spans: list[tuple[int, int]] = []
    for start, word in found:
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        if word in _DAY_WORDS:
            spans.append((start, start + len(word)))
        else:  # a month or "end": a date only with what follows
            follow = (_MONTH_DAY if word != "end" else _END_OF).match(text, start, hi)
            if follow is not None:
                spans.append(follow.span())
    return spans


def _date_words(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """Where a date word (a run of letters that is one) starts, and the word, lower-cased."""
    return [(m.start(), m.group().lower()) for m in _DATE_HINT.finditer(text, lo, hi)]


def _ascii_date_words(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """`_date_words` for ASCII text: its runs of letters, split apart in C, tell whether any is a date word
    at all (the guard asks this of a whole message several times a rewrite, and the search over every
    position cost a fifth of the rewrite of a long message); only those present are then located."""
    runs = text[lo:hi].lower().encode().translate(_LETTER_BYTES).decode()
    # (a letter just before `lo` makes the first run the end of a longer word, as the regex's lookbehind sees)
    opens = lo == 0 or not text[lo - 1].isalpha()
    present = _DATE_WORDS.intersection(runs.split())
    found: list[tuple[int, str]] = []
    for word in present:
        at = runs.find(word)
        while at >= 0:
            after = at + len(word)
            if (runs[at - 1] == " " if at else opens) and (after == len(runs) or runs[after] == " "):
                found.append((lo + at, word))
            at = runs.find(word, after)
    return sorted(found)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced ```blocks``` and `inline code`, found by linear scanning (no backtracking)."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("`", i)
        if j < 0:
            break
        if text.startswith("```", j):
            k = text.find("```", j + 3)
            if k < 0:
                break
            spans.append((j, k + 3))
            i = k + 3
            continue
        line_end = text.find("\n", j)
        k = text.find("`", j + 1, line_end if line_end >= 0 else n)
        if k < 0:
            i = j + 1
            continue
        spans.append((j, k + 1))
        i = k + 1
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(spans) < 2:
        return spans
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _has_trigger(shape: str) -> bool:
    """Whether a trigger shape holds anything but spaces and hyphens. (Counting is about half the cost of
    `strip(" -")`, which scans the text from both ends; text with no trigger is all spaces, found at once.)"""
    return not shape.isspace() and shape.count(" ") + shape.count("-") != len(shape)


# The spans found so far in the current `spans_remembered()` block. One rewrite asks for the same draft's
# and candidate's spans several times (the analyser, the rewriter and the guard each mask them), and on a
# long message finding them is a real part of its cost. Kept for that one call only (a context variable, so
# concurrent rewrites each have their own), and never for a short text, whose spans are found at once.
_remembered: ContextVar[dict[tuple[str, bool], list[tuple[int, int]]] | None] = ContextVar(
    "protected_spans_remembered", default=None
)
_WORTH_REMEMBERING = 200  # characters


@contextmanager
def spans_remembered() -> Iterator[None]:
    """Within the block, each text's protected spans are found once."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def protected_spans(text: str, *, dates: bool = True) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans that must survive any rewrite exactly.

    `dates=False` skips weekday and month names (plain words no signal can match), which the analyser
    does not need to mask; rewrites and the guard always use the full set.
    """
    remembered = _remembered.get()
    if remembered is None or len(text) < _WORTH_REMEMBERING:
        return _find_spans(text, dates)
    spans = remembered.get((text, dates))
    if spans is None:
        spans = remembered[text, dates] = _find_spans(text, dates)
    return list(spans)


def _find_spans(text: str, dates: bool) -> list[tuple[int, int]]:
    lowered = text.lower()
    web = "http" in lowered or "www." in lowered
    if text.isascii():
        # (decoded: `in` on bytes first tries its argument as an int, and raises and clears an exception)
        shape = text.encode().translate(_TRIGGER_SHAPE).decode()
        triggered = web or _has_trigger(shape)
        if triggered:  # every ticket id holds a hyphen and then a digit
            finders = _finders_for(shape, web, "0" in shape, "-0" in shape, ascii_shape=True)
    else:
        shape = text  # (unused: no finder is led by a trigger here)
        triggered = web or _TRIGGER.search(text) is not None
        if triggered:
            has_digit = _DIGIT.search(text) is not None
            finders = _finders_for(text, web, has_digit, "-" in text, ascii_shape=False)
    if not triggered:
        return _merge(_date_word_spans(text, 0, len(text))) if dates else []
    code = _code_spans(text) if "`" in text else []
    has_at = "@" in text
    spans = list(code)
    pos = 0
    for start, end in [*code, (len(text), len(text))]:
        for find in finders:
            spans += find(text, lowered, shape, pos, start)
        if has_at:
            spans.extend(_at_spans(text, pos, start))
        if dates:
            spans.extend(_date_word_spans(text, pos, start))
        pos = end
    return _merge(spans)


def protected_tokens(text: str) -> list[str]:
    """The protected substrings themselves, in order."""
    return [text[s:e] for s, e in protected_spans(text)]


def mask(text: str, spans: list[tuple[int, int]], fill: str = "\x00") -> str:
    """Replace each span by `fill` characters of the same length, so positions stay valid."""
    if not spans:
        return text
    if len(spans) == 1:  # the usual case, without building a list
        start, end = spans[0]
        return text[:start] + fill * (end - start) + text[end:]
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(fill * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
