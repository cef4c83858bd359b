"""The plain-text rendering of checklists, lessons, guides and the coverage table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content_text import (
    checklist_text,
    coverage_table,
    guide_text,
    item_text,
    lesson_text,
)
from bot.playbooks import Library, load_library

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(PLAYBOOKS)


def test_checklist_text_shows_every_step_in_phase_order(library: Library) -> None:
    c = library.checklists["angry-with-me"]
    text = checklist_text(c, library.catalog)
    positions = [text.index(step.action) for step in c.steps]
    assert positions == sorted(positions)
    assert text.index("Before") < text.index("During") < text.index("After")
    assert c.reflection in text
    assert all(f in text for f in c.frameworks)


def test_checklist_text_for_a_setting_uses_its_example(library: Library) -> None:
    c = library.checklists["angry-with-me"]
    step = next(s for s in c.steps if "customer_service" in s.say_by_setting)
    general = checklist_text(c, library.catalog)
    for_service = checklist_text(c, library.catalog, "customer_service")
    assert "In customer service:" in general
    assert f"Say: {step.say_by_setting['customer_service']}" in for_service
    assert f"Say: {step.say}\n" not in for_service


def test_lesson_text_has_every_part_and_can_hide_answers(library: Library) -> None:
    lesson = library.lessons[0]
    text = lesson_text(lesson, library.catalog)
    parts = (lesson.title, lesson.idea, lesson.before, lesson.after, lesson.try_today, lesson.quiz.question)
    assert all(part in text for part in parts)
    assert all(o.feedback in text for o in lesson.quiz.options)
    hidden = lesson_text(lesson, library.catalog, with_answers=False)
    assert not any(o.feedback in hidden for o in lesson.quiz.options)
    assert all(o.text in hidden for o in lesson.quiz.options)


def test_guide_text_has_every_phase_and_script(library: Library) -> None:
    g = library.guides["workload"]
    text = guide_text(g, library.catalog)
    for heading in ("Assess", "Prepare", "Separate", "Joint", "Agreement", "Follow-up"):
        assert heading in text
    assert all(r in text for r in g.assess.refer_when)
    assert all(q in text for q in g.separate.questions)
    assert g.joint.scripts.opening in text and g.joint.scripts.outburst in text
    assert all(t in text for t in g.agreement.template)
    assert all(f"day {d}" in text for d in g.follow_up.schedule_days)


def test_item_text_dispatches_on_kind(library: Library) -> None:
    for item in library.items():
        assert item.title in item_text(item, library.catalog)


def test_coverage_table_covers_every_cell(library: Library) -> None:
    table = coverage_table(library)
    assert "MISSING" not in table
    for situation in library.catalog.situations:
        assert situation.name in table
    for setting in library.catalog.settings:
        assert setting.id in table
    for skill in library.catalog.skills:
        assert skill.id in table
    assert f"Lessons: {len(library.lessons)}" in table
    assert "every conflict type covered" in table
