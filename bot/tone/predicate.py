"""A name used as the predicate ("he's a complete idiot", "they are jerks"): say what it means in a plain word
("he's mistaken", "they are unkind") instead of swapping it for "person", which keeps the grammar but says
nothing. A guess from the neighbouring words, no parser: the name must follow a form of "be", or "look like"
and its kin (with "a"/"an" when it is singular), and end its clause."""

from __future__ import annotations

import re

from bot.tone.patterns import norm_word

Span = tuple[int, int]

_COPULAS = frozenset(
    {
        "is", "are", "was", "were", "be", "been", "being", "am", "isn't", "aren't", "wasn't", "weren't",
        "ain't", "isnt", "arent", "wasnt", "werent", "become", "becomes", "became", "becoming", "remain",
        "remains", "remained", "hes", "shes", "youre", "ur", "im", "theyre", "thats", "whos",
    }
)
_CONTRACTED = ("'s", "'re", "'m")
# Verbs of seeming, which take "like" and a noun as their predicate: "makes us look like liars" -> "makes us
# look untruthful" (not "look like people", which drops what was said).
_SEEMING = frozenset(
    {
        "look", "looks", "looked", "looking", "sound", "sounds", "sounded", "sounding", "seem", "seems",
        "seemed", "seeming",
    }
)
_ARTICLES = frozenset({"a", "an"})
# "such a jerk" -> "so unkind": the degree before the article stays, as the word an adjective takes
_BEFORE_ARTICLE = {"such": "so", "quite": "quite"}
# Words between the article and the name that only size up the insult; they go with it.
_DEGREE = frozenset(
    {
        "complete", "total", "absolute", "utter", "real", "proper", "right", "big", "huge", "giant",
        "gigantic", "massive", "enormous", "major", "colossal", "raging", "bloody", "damn", "damned", "true",
        "such", "very", "really", "so", "pretty",
    }
)
# Words that may follow a predicate's last word in the same sentence ("he is an idiot to think so").
_FOLLOWERS = frozenset(
    {
        "and", "or", "but", "so", "because", "cause", "since", "if", "when", "too", "to", "in", "at", "with",
        "about", "for", "then", "though", "anyway", "yet", "again", "now", "sometimes", "lol", "haha", "lmao",
        "himself", "herself", "themselves", "yourself", "yourselves",
    }
)
# Adverbs that may stand between the verb and the article ("you are clearly a ..."); they stay.
_ADVERBS = frozenset({"just", "also", "still", "always", "really", "not", "never", "so", "even", "truly"})
# Words that grade an adjective and never stand before a noun.
_GRADING = frozenset(
    {
        "very", "so", "too", "quite", "pretty", "really", "rather", "most", "more", "less", "super",
        "extremely", "incredibly", "totally", "utterly", "completely", "absolutely", "truly", "deeply",
        "openly", "blatantly", "clearly", "obviously", "downright", "overtly", "genuinely", "seriously",
        "increasingly", "fairly",
    }
)
_PREV = re.compile(r"([\w'’]+)(?:[ \t]*,)?[ \t]+$")
_NEXT = re.compile(r"[ \t]+([\w'’]+)")
_END = re.compile(r"[ \t\"'*_]*(?:$|[.!?,;:()\n])")
_JOINT = re.compile(r"[\s,]*\b(?:and|or|nor)[ \t]+", re.IGNORECASE)


def plain_word(name: str, table: dict[str, str]) -> str | None:
    """The plain word for a matched name, trying its last words first ("fucking idiot" -> "idiot")."""
    words = norm_word(name).split()
    for i in range(len(words)):
        word = table.get(" ".join(words[i:]))
        if word is not None:
            return word
    return None


def _word_before(text: str, pos: int) -> re.Match[str] | None:
    return _PREV.search(text, max(0, pos - 40), pos)


