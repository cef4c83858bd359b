"""Apply span edits to a message while protected spans stay byte-for-byte, then tidy the seams."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

_OPEN, _CLOSE = "\ue000", "\ue001"
_CLOSERS = (".", ",", ";", ":", "!", "?", ")")
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’])([Aa]n?)(\s+)$")
_AN_WORDS = ("hour", "honest", "honour", "honor", "heir")
_A_WORDS = ("use", "user", "unit", "uni", "one", "once", "euro", "usual", "util")
_LEAD_INS = "honestly|frankly|look|listen|tbh|truthfully"
_ENDS = (".", "!", "?")


def _always(text: str) -> bool:
    return True


def _lead_in_alone(text: str) -> bool:
    """Whether a lead-in may stand as a sentence of its own ("Honestly."): looked for word by word, as one
    case-blind search for them all costs more than the tidy-up itself."""
    lowered = text.lower()
    for word in _LEAD_INS.split("|"):
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if lowered[end : end + 1] in _ENDS and lowered[:at].rstrip()[-1:] in ("", *_ENDS):
                return True
            at = lowered.find(word, end)
    return False


# Each tidy-up with a cheap test that it can apply: most need a mark or a run of spaces that a rewrite
# seldom leaves, and on a long message running all of them was a tenth of a rewrite's cost.
_Tidy = tuple[re.Pattern[str], str, Callable[[str], bool]]
_TIDY: list[_Tidy] = [
    (re.compile(r"[ \t]{2,}"), " ", lambda s: "  " in s or "\t" in s),
    (re.compile(r"(?m)^[ \t]+(?=\S)"), "", lambda s: s.startswith((" ", "\t")) or "\n " in s or "\n\t" in s),
    (re.compile(r"[ \t]+$", re.M), "", lambda s: s.endswith((" ", "\t")) or " \n" in s or "\t\n" in s),
    (re.compile(r"^[,;:]\s*"), "", lambda s: s.startswith((",", ";", ":"))),
    (re.compile(r"([.!?]\s+)[,;:]\s*"), r"\1", _always),
    (re.compile(r"[,;:]\s*([.!?])"), r"\1", _always),
    (re.compile(r",\s*;"), ";", _always),  # "by 5, or I'll escalate" -> "by 5; if that's not possible, ..."
    (re.compile(r"([,;:])\s*[,;:]"), r"\1", _always),
    (re.compile(r"[ \t]+([,;])(?=\s|$)"), r"\1", lambda s: " ," in s or " ;" in s or "\t" in s),
    (re.compile(r"(?<![.])\.\.(?![.])"), ".", lambda s: ".." in s),
    (re.compile(r"\(\s*\)"), "", _always),
    (re.compile(r"([.!?])\s+[.]"), r"\1", _always),
    (re.compile(r"([!?])\.(?!\.)"), r"\1", lambda s: "!." in s or "?." in s),
    (re.compile(r"[,;:]\s*$"), "", lambda s: s.rstrip().endswith((",", ";", ":"))),
    # a lead-in left alone when the words it led into went ("Honestly, it's not rocket science." -> "")
    (
        re.compile(rf"(?:^|(?<=[.!?]))\s*\b(?:{_LEAD_INS})[.!?]+(?=\s|$)", re.IGNORECASE),
        "",
        _lead_in_alone,
    ),
]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] by `after`; `why` explains it to the person."""

    start: int
    end: int
    after: str
    why: str


def keep_case(before: str, after: str, sentence_start: bool) -> str:
    """Give `after` the capitalisation its position calls for."""
    if not after:
        return after
    if sentence_start or before[:1].isupper():
        return after[0].upper() + after[1:]
    return after


