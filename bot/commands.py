"""Turn "/deescalate ..." arguments and DM words into an intent; suggest the closest match for typos."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# name -> (usage, what it does). The order is the order of the help text.
COMMANDS: dict[str, tuple[str, str]] = {
    "": ("/deescalate", "Pick a tense situation and get a short checklist to follow right now."),
    "rewrite": ("/deescalate rewrite <your draft>", "See what makes a draft tense and get a calmer version."),
    "lesson": ("/deescalate lesson", "Get today's two-minute lesson with a one-question quiz."),
    "lessons": (
        "/deescalate lessons on [HH:MM] | off",
        "Get a lesson by DM each weekday at your time, or stop.",
    ),
    "mediate": ("/deescalate mediate", "For managers: a step-by-step guide for a conflict between people."),
    "settings": ("/deescalate settings", "Choose your setting (customer service, healthcare, ...)."),
    "forget": ("/deescalate forget me", "Delete everything stored about you."),
    "stats": ("/deescalate stats", "Admins: weekly usage figures, never about any one person."),
    "help": ("/deescalate help", "Show this list."),
}
ALIASES = {"checklist": "", "start": "", "menu": "", "stop": "lessons off", "unsubscribe": "lessons off"}
_LEADING = re.compile(r"^\s*/?deescalate\b", re.IGNORECASE)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)?\s*(am|pm)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Intent:
    name: str  # a key of COMMANDS, or "unknown"
    args: str = ""
    suggestion: str | None = None  # for "unknown": the closest command


def strip_command(text: str) -> tuple[bool, str]:
    """(whether the text started with "/deescalate" or "deescalate", the rest)."""
    match = _LEADING.match(text)
    return (True, text[match.end() :].strip()) if match else (False, text.strip())


def parse(args: str) -> Intent:
    """Parse what follows "/deescalate"."""
    args = args.strip()
    word, _, rest = args.partition(" ")
    word = word.lower()
    if word in ALIASES:
        return parse(f"{ALIASES[word]} {rest}")
    if word in COMMANDS:
        return Intent(word, rest.strip())
    close = difflib.get_close_matches(word, [c for c in COMMANDS if c], n=1, cutoff=0.6)
    return Intent("unknown", args, close[0] if close else None)


def is_command_word(text: str) -> bool:
    """Whether a DM is a command in plain words ("help", "lessons off") rather than a draft."""
    if not text.strip():
        return False
    word = text.strip().split(" ", 1)[0].lower()
    return word == "rewrite" or ((word in COMMANDS or word in ALIASES) and len(text.split()) <= 3)


def parse_time(text: str) -> str | None:
    """'9', '9:30', '0930', '5pm' -> 'HH:MM'; None when it is not a time of day."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    return f"{hour:02d}:{minute:02d}"
