"""Local-time arithmetic for daily lessons, always through zoneinfo so daylight-saving changes are exact.

A lesson day is a local calendar date (weekdays only, unless the person asked for every day). Its delivery
instant is the local HH:MM on that date converted to UTC. A local time that does not exist (the hour the
clocks skip in spring) is read with the offset in force before the change, so it lands just after the gap
(02:30 on a London spring-forward day is delivered at 03:30 BST); a local time that happens twice (autumn)
means its first occurrence.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_WEEKEND = (5, 6)


@functools.lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def canonical_zone(name: str) -> str | None:
    """The IANA name for `name` (any case), or None when it is not a known zone."""
    key = name.strip()
    if not key or key.startswith(("/", ".")) or ".." in key:
        return None
    found = _zone_names().get(key.lower())
    if found is None:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found


def zone(name: str, fallback: str = "UTC") -> ZoneInfo:
    """The zone called `name`, else `fallback`, else UTC: never raises for a bad stored name."""
    for candidate in (name, fallback):
        found = canonical_zone(candidate)
        if found:
            return ZoneInfo(found)
    return ZoneInfo("UTC")


def is_lesson_day(day: date, weekdays_only: bool) -> bool:
    """Whether a lesson is due on this local date."""
    return not (weekdays_only and day.weekday() in _WEEKEND)


def local_instant(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """The UTC instant of local `hhmm` on `day` in `tz` (fold=0: first occurrence, after any gap)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The local calendar date at `now` in `tz`."""
    return now.astimezone(tz).date()


def next_slot(
    now: datetime, hhmm: str, tz: ZoneInfo, weekdays_only: bool, after: date | None = None
) -> tuple[date, datetime]:
    """The next lesson day and its UTC instant.

    With `after=None` (subscribing, changing time or zone): the first lesson day whose local time is still
    ahead, so turning lessons on at 10:00 for 09:00 starts tomorrow. With `after` (a day was delivered or
    missed): the first lesson day after it, but never before today; if that is today and the time has
    passed, the instant is in the past and the lesson is due at once (the same-day catch-up).
    """
    today = local_today(now, tz)
    day = today if after is None else max(after + timedelta(days=1), today)
    for _ in range(8):
        if is_lesson_day(day, weekdays_only):
            at = local_instant(day, hhmm, tz)
            if after is not None or at >= now:
                return day, at
        day += timedelta(days=1)
    raise AssertionError("a lesson day always falls within a week")  # pragma: no cover


def friendly_day(day: date, today: date) -> str:
    """'today', 'tomorrow' or 'Tue 3 Mar', for answers in the person's own terms."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


def as_utc(value: datetime) -> datetime:
    """A datetime read back from the database as aware UTC (SQLite returns naive UTC values)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
