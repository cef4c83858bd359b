"""The console adapter: a chat with the bot on a terminal, or scripted one message per line."""

from __future__ import annotations

import asyncio
import getpass
import sys
from dataclasses import dataclass, field
from typing import Any

from adapters.console.render import Rendered, render
from bot.core import Bot
from bot.model import Form, Inbound, InputField, Kind

PLATFORM = "console"
GREETING = (
    "De-escalation coach (console). Type /deescalate for a checklist, paste a draft to calm it down, "
    "'help' for everything else, or 'quit'. Type a number to pick an option or tick an item."
)


@dataclass
class ChatSession:
    """One person's conversation: turns typed lines into Inbound and remembers the numbered actions."""

    bot: Bot
    user: str = field(default_factory=getpass.getuser)
    last: Rendered | None = None  # the last reply with numbered options
    _form: Form | None = None
    _answers: dict[str, str] = field(default_factory=dict)

    async def say(self, line: str) -> list[str]:
        """Handle one typed line; return what to print."""
        line = line.strip()
        if self._form is not None:
            return await self._answer(line)
        inbound = self._inbound(line)
        if inbound is None:
            return [f"There is no option {line}. Pick a number from the last message, or type help."]
        return await self._deliver(inbound)

    def prompt(self) -> str:
        """The question to show next, when a form is being filled in."""
        field_ = self._next_field()
        if field_ is None:
            return ""
        options = "".join(f"\n  {i}) {o.label}" for i, o in enumerate(field_.options, 1))
        skip = " (optional: press Enter to skip)" if field_.optional else ""
        return f"{field_.label}{skip}{options}"

    def _inbound(self, line: str) -> Inbound | None:
        if line.isdigit() and self.last is not None:
            index = int(line) - 1
            if not 0 <= index < len(self.last.actions):
                return None
            return self._make(Kind.ACTION, action=self.last.actions[index], source_message="last")
        return self._make(Kind.COMMAND if line.lower().startswith("/deescalate") else Kind.MESSAGE, text=line)

    def _make(self, kind: Kind, **fields: Any) -> Inbound:
        return Inbound(PLATFORM, "local", self.user, "console", True, kind, **fields)

    async def _deliver(self, inbound: Inbound) -> list[str]:
        replies = await self.bot.handle(inbound)
        printed = []
        for reply in replies:
            rendered = render(reply)
            if reply.to is not None and reply.to.user != self.user:
                printed.append(
                    f"[sent privately to {reply.to.user}; only they can answer it]\n{rendered.text}"
                )
                continue
            printed.append(rendered.text)
            if rendered.actions or rendered.form:
                self.last = rendered
            if rendered.form is not None:
                self._form, self._answers = rendered.form, {}
                printed.append(self.prompt())
        return printed

    async def _answer(self, line: str) -> list[str]:
        assert self._form is not None
        field_ = self._next_field()
        assert field_ is not None
        value = _pick(field_, line)
        if value is None:
            return [f"Please answer with a number from 1 to {len(field_.options)}.", self.prompt()]
        if not value and not field_.optional:
            return ["This one needs an answer.", self.prompt()]
        self._answers[field_.id] = value
        if self._next_field() is not None:
            return [self.prompt()]
        form, answers = self._form, self._answers
        self._form, self._answers = None, {}
        return await self._deliver(self._make(Kind.ACTION, action=form.submit, form=answers))

    def _next_field(self) -> InputField | None:
        if self._form is None:
            return None
        return next((f for f in self._form.fields if f.id not in self._answers), None)


def _pick(field_: InputField, line: str) -> str | None:
    if not field_.options:
        return line
    if not line and field_.optional:
        return ""
    if line.isdigit() and 1 <= int(line) <= len(field_.options):
        return field_.options[int(line) - 1].value
    return None


async def run_chat(bot: Bot) -> None:
    """Run until end of input or 'quit'. On a terminal it prompts; piped, it prints replies only."""
    interactive = sys.stdin.isatty()
    session = ChatSession(bot)
    if interactive:
        print(GREETING)
    while True:
        line = await asyncio.to_thread(_read_line, "you> " if interactive else "")
        if line is None or line.strip().lower() in {"quit", "exit"}:
            return
        if not line.strip() and session.prompt() == "":
            continue
        for text in await session.say(line):
            print(text)


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
