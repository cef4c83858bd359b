"""What the lesson senders tell each other about the send rates they learned from 429s.

An instance that met a 429 knows something about the workspace's limit that the other instances need,
since they share it, and so does the next fan-out, in this process or the next one. Each heartbeat records
this instance's new learning, or how far its pace climbed since, in the learned_paces table (the newest
learning wins) and adopts what is recorded for the workspaces it is sending to. Only rates, times and
workspace ids: nothing about people or messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from bot.ports import LearnedPace, LearnsLimits

if TYPE_CHECKING:
    from bot.store.lessons import LessonRepo


class PaceExchange:
    """One instance's side of the exchange: it remembers what it recorded, so heartbeats write news only."""

    def __init__(self) -> None:
        self._recorded: dict[tuple[str, str], LearnedPace] = {}  # (platform, workspace) -> pace recorded

    async def run(
        self,
        repo: LessonRepo,
        learners: Mapping[str, LearnsLimits],
        workspaces: Mapping[str, Iterable[str]],
    ) -> None:
        """Record what each learning outbox learned since the last run; hand it the recorded paces of the
        `workspaces` it sends to, where they are another instance's (or an earlier process's)."""
        for platform, learner in learners.items():
            mine = learner.learned()
            news = {ws: pace for ws, pace in mine.items() if self._recorded.get((platform, ws)) != pace}
            recorded = await repo.share_paces(platform, news, workspaces.get(platform, ()))
            self._recorded.update(((platform, ws), pace) for ws, pace in news.items())
            theirs = {ws: pace for ws, pace in recorded.items() if pace != mine.get(ws)}
            if theirs:
                learner.adopt(theirs)

