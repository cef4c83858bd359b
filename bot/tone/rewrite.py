"""The offline rewriter: turn the analyser's hits into edits for a given style."""

from __future__ import annotations

import re
from itertools import pairwise

from bot.tone.analyse import Analyzer, Hit
from bot.tone.compose import Edit, apply_edits, fix_article, keep_case
from bot.tone.index import at_sentence_start, sentence_start, tokenize
from bot.tone.lexicon import Rule
from bot.tone.patterns import norm_word
from bot.tone.predicate import graded, joins_previous, plain_word, predicate_start, with_degree
from bot.tone.protect import mask, named_date_starts, protected_spans
from bot.tone.types import Style

_GROUP_REF = re.compile(r"\$(\d+)")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’]*)")
_PREV_WORD = re.compile(r"([\w'’]+)[ \t]+$")
_PREV_WORD_PUNCT = re.compile(r"([\w'’]+)[ \t]*,[ \t]*$")
_COMMA_NEXT = re.compile(r"[ \t]*,")
_PUNCT_KEEP = re.compile(r"[?¿]")
# Replacements that stand for "the person" in place of a name they were called.
_NAME_SWAPS = frozenset({"person", "people", "you all"})
# A replacement that is a clause of its own ("I see it differently", "please let me finish", "never mind"):
# it only reads right where the words it replaces stood as a clause too.
_CLAUSE_SWAP = re.compile(
    r"(?:I|I'm|I'd|that doesn't|never mind|please let|please leave|okay|let's|good to have|great to have)\b",
    re.IGNORECASE,
)
# Words that open a form of address ("lol nigga you better ...", "well, idiot, ...") besides punctuation
# and the message's edge...
_INTERJECTIONS = frozenset(
    {
        "well", "oh", "ohh", "ok", "okay", "yeah", "yes", "no", "now", "lol", "lmao", "haha", "hahaha", "hey",
        "hi", "hello", "man", "bro", "dude", "look", "listen",
    }
)
# Sentence adverbs that only say how a clause is said ("Honestly you're overreacting."): where that clause is
# swapped for one of its own ("I hear that this is a concern for you"), the adverb goes with it.
_HOW_SAID = frozenset({"honestly", "frankly", "seriously", "tbh", "truthfully"})
_SENTENCE_MARK = re.compile(r"[.!?\n]")
# Words after which a comma cuts into a clause rather than closing a phrase ("Could you, for once, ...").
_CUT_INTO = frozenset(
    {"you", "please", "if", "can", "could", "would", "will", "should", "to", "and", "just", "did", "do",
     "does"}
)  # fmt: skip
# A sentence's first word, and the first words that make it a question: an auxiliary before its subject
# ("are we", "could this"), a question word, or a negative.
_FIRST_WORD = re.compile(r"[\s\"'*_>-]*([A-Za-z']+)")
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should", "have",
     "has"}
)  # fmt: skip
_ASKED_ABOUT = frozenset(
    {"we", "you", "i", "they", "he", "she", "it", "this", "that", "there", "anyone", "someone", "everyone",
     "anybody", "somebody"}
)  # fmt: skip
_QUESTION_WORDS = _AUXILIARIES | {
    "why", "what", "how", "where", "when", "who", "whose", "which", "am", "isn't", "aren't", "don't",
    "doesn't", "didn't", "can't", "won't",
}  # fmt: skip
_SENTENCE_PADDING = " \t\"'*_>-"
# ... and that may stand before a clause of its own ("..., so I see it differently", "to say that I ...").
_OPENERS = _INTERJECTIONS | {
    "and", "but", "so", "or", "because", "cause", "cuz", "then", "just", "that", "since", "if", "when",
    "while", "although", "though", "say", "said", "says", "saying", "think", "thought", "know", "knew",
    "guess", "feel", "felt",
}
_COORDINATORS = frozenset({"and", "but", "so", "or", "just"})
# ... and after one.
_CLOSERS = frozenset(
    {
        "and", "but", "so", "or", "because", "cause", "cuz", "then", "if", "when", "lol", "lmao", "haha",
        "hahaha", "xd", "smh", "rofl",
    }
)
_SUBJECTS = frozenset({"i", "you", "u", "we", "they", "he", "she", "ya"})
_YOU = frozenset({"you", "u", "ya"})
# Words that usually open a new clause when they follow a complete one without punctuation.
_CLAUSE_STARTS = _SUBJECTS | {"the", "it", "there", "this", "my", "your", "our", "his", "her", "their"}
# Words after which "you" is an object ("I told you, idiot"), so only the name goes.
_TAKES_YOU = frozenset(
    {
        "to", "for", "with", "at", "about", "of", "from", "by", "on", "against", "like", "than", "thank",
        "thanks", "told", "tell", "telling", "see", "saw", "love", "hate", "miss", "hear", "heard", "ask",
        "asked", "call", "called", "pay", "paid", "got", "get", "let", "help", "need", "want", "bet",
        "warn", "warned", "blame",
    }
)
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_POSSESSIVES = frozenset({"my", "your", "his", "her", "our", "their"})
_OWNERS = _POSSESSIVES | {"ur"}  # before a name used as an adjective, chat spelling too ("ur bum ass")
_ARTICLES = frozenset({"the", "a", "an"})
_DETERMINERS = _DEMONSTRATIVES | _ARTICLES | _POSSESSIVES | {"some", "any"}
# Neutral nouns put in place of a scornful one; after "this"/"that" at a clause's end none is needed.
_DROPPABLE_NOUNS = frozenset({"stuff", "misjudgement"})
# Words before "a"/"an" that make the adjective after them the point ("this is a stupid idea").
_JUDGING = frozenset(
    {"is", "was", "are", "were", "'s", "it's", "that's", "this's", "what", "such", "quite", "really", "truly"}
)
# What may stand between two words of one list ("stupid and corrupt", "racist asshole", "dumb, lazy"): two
# swaps to the same word there read as one said twice ("unwise and unwise").
_LISTED = re.compile(r"[ \t]*(?:,[ \t]*)?(?:(?:and|or|nor|&|if not|or even|and even)[ \t]+)?", re.IGNORECASE)
# A word whose noun went ("whip him to hell.", "bit on the butt.", "taxes and shit.") is left with nothing to
# lead into.
_PREPOSITIONS = frozenset({"to", "on", "in", "at", "of", "into", "up"})
_LEADS_IN = _ARTICLES | _POSSESSIVES | _PREPOSITIONS | {"and", "or"}
_LEFT_EDGE = re.compile(r"(?:^|[.!?,;:()\n\"]|\s-)[\s\"'*_>-]*$")
_EMOJI_TAIL = "\u200d\u2640\u2642\ufe0f\U0001f3fb-\U0001f3ff"  # joiner, gender signs, skin tones
# (an @mention that ends its sentence is an address after the clause: "Nice of you to join us @kofi")
_RIGHT_EDGE = re.compile(
    f"[\\s\"'*_{_EMOJI_TAIL}]*(?:$|[.!?,;:()\\n\"]|\\s-|@[\\w.-]+[ \\t]*(?:$|[.!?,;\\n]))"
)
_EMOJI_REST = re.compile(f"[{_EMOJI_TAIL}]+")
_WORDY = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Kinds whose short sentence of its own is only heat, dropped from a longer message when the rule has no
# plainer wording (see `Rewriter._jab_sentence`); not insults or swearing, whose words go on their own.
_JAB_KINDS = frozenset(
    {
        "sarcasm", "passive_aggressive", "contempt", "condescension", "dismissive", "guilt_trip", "blame",
        "frustration", "labelling", "threat",
    }
)
_JAB_WORDS = 6
# Words that make a sentence ask, order or expect something: "This cannot happen again.", "Don't put this on
# design.", "Start acting like one." stay, as does "Everything goes through me." (a rule for how to work).
_ASKS_OR_EXPECTS = frozenset(
    {
        "who", "what", "why", "when", "where", "how", "which", "must", "mustn't", "cannot", "can't", "need",
        "needs", "should", "shouldn't", "have", "has", "don't", "do", "never", "stop", "start", "please",
        "let", "make", "goes", "go", "will", "won't", "expect",
    }
)
_AGREEING = frozenset(
    {"sure", "love", "loved", "loving", "kudos", "congrats", "nice", "good", "well", "glad", "happy"}
)
_SAYS_I = re.compile(r"i(?:['’](?:m|d|ll|ve)| am| will| would| have)?\b", re.IGNORECASE)
_SENTENCE_EDGE = re.compile(r"(?:^|[.!?\n])[\s\"'*_>-]*$")
_WHOLE_SENTENCE = re.compile(r"[ \t]*[.!?]+(?:[ \t]*(?=\S)|\s*$)")
_OF_A = re.compile(r"[ \t]+of[ \t]+an?[ \t]+(?=[^\W\d_])", re.IGNORECASE)  # "that idiot of a manager"
# Words after which a bare name at a sentence's start is its subject, not an address ("Idiot who wrote this").
_GOES_ON = frozenset(
    {
        "is", "was", "who", "that", "which", "has", "had", "will", "would", "can", "could", "should", "and",
        "or", "of", "'s", "s", "in", "on", "at", "with", "from", "for", "to",
    }
)
_MENTIONS = r"(?:<?@[\w.|-]+>?[\s,:]*)+"  # "@dana, @sam: " (Slack's <@U123> form too)
_MENTIONS_BEFORE = re.compile(_MENTIONS + "$")
_LEADING_MENTIONS = re.compile(_MENTIONS)
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


