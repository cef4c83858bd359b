"""The mediation workflow through the real Slack endpoint: modal form, guide, consent invitation by DM."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.slack.conftest import SlackHarness, start_harness, submission
from tests.adapters.slack.test_flows import _actions, _button, _click

MANAGER, INVITEE = "U2147483697", "U0INVITEE"
ANSWERS = {
    "conflict": "credit",
    "people": "3-4",
    "setting": "management",
    "duration": "months",
    "concerns": "none",
    "goal": "relationship",
    "follow_up": "7,30",
}


async def test_full_mediation_run(slack: SlackHarness) -> None:
    await slack.command("mediate")
    form_view = (await slack.fake.wait_for("views.open"))[0]["view"]
    assert form_view["callback_id"] == "mediate.plan"
    assert [b["block_id"] for b in form_view["blocks"] if b["type"] == "input"] == list(ANSWERS)

    guide = (await (await slack.interaction(submission(form_view, ANSWERS))).json())["view"]
    text = json.dumps(guide)
    assert "more than two people" in text and "long-running conflict" in text
    assert sum(1 for b in _actions(guide["blocks"]) if b["type"] == "checkboxes") >= 6

    invite = _click(_button(guide["blocks"], "mediate.invite"), "")
    del invite["response_url"]
    invite["container"] = {"type": "view", "view_id": "VGUIDE"}
    invite["view"] = {"id": "VGUIDE", "type": "modal", "hash": "h"}
    await slack.interaction(invite)
    ask_view = (await slack.fake.wait_for("views.push"))[0]["view"]
    assert ask_view["callback_id"] == "mediate.invite.send"
    assert ask_view["blocks"][-1]["element"]["type"] == "users_select"  # Slack's own people picker

    sent = await (await slack.interaction(submission(ask_view, {"person": INVITEE}))).json()
    assert "Invitation sent" in json.dumps(sent)
    invitation = next(
        p for p in await slack.fake.wait_for("chat.postMessage") if p["channel"] == f"D{INVITEE}"
    )
    assert "only learn whether" in invitation["text"]

    yes = _click(
        _button(invitation["blocks"], "mediate.answer"), "", channel_id=f"D{INVITEE}", is_ephemeral=False
    )
    yes["user"]["id"] = INVITEE
    yes["channel"] = {"id": f"D{INVITEE}", "name": "directmessage"}
    del yes["response_url"]
    await slack.interaction(yes)
    checklist = (await slack.fake.wait_for("chat.update"))[0]
    assert checklist["channel"] == f"D{INVITEE}" and "mediation talk" in checklist["text"]
    notices = [p for p in await slack.fake.wait_for("chat.postMessage", 2) if p["channel"] == f"D{MANAGER}"]
    assert [n["text"] for n in notices] == ["Your invitation to prepare was accepted."]


@pytest.fixture
async def grouped(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    groups = {"DEESCALATE_MEDIATION__ALLOWED_GROUPS": '["S0LEADS"]'}
    async for harness in start_harness(tmp_path, db_url, monkeypatch, groups):
        harness.fake.group_members["S0LEADS"] = [MANAGER]
        yield harness


async def test_access_by_slack_user_group(grouped: SlackHarness) -> None:
    denied = await (await grouped.command("mediate", user_id="U0OTHER")).json()
    assert "limited to certain people" in denied["text"]
    await grouped.command("mediate")
    assert (await grouped.fake.wait_for("views.open"))[0]["view"]["callback_id"] == "mediate.plan"
    assert len(grouped.fake.called("usergroups.users.list")) == 1  # cached for the second request
