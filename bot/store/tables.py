"""The database schema. Only ids, structured choices and timestamps: never message text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    """A person's preferences; created the first time they change one."""

    __tablename__ = "people"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    setting: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Claim(Base):
    """A key claimed once (a platform event id, a retried invoke); lets every instance skip duplicates."""

    __tablename__ = "claims"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ChecklistSession(Base):
    """Which steps of which checklist a person has ticked; the id travels in button values."""

    __tablename__ = "checklist_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    checklist_id: Mapped[str] = mapped_column(String(64))
    checked: Mapped[list[str]] = mapped_column(JSON)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ---- daily lessons (issue 7) ------------------------------------------------------------------------------


class LessonSubscription(Base):
    """Whether, when and in which zone a person gets a daily lesson, and their next slot (UTC and local)."""

    __tablename__ = "lesson_subscriptions"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean)
    paused: Mapped[bool] = mapped_column(Boolean)  # a permanent delivery failure; `lessons on` clears it
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM" in `timezone`
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name
    timezone_chosen: Mapped[bool] = mapped_column(Boolean)  # set by the person: the profile no longer wins
    weekdays_only: Mapped[bool] = mapped_column(Boolean)
    next_local_date: Mapped[date | None] = mapped_column(Date)
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LessonDelivery(Base):
    """One (person, local date) delivery: claimed by one instance before sending, then marked sent."""

    __tablename__ = "lesson_deliveries"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(8))  # "claimed" | "sent"
    instance: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lesson_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LessonSender(Base):
    """A scheduler instance sending lessons now; a workspace's paced rate is shared among the live ones."""

    __tablename__ = "lesson_senders"
    instance: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LearnedPaceRow(Base):
    """A workspace's send rate as the instances learned it from the platform's 429s (bot.ports.LearnedPace):
    the newest learning, shared by the live instances and kept for the next fan-out and the next process."""

    __tablename__ = "learned_paces"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    rate: Mapped[float] = mapped_column(Float)
    ceiling: Mapped[float | None] = mapped_column(Float, nullable=True)
    since: Mapped[float] = mapped_column(Float)  # Unix time of the 429 that taught it
    settled: Mapped[bool] = mapped_column(Boolean, default=False)  # that 429 was met climbing
    climbed_s: Mapped[float] = mapped_column(Float, default=0.0)  # how long the pace climbed since then


class LessonProgress(Base):
    """A lesson a person has seen: when, whether their first answer was right, and when to review it."""

    __tablename__ = "lesson_progress"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_on: Mapped[date] = mapped_column(Date)
    times_seen: Mapped[int] = mapped_column(Integer)
    answered_on: Mapped[date | None] = mapped_column(Date)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    review_on: Mapped[date | None] = mapped_column(Date)


class LessonDay(Base):
    """A local date on which a person answered a lesson's quiz: the streak is counted from these."""

    __tablename__ = "lesson_days"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)


class LessonVote(Base):
    """Anonymous helpful / not helpful counts per lesson: no one's id is stored with a vote."""

    __tablename__ = "lesson_votes"
    lesson_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    helpful: Mapped[int] = mapped_column(Integer)
    not_helpful: Mapped[int] = mapped_column(Integer)


# ---- mediation (issue 8) ----------------------------------------------------------------------------------


class MediationCase(Base):
    """A manager's mediation request: only the structured choices, never what anyone typed."""

    __tablename__ = "mediation_cases"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)  # the manager
    guide_id: Mapped[str] = mapped_column(String(64))
    people: Mapped[str] = mapped_column(String(8))
    setting: Mapped[str] = mapped_column(String(64))
    duration: Mapped[str] = mapped_column(String(16))
    goal: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class MediationInvite(Base):
    """A consent request to one person; the manager only ever learns accepted or declined."""

    __tablename__ = "mediation_invites"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str] = mapped_column(String(64), index=True)
    invitee_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10))  # pending | accepted | declined
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MediationFollowUp(Base):
    """A reminder to the manager, sent once by the scheduler unless cancelled."""

    __tablename__ = "mediation_followups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(10))  # due | claimed | sent | cancelled
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# ---- usage figures (issue 9) ------------------------------------------------------------------------------


class UsageCount(Base):
    """How often one (pseudonymous) person used a feature in a week: for aggregate admin figures only.

    `person` is a one-way hash of the platform ids, so figures can count people without naming them;
    `forget me` deletes a person's rows by recomputing it.
    """

    __tablename__ = "usage_counts"
    week: Mapped[date] = mapped_column(Date, primary_key=True)  # the Monday the week starts on
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    feature: Mapped[str] = mapped_column(String(32), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), primary_key=True)
    uses: Mapped[int] = mapped_column(Integer)
