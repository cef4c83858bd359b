"""Privacy canary: unique strings pushed through every flow never reach the logs, the database or /metrics.

Every flow runs over real HTTP against the whole service (Slack and Teams mounted, LLM engine on a
local fake), with every logger at DEBUG. Canaries ride in drafts, DMs, modal inputs, the message a
person answers, display names, the Slack profile, workspace and channel names, a mention's label, the
LLM's own answer, malformed and over-long payloads, and the tokens.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.logs import is_own, make_handler
from adapters.server import OUTBOXES
from bot.scheduler import Scheduler
from bot.tone import MAX_CHARS
from tests.adapters.slack.conftest import SECRET, payload, submission
from tests.adapters.slack.test_flows import _button, _click
from tests.adapters.slack.test_mediation import ANSWERS, INVITEE
from tests.conftest import FakeClock
from tests.fakes.openai_api import Answer
from tests.stack import BOT_TOKEN, LLM_KEY, Stack, start_stack

LLM_DRAFT = "You ALWAYS ignore my emails about PROJ-142. Reply to ana@example.com by Friday 5pm or else!!!"
LLM_GOOD = (
    "I haven't had a reply to my emails about PROJ-142. Could you reply to ana@example.com by Friday 5pm?"
)
FORM = "application/x-www-form-urlencoded"


class Canaries:
    """Unique marker strings, one per place they are planted."""

    def __init__(self) -> None:
        self.planted: dict[str, str] = {}

    def new(self, where: str) -> str:
        value = f"kanarie{secrets.token_hex(5)}"
        self.planted[where] = value
        return value


class Captured:
    """Everything logged: through the service's own handler (JSON), and raw from the project's loggers."""

    def __init__(self) -> None:
        self.service = io.StringIO()
        self.raw: list[str] = []

    def text(self) -> str:
        return self.service.getvalue() + "\n".join(self.raw)


class _RawOwn(logging.Handler):
    """Every record of the project's loggers, message and exception text in full (no privacy filter)."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if is_own(record.name):
            self.into.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Every logger at DEBUG, into the service's JSON handler and a raw handler."""
    into = Captured()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in list(logging.root.manager.loggerDict)}
    handlers = [make_handler("json", into.service), _RawOwn(into.raw)]
    old_root = root.level
    root.setLevel(logging.DEBUG)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield into
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(old_root)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
async def stack(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, captured: Captured
) -> AsyncIterator[Stack]:
    async for running in start_stack(tmp_path, db_url, monkeypatch):
        yield running


async def command(stack: Stack, text: str, url: str, **fields: str) -> dict[str, Any]:
    """A signed slash command; returns the ack body (or {} when empty)."""
    form = payload("slash_command", text=text, response_url=stack.slack.fake.response_url(url), **fields)
    response = await stack.slack.post(urlencode(form).encode(), FORM)
    assert response.status == 200
    body = await response.text()
    return json.loads(body) if body else {}


