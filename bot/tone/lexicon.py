"""Load and validate the tone lexicon: word lists and phrase rules kept as YAML data under playbooks/lexicon/.

Each file declares its `type`:
    rules       one signal kind with its entries (pattern, optional replacement per style)
    safety      patterns that send a message to the safety route
    exemptions  everyday and technical idioms that must never raise a signal or a safety hit
    vocabulary  small word sets the engine needs (negators, hedges, courtesy, acronyms, ...)
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from bot.errors import PlaybookError, location
from bot.tone.patterns import CompiledPattern, PatternSyntaxError, compile_pattern, norm_word, phrases
from bot.tone.types import SafetyKind, Style
from bot.tone.wording import WordingModel, load_wording
from bot.yamltext import load_yaml

_STRICT = ConfigDict(extra="forbid", frozen=True)
# The vocabulary's lists of single words (kept as sets) and of phrases (compiled as patterns)
_WORD_SETS = (
    "negators", "second_person", "acronyms", "emphatic", "fillers", "function_words", "intensifiers",
    "praise", "gratitude",
)
_PHRASE_LISTS = ("hedges", "courtesy", "apology", "promise", "ask", "demand")
# The sentences a rule counts in (see RulesFile.sentences)
Sentences = Literal["all", "statements", "questions"]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Replacement = str | dict[Style, str]


class Entry(BaseModel):
    """One pattern of a rules file, with optional overrides of the file's defaults."""

    model_config = _STRICT
    match: Text
    replace: Replacement | None = None
    why: Text | None = None
    suggestion: Text | None = None
    weight: float | None = Field(default=None, ge=0.0, le=3.0)
    negatable: bool | None = None
    drop_before_noun: bool | None = None
    # A replacement that opens with "I" is taken for a clause of its own ("I see it differently") and used
    # only where a clause stood. Set this where it leads into the rest of the clause just as the match did
    # ("You need to fix it" -> "I need you to fix it", "it's not my job to" -> "I'm not the right person
    # to"): it is then used wherever the match opens a clause, or says "I" itself ("by 5pm I'm escalating").
    in_place: bool = False
    # The phrase makes its whole sentence a jab with nothing else to say ("Nice of you to join us.", "Let me
    # go slow."): where the message has other sentences, the sentence goes (the guard still checks the rest).
    drop_sentence: bool = False


class RulesFile(BaseModel):
    """A signal kind: defaults for why/suggestion/weight and the list of entries."""

    model_config = _STRICT
    type: Literal["rules"]
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z_]{1,30}$")]
    why: Text
    suggestion: Text
    weight: float = Field(ge=0.0, le=3.0)
    negatable: bool = False
    needs_you: bool = False
    # only where the match opens a sentence, and only in a message with no courtesy: courtesy is what
    # redresses a bare order or a pointed question (Brown and Levinson's politeness theory)
    at_start: bool = False
    # the sentences it counts in: an order that ends in "?" is an ask ("Send me the report?"), while "So
    # you ..." is a challenge only in a question ("So you merged it without a review?")
    sentences: Sentences = "all"
    minimal: bool = False  # also applied by the minimal-edit ("coach") style
    whole_message: bool = False  # only when the match is the entire message ("Fine.")
    whole_sentence: bool = False  # only when the match is a sentence of its own ("... Again.")
    # only where the match ends its sentence: "You missed the deadline, as always." is a jab, "As always, let
    # me know if you have questions" a courtesy
    at_end: bool = False
    # an adjective that only adds heat: before a noun it is dropped ("stupid comments" -> "comments"),
    # elsewhere the replacement is used ("that is stupid" -> "that is unwise")
    drop_before_noun: bool = False
    prefix: str = ""
    entries: list[Entry] = Field(min_length=1)


class SafetyFile(BaseModel):
    """Patterns that route a message to safety resources instead of a rewrite."""

    model_config = _STRICT
    type: Literal["safety"]
    kind: SafetyKind
    negatable: bool = True
    patterns: list[Text] = Field(min_length=1)


