"""`deescalate lesson`: print the lesson a given person would get next, or one lesson by id."""

from __future__ import annotations

import argparse
import asyncio

from adapters.console.render import render
from bot import runtime
from bot.errors import InputError
from bot.model import UserRef
from bot.scheduling.cards import lesson_reply
from bot.scheduling.status import person_today, pick_for
from bot.settings import load_config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lesson = sub.add_parser("lesson", help="print the lesson a person would get next (nothing is recorded)")
    lesson.add_argument("--platform", default="console", help="platform of the person (slack, teams, ...)")
    lesson.add_argument("--workspace", default="local", help="Slack team id or Teams tenant id")
    lesson.add_argument("--user", default="me", help="the person's platform user id")
    lesson.add_argument("--id", dest="lesson_id", help="print this lesson instead")
    lesson.set_defaults(func=lesson_command)


def lesson_command(args: argparse.Namespace) -> int:
    print(asyncio.run(lesson_text(args.platform, args.workspace, args.user, args.lesson_id)))
    return 0


async def lesson_text(platform: str, workspace: str, user: str, lesson_id: str | None) -> str:
    """The lesson as readable text: the one asked for, else the one this person would get next."""
    bot, store = await runtime.start(load_config())
    try:
        services, who = bot.services, UserRef(platform, workspace, user)
        if lesson_id:
            lesson = services.library.lesson(lesson_id)
            if lesson is None:
                raise InputError(f"no lesson with id '{lesson_id}' (see `deescalate playbooks list`)")
            return render(lesson_reply(services.library, lesson, subscribed=False)).text
        pick = await pick_for(services, who, await person_today(services, who))
        if pick is None:
            raise InputError("no lessons are installed under playbooks/lessons")
        reply = lesson_reply(services.library, pick.lesson, subscribed=False, review=pick.review)
        return render(reply).text
    finally:
        await store.close()
