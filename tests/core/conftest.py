from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import Bot
from tests.conftest import bot_with


@pytest.fixture
async def config_off(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    """A bot whose app.yaml switches mediation off."""
    async with bot_with(tmp_path, db_url, monkeypatch, "features:\n  mediation: false\n") as bot:
        yield bot
