"""Lesson cards: the lesson, its quiz, feedback buttons and the daily on/off button, as a neutral Reply."""

from __future__ import annotations

from bot.model import ActionRef, Block, Button, Choices, Context, Divider, Heading, Paragraph, Quote, Reply
from bot.playbooks import Lesson, Library

ANSWER = "lesson.answer"  # value "<lesson id>:<option index>"
SHOW = "lesson.show"  # value "<lesson id>" or "" for the next one
VOTE = "lesson.vote"  # value "<lesson id>:helpful" | "<lesson id>:not_helpful"
TOGGLE = "lessons.toggle"  # value "on" | "off"
SCHEDULE = "lessons.schedule"  # opens the form for the time, days and zone
SAVE = "lessons.save"  # that form's submission


def schedule_button() -> Button:
    """The button that opens the form for when lessons arrive."""
    return Button("Change time", ActionRef(SCHEDULE))


def toggle_button(subscribed: bool) -> Button:
    """The "Daily lessons on/off" button shown on every lesson card and status card."""
    if subscribed:
        return Button("Daily lessons: turn off", ActionRef(TOGGLE, "off"))
    return Button("Daily lessons: turn on", ActionRef(TOGGLE, "on"), "primary")


def lesson_reply(
    library: Library,
    lesson: Lesson,
    *,
    subscribed: bool,
    review: bool = False,
    intro: str = "",
    replaces: str | None = None,
) -> Reply:
    """One lesson: idea, before/after, try-today prompt, quiz, helpful votes and the daily toggle."""
    title = f"Review: {lesson.title}" if review else lesson.title
    quiz = lesson.quiz
    skill = library.catalog.name("skills", lesson.skill)
    text = (
        f"{intro + chr(10) if intro else ''}{title}\n{lesson.idea}\nBefore: {lesson.before}\n"
        f"After: {lesson.after}\nTry today: {lesson.try_today}\nQuiz: {quiz.question}\n"
        + "\n".join(f"{i + 1}. {o.text}" for i, o in enumerate(quiz.options))
    )
    blocks: list[Block] = [Heading(title)]
    if intro:
        blocks.append(Context(intro))
    blocks += [
        Paragraph(lesson.idea),
        Quote(f"Before: {lesson.before}"),
        Quote(f"After: {lesson.after}"),
        Paragraph(f"*Try today:* {lesson.try_today}"),
        Divider(),
        Choices(
            tuple(
                Button(_label(o.text), ActionRef(ANSWER, f"{lesson.id}:{i}"))
                for i, o in enumerate(quiz.options)
            ),
            prompt=quiz.question,
        ),
        Choices(
            (
                Button("Helpful", ActionRef(VOTE, f"{lesson.id}:helpful")),
                Button("Not helpful", ActionRef(VOTE, f"{lesson.id}:not_helpful")),
                toggle_button(subscribed),
            ),
            prompt="Was this lesson useful?",
        ),
        Context(f"{skill} · Based on: {'; '.join(lesson.frameworks)}"),
    ]
    return Reply(text=text, blocks=tuple(blocks), replaces=replaces)


def _label(text: str) -> str:
    return text if len(text) <= 75 else text[:72].rstrip() + "..."