def _clear_from(out: list[Edit], start: int) -> bool:
    """Drop the edits made from `start` on (a wider edit replaces them); False if one reaches past it."""
    while out and out[-1].start >= start:
        out.pop()
    return not out or out[-1].end <= start


def _said_once(text: str, edits: list[Edit]) -> list[Edit]:
    """Edits of one list merged where they say a word twice ("a racist and misogynist" -> "a person", not "a
    person and person"), or where a word dropped from it leaves its "and" ("the stupid and corrupt policy" ->
    "the unwise policy"): the list becomes its distinct words."""
    out: list[Edit] = []
    run: list[Edit] = []
    for edit in edits:
        if not _one_word(text, edit):
            out += _list_said_once(text, run)
            out.append(edit)
            run = []
        elif run and _LISTED.fullmatch(text, run[-1].end, edit.start):
            run.append(edit)
        else:
            out += _list_said_once(text, run)
            run = [edit]
    return out + _list_said_once(text, run)


def _list_said_once(text: str, run: list[Edit]) -> list[Edit]:
    words = list(dict.fromkeys(e.after.lower() for e in run if e.after))
    repeated = len(words) < sum(1 for e in run if e.after)
    if not words or not (repeated or any(_leaves_and(text, *pair) for pair in pairwise(run))):
        return run
    said = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    why = next(e.why for e in run if e.after)
    return [Edit(run[0].start, run[-1].end, keep_case(text[run[0].start : run[0].end], said, False), why)]


