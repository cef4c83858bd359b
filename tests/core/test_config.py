"""Invalid configuration stops the program with one message listing every bad field, exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_config, sqlite_relative_to

BAD = """
default_setting: workplace
lessons:
  time: "25:99"
  sends_per_s: 0
server:
  port: -1
  max_connections: 0
engine:
  kind: magic
unknown_key: 1
"""


def test_every_bad_field_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.yaml").write_text(BAD)
    monkeypatch.setenv("DEESCALATE_CONFIG", str(tmp_path / "app.yaml"))
    with pytest.raises(ConfigError) as caught:
        load_config()
    text = "\n".join(caught.value.problems)
    fields = ("lessons.time", "lessons.sends_per_s", "server.port", "server.max_connections", "engine.kind")
    for field in (*fields, "unknown_key"):
        assert field in text


def test_environment_overrides_and_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.yaml").write_text("server:\n  port: 3000\n")
    monkeypatch.setenv("DEESCALATE_CONFIG", str(tmp_path / "app.yaml"))
    monkeypatch.setenv("DEESCALATE_SERVER__PORT", "8081")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cr3t-value")
    config = load_config()
    assert config.settings.server.port == 8081
    assert config.secrets.slack_signing_secret is not None
    assert "s3cr3t-value" not in repr(config)


def test_relative_sqlite_path_is_relative_to_app_yaml(tmp_path: Path) -> None:
    assert (
        sqlite_relative_to("sqlite+aiosqlite:///data/x.db", tmp_path)
        == f"sqlite+aiosqlite:///{tmp_path}/data/x.db"
    )
    assert sqlite_relative_to("sqlite+aiosqlite:////abs/x.db", tmp_path) == "sqlite+aiosqlite:////abs/x.db"
    assert sqlite_relative_to("postgresql+asyncpg://h/db", tmp_path) == "postgresql+asyncpg://h/db"


def test_cli_exits_2_with_the_list(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(BAD)
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(tmp_path / "app.yaml"), "chat"],
        capture_output=True,
        text=True,
        input="",
        timeout=60,
    )
    assert result.returncode == 2
    assert "lessons.time" in result.stderr and "server.port" in result.stderr
    assert "Traceback" not in result.stderr
