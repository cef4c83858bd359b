"""Which lesson a person gets next, and their streak: pure functions over the library and their progress.

Order of preference: a review that is due (a quiz answered wrongly a few days ago); then the first unseen
lesson in curriculum order for the person's setting or "any" whose prerequisites they have seen (a
prerequisite outside that track does not block); then unseen lessons of other settings; and once everything
has been seen, the lesson seen longest ago as a refresher. No lesson repeats before the curriculum is done.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.playbooks import Lesson, Library
from bot.scheduling.times import is_lesson_day
from bot.store.lessons import Progress

STREAK_LOOKBACK_DAYS = 400


@dataclass(frozen=True, slots=True)
class Pick:
    """The lesson to show next, and whether it comes back as a review."""

    lesson: Lesson
    review: bool = False


def next_lesson(library: Library, setting: str, progress: Mapping[str, Progress], today: date) -> Pick | None:
    """The lesson this person should get next (None only when the library has no lessons)."""
    review = _due_review(library, progress, today)
    if review:
        return Pick(review, review=True)
    in_track = {setting, "any"}
    track = [lesson for lesson in library.lessons if lesson.setting in in_track]
    others = [lesson for lesson in library.lessons if lesson.setting not in in_track]
    for pool in (track, others):
        fresh = _first_unseen(pool, progress)
        if fresh:
            return Pick(fresh)
    return _refresher(library, progress)


def _due_review(library: Library, progress: Mapping[str, Progress], today: date) -> Lesson | None:
    due = sorted(
        (p.review_on, library.lessons.index(lesson))
        for p in progress.values()
        if p.review_on is not None and p.review_on <= today and (lesson := library.lesson(p.lesson_id))
    )
    return library.lessons[due[0][1]] if due else None


def _first_unseen(pool: list[Lesson], progress: Mapping[str, Progress]) -> Lesson | None:
    in_pool = {lesson.id for lesson in pool}
    unseen = [lesson for lesson in pool if lesson.id not in progress]
    ready = (lesson for lesson in unseen if _prerequisites_met(lesson, progress, in_pool))
    return next(ready, unseen[0] if unseen else None)  # a prerequisite cycle must not stall the track


def _prerequisites_met(lesson: Lesson, seen: Collection[str], in_pool: Collection[str]) -> bool:
    return all(pre in seen or pre not in in_pool for pre in lesson.prerequisites)


def _refresher(library: Library, progress: Mapping[str, Progress]) -> Pick | None:
    known = [
        (p.seen_on, library.lessons.index(lesson))
        for p in progress.values()
        if (lesson := library.lesson(p.lesson_id))
    ]
    if known:
        return Pick(library.lessons[min(known)[1]], review=True)
    return Pick(library.lessons[0]) if library.lessons else None


def streak(days: Iterable[date], today: date, weekdays_only: bool) -> int:
    """Consecutive lesson days with an answered quiz, ending today (or yesterday, if today is not done)."""
    done = set(days)
    day = today if today in done else today - timedelta(days=1)
    count = 0
    for _ in range(STREAK_LOOKBACK_DAYS):
        if day in done:
            count += 1
        elif is_lesson_day(day, weekdays_only):
            break
        day -= timedelta(days=1)
    return count
