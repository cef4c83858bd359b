"""Micro-lessons: on request, or daily by DM at the person's own time; quiz feedback, votes and progress.

Commands: `lesson [id]`; `lessons on [HH:MM] [every day|weekdays]`, `lessons off`, `lessons weekdays`,
`lessons every day`, `lessons timezone Area/City`, `lessons progress`. The scheduler (bot.scheduler)
delivers the daily DMs; this module only changes settings and answers the buttons on a lesson card.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.commands import parse_time
from bot.flows import ActionHandler, CommandHandler, Services
from bot.model import (
    ActionRef,
    Block,
    Button,
    Choices,
    Context,
    Form,
    Heading,
    Inbound,
    InputField,
    Option,
    Paragraph,
    Reply,
)
from bot.scheduling.cards import (
    ANSWER,
    SAVE,
    SCHEDULE,
    SHOW,
    TOGGLE,
    VOTE,
    lesson_reply,
    schedule_button,
    toggle_button,
)
from bot.scheduling.status import LessonStatus, lesson_status, pick_for, repo_of, today_of, zone_of
from bot.scheduling.times import canonical_zone, friendly_day, local_today, next_slot, zone
from bot.store.lessons import REVIEW_AFTER, Subscription

__all__ = [
    "ACTION_HANDLERS", "COMMAND_HANDLERS", "LessonStatus", "days_phrase", "lesson_status", "status_lines"
]

USAGE = (
    "`/deescalate lessons on [HH:MM]` · `lessons off` · `lessons every day` · `lessons weekdays` · "
    "`lessons timezone Europe/Paris` · `lessons progress`"
)
_EVERY_DAY = re.compile(r"\b(every ?day|daily|7 days|weekends too|including weekends)\b")
_WEEKDAYS = re.compile(r"\b(weekdays?( only)?|work ?days|mon(day)?-fri(day)?)\b")
_STATUS_WORDS = {"", "progress", "status", "streak", "stats"}
_OFF_WORDS = {"off", "stop", "pause", "unsubscribe"}
_ZONE_WORDS = {"timezone", "tz", "zone", "time-zone"}
EVERY_DAY, WEEKDAYS = "every day", "weekdays"
# the times the form offers: every half hour through the working day (the command takes any time)
_FORM_TIMES = tuple(f"{h:02d}:{m:02d}" for h in range(5, 23) for m in (0, 30))


# ---- on-request lessons and the buttons on a lesson card ------------------------------------------------


async def show_lesson(services: Services, inbound: Inbound, args: str = "") -> list[Reply]:
    """The lesson asked for by id, else the one this person would get next; recorded as seen."""
    repo, who = repo_of(services), inbound.who
    sub = await follow_profile_zone(services, inbound)
    today = today_of(services, sub, inbound.timezone)
    lesson, review = services.library.lesson(args.strip()), False
    if lesson is None:
        pick = await pick_for(services, who, today)
        if pick is None:
            return [Reply("No lessons are installed yet. Ask your admin to add some to playbooks/lessons.")]
        lesson, review = pick.lesson, pick.review
    await repo.record_seen(who, lesson.id, today)
    return [lesson_reply(services.library, lesson, subscribed=_is_on(sub), review=review)]


async def on_show(services: Services, inbound: Inbound) -> list[Reply]:
    return await show_lesson(services, inbound, inbound.action.value if inbound.action else "")


async def on_answer(services: Services, inbound: Inbound) -> list[Reply]:
    """Immediate feedback on the option chosen; a wrong first answer schedules a review."""
    lesson_id, _, index = (inbound.action.value if inbound.action else "").partition(":")
    lesson = services.library.lesson(lesson_id)
    if lesson is None or not index.isdigit() or int(index) >= len(lesson.quiz.options):
        return [Reply("That lesson is no longer available. Type /deescalate lesson for a new one.")]
    chosen = lesson.quiz.options[int(index)]
    today = today_of(services, await follow_profile_zone(services, inbound), inbound.timezone)
    counted = await repo_of(services).record_answer(inbound.who, lesson.id, today, chosen.correct)
    verdict = "Right." if chosen.correct else "Not quite."
    blocks: list[Block] = [Paragraph(f"*{verdict}* {chosen.feedback}")]
    if counted and not chosen.correct:
        back = friendly_day(today + REVIEW_AFTER, today)
        blocks.append(Context(f"I'll bring this lesson back {back} so it sticks."))
    blocks.append(Choices((Button("Next lesson", ActionRef(SHOW)),)))
    return [Reply(f"{verdict} {chosen.feedback}", tuple(blocks))]


async def on_vote(services: Services, inbound: Inbound) -> list[Reply]:
    """Count an anonymous helpful / not helpful vote (who voted is not stored)."""
    lesson_id, _, verdict = (inbound.action.value if inbound.action else "").partition(":")
    if services.library.lesson(lesson_id) is None or verdict not in {"helpful", "not_helpful"}:
        return [Reply("That lesson is no longer available.")]
    await repo_of(services).vote(lesson_id, verdict == "helpful")
    return [Reply("Thanks, noted. Votes are counted per lesson without your name.")]


async def on_toggle(services: Services, inbound: Inbound) -> list[Reply]:
    """The "Daily lessons on/off" button."""
    if inbound.action and inbound.action.value == "off":
        return await _turn_off(services, inbound)
    return await _apply(services, inbound, active=True)


# ---- `lessons ...` settings -------------------------------------------------------------------------------


async def lessons_command(services: Services, inbound: Inbound, args: str) -> list[Reply]:
    """`lessons on|off|every day|weekdays|timezone|progress`."""
    words = args.split()
    head = words[0].lower() if words else ""
    if head in _STATUS_WORDS:
        return [status_reply(await lesson_status(services, inbound.who, inbound.timezone))]
    if head in _OFF_WORDS:
        return await _turn_off(services, inbound)
    if head in _ZONE_WORDS:
        return await _set_zone(services, inbound, " ".join(words[1:]))
    parsed = parse_schedule(args)
    if parsed is None:
        return [Reply(f"I didn't catch that. You can use: {USAGE}")]
    turn_on, time, weekdays_only = parsed
    return await _apply(
        services, inbound, active=True if turn_on else None, time=time, weekdays=weekdays_only
    )


def parse_schedule(args: str) -> tuple[bool, str | None, bool | None] | None:
    """'on 8:30 every day' -> (turn on, "08:30", weekdays only?); None when it is not understood."""
    text = args.strip().lower()
    weekdays_only = False if _EVERY_DAY.search(text) else True if _WEEKDAYS.search(text) else None
    text = _WEEKDAYS.sub(" ", _EVERY_DAY.sub(" ", text))
    words = [w for w in text.split() if w not in {"on", "at", "time", "start", "from", "now", "only"}]
    first = args.strip().lower().split(" ", 1)[0]
    turn_on = first in {"on", "at", "time", "start"} or bool(words)
    time = parse_time(" ".join(words)) if words else None
    if words and time is None:
        return None
    if not turn_on and weekdays_only is None:
        return None
    return turn_on, time, weekdays_only


async def _set_zone(services: Services, inbound: Inbound, name: str) -> list[Reply]:
    found = canonical_zone(name)
    if found is None:
        return [_unknown_zone(name)]
    return await _apply(services, inbound, active=None, zone_name=found)


def _unknown_zone(name: str) -> Reply:
    example = "`/deescalate lessons timezone Europe/Paris` (or America/New_York, Asia/Kolkata, ...)"
    shown = f"'{name.strip()[:40]}'" if name.strip() else "that"
    return Reply(f"I don't know the time zone {shown}. Use an IANA name, e.g. {example}.")


# ---- the settings form (App Home, the progress card) ------------------------------------------------------


async def on_schedule(services: Services, inbound: Inbound) -> list[Reply]:
    """The form for when lessons arrive, filled in with the current settings."""
    return [schedule_form(await lesson_status(services, inbound.who, inbound.timezone))]


def schedule_form(status: LessonStatus) -> Reply:
    times = sorted({*_FORM_TIMES, status.local_time})
    days = WEEKDAYS if status.weekdays_only else EVERY_DAY
    fields = (
        InputField("time", "Time", options=tuple(Option(t, t) for t in times), initial=status.local_time),
        InputField("days", "Days", options=(Option(WEEKDAYS, "Weekdays"), Option(EVERY_DAY, "Every day")),
                   initial=days),
        InputField("timezone", "Time zone", placeholder="An IANA name, e.g. Europe/Paris",
                   initial=status.timezone, optional=True),
    )
    text = "Daily lessons: a two-minute lesson by DM at this time, in this time zone."
    return Reply(text, (Paragraph(text), Form("Daily lessons", fields, ActionRef(SAVE), "Save")))


async def on_save(services: Services, inbound: Inbound) -> list[Reply]:
    """The form's answers: turns lessons on at that time, on those days, in that zone."""
    time = parse_time(inbound.form.get("time", ""))
    if time is None:
        return [Reply("Please choose a time of day for your lessons.")]
    typed = inbound.form.get("timezone", "").strip()
    found = canonical_zone(typed) if typed else None
    if typed and found is None:
        return [_unknown_zone(typed)]
    current = await repo_of(services).subscription(inbound.who)
    # the zone the form showed, sent back unchanged (or left empty), is not a choice: it keeps following
    # the platform profile
    chosen = found if found != zone_of(services, current, inbound.timezone).key else None
    weekdays = inbound.form.get("days", WEEKDAYS) != EVERY_DAY
    sub = await _save(services, inbound, current, active=True, time=time, weekdays=weekdays, zone_name=chosen)
    return [_confirmation(services, sub)]


