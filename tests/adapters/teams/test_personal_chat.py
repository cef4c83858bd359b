"""Personal chat over real HTTP: activities posted to /api/messages, replies seen at the fake connector."""

from __future__ import annotations

import json

from adapters.teams.references import References
from bot.store import SqlStore
from tests.adapters.teams.conftest import TeamsClient
from tests.fakes.connector import FakeConnector

CONVERSATION = "a:1pQrStUvWxYzAbCdEfGhIjKlMnO0123456789abcdefghijklmnopqrstuvwxyz"


def _submit(data: dict[str, object], reply_to: str) -> dict[str, object]:
    return {"value": data, "replyToId": reply_to, "text": None}


async def test_deescalate_answers_with_the_situation_picker(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    response = await teams.post(teams.activity("personal_message"))
    assert response.status in (200, 201)
    [call] = connector.sent("POST")
    assert call.path.startswith(f"/v3/conversations/{CONVERSATION}/activities")
    [card] = connector.cards()
    assert card["version"] == "1.5"
    titles = [a["title"] for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert titles, "the picker offers situations as buttons"


async def test_a_draft_alone_is_rewritten(teams: TeamsClient, connector: FakeConnector) -> None:
    draft = "Why is this STILL not done? I asked you three times. This is ridiculous."
    await teams.post(teams.activity("personal_message", text=draft))
    [card] = connector.cards()
    text = json.dumps(card)
    assert "version" in text and "Other styles" in text
    assert any(e.get("style") == "emphasis" for e in card["body"]), "the calmer version is quoted"


async def test_typed_commands_reach_the_core(teams: TeamsClient, connector: FakeConnector) -> None:
    for words in ("help", "lesson", "mediate", "lessons on 09:00"):
        await teams.post(teams.activity("personal_message", text=words))
    sent = connector.sent("POST")
    assert len(sent) == 4
    assert len({c.client_port for c in sent}) == 1, "replies reuse one connection to the Bot Connector"
    assert "How I can help" in json.dumps(sent[0].body)
    assert '"name": "lesson.answer"' in json.dumps(sent[1].body), "the lesson comes with its quiz"
    assert "Mediation guide" in json.dumps(sent[2].body)
    assert "09:00" in json.dumps(sent[3].body), "lessons on confirms the time"


async def test_a_mention_is_stripped_before_the_core_reads_the_text(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    await teams.post(teams.activity("personal_message", text="<at>De-escalate</at> help"))
    assert "How I can help" in json.dumps(connector.sent("POST")[0].body)


async def test_checklist_items_toggle_in_place(teams: TeamsClient, connector: FakeConnector) -> None:
    await teams.post(teams.activity("personal_message"))
    picker = connector.cards()[0]
    pick = next(e for e in picker["body"] if e["type"] == "ActionSet")["actions"][0]["data"]
    await teams.post(teams.activity("card_submit", **_submit(pick, "1709370000001")))
    [update] = connector.sent("PUT")
    assert update.path.endswith("/activities/1709370000001")
    checklist = connector.cards()[-1]
    rows = [e for e in checklist["body"] if e["type"] == "ColumnSet"]
    assert rows and all(r["columns"][0]["items"][0]["text"] == "☐" for r in rows)
    toggle = rows[0]["selectAction"]["data"]
    await teams.post(teams.activity("card_submit", **_submit(toggle, "1709370000001")))
    assert len(connector.sent("PUT")) == 2
    ticked = [e for e in connector.cards()[-1]["body"] if e["type"] == "ColumnSet"]
    assert ticked[0]["columns"][0]["items"][0]["text"] == "☑"
    assert all(r["columns"][0]["items"][0]["text"] == "☐" for r in ticked[1:])


async def test_a_repeated_activity_is_handled_once(teams: TeamsClient, connector: FakeConnector) -> None:
    activity = teams.activity("personal_message", text="help")
    await teams.post(activity)
    await teams.post(activity)
    assert len(connector.sent("POST")) == 1


async def test_action_execute_answers_with_the_card_in_the_invoke_response(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    response = await teams.post(teams.activity("adaptive_card_action"))
    assert response.status == 200
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["version"] == "1.5"


async def test_every_activity_refreshes_the_reference_and_uninstall_forgets(
    teams: TeamsClient, connector: FakeConnector, store: SqlStore
) -> None:
    references = References(store.engine)
    await teams.post(teams.activity("conversation_update"))
    person = teams.activity("personal_message")["from"]["aadObjectId"]
    ref = await references.personal("72f988bf-86f1-41af-91ab-2d7cd011db47", person)
    assert ref is not None and ref.service_url == connector.url
    await teams.post(teams.activity("installation_add"))
    assert "How I can help" in json.dumps(connector.sent("POST")[0].body)
    await teams.post(teams.activity("installation_remove"))
    assert await references.count() == 0


async def test_bad_bodies_get_4xx_never_500(teams: TeamsClient) -> None:
    raw = await teams.client.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert raw.status == 400
    plain = await teams.client.post("/api/messages", data=b"hello", headers={"Content-Type": "text/plain"})
    assert plain.status == 415
    shapeless = await teams.client.post("/api/messages", json=[1, 2])
    assert shapeless.status == 400


async def test_a_form_card_submits_its_inputs_to_the_core(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    await teams.post(teams.activity("personal_message", text="mediate"))
    form = connector.cards()[-1]
    inputs = [e for e in form["body"] if e["type"].startswith("Input.")]
    assert inputs, "the mediation form is drawn with inputs"
    submit = next(e for e in form["body"] if e["type"] == "ActionSet")["actions"][-1]["data"]
    answers = {
        e["id"]: e["choices"][0]["value"] if "choices" in e else "x" for e in inputs if e["isRequired"]
    }
    await teams.post(teams.activity("card_submit", **_submit({**submit, **answers}, "1709370000002")))
    guide = json.dumps(connector.cards()[-1])
    assert "Input." not in guide and len(connector.calls) == 2


async def test_forget_me_also_deletes_the_stored_conversation(
    teams: TeamsClient, connector: FakeConnector, store: SqlStore
) -> None:
    references = References(store.engine)
    await teams.post(teams.activity("personal_message", text="forget me"))
    assert await references.count() == 1
    ask = connector.cards()[-1]
    confirm = next(e for e in ask["body"] if e["type"] == "ActionSet")["actions"][0]["data"]
    await teams.post(teams.activity("card_submit", **_submit(confirm, "1709370000009")))
    assert "deleted" in json.dumps(connector.cards()[-1])
    assert await references.count() == 0


async def test_no_cool_off_offer_where_teams_cannot_hold_a_message(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    await teams.post(teams.activity("personal_message", text="You NEVER answer my emails!!!"))
    card = json.dumps(connector.cards()[-1])
    assert "Calm version" in card and "Remind me" not in card


async def test_mediation_invitation_by_people_picker_and_consent(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    invitee = {
        "id": "29:invitee-bf-id",
        "name": "Sam Secretname",
        "aadObjectId": "0a0b0c0d-1111-2222-3333-444455556666",
    }
    invitee_chat = {**teams.activity("personal_message")["conversation"], "id": "a:invitee-chat"}
    await teams.post(
        teams.activity("personal_message", text="hello", **{"from": invitee, "conversation": invitee_chat})
    )

    await teams.post(teams.activity("personal_message", text="mediate"))
    form = connector.cards()[-1]
    inputs = [e for e in form["body"] if e["type"].startswith("Input.")]
    submit = next(e for e in form["body"] if e["type"] == "ActionSet")["actions"][-1]["data"]
    answers = {e["id"]: e["choices"][0]["value"] for e in inputs}
    await teams.post(teams.activity("card_submit", **_submit({**submit, **answers}, "1709370000002")))
    guide = connector.cards()[-1]
    invite = next(
        a["data"]
        for e in guide["body"]
        if e["type"] == "ActionSet"
        for a in e["actions"]
        if "Invite" in a["title"]
    )
    await teams.post(teams.activity("card_submit", **_submit(invite, "1709370000003")))
    ask = connector.cards()[-1]
    picker = next(e for e in ask["body"] if e["type"] == "Input.ChoiceSet")
    assert picker["choices.data"]["dataset"] == "graph.microsoft.com/users"  # Teams' people picker
    send = next(e for e in ask["body"] if e["type"] == "ActionSet")["actions"][-1]["data"]
    await teams.post(
        teams.activity(
            "card_submit", **_submit({**send, picker["id"]: invitee["aadObjectId"]}, "1709370000004")
        )
    )
    to_invitee = [c for c in connector.sent("POST") if "a:invitee-chat" in c.path]
    assert len(to_invitee) == 2  # the reply to "hello", then the invitation
    invitation = to_invitee[-1].body["attachments"][0]["content"]
    assert "only learn whether" in json.dumps(invitation)
    yes = next(
        a["data"]
        for e in invitation["body"]
        if e["type"] == "ActionSet"
        for a in e["actions"]
        if a["title"].startswith("Yes")
    )
    await teams.post(
        teams.activity(
            "card_submit", **_submit(yes, "1709370000005"), **{"from": invitee, "conversation": invitee_chat}
        )
    )
    manager_chat = teams.activity("personal_message")["conversation"]["id"]
    notices = [c.body.get("text") for c in connector.sent("POST") if manager_chat in c.path]
    assert "Your invitation to prepare was accepted." in notices
    assert "mediation talk" in json.dumps(connector.cards()[-1])
    assert "Sam Secretname" not in json.dumps([c.body for c in connector.sent() if manager_chat in c.path])


async def test_the_lesson_time_is_changed_in_a_card_form(
    teams: TeamsClient, connector: FakeConnector
) -> None:
    await teams.post(teams.activity("personal_message", text="lessons progress"))
    status = connector.cards()[-1]
    actions = [a for e in status["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    opener = next(a for a in actions if a["title"] == "Change time")["data"]
    await teams.post(teams.activity("card_submit", **_submit(opener, "1709370000002")))
    form = connector.cards()[-1]
    inputs = {e["id"]: e for e in form["body"] if e["type"].startswith("Input.")}
    assert inputs["time"]["value"] == "09:00" and inputs["days"]["value"] == "weekdays"
    assert inputs["timezone"]["value"] == "Europe/London"  # the activity's localTimezone
    submit = next(e for e in form["body"] if e["type"] == "ActionSet")["actions"][-1]["data"]
    answers = {"time": "07:30", "days": "every day", "timezone": "Europe/London"}
    await teams.post(teams.activity("card_submit", **_submit({**submit, **answers}, "1709370000003")))
    assert "Daily lessons are on: 07:30 every day, Europe/London time." in json.dumps(connector.cards()[-1])
