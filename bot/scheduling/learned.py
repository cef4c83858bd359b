"""What the lesson senders tell each other about the send rates they learned: JSON in lesson_senders.

An instance that met a 429 knows something about the workspace's limit that the others need, since they
share it. Each heartbeat writes this instance's learned paces and reads the others' (bot.ports.LearnedPace,
per platform and workspace). Only rates, times and workspace ids: nothing about people or messages.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from bot.ports import LearnedPace, LearnsLimits


def encode(learners: Mapping[str, LearnsLimits]) -> str | None:
    """`{platform: {workspace: [rate, ceiling, since]}}`: what the learning outboxes know (None: nothing)."""
    known = {platform: paces for platform, learner in learners.items() if (paces := learner.learned())}
    if not known:
        return None
    values = {platform: {ws: _value(pace) for ws, pace in paces.items()} for platform, paces in known.items()}
    return json.dumps(values, separators=(",", ":"))


def decode(text: str) -> dict[str, dict[str, LearnedPace]]:
    """What another instance wrote; anything malformed (another version's format, say) is left out."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        platform: {ws: pace for ws, value in paces.items() if (pace := _pace(value)) is not None}
        for platform, paces in data.items()
        if isinstance(paces, dict)
    }


def share(learners: Mapping[str, LearnsLimits], others: list[str]) -> None:
    """Hand each learning outbox what the other instances learned for its platform."""
    for text in others:
        for platform, paces in decode(text).items():
            learner = learners.get(platform)
            if learner is not None and paces:
                learner.adopt(paces)


def _pace(value: Any) -> LearnedPace | None:
    if not (isinstance(value, list) and len(value) == 3):
        return None
    rate, ceiling, since = value
    if not (_positive(rate) and (ceiling is None or _positive(ceiling)) and _number(since)):
        return None
    return LearnedPace(float(rate), None if ceiling is None else float(ceiling), float(since))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def _value(pace: LearnedPace) -> list[float | None]:
    return [round(pace.rate, 3), None if pace.ceiling is None else round(pace.ceiling, 3), pace.since]
