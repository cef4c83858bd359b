"""/metrics per app, the log formats, and the privacy filter in front of them."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.cli.run import log_format, log_level
from adapters.logs import make_handler
from adapters.server import build_app
from bot.core import Bot
from bot.errors import ConfigError, DeliveryError
from bot.settings import Config, load_config
from bot.store import SqlStore
from tests.conftest import FakeClock
from tests.core.lesson_helpers import RecordingOutbox, command, scheduler


async def test_two_apps_never_share_counters(bot: Bot, store: SqlStore) -> None:
    async with (
        TestClient(TestServer(build_app(bot, store))) as one,
        TestClient(TestServer(build_app(bot, store))) as two,
    ):
        for _ in range(3):
            await one.get("/healthz")
        await one.get("/no/such/path")
        response = await two.get("/metrics")
        assert response.headers["Content-Type"].startswith("text/plain")
        assert "deescalate_http_requests_total{" not in await response.text()
        text = await (await one.get("/metrics")).text()
    assert 'deescalate_http_requests_total{route="/healthz",status="2xx"} 3.0' in text
    assert 'route="unmatched",status="4xx"' in text and "/no/such/path" not in text
    assert 'deescalate_http_request_duration_seconds_bucket{le="0.005",route="/healthz"}' in text


def _record(name: str, level: int, message: str, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, level, __file__, 1, message, (), info)


def test_json_lines_carry_exception_types_never_their_messages() -> None:
    stream = io.StringIO()
    handler = make_handler("json", stream)
    try:
        raise ValueError("a draft someone typed")
    except ValueError as exc:
        handler.handle(_record("bot.x", logging.ERROR, "failed", exc))
    line = json.loads(stream.getvalue())
    assert line["message"] == "failed" and line["level"] == "ERROR" and line["logger"] == "bot.x"
    assert "builtins.ValueError" in line["exception"] and "a draft" not in stream.getvalue()


def test_other_libraries_chatter_is_dropped_but_their_warnings_kept() -> None:
    stream = io.StringIO()
    handler = make_handler("plain", stream)
    handler.handle(_record("slack_sdk.web", logging.DEBUG, "body: {'text': 'secret draft'}"))
    handler.handle(_record("bot.flows", logging.DEBUG, "checklist started"))
    handler.handle(_record("slack_bolt", logging.WARNING, "Unhandled request"))
    assert stream.getvalue().splitlines() == [
        "DEBUG bot.flows: checklist started",
        "WARNING slack_bolt: Unhandled request",
    ]


def test_log_format_flag_then_environment_then_app_yaml(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert log_format(None, config) == "plain"
    monkeypatch.setenv("DEESCALATE_LOG_FORMAT", "JSON")
    assert log_format(None, config) == "json"
    assert log_format("plain", config) == "plain"
    monkeypatch.setenv("DEESCALATE_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError):
        log_format(None, config)
    monkeypatch.delenv("DEESCALATE_LOG_FORMAT")
    monkeypatch.setenv("DEESCALATE_SERVER__LOG_FORMAT", "json")
    assert log_format(None, load_config()) == "json"


def test_log_level_flag_then_environment_then_app_yaml(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert log_level(None, config) == logging.WARNING
    monkeypatch.setenv("DEESCALATE_LOG_LEVEL", "Info")
    assert log_level(None, config) == logging.INFO
    assert log_level("debug", config) == logging.DEBUG
    monkeypatch.setenv("DEESCALATE_LOG_LEVEL", "verbose")
    with pytest.raises(ConfigError, match="log level"):
        log_level(None, config)
    monkeypatch.delenv("DEESCALATE_LOG_LEVEL")
    monkeypatch.setenv("DEESCALATE_SERVER__LOG_LEVEL", "error")
    assert log_level(None, load_config()) == logging.ERROR


async def test_lesson_deliveries_are_counted_per_outcome(bot: Bot, store: SqlStore, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for user in ("U1", "U2", "U3"):
        await bot.handle(command("lessons on 09:00", user=user, tz="UTC"))
    async with TestClient(TestServer(build_app(bot, store))) as client:  # attaches Prometheus to bot.services
        outbox = RecordingOutbox(clock, failures={"U3": DeliveryError("timeout")})
        clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        await scheduler(bot, outbox, clock).tick()
        text = await (await client.get("/metrics")).text()
    assert 'deescalate_deliveries_total{outcome="sent",platform="test"} 2.0' in text
    assert 'deescalate_deliveries_total{outcome="retry",platform="test"} 1.0' in text
    assert 'deescalate_delivery_retries_total{platform="test"} 1.0' in text
