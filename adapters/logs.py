"""Logging for the service: plain or JSON lines on stderr, and a privacy filter in front of both.

What a line may carry: the project's own messages (audited to hold ids, counts and exception types
only), and other libraries' warnings and errors. Other libraries' DEBUG and INFO records are dropped,
because some log request bodies there (slack_sdk logs every Web API call's payload, message text
included, at DEBUG). Exceptions are shown as their type and stack frames, never their message, which
can quote input.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Literal, TextIO

LogFormat = Literal["plain", "json"]
OWN_LOGGERS = ("bot", "adapters", "deescalate")


def is_own(name: str) -> bool:
    """Whether a logger belongs to this project (its messages are audited)."""
    return any(name == own or name.startswith(f"{own}.") for own in OWN_LOGGERS)


class PrivacyFilter(logging.Filter):
    """Drop other libraries' records below WARNING (they may carry payloads)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return is_own(record.name) or record.levelno >= logging.WARNING


def exception_summary(exc_info: object) -> str:
    """The exception chain as types and frames only: file, line and function, no messages."""
    if not isinstance(exc_info, tuple) or len(exc_info) != 3 or exc_info[1] is None:
        return ""
    exc: BaseException | None = exc_info[1]
    parts: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = traceback.extract_tb(exc.__traceback__)
        where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in reversed(frames))
        parts.append(f"{type(exc).__module__}.{type(exc).__qualname__}" + (f" at {where}" if where else ""))
        exc = exc.__cause__ or exc.__context__
    return " caused by ".join(parts)


class PlainFormatter(logging.Formatter):
    """`LEVEL logger: message`, with exceptions as types and frames only."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        summary = exception_summary(record.exc_info)
        return f"{line} [{summary}]" if summary else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception (types and frames only)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        summary = exception_summary(record.exc_info)
        if summary:
            entry["exception"] = summary
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    fmt: LogFormat = "plain", level: int = logging.WARNING, stream: TextIO | None = None
) -> logging.Handler:
    """Replace the root handlers with one privacy-filtered handler in the chosen format; return it."""
    handler = make_handler(fmt, stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def make_handler(fmt: LogFormat = "plain", stream: TextIO | None = None) -> logging.Handler:
    """A stream handler with the privacy filter and the chosen formatter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    handler.addFilter(PrivacyFilter())
    return handler
