"""A malformed playbook is reported with its file, the path inside the document and the problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import PlaybookError
from bot.playbooks import load_library
from tests.conftest import PLAYBOOKS


def broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, target)
    path = target / "situations" / "angry-with-me.yaml"
    path.write_text(path.read_text().replace("phase: during", "phase: sometime", 1))
    lesson = target / "lessons" / "listen-first.yaml"
    lesson.write_text(lesson.read_text().replace("      correct: true\n", "", 1))
    (target / "mediation" / "bad.yaml").write_text("id: [unclosed\n")
    return target


def test_the_real_content_loads() -> None:
    library = load_library(PLAYBOOKS)
    assert library.checklists and library.lessons and library.guides


def test_every_problem_is_listed(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_library(broken_copy(tmp_path))
    problems = caught.value.problems
    assert any("angry-with-me.yaml: steps." in p and ".phase: Input should be" in p for p in problems)
    assert any("listen-first.yaml: quiz: " in p and "exactly one option" in p for p in problems)
    assert any("bad.yaml: not valid YAML" in p for p in problems)


def test_unknown_references_are_reported(tmp_path: Path) -> None:
    target = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, target)
    lesson = target / "lessons" / "listen-first.yaml"
    lesson.write_text(lesson.read_text().replace("skill: active_listening", "skill: telepathy"))
    with pytest.raises(PlaybookError) as caught:
        load_library(target)
    assert any("listen-first.yaml: skill: 'telepathy' is not defined" in p for p in caught.value.problems)


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    def validate(directory: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "adapters.cli", "playbooks", "validate", str(directory)],
            capture_output=True,
            text=True,
            timeout=60,
        )

    good = validate(PLAYBOOKS)
    assert good.returncode == 0 and good.stdout.startswith("ok:")
    bad = validate(broken_copy(tmp_path))
    assert bad.returncode == 2
    assert "angry-with-me.yaml: steps." in bad.stderr and "Traceback" not in bad.stderr
