"""The console adapter, in process and as the real `deescalate chat` reading a pipe."""

from __future__ import annotations

import os
import subprocess
import sys

from adapters.console.chat import ChatSession
from bot.core import Bot
from bot.settings import Config


async def test_numbers_pick_and_tick(bot: Bot) -> None:
    chat = ChatSession(bot, user="ana")
    [menu] = await chat.say("/deescalate")
    assert "1) Someone is angry with me" in menu
    [checklist] = await chat.say("1")
    assert "Before you respond:" in checklist and "1. [ ]" in checklist
    [ticked] = await chat.say("1")
    assert "1. [x]" in ticked
    [unticked] = await chat.say("1")
    assert "1. [ ]" in unticked


async def test_out_of_range_number_is_explained(bot: Bot) -> None:
    chat = ChatSession(bot, user="ana")
    await chat.say("/deescalate")
    [answer] = await chat.say("99")
    assert "There is no option 99" in answer


async def test_plain_words_and_drafts(bot: Bot) -> None:
    chat = ChatSession(bot, user="ana")
    assert "== How I can help ==" in (await chat.say("help"))[0]
    assert "version" in (await chat.say("Why is this STILL broken?? You never test anything."))[0].lower()


def test_piped_chat_prints_the_picker_then_a_checklist(config: Config) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat"],
        input="/deescalate\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DEESCALATE_CONFIG": str(config.source)},
    )
    assert result.returncode == 0, result.stderr
    assert "== What's going on? ==" in result.stdout
    assert "== Someone is angry with me ==" in result.stdout
    assert "Before you respond:" in result.stdout
    assert result.stderr == ""
