"""Follow-up work after an ack: kept until done, failures logged by type only, drained at shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.background import Background


async def test_drain_waits_for_work_in_flight() -> None:
    done: list[str] = []

    async def follow_up() -> None:
        await asyncio.sleep(0.05)
        done.append("posted")

    background = Background("test")
    background.start(follow_up())
    await background.drain(grace_s=5)
    assert done == ["posted"]


async def test_drain_cancels_what_outlives_the_grace_period(caplog: pytest.LogCaptureFixture) -> None:
    cancelled = asyncio.Event()

    async def stuck() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    background = Background("test")
    background.start(stuck())
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING):
        await background.drain(grace_s=0.05)
    await asyncio.wait_for(cancelled.wait(), 1)
    assert "1 follow-ups cancelled" in caplog.text


async def test_a_failure_is_logged_by_type_without_its_message(caplog: pytest.LogCaptureFixture) -> None:
    async def failing() -> None:
        raise ValueError("draft text that must never reach a log")

    background = Background("test")
    with caplog.at_level(logging.ERROR):
        background.start(failing())
        await background.drain(grace_s=1)
    assert "ValueError" in caplog.text
    assert "draft text" not in caplog.text
