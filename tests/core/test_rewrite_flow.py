"""The rewrite reply when there is no rewrite: a draft that reads fine, or one with no safe rewrite."""

from __future__ import annotations

from bot.core import Bot
from bot.model import Kind
from tests.conftest import inbound


async def test_a_draft_that_reads_fine_says_so_and_names_what_is_still_curt(bot: Bot) -> None:
    [reply] = await bot.handle(inbound(Kind.COMMAND, "rewrite Send me the Q3 numbers by Friday."))
    assert reply.text.startswith("✅ This reads fine")
    assert "Small things, if you like" in reply.text and "“Send”: Try:" in reply.text
    [plain] = await bot.handle(inbound(Kind.COMMAND, "rewrite Thanks, see you at the 3pm call."))
    assert plain.text.startswith("✅ This reads fine") and "Small things" not in plain.text


async def test_a_tense_draft_with_no_safe_rewrite_lists_what_to_change_by_hand(bot: Bot) -> None:
    # (it used to answer with a check mark and "the notes list what to change", and show no notes)
    [reply] = await bot.handle(
        inbound(Kind.COMMAND, "rewrite Feedback on the landing page copy. Wednesday. Not Thursday.")
    )
    assert "✅" not in reply.text and reply.text.startswith("No safe automatic rewrite this time")
    assert "“Not Thursday”:" in reply.text and "Try:" in reply.text