class ExemptionsFile(BaseModel):
    """Idioms whose words must not count as signals or safety hits."""

    model_config = _STRICT
    type: Literal["exemptions"]
    patterns: list[Text] = Field(min_length=1)


class VocabularyFile(BaseModel):
    """Small word sets and phrase lists the analyser and the guard rely on."""

    model_config = _STRICT
    type: Literal["vocabulary"]
    negators: list[Text] = []
    second_person: list[Text] = []
    acronyms: list[Text] = []
    # short words that read as shouting alone in capitals ("Do NOT merge", "a PR needs TWO approvals")
    emphatic: list[Text] = []
    hedges: list[Text] = []
    courtesy: list[Text] = []
    apology: list[Text] = []
    promise: list[Text] = []
    ask: list[Text] = []
    demand: list[Text] = []  # a request said as a need or an obligation (see Analyzer._curt)
    fillers: list[Text] = []
    function_words: list[Text] = []
    intensifiers: list[Text] = []
    # words that praise ("helpful", "brilliant"): "you always" in a sentence of praise is no complaint
    praise: list[Text] = []
    # words of thanks: a tail on a sentence of thanks is no jab (see Analyzer._praised)
    gratitude: list[Text] = []
    scorn_emoji: list[Text] = []
    # words, phrases and emoji of delight: with them, capitals and stacked "!" are excitement (see Analyzer)
    delight: list[Text] = []
    # what a name says about someone, as a plain word, keyed by that word ("mistaken": [idiot, fool, ...])
    name_predicates: dict[Text, list[Text]] = {}

    @field_validator(*_WORD_SETS)
    @classmethod
    def _single_words(cls, words: list[str]) -> list[str]:
        bad = [w for w in words if len(w.split()) != 1]
        if bad:
            raise ValueError(f"must be single words, got {bad[:3]}")
        return words


LexiconFile = Annotated[RulesFile | SafetyFile | ExemptionsFile | VocabularyFile, Field(discriminator="type")]
_FILE = TypeAdapter(LexiconFile)


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled lexicon pattern with everything needed to explain and rewrite its match."""

    kind: str
    pattern: CompiledPattern
    weight: float
    why: str
    suggestion: str
    replace: dict[str, str] | None
    negatable: bool
    needs_you: bool
    at_start: bool
    minimal: bool
    sentences: Sentences = "all"
    whole_message: bool = False
    at_end: bool = False  # only where the match ends its sentence (see RulesFile.at_end)
    drop_before_noun: bool = False
    in_place: bool = False  # a clause-like replacement that fits where its match opens a clause (see Entry)
    drop_sentence: bool = False  # the sentence holding the match goes, if others remain (see Entry)
    whole_sentence: bool = False  # the match is a sentence of its own (the lexicon's `sentences` table)


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """A compiled safety pattern."""

    kind: SafetyKind
    pattern: CompiledPattern
    negatable: bool


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the tone engine reads from data, validated and compiled."""

    rules: tuple[Rule, ...]
    safety: tuple[SafetyRule, ...]
    exemptions: tuple[CompiledPattern, ...]
    negators: frozenset[str]
    second_person: frozenset[str]
    acronyms: frozenset[str]
    emphatic: frozenset[str]  # short words that are shouting alone in capitals
    fillers: frozenset[str]
    function_words: frozenset[str]  # words that never follow an adjective used before a noun
    intensifiers: frozenset[str]  # "very", "so": the adjective after them is predicative or needed
    praise: frozenset[str]  # words that praise (see Analyzer._praised)
    gratitude: frozenset[str]  # words of thanks (the same)
    hedges: tuple[CompiledPattern, ...]
    courtesy: tuple[CompiledPattern, ...]
    apology: tuple[CompiledPattern, ...]
    promise: tuple[CompiledPattern, ...]
    ask: tuple[CompiledPattern, ...]
    demand: tuple[CompiledPattern, ...]
    scorn_emoji: tuple[str, ...]
    delight: tuple[str, ...]  # lower-case words and phrases, and emoji
    # name -> plain word for where the name is the predicate ("he's an idiot" -> "he's mistaken")
    name_predicates: dict[str, str]
    # whole-sentence rules, by every phrase they spell out ("again", "scroll up"), and the longest's length
    sentences: dict[str, Rule]
    longest_sentence: int
    wording: WordingModel | None = None  # wording.json, if the directory has one


