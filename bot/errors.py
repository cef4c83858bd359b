"""One small error tree for the whole project.

    BotError                      base of everything raised on purpose
    +-- ConfigError (ValueError)  app.yaml or the environment is invalid; lists every bad field
    +-- PlaybookError (ValueError) a playbook file is malformed; lists file, path and problem
    +-- InputError (ValueError)   a person's input can't be handled (too long, empty where text is needed)
    +-- StoreError (RuntimeError) the database is unreachable or refused a write
    +-- DeliveryError (RuntimeError) a platform refused a proactive message
        +-- PermanentDeliveryError  retrying won't help (user gone, bot blocked, app removed)

Each class also subclasses the matching builtin so callers that know nothing of this tree still catch it.
"""

from __future__ import annotations

from collections.abc import Sequence


def location(loc: Sequence[int | str], whole: str) -> str:
    """Where in a document a validation error is ("steps.0.say"), or `whole` when it is about all of it."""
    return ".".join(map(str, loc)) or whole


class BotError(Exception):
    """Base of every error raised on purpose by this project."""


class _ProblemList(BotError):
    """An error that carries a list of separate problems, printed one per line."""

    def __init__(self, heading: str, problems: Sequence[str]) -> None:
        self.heading = heading
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{heading}\n{lines}" if self.problems else heading)


class ConfigError(_ProblemList, ValueError):
    """The configuration is invalid: every bad field is listed."""


class PlaybookError(_ProblemList, ValueError):
    """Playbook content is invalid: each problem names the file, the path inside it and what is wrong."""


class InputError(BotError, ValueError):
    """A person's input cannot be handled as given."""


class StoreError(BotError, RuntimeError):
    """The database could not be reached or refused the operation."""


class DeliveryError(BotError, RuntimeError):
    """A platform refused a proactive message; it may succeed later."""


class PermanentDeliveryError(DeliveryError):
    """A platform refused a proactive message for good (user gone, bot blocked, app removed)."""
