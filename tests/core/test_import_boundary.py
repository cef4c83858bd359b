"""The core must stay platform-neutral: nothing under bot/ may import a platform SDK or aiohttp."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
FORBIDDEN = {"slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp"}


def platform_imports(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found += [
                f"{path.relative_to(root.parent)}:{node.lineno} imports {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN
            ]
    return found


def test_core_imports_no_platform_sdk() -> None:
    assert platform_imports(BOT) == []


def test_the_scan_catches_an_import(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "leak.py").write_text("import os\nfrom slack_bolt.async_app import AsyncApp\n")
    assert platform_imports(tmp_path / "bot") == ["bot/leak.py:2 imports slack_bolt.async_app"]
