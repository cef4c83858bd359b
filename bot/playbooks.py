"""Load and validate the YAML content under playbooks/ into typed, frozen models.

Layout (one item per file, its kind given by the folder):
    catalog.yaml          settings, situations, skills and conflict types: the vocabulary everything refers to
    situations/*.yaml     Checklist: phased steps for one situation, optionally for one setting
    lessons/*.yaml        Lesson: a two-minute micro-lesson with a one-question quiz
    mediation/*.yaml      MediationGuide: a manager's guide for one conflict type
    lexicon/*.yaml        the tone engine's word lists and phrase rules (validated by bot.tone)

Every problem found is collected and raised together as one PlaybookError, each line naming the file,
the path inside the document and what is wrong, so an author fixes everything in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.errors import PlaybookError, location
from bot.tone import Lexicon, load_lexicon
from bot.yamltext import load_yaml

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
Phase = Literal["before", "during", "after"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- catalog --------------------------------------------------------------------------------------------


class Named(_Model):
    id: Id
    name: Text
    description: str = ""


class Catalog(_Model):
    settings: tuple[Named, ...] = Field(min_length=1)
    situations: tuple[Named, ...] = Field(min_length=1)
    skills: tuple[Named, ...] = Field(min_length=1)
    conflict_types: tuple[Named, ...] = Field(min_length=1)
    default_setting: Id = "workplace"

    def ids(self, kind: Literal["settings", "situations", "skills", "conflict_types"]) -> set[str]:
        return {n.id for n in getattr(self, kind)}

    def name(self, kind: Literal["settings", "situations", "skills", "conflict_types"], id_: str) -> str:
        return next((n.name for n in getattr(self, kind) if n.id == id_), id_)


# ---- situation checklists -------------------------------------------------------------------------------


class Step(_Model):
    id: Id
    phase: Phase
    action: Text
    say: Text
    avoid: Text
    why: Text
    say_by_setting: dict[Id, Text] = {}  # setting id -> a setting-specific "say this"


class Checklist(_Model):
    id: Id
    title: Text
    situation: Id
    setting: Id  # "workplace" is the general checklist other settings fall back to
    summary: Text
    frameworks: tuple[Text, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=5, max_length=9)
    reflection: Text  # the question shown on the done screen

    @model_validator(mode="after")
    def _phases_in_order(self) -> Checklist:
        order = {"before": 0, "during": 1, "after": 2}
        ranks = [order[s.phase] for s in self.steps]
        if ranks != sorted(ranks):
            raise ValueError("steps must be grouped by phase in the order before, during, after")
        _unique((s.id for s in self.steps), "step id")
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


# ---- micro-lessons --------------------------------------------------------------------------------------


class QuizOption(_Model):
    text: Text
    correct: bool = False
    feedback: Text


class Quiz(_Model):
    question: Text
    options: tuple[QuizOption, ...] = Field(min_length=3, max_length=4)

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> Quiz:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("exactly one option must be marked correct")
        return self

    @property
    def answer(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.correct)


class Lesson(_Model):
    id: Id
    order: int = Field(ge=1)  # position in the curriculum; foundations first
    title: Text
    skill: Id
    setting: Id  # "any" for lessons that apply everywhere
    level: Literal["foundation", "practice", "advanced"]
    prerequisites: tuple[Id, ...] = ()
    idea: Text
    before: Text
    after: Text
    try_today: Text
    quiz: Quiz
    frameworks: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _idea_is_short(self) -> Lesson:
        if len(self.idea.split()) > 80:
            raise ValueError(f"idea has {len(self.idea.split())} words; at most 80")
        return self


# ---- mediation guides -----------------------------------------------------------------------------------


class GuideStep(_Model):
    id: Id
    action: Text
    why: Text


class GuidePhase(_Model):
    steps: tuple[GuideStep, ...] = Field(min_length=1, max_length=10)


class Assess(GuidePhase):
    refer_when: tuple[Text, ...] = Field(min_length=1)  # when not to mediate: go to HR instead


class Separate(GuidePhase):
    questions: tuple[Text, ...] = Field(min_length=3)  # asked of each person privately


class JointScripts(_Model):
    opening: Text
    interests: tuple[Text, ...] = Field(min_length=1)  # turning positions into interests
    outburst: Text


class Joint(GuidePhase):
    agenda: tuple[Text, ...] = Field(min_length=3)
    ground_rules: tuple[Text, ...] = Field(min_length=2)
    scripts: JointScripts


class Agreement(GuidePhase):
    template: tuple[Text, ...] = Field(min_length=3)


class FollowUp(GuidePhase):
    schedule_days: tuple[int, ...] = Field(min_length=1)
    checkin_questions: tuple[Text, ...] = Field(min_length=2)


class MediationGuide(_Model):
    id: Id
    conflict_type: Id
    title: Text
    summary: Text
    frameworks: tuple[Text, ...] = Field(min_length=1)
    assess: Assess
    prepare: GuidePhase
    separate: Separate
    joint: Joint
    agreement: Agreement
    follow_up: FollowUp

    def phases(self) -> list[tuple[str, GuidePhase]]:
        """The phases in the order a manager walks through them."""
        return [
            ("assess", self.assess),
            ("prepare", self.prepare),
            ("separate", self.separate),
            ("joint", self.joint),
            ("agreement", self.agreement),
            ("follow_up", self.follow_up),
        ]


# ---- the library ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Library:
    """All validated content, indexed for the flows."""

    catalog: Catalog
    checklists: dict[str, Checklist]
    lessons: tuple[Lesson, ...]  # in curriculum order
    guides: dict[str, MediationGuide]
    lexicon: Lexicon

    @cached_property
    def _by_situation(self) -> dict[tuple[str, str], Checklist]:
        return {(c.situation, c.setting): c for c in self.checklists.values()}

    def checklist_for(self, situation: str, setting: str) -> Checklist | None:
        """The setting's own variant when there is one, else the general (workplace) checklist."""
        by_key = self._by_situation
        return by_key.get((situation, setting)) or by_key.get((situation, self.catalog.default_setting))

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def guide_for(self, conflict_type: str) -> MediationGuide | None:
        return next((g for g in self.guides.values() if g.conflict_type == conflict_type), None)

    def items(self) -> Iterator[Checklist | Lesson | MediationGuide]:
        yield from self.checklists.values()
        yield from self.lessons
        yield from self.guides.values()