async def _apply(
    services: Services,
    inbound: Inbound,
    *,
    active: bool | None,
    time: str | None = None,
    weekdays: bool | None = None,
    zone_name: str | None = None,
) -> list[Reply]:
    """Save the changed settings (None: keep as is) with a fresh next slot, and confirm them."""
    current = await repo_of(services).subscription(inbound.who)
    sub = await _save(
        services, inbound, current, active=active, time=time, weekdays=weekdays, zone_name=zone_name
    )
    return [_confirmation(services, sub)]


async def _save(
    services: Services,
    inbound: Inbound,
    current: Subscription | None,
    *,
    active: bool | None,
    time: str | None = None,
    weekdays: bool | None = None,
    zone_name: str | None = None,
) -> Subscription:
    """`current` with the changed settings (None: keep as is) and a fresh next slot, saved."""
    defaults = services.config.settings.lessons
    tz_name, chosen = _zone_for(current, inbound.timezone, zone_name, defaults.timezone)
    sub = Subscription(
        who=inbound.who,
        active=active if active is not None else _is_on(current),
        paused=False if active else bool(current and current.paused),
        local_time=time or (current.local_time if current else defaults.time),
        timezone=tz_name,
        timezone_chosen=chosen,
        weekdays_only=weekdays
        if weekdays is not None
        else (current.weekdays_only if current else defaults.weekdays_only),
    )
    now = services.clock.now()
    slot = next_slot(now, sub.local_time, zone(sub.timezone), sub.weekdays_only) if sub.active else None
    sub = sub.rescheduled(slot)
    await repo_of(services).save_subscription(sub)
    return sub


