"""Bot.handle routes commands, DM words, drafts and actions to the right flow."""

from __future__ import annotations

from bot.core import Bot
from bot.model import ActionRef, Form, Kind, buttons_of
from tests.conftest import inbound


async def test_help_lists_every_command(bot: Bot) -> None:
    [reply] = await bot.handle(inbound(Kind.COMMAND, "help"))
    for usage in (
        "/deescalate rewrite",
        "/deescalate lesson",
        "/deescalate lessons on",
        "/deescalate mediate",
        "/deescalate settings",
        "/deescalate forget me",
    ):
        assert usage in reply.text


async def test_unknown_command_suggests_and_offers_the_fix(bot: Bot) -> None:
    [reply] = await bot.handle(inbound(Kind.COMMAND, "mediat"))
    assert "Did you mean `/deescalate mediate`?" in reply.text
    [fixed] = await bot.handle(inbound(Kind.ACTION, action=buttons_of(reply)[0].action))
    form = fixed.blocks[-1]
    assert isinstance(form, Form) and form.submit.name == "mediate.plan"


async def test_dm_words_work_without_the_slash_command(bot: Bot) -> None:
    for text in ("help", "/deescalate help", "deescalate help", "HELP"):
        [reply] = await bot.handle(inbound(Kind.MESSAGE, text, is_dm=True))
        assert "Here is what I can do" in reply.text, text


async def test_a_dm_draft_is_treated_as_a_rewrite(bot: Bot) -> None:
    replies = await bot.handle(
        inbound(Kind.MESSAGE, "You ALWAYS ignore my emails. Fix it NOW!!!", is_dm=True)
    )
    assert replies and "version" in replies[0].text.lower()


async def test_channel_chatter_is_ignored(bot: Bot) -> None:
    assert await bot.handle(inbound(Kind.MESSAGE, "help", is_dm=False)) == []
    assert await bot.handle(inbound(Kind.MESSAGE, "   ", is_dm=True)) == []


async def test_unknown_action_is_a_kind_answer(bot: Bot) -> None:
    [reply] = await bot.handle(inbound(Kind.ACTION, action=ActionRef("no.such.thing", "x")))
    assert "expired" in reply.text


async def test_forget_me_asks_then_deletes(bot: Bot) -> None:
    [settings] = await bot.handle(inbound(Kind.COMMAND, "settings"))
    await bot.handle(inbound(Kind.ACTION, action=buttons_of(settings)[1].action))
    [ask] = await bot.handle(inbound(Kind.COMMAND, "forget me"))
    assert [b.label for b in buttons_of(ask)] == ["Yes, delete it", "Cancel"]
    [done] = await bot.handle(inbound(Kind.ACTION, action=buttons_of(ask)[0].action))
    assert "deleted" in done.text
    assert bot.services.store is not None
    prefs = await bot.services.store.preferences(inbound().who)
    assert prefs.setting is None


async def test_lesson_quiz_gives_feedback_for_the_option_chosen(bot: Bot) -> None:
    [lesson] = await bot.handle(inbound(Kind.COMMAND, "lesson"))
    first = bot.services.library.lessons[0]
    assert first.title in lesson.text
    for index, option in enumerate(first.quiz.options):
        [feedback] = await bot.handle(
            inbound(Kind.ACTION, action=ActionRef("lesson.answer", f"{first.id}:{index}"))
        )
        assert option.feedback in feedback.text
        assert feedback.text.startswith("Right." if option.correct else "Not quite.")


async def test_a_switched_off_feature_says_so(config_off: Bot) -> None:
    [reply] = await config_off.handle(inbound(Kind.COMMAND, "mediate"))
    assert "switched off" in reply.text