def fix_article(out: str, following: str) -> str:
    """Make a trailing "a"/"an" in `out` agree with the word that now follows it."""
    m = _ARTICLE_BEFORE.search(out)
    word = following.lstrip().lower()
    if m is None or not word[:1].isalpha():
        return out
    vowel = word[0] in "aeiou"
    if word.startswith(_AN_WORDS):
        vowel = True
    elif word.startswith(_A_WORDS):
        vowel = False
    article = m.group(1)
    want = ("An" if article[0] == "A" else "an") if vowel else ("A" if article[0] == "A" else "a")
    return out[: m.start(1)] + want + m.group(2)


def _with_placeholders(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    # Spans are sorted and disjoint: start at the first one that can reach `start` (keeps a rewrite linear).
    for i in range(max(0, bisect.bisect_right(spans, (start, len(text) + 1)) - 1), len(spans)):
        s, e = spans[i]
        if s >= end:
            break
        if e <= start:
            continue
        out.append(text[pos:s])
        out.append(f"{_OPEN}{i}{_CLOSE}")
        pos = e
    out.append(text[pos:end])
    return "".join(out)


def _capitalise_first(piece: str) -> str:
    for i, ch in enumerate(piece):
        if ch == _OPEN:
            return piece
        if ch.isalpha():
            return piece[:i] + ch.upper() + piece[i + 1 :]
    return piece


def _tail_fix(parts: list[str], following: str, deleted: bool) -> None:
    """Tidy the end of the output so far before an edit: one space before a deletion, matching article."""
    while len(parts) > 1 and not parts[-1].strip():
        spaces = parts.pop()  # only spaces since the last edit: the article may be before them
        parts[-1] += spaces
    tail = parts[-1] if parts else ""
    if deleted:
        tail = tail.rstrip(" \t")
        if tail and not tail.endswith("\n") and following.lstrip(" \t")[:1] not in _CLOSERS:
            tail += " "
    head, end = tail[:-12], tail[-12:]
    end = fix_article(end, following)
    if parts:
        parts[-1] = head + end
    else:
        parts.append(head + end)


def apply_edits(text: str, spans: list[tuple[int, int]], edits: list[Edit]) -> str:
    """Apply non-overlapping edits (sorted by start), tidy the result, and restore protected spans exactly."""
    parts: list[str] = []
    pos = 0
    cap_next = False
    for edit in edits:
        piece = _with_placeholders(text, spans, pos, edit.start)
        if cap_next and piece.strip():
            piece, cap_next = _capitalise_first(piece), False
        parts.append(piece)
        if not edit.after:
            following = text[edit.end : edit.end + 20]
            _tail_fix(parts, following, deleted=True)
            cap_next = cap_next or (text[edit.start : edit.end][:1].isupper() and _starts_sentence(parts))
            gap = len(following) - len(following.lstrip(" \t"))
            if following[gap : gap + 1] in (",", ";", ":") and _starts_sentence(parts):
                pos = edit.end + gap + 1  # a sentence's opening words went: so does their comma
                continue
            if following[gap : gap + 1] in _CLOSERS:
                pos = edit.end + gap  # no space before the punctuation that now follows
                continue
        else:
            _tail_fix(parts, edit.after, deleted=False)
            parts.append(_capitalise_first(edit.after) if cap_next else edit.after)
            cap_next = False
        pos = edit.end
    tail = _with_placeholders(text, spans, pos, len(text))
    parts.append(_capitalise_first(tail) if cap_next else tail)
    out = tidy("".join(parts)).strip()
    return _PLACEHOLDER.sub(lambda m: text[spans[int(m.group(1))][0] : spans[int(m.group(1))][1]], out)


def tidy(text: str) -> str:
    """`text` with the seams edits leave tidied: doubled spaces and marks, stray commas, lone lead-ins."""
    for pattern, repl, may_apply in _TIDY:
        if may_apply(text):
            text = pattern.sub(repl, text)
    return text


def _starts_sentence(parts: list[str]) -> bool:
    for part in reversed(parts):
        stripped = part.rstrip()
        if stripped:
            return stripped[-1] in ".!?\n"
    return True