async def rewrite_flows(stack: Stack, c: Canaries, names: dict[str, str]) -> None:
    """Slash-command rewrites: the LLM answering with a canary, failing, succeeding; safety; too long."""
    fake, llm = stack.slack.fake, stack.openai
    llm.answers = [Answer(content=json.dumps({"rewrite": f"Please {c.new('llm answer')} now."}))]
    await command(stack, f"rewrite This is ridiculous, {c.new('slash draft')} is NOT done!!", "llm1", **names)
    await fake.wait_for("response_url:llm1")
    llm.answers = [Answer(status=400)]
    await command(stack, f"rewrite Why is {c.new('failing llm draft')} STILL late?? Ridiculous.", "llm2")
    await fake.wait_for("response_url:llm2")
    canary = c.new("succeeding llm draft")
    llm.answers = [Answer(content=json.dumps({"rewrite": f"{LLM_GOOD} {canary}"}))]
    await command(stack, f"rewrite {LLM_DRAFT} {canary}", "llm3")
    await fake.wait_for("response_url:llm3")
    await command(stack, f"rewrite I want to end it all, {c.new('safety draft')}", "safety")
    await fake.wait_for("response_url:safety")
    long_draft = f"rewrite {c.new('over-long draft')} " + "you never listen " * (MAX_CHARS // 17 + 10)
    await command(stack, long_draft, "long")


async def slack_flows(stack: Stack, c: Canaries, names: dict[str, str]) -> None:
    """DM draft, calm-a-draft modal, help-me-reply, checklist and lessons."""
    fake = stack.slack.fake
    dm = payload("message_im", event_id=f"Ev{secrets.token_hex(4)}")
    dm["event"]["text"] = f"Honestly {c.new('dm draft')} is a joke, fix it NOW"
    assert (await stack.slack.event(dm)).status == 200
    await fake.wait_for("chat.postMessage")
    await stack.slack.interaction(payload("shortcut"))
    await fake.wait_for("views.open")
    submit = payload("view_submission")
    submit["view"]["state"]["values"]["draft"]["draft"]["value"] = f"Stop ignoring {c.new('modal draft')}!!"
    submit["user"]["name"] = c.new("modal user name")
    assert (await stack.slack.interaction(submit)).status == 200
    await fake.wait_for("views.update")
    action = payload("message_action", response_url=fake.response_url("help"))
    action["message"]["text"] = f"This is the THIRD time you ignored {c.new('received message')}!!"
    action["user"]["name"] = c.new("shortcut user name")
    await stack.slack.interaction(action)
    await fake.wait_for("response_url:help")
    picker = await command(stack, "", "pick", **names)
    url = fake.response_url("pick")
    await stack.slack.interaction(_click(_button(picker["blocks"], "situation.pick"), url))
    shown = (await fake.wait_for("response_url:pick"))[0]
    group = next(
        b for b in shown["blocks"] if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes"
    )
    tick = payload("block_actions", response_url=url)
    tick["actions"] = [
        {
            "type": "checkboxes",
            "action_id": "checklist.toggle",
            "block_id": group["block_id"],
            "selected_options": [{"value": group["elements"][0]["options"][0]["value"]}],
            "action_ts": "2",
        }
    ]
    await stack.slack.interaction(tick)
    await fake.wait_for("response_url:pick", 2)
    profile = {"real_name": c.new("profile name"), "email": f"{c.new('profile email')}@example.test"}
    fake.profiles["U2147483697"] = {"real_name": profile["real_name"], "profile": profile}
    await command(stack, "lessons on 09:30", "lessons", **names)
    assert fake.called("users.info"), "the profile (and its zone) was read"
    clock = stack.slack.bot.services.clock
    assert isinstance(clock, FakeClock)
    scheduler = Scheduler(
        stack.slack.bot.services, stack.client.server.app[OUTBOXES].get, instance_id="canary"
    )
    for _ in range(24):
        clock.advance(hours=1)
        await scheduler.tick()


async def mediation_flow(stack: Stack, c: Canaries) -> None:
    """The mediation form and an invitation whose mention carries a display name."""
    fake = stack.slack.fake
    await command(stack, "mediate", "mediate")
    form = (await fake.wait_for("views.open", 2))[-1]["view"]
    guide = (await (await stack.slack.interaction(submission(form, ANSWERS))).json())["view"]
    invite = _click(_button(guide["blocks"], "mediate.invite"), "")
    del invite["response_url"]
    invite["container"] = {"type": "view", "view_id": "VGUIDE"}
    invite["view"] = {"id": "VGUIDE", "type": "modal", "hash": "h"}
    await stack.slack.interaction(invite)
    ask = (await fake.wait_for("views.push"))[0]["view"]
    mention = f"<@{INVITEE}|Sam {c.new('display name')}>"
    sent = await (await stack.slack.interaction(submission(ask, {"person": mention}))).json()
    assert "Invitation sent" in json.dumps(sent)


async def error_flows(stack: Stack, c: Canaries) -> None:
    """A signed but malformed payload, and a forged one."""
    bad = urlencode({"payload": f'{{"type": "block_actions", "x": "{c.new("malformed")}'}).encode()
    assert (await stack.slack.post(bad, FORM)).status < 500
    forged = f"text={c.new('forged')}".encode()
    assert (await stack.slack.post(forged, FORM, headers={"X-Slack-Signature": "v0=0"})).status == 401


async def teams_flow(stack: Stack, c: Canaries) -> None:
    """Teams personal chat: a draft, and the sender's display name."""
    activity = json.loads((Path(__file__).parents[1] / "payloads/teams/personal_message.json").read_text())
    activity.update(serviceUrl=stack.connector.url, id=f"1{secrets.token_hex(4)}")
    activity["text"] = f"Why is {c.new('teams draft')} STILL not done? This is ridiculous."
    activity["from"]["name"] = c.new("teams display name")
    response = await stack.client.post("/api/messages", json=activity)
    assert response.status < 300
    assert stack.connector.sent("POST"), "the rewrite reached the connector"


async def database_dump(engine: AsyncEngine) -> tuple[str, int]:
    """Every row of every table as text, and how many tables there are."""

    def dump(conn: sa.Connection) -> tuple[str, int]:
        meta = sa.MetaData()
        meta.reflect(conn)
        rows = [f"{t.name}: {tuple(row)!r}" for t in meta.sorted_tables for row in conn.execute(sa.select(t))]
        return "\n".join(rows), len(meta.tables)

    async with engine.connect() as conn:
        return await conn.run_sync(dump)


async def test_canaries_appear_nowhere(stack: Stack, captured: Captured) -> None:
    c = Canaries()
    names = {
        "user_name": c.new("slack user name"),
        "team_domain": c.new("workspace name"),
        "channel_name": c.new("channel name"),
    }
    await rewrite_flows(stack, c, names)
    await slack_flows(stack, c, names)
    await mediation_flow(stack, c)
    await error_flows(stack, c)
    await teams_flow(stack, c)
    await asyncio.sleep(0.3)  # let lazy listeners finish

    sent_out = json.dumps([call.payload for call in stack.slack.fake.calls])
    assert c.planted["slash draft"] in sent_out or c.planted["llm answer"] in sent_out, "canaries flowed"
    assert c.planted["succeeding llm draft"] in json.dumps(stack.openai.requests), "the LLM saw its draft"
    dump, tables = await database_dump(stack.slack.store.engine)
    metrics = await (await stack.client.get("/metrics")).text()
    logs = captured.text()
    assert tables >= 5 and dump.count("\n") >= 5, "the database holds rows, so the check is not vacuous"
    assert 'deescalate_rewrites_total{engine="llm"}' in metrics
    assert 'deescalate_rewrites_total{engine="fallback"}' in metrics
    assert 'deescalate_safety_route_total{kind="self_harm"}' in metrics
    assert "LLM rewrite" in logs, "logging was captured"
    secrets_too = {"bot token": BOT_TOKEN, "llm key": LLM_KEY, "signing secret": SECRET}
    for where, canary in {**c.planted, **secrets_too}.items():
        assert canary not in logs, f"{where} leaked into the logs"
        assert canary not in dump, f"{where} leaked into the database"
        assert canary not in metrics, f"{where} leaked into /metrics"
