"""Teams activity -> Inbound: a pure translation, checked on the stored payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.teams.inbound import NO_TENANT, to_inbound
from bot.model import ActionRef, Kind

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "teams"


def _load(name: str, **changes: Any) -> dict[str, Any]:
    activity: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return {**activity, **changes}


def test_a_personal_message() -> None:
    inbound = to_inbound(_load("personal_message", text="rewrite <b>now</b>&amp; please"))
    assert inbound is not None
    assert (inbound.platform, inbound.kind, inbound.is_dm) == ("teams", Kind.MESSAGE, True)
    assert inbound.workspace == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    assert inbound.text == "rewrite now& please"
    assert inbound.timezone == "Europe/London" and inbound.display_name == "Alex Example"


def test_a_card_submit_carries_the_action_the_form_and_the_card_id() -> None:
    value = {"deescalate": {"name": "mediate.form", "value": "g1"}, "who": "Sam", "n": 3, "msteams": {}}
    inbound = to_inbound(_load("card_submit", value=value))
    assert inbound is not None and inbound.kind is Kind.ACTION
    assert inbound.action == ActionRef("mediate.form", "g1")
    assert dict(inbound.form) == {"who": "Sam", "n": "3"}
    assert inbound.source_message == "1709370001000"


def test_action_execute_is_an_action() -> None:
    inbound = to_inbound(_load("adaptive_card_action"))
    assert inbound is not None and inbound.action == ActionRef("help", "")


def test_malformed_data_and_other_activities_give_nothing() -> None:
    assert to_inbound(_load("card_submit", value={"deescalate": "nope"})) is None
    assert to_inbound(_load("conversation_update")) is None
    assert to_inbound({"type": "message"}) is not None
    assert to_inbound({"type": "message"}).workspace == NO_TENANT  # type: ignore[union-attr]


def test_a_channel_message_is_not_a_dm() -> None:
    conversation = {"conversationType": "channel", "id": "19:x@thread.tacv2"}
    inbound = to_inbound(_load("personal_message", conversation=conversation))
    assert inbound is not None and inbound.is_dm is False


def test_people_are_known_by_their_aad_id_or_a_short_stable_stand_in() -> None:
    inbound = to_inbound(_load("personal_message"))
    assert inbound is not None and inbound.user == "6f1c2a44-9c1e-4b7e-8d2a-0a1b2c3d4e5f"
    no_aad = to_inbound(_load("personal_message", **{"from": {"id": "29:" + "x" * 100}}))
    again = to_inbound(_load("personal_message", **{"from": {"id": "29:" + "x" * 100}}))
    assert no_aad is not None and again is not None
    assert len(no_aad.user) <= 64 and no_aad.user == again.user