M = TypeVar("M", bound=_Model)


def load_library(directory: Path) -> Library:
    """Load and cross-check everything under `directory`; raise one PlaybookError listing every problem."""
    problems: list[str] = []
    catalog = _load_one(directory / "catalog.yaml", Catalog, problems)
    checklists = _load_folder(directory / "situations", Checklist, problems)
    lessons = _load_folder(directory / "lessons", Lesson, problems)
    guides = _load_folder(directory / "mediation", MediationGuide, problems)
    lexicon: Lexicon | None = None
    try:
        lexicon = load_lexicon(directory / "lexicon")
    except PlaybookError as exc:
        problems.extend(exc.problems)
    if catalog is not None:
        problems.extend(_cross_check(directory, catalog, checklists, lessons, guides))
    if problems or catalog is None or lexicon is None:
        raise PlaybookError(f"invalid playbooks in {directory}:", problems)
    return Library(
        catalog=catalog,
        checklists={c.id: c for _, c in checklists},
        lessons=tuple(sorted((lesson for _, lesson in lessons), key=lambda lesson: lesson.order)),
        guides={g.id: g for _, g in guides},
        lexicon=lexicon,
    )


def _load_folder(folder: Path, model: type[M], problems: list[str]) -> list[tuple[Path, M]]:
    if not folder.is_dir():
        problems.append(f"{folder}: folder is missing")
        return []
    loaded = [(path, _load_one(path, model, problems)) for path in sorted(folder.glob("*.yaml"))]
    return [(path, item) for path, item in loaded if item is not None]


def _load_one(path: Path, model: type[M], problems: list[str]) -> M | None:
    try:
        document: Any = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file is missing")
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid YAML: {' '.join(str(exc).split())}")
        return None
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        for err in exc.errors():
            where = location(err["loc"], "(document)")
            problems.append(f"{path}: {where}: {err['msg']}")
        return None


def _cross_check(
    directory: Path,
    catalog: Catalog,
    checklists: list[tuple[Path, Checklist]],
    lessons: list[tuple[Path, Lesson]],
    guides: list[tuple[Path, MediationGuide]],
) -> Iterator[str]:
    settings, situations = catalog.ids("settings"), catalog.ids("situations")
    skills, conflicts = catalog.ids("skills"), catalog.ids("conflict_types")
    if catalog.default_setting not in settings:
        yield f"{directory / 'catalog.yaml'}: default_setting: '{catalog.default_setting}' is not a setting"
    everything: list[tuple[Path, Any]] = [*checklists, *lessons, *guides]
    yield from _duplicates(everything)
    # ids of lesson files that failed validation still count, so their errors don't cascade
    lesson_ids = {lesson.id for _, lesson in lessons} | _raw_ids(directory / "lessons")
    for path, c in checklists:
        yield from _must_be_in(path, "situation", c.situation, situations)
        yield from _must_be_in(path, "setting", c.setting, settings)
        for i, step in enumerate(c.steps):
            for setting in step.say_by_setting:
                yield from _must_be_in(path, f"steps.{i}.say_by_setting", setting, settings)
    for path, lesson in lessons:
        yield from _must_be_in(path, "skill", lesson.skill, skills)
        yield from _must_be_in(path, "setting", lesson.setting, settings | {"any"})
        for i, pre in enumerate(lesson.prerequisites):
            yield from _must_be_in(path, f"prerequisites.{i}", pre, lesson_ids)
    for path, g in guides:
        yield from _must_be_in(path, "conflict_type", g.conflict_type, conflicts)


def _must_be_in(path: Path, where: str, value: str, allowed: set[str]) -> Iterator[str]:
    if value not in allowed:
        close = difflib.get_close_matches(value, sorted(allowed), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else f"{len(allowed)} are defined"
        yield f"{path}: {where}: '{value}' is not defined ({hint})"


def _raw_ids(folder: Path) -> set[str]:
    """The `id` written in each file of a folder, read without validation."""
    ids = set()
    for path in folder.glob("*.yaml"):
        try:
            document: Any = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(document, dict) and isinstance(document.get("id"), str):
            ids.add(document["id"])
    return ids


def _duplicates(items: Iterable[tuple[Path, Any]]) -> Iterator[str]:
    seen: dict[str, Path] = {}
    for path, item in items:
        if item.id in seen:
            yield f"{path}: id: '{item.id}' is already used by {seen[item.id]}"
        seen.setdefault(item.id, path)


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} '{value}' appears twice")
        seen.add(value)