_TAGS = ("rules", "safety", "exemptions", "vocabulary")


def _loc(loc: tuple[int | str, ...]) -> str:
    if loc and loc[0] in _TAGS:
        loc = loc[1:]
    return location(loc, "(top)")


class _Collector:
    """Gathers compiled content and problems across files."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.rules: list[Rule] = []
        self.sentences: dict[str, Rule] = {}
        self.safety: list[SafetyRule] = []
        self.exemptions: list[CompiledPattern] = []
        self.words: dict[str, set[str]] = {}
        self.phrases: dict[str, list[CompiledPattern]] = {}
        self.emoji: list[str] = []
        self.delight: list[str] = []
        self.name_predicates: dict[str, str] = {}

    def compile(self, name: str, where: str, source: str) -> CompiledPattern | None:
        try:
            return compile_pattern(source)
        except PatternSyntaxError as exc:
            self.problems.append(f"{name}: {where}: {exc}")
            return None

    def add_rules(self, name: str, doc: RulesFile) -> None:
        for i, entry in enumerate(doc.entries):
            source = f"{doc.prefix} {entry.match}".strip()
            pattern = self.compile(name, f"entries.{i}.match", source)
            if pattern is None:
                continue
            replace = entry.replace
            texts = [replace] if isinstance(replace, str) else list(replace.values()) if replace else []
            refs = [int(n) for t in texts for n in re.findall(r"\$(\d+)", t)]
            if any(n < 1 or n > pattern.groups for n in refs):
                self.problems.append(
                    f"{name}: entries.{i}.replace: refers to a group the pattern does not have "
                    f"(it has {pattern.groups})"
                )
                continue
            if entry.drop_sentence and replace is not None:
                self.problems.append(f"{name}: entries.{i}: drop_sentence and replace exclude each other")
                continue
            table: dict[str, str] | None = None
            if isinstance(replace, str):
                table = {"calm": replace}
            elif replace:
                table = {str(k): v for k, v in replace.items()}
            rule = Rule(
                kind=doc.kind,
                pattern=pattern,
                weight=doc.weight if entry.weight is None else entry.weight,
                why=entry.why or doc.why,
                suggestion=entry.suggestion or doc.suggestion,
                replace=table,
                negatable=doc.negatable if entry.negatable is None else entry.negatable,
                needs_you=doc.needs_you,
                at_start=doc.at_start,
                minimal=doc.minimal,
                sentences=doc.sentences,
                whole_message=doc.whole_message,
                at_end=doc.at_end,
                drop_before_noun=(
                    doc.drop_before_noun if entry.drop_before_noun is None else entry.drop_before_noun
                ),
                in_place=entry.in_place,
                drop_sentence=entry.drop_sentence,
                whole_sentence=doc.whole_sentence,
            )
            if doc.whole_sentence:
                self.add_sentences(name, f"entries.{i}.match", source, rule)
            else:
                self.rules.append(rule)

    def add_sentences(self, name: str, where: str, source: str, rule: Rule) -> None:
        try:
            said = phrases(source)
        except PatternSyntaxError as exc:
            self.problems.append(f"{name}: {where}: {exc}")
            return
        for phrase in said:
            if phrase in self.sentences:
                self.problems.append(f"{name}: {where}: {phrase!r} is already a whole-sentence phrase")
            self.sentences[phrase] = rule

    def add(self, name: str, doc: RulesFile | SafetyFile | ExemptionsFile | VocabularyFile) -> None:
        if isinstance(doc, RulesFile):
            self.add_rules(name, doc)
        elif isinstance(doc, SafetyFile):
            for i, src in enumerate(doc.patterns):
                if (p := self.compile(name, f"patterns.{i}", src)) is not None:
                    self.safety.append(SafetyRule(doc.kind, p, doc.negatable))
        elif isinstance(doc, ExemptionsFile):
            for i, src in enumerate(doc.patterns):
                if (p := self.compile(name, f"patterns.{i}", src)) is not None:
                    self.exemptions.append(p)
        else:
            self.add_vocabulary(name, doc)

    def add_vocabulary(self, name: str, doc: VocabularyFile) -> None:
        self.emoji.extend(doc.scorn_emoji)
        self.delight.extend(norm_word(" ".join(cue.split())) for cue in doc.delight)
        self.add_name_predicates(name, doc.name_predicates)
        for key in _WORD_SETS:
            self.words.setdefault(key, set()).update(map(norm_word, getattr(doc, key)))
        for key in _PHRASE_LISTS:
            for i, src in enumerate(getattr(doc, key)):
                if (p := self.compile(name, f"{key}.{i}", src)) is not None:
                    self.phrases.setdefault(key, []).append(p)

    def add_name_predicates(self, name: str, table: dict[str, list[str]]) -> None:
        for word, names in table.items():
            for listed in names:
                key = " ".join(norm_word(listed).split())
                if self.name_predicates.setdefault(key, word) != word:
                    self.problems.append(
                        f"{name}: name_predicates.{word}: {listed!r} is already listed under "
                        f"{self.name_predicates[key]!r}; keep one plain word per name"
                    )

    def lexicon(self) -> Lexicon:
        def words(key: str) -> frozenset[str]:
            return frozenset(self.words.get(key, set()))

        def phrases(key: str) -> tuple[CompiledPattern, ...]:
            return tuple(self.phrases.get(key, []))

        return Lexicon(
            rules=tuple(self.rules),
            safety=tuple(self.safety),
            exemptions=tuple(self.exemptions),
            negators=words("negators"),
            second_person=words("second_person"),
            acronyms=words("acronyms"),
            emphatic=words("emphatic"),
            fillers=words("fillers"),
            function_words=words("function_words"),
            intensifiers=words("intensifiers"),
            praise=words("praise"),
            gratitude=words("gratitude"),
            hedges=phrases("hedges"),
            courtesy=phrases("courtesy"),
            apology=phrases("apology"),
            promise=phrases("promise"),
            ask=phrases("ask"),
            demand=phrases("demand"),
            scorn_emoji=tuple(dict.fromkeys(self.emoji)),
            delight=tuple(dict.fromkeys(self.delight)),
            name_predicates=dict(self.name_predicates),
            sentences=dict(self.sentences),
            longest_sentence=max(map(len, self.sentences), default=0),
        )


def _read(path: pathlib.Path, problems: list[str]) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: (file): cannot read as YAML: {str(exc).splitlines()[0]}")
        return None


def load_lexicon(directory: pathlib.Path) -> Lexicon:
    """Read every *.yaml in `directory`, and the wording model if there is one (wording.json); raise
    PlaybookError listing each problem as 'file: path: problem'."""
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    col = _Collector()
    if not files:
        col.problems.append(f"{directory}: (dir): no lexicon *.yaml files found")
    for path in files:
        raw = _read(path, col.problems)
        if raw is None:
            continue
        try:
            col.add(path.name, _FILE.validate_python(raw))
        except ValidationError as exc:
            col.problems.extend(f"{path.name}: {_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
    if files and not col.safety and not col.problems:
        col.problems.append(f"{directory}: (dir): no safety patterns; the safety route needs them")
    wording_file = directory / "wording.json"
    wording = load_wording(wording_file, col.problems) if wording_file.is_file() else None
    if col.problems:
        raise PlaybookError(f"The tone lexicon in {directory} is invalid:", col.problems)
    return dataclasses.replace(col.lexicon(), wording=wording)
