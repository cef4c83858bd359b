"""A broken copy of the library must fail loudly: one PlaybookError naming file, field path and problem."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.errors import PlaybookError
from bot.playbooks import load_library

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


def _edit(path: Path, change: Any) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _broken_copy(tmp_path: Path) -> Path:
    root = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, root)

    def bad_level(d: dict[str, Any]) -> None:
        d["level"] = "expert"

    def missing_why(d: dict[str, Any]) -> None:
        del d["steps"][1]["why"]

    def two_correct(d: dict[str, Any]) -> None:
        for option in d["quiz"]["options"]:
            option["correct"] = True

    def unknown_prerequisite(d: dict[str, Any]) -> None:
        d["prerequisites"] = ["no-such-lesson"]

    _edit(root / "lessons" / "listen-first.yaml", bad_level)
    _edit(root / "situations" / "angry-with-me.yaml", missing_why)
    _edit(root / "lessons" / "open-questions.yaml", two_correct)
    _edit(root / "lessons" / "say-it-back.yaml", unknown_prerequisite)
    return root


def _problem(problems: list[str], file_part: str, field: str) -> str:
    found = [p for p in problems if file_part in p and f": {field}:" in p]
    assert found, f"no problem for {file_part} {field} in {problems}"
    return found[0]


def test_broken_copy_lists_every_problem_with_file_field_and_reason(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path)
    with pytest.raises(PlaybookError) as caught:
        load_library(root)
    problems = caught.value.problems
    level = _problem(problems, str(root / "lessons" / "listen-first.yaml"), "level")
    assert "foundation" in level  # says what is allowed
    why = _problem(problems, str(root / "situations" / "angry-with-me.yaml"), "steps.1.why")
    assert "required" in why.lower()
    quiz = _problem(problems, str(root / "lessons" / "open-questions.yaml"), "quiz")
    assert "exactly one option" in quiz
    pre = _problem(problems, str(root / "lessons" / "say-it-back.yaml"), "prerequisites.0")
    assert "'no-such-lesson' is not defined" in pre
    assert str(root) in str(caught.value)


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    root = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, root)
    shutil.copy(root / "lessons" / "listen-first.yaml", root / "lessons" / "listen-first-copy.yaml")

    def new_order(d: dict[str, Any]) -> None:
        d["order"] = 999

    _edit(root / "lessons" / "listen-first-copy.yaml", new_order)
    with pytest.raises(PlaybookError) as caught:
        load_library(root)
    dupes = [p for p in caught.value.problems if "already used" in p]
    assert len(dupes) == 1
    assert "listen-first-copy.yaml" in dupes[0] and "listen-first.yaml" in dupes[0]


def test_unknown_setting_in_a_setting_example_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, root)

    def bad_setting(d: dict[str, Any]) -> None:
        d["steps"][1]["say_by_setting"] = {"space_station": "Hello."}

    _edit(root / "situations" / "about-to-reply.yaml", bad_setting)
    with pytest.raises(PlaybookError) as caught:
        load_library(root)
    found = _problem(caught.value.problems, "about-to-reply.yaml", "steps.1.say_by_setting")
    assert "'space_station' is not defined" in found
