"""The request bodies PlainBodySerializer writes are the ones msrest writes, for every golden reply."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    Entity,
)
from botframework.connector import models
from hypothesis import given, settings
from hypothesis import strategies as st
from msrest import Serializer

from adapters.teams.outbox import to_activity
from adapters.teams.speedups import PlainBodySerializer
from bot.core import Bot
from bot.model import Reply
from tests.adapters.teams.test_golden import REPLIES

MODELS = {k: v for k, v in models.__dict__.items() if isinstance(v, type)}
REFERENCE = ConversationReference(
    activity_id="1712345678901",
    user=ChannelAccount(id="29:1user", name="Sam", aad_object_id="00000000-0000-0000-0000-000000000001"),
    bot=ChannelAccount(id="28:bot-app-id", name="De-escalate"),
    conversation=ConversationAccount(id="a:1conv", conversation_type="personal", tenant_id="tenant-1"),
    channel_id="msteams",
    locale="en-GB",
    service_url="https://smba.trafficmanager.net/emea/",
)


def bodies(activity: Activity) -> tuple[Any, Any]:
    """(ours, msrest's) for the same activity; msrest gets a copy, since it rewrites models in place."""
    ours = PlainBodySerializer(MODELS).body(activity, "Activity")
    return ours, Serializer(MODELS).body(copy.deepcopy(activity), "Activity")


@pytest.mark.parametrize("name", sorted(REPLIES))
async def test_every_reply_body_is_the_one_msrest_writes_by_the_direct_path(bot: Bot, name: str) -> None:
    reply = await REPLIES[name](bot)
    for activity in (to_activity(reply), to_activity(Reply(reply.text))):
        TurnContext.apply_conversation_reference(activity, REFERENCE)
        assert PlainBodySerializer(MODELS)._plain_model(activity) is not None  # not handed to msrest
        ours, theirs = bodies(activity)
        assert ours == theirs


def test_fields_with_msrest_rules_of_their_own_are_left_to_msrest() -> None:
    activity = Activity(
        type=ActivityTypes.message,  # a text enum: written as its value, directly
        text="hello",
        timestamp=datetime(2026, 3, 4, 11, 30, 5, 120000, tzinfo=UTC),  # a date: msrest's format
        entities=[Entity(type="mention")],
        attachments=[Attachment(content_type="x", content={"when": datetime(2026, 3, 4, tzinfo=UTC)})],
    )
    assert PlainBodySerializer(MODELS)._plain_model(activity) is None
    ours, theirs = bodies(activity)
    assert ours == theirs
    assert ours["timestamp"] == "2026-03-04T11:30:05.120Z"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(content=json_values, text=st.none() | st.text(), value=json_values)
def test_any_json_content_is_written_as_msrest_writes_it(content: Any, text: str | None, value: Any) -> None:
    activity = Activity(
        type="message",
        text=text,
        value=value,
        attachments=[Attachment(content_type="application/vnd.microsoft.card.adaptive", content=content)],
        members_added=[],
    )
    ours, theirs = bodies(activity)
    assert ours == theirs
