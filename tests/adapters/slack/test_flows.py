"""End to end over real HTTP: signed requests in, and what the fake Slack Web API received."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.model import UserRef
from bot.ports import Preferences
from tests.adapters.slack.conftest import SlackHarness, payload, submission

DRAFT = "Why haven't you sent the report yet?? This is ridiculous, I need it NOW."


def _actions(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _button(blocks: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return next(e for e in _actions(blocks) if e["action_id"].startswith(prefix))


def _click(element: dict[str, Any], response_url: str, **container: Any) -> dict[str, Any]:
    body = payload("block_actions", response_url=response_url)
    body["actions"] = [{**element, "block_id": "b", "type": "button", "action_ts": "1"}]
    body["container"].update(container)
    return body


async def test_slash_command_answers_the_picker_in_the_ack(slack: SlackHarness) -> None:
    started = time.perf_counter()
    response = await slack.command("")
    elapsed = time.perf_counter() - started
    assert response.status == 200 and elapsed < 3
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "What's going on?", "emoji": True},
    }
    assert any(e["value"] == "angry-with-me" for e in _actions(body["blocks"]))


async def test_the_picker_in_the_ack_follows_each_persons_setting(slack: SlackHarness) -> None:
    def tailored_for(body: dict[str, Any]) -> str:
        return str(body["blocks"][-1]["elements"][0]["text"])

    general = await (await slack.command("", user_id="U1")).json()
    assert "Workplace (general)" in tailored_for(general)
    await slack.store.save_preferences(UserRef("slack", "T0001", "U2"), Preferences(setting="healthcare"))
    for _ in range(2):  # made once per setting, and each person still gets their own setting's
        assert "Healthcare" in tailored_for(await (await slack.command("", user_id="U2")).json())
        assert await (await slack.command("", user_id="U1")).json() == general


async def test_rewrite_is_ephemeral_and_never_posted_to_the_channel(slack: SlackHarness) -> None:
    response = await slack.command(f"rewrite {DRAFT}")
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    assert any(e["action_id"].startswith("rewrite.remind") for e in _actions(body["blocks"]))
    await asyncio.sleep(0.2)
    assert slack.fake.called("chat.postMessage") == []


async def test_checklist_ticks_update_the_message_in_place(slack: SlackHarness) -> None:
    picker = await (await slack.command("")).json()
    url = slack.fake.response_url("pick")
    await slack.interaction(_click(_button(picker["blocks"], "situation.pick"), url))
    shown = (await slack.fake.wait_for("response_url:pick"))[0]
    assert shown["replace_original"] is True and shown["response_type"] == "ephemeral"
    group = next(
        b for b in shown["blocks"] if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes"
    )
    first = group["elements"][0]["options"][0]["value"]
    tick = payload("block_actions", response_url=url)
    tick["actions"] = [
        {
            "type": "checkboxes",
            "action_id": "checklist.toggle",
            "block_id": group["block_id"],
            "selected_options": [{"value": first}],
            "action_ts": "2",
        }
    ]
    await slack.interaction(tick)
    updated = (await slack.fake.wait_for("response_url:pick", 2))[1]
    group = next(b for b in updated["blocks"] if b.get("block_id") == group["block_id"])
    assert [o["value"] for o in group["elements"][0]["initial_options"]] == [first]
    session = group["block_id"].split(":")[0]
    state = await slack.store.checklist(session)
    assert state is not None and first in state.checked
    assert state.owner == UserRef("slack", "T0001", "U2147483697")


async def test_dm_draft_is_rewritten_and_command_words_work(slack: SlackHarness) -> None:
    event = payload("message_im")
    event["event"]["text"] = DRAFT
    assert (await slack.event(event)).status == 200
    posted = (await slack.fake.wait_for("chat.postMessage"))[0]
    assert posted["channel"] == "D024BE91L"
    assert "version" in posted["text"]
    words = payload("message_im", event_id="Ev0HELP")
    words["event"]["text"] = "help"
    await slack.event(words)
    assert "Here is what I can do" in (await slack.fake.wait_for("chat.postMessage", 2))[1]["text"]


async def test_web_api_calls_reuse_one_connection(slack: SlackHarness) -> None:
    for n, words in enumerate(("help", "lesson", "help")):
        event = payload("message_im", event_id=f"Ev0REUSE{n}")
        event["event"]["text"] = words
        await slack.event(event)
        await slack.fake.wait_for("chat.postMessage", n + 1)
    ports = {c.client_port for c in slack.fake.calls if c.method == "chat.postMessage"}
    assert len(ports) == 1, f"a new connection per call: {ports}"


async def test_dm_ignores_bots_itself_edits_and_deletions(slack: SlackHarness) -> None:
    variants = [
        {"bot_id": "B1"},
        {"user": "UBOT"},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "bot_message", "bot_id": "B2"},
    ]
    for n, change in enumerate(variants):
        event = payload("message_im", event_id=f"Ev0IGN{n}")
        event["event"].update(text="help", **change)
        assert (await slack.event(event)).status == 200
    await asyncio.sleep(0.5)
    assert slack.fake.called("chat.postMessage") == []


async def test_dm_buttons_update_the_dm_with_chat_update(slack: SlackHarness) -> None:
    event = payload("message_im")
    event["event"]["text"] = "/deescalate"
    await slack.event(event)
    posted = (await slack.fake.wait_for("chat.postMessage"))[0]
    pick = _click(_button(posted["blocks"], "situation.pick"), "", channel_id="D024BE91L", is_ephemeral=False)
    pick["channel"] = {"id": "D024BE91L", "name": "directmessage"}
    del pick["response_url"]
    await slack.interaction(pick)
    updated = (await slack.fake.wait_for("chat.update"))[0]
    assert updated["channel"] == "D024BE91L" and updated["ts"] == "1700000000.000100"


async def test_calm_a_draft_shortcut_opens_a_modal_and_shows_the_report(slack: SlackHarness) -> None:
    await slack.interaction(payload("shortcut"))
    opened = (await slack.fake.wait_for("views.open"))[0]
    view = opened["view"]
    assert view["type"] == "modal" and view["callback_id"] == "calm.submit"
    assert view["blocks"][-1]["element"]["multiline"] is True
    submit = payload("view_submission")
    submit["view"]["state"]["values"]["draft"]["draft"]["value"] = DRAFT
    response = await slack.interaction(submit)
    answer = await response.json()
    assert answer["response_action"] == "update"
    style = _button(answer["view"]["blocks"], "rewrite.style")
    click = _click(style, "")
    del click["response_url"]
    click["container"] = {"type": "view", "view_id": "VNHU13V36"}
    click["view"] = {"id": "VNHU13V36", "type": "modal", "hash": "h"}
    await slack.interaction(click)
    updated = (await slack.fake.wait_for("views.update"))[0]
    assert updated["view_id"] == "VNHU13V36" and updated["view"]["type"] == "modal"


async def test_help_me_reply_calmly_answers_privately_and_stores_nothing(slack: SlackHarness) -> None:
    shortcut = payload("message_action", response_url=slack.fake.response_url("help"))
    await slack.interaction(shortcut)
    answer = (await slack.fake.wait_for("response_url:help"))[0]
    assert answer["response_type"] == "ephemeral"
    assert "feeling" in answer["text"] and "THIRD time" not in str(answer)
    assert _button(answer["blocks"], "situation.pick")["value"] == "about-to-reply"


async def test_cool_off_schedules_to_the_dm_and_can_be_cancelled(slack: SlackHarness) -> None:
    report = await (await slack.command(f"rewrite {DRAFT}")).json()
    url = slack.fake.response_url("remind")
    await slack.interaction(_click(_button(report["blocks"], "rewrite.remind"), url))
    scheduled = (await slack.fake.wait_for("chat.scheduleMessage"))[0]
    assert scheduled["channel"] == "DU2147483697" and int(scheduled["post_at"]) > 0
    confirmation = (await slack.fake.wait_for("response_url:remind"))[0]
    cancel = _button(confirmation["blocks"], "remind.cancel")
    assert cancel["value"].endswith(":Q" + cancel["value"].split(":Q")[1])
    await slack.interaction(_click(cancel, url))
    deleted = (await slack.fake.wait_for("chat.deleteScheduledMessage"))[0]
    assert deleted["channel"] == "DU2147483697" and deleted["scheduled_message_id"].startswith("Q")


async def test_app_home_is_published(slack: SlackHarness) -> None:
    await slack.event(payload("app_home_opened"))
    published = (await slack.fake.wait_for("views.publish"))[0]
    assert published["user_id"] == "U2147483697" and published["view"]["type"] == "home"
    text = str(published["view"]["blocks"])
    assert "Privacy" in text and "Pick a situation" in text


def _home_click(element: dict[str, Any]) -> dict[str, Any]:
    """A button pressed on the App Home tab: the payload names the view, no channel and no response_url."""
    body = payload("block_actions", container={"type": "view", "view_id": "VHOME"})
    for key in ("channel", "response_url"):
        del body[key]
    body["view"] = {"id": "VHOME", "type": "home", "team_id": "T0001", "blocks": []}
    body["actions"] = [{**element, "block_id": "b", "type": "button", "action_ts": "1"}]
    return body


async def test_lessons_are_turned_on_from_the_app_home_and_the_tab_shows_it(slack: SlackHarness) -> None:
    await slack.event(payload("app_home_opened"))
    home = (await slack.fake.wait_for("views.publish"))[0]["view"]["blocks"]
    assert "Daily lessons are off. Turn them on" in str(home)
    assert "Streak:* no streak yet" in str(home) and "0 of " in str(home)
    await slack.interaction(_home_click(_button(home, "lessons.toggle")))
    confirmation = (await slack.fake.wait_for("chat.postMessage"))[0]
    assert confirmation["channel"] == "DU2147483697"  # the DM, where the lessons will arrive
    # the zone is the Slack profile's (the fake's Europe/Paris): 09:00 UTC is 10:00 there, so tomorrow
    assert "Daily lessons are on: 09:00 on weekdays, Europe/Paris time." in confirmation["text"]
    redrawn = (await slack.fake.wait_for("views.publish", count=2))[1]
    assert redrawn["user_id"] == "U2147483697"
    shown = str(redrawn["view"]["blocks"])
    assert "Daily lessons are on: 09:00 on weekdays, Europe/Paris time. Next: tomorrow at 09:00." in shown
    assert _button(redrawn["view"]["blocks"], "lessons.toggle")["value"] == "off"


async def test_uninstall_and_token_revocation_delete_the_workspace(slack: SlackHarness) -> None:
    for name in ("app_uninstalled", "tokens_revoked"):
        who = UserRef("slack", "T0001", "U2147483697")
        state = await slack.store.start_checklist(who, "angry-with-me")
        assert (await slack.event(payload(name))).status == 200
        for _ in range(50):
            if await slack.store.checklist(state.id) is None:
                break
            await asyncio.sleep(0.05)
        assert await slack.store.checklist(state.id) is None


async def test_rate_limits_are_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=1)
    event = payload("message_im")
    event["event"]["text"] = "help"
    await slack.event(event)
    await slack.fake.wait_for("chat.postMessage", within=6)
    limited = [c for c in slack.fake.calls if c.method == "429:chat.postMessage"]
    posted = [c for c in slack.fake.calls if c.method == "chat.postMessage"]
    assert len(limited) == 1 and posted[0].at - limited[0].at >= 0.9


async def test_the_lesson_time_is_changed_from_the_app_home_in_a_modal(slack: SlackHarness) -> None:
    slack.fake.zones["U2147483697"] = "Asia/Kolkata"
    await slack.event(payload("app_home_opened"))
    home = (await slack.fake.wait_for("views.publish"))[0]["view"]["blocks"]
    await slack.interaction(_home_click(_button(home, "lessons.schedule")))
    form = (await slack.fake.wait_for("views.open"))[0]["view"]
    initial = {b["block_id"]: b["element"].get("initial_option", {}).get("value") or b["element"].get(
        "initial_value") for b in form["blocks"] if b["type"] == "input"}
    assert initial == {"time": "09:00", "days": "weekdays", "timezone": "Asia/Kolkata"}
    answers = {"time": "07:30", "days": "every day", "timezone": "Asia/Kolkata"}
    shown = await (await slack.interaction(submission(form, answers, user="U2147483697"))).json()
    assert shown["response_action"] == "update"
    assert "Daily lessons are on: 07:30 every day, Asia/Kolkata time." in str(shown["view"]["blocks"])
    # published when the tab opened and after the submit (not after the button: nothing had changed yet)
    redrawn = (await slack.fake.wait_for("views.publish", count=2))[1]["view"]["blocks"]
    assert "Daily lessons are on: 07:30 every day, Asia/Kolkata time." in str(redrawn)
    await asyncio.sleep(0.2)
    assert len(slack.fake.called("views.publish")) == 2
