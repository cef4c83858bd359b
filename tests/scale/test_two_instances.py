"""Scale-out: two real `deescalate serve` processes on one PostgreSQL database.

Slack retries that land on the other instance are processed once, events first seen as a retry are
processed once, each due lesson is sent once while both schedulers run, and both instances exit 0 on
SIGTERM. PostgreSQL only (the multi-instance guarantee is for PostgreSQL): skipped, visibly, without it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import asyncpg
import pytest

from adapters.slack.security import sign
from tests.adapters.slack.conftest import payload
from tests.conftest import PG_SKIP, _drop_pg_database, _fresh_pg_database, write_app_yaml
from tests.fakes.slack_api import FakeSlackApi
from tests.scale.serve import ServeProcess

pytestmark = pytest.mark.skipif(PG_SKIP is not None, reason=PG_SKIP or "")

SECRET = "scale-test-signing-secret"
DRAFT = "Why haven't you sent the report yet?? This is ridiculous, I need it NOW."
LEARNERS = [f"ULEARN{n}" for n in range(8)]
GRACE_S = 10.0  # how long SIGTERM may take: the server's own drain timeout


@dataclass
class Cluster:
    """Two instances (a, b) on one database, and the fake Slack Web API both talk to."""

    fake: FakeSlackApi
    a: ServeProcess
    b: ServeProcess
    dsn: str  # plain asyncpg DSN of the shared database

    async def post(self, instance: ServeProcess, body: bytes, content_type: str, **headers: str) -> int:
        """POST a correctly signed request to one instance's /slack/events; return the status."""
        stamp = str(int(time.time()))
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(SECRET, stamp, body),
            **headers,
        }
        url = f"{instance.base}/slack/events"
        async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=signed) as r:
            await r.read()
            return r.status

    async def event(self, instance: ServeProcess, body: dict[str, Any], retry: int = 0) -> int:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return await self.post(instance, json.dumps(body).encode(), "application/json", **headers)

    async def command(self, instance: ServeProcess, user: str, text: str) -> int:
        form = payload("slash_command", text=text, user_id=user, response_url=self.fake.response_url(user))
        return await self.post(instance, urlencode(form).encode(), "application/x-www-form-urlencoded")

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.fake.called("chat.postMessage") if p.get("channel") == channel]


def dm_draft(event_id: str, channel: str) -> dict[str, Any]:
    """A message.im event carrying a draft to rewrite, in its own DM channel."""
    body = payload("message_im", event_id=event_id)
    body["event"].update(text=DRAFT, channel=channel, ts=f"{time.time():.6f}")
    return body


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    name, url = await _fresh_pg_database()
    fake = await FakeSlackApi().start()
    config = write_app_yaml(tmp_path, url, "lessons:\n  tick_s: 0.5\n")
    env = {
        "DEESCALATE_CONFIG": str(config),
        "DATABASE_URL": url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-scale-test",
        "DEESCALATE_SLACK__API_BASE_URL": fake.base_url,
    }
    a = ServeProcess.start(env, cwd=tmp_path, log=tmp_path / "a.log")
    b = ServeProcess.start(env, cwd=tmp_path, log=tmp_path / "b.log")  # both migrate at once
    try:
        await asyncio.gather(a.wait_ready(), b.wait_ready())
        dsn = url.replace("postgresql+asyncpg://", "postgresql://")
        yield Cluster(fake, a, b, dsn)
    finally:
        await asyncio.gather(a.terminate(), b.terminate())
        await fake.close()
        await _drop_pg_database(name)


async def assert_graceful_shutdown(cluster: Cluster) -> None:
    """SIGTERM both: each exits 0 well within the drain timeout."""
    (code_a, took_a), (code_b, took_b) = await asyncio.gather(cluster.a.terminate(), cluster.b.terminate())
    assert (code_a, code_b) == (0, 0), f"exit codes {code_a}, {code_b}"
    assert max(took_a, took_b) < GRACE_S, f"shutdown took {took_a:.1f} s and {took_b:.1f} s"


async def test_slack_retries_on_the_other_instance_are_processed_once(cluster: Cluster) -> None:
    first = dm_draft("Ev0SCALE1", "DSCALE1")
    assert await cluster.event(cluster.a, first) == 200
    assert await cluster.event(cluster.b, first, retry=1) == 200  # Slack retried; B got it
    only_retry = dm_draft("Ev0SCALE2", "DSCALE2")  # A never saw this one
    assert await cluster.event(cluster.b, only_retry, retry=1) == 200
    assert await cluster.event(cluster.a, only_retry, retry=2) == 200
    await cluster.fake.wait_for("chat.postMessage", 2, within=15)
    await asyncio.sleep(2.0)  # room for any duplicate to arrive
    assert len(cluster.posts_to("DSCALE1")) == 1
    assert len(cluster.posts_to("DSCALE2")) == 1
    assert "version" in cluster.posts_to("DSCALE1")[0]["text"]
    await assert_graceful_shutdown(cluster)


async def make_everyone_due(dsn: str) -> int:
    """Move every subscription's next slot to now, on today's local date in its own zone."""
    conn = await asyncpg.connect(dsn)
    try:
        status = await conn.execute(
            "UPDATE lesson_subscriptions SET next_due_at = now(), "
            "next_local_date = (now() AT TIME ZONE timezone)::date"
        )
    finally:
        await conn.close()
    return int(status.split()[-1])


async def delivered_by(dsn: str) -> Counter[str]:
    """How many lesson deliveries each instance recorded as sent."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT instance FROM lesson_deliveries WHERE status = 'sent'")
    finally:
        await conn.close()
    return Counter(str(row["instance"]) for row in rows)


async def test_due_lessons_are_sent_once_with_both_schedulers_running(cluster: Cluster) -> None:
    for n, user in enumerate(LEARNERS):
        instance = cluster.a if n % 2 else cluster.b
        assert await cluster.command(instance, user, "lessons on 09:00 every day") == 200
    cluster.fake.calls.clear()
    assert await make_everyone_due(cluster.dsn) == len(LEARNERS)
    await cluster.fake.wait_for("chat.postMessage", len(LEARNERS), within=30)
    await asyncio.sleep(2.0)  # several more ticks of both schedulers: nothing more may arrive
    sent = Counter(p["channel"] for p in cluster.fake.called("chat.postMessage"))
    assert sent == Counter({user: 1 for user in LEARNERS})  # each one's DM, by user id
    assert sum((await delivered_by(cluster.dsn)).values()) == len(LEARNERS)
    await assert_graceful_shutdown(cluster)
