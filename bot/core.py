"""Bot.handle(inbound) -> list[Reply]: the one entry point every adapter calls."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError

from bot.commands import Intent, is_command_word, parse, strip_command
from bot.errors import StoreError
from bot.flows import (
    ActionHandler,
    CommandHandler,
    Services,
    admin,
    calm_draft,
    checklist,
    cooloff,
    helptext,
    home,
    lessons,
    mediation,
    mediation_guide,
    people,
    reply_help,
    rewrite,
)
from bot.model import Inbound, Kind, Reply

log = logging.getLogger(__name__)

_FLOWS = (
    admin,
    calm_draft,
    checklist,
    cooloff,
    helptext,
    home,
    lessons,
    mediation,
    mediation_guide,
    people,
    reply_help,
    rewrite,
)
FEATURE_OF = {
    "": "checklists",
    "rewrite": "rewrite",
    "lesson": "lessons",
    "lessons": "lessons",
    "mediate": "mediation",
}
# Commands whose whole effect is their answer (plus a usage count, which the store deduplicates by the
# request's replay key): a replay may simply be answered again, so they need no claim before they run.
READ_ONLY_COMMANDS = frozenset({"", "help"})
ACTION_FEATURES = {
    "situation.pick": "checklists",
    "calm.submit": "rewrite",
    "reply.help": "reply_help",
    "mediate.plan": "mediation",
    "lesson.answer": "lessons",
}


class Bot:
    """Routes commands, DMs and actions to the flows. Holds no per-request state."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._commands: dict[str, CommandHandler] = {}
        self._actions: dict[str, ActionHandler] = {"command": self._on_command_button}
        for flow in _FLOWS:
            self._commands.update(flow.COMMAND_HANDLERS)
            self._actions.update(flow.ACTION_HANDLERS)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one thing a person did. Never raises for bad input; a database outage gets a kind reply.

        An inbound with a `replay_key` has not been claimed by its adapter: unless it is read-only, it is
        claimed here first, and a replay of it gets no answer and has no effect.
        """
        command = _command_of(inbound)
        try:
            if inbound.replay_key is not None and not _read_only(command):
                if not await self._claim(inbound.replay_key):
                    return []
                inbound = replace(inbound, replay_key=None)  # claimed: nothing left to deduplicate
            return await self._route(inbound, command)
        except (StoreError, SQLAlchemyError, OSError) as exc:
            log.warning(
                "store unavailable (%s) while handling a %s on %s",
                type(exc).__name__,
                inbound.kind.value,
                inbound.platform,
            )
            return [
                Reply(
                    "I can't reach my memory right now, so I couldn't do that. Please try again in a minute."
                )
            ]

    def read_only(self, inbound: Inbound) -> bool:
        """Whether answering changes nothing (no store write, no message sent) but a usage count."""
        return _read_only(_command_of(inbound))

    async def _claim(self, key: str) -> bool:
        try:
            return await self.services.store.claim_once(key)
        except (StoreError, SQLAlchemyError, OSError):  # as the adapters do: an outage loses no request
            log.warning("could not record a request id; handling it anyway")
            return True

    async def _route(self, inbound: Inbound, command: Intent | None) -> list[Reply]:
        """`command`: the parsed slash command, for a COMMAND."""
        if inbound.kind is Kind.ACTION:
            handler = self._actions.get(inbound.action.name if inbound.action else "")
            if handler is None:
                return [Reply("That button has expired. Type /deescalate to start again.")]
            self._count(inbound, ACTION_FEATURES.get(inbound.action.name if inbound.action else ""))
            return await handler(self.services, inbound)
        if command is not None:
            return await self._dispatch(inbound, command)
        if not inbound.is_dm:
            return []  # the bot only speaks in channels when asked with the command
        started, rest = strip_command(inbound.text)
        if started or is_command_word(rest):
            return await self._dispatch(inbound, parse(rest))
        if not rest:
            return []
        return await self._dispatch(inbound, Intent("rewrite", rest))

    async def _dispatch(self, inbound: Inbound, intent: Intent) -> list[Reply]:
        if intent.name == "unknown":
            return [helptext.unknown_reply(intent)]
        feature = FEATURE_OF.get(intent.name)
        if feature and not getattr(self.services.config.settings.features, feature):
            return [
                Reply(f"The {feature} feature is switched off here. Type /deescalate help to see what is on.")
            ]
        self._count(inbound, feature)
        return await self._commands[intent.name](self.services, inbound, intent.args)

    def _count(self, inbound: Inbound, feature: str | None) -> None:
        """One use of a feature, for aggregate figures (buffered in memory: no database write here); once per
        replay key for a read-only answer that nobody claimed."""
        if not feature:
            return
        now = self.services.clock.now()
        self.services.store.usage.add(inbound.who, feature, now, once=inbound.replay_key)

    async def _on_command_button(self, services: Services, inbound: Inbound) -> list[Reply]:
        return await self._dispatch(inbound, parse(inbound.action.value if inbound.action else ""))


def _command_of(inbound: Inbound) -> Intent | None:
    """What a slash command asks for; None for anything else."""
    return parse(strip_command(inbound.text)[1]) if inbound.kind is Kind.COMMAND else None


def _read_only(command: Intent | None) -> bool:
    return command is not None and command.name in READ_ONLY_COMMANDS