def _leaves_and(text: str, prev: Edit, dropped: Edit) -> bool:
    """Whether `dropped`, an adjective after "and" (or a comma), leaves that "and" with nothing to join; not
    when the word before is a noun ("bigots and dumb voters": a name's swap is one), as the "and" still joins
    it to the noun after."""
    return (
        not dropped.after
        and bool(prev.after)
        and prev.after.lower() not in _NAME_SWAPS
        and bool(text[prev.end : dropped.start].strip())
    )


def _one_word(text: str, edit: Edit) -> bool:
    """An edit that swaps words for one word or drops them (what a list is made of), not marks or emoji."""
    return (not edit.after or _WORD.fullmatch(edit.after) is not None) and _WORDY.search(
        text, edit.start, edit.end
    ) is not None


def _asked(text: str, edits: list[Edit]) -> list[Edit]:
    """`edits`, and a question mark for each sentence that an edit now opens as a question but that ended
    with a full stop ("so we're just ignoring the review now." -> "Are we ignoring the review now?")."""
    out: list[Edit] = []
    for i, edit in enumerate(edits):
        out.append(edit)
        words = edit.after.lower().split()
        if len(words) < 2 or words[0] not in _AUXILIARIES or words[1] not in _ASKED_ABOUT:
            continue
        if not _opens_its_sentence(text, edits[:i], edit.start):
            continue
        mark = _SENTENCE_MARK.search(text, edit.end)
        if mark is None or mark.group() != "." or text.startswith("..", mark.start()):
            continue
        if i + 1 < len(edits) and edits[i + 1].start <= mark.start():
            continue  # another edit reaches the sentence's end first
        out.append(Edit(mark.start(), mark.end(), "?", edit.why))
    return out


def _between_commas(text: str, edits: list[Edit]) -> list[Edit]:
    """`edits`, with a dropped aside between two commas taking both where it cut into a clause ("Could you,
    for once, update the ticket?" -> "Could you update the ticket?", not "Could you, update ..."). After an
    opening or a clause of its own one comma stays ("Wow, the vendor missed it again.")."""
    out: list[Edit] = []
    for i, edit in enumerate(edits):
        # (looked for beside the edit, not in copies of the text before and after it: a long message has many)
        cut = _PREV_WORD_PUNCT.search(text, max(0, edit.start - 40), edit.start)
        comma = _COMMA_NEXT.match(text, edit.end)
        if edit.after or comma is None or cut is None or norm_word(cut.group(1)) not in _CUT_INTO:
            out.append(edit)
            continue
        first, second = text.rindex(",", 0, edit.start), comma.end() - 1
        if (out and out[-1].end > first) or (i + 1 < len(edits) and edits[i + 1].start <= second):
            out.append(edit)  # another edit has a comma
            continue
        out.append(Edit(first, second + 1, "", edit.why))
    return out


def _opens_its_sentence(text: str, before: list[Edit], start: int) -> bool:
    """Whether nothing but marks and spaces is left before `start` in its sentence once the edits before it
    have dropped what they drop ("Cool cool cool, so we're just ..." -> "Are we ...")."""
    left = sentence_start(text, start)
    for edit in before:
        if edit.end <= left or edit.after:
            continue
        if _WORDY.search(text, left, edit.start):
            return False
        left = max(left, edit.end)
    return not _WORDY.search(text, left, start)


def _swap_of(rule: Rule) -> str | None:
    """The rule's calm replacement where it is a single word's own (no groups, no clause of its own)."""
    swap = rule.replace.get("calm") if rule.replace is not None else None
    if swap is None or "$" in swap or _CLAUSE_SWAP.match(swap):
        return None
    return swap