def _joined_word_before(text: str, pos: int) -> re.Match[str] | None:
    """The word before `pos` when no comma stands between them."""
    word = _word_before(text, pos)
    return None if word is None or word.group().rstrip().endswith(",") else word


def _is_copula(word: str) -> bool:
    word = norm_word(word)
    return word in _COPULAS or word.endswith(_CONTRACTED)  # "he's", and "he 's" written apart


def _is_adverb(word: str) -> bool:
    word = norm_word(word)
    return word in _ADVERBS or (word.endswith("ly") and len(word) > 4)


def _ends_clause(text: str, end: int) -> bool:
    if _END.match(text, end):
        return True
    after = _NEXT.match(text, end)
    return after is not None and norm_word(after.group(1)) in _FOLLOWERS


def _noun_phrase_start(text: str, start: int, going: list[Span], plural: bool) -> int | None:
    """Where "a [complete] [stupid] NAME" begins: words that go anyway and size words are taken along;
    a singular name needs its article."""
    while (word := _word_before(text, start)) is not None and (
        norm_word(word.group(1)) in _DEGREE or any(s <= word.start(1) and word.end(1) <= e for s, e in going)
    ):
        start = word.start(1)
    if plural:
        return start
    article = _joined_word_before(text, start)
    if article is None or norm_word(article.group(1)) not in _ARTICLES:
        # "he is racist": no article, so the name is used as an adjective (unless it is someone's name)
        return None if text[start : start + 1].isupper() else start
    start = article.start(1)
    such = _joined_word_before(text, start)
    return such.start(1) if such is not None and norm_word(such.group(1)) in _BEFORE_ARTICLE else start


def predicate_start(text: str, name: Span, going: list[Span], plural: bool, previous_end: int) -> int | None:
    """Where the predicate built on the name at `name` begins ("a complete idiot" after "is"), or None when
    the name is not a predicate. `going`: spans of other words that go anyway; `previous_end`: the end of the
    last predicate rewritten, so that "was a fool, or a liar" reads as one predicate."""
    if not _ends_clause(text, name[1]):
        return None
    start = _noun_phrase_start(text, name[0], going, plural)
    if start is None:
        return None
    before = _joined_word_before(text, start)
    for _ in range(2):  # "is obviously just a ..."
        if before is None or not _is_adverb(before.group(1)):
            break
        before = _joined_word_before(text, before.start(1))
    if before is None:
        return None
    if _is_copula(before.group(1)) or joins_previous(text, previous_end, start):
        return start
    if norm_word(before.group(1)) == "like":
        verb = _joined_word_before(text, before.start(1))
        if verb is not None and norm_word(verb.group(1)) in _SEEMING:
            return before.start(1)  # "like" goes too: "look like liars" -> "look untruthful"
    return None


# After "look like" the plain word says how it looks: "looking like a clown" is "looking unwise"; "mistaken"
# is about a view someone holds, and "you look mistaken" says something else.
_SEEMING_WORDS = {"mistaken": "unwise"}


def with_degree(text: str, start: int, word: str) -> str:
    """The plain word with the degree the predicate at `start` opened with ("such a jerk" -> "so unkind")."""
    if norm_word(text[start : start + 5]) == "like ":
        return _SEEMING_WORDS.get(word, word)
    first = _NEXT.match(" " + text[start : start + 12])
    degree = _BEFORE_ARTICLE.get(norm_word(first.group(1))) if first is not None else None
    return f"{degree} {word}" if degree else word


def graded(text: str, name_start: int) -> bool:
    """Whether a word that grades adjectives stands right before the name ("incredibly sexist", "so racist"),
    which makes the name an adjective there."""
    before = _joined_word_before(text, name_start)
    return before is not None and norm_word(before.group(1)) in _GRADING


def joins_previous(text: str, previous_end: int, start: int) -> bool:
    """Whether only "and"/"or" and commas stand between the predicate ending at `previous_end` and `start`."""
    return previous_end >= 0 and _JOINT.fullmatch(text, previous_end, start) is not None
