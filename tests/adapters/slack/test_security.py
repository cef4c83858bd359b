"""Signature checks on /slack/events: every malformed or forged request is a 401, never a 500; replays and
Events API retries have no second effect (a read-only slash command is answered again, counted once)."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from adapters.slack.security import sign
from bot.store import SqlStore
from tests.adapters.slack.conftest import SECRET, SlackHarness, payload


def _resolve(value: str, now: int) -> str:
    if value.startswith(("NOW", " NOW")):
        offset = {
            "NOW-400": str(now - 400),
            "NOW+400": str(now + 400),
            "NOW.5": f"{now}.5",
            " NOW": f" {now}",
        }
        return offset[value]
    return value


def _body() -> bytes:
    return urlencode(payload("slash_command")).encode()


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Signature": "v0=" + "0" * 64},  # bad signature
        {"X-Slack-Request-Timestamp": "NOW-400"},  # expired (signed correctly below)
        {"X-Slack-Request-Timestamp": "NOW+400"},  # from the future
        {"X-Slack-Request-Timestamp": ""},  # empty
        {"X-Slack-Request-Timestamp": "abc"},  # non-numeric
        {"X-Slack-Request-Timestamp": "NOW.5"},  # float
        {"X-Slack-Request-Timestamp": " NOW"},  # padded
        {"X-Slack-Signature": ""},  # empty signature
    ],
    ids=["bad-signature", "expired", "future", "empty-ts", "non-numeric", "float", "padded", "empty-sig"],
)
async def test_forged_or_malformed_requests_get_401(slack: SlackHarness, headers: dict[str, str]) -> None:
    now = int(time.time())  # resolved at run time: a module-level time goes stale in a long run
    headers = {k: _resolve(v, now) for k, v in headers.items()}
    body = _body()
    stamp = headers.get("X-Slack-Request-Timestamp", str(now))
    signed = {"X-Slack-Signature": sign(SECRET, stamp, body), **headers}
    response = await slack.post(body, "application/x-www-form-urlencoded", signed, ts=stamp)
    assert response.status == 401
    assert slack.fake.calls == []


async def test_missing_headers_get_401(slack: SlackHarness) -> None:
    for missing in ("X-Slack-Request-Timestamp", "X-Slack-Signature"):
        body = _body()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": sign(SECRET, str(int(time.time())), body),
        }
        del headers[missing]
        response = await slack.client.post("/slack/events", data=body, headers=headers)
        assert response.status == 401


async def test_a_signature_with_another_secret_gets_401(slack: SlackHarness) -> None:
    body = _body()
    forged = {"X-Slack-Signature": sign("not-the-secret", str(int(time.time())), body)}
    assert (
        await slack.post(body, "application/x-www-form-urlencoded", forged, ts=str(int(time.time())))
    ).status == 401


async def test_a_replayed_request_has_no_second_effect(slack: SlackHarness) -> None:
    pick = payload("block_actions", response_url=slack.fake.response_url("pick"))
    encoded = urlencode({"payload": json.dumps(pick)}).encode()
    ts = str(int(time.time()))
    headers = {"X-Slack-Signature": sign(SECRET, ts, encoded)}
    for _ in range(3):  # the original, then the same signed bytes replayed twice
        response = await slack.post(encoded, "application/x-www-form-urlencoded", headers, ts=ts)
        assert response.status == 200
    await slack.fake.wait_for("response_url:pick")
    await asyncio.sleep(0.3)
    assert len(slack.fake.called("response_url:pick")) == 1


async def _uses(store: SqlStore, feature: str) -> int:
    await store.flush_usage()
    async with store.engine.connect() as conn:
        query = text("SELECT coalesce(sum(uses), 0) FROM usage_counts WHERE feature = :f")
        return int((await conn.execute(query, {"f": feature})).scalar_one())


async def _replayed_command(slack: SlackHarness, command_text: str, times: int) -> tuple[list[str], str]:
    """The same signed slash command sent `times` times: the ack bodies, and the signature."""
    form = payload("slash_command", text=command_text, response_url=slack.fake.response_url("cmd"))
    body = urlencode(form).encode()
    ts = str(int(time.time()))
    headers = {"X-Slack-Signature": sign(SECRET, ts, body)}
    acks = []
    for _ in range(times):
        response = await slack.post(body, "application/x-www-form-urlencoded", headers, ts=ts)
        assert response.status == 200
        acks.append(await response.text())
    return acks, headers["X-Slack-Signature"]


async def test_a_replayed_picker_is_answered_again_and_counted_once(slack: SlackHarness) -> None:
    acks, signature = await _replayed_command(slack, "", 3)
    assert acks[0] == acks[1] == acks[2]  # read-only: the replay learns nothing the original did not
    assert json.loads(acks[0])["blocks"][0]["text"]["text"] == "What's going on?"
    assert await _uses(slack.store, "checklists") == 1
    assert not await slack.store.claim_once(f"slack:sig:{signature}")  # claimed as counted: for all instances


async def test_a_replayed_command_that_changes_something_runs_once(slack: SlackHarness) -> None:
    acks, _ = await _replayed_command(slack, "rewrite Why haven't you sent the report?? I need it NOW.", 3)
    assert json.loads(acks[0])["response_type"] == "ephemeral"
    assert acks[1] == acks[2] == ""  # acked, and nothing done
    assert await _uses(slack.store, "rewrite") == 1
    await asyncio.sleep(0.3)
    assert slack.fake.called("response_url:cmd") == []


async def test_event_retries_are_processed_exactly_once(slack: SlackHarness) -> None:
    event = payload("message_im")
    event["event"]["text"] = "help"
    first = await slack.event(event)
    retry = await slack.event(event, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == retry.status == 200
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_a_retry_whose_first_delivery_never_arrived_is_processed(slack: SlackHarness) -> None:
    event = payload("message_im", event_id="Ev0NEVERSEEN")
    event["event"]["text"] = "help"
    retry = await slack.event(event, {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"})
    assert retry.status == 200
    assert len(await slack.fake.wait_for("chat.postMessage")) == 1
