"""The mediation workflow through Bot.handle on a real database: request, HR route, tailored guide,
consent-based invitations and follow-ups."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import runtime
from bot.core import Bot
from bot.flows.mediation import CONCERNS, FOLLOW_UPS, GOALS, PEOPLE
from bot.model import ActionRef, Checklist, Form, Kind, Reply, UserRef, buttons_of
from bot.scheduling.followups import FollowUpSender
from bot.settings import load_config
from bot.store import SqlStore
from tests.conftest import FakeClock, bot_with, inbound
from tests.core.lesson_helpers import RecordingOutbox

ANSWERS = {
    "conflict": "workload",
    "people": "2",
    "setting": "workplace",
    "duration": "weeks",
    "concerns": "none",
    "goal": "agreement",
    "follow_up": "7,30",
}


def form_of(reply: Reply) -> Form:
    return next(b for b in reply.blocks if isinstance(b, Form))


async def submit(bot: Bot, user: str = "M1", **changes: str) -> list[Reply]:
    [ask] = await bot.handle(inbound(Kind.COMMAND, "mediate", user=user))
    return await bot.handle(
        inbound(Kind.ACTION, action=form_of(ask).submit, form={**ANSWERS, **changes}, user=user)
    )


def checklists(reply: Reply) -> list[Checklist]:
    return [b for b in reply.blocks if isinstance(b, Checklist)]


def button(reply: Reply, label: str) -> ActionRef:
    return next(b.action for b in buttons_of(reply) if b.label.startswith(label))


async def test_the_request_asks_every_question_as_choices(bot: Bot) -> None:
    [ask] = await bot.handle(inbound(Kind.COMMAND, "mediate"))
    form = form_of(ask)
    assert [f.id for f in form.fields] == list(ANSWERS)
    assert all(f.options for f in form.fields)  # choices only: nothing free-typed about people
    assert {o.value for o in form.fields[0].options} == {
        c.id for c in bot.services.library.catalog.conflict_types
    }


@pytest.mark.parametrize("concern", ["harassment", "discrimination", "safety", "legal"])
async def test_serious_concerns_route_to_hr_first(bot: Bot, store: SqlStore, concern: str) -> None:
    [reply] = await submit(bot, concerns=concern)
    assert "Don't handle this alone" in reply.text and "hr@example.test" in reply.text
    assert ("Security: x5555" in reply.text) == (concern == "safety")
    assert not checklists(reply)
    async with store.engine.connect() as conn:
        assert (await conn.exec_driver_sql("SELECT count(*) FROM mediation_cases")).scalar() == 0
    [guide] = await bot.handle(inbound(Kind.ACTION, action=button(reply, "HR has cleared it"), user="M1"))
    assert guide.text.startswith("You said HR has cleared this") and len(checklists(guide)) == 6


async def test_the_guide_is_an_interactive_checklist_by_phase(bot: Bot) -> None:
    [guide] = await submit(bot)
    titles = [c.title for c in checklists(guide)]
    assert titles == [
        "1. Assess",
        "2. Prepare",
        "3. Talk to each person alone",
        "4. The joint conversation",
        "5. The agreement",
        "6. Follow up",
    ]
    for part in (
        "Don't mediate; go to HR when",
        "Ask each person, privately",
        "Agenda",
        "Ground rules",
        "To open",
        "From positions to interests",
        "loses their temper",
        "Agreement template",
        "Check-in questions",
        "2 follow-up reminder(s) scheduled",
    ):
        assert part in " ".join(getattr(b, "text", "") for b in guide.blocks), part
    first = checklists(guide)[0]
    [ticked] = await bot.handle(
        inbound(Kind.ACTION, action=first.item_action(first.items[0]), user="M1", source_message="g1")
    )
    assert ticked.replaces == "g1" and checklists(ticked)[0].items[0].checked
    [whole] = await bot.handle(inbound(Kind.ACTION, action=first.toggle, form={"checked": ""}, user="M1"))
    assert not any(i.checked for i in checklists(whole)[0].items)
    [other] = await bot.handle(inbound(Kind.ACTION, action=first.item_action(first.items[0]), user="X"))
    assert "expired" in other.text


async def test_the_guide_fits_the_answers(bot: Bot) -> None:
    [small] = await submit(bot)
    [large] = await submit(bot, people="5+", duration="year", goal="understand")

    def notes(reply: Reply) -> str:
        return " ".join(getattr(b, "text", "") for b in reply.blocks)

    assert "more than two people" not in notes(small) and "more than two people" in notes(large)
    assert "long-running conflict" in notes(large).lower()
    assert "Only if both people agree" in notes(large) and "Only if both" not in notes(small)


async def test_invalid_or_forged_answers_get_the_form_again(bot: Bot) -> None:
    [again] = await submit(bot, conflict="nonsense")
    assert any(isinstance(b, Form) for b in again.blocks)


async def test_consent_path_reveals_only_the_answer(bot: Bot, store: SqlStore) -> None:
    [guide] = await submit(bot)
    [ask_who] = await bot.handle(inbound(Kind.ACTION, action=button(guide, "Invite someone"), user="M1"))
    send = form_of(ask_who).submit
    [sent, invitation] = await bot.handle(
        inbound(Kind.ACTION, action=send, form={"person": "<@U2|Sam Secretname>"}, user="M1")
    )
    assert invitation.to == UserRef("test", "W1", "U2") and "only learn whether" in invitation.text
    assert sent.to is None and "accepted or declined" in sent.text
    yes = button(invitation, "Yes")
    [checklist, notice] = await bot.handle(inbound(Kind.ACTION, action=yes, user="U2", source_message="inv"))
    assert "Getting ready for a mediation talk" in checklist.text and checklist.to is None
    assert notice.to == UserRef("test", "W1", "M1")
    assert notice.text == "Your invitation to prepare was accepted."
    [twice] = await bot.handle(inbound(Kind.ACTION, action=yes, user="U2"))
    assert "no longer open" in twice.text
    async with store.engine.connect() as conn:
        dump = repr(
            [
                (await conn.exec_driver_sql(f"SELECT * FROM {t}")).all()
                for t in ("mediation_cases", "mediation_invites", "mediation_followups")
            ]
        )
    assert "Secretname" not in dump


async def test_a_declined_invitation_says_only_declined(bot: Bot) -> None:
    [guide] = await submit(bot)
    [ask_who] = await bot.handle(inbound(Kind.ACTION, action=button(guide, "Invite someone"), user="M1"))
    [_, invitation] = await bot.handle(
        inbound(Kind.ACTION, action=form_of(ask_who).submit, form={"person": "@U3"}, user="M1")
    )
    [done, notice] = await bot.handle(inbound(Kind.ACTION, action=button(invitation, "No"), user="U3"))
    assert "Nothing was shared" in done.text
    assert notice.text == "Your invitation to prepare was declined." and notice.to == UserRef(
        "test", "W1", "M1"
    )
    [stranger] = await bot.handle(inbound(Kind.ACTION, action=button(invitation, "Yes"), user="U9"))
    assert "no longer open" in stranger.text


async def test_an_ignored_invitation_tells_the_manager_nothing(bot: Bot, clock: FakeClock) -> None:
    [guide] = await submit(bot, follow_up="none")
    [ask_who] = await bot.handle(inbound(Kind.ACTION, action=button(guide, "Invite someone"), user="M1"))
    await bot.handle(inbound(Kind.ACTION, action=form_of(ask_who).submit, form={"person": "@U4"}, user="M1"))
    outbox = RecordingOutbox(clock)
    clock.advance(days=60)
    assert await FollowUpSender(bot.services, {"test": outbox}.get).tick() == 0
    assert outbox.sent == []


async def test_follow_ups_are_sent_once_when_due_and_can_be_cancelled(bot: Bot, clock: FakeClock) -> None:
    await submit(bot)
    outbox = RecordingOutbox(clock)
    sender = FollowUpSender(bot.services, {"test": outbox}.get)
    assert await sender.tick() == 0
    clock.advance(days=7, minutes=1)
    assert await sender.tick() == 1 and await sender.tick() == 0
    [sent] = outbox.sent
    assert sent.who == UserRef("test", "W1", "M1") and "Check in with each person" in sent.reply.text
    await bot.handle(inbound(Kind.ACTION, action=button(sent.reply, "Cancel"), user="M1"))
    clock.advance(days=30)
    assert await sender.tick() == 0 and len(outbox.sent) == 1


async def test_forget_me_deletes_the_managers_cases(bot: Bot, store: SqlStore) -> None:
    await submit(bot)
    [ask] = await bot.handle(inbound(Kind.COMMAND, "forget me", user="M1"))
    await bot.handle(inbound(Kind.ACTION, action=buttons_of(ask)[0].action, user="M1"))
    async with store.engine.connect() as conn:
        for table in ("mediation_cases", "mediation_followups"):
            assert (await conn.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar() == 0


@pytest.fixture
async def restricted(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    rules = "mediation:\n  allowed_users: [M1]\n  allowed_groups: [S-LEADS]\n"
    async with bot_with(tmp_path, db_url, monkeypatch, rules) as bot:
        yield bot


async def test_access_can_be_restricted(restricted: Bot) -> None:
    [denied] = await restricted.handle(inbound(Kind.COMMAND, "mediate", user="U7"))
    assert "limited to certain people" in denied.text
    [by_group] = await restricted.handle(
        inbound(Kind.COMMAND, "mediate", user="U8", groups=frozenset({"S-LEADS"}))
    )
    assert any(isinstance(b, Form) for b in by_group.blocks)
    [by_user] = await restricted.handle(inbound(Kind.COMMAND, "mediate", user="M1"))
    assert any(isinstance(b, Form) for b in by_user.blocks)
    [forged] = await restricted.handle(
        inbound(Kind.ACTION, action=ActionRef("mediate.plan"), form=ANSWERS, user="U7")
    )
    assert "limited to certain people" in forged.text


async def test_two_instances_send_each_follow_up_once(bot: Bot, clock: FakeClock, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the concurrency check needs PostgreSQL")
    for n in range(20):
        await submit(bot, user=f"M{n}", follow_up="14")
    other_bot, other_store = await runtime.start(load_config(), clock)
    try:
        outbox = RecordingOutbox(clock)
        clock.advance(days=14, minutes=1)
        a = FollowUpSender(bot.services, {"test": outbox}.get)
        b = FollowUpSender(other_bot.services, {"test": outbox}.get)
        counts = await asyncio.gather(a.tick(), b.tick(), a.tick(), b.tick())
        assert sum(counts) == 20
        assert sorted(s.who.user for s in outbox.sent) == sorted(f"M{n}" for n in range(20))
    finally:
        await other_store.close()


def test_option_lists_are_button_sized() -> None:
    for options in (PEOPLE, CONCERNS, GOALS, FOLLOW_UPS):
        assert all(len(o.label) <= 75 for o in options)