class Rewriter:
    """Builds calmer candidates from analyser hits; pure and deterministic."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.lexicon = analyzer.lexicon
        # words after which a "-ly" word at a clause's end says how ("take it seriously"): all but function
        # words, though "this" and "it" are objects there
        self._not_objects = analyzer.lexicon.function_words - _DEMONSTRATIVES - {"it"}
        # words that praise, thank or agree: beside one, a jab sentence is what makes the rest ironic
        self._agreeing = analyzer.lexicon.praise | analyzer.lexicon.gratitude | _AGREEING

    def recase(self, text: str, hits: list[Hit]) -> str:
        """Sentence-case every shouted run (length-preserving), keeping the first letter of a sentence."""
        loud = [h for h in hits if h.kind == "shouting"]
        if not loud:
            return text
        # dates are re-cased too ("by FRIDAY" -> "by Friday"); the guard lets a date's case change, no more
        masked = mask(text, protected_spans(text, dates=False))
        named = named_date_starts(text)  # ("MAY 5": the shouted run may end before the 5)
        parts: list[str] = []
        pos = 0
        for h in loud:
            lowered = sentence_case(masked[h.start : h.end], self.lexicon.acronyms)
            for at in (start - h.start for start in named if h.start <= start < h.end):
                lowered = lowered[:at] + lowered[at].upper() + lowered[at + 1 :]
            source = text[h.start : h.end]
            chunk = "".join(o if m == "\x00" else m for o, m in zip(source, lowered, strict=True))
            if at_sentence_start(text, h.start):
                chunk = chunk[:1].upper() + chunk[1:]
            parts += [text[pos : h.start], chunk]
            pos = h.end
        parts.append(text[pos:])
        return "".join(parts)

    def _replacement(self, hit: Hit, style: Style, text: str, hits: list[Hit]) -> str | None:
        rule = hit.rule
        if hit.kind == "punctuation":
            marks = text[hit.start : hit.end]
            if _PUNCT_KEEP.search(marks) or self._asks(text, hit.start):
                return "?"  # "Why is this still broken!!!" asks: it keeps a question mark
            return "!" if style == "warm" else "."
        if rule is None:  # scorn emoji or a starred-out swear word go; scare quotes are quoted text, kept
            return "" if hit.kind in ("contempt", "profanity") else None
        if style != "coach" and rule.whole_sentence and self._echoes(text, hit):
            return ""  # the sentence says again what the message already said
        if rule.replace is None or (style == "coach" and not rule.minimal):
            return None  # (a sentence that goes whole is found by `dropped_sentence`, in `edits`)
        if rule.drop_before_noun and self._before_noun(text, hit) and not self._judges(text, hit):
            return ""
        key = "calm" if style == "coach" else style
        template = rule.replace.get(key, rule.replace.get("calm", next(iter(rule.replace.values()))))
        if self._drops_a_graded_adjective(text, hit, template):
            return self._word_by_word(text, hit)  # "the most ignorant comment" -> "the most mistaken comment"
        after = _expand(template, hit, text)
        if _CLAUSE_SWAP.match(template) and not self._fits_as_clause(text, hit, hits):
            # "who cares" can become "I see it differently", but not inside "who cares loser lib ...":
            # there only the swear words (if any) go.
            if hit.kind != "profanity":
                # "just makes you look stupid" -> "just makes you look unwise": only the words swap
                return self._word_by_word(text, hit)
            after = self._swear_words_out(text, hit)
        elif after in _DROPPABLE_NOUNS and self._after_demonstrative(text, hit):
            return ""  # "pulling us into this crap." -> "pulling us into this."
        # a sentence that starts in lower case stays so: the writer's own style
        starts = at_sentence_start(text, hit.start) and not text[hit.start].islower()
        return keep_case(text[hit.start : hit.end], after, starts and bool(after))

    @staticmethod
    def _asks(text: str, end: int) -> bool:
        """Whether the sentence that ends at `end` opens with a question word ("why", "how", "did"...)."""
        first = _FIRST_WORD.match(text, sentence_start(text, end), end)
        return first is not None and norm_word(first.group(1)) in _QUESTION_WORDS

    def _word_before(self, text: str, start: int) -> re.Match[str] | None:
        return _PREV_WORD.search(text, max(0, start - 30), start)

    def _fits_as_clause(self, text: str, hit: Hit, hits: list[Hit]) -> bool:
        """Whether a replacement that is a clause of its own ("I see it differently", "I need you to") reads
        right where the hit stood: the hit stands as a clause itself, or the lexicon says the replacement
        leads into the rest of its clause as the match did (`in_place`) and the match says "I" itself ("by 5pm
        I'm escalating to" -> "by 5pm I'd need to escalate to") or opens a clause, though not after "when",
        "if", "then" or "because", where "you" is often anyone ("when you need to ask, ...")."""
        said = self._how_said(text, hit.start)
        start = hit.start if said is None else said  # the adverb goes with the clause (see `edits`)
        if self._stands_alone(text, start, hit.end, hits):
            return True
        if hit.rule is None or not hit.rule.in_place:
            return False
        if _SAYS_I.match(text, hit.start):
            return True
        before = self._word_before(text, start)
        if before is not None and norm_word(before.group(1)) in _OPENERS - _INTERJECTIONS - _COORDINATORS:
            return False
        return self._opens_clause(text, start, hits)

    def _opens_clause(self, text: str, start: int, hits: list[Hit]) -> bool:
        """Whether text[start:] opens a clause: punctuation, the edge of the message or a joining word ("and",
        "so", "lol") before it. Hostile words before it that go anyway ("Fuck you're rude") do not count."""
        gone = [(h.start, h.end) for h in hits if h.kind != "shouting" and h.end <= start]
        while (before := self._word_before(text, start)) is not None and any(
            s <= before.start(1) and before.end(1) <= e for s, e in gone
        ):
            start = before.start(1)
        return self._left_edge(text, start) or (before is not None and norm_word(before.group(1)) in _OPENERS)

    def _stands_alone(self, text: str, start: int, end: int, hits: list[Hit]) -> bool:
        """Whether text[start:end] stands as a clause of its own: it opens a clause (`_opens_clause`) and
        punctuation, the edge of the message or a joining word follows it. Hostile words after it that go
        anyway ("fuck off, you little cunt") do not count."""
        if not self._opens_clause(text, start, hits):
            return False
        covered = [(h.start, h.end) for h in hits if h.kind != "shouting" and h.start >= end]
        while True:
            gap = end + len(text[end : end + 40]) - len(text[end : end + 40].lstrip(" \t"))
            inside = [e for s, e in covered if s <= gap < e]
            if inside:
                end = max(inside)  # an emoji or a word that goes anyway
                continue
            after = _NEXT_WORD.match(text, end)
            if after is None:
                break
            then = _NEXT_WORD.match(text, after.end())
            if norm_word(after.group(1)) in _YOU and then is not None and any(
                s <= then.start(1) < e for s, e in covered
            ):
                end = after.end()
            else:
                break
        after = _NEXT_WORD.match(text, end)
        # a new clause may follow with no punctuation ("you're so lazy the report was due Monday")
        return _RIGHT_EDGE.match(text, end) is not None or (
            after is not None and norm_word(after.group(1)) in _CLOSERS | _CLAUSE_STARTS
        )

    def _swear_words_out(self, text: str, hit: Hit) -> str:
        """The hit's words less those that are swearing on their own ("fuck that guy" -> "that guy")."""
        words = []
        for m in re.finditer(r"\S+", text[hit.start : hit.end]):
            alone, _ = self.analyzer.scan(m.group())
            if not any(h.kind == "profanity" and h.rule is not None and h.rule.replace == {"calm": ""}
                       for h in alone):
                words.append(m.group())
        # what is left must lead into the words after it ("that guy"); a stray "it" or "off" goes too
        if words and norm_word(words[-1]) in _DETERMINERS and _RIGHT_EDGE.match(text, hit.end) is None:
            return " ".join(words)
        return ""

    def _word_by_word(self, text: str, hit: Hit) -> str | None:
        """The hit's words, each hostile one swapped for its own single-word replacement, or None when no
        word of it has one."""
        words: list[str] = []
        changed = False
        for m in re.finditer(r"\S+", text[hit.start : hit.end]):
            word = m.group()
            swap = self._own_swap(word)
            if swap is None:
                words.append(word)
                continue
            changed = True
            if words:
                words[-1] = fix_article(words[-1] + " ", swap).rstrip()
            if swap:
                words.append(keep_case(word, swap, False))
        return " ".join(words) if changed else None

    def _own_swap(self, word: str) -> str | None:
        """The single-word replacement of a rule that `word` alone is all of, if any."""
        if all(_swap_of(rule) is None for rule in self.analyzer.rules_in(word)):
            return None  # (the usual case, settled without a scan)
        alone, _ = self.analyzer.scan(word)
        if len(alone) != 1 or alone[0].rule is None or alone[0].end - alone[0].start != len(word):
            return None
        return _swap_of(alone[0].rule)

    def _drops_a_graded_adjective(self, text: str, hit: Hit, template: str) -> bool:
        """Whether the replacement keeps only the noun after an adjective ("$2" for "ignorant comment") where
        a word before grades that adjective ("the most", "so"), which would be left with nothing to grade."""
        kept = _GROUP_REF.fullmatch(template.strip())
        if kept is None or kept.group(1) == "1":
            return False
        before = self._word_before(text, hit.start)
        return before is not None and norm_word(before.group(1)) in self.lexicon.intensifiers

    def _after_demonstrative(self, text: str, hit: Hit) -> bool:
        """A scornful noun right after "this"/"that" at the end of a clause: the demonstrative can stand
        for it alone."""
        before = self._word_before(text, hit.start)
        return (
            before is not None
            and norm_word(before.group(1)) in _DEMONSTRATIVES
            and _RIGHT_EDGE.match(text, hit.end) is not None
        )

    def _address_start(self, text: str, hit: Hit, hits: list[Hit]) -> int | None:
        """Where a name used as a form of address begins ("..., you idiot." / "well, retard, you are"),
        so the whole address can go; None when the name is part of the sentence ("this idiot left")."""
        covered = [(h.start, h.end) for h in hits if h.kind != "shouting" and h is not hit]
        left = hit.start
        while (word := self._word_before(text, left)) is not None and any(
            s <= word.start(1) and word.end(1) <= e for s, e in covered
        ):
            left = word.start(1)  # an insulting adjective in front ("you dirty cunt") goes with the name
        before = self._word_before(text, left)
        at_edge = self._left_edge(text, left)
        if at_edge and before is None:
            # after a comma: "well, retard, ..." is an address; "a dirty, corrupt hypocrite" is a list (of
            # words: a phrase that ends at the comma is a clause, "Thanks for nothing, idiot.")
            words = [(s, e) for s, e in covered if " " not in text[s:e]]
            listed = _PREV_WORD_PUNCT.search(text, max(0, left - 40), left)
            if listed is not None and (
                norm_word(listed.group(1)) in _DETERMINERS - _DEMONSTRATIVES  # "congrats on that, loser"
                or any(s <= listed.start(1) and listed.end(1) <= e for s, e in words)
            ):
                return None
        opener = at_edge or (before is not None and norm_word(before.group(1)) in _INTERJECTIONS)
        after = _NEXT_WORD.match(text, hit.end)
        next_word = norm_word(after.group(1)) if after is not None else ""
        edge = _RIGHT_EDGE.match(text, hit.end)
        if edge is None and next_word not in _CLOSERS:
            # "bitch I've been on him since ..." / "lol nigga you better ...": an address before the subject;
            # "Idiot, read the spec" / "idiot read the spec": a bare singular name opening a sentence (no
            # article) can only be an address, unless the sentence goes on about it ("idiot who ...")
            if opener and next_word in _SUBJECTS:
                return left
            bare = left == hit.start and text[hit.start : hit.end].lower() not in _NAME_SWAPS
            sentence = _SENTENCE_EDGE.search(text, max(0, left - 40), left) is not None
            if bare and sentence and after is not None and next_word not in _GOES_ON:
                return left if self._replacement_is(hit, "person") else None
            return None
        if not _WORDY.search(text, 0, left) and edge is not None and not _WORDY.search(text, edge.end()):
            return None  # the name is the whole message: nothing would be left
        if norm_word(text[left : hit.end].split(None, 1)[0]) in _YOU:
            return left if self._address_you(text, left) else None
        if at_edge:
            return left
        previous = norm_word(before.group(1)) if before is not None else ""
        if previous in _YOU and before is not None:
            # "... yesterday you pussy" goes whole; "I told you idiot" keeps "you"
            return before.start(1) if self._address_you(text, before.start(1)) else left
        return left if opener else None

    def _name_span(
        self, text: str, hit: Hit, hits: list[Hit], plural: bool, previous: tuple[int, str]
    ) -> tuple[int, int, str] | None:
        """A better edit than "person" for a name: (start, end, replacement), or None to keep the swap.

        A name used to address someone goes whole, with its "you" and adjectives: the sentence reads the same
        without it, and "..., person." reads oddly. A name that is the predicate becomes the plain word for
        what it says ("he's a complete idiot" -> "he's mistaken"); `previous` is the end and the word of the
        last such predicate, so that "are racists and bigots" says "biased" once. A name between a possessive
        and a noun goes, as an adjective would ("his bigot mouth" -> "his mouth", not "his person mouth"), and
        so does a name that describes the noun after "of a" ("that idiot of a manager" -> "that manager")."""
        if self._names_a_noun(text, hit):
            return hit.start, hit.end, ""
        if (of_a := _OF_A.match(text, hit.end)) is not None:
            return hit.start, of_a.end(), ""
        address = self._address_start(text, hit, hits)
        if address is not None:
            whole = _WHOLE_SENTENCE.match(text, hit.end)
            if whole is not None and _SENTENCE_EDGE.search(text, max(0, address - 40), address):
                return address, whole.end(), ""  # "Moron. Read the spec." -> "Read the spec."
            return address, hit.end, ""
        word = plain_word(text[hit.start : hit.end], self.lexicon.name_predicates)
        if word is None:
            return None
        if graded(text, hit.start):
            return hit.start, hit.end, word  # "an incredibly sexist remark" -> "an incredibly biased remark"
        going = [(h.start, h.end) for h in hits if h.kind != "shouting" and h is not hit]
        start = predicate_start(text, (hit.start, hit.end), going, plural, previous[0])
        if start is None:
            return None
        if word == previous[1] and joins_previous(text, previous[0], start):
            return previous[0], hit.end, ""
        return start, hit.end, with_degree(text, start, word)

    @staticmethod
    def _replacement_is(hit: Hit, word: str) -> bool:
        return hit.rule is not None and hit.rule.replace is not None and hit.rule.replace.get("calm") == word

    def _left_edge(self, text: str, start: int) -> bool:
        mention = _MENTIONS_BEFORE.search(text, max(0, start - 60), start)
        if mention is not None:
            start = mention.start()  # "@dana you're ...": the address opens the clause
        return _LEFT_EDGE.search(text, max(0, start - 40), start) is not None

    def _address_you(self, text: str, you: int) -> bool:
        """Whether the "you" at `you` opens an address rather than being the object of the word before."""
        before = self._word_before(text, you)
        if before is None or self._left_edge(text, you):
            return True
        word = norm_word(before.group(1))
        return word not in _TAKES_YOU

    def _names_a_noun(self, text: str, hit: Hit) -> bool:
        """Whether a name stands between a possessive and a noun ("my arsehole stepdad just...", "his bigot
        mouth and..."), as an adjective would. A guess without a parser, so a narrow one: only after a
        possessive (after "the" or "this" the next word may be the name's verb: "this idiot left"), and only
        where that next word ends the clause or a function word follows it. ("my dick remembers everything"
        still reads as one: the name's swap goes there too.)"""
        before = self._word_before(text, hit.start)
        possessive = before is not None and norm_word(before.group(1)) in _OWNERS
        if not possessive or not self._before_noun(text, hit):
            return False
        noun = _NEXT_WORD.match(text, hit.end)
        then = _NEXT_WORD.match(text, noun.end()) if noun is not None else None
        return noun is not None and (
            _RIGHT_EDGE.match(text, noun.end()) is not None
            or (then is not None and norm_word(then.group(1)) in self.lexicon.function_words)
        )

    def _judges(self, text: str, hit: Hit) -> bool:
        """Whether an adjective before a noun is what the sentence says ("This is a stupid idea", "What a
        stupid plan"): dropped, "This is an idea" would say nothing, so the milder word goes in its place."""
        article = self._word_before(text, hit.start)
        if article is None or norm_word(article.group(1)) not in ("a", "an"):
            return False
        before = self._word_before(text, article.start(1))
        return before is not None and norm_word(before.group(1)) in _JUDGING

    def _before_noun(self, text: str, hit: Hit) -> bool:
        """Whether the hit is an adjective in front of a noun ("a stupid idea"), so dropping it leaves a
        sentence that still says the same thing; a guess from the neighbouring words, no parser."""
        after = _NEXT_WORD.match(text, hit.end)
        if after is None or norm_word(after.group(1)) in self.lexicon.function_words:
            return False
        before = self._word_before(text, hit.start)
        return before is None or not self._grades(norm_word(before.group(1)))

    def _grades(self, word: str) -> bool:
        """Whether `word` may grade the adjective after it ("very", "so", or an adverb such as "mentally"),
        which dropping the adjective would leave dangling ("the mentally manager"). A "-ly" word that is a
        tone word itself ("silly") is an adjective of its own; other "-ly" adjectives ("lovely") only make
        the adjective swapped instead of dropped, which reads as well."""
        if word in self.lexicon.intensifiers:
            return True
        return len(word) > 4 and word.endswith("ly") and not self.analyzer.scan(word)[0]

    def edits(self, text: str, hits: list[Hit], style: Style) -> list[Edit]:
        """Edits for the word-level hits (the text has already been re-cased)."""
        out: list[Edit] = []
        previous = (-1, "")  # the last predicate rewritten: its end and its word
        for h in hits:
            if h.kind == "shouting":
                continue
            dropped = self.dropped_sentence(text, h) if style != "coach" else None
            after = "" if dropped is not None else self._replacement(h, style, text, hits)
            if after is None or after == text[h.start : h.end]:
                continue
            if _WORD.fullmatch(after) and out and self._took_its_determiner(text, out[-1], h.start):
                after = ""  # "I don't have time for this nonsense." -> "I'm short on time right now."
            start, end = h.start, h.end
            if not after and h.kind == "insult" and not self._address_you(text, h.start):
                you = text[h.start : h.end].split(None, 1)[0]
                if norm_word(you) in _YOU:
                    after = you  # "I told you idiot" -> "I told you": "you" is the object there
            if after.lower() in _NAME_SWAPS:
                span = self._name_span(text, h, hits, after.lower() == "people", previous)
                if span is not None and _clear_from(out, span[0]):
                    start, end, after = span
                    if after or start == previous[0]:
                        previous = (end, after or previous[1])
            if dropped is not None:
                if not _clear_from(out, dropped[0]):
                    continue
                start, end = dropped
                edge = _SENTENCE_EDGE.search(text, max(0, start - 40), start)
                if edge is None and (marks := _WHOLE_SENTENCE.match(text, end)) is not None:
                    end = marks.end()  # after "@dana" its marks go too: "@dana The demo is at 3pm."
            if _CLAUSE_SWAP.match(after) and (said := self._how_said(text, start)) is not None:
                start, after = said, keep_case(text[said:h.end], after, True)
            if h.rule is None and h.kind == "contempt" and (rest := _EMOJI_REST.match(text, h.end)):
                end = rest.end()  # the whole emoji: "🤦" with its joiner and gender sign
            if h.rule is not None:
                why = h.rule.why
            else:
                why = _WHY["contempt_emoji" if h.kind == "contempt" else h.kind]
            out.append(Edit(start, end, after, why))
        return _asked(text, _between_commas(text, self._without_lead_ins(text, _said_once(text, out))))

    def _took_its_determiner(self, text: str, previous: Edit, start: int) -> bool:
        """Whether the edit just before the word at `start` rewrote the determiner the word leaned on ("for
        this | nonsense" -> "right now"): a noun swapped in would stand alone ("right now idea")."""
        if text[previous.end : start].strip():
            return False
        last = self._word_before(text, start)
        if last is None or last.start(1) < previous.start or last.end(1) != previous.end:
            return False
        word = norm_word(last.group(1))
        return word in _DETERMINERS and not norm_word(previous.after).endswith(word)

    @staticmethod
    def _sentence_of(text: str, start: int, end: int) -> tuple[int, int] | None:
        """The sentence that holds text[start:end], less its closing marks and any @mentions that open it, or
        None when it is all the message says."""
        masked = mask(text, protected_spans(text))  # a full stop inside a link or a number ends nothing
        left = sentence_start(masked, start)
        left += len(masked[left:start]) - len(masked[left:start].lstrip(_SENTENCE_PADDING))
        closing = _SENTENCE_MARK.search(masked, end)
        right = closing.start() if closing is not None else len(text)
        right = len(text[:right].rstrip())
        if not _WORDY.search(text, 0, left) and not _WORDY.search(text, right):
            return None
        if (mentions := _LEADING_MENTIONS.match(text, left, start)) is not None:
            left = mentions.end()  # "@dana this outage is on you." keeps "@dana" for the sentence after
        return left, right

    def dropped_sentence(self, text: str, hit: Hit) -> tuple[int, int] | None:
        """The sentence a rewrite drops with `hit`: the rule says so, or it has no plainer wording and the
        sentence is only the jab. None when nothing goes whole, or when the sentence is all the message
        says."""
        rule = hit.rule
        if rule is None:
            return None
        if rule.drop_sentence:
            return self._sentence_of(text, hit.start, hit.end)
        if rule.replace is None and not rule.whole_sentence:
            return self._jab_sentence(text, hit)
        return None

    def _jab_sentence(self, text: str, hit: Hit) -> tuple[int, int] | None:
        """The sentence holding `hit` when the hit is all of it but a word, the sentence is short and not a
        question, and the message says more ("Client needs the redesign by 9am. All of it.", "... That's
        day-one stuff."). Such a sentence adds only heat, and a rule with no plainer wording for it loses
        nothing the message asks or says by its going. The guard still checks what is left."""
        if hit.kind not in _JAB_KINDS:
            return None
        sentence = self._sentence_of(text, hit.start, hit.end)
        if sentence is None:
            return None
        left, right = sentence
        said = [norm_word(w) for w in _WORD.findall(text, left, right)]
        if len(said) > _JAB_WORDS or len(_WORD.findall(text, hit.start, hit.end)) < len(said) - 1:
            return None
        if text[right : right + 1] == "?" or not _ASKS_OR_EXPECTS.isdisjoint(said):
            return None  # a question ("Would love to know who."), an order or an expectation is kept
        if self.analyzer.count_phrases(text[left:right])["ask"]:
            return None
        rest = map(norm_word, _WORD.findall(text[:left] + " " + text[right:]))
        if not self._agreeing.isdisjoint(rest):
            return None  # the jab is what makes "Sure, push it to Friday." or "Love the enthusiasm." ironic
        return sentence

    @staticmethod
    def _echoes(text: str, hit: Hit) -> bool:
        """Whether a sentence of its own only says again, for weight, words the message said before it
        ("I want hourly updates on it. Hourly.")."""
        said = set(_WORD.findall(text[: hit.start].lower()))
        again = _WORD.findall(text[hit.start : hit.end].lower())
        return bool(again) and said.issuperset(again)

    def _how_said(self, text: str, start: int) -> int | None:
        """Where a sentence adverb opening the sentence just before `start` begins ("Honestly, " in
        "Honestly, you're overreacting"), or None."""
        before = self._word_before(text, start) or _PREV_WORD_PUNCT.search(text, max(0, start - 30), start)
        if before is None or norm_word(before.group(1)) not in _HOW_SAID:
            return None
        return before.start(1) if self._left_edge(text, before.start(1)) else None

    def _without_lead_ins(self, text: str, edits: list[Edit]) -> list[Edit]:
        """A word dropped at the end of a clause takes the article and preposition that led into it ("shoot
        him to hell." -> "shoot him."), unless another edit has them; words that were a whole sentence take
        its full stop ("We've been over this. The answer is no." -> "The answer is no.")."""
        out: list[Edit] = []
        for edit in edits:
            if out and edit.start < out[-1].end:
                continue  # a mark the sentence before took with it ("Again?? It broke." -> "It broke.")
            if edit.after:
                out.append(edit)
                continue
            start = edit.start
            whole = _WHOLE_SENTENCE.match(text, edit.end)
            if whole is not None and _SENTENCE_EDGE.search(text, max(0, start - 40), start) is not None:
                out.append(Edit(start, whole.end(), "", edit.why))
                continue
            if _RIGHT_EDGE.match(text, edit.end) is not None:
                taken = out[-1].end if out else 0
                while (before := self._word_before(text, start)) is not None and before.start(1) >= taken:
                    word = norm_word(before.group(1))
                    if word not in _LEADS_IN or (start < edit.start and word not in _PREPOSITIONS):
                        break
                    start = before.start(1)
                if start < edit.start and self._left_edge(text, start):
                    start = edit.start  # "To hell." is all there was: the words before are not leading in
            out.append(Edit(start, edit.end, "", edit.why) if start != edit.start else edit)
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
                if self._completes_a_verb(masked, start, end):
                    continue  # "nobody is taking this seriously": there it is the point, not filler
                out.append(Edit(start, end, "", "Filler word removed to keep it short."))
        return out

    def _completes_a_verb(self, text: str, start: int, end: int) -> bool:
        """Whether a "-ly" filler ends its clause after a word that is no function word ("take it seriously",
        "meant it literally"), where it says how, not how much."""
        before = self._word_before(text, start)
        return (
            text[start:end].lower().endswith("ly")
            and _RIGHT_EDGE.match(text, end) is not None
            and before is not None
            and norm_word(before.group(1)) not in self._not_objects
        )

    def candidate(self, text: str, hits: list[Hit], style: Style) -> tuple[str, list[Edit], str]:
        """The rewritten text, the edits made, and the re-cased source they apply to."""
        recased = self.recase(text, hits)
        edits = self.edits(recased, hits, style)
        if style == "concise":
            edits = sorted(edits + self.filler_edits(recased, edits), key=lambda e: e.start)
        new = apply_edits(recased, protected_spans(recased), edits)
        return new, edits, recased
