"""Checks on the real content library under playbooks/: plain language, platform limits, coverage, references.

Plain language is checked per checklist step (action, say, avoid, why and every setting-specific "say",
read together as one text) and per lesson (idea, before, after and try_today together): Flesch reading
ease at least 60 for each.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content_text import checklist_sections, item_sections, item_text
from bot.playbooks import Checklist, Library, load_library
from bot.readability import flesch_reading_ease, joined

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"

MIN_FLESCH = 60.0
MAX_CHECKLIST_ITEMS = 10  # Slack checkboxes per block; Teams toggles kept to the same
MAX_SECTION_CHARS = 3000  # Slack section text limit
MAX_LABEL_CHARS = 75  # Slack button text limit
MIN_LESSONS = 60
MIN_LESSONS_PER_SKILL = 10
MIN_LESSONS_PER_SETTING = 4
MIN_GUIDES = 7


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(PLAYBOOKS)


def step_text(checklist: Checklist, index: int) -> str:
    s = checklist.steps[index]
    return joined(s.action, s.say, s.avoid, s.why, *s.say_by_setting.values())


# ---- plain language -------------------------------------------------------------------------------------


def test_every_checklist_step_reads_plainly(library: Library) -> None:
    hard = [
        f"{c.id}/{s.id}: {score:.0f}"
        for c in library.checklists.values()
        for i, s in enumerate(c.steps)
        if (score := flesch_reading_ease(step_text(c, i))) < MIN_FLESCH
    ]
    assert not hard, f"steps below Flesch {MIN_FLESCH}: {hard}"


def test_every_lesson_reads_plainly(library: Library) -> None:
    hard = [
        f"{lesson.id}: {score:.0f}"
        for lesson in library.lessons
        if (score := flesch_reading_ease(joined(lesson.idea, lesson.before, lesson.after, lesson.try_today)))
        < MIN_FLESCH
    ]
    assert not hard, f"lessons below Flesch {MIN_FLESCH}: {hard}"


def test_lesson_ideas_fit_in_two_minutes(library: Library) -> None:
    too_long = [lesson.id for lesson in library.lessons if len(lesson.idea.split()) > 80]
    total = [lesson.id for lesson in library.lessons if len(lesson_words(lesson.id, library)) > 300]
    assert not too_long
    assert not total, "a lesson over ~300 words takes more than two minutes to read"


def lesson_words(lesson_id: str, library: Library) -> list[str]:
    lesson = library.lesson(lesson_id)
    assert lesson is not None
    return item_text(lesson, library.catalog).split()


# ---- platform limits ------------------------------------------------------------------------------------


def test_checklists_fit_one_checkbox_block(library: Library) -> None:
    too_many = [c.id for c in library.checklists.values() if len(c.steps) > MAX_CHECKLIST_ITEMS]
    assert not too_many


def test_every_rendered_section_fits_a_slack_section(library: Library) -> None:
    oversized = [
        (item.id, len(section))
        for item in library.items()
        for section in item_sections(item, library.catalog)
        if len(section) > MAX_SECTION_CHARS
    ]
    per_setting = [
        (c.id, setting.id, len(section))
        for c in library.checklists.values()
        for setting in library.catalog.settings
        for section in checklist_sections(c, library.catalog, setting.id)
        if len(section) > MAX_SECTION_CHARS
    ]
    assert not oversized
    assert not per_setting


def test_button_labels_fit(library: Library) -> None:
    labels = [
        *(c.title for c in library.checklists.values()),
        *(s.name for s in library.catalog.situations),
        *(s.name for s in library.catalog.settings),
        *(lesson.title for lesson in library.lessons),
        *(g.title for g in library.guides.values()),
        *(c.name for c in library.catalog.conflict_types),
    ]
    assert not [label for label in labels if len(label) > MAX_LABEL_CHARS]


def test_quiz_options_fit_as_buttons(library: Library) -> None:
    # Options are shown in the lesson text; a short label ("A".."D") is the button, but keep options terse.
    long_options = [lesson.id for lesson in library.lessons for o in lesson.quiz.options if len(o.text) > 150]
    assert not long_options


# ---- ids and references ---------------------------------------------------------------------------------


def test_ids_are_unique_across_all_items(library: Library) -> None:
    counts = Counter(item.id for item in library.items())
    assert [i for i, n in counts.items() if n > 1] == []


def test_item_ids_match_their_file_names() -> None:
    for folder in ("situations", "lessons", "mediation"):
        for path in (PLAYBOOKS / folder).glob("*.yaml"):
            assert yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == path.stem, path


def test_checklist_references_resolve(library: Library) -> None:
    catalog = library.catalog
    for c in library.checklists.values():
        assert c.situation in catalog.ids("situations"), c.id
        assert c.setting in catalog.ids("settings"), c.id
        for step in c.steps:
            assert set(step.say_by_setting) <= catalog.ids("settings"), (c.id, step.id)


def test_lesson_references_resolve_and_prerequisites_come_first(library: Library) -> None:
    catalog = library.catalog
    order = {lesson.id: lesson.order for lesson in library.lessons}
    for lesson in library.lessons:
        assert lesson.skill in catalog.ids("skills"), lesson.id
        assert lesson.setting in catalog.ids("settings") | {"any"}, lesson.id
        for pre in lesson.prerequisites:
            assert pre in order, (lesson.id, pre)
            assert order[pre] < lesson.order, f"{lesson.id} needs {pre}, which comes later"


def test_prerequisites_stay_within_reach_of_every_learner(library: Library) -> None:
    # A nurse follows the "any" lessons plus the healthcare ones: a prerequisite must be in that path.
    setting_of = {lesson.id: lesson.setting for lesson in library.lessons}
    for lesson in library.lessons:
        for pre in lesson.prerequisites:
            assert setting_of[pre] in ("any", lesson.setting), f"{lesson.id} needs {pre} ({setting_of[pre]})"


def test_lesson_order_is_unique_and_foundations_come_first(library: Library) -> None:
    orders = [lesson.order for lesson in library.lessons]
    assert len(set(orders)) == len(orders)
    rank = {"foundation": 0, "practice": 1, "advanced": 2}
    last_foundation = max(lesson.order for lesson in library.lessons if lesson.level == "foundation")
    first_other = min(lesson.order for lesson in library.lessons if rank[lesson.level] > 0)
    assert last_foundation < first_other


def test_guide_references_resolve(library: Library) -> None:
    for g in library.guides.values():
        assert g.conflict_type in library.catalog.ids("conflict_types"), g.id


def test_every_item_names_a_framework(library: Library) -> None:
    assert all(item.frameworks for item in library.items())


# ---- quizzes --------------------------------------------------------------------------------------------


def test_every_quiz_has_exactly_one_correct_option(library: Library) -> None:
    for lesson in library.lessons:
        assert sum(o.correct for o in lesson.quiz.options) == 1, lesson.id
        assert 3 <= len(lesson.quiz.options) <= 4, lesson.id
        assert all(o.feedback for o in lesson.quiz.options), lesson.id


def test_correct_answers_are_spread_over_positions(library: Library) -> None:
    positions = Counter(lesson.quiz.answer for lesson in library.lessons)
    assert len(positions) >= 3
    assert max(positions.values()) <= len(library.lessons) // 2


# ---- coverage -------------------------------------------------------------------------------------------


def test_every_situation_has_a_general_checklist(library: Library) -> None:
    general = {
        c.situation for c in library.checklists.values() if c.setting == library.catalog.default_setting
    }
    assert library.catalog.ids("situations") <= general


def test_every_setting_and_situation_is_served(library: Library) -> None:
    for situation in library.catalog.situations:
        for setting in library.catalog.settings:
            assert library.checklist_for(situation.id, setting.id) is not None, (situation.id, setting.id)


def test_general_checklists_carry_examples_for_settings_without_a_variant(library: Library) -> None:
    catalog = library.catalog
    missing = []
    for situation in catalog.situations:
        general = library.checklist_for(situation.id, catalog.default_setting)
        assert general is not None
        for setting in catalog.ids("settings") - {catalog.default_setting}:
            served = library.checklist_for(situation.id, setting)
            if served is general and not any(setting in s.say_by_setting for s in general.steps):
                missing.append((situation.id, setting))
    assert not missing, f"no variant and no setting example: {sorted(missing)}"


def test_checklists_have_five_to_nine_steps_in_all_three_phases(library: Library) -> None:
    for c in library.checklists.values():
        assert 5 <= len(c.steps) <= 9, c.id
        assert {s.phase for s in c.steps} == {"before", "during", "after"}, c.id


def test_lesson_counts(library: Library) -> None:
    assert len(library.lessons) >= MIN_LESSONS
    per_skill = Counter(lesson.skill for lesson in library.lessons)
    per_setting = Counter(lesson.setting for lesson in library.lessons)
    for skill in library.catalog.skills:
        assert per_skill[skill.id] >= MIN_LESSONS_PER_SKILL, skill.id
    for setting in library.catalog.settings:
        assert per_setting[setting.id] >= MIN_LESSONS_PER_SETTING, setting.id


def test_guides_cover_every_conflict_type(library: Library) -> None:
    assert len(library.guides) >= MIN_GUIDES
    assert {g.conflict_type for g in library.guides.values()} == library.catalog.ids("conflict_types")


# ---- safety content -------------------------------------------------------------------------------------


REFER_TOPICS = {
    "harassment": ("harass", "bully"),
    "discrimination": ("discriminat", "protected trait", "because of who they are"),
    "safety": ("threat", "safety", "unsafe"),
    "legal or formal": ("legal", "law", "formal"),
}


def test_every_guide_says_when_to_go_to_hr_instead(library: Library) -> None:
    gaps = []
    for g in library.guides.values():
        text = " ".join(g.assess.refer_when).lower()
        gaps += [(g.id, topic) for topic, keys in REFER_TOPICS.items() if not any(k in text for k in keys)]
    assert not gaps, f"refer_when misses: {gaps}"


def test_distress_checklists_connect_to_help_and_the_emergency_number(library: Library) -> None:
    for c in library.checklists.values():
        if c.situation != "in-distress":
            continue
        text = item_text(c, library.catalog).lower()
        assert "emergency" in text, c.id
        # an officer is no confidant; everywhere else, the checklist must say you can't keep it secret
        if c.setting != "law_enforcement":
            assert "secret" in text or "between us" in text, f"{c.id}: must not promise secrecy"
        assert any(w in text for w in ("connect", "crisis", "eap", "safeguarding", "bring in")), c.id
