"""A person's lesson settings, streak and progress as data: for `lessons progress` and the App Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.flows import Services
from bot.model import UserRef
from bot.scheduling.curriculum import STREAK_LOOKBACK_DAYS, Pick, next_lesson, streak
from bot.scheduling.times import local_today, zone
from bot.store.lessons import LessonRepo, Subscription


@dataclass(frozen=True, slots=True)
class LessonStatus:
    """Everything the App Home or a progress card shows about one person's lessons."""

    subscribed: bool  # turned on (even if paused)
    paused: bool  # deliveries stopped after a permanent failure (e.g. the bot was blocked)
    local_time: str  # "HH:MM"
    timezone: str
    weekdays_only: bool
    next_at: datetime | None  # the next delivery, in the person's zone; None when off or paused
    streak: int  # consecutive lesson days with an answered quiz
    seen: int  # lessons seen at least once
    answered: int
    correct: int  # first answers that were right
    reviews_due: int
    total: int  # lessons in the curriculum
    today: date  # the person's local date now


def repo_of(services: Services) -> LessonRepo:
    """The lesson repository."""
    return services.lessons


def default_zone_name(services: Services, who_zone: str | None = None) -> str:
    """The zone to use for someone without a chosen one: the platform's, else app.yaml's."""
    return who_zone or services.config.settings.lessons.timezone


def zone_of(services: Services, sub: Subscription | None, platform_zone: str | None = None) -> ZoneInfo:
    """The person's zone: their subscription's, else the platform's, else app.yaml's."""
    name = sub.timezone if sub else default_zone_name(services, platform_zone)
    return zone(name, services.config.settings.lessons.timezone)


def today_of(services: Services, sub: Subscription | None, platform_zone: str | None = None) -> date:
    """The person's local date (in `zone_of`)."""
    return local_today(services.clock.now(), zone_of(services, sub, platform_zone))


async def person_today(services: Services, who: UserRef, platform_zone: str | None = None) -> date:
    """The person's local date, their subscription read from the store."""
    return today_of(services, await repo_of(services).subscription(who), platform_zone)


async def pick_for(services: Services, who: UserRef, today: date) -> Pick | None:
    """The lesson this person would get next (nothing is recorded)."""
    repo = repo_of(services)
    setting = await services.setting_of(who)
    return next_lesson(services.library, setting, await repo.progress(who), today)


async def lesson_status(services: Services, who: UserRef, platform_zone: str | None = None) -> LessonStatus:
    """Settings, next delivery, streak and progress for one person (the App Home calls this)."""
    repo = repo_of(services)
    sub = await repo.subscription(who)
    defaults = services.config.settings.lessons
    tz = zone_of(services, sub, platform_zone)
    today = local_today(services.clock.now(), tz)
    progress = (await repo.progress(who)).values()
    days = await repo.days(who, today - timedelta(days=STREAK_LOOKBACK_DAYS))
    weekdays_only = sub.weekdays_only if sub else defaults.weekdays_only
    return LessonStatus(
        subscribed=bool(sub and sub.active),
        paused=bool(sub and sub.active and sub.paused),
        local_time=sub.local_time if sub else defaults.time,
        timezone=tz.key,
        weekdays_only=weekdays_only,
        next_at=_next_at(sub, tz.key),
        streak=streak(days, today, weekdays_only),
        seen=len(progress),
        answered=sum(p.answered_on is not None for p in progress),
        correct=sum(bool(p.correct) for p in progress),
        reviews_due=sum(p.review_on is not None and p.review_on <= today for p in progress),
        total=len(services.library.lessons),
        today=today,
    )


def _next_at(sub: Subscription | None, zone_name: str) -> datetime | None:
    if sub is None or not sub.active or sub.paused or sub.next_due_at is None:
        return None
    return sub.next_due_at.astimezone(zone(zone_name))
