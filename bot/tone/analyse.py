"""The analyser: find tension signals and safety hits in a message with one linear pass over its words."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter

from bot.errors import InputError
from bot.tone.index import (
    WORD,
    Found,
    PatternIndex,
    Spans,
    Words,
    at_sentence_start,
    sentence_start,
    words_of,
)
from bot.tone.lexicon import Lexicon, Rule, SafetyRule
from bot.tone.patterns import CompiledPattern, norm_word
from bot.tone.protect import mask, protected_spans
from bot.tone.types import (
    MAX_CHARS,
    SAFETY_KINDS,
    Level,
    SafetyHit,
    Signal,
    ToneReport,
    new_report,
    new_signal,
)
from bot.tone.wording import WordingModel

_PUNCT_RUN = re.compile(r"[!?¡¿](?:\s?[!?¡¿1]){1,200}")
_SENTENCE = re.compile(r"[^.!?\n…]+")
_SENTENCE_PADDING = " \t\"'*_()>•-"
_CLAUSE_BREAK = re.compile(r"[.!?;,\n:()\x00]")
_SENTENCE_END = re.compile(r"[.!?\n]")
_SENTENCE_TAIL = re.compile(r"[^\w\n.!?…]*(?:[.!?\n…]|$)")  # what may follow a match that ends its sentence
_MASKED_SWEAR = re.compile(r"(?<![\w*#])[A-Za-z]{1,3}(?:[*#]{1,4}[A-Za-z]{1,4}|[*#]{2,4})(?![\w*#])")
_CAPS = re.compile(r"[A-Z\u00C0-\u00DE\u0391-\u03A9\u0410-\u042F]{2}")


def _shape(c: int) -> int:
    """How one byte of ASCII text shows for _CAPS and _PUNCT_RUN: a capital as "A", ! and ? as "!", 1 as
    itself, whitespace (as the regex's \\s sees it) as a space, anything else as "."."""
    char = chr(c)
    if "A" <= char <= "Z":
        return ord("A")
    if char in "!?":
        return ord("!")
    return c if char == "1" else 32 if char.isspace() else ord(".")


_SHAPE = bytes(map(_shape, range(256)))
_EDGE = " \t\n.!?,;:…-"
_EDGE_RUN = re.compile(f"[{re.escape(_EDGE)}]*")
_WINDOW = 3
_YOU_WINDOW = 4
SAFETY_FLOOR = 0.8

STRUCTURAL = {
    "shouting": ("Capital letters read as shouting.", "Write it in normal sentence case."),
    "punctuation": (
        "Stacked ! and ? marks read as exasperation.",
        "Use a single full stop or question mark.",
    ),
    "profanity": (
        "A starred-out swear word still reads as swearing.",
        "Leave it out and say plainly what you mean.",
    ),
    "contempt": (
        "An eye-roll or similar emoji reads as open scorn, and text can't soften it.",
        "Remove the emoji and say plainly what you think is wrong.",
    ),
    "curt_request": (
        "A request or question with no courtesy at all (no greeting, please, could you or thanks) can read "
        "as curt in text, even when you only meant to be brief.",
        'Add a word of courtesy ("Could you ...?", "Thanks!") so it reads as a request between colleagues.',
    ),
    "sarcasm": (
        'Quote marks around the reader\'s own words (your "quick fix") say you don\'t believe them.',
        "Say plainly what went wrong, without the quote marks.",
    ),
    "wording": (
        "Taken as a whole, this reads as tense, though no single phrase says so: it is close to messages "
        "that readers found tense (a model learned from examples).",
        "Read it as the other person will, then say what happened and what you need, plainly.",
    ),
}
# Scare quotes: a few words in quote marks right after "your", "the", "another"... ('your "quick fix"', 'the
# "help"', 'while you're "heads down"'), not a label ('the "Save" button', 'the "latest" tag') and not words
# quoted to discuss them ('say "per seat"', 'called "Update"': those follow other words).
_SCARE_BEFORE = re.compile(
    r"(?<![\w'’])(?:your|you|you're|youre|you've|the|another|this level of|their|his|her|always|so-called"
    r"|stop|was|were|been|being|how|will)[ \t]+$",
    re.IGNORECASE,
)
_SCARE_QUOTE = re.compile(r"[\"“]([a-z][^\"”\n]{0,29})[\"”]")
_LABEL_AFTER = re.compile(
    r"[ \t]+(?:button|buttons|tab|tabs|menu|field|fields|folder|option|options|link|page|setting|settings|"
    r"role|status|channel|template|section|view|filter|checkbox|toggle|card|column|columns|list|board|label|labels|"
    r"tag|tags|branch|flag|key|value|variable|parameter|header|command|script|file|repo|env|environment|"
    r"stage|state|type|category|priority|severity|lane|icon|banner|screen|dialog|box|form|step|mode)\b",
    re.IGNORECASE,
)
_SCARE_WEIGHT = 0.35
_PRAISE_SOFTENS = frozenset({"absolute", "pointed_opening"})  # (see Analyzer._unpraised)
_INTERJECTION = re.compile(r"[\W_]*\w+[,!.]")  # a word that opens a sentence on its own: "Great, ..."
_NOTHING = frozenset({"nothing", "none"})  # beside a word of praise, they take it back ("I learn nothing")
_kind = attrgetter("kind")
# The wording model's weight, from its threshold to certainty: tension 0.2 (tense) to 0.45 (short of heated)
WORDING_WEIGHT = (0.2232, 0.5978)
CURT_WEIGHT = 0.05  # a request with no courtesy (Analyzer._curt): calm alone, ranked above a courteous one


@dataclass(slots=True)
class Hit:
    """A candidate signal before it becomes public: the rule (if any) and the spans of its groups."""

    kind: str
    start: int
    end: int
    weight: float
    rule: Rule | None
    groups: tuple[tuple[int, int], ...] = ()


def check_length(text: str) -> None:
    """Reject input over the hard cap with a clear message."""
    if len(text) > MAX_CHARS:
        raise InputError(
            f"The message is {len(text):,} characters long; the limit is {MAX_CHARS:,}. "
            "Send a shorter part of it."
        )


def masked_for_analysis(text: str) -> str:
    """`text` as the analyser reads it: protected spans (but not date words) masked, positions kept."""
    return mask(text, protected_spans(text, dates=False))


def _interjection(masked: str, start: int, end: int) -> bool:
    """Whether the match is one word that a comma follows: "Look, the build is red." and "Listen, ..." open
    the sentence on their own, as "Well, ..." does; they order nothing. (An opening that corrects,
    "Actually, ...", is a signal of its own kind, not an order.)"""
    return masked.startswith(",", end) and " " not in masked[start:end]


def _is_whole(masked: str, start: int, end: int) -> bool:
    """Whether only spaces and punctuation surround [start, end); stops at the first other character, so
    a long message costs no more than a short one."""
    return _EDGE_RUN.fullmatch(masked, 0, start) is not None and _EDGE_RUN.fullmatch(masked, end) is not None


_start = attrgetter("start")  # a hit's start, as a sort key in C
_VOWELS = frozenset("AEIOUY")
_rule_at_start = attrgetter("rule.at_start")  # for a hit from a rule: whether it counts only there (in C)


def resolve(hits: list[Hit]) -> list[Hit]:
    """Keep non-overlapping hits, preferring the longest and then the heaviest; return them in text order."""
    ordered = sorted(hits, key=_start)
    if _disjoint(ordered):  # the usual case: nothing to choose between
        return ordered
    kept: list[Hit] = []
    taken = Spans()
    for hit in sorted(hits, key=lambda h: (h.start - h.end, -h.weight, h.start)):
        if hit.end > hit.start and not taken.overlaps(hit.start, hit.end):
            taken.add(hit.start, hit.end)
            kept.append(hit)
    return sorted(kept, key=_start)


def _may_shout(masked: str) -> tuple[bool, bool]:
    """Whether the text may hold shouting (two capitals in a row) and stacked marks (_PUNCT_RUN)."""
    if not masked.isascii():
        return _CAPS.search(masked) is not None, any(c in masked for c in "!?¡¿")
    # A byte translation and a few substring tests, much cheaper than a regex scan of the text (decoded:
    # `in` on bytes first tries its argument as an int, and raises and clears an exception).
    shape = masked.encode().translate(_SHAPE).decode()
    return "AA" in shape, "!!" in shape or "!1" in shape or "! !" in shape or "! 1" in shape


def _disjoint(ordered: list[Hit]) -> bool:
    """Whether hits sorted by start are all non-empty and none overlaps the next (so none overlaps any)."""
    end = -1
    for hit in ordered:
        if hit.start < end or hit.end <= hit.start:
            return False
        end = hit.end
    return True


Payload = Rule | SafetyRule | None


def _opens_sentence(payload: Payload) -> bool:
    """A rule that counts only at the start of a sentence (see `Analyzer._accept`)."""
    return isinstance(payload, Rule) and payload.at_start


class Analyzer:
    """Finds signals and safety hits; built once from a lexicon, then pure."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        items: list[tuple[CompiledPattern, str, Payload]] = []
        items += [(r.pattern, "rule", r) for r in lexicon.rules]
        items += [(s.pattern, "safety", s) for s in lexicon.safety]
        items += [(p, "exempt", None) for p in lexicon.exemptions]
        items += [(p, "hedge", None) for p in lexicon.hedges]
        items += [(p, "demand", None) for p in lexicon.demand]  # (see _curt)
        self._index: PatternIndex[Payload] = PatternIndex(items, opener=_opens_sentence)
        # Courtesy matters only to a rule hit at a sentence's start and to a request with no signal at all,
        # so it is looked for apart, then.
        self._courtesy: PatternIndex[None] = PatternIndex([(p, "courtesy", None) for p in lexicon.courtesy])
        words = [cue for cue in lexicon.delight if any(c.isalnum() for c in cue)]
        self._delight_words = (
            re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])", re.IGNORECASE)
            if words
            else None
        )
        self._delight_emoji = tuple(cue for cue in lexicon.delight if cue not in words)
        self._ascii_delight = any(cue.isascii() for cue in self._delight_emoji)  # (":)" would be one)
        self._praise_cues = lexicon.praise | lexicon.gratitude  # (see _unpraised)
        phrases: list[tuple[CompiledPattern, str, None]] = []
        for category in ("ask", "apology", "promise"):
            phrases += [(p, category, None) for p in getattr(lexicon, category)]
        self._phrases: PatternIndex[None] = PatternIndex(phrases)

    def count_phrases(self, text: str) -> dict[str, int]:
        """How many ask, apology and promise phrases `text` holds (outside protected spans)."""
        return self.count_masked_phrases(masked_for_analysis(text))

    def count_masked_phrases(self, masked: str) -> dict[str, int]:
        """`count_phrases` for text already masked (`masked_for_analysis`)."""
        counts = {"ask": 0, "apology": 0, "promise": 0}
        for found in self._phrases.find(masked, words_of(masked, masked.lower())):
            counts[found.category] += 1
        return counts

    # ---------------------------------------------------------------- context checks
    @staticmethod
    def _preceding(masked: str, words: Words, index: int, start: int) -> list[str]:
        """Up to three words before word `index` (which starts at `start`), within the same clause."""
        out: list[str] = []
        pos = start
        for i in range(index - 1, max(-1, index - 1 - _WINDOW), -1):
            begin, end = words.span_before(i, pos)
            # a single space (the usual gap) holds no clause break; anything else is searched
            if (pos - end != 1 or masked[end] != " ") and _CLAUSE_BREAK.search(masked, end, pos):
                break
            out.append(words.words[i])
            pos = begin
        return out

    def _negated(self, masked: str, words: Words, index: int, start: int) -> bool:
        negators = self.lexicon.negators
        # Most matches have no negator among the words before them: then where the clause breaks does not
        # matter. (A word that ends in "n't" leaves "n't" in the joined words; words never start with "'".)
        before = words.words[max(0, index - _WINDOW) : index]
        if negators.isdisjoint(before) and "n't" not in "".join(before):
            return False
        return self._negating(self._preceding(masked, words, index, start))

    def _negating(self, words: Iterable[str]) -> bool:
        """Whether any of `words` (lower case) negates: a negator, or a word ending in "n't"."""
        negators = self.lexicon.negators
        return any(word in negators or word.endswith("n't") for word in words)

    def _you_around(self, words: Words, first: int, start: int, end: int) -> bool:
        """`_near_you` for a match of word `first` from `start` to `end`. Its last word is found only when
        no "you" lies within reach of the first word (most matches have one right next to them)."""
        if self._you_in(words.words, first - _YOU_WINDOW, first + _YOU_WINDOW + 1):
            return True
        return self._near_you(words, first, words.last_word(first, start, end))

    def _near_you(self, words: Words, first: int, last: int) -> bool:
        return self._you_in(words.words, first - _YOU_WINDOW, last + _YOU_WINDOW + 1)

    def _you_in(self, said: list[str], lo: int, hi: int) -> bool:
        """Whether a word from `lo` to `hi` addresses the reader. The "you" of "thank you" does not, unless
        what the thanks are for follows: "close weeks are never fun, so thank you" is about the weeks, "thank
        you for never replying" about the reader."""
        lo = max(0, lo)
        you = self.lexicon.second_person
        window = said[lo:hi]
        if you.isdisjoint(window):
            return False
        # the usual case, settled in C (a "thank" just before the window makes its first word a thanks)
        if "thank" not in said[max(0, lo - 1) : hi]:
            return True
        return any(word in you and not _thanks(said, k) for k, word in enumerate(window, lo))

    def _you_in_sentence(self, masked: str, start: int) -> bool:
        """Whether the reader is addressed before `start` in its sentence: a tail ("..., as always.") is aimed
        at the sentence's subject, however far back it is ("Your team dropped the ball on this one, as
        always.")."""
        said = [norm_word(w) for w in WORD.findall(masked, sentence_start(masked, start), start)]
        return self._you_in(said, 0, len(said))

    @staticmethod
    def _ends_as_question(masked: str, end: int) -> bool:
        m = _SENTENCE_END.search(masked, end)
        return m is not None and m.group() == "?"

    # ---------------------------------------------------------------- scanning
    def rules_in(self, text: str) -> list[Rule]:
        """The rules whose patterns match somewhere in `text` (a few words), before any check of context: a
        hit that `scan` finds there has one of them. Much cheaper than a scan, to rule one out."""
        masked = masked_for_analysis(text)
        found = self._index.find(masked, words_of(masked, masked.lower()))
        rules = [item.payload for item in found if item.category == "rule" and isinstance(item.payload, Rule)]
        return rules + [hit.rule for hit in self._sentences(masked) if hit.rule is not None]

    def scan(self, text: str) -> tuple[list[Hit], SafetyHit | None]:
        """All accepted hits and the safety hit (if any) for `text`."""
        spans = protected_spans(text, dates=False)
        masked = mask(text, spans) if spans else text
        words = words_of(masked, masked.lower())
        raw: list[Found[Payload]] = []
        safety: list[Found[Payload]] = []
        exempt: list[tuple[int, int]] = []
        hedges: list[int] = []
        demand: Found[Payload] | None = None
        for found in self._index.find(masked, words, openers_anywhere=False):
            category = found.category
            if category == "rule":
                raw.append(found)
            elif category == "safety":
                safety.append(found)
            elif category == "exempt":
                exempt.append((found.start, found.end))
            elif category == "hedge":
                hedges.append(found.end)
            elif demand is None:
                demand = found
        exempt_spans = Spans(exempt) if exempt else None
        hits: list[Hit] = []
        if raw:
            hedges.sort()
            for found in raw:
                hit = self._accept(masked, words, found, exempt_spans, hedges)
                if hit is not None:
                    hits.append(hit)
            # a rule that counts only at a sentence's start does not count in a courteous message
            if any(map(_rule_at_start, hits)) and self._courtesy.find(masked, words):
                hits = [hit for hit in hits if not _rule_at_start(hit)]
        if self.lexicon.sentences:
            hits += self._sentences(masked)
        if not text.isascii():
            hits += self._emoji(text)
        if spans and ('"' in text or "“" in text):
            hits += _scare_quotes(text, spans)
        if "*" in masked or "#" in masked:
            hits += [Hit("profanity", m.start(), m.end(), 0.5, None) for m in _MASKED_SWEAR.finditer(masked)]
        if len(hits) > 1:
            hits = resolve(hits)
        loud, marks = _may_shout(masked)
        if loud:
            hits += self._shouting(masked, words)
        if marks:
            hits += self._punctuation(masked)
        if len(hits) > 1:
            hits.sort(key=_start)  # stable: word hits stay before shouting and marks at the same start
        if hits and not _PRAISE_SOFTENS.isdisjoint(map(_kind, hits)):
            hits = self._unpraised(masked, words, hits)
        if hits and all(map(_amplifies, hits)) and self._delighted(masked):
            hits = []  # "WE SHIPPED IT!!!", "Congrats!!!!": capitals and marks carry the delight
        if not hits and not hedges:  # (a hedge redresses a request as courtesy does: "Maybe we could ...?")
            hits = self._curt(masked, words, demand)
        route = self._safety(masked, words, safety, exempt_spans) if safety else None
        if route is None and self.lexicon.wording is not None:
            hits = self._worded(self.lexicon.wording, masked, hits)
        return hits, route

    @staticmethod
    def _worded(model: WordingModel, masked: str, hits: list[Hit]) -> list[Hit]:
        """`hits` with the wording model's signal, where the rules read the message as calm and the model is
        sure the whole reads tense (its weight grows with its confidence), on the sentence that weighs most.

        Only there: a draft the rules find tense is judged by them. The model reads what a message is about
        as well as how it is said, and a rewrite keeps what it is about, so it would read most rewrites as
        no calmer than their drafts."""
        if hits and score(hits) >= TENSE_FROM:
            return hits
        p = model.probability(masked)
        if p < model.threshold:
            return hits
        marked = model.marked(masked)
        if marked is None:  # (no words at all)
            return hits
        low, high = WORDING_WEIGHT
        weight = low + (high - low) * (p - model.threshold) / (1.0 - model.threshold)
        heaviest = model.heaviest(masked, *marked)  # (kept as the hit's groups: the signal names them)
        return sorted([*hits, Hit("wording", *marked, weight, None, heaviest)], key=_start)

    def _curt(self, masked: str, words: Words, demand: Found[Payload] | None) -> list[Hit]:
        """For a message with no signal: a demand ("I need the numbers by Friday") or a question, with no
        courtesy anywhere. In Brown and Levinson's terms a bald imposition. It weighs too little to make a
        message tense on its own (curt is not hostile), but it ranks "Where is the changelog?" above "Could
        you point me to the changelog? Thanks!", as people do. (Courtesy is looked for last: it costs a pass
        of its index.)"""
        if (demand is None and "?" not in masked) or self._courtesy.find(masked, words):
            return []
        if demand is not None:
            return [Hit("curt_request", demand.start, demand.end, CURT_WEIGHT, None)]
        mark = masked.index("?")
        start = sentence_start(masked, mark)
        start += len(masked[start:mark]) - len(masked[start:mark].lstrip())
        return [Hit("curt_request", start, mark + 1, CURT_WEIGHT, None)]

    def _unpraised(self, masked: str, words: Words, hits: list[Hit]) -> list[Hit]:
        """Without the absolutes and pointed openings of sentences that praise ("You're always so helpful,
        thanks!"), when nothing else but capitals and marks reads tense: "always" there is a compliment."""
        if self._praise_cues.isdisjoint(words.words) and not self._has_delight_emoji(masked):
            return hits  # the usual case: no word of praise or thanks anywhere
        if not all(hit.kind in _PRAISE_SOFTENS or _amplifies(hit) for hit in hits):
            return hits
        return [hit for hit in hits if hit.kind not in _PRAISE_SOFTENS or not self._praised(masked, hit)]

    def _praised(self, masked: str, hit: Hit) -> bool:
        """Whether the sentence holding `hit` has a delight emoji, or a word of praise that is not negated
        ("never helpful") and not an interjection that opens it ("Great, you always do this."); for a tail
        ("..., as always"), a word of thanks counts as praise ("Thank you for the review, as always!")."""
        start = sentence_start(masked, hit.start)
        end = _SENTENCE_END.search(masked, hit.end)
        sentence = masked[start : end.start() if end else len(masked)]
        if self._has_delight_emoji(sentence):
            return True
        said = WORD.findall(sentence.lower())
        praise = self.lexicon.praise
        if hit.rule is not None and hit.rule.at_end:
            praise = self._praise_cues
        if praise.isdisjoint(said):  # the usual case, settled in C
            return False
        opening = _INTERJECTION.match(sentence)
        for k, word in enumerate(said):
            if word not in praise or (k == 0 and opening is not None):
                continue
            # (negated before, "never helpful", or after, "I learn nothing")
            near = [*said[max(0, k - 2) : k], *said[k + 1 : k + 2]]
            if _NOTHING.isdisjoint(near) and not self._negating(near):
                return True
        return False

    def _has_delight_emoji(self, text: str) -> bool:
        return (self._ascii_delight or not text.isascii()) and any(cue in text for cue in self._delight_emoji)

    def _delighted(self, masked: str) -> bool:
        """Whether the message says something glad ("congrats", "thank you", "amazing work", "🎉"), not
        negated ("not happy")."""
        if self._has_delight_emoji(masked):
            return True
        if self._delight_words is None:
            return False
        for cue in self._delight_words.finditer(masked):
            if not self._negating(masked[max(0, cue.start() - 24) : cue.start()].lower().split()[-2:]):
                return True
        return False

    def _accept(
        self,
        masked: str,
        words: Words,
        found: Found[Payload],
        exempt: Spans | None,
        hedges: list[int],
    ) -> Hit | None:
        rule = found.payload
        start, end = found.start, found.end
        if not isinstance(rule, Rule) or end <= start or rule.weight <= 0:
            return None
        # ("no worries" is an idiom; "no worries if you're too busy" is a reproach)
        if exempt is not None and exempt.blocks(start, end):
            return None
        first = found.token
        if rule.negatable and self._negated(masked, words, first, start):
            return None
        if rule.needs_you and not (
            self._you_in_sentence(masked, start)
            if rule.at_end
            else self._you_around(words, first, start, end)
        ):
            return None
        if rule.at_start and not at_sentence_start(masked, start):
            return None
        if rule.kind == "bare_command" and _interjection(masked, start, end):
            return None
        if rule.sentences != "all" and self._ends_as_question(masked, end) != (rule.sentences == "questions"):
            return None
        if rule.whole_message and not _is_whole(masked, start, end):
            return None
        if rule.at_end and _SENTENCE_TAIL.match(masked, end) is None:
            return None
        weight = rule.weight
        if hedges:
            i = bisect.bisect_left(hedges, start - 24)
            if i < len(hedges) and hedges[i] <= start:
                weight *= 0.5
        return Hit(rule.kind, start, end, weight, rule, found.groups)

    def _sentences(self, masked: str) -> list[Hit]:
        """Sentences that are one of the lexicon's whole-sentence phrases ("... Again." "Scroll up.")."""
        table, longest = self.lexicon.sentences, self.lexicon.longest_sentence
        hits = []
        for m in _SENTENCE.finditer(masked):
            said = m.group().strip(_SENTENCE_PADDING)
            if not said or len(said) > longest:
                continue
            rule = table.get(norm_word(" ".join(said.replace(",", " ").split())))
            if rule is not None:
                start = m.start() + m.group().index(said)
                # its groups, for a replacement that keeps words ("Scroll up." -> "Please scroll up.")
                found = rule.pattern.regex.match(masked, start)
                groups = tuple(found.span(g) for g in range(1, found.re.groups + 1)) if found else ()
                hits.append(Hit(rule.kind, start, start + len(said), rule.weight, rule, groups))
        return hits

    def _safety(
        self, masked: str, words: Words, found: list[Found[Payload]], exempt: Spans | None
    ) -> SafetyHit | None:
        kinds = set()
        for item in found:
            rule = item.payload
            if not isinstance(rule, SafetyRule):
                continue
            if exempt is not None and exempt.overlaps(item.start, item.end):
                continue
            if rule.negatable and self._negated(masked, words, item.token, item.start):
                continue
            kinds.add(rule.kind)
        for kind in SAFETY_KINDS:
            if kind in kinds:
                return SafetyHit(kind)
        return None

    def _shouting(self, masked: str, words: Words) -> list[Hit]:
        acronyms, emphatic = self.lexicon.acronyms, self.lexicon.emphatic
        cased, said = words.cased(masked), words.words
        hits: list[Hit] = []
        # The run of loud words being read: where it starts and ends, how many words and letters it has (kept
        # as plain numbers, not a list of words, since only these make its hit).
        run_start = run_end = run_words = letters = first = 0
        prev = -2  # the last loud word; a run continues only from the word just before
        # A loud word is upper case, so only those are looked at (the filter runs in C).
        for i in compress(range(len(cased)), map(str.isupper, cased)):
            word = cased[i]
            # A word with no vowel is an abbreviation, not a raised voice ("50 MW, PJM West", "the CRM")
            if word.isalpha():  # the usual case: letters only, so no digit and every character counts
                loud = len(word) >= 2 and words.words[i] not in acronyms and not _VOWELS.isdisjoint(word)
            else:
                loud = (
                    sum(c.isalpha() for c in word) >= 2
                    and words.words[i] not in acronyms
                    and not any(c.isdigit() for c in word)
                    and not _VOWELS.isdisjoint(word)
                )
            if not loud:
                continue
            s = words.start(i)
            if prev == i - 1 and not masked[run_end:s].strip(" ,'\"-\x00"):
                run_words += 1
                letters += len(word)
            else:
                if run_words:
                    stressed = said[first] in emphatic
                    _add_shouting(hits, masked, run_start, run_end, run_words, letters, stressed)
                run_start, run_words, letters, first = s, 1, len(word), i
            prev, run_end = i, s + len(word)
        if run_words:
            _add_shouting(hits, masked, run_start, run_end, run_words, letters, said[first] in emphatic)
        return hits

    @staticmethod
    def _punctuation(masked: str) -> list[Hit]:
        hits = []
        for m in _PUNCT_RUN.finditer(masked):
            marks = m.group().replace(" ", "")
            if len(marks) >= 2:
                hits.append(Hit("punctuation", m.start(), m.end(), _marks_weight(marks), None))
        return hits

    def _emoji(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        if text.isascii():
            return hits
        for emoji in self.lexicon.scorn_emoji:
            pos = text.find(emoji)
            while pos >= 0:
                hits.append(Hit("contempt", pos, pos + len(emoji), 0.5, None))
                pos = text.find(emoji, pos + len(emoji))
        return hits

    # ---------------------------------------------------------------- report
    def report(self, text: str, hits: list[Hit], safety: SafetyHit | None) -> ToneReport:
        """Turn accepted hits into the public report."""
        if not hits and safety is None:
            return _CALM  # the report is immutable, so one instance serves every calm message
        if len(hits) == 1:  # the usual case: a one-tuple costs far less than a tuple built from a map
            signals: tuple[Signal, ...] = (self.signal(text, hits[0]),)
        else:
            signals = tuple(map(self.signal, repeat(text), hits))
        tension = score(hits)
        if safety is not None:
            tension = max(tension, SAFETY_FLOOR)
        return new_report(tension, level_of(tension), signals, safety)

    @staticmethod
    def signal(text: str, hit: Hit) -> Signal:
        """The public, explained form of a hit."""
        if hit.rule is not None:
            why, suggestion = hit.rule.why, hit.rule.suggestion
        else:
            why, suggestion = STRUCTURAL[hit.kind]
            if hit.kind == "wording" and hit.groups:
                words = ", ".join(f"“{text[a:b]}”" for a, b in hit.groups)
                why = f"{why} The words that weigh most: {words}."
        return new_signal(hit.kind, hit.start, hit.end, text[hit.start : hit.end], why, suggestion)


def _amplifies(hit: Hit) -> bool:
    """Capitals and stacked marks raise whatever the words say: anger, or joy."""
    return hit.rule is None and hit.kind in ("shouting", "punctuation")


def _thanks(said: list[str], k: int) -> bool:
    """Whether word `k` is the "you" of a "thank you" that says nothing of what for."""
    return k > 0 and said[k - 1] == "thank" and (k + 1 == len(said) or said[k + 1] != "for")


def _scare_quotes(text: str, spans: list[tuple[int, int]]) -> list[Hit]:
    """Quoted words set off as not meant (see _SCARE_BEFORE): each a sarcasm hit over the quote."""
    hits = []
    for start, end in spans:
        quoted = _SCARE_QUOTE.fullmatch(text, start, end)
        if (
            quoted is not None
            and len(quoted.group(1).split()) <= 4
            and _SCARE_BEFORE.search(text, max(0, start - 24), start) is not None
            and _LABEL_AFTER.match(text, end) is None
        ):
            hits.append(Hit("sarcasm", start, end, _SCARE_WEIGHT, None))
    return hits


def _marks_weight(marks: str) -> float:
    """Two or three "!" are as often delight as exasperation ("Thanks so much!!"): alone they leave a message
    calm, beside another signal they add to it. A "?" among them, or four marks or more, reads as
    exasperation."""
    if len(marks) >= 4:
        return 0.35
    return 0.15 if marks.count("!") == len(marks) else 0.25


def _is_label(masked: str, start: int, end: int) -> bool:
    """Whether capitals open a line as its label ("URGENT: the cert expires tonight", "ACTION REQUIRED:"):
    a convention for notices, not raised voice."""
    return masked.startswith(":", end) and (start == 0 or masked[start - 1] == "\n")


def _add_shouting(
    hits: list[Hit], masked: str, start: int, end: int, words: int, letters: int, emphatic: bool
) -> None:
    """A run of loud words from `start` to `end` is shouting when it has two words or four letters, unless
    it is a line's label of three words at most. One of the lexicon's short `emphatic` words ("Do NOT
    merge", "a PR needs TWO approvals") is as often delight ("Thank YOU!", "ALL tests green") as raised
    voice: alone it leaves a message calm, beside another signal it adds."""
    if words < 4 and _is_label(masked, start, end):
        return
    if words >= 2 or letters >= 4:
        weight = 0.3 if words == 1 else 0.5 if words < 4 else 0.7
        hits.append(Hit("shouting", start, end, weight, None))
    elif emphatic:  # (one word: two or more took the branch above)
        hits.append(Hit("shouting", start, end, 0.15, None))


def score(hits: list[Hit]) -> float:
    """Tension 0..1: each kind counts fully once, then with halving weight for repeats."""
    if len(hits) < 2:  # the same figure as the sum below, with less work
        return _tension(hits[0].weight) if hits else 0.0
    if len({h.kind for h in hits}) == len(hits):  # no repeats: the same sum, in the same order
        return _tension(sum([h.weight for h in hits]))
    by_kind: dict[str, list[float]] = {}
    for h in hits:
        by_kind.setdefault(h.kind, []).append(h.weight)
    total = sum(w * 0.5**i for ws in by_kind.values() for i, w in enumerate(sorted(ws, reverse=True)))
    return _tension(total)


# Tension by total weight. Rounding a float to 4 places is slow (it goes through its decimal digits), and the
# totals come from a few rule weights, so each is worked out once (the cap only guards against odd lexicons).
_TENSIONS: dict[float, float] = {}
_MAX_TENSIONS = 4096


def _tension(total: float) -> float:
    tension = _TENSIONS.get(total)
    if tension is None:
        if len(_TENSIONS) >= _MAX_TENSIONS:
            _TENSIONS.clear()
        tension = _TENSIONS[total] = round(1.0 - math.exp(-total), 4)
    return tension


TENSE_FROM = 0.2  # (and heated from 0.55)
_CALM = ToneReport(tension=0.0, level="calm", signals=(), safety=None)


def level_of(tension: float) -> Level:
    """calm below 0.2, heated from 0.55."""
    if tension < TENSE_FROM:
        return "calm"
    return "tense" if tension < 0.55 else "heated"
