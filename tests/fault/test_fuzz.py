"""HTTP fuzzing of every endpoint: random bodies and content types, invalid UTF-8, deep nesting, 1 MiB+.

Hypothesis generates the requests (collected first, then sent over real HTTP to the whole service);
/slack/events also gets correctly signed random bodies so the fuzz reaches past the signature check.
The one rule: no response is a 5xx.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack.security import sign
from tests.adapters.slack.conftest import SECRET, payload
from tests.stack import Stack, start_stack

ENDPOINTS = {
    "/slack/events": "POST",
    "/slack/install": "GET",
    "/slack/oauth_redirect": "GET",
    "/api/messages": "POST",
    "/healthz": "GET",
    "/readyz": "GET",
    "/metrics": "GET",
}
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin-1",
    "",
    "garbage/\u00e9",
]
SLACK_SHAPES = [
    "slash_command",
    "block_actions",
    "view_submission",
    "shortcut",
    "message_action",
    "message_im",
]
DEPTH = 10_000
MIB = 1024 * 1024

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@dataclass(frozen=True)
class Probe:
    """One request to send."""

    path: str
    method: str
    body: bytes
    content_type: str
    signed: bool = False
    query: str = ""


def _bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=512),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(st.text(max_size=12), st.text(max_size=40), max_size=5).map(
            lambda d: urlencode(d).encode()
        ),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(min_size=1, max_size=64).map(lambda b: b"\xff\xfe\xc3(" + b),  # invalid UTF-8
    )


def _slack_bodies(service_url: str, response_url: str) -> st.SearchStrategy[bytes]:
    """Stored Slack shapes with random values, so signed fuzz reaches the listeners."""

    def mutate(shape: str, text: str, extra: Any) -> bytes:
        body = payload(shape)
        if shape == "slash_command":
            body.update(text=text, response_url=response_url, extra=json.dumps(extra))
            return urlencode(body).encode()
        if shape == "message_im":
            body["event"]["text"], body["event_id"] = text, f"Ev{abs(hash(text))}"
            return json.dumps(body).encode()
        body.update(response_url=response_url, extra=extra)
        body.setdefault("actions", [{"action_id": text[:20], "value": text, "type": "button"}])
        return urlencode({"payload": json.dumps(body)}).encode()

    return st.builds(mutate, st.sampled_from(SLACK_SHAPES), st.text(max_size=300), json_values)


def _activities(service_url: str) -> st.SearchStrategy[bytes]:
    """Teams activities with random fields, always pointing at the local fake connector."""

    def build(kind: str, fields: dict[str, Any], text: str) -> bytes:
        activity = {**fields, "type": kind, "text": text, "serviceUrl": service_url}
        return json.dumps(activity).encode()

    kinds = st.sampled_from(["message", "invoke", "conversationUpdate", "installationUpdate", "x"])
    fields = st.dictionaries(
        st.sampled_from(["from", "conversation", "value", "name", "id", "channelData"]), json_values
    )
    return st.builds(build, kinds, fields, st.text(max_size=200))


def collect(strategy: st.SearchStrategy[Probe], count: int) -> list[Probe]:
    """Draw `count` probes from a strategy (hypothesis explores; the probes are sent afterwards)."""
    found: list[Probe] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(probe: Probe) -> None:
        found.append(probe)

    draw()
    return found


def probes(stack: Stack) -> list[Probe]:
    """Every endpoint: generated bodies and content types, then the fixed extremes."""
    url, response_url = stack.connector.url, stack.slack.fake.response_url("fuzz")
    generated = st.builds(
        Probe,
        st.sampled_from(sorted(ENDPOINTS)),
        st.sampled_from(["GET", "POST", "PUT"]),
        _bodies(),
        st.sampled_from(CONTENT_TYPES),
        st.booleans(),
        st.text(max_size=30).map(lambda q: urlencode({"code": q, "state": q[::-1]})),
    )
    signed = st.builds(
        Probe,
        st.just("/slack/events"),
        st.just("POST"),
        _bodies() | _slack_bodies(url, response_url),
        st.sampled_from(CONTENT_TYPES[:3]),
        st.just(True),
    )
    teams = st.builds(
        Probe, st.just("/api/messages"), st.just("POST"), _activities(url), st.just("application/json")
    )
    deep_list = b"[" * DEPTH + b"]" * DEPTH
    deep_dict = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
    deep_form = urlencode({"payload": deep_dict.decode()}).encode()
    extremes = [
        Probe(path, ENDPOINTS[path], body, kind, signed)
        for path in ENDPOINTS
        for body, kind in [
            (deep_list, "application/json"),
            (deep_dict, "application/json"),
            (deep_form, "application/x-www-form-urlencoded"),
            (b"\xff" * 64 + b"\xc3\x28", "application/json"),
            (b"x" * (MIB + 1), "application/json"),
            (b"text=" + b"a" * (MIB - 200), "application/x-www-form-urlencoded"),
        ]
        for signed in (False, True)
    ]
    return [*collect(generated, 250), *collect(signed, 250), *collect(teams, 120), *extremes]


async def send(stack: Stack, probe: Probe) -> int:
    headers = {"Content-Type": probe.content_type} if probe.content_type else {}
    if probe.signed:
        stamp = str(int(time.time()))
        headers |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(SECRET, stamp, probe.body)}
    path = f"{probe.path}?{probe.query}" if probe.query else probe.path
    response = await stack.client.request(probe.method, path, data=probe.body, headers=headers)
    await response.read()
    return response.status


@pytest.fixture
async def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    async for running in start_stack(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}", monkeypatch):
        yield running


async def test_no_endpoint_answers_5xx(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    statuses: Counter[int] = Counter()
    failures: list[tuple[int, Probe]] = []
    for probe in probes(stack):
        status = await send(stack, probe)
        statuses[status] += 1
        if status >= 500:
            failures.append((status, probe))
    with capsys.disabled():
        print(f"\nfuzz: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert not failures, Counter((s, p.path, p.signed, p.body[:24]) for s, p in failures)
    assert (await stack.client.get("/healthz")).status == 200, "still serving after the fuzz"
