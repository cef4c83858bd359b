"""Daily lessons as a person sees them: opt in and out, time zones, curriculum, quiz reviews, streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core import Bot
from bot.flows.lessons import lesson_status, parse_schedule
from bot.model import ActionRef, Form, Inbound, Kind, Reply, UserRef, buttons_of
from bot.ports import LearnedPace, Preferences
from bot.scheduling.cards import ANSWER, SAVE, SCHEDULE, TOGGLE, VOTE
from tests.conftest import FakeClock
from tests.core.lesson_helpers import RecordingOutbox, command, repo, scheduler

WHO = UserRef("test", "W1", "U1")


def press(action: ActionRef, user: str = "U1", tz: str | None = None) -> Inbound:
    return Inbound("test", "W1", user, "D1", True, Kind.ACTION, action=action, timezone=tz)


def lesson_id_of(reply: Reply) -> str:
    answer = next(b for b in buttons_of(reply) if b.action.name == ANSWER)
    return answer.action.value.split(":")[0]


def wrong_answer(bot: Bot, lesson_id: str) -> ActionRef:
    lesson = bot.services.library.lesson(lesson_id)
    assert lesson is not None
    return ActionRef(ANSWER, f"{lesson_id}:{(lesson.quiz.answer + 1) % len(lesson.quiz.options)}")


def right_answer(bot: Bot, lesson_id: str) -> ActionRef:
    lesson = bot.services.library.lesson(lesson_id)
    assert lesson is not None
    return ActionRef(ANSWER, f"{lesson_id}:{lesson.quiz.answer}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("on", (True, None, None)),
        ("on 8:30", (True, "08:30", None)),
        ("on 08:30 every day", (True, "08:30", False)),
        ("5pm", (True, "17:00", None)),
        ("weekdays", (False, None, True)),
        ("every day", (False, None, False)),
        ("daily", (False, None, False)),
        ("on 25:00", None),
        ("banana", None),
    ],
)
def test_parse_schedule(args: str, expected: tuple[bool, str | None, bool | None] | None) -> None:
    assert parse_schedule(args) == expected


async def test_lessons_on_confirms_in_local_terms_and_off_stops(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday, 12:00 in London
    [on] = await bot.handle(command("lessons on 08:30", tz="Europe/London"))
    assert "08:30 on weekdays, Europe/London time" in on.text
    assert "next lesson arrives tomorrow at 08:30" in on.text
    status = await lesson_status(bot.services, WHO)
    assert status.subscribed and status.next_at is not None
    assert status.next_at.replace(tzinfo=None) == datetime(2026, 3, 3, 8, 30)
    [off] = await bot.handle(command("lessons off"))
    assert "Daily lessons are off" in off.text
    assert not (await lesson_status(bot.services, WHO)).subscribed
    [again] = await bot.handle(command("lessons on"))
    assert "08:30 on weekdays" in again.text  # the time chosen before is remembered
    [default] = await bot.handle(command("lessons on", user="U3"))
    assert "09:00 on weekdays" in default.text  # app.yaml's default time


async def test_every_day_weekdays_and_the_weekend(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # Friday afternoon
    [on] = await bot.handle(command("lessons on 9:00", tz="UTC"))
    assert "arrives Mon 9 Mar at 09:00" in on.text
    [daily] = await bot.handle(command("lessons every day"))
    assert "09:00 every day" in daily.text and "tomorrow at 09:00" in daily.text
    [weekdays] = await bot.handle(command("lessons weekdays"))
    assert "on weekdays" in weekdays.text and "Mon 9 Mar" in weekdays.text


async def test_time_zone_from_platform_then_the_persons_choice_wins(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    [on] = await bot.handle(command("lessons on 09:00", tz="America/New_York"))
    assert "America/New_York time" in on.text and "today at 09:00" in on.text
    [changed] = await bot.handle(command("lessons timezone europe/paris", tz="America/New_York"))
    assert "Europe/Paris time" in changed.text and "today at 09:00" in changed.text
    [again] = await bot.handle(command("lessons on 10:00", tz="America/New_York"))
    assert "Europe/Paris time" in again.text  # the profile no longer overrides a chosen zone
    [bad] = await bot.handle(command("lessons timezone Mars/Olympus"))
    assert "don't know the time zone 'Mars/Olympus'" in bad.text
    [none] = await bot.handle(command("lessons on", user="U2"))
    assert "UTC time" in none.text  # no profile zone: app.yaml's


async def test_a_subscriber_who_never_chose_a_zone_follows_the_profile(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00"))  # the platform told us nothing: app.yaml's UTC
    assert (await lesson_status(bot.services, WHO)).timezone == "UTC"
    [card] = await bot.handle(command("lesson", tz="Asia/Tokyo"))  # now it does (or they moved)
    status = await lesson_status(bot.services, WHO)
    assert status.timezone == "Asia/Tokyo" and status.next_at is not None
    assert status.next_at.tzinfo is not None and status.next_at.utcoffset() == timedelta(hours=9)
    answer = next(b for b in buttons_of(card) if b.action.name == ANSWER).action
    await bot.handle(press(answer, tz="Asia/Kolkata"))
    assert (await lesson_status(bot.services, WHO)).timezone == "Asia/Kolkata"  # answering a quiz, too
    await bot.handle(command("lessons timezone Europe/Paris"))
    await bot.handle(command("lesson", tz="Asia/Tokyo"))
    assert (await lesson_status(bot.services, WHO)).timezone == "Europe/Paris"  # a chosen zone stays
    await bot.handle(command("lesson", user="U2", tz="Asia/Tokyo"))
    assert await bot.services.lessons.subscription(UserRef("test", "W1", "U2")) is None  # no row made


async def test_the_daily_button_on_a_lesson_card_turns_lessons_on_and_off(bot: Bot, clock: FakeClock) -> None:
    [card] = await bot.handle(command("lesson"))
    toggle = next(b for b in buttons_of(card) if b.action.name == TOGGLE)
    assert toggle.action.value == "on"
    [on] = await bot.handle(press(toggle.action, tz="Asia/Kolkata"))
    assert "Daily lessons are on" in on.text and "Asia/Kolkata" in on.text
    [card] = await bot.handle(command("lesson"))
    toggle = next(b for b in buttons_of(card) if b.action.name == TOGGLE)
    assert toggle.action.value == "off"
    [off] = await bot.handle(press(toggle.action))
    assert "off" in off.text and not (await lesson_status(bot.services, WHO)).subscribed


def submit(form: dict[str, str], tz: str | None = None) -> Inbound:
    return Inbound("test", "W1", "U1", "D1", True, Kind.ACTION, action=ActionRef(SAVE), form=form,
                   timezone=tz)


async def test_the_settings_form_shows_the_current_settings_and_saves_new_ones(
    bot: Bot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday, 07:00 in Paris
    await bot.handle(command("lessons on 08:45", tz="Europe/Paris"))
    [card] = await bot.handle(command("lessons progress", tz="Europe/Paris"))
    opener = next(b for b in buttons_of(card) if b.action.name == SCHEDULE)
    [shown] = await bot.handle(press(opener.action, tz="Europe/Paris"))
    form = next(b for b in shown.blocks if isinstance(b, Form))
    fields = {f.id: f for f in form.fields}
    assert fields["time"].initial == "08:45" and "08:45" in {o.value for o in fields["time"].options}
    assert {"05:00", "12:30", "22:30"} <= {o.value for o in fields["time"].options}
    assert fields["days"].initial == "weekdays" and fields["timezone"].initial == "Europe/Paris"
    # sent back with the zone as shown: saved, and the zone still follows the profile
    answers = {"time": "07:30", "days": "every day", "timezone": "Europe/Paris"}
    [saved] = await bot.handle(submit(answers, "Europe/Paris"))
    assert "Daily lessons are on: 07:30 every day, Europe/Paris time." in saved.text
    assert "today at 07:30" in saved.text
    [moved] = await bot.handle(command("lessons on", tz="Asia/Tokyo"))
    assert "07:30 every day, Asia/Tokyo time" in moved.text
    # a zone typed into the form is a choice: the profile no longer overrides it
    answers = {"time": "07:30", "days": "weekdays", "timezone": "america/new_york"}
    [chosen] = await bot.handle(submit(answers, "Asia/Tokyo"))
    assert "07:30 on weekdays, America/New_York time" in chosen.text
    [kept] = await bot.handle(command("lessons on", tz="Asia/Tokyo"))
    assert "America/New_York time" in kept.text


async def test_the_settings_form_refuses_what_it_cannot_use(bot: Bot) -> None:
    [bad_zone] = await bot.handle(submit({"time": "07:30", "days": "weekdays", "timezone": "Mars/Olympus"}))
    assert "don't know the time zone 'Mars/Olympus'" in bad_zone.text
    [bad_time] = await bot.handle(submit({"time": "late", "days": "weekdays"}))
    assert "choose a time" in bad_time.text
    assert not (await lesson_status(bot.services, WHO)).subscribed  # nothing was saved


async def test_the_curriculum_runs_in_order_without_repeats_and_respects_prerequisites(bot: Bot) -> None:
    library = bot.services.library
    await bot.services.store.save_preferences(WHO, Preferences(setting="customer_service"))
    track = [x for x in library.lessons if x.setting in {"customer_service", "any"}]
    seen: list[str] = []
    for _ in range(len(track)):
        [card] = await bot.handle(command("lesson"))
        seen.append(lesson_id_of(card))
    assert len(set(seen)) == len(seen) and set(seen) == {x.id for x in track}
    track_ids = {x.id for x in track}
    for position, lesson_id in enumerate(seen):
        lesson = library.lesson(lesson_id)
        assert lesson is not None
        for pre in lesson.prerequisites:
            assert pre not in track_ids or pre in seen[:position], (lesson_id, pre)
    [after] = await bot.handle(command("lesson"))
    assert library.lesson(lesson_id_of(after)).setting not in {"customer_service", "any"}  # type: ignore[union-attr]


async def test_a_wrong_answer_comes_back_three_days_later_by_dm(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    await bot.handle(command("lessons on 09:00 every day", tz="UTC"))
    outbox = RecordingOutbox(clock)
    sched = scheduler(bot, outbox, clock)
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await sched.tick()
    first = lesson_id_of(outbox.sent[0].reply)
    [feedback] = await bot.handle(press(wrong_answer(bot, first)))
    assert feedback.text.startswith("Not quite.") and "back Thu 5 Mar" in feedback.blocks[1].text  # type: ignore[union-attr]
    [again] = await bot.handle(press(right_answer(bot, first)))
    assert again.text.startswith("Right.")  # feedback for every click; the first answer counts
    for day in range(1, 4):
        clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(days=day)
        await sched.tick()
    ids = [lesson_id_of(s.reply) for s in outbox.sent]
    assert ids[3] == first and ids[1] != first and ids[2] != first
    assert outbox.sent[3].reply.text.startswith("Your daily lesson\nReview:")
    await bot.handle(press(right_answer(bot, first)))
    progress = (await repo(bot).progress(WHO))[first]
    assert progress.correct is True and progress.review_on is None


async def test_streak_and_progress_on_request(bot: Bot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)  # Thursday
    for _ in range(3):  # Thu, Fri, Mon: the weekend does not break a weekday streak
        [card] = await bot.handle(command("lesson"))
        await bot.handle(press(right_answer(bot, lesson_id_of(card))))
        clock.advance(days=1 if clock.current.weekday() != 4 else 3)
    status = await lesson_status(bot.services, WHO)
    assert status.streak == 3 and status.seen == 3 and status.correct == 3
    [reply] = await bot.handle(command("lessons progress"))
    assert "3-day streak" in reply.text and f"3 of {status.total} lessons seen" in reply.text
    clock.advance(days=2)  # missed a weekday
    assert (await lesson_status(bot.services, WHO)).streak == 0


async def test_votes_are_counted_per_lesson_without_who(bot: Bot) -> None:
    [card] = await bot.handle(command("lesson"))
    helpful = next(
        b for b in buttons_of(card) if b.action.name == VOTE and b.action.value.endswith(":helpful")
    )
    for user in ("U1", "U2"):
        [thanks] = await bot.handle(press(helpful.action, user=user))
        assert "Thanks" in thanks.text
    assert await repo(bot).votes(lesson_id_of(card)) == (2, 0)


async def test_forget_me_and_uninstall_delete_lesson_rows(bot: Bot, clock: FakeClock) -> None:
    for user in ("U1", "U2"):
        await bot.handle(command("lessons on 09:00", user=user))
        [card] = await bot.handle(command("lesson", user=user))
        await bot.handle(press(wrong_answer(bot, lesson_id_of(card)), user=user))
    store = bot.services.store
    assert await store.forget(WHO) >= 3
    assert await repo(bot).subscription(WHO) is None and await repo(bot).progress(WHO) == {}
    assert await repo(bot).subscription(UserRef("test", "W1", "U2")) is not None
    pace = LearnedPace(rate=50.0, ceiling=47.5, since=1_700_000_000.0)
    assert await repo(bot).share_paces("test", {"W1": pace}, ["W1"]) == {"W1": pace}
    assert await store.forget_workspace("test", "W1") >= 4
    assert await repo(bot).share_paces("test", {}, ["W1"]) == {}  # its learned send rate went too
    assert await repo(bot).subscription(UserRef("test", "W1", "U2")) is None
    assert await repo(bot).days(UserRef("test", "W1", "U2"), date(2000, 1, 1)) == set()
