"""The guided checklist end to end through Bot.handle, on a real database."""

from __future__ import annotations

from sqlalchemy import select

from bot.core import Bot
from bot.model import ActionRef, Checklist, Choices, Kind, Reply, buttons_of
from bot.store import SqlStore
from bot.store.tables import ChecklistSession
from tests.conftest import inbound


def _button(reply: Reply, label: str) -> ActionRef:
    return next(b.action for b in buttons_of(reply) if b.label == label)


def _checklists(reply: Reply) -> list[Checklist]:
    return [b for b in reply.blocks if isinstance(b, Checklist)]


async def _open_checklist(bot: Bot) -> Reply:
    [menu] = await bot.handle(inbound(Kind.COMMAND, "/deescalate"))
    [reply] = await bot.handle(inbound(Kind.ACTION, action=_button(menu, "Someone is angry with me")))
    return reply


async def test_picker_lists_situations_with_a_checklist(bot: Bot) -> None:
    [menu] = await bot.handle(inbound(Kind.COMMAND, ""))
    labels = [b.label for b in buttons_of(menu)]
    assert "Someone is angry with me" in labels
    assert menu.ephemeral and "What's going on?" in menu.text


async def test_checklist_is_grouped_by_phase(bot: Bot) -> None:
    reply = await _open_checklist(bot)
    assert [c.title for c in _checklists(reply)] == ["Before you respond", "While you talk", "Afterwards"]
    assert all(not item.checked for c in _checklists(reply) for item in c.items)
    first = _checklists(reply)[0].items[0]
    assert first.detail.startswith("Say: ") and "Avoid: " in first.detail and "Why: " in first.detail


async def test_toggling_updates_in_place_and_persists(bot: Bot, store: SqlStore) -> None:
    reply = await _open_checklist(bot)
    during = _checklists(reply)[1]
    item = during.items[0]
    [updated] = await bot.handle(inbound(Kind.ACTION, action=during.item_action(item), source_message="m1"))
    assert updated.replaces == "m1"
    assert next(i for c in _checklists(updated) for i in c.items if i.id == item.id).checked
    # untick again
    [again] = await bot.handle(inbound(Kind.ACTION, action=during.item_action(item), source_message="m1"))
    assert not next(i for c in _checklists(again) for i in c.items if i.id == item.id).checked


async def test_whole_phase_set_at_once(bot: Bot, store: SqlStore) -> None:
    reply = await _open_checklist(bot)
    during = _checklists(reply)[1]
    ids = [i.id for i in during.items[:2]]
    [updated] = await bot.handle(inbound(Kind.ACTION, action=during.toggle, form={"checked": " ".join(ids)}))
    ticked = {i.id for c in _checklists(updated) for i in c.items if i.checked}
    assert ticked == set(ids)
    [cleared] = await bot.handle(inbound(Kind.ACTION, action=during.toggle, form={"checked": ids[0]}))
    assert {i.id for c in _checklists(cleared) for i in c.items if i.checked} == {ids[0]}
    async with store.engine.connect() as conn:
        rows = (await conn.execute(select(ChecklistSession.checked))).scalars().all()
    assert rows == [[ids[0]]]


async def test_done_screen_has_a_reflection_prompt(bot: Bot) -> None:
    reply = await _open_checklist(bot)
    item_action = _checklists(reply)[0].item_action(_checklists(reply)[0].items[0])
    await bot.handle(inbound(Kind.ACTION, action=item_action))
    [done] = await bot.handle(inbound(Kind.ACTION, action=_button(reply, "I'm done"), source_message="m9"))
    steps = len(bot.services.library.checklists["angry-with-me"].steps)
    assert f"1 of {steps} steps" in done.text
    assert bot.services.library.checklists["angry-with-me"].reflection in done.text
    assert done.replaces == "m9"
    assert any(isinstance(b, Choices) for b in done.blocks)


async def test_someone_else_cannot_tick_my_checklist(bot: Bot) -> None:
    reply = await _open_checklist(bot)
    checklist = _checklists(reply)[0]
    [answer] = await bot.handle(
        inbound(Kind.ACTION, action=checklist.item_action(checklist.items[0]), user="U2")
    )
    assert "belongs to someone else" in answer.text


async def test_unknown_or_forged_session_is_a_kind_answer(bot: Bot) -> None:
    for value in ("nope:during:listen", "", ":::", "x" * 500):
        [answer] = await bot.handle(inbound(Kind.ACTION, action=ActionRef("checklist.toggle", value)))
        assert "expired" in answer.text


async def test_setting_changes_the_examples(bot: Bot) -> None:
    general = " ".join(i.detail for c in _checklists(await _open_checklist(bot)) for i in c.items)
    [settings] = await bot.handle(inbound(Kind.COMMAND, "settings"))
    await bot.handle(inbound(Kind.ACTION, action=_button(settings, "Customer service")))
    [menu] = await bot.handle(inbound(Kind.COMMAND, ""))
    assert "tailored for: Customer service" in " ".join(getattr(b, "text", "") for b in menu.blocks)
    tailored = " ".join(i.detail for c in _checklists(await _open_checklist(bot)) for i in c.items)
    assert tailored != general  # the customer-service variant, or its say_by_setting examples


async def test_nothing_typed_is_stored(bot: Bot, store: SqlStore) -> None:
    canary = "CANARY-7f3a9 you never listen"
    await bot.handle(inbound(Kind.COMMAND, f"rewrite {canary}"))
    await bot.handle(inbound(Kind.MESSAGE, canary, is_dm=True))
    await _open_checklist(bot)
    async with store.engine.connect() as conn:
        for table in ("people", "checklist_sessions"):
            rows = (await conn.exec_driver_sql(f"SELECT * FROM {table}")).all()
            assert "CANARY" not in repr(rows)