async def follow_profile_zone(services: Services, inbound: Inbound) -> Subscription | None:
    """The person's subscription, read once. A subscriber who never chose a zone follows the platform
    profile's: when it has changed (they moved, or subscribed before the adapter could tell), the zone and
    the next lesson's time follow it."""
    current = await repo_of(services).subscription(inbound.who)
    found = canonical_zone(inbound.timezone) if inbound.timezone else None
    if current and current.active and not current.timezone_chosen and found and found != current.timezone:
        return await _save(services, inbound, current, active=None)
    return current


def _zone_for(
    current: Subscription | None, platform_zone: str | None, explicit: str | None, default: str
) -> tuple[str, bool]:
    """(zone name, chosen by the person): explicit > chosen before > platform profile > kept > app.yaml."""
    if explicit:
        return explicit, True
    if current and current.timezone_chosen:
        return current.timezone, True
    from_platform = canonical_zone(platform_zone) if platform_zone else None
    if from_platform:
        return from_platform, False
    return (current.timezone if current else zone(default).key), False


async def _turn_off(services: Services, inbound: Inbound) -> list[Reply]:
    repo = repo_of(services)
    current = await repo.subscription(inbound.who)
    if current is not None and current.active:
        await repo.save_subscription(replace(current, active=False).rescheduled(None))
    text = (
        "Daily lessons are off. Your progress is kept: `/deescalate lessons on` starts them again, "
        "and `/deescalate forget me` deletes it."
    )
    return [Reply(text, (Paragraph(text), Choices((toggle_button(False),))))]


