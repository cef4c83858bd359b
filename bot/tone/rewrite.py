"""The offline rewriter: turn the analyser's hits into edits for a given style."""

from __future__ import annotations

import re

from bot.tone.analyse import Analyzer, Hit
from bot.tone.compose import Edit, apply_edits, keep_case
from bot.tone.index import tokenize
from bot.tone.patterns import norm_word
from bot.tone.protect import mask, protected_spans
from bot.tone.types import Style

_GROUP_REF = re.compile(r"\$(\d+)")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’]*)")
_PREV_WORD = re.compile(r"([\w'’]+)[ \t]+$")
_PUNCT_KEEP = re.compile(r"[?¿]")
_MINIMAL_KINDS = frozenset({"shouting", "punctuation", "contempt_emoji"})
_WHY = {
    "shouting": "Capitals read as shouting; changed to sentence case.",
    "punctuation": "Stacked marks read as exasperation; kept one.",
    "contempt_emoji": "The emoji reads as scorn; removed.",
    "profanity": "A starred-out swear word still reads as swearing; removed.",
}


def sentence_case(chunk: str, acronyms: frozenset[str]) -> str:
    """Lower-case a shouted run word by word, keeping known acronyms, "I", masked text and each length."""

    def lower_word(m: re.Match[str]) -> str:
        word = m.group()
        if word.lower() in acronyms or word == "I" or word.startswith("I'") or word.startswith("I’"):
            return word if word == "I" or word.lower() in acronyms else "I" + word[1:].lower()
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)

    return re.sub(r"[^\W\d_]+(?:['’][^\W\d_]+)*", lower_word, chunk)


def _expand(template: str, hit: Hit, text: str) -> str:
    def group(ref: re.Match[str]) -> str:
        n = int(ref.group(1))
        start, end = hit.groups[n - 1] if n <= len(hit.groups) else (-1, -1)
        if start < 0:
            return ""
        value = text[start:end]
        if start == hit.start and ref.start() > 0 and value[:1].isupper() and not value.isupper():
            value = value[0].lower() + value[1:]
        return value

    return re.sub(r"\s{2,}", " ", _GROUP_REF.sub(group, template)).strip()


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t\"'*_>-•")
    return not before or before[-1] in ".!?\n:;"


class Rewriter:
    """Builds calmer candidates from analyser hits; pure and deterministic."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.lexicon = analyzer.lexicon

    def recase(self, text: str, hits: list[Hit]) -> str:
        """Sentence-case every shouted run (length-preserving), keeping the first letter of a sentence."""
        loud = [h for h in hits if h.kind == "shouting"]
        if not loud:
            return text
        masked = mask(text, protected_spans(text))
        parts: list[str] = []
        pos = 0
        for h in loud:
            lowered = sentence_case(masked[h.start : h.end], self.lexicon.acronyms)
            source = text[h.start : h.end]
            chunk = "".join(o if m == "\x00" else m for o, m in zip(source, lowered, strict=True))
            if _at_sentence_start(text, h.start):
                chunk = chunk[:1].upper() + chunk[1:]
            parts += [text[pos : h.start], chunk]
            pos = h.end
        parts.append(text[pos:])
        return "".join(parts)

    def _replacement(self, hit: Hit, style: Style, text: str) -> str | None:
        rule = hit.rule
        if hit.kind == "punctuation":
            marks = text[hit.start : hit.end]
            return "?" if _PUNCT_KEEP.search(marks) else "!" if style == "warm" else "."
        if rule is None:
            return ""  # scorn emoji or a starred-out swear word
        if rule.replace is None or (style == "coach" and not rule.minimal):
            return None
        if rule.drop_before_noun and self._before_noun(text, hit):
            return ""
        key = "calm" if style == "coach" else style
        template = rule.replace.get(key, rule.replace.get("calm", next(iter(rule.replace.values()))))
        after = _expand(template, hit, text)
        return keep_case(
            text[hit.start : hit.end], after, _at_sentence_start(text, hit.start) and bool(after)
        )

    def _before_noun(self, text: str, hit: Hit) -> bool:
        """Whether the hit is an adjective in front of a noun ("a stupid idea"), so dropping it leaves a
        sentence that still says the same thing; a guess from the neighbouring words, no parser."""
        after = _NEXT_WORD.match(text, hit.end)
        if after is None or norm_word(after.group(1)) in self.lexicon.function_words:
            return False
        before = _PREV_WORD.search(text, max(0, hit.start - 30), hit.start)
        return before is None or norm_word(before.group(1)) not in self.lexicon.intensifiers

    def edits(self, text: str, hits: list[Hit], style: Style) -> list[Edit]:
        """Edits for the word-level hits (the text has already been re-cased)."""
        out: list[Edit] = []
        for h in hits:
            if h.kind == "shouting":
                continue
            after = self._replacement(h, style, text)
            if after is None or after == text[h.start : h.end]:
                continue
            if h.rule is not None:
                why = h.rule.why
            else:
                why = _WHY["contempt_emoji" if h.kind == "contempt" else h.kind]
            out.append(Edit(h.start, h.end, after, why))
        return out

    def filler_edits(self, text: str, taken: list[Edit]) -> list[Edit]:
        """For the concise style: drop filler words that add heat but no meaning."""
        spans = protected_spans(text, dates=False)
        masked = mask(text, spans)
        fillers = self.lexicon.fillers
        out = []
        tokens = tokenize(masked)
        for start, end, word in zip(tokens.starts, tokens.ends, tokens.words, strict=True):
            if word in fillers and not any(e.start < end and start < e.end for e in taken):
                out.append(Edit(start, end, "", "Filler word removed to keep it short."))
        return out

    def candidate(self, text: str, hits: list[Hit], style: Style) -> tuple[str, list[Edit], str]:
        """The rewritten text, the edits made, and the re-cased source they apply to."""
        recased = self.recase(text, hits)
        edits = self.edits(recased, hits, style)
        if style == "concise":
            edits = sorted(edits + self.filler_edits(recased, edits), key=lambda e: e.start)
        new = apply_edits(recased, protected_spans(recased), edits)
        return new, edits, recased
