"""The neutral message model: what adapters hand the core, and what the core hands back.

Adapters translate a platform payload into an `Inbound`, call `Bot.handle`, and render each `Reply`.
A `Reply` always carries plain text, so a renderer that cannot draw a block can still say something.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

_EMPTY: Mapping[str, str] = MappingProxyType({})


class Kind(StrEnum):
    """What kind of thing a person did."""

    COMMAND = "command"  # a slash command (or a DM starting with one)
    MESSAGE = "message"  # a plain message to the bot
    ACTION = "action"  # a button, checkbox, choice or form submit


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person, unique within (platform, workspace)."""

    platform: str
    workspace: str
    user: str


@dataclass(frozen=True, slots=True)
class ActionRef:
    """What a button or checkbox does: a handler name and an opaque value (never message text)."""

    name: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did, in platform-neutral terms."""

    platform: str
    workspace: str
    user: str
    conversation: str
    is_dm: bool
    kind: Kind
    text: str = ""
    action: ActionRef | None = None
    form: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # submitted input fields by id
    source_message: str | None = None  # platform id of the message an action came from
    timezone: str | None = None  # IANA zone from the platform profile, when the adapter knows it
    display_name: str | None = None  # only for addressing the person in the reply; never stored
    groups: frozenset[str] = frozenset()  # platform groups the person is in, when access rules need them
    can_schedule: bool = False  # the platform can hold a message and deliver it later (Reply.deliver_at)
    # The platform's once-only key for this request (a replay carries the same one), handed over by an
    # adapter that has not claimed the request on receipt: the core claims it before anything but a
    # read-only answer (`Bot.read_only`), and counts a read-only answer's use once per key.
    replay_key: str | None = None
    who: UserRef = field(init=False, repr=False, compare=False)  # the person, made once: flows ask often

    def __post_init__(self) -> None:
        object.__setattr__(self, "who", UserRef(self.platform, self.workspace, self.user))


# ---- blocks -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    text: str


@dataclass(frozen=True, slots=True)
class Divider:
    pass


@dataclass(frozen=True, slots=True)
class Context:
    """Small print: sources, hints, privacy notes."""

    text: str


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    text: str
    detail: str = ""  # "say this / avoid / why", shown under the item
    checked: bool = False


@dataclass(frozen=True, slots=True)
class Checklist:
    """Items a person ticks off.

    A renderer that toggles one item at a time sends `item_action(item)`; one that submits the whole
    block at once (Slack checkboxes) sends `toggle` itself with the checked item ids, space-separated,
    in `Inbound.form["checked"]`.
    """

    title: str
    items: tuple[ChecklistItem, ...]
    toggle: ActionRef

    def item_action(self, item: ChecklistItem) -> ActionRef:
        return ActionRef(self.toggle.name, f"{self.toggle.value}:{item.id}")


ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: ActionRef
    style: ButtonStyle = "default"


@dataclass(frozen=True, slots=True)
class Choices:
    """A row of buttons (or a picker, where a renderer prefers one)."""

    buttons: tuple[Button, ...]
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class InputField:
    """One field of a form: free text when `options` is empty, otherwise a single choice.

    With `person` set it picks one person of the workspace; the value is their platform user id
    (renderers use the platform's people picker; the console takes a typed @name).
    """

    id: str
    label: str
    multiline: bool = False
    options: tuple[Option, ...] = ()
    placeholder: str = ""
    optional: bool = False
    initial: str = ""
    person: bool = False


@dataclass(frozen=True, slots=True)
class Form:
    """Input fields with one submit action; the submitted values arrive in `Inbound.form`."""

    title: str
    fields: tuple[InputField, ...]
    submit: ActionRef
    submit_label: str = "Submit"


Block = Heading | Paragraph | Quote | Divider | Context | Checklist | Choices | Form


@dataclass(frozen=True, slots=True)
class Reply:
    """One message back to the person. `text` is the plain fallback and is always set."""

    text: str
    blocks: tuple[Block, ...] = ()
    ephemeral: bool = True  # only the person sees it (or it goes to their DM)
    replaces: str | None = None  # platform id of an earlier message this one updates in place
    # Cool-off: deliver this reply to the person's DM at this time; the platform holds it, we store nothing.
    # The adapter then reports the platform's id back as Inbound(ACTION, ActionRef(SCHEDULED, id)).
    deliver_at: datetime | None = None
    cancels: str | None = None  # platform id of a scheduled delivery this reply cancels
    to: UserRef | None = None  # deliver to this other person's DM instead of answering here
    # The same for everyone it is shown to (no personal data, no message text) and made once by the core:
    # an adapter may keep what it renders from it, found by identity.
    shared: bool = False

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a Reply needs plain text")


SCHEDULED = "scheduled"  # action name an adapter sends with the id of a delivery it scheduled


def buttons_of(reply: Reply) -> list[Button]:
    """Every button in a reply, in order: renderers and tests use it to find actions."""
    return [b for block in reply.blocks if isinstance(block, Choices) for b in block.buttons]
