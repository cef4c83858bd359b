"""'Help me reply calmly': what the sender of a received message may feel and need, read from its signals."""

from __future__ import annotations

from bot.core import Bot
from bot.flows.reply_help import _READINGS
from bot.model import ActionRef, Inbound, Kind

# kinds too mild or too formal to say anything about the sender's feelings
NO_READING = {"direct_question", "pointed_opening", "curt_request", "punctuation"}


def received(text: str) -> Inbound:
    return Inbound("test", "W1", "U1", "C1", False, Kind.ACTION, text=text, action=ActionRef("reply.help"))


async def test_a_guilt_trip_is_read_as_overstretched(bot: Bot) -> None:
    [reply] = await bot.handle(received("No problem, I'll just miss my kid's recital. Someone has to do it."))
    assert "overstretched and taken for granted" in reply.text
    assert "their effort seen" in reply.text


def test_every_kind_the_lexicon_raises_has_a_reading(bot: Bot) -> None:
    lexicon = bot.services.engine.lexicon
    kinds = {rule.kind for rule in lexicon.rules} - NO_READING
    assert kinds <= set(_READINGS), kinds - set(_READINGS)
