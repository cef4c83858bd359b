from __future__ import annotations

import pytest

from bot.commands import Intent, is_command_word, parse, parse_time, strip_command


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", Intent("")),
        ("help", Intent("help")),
        ("HELP", Intent("help")),
        ("rewrite You never answer", Intent("rewrite", "You never answer")),
        ("lessons on 9:30", Intent("lessons", "on 9:30")),
        ("lessons off", Intent("lessons", "off")),
        ("stop", Intent("lessons", "off")),
        ("forget me", Intent("forget", "me")),
        ("mediate", Intent("mediate")),
        ("checklist", Intent("")),
    ],
)
def test_parse(args: str, expected: Intent) -> None:
    assert parse(args) == expected


def test_unknown_suggests_the_closest_command() -> None:
    assert parse("lesons on") == Intent("unknown", "lesons on", "lessons")
    assert parse("rewrit this").suggestion == "rewrite"
    assert parse("xyzzy").suggestion is None


def test_strip_command() -> None:
    assert strip_command("/deescalate help") == (True, "help")
    assert strip_command("deescalate") == (True, "")
    assert strip_command("deescalated already") == (False, "deescalated already")


def test_command_words_versus_drafts() -> None:
    assert is_command_word("help")
    assert is_command_word("lessons off")
    assert is_command_word("rewrite this is a long draft with many words in it")
    assert not is_command_word("help me understand why you never reply to my messages")
    assert not is_command_word("you are always late")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", "09:00"),
        ("9:30", "09:30"),
        ("0930", "09:30"),
        ("5pm", "17:00"),
        ("12am", "00:00"),
        ("23:59", "23:59"),
        ("24:00", None),
        ("13pm", None),
        ("soon", None),
    ],
)
def test_parse_time(text: str, expected: str | None) -> None:
    assert parse_time(text) == expected
