#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 dev.py run [ARGS...]   create/reuse .venv, install, then `deescalate ARGS` (default: chat)
    python3 dev.py test [ARGS...]  create/reuse .venv, install, then ruff, mypy --strict and pytest ARGS

The install is redone only when pyproject.toml changes. Set-up chatter goes to stderr, so a piped
`run` prints nothing but the bot's replies.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_environment() -> None:
    if not (BIN / "python").exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("installing the project and its dependencies into .venv ...", file=sys.stderr)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, stdout=sys.stderr)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True, stdout=sys.stderr)
    STAMP.write_text(wanted)


def run(args: list[str]) -> int:
    return subprocess.call([str(BIN / "deescalate"), *(args or ["chat"])], cwd=ROOT)


def test(args: list[str]) -> int:
    steps = [
        [str(BIN / "ruff"), "check", "bot", "adapters", "tests", "bench", "dev.py"],
        [str(BIN / "mypy")],  # packages and --strict come from pyproject.toml
        [str(BIN / "python"), "-m", "pytest", *args],
    ]
    for step in steps:
        print(f"$ {' '.join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step))}", flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            print(f"failed: {Path(step[0]).name} exited with {code}", file=sys.stderr)
            return code
    return 0


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run (and explain itself) on any Python 3
        print(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_environment()
    return (run if sys.argv[1] == "run" else test)(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
