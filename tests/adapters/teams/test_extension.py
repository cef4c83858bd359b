"""The "Rewrite calmly" message extension over real HTTP: dialog, report, preview, send, retries."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from tests.adapters.teams.conftest import TeamsClient
from tests.fakes.connector import FakeConnector

DRAFT = "Why is this STILL not done? I asked you three times. This is ridiculous."


def _card(body: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = body["task"]["value"]["card"]["content"]
    return content


def _input(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    return next(e for e in card["body"] if e.get("id") == input_id)


async def test_fetch_task_from_the_compose_box_is_an_empty_draft_dialog(teams: TeamsClient) -> None:
    response = await teams.post(teams.activity("fetch_task_compose"))
    assert response.status == 200
    assert _input(_card(await response.json()), "draft")["value"] == ""


async def test_fetch_task_from_a_message_is_prefilled_with_its_text(teams: TeamsClient) -> None:
    response = await teams.post(teams.activity("fetch_task_message"))
    draft = _input(_card(await response.json()), "draft")["value"]
    assert draft == "Why is this STILL not done? I asked you three times."


async def test_submit_returns_the_rewrite_within_5_seconds(teams: TeamsClient) -> None:
    started = time.monotonic()
    response = await teams.post(teams.activity("submit_action"))
    elapsed = time.monotonic() - started
    assert response.status == 200 and elapsed < 5
    card = _card(await response.json())
    calm = _input(card, "calm")["value"]
    assert calm and calm != DRAFT
    actions = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert {"choice": "preview"} in [a["data"] for a in actions]


async def test_preview_then_send_posts_the_card_once(teams: TeamsClient, connector: FakeConnector) -> None:
    value = {
        "commandId": "rewriteCalmly",
        "commandContext": "compose",
        "data": {"choice": "preview", "calm": "Calm"},
    }
    preview = await (await teams.post(teams.activity("submit_action", value=value))).json()
    assert preview["composeExtension"]["type"] == "botMessagePreview"
    activity_preview = preview["composeExtension"]["activityPreview"]
    send = teams.activity(
        "submit_action",
        value={
            "commandId": "rewriteCalmly",
            "botMessagePreviewAction": "send",
            "botActivityPreview": [activity_preview],
        },
    )
    assert (await teams.post(send)).status == 200
    assert (await teams.post(send)).status == 200  # Teams' retry of the same invoke
    assert len(connector.sent("POST")) == 1
    assert connector.cards()[0]["body"][0]["text"] == "Calm"


async def test_edit_goes_back_to_the_draft_dialog(teams: TeamsClient) -> None:
    value = {"commandId": "rewriteCalmly", "data": {"choice": "preview", "calm": "Calm words"}}
    preview = await (await teams.post(teams.activity("submit_action", value=value))).json()
    edit = {
        "commandId": "rewriteCalmly",
        "botMessagePreviewAction": "edit",
        "botActivityPreview": [preview["composeExtension"]["activityPreview"]],
    }
    body = await (await teams.post(teams.activity("submit_action", value=edit))).json()
    assert _input(_card(body), "draft")["value"] == "Calm words"


async def test_style_buttons_in_the_dialog_rewrite_again(teams: TeamsClient) -> None:
    first = _card(await (await teams.post(teams.activity("submit_action"))).json())
    styles = [a["data"] for e in first["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    style = next(d for d in styles if "deescalate" in d)
    value = {"commandId": "rewriteCalmly", "data": style}
    second = _card(await (await teams.post(teams.activity("submit_action", value=value))).json())
    assert _input(second, "calm")["value"]


async def test_an_empty_draft_asks_again(teams: TeamsClient) -> None:
    value = {"commandId": "rewriteCalmly", "data": {"draft": "   "}}
    body = await (await teams.post(teams.activity("submit_action", value=value))).json()
    assert "Write or paste a draft first." in json.dumps(body)


async def test_a_retried_submit_gets_an_equivalent_answer(teams: TeamsClient) -> None:
    activity = teams.activity("submit_action")
    first, second = await asyncio.gather(teams.post(activity), teams.post(activity))
    assert first.status == second.status == 200
    assert _input(_card(await first.json()), "calm") == _input(_card(await second.json()), "calm")
