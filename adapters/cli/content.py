"""`deescalate playbooks validate|list|coverage|show`: check, list and print the content."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from bot.content_text import coverage_table, item_text
from bot.playbooks import Checklist, Lesson, Library, MediationGuide, load_library
from bot.settings import load_config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    playbooks = sub.add_parser("playbooks", help="validate and list the playbook content")
    verbs = playbooks.add_subparsers(dest="verb", metavar="VERB", required=True)
    validate = verbs.add_parser("validate", help="check every playbook file; list every problem")
    validate.add_argument("directory", nargs="?", type=Path, help="playbooks folder (default: from app.yaml)")
    validate.set_defaults(func=validate_command)
    listing = verbs.add_parser("list", help="list every checklist, lesson and guide")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(func=list_command)
    coverage = verbs.add_parser("coverage", help="the settings x situations table and lesson counts")
    coverage.set_defaults(func=coverage_command)
    show = verbs.add_parser("show", help="print one checklist, lesson or guide as readable text")
    show.add_argument("id", help="the item's id (see `playbooks list`)")
    show.set_defaults(func=show_command)


def _library(directory: Path | None) -> Library:
    return load_library(directory or load_config().playbooks_dir)


def validate_command(args: argparse.Namespace) -> int:
    library = _library(args.directory)
    print(
        f"ok: {len(library.checklists)} checklists, {len(library.lessons)} lessons, "
        f"{len(library.guides)} mediation guides"
    )
    return 0


def list_command(args: argparse.Namespace) -> int:
    library = _library(None)
    for item in library.items():
        row = describe(item)
        print(json.dumps(row) if args.json else f"{row['kind']:<10} {row['id']:<36} {row['title']}")
    sys.stdout.flush()
    return 0


def coverage_command(_args: argparse.Namespace) -> int:
    print(coverage_table(_library(None)))
    return 0


def show_command(args: argparse.Namespace) -> int:
    library = _library(None)
    item = next((i for i in library.items() if i.id == args.id), None)
    if item is None:
        close = difflib.get_close_matches(args.id, [i.id for i in library.items()], n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else " See `deescalate playbooks list`."
        print(f"deescalate: no playbook item with id '{args.id}'.{hint}", file=sys.stderr)
        return 1
    print(item_text(item, library.catalog))
    return 0


def describe(item: Checklist | Lesson | MediationGuide) -> dict[str, object]:
    """The summary row `playbooks list` prints for one item."""
    if isinstance(item, Checklist):
        return {
            "kind": "checklist",
            "id": item.id,
            "title": item.title,
            "setting": item.setting,
            "skills": [],
            "steps": len(item.steps),
            "situation": item.situation,
        }
    if isinstance(item, Lesson):
        return {
            "kind": "lesson",
            "id": item.id,
            "title": item.title,
            "setting": item.setting,
            "skills": [item.skill],
            "steps": 1,
            "level": item.level,
        }
    return {
        "kind": "mediation",
        "id": item.id,
        "title": item.title,
        "setting": "management",
        "skills": ["proactive_conflict_management"],
        "steps": sum(len(p.steps) for _, p in item.phases()),
    }