def days_phrase(weekdays_only: bool) -> str:
    return "on weekdays" if weekdays_only else "every day"


def _settings_phrase(local_time: str, weekdays_only: bool, timezone: str) -> str:
    """'09:00 on weekdays, Europe/Paris time'."""
    return f"{local_time} {days_phrase(weekdays_only)}, {timezone} time"


def _confirmation(services: Services, sub: Subscription) -> Reply:
    settings = _settings_phrase(sub.local_time, sub.weekdays_only, sub.timezone)
    if not sub.active:
        text = f"Saved: {settings}. Daily lessons are off; `/deescalate lessons on` starts them."
    else:
        tz = zone(sub.timezone)
        today = local_today(services.clock.now(), tz)
        when = ""
        if sub.next_due_at and sub.next_local_date:
            local = sub.next_due_at.astimezone(tz)
            when = f" Your next lesson arrives {friendly_day(sub.next_local_date, today)} at {local:%H:%M}."
        text = f"Daily lessons are on: {settings}.{when}"
    return Reply(
        text,
        (
            Paragraph(text),
            Context(f"Change any time: {USAGE}"),
            Choices((toggle_button(sub.active), Button("Today's lesson", ActionRef(SHOW)))),
        ),
    )


def status_reply(status: LessonStatus) -> Reply:
    """Settings, streak and progress as a card (`lessons progress`)."""
    state, streak, progress = status_lines(status)
    text = f"{state}\nStreak: {streak}.\nProgress: {progress}"
    return Reply(
        text,
        (
            Heading("Your lessons"),
            Paragraph(state),
            Paragraph(f"*Streak:* {streak}.\n*Progress:* {progress}"),
            Choices(
                (
                    Button("Today's lesson", ActionRef(SHOW), "primary"),
                    toggle_button(status.subscribed),
                    schedule_button(),
                )
            ),
            Context(f"Change any time: {USAGE}"),
        ),
    )


def status_lines(status: LessonStatus) -> tuple[str, str, str]:
    """(settings and next delivery, streak, progress) in words, for the progress card and the App Home."""
    if not status.subscribed:
        state = "Daily lessons are off."
    elif status.paused:
        state = "Daily lessons are paused: I couldn't reach you. `/deescalate lessons on` resumes them."
    else:
        settings = _settings_phrase(status.local_time, status.weekdays_only, status.timezone)
        state = f"Daily lessons are on: {settings}."
        if status.next_at:
            when = friendly_day(status.next_at.date(), status.today)
            state += f" Next: {when} at {status.next_at:%H:%M}."
    streak = f"{status.streak}-day streak" if status.streak else "no streak yet: answer a quiz to start one"
    progress = (
        f"{status.seen} of {status.total} lessons seen, "
        f"{status.answered} {'quiz' if status.answered == 1 else 'quizzes'} answered, "
        f"{status.correct} right first time"
        + (f"; {status.reviews_due} to review" if status.reviews_due else "")
        + "."
    )
    return state, streak, progress


def _is_on(sub: Subscription | None) -> bool:
    return bool(sub and sub.active)


COMMAND_HANDLERS: dict[str, CommandHandler] = {"lesson": show_lesson, "lessons": lessons_command}
ACTION_HANDLERS: dict[str, ActionHandler] = {
    ANSWER: on_answer,
    SHOW: on_show,
    VOTE: on_vote,
    TOGGLE: on_toggle,
    SCHEDULE: on_schedule,
    SAVE: on_save,
}
