"""`deescalate analyze` and `deescalate rewrite` as a person or a script would run them."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.tone import MAX_CHARS


def deescalate(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args], input=stdin, capture_output=True, timeout=120
    )


def test_analyze_explains_the_signals() -> None:
    result = deescalate("analyze", "You ALWAYS ignore my emails. This is ridiculous!!!")
    out = result.stdout.decode()
    assert result.returncode == 0 and out.startswith("tension ") and "(heated)" in out
    assert "ridiculous" in out and "Try:" in out


def test_rewrite_json_lines_echo_keys_and_survive_bad_lines() -> None:
    lines = [
        b'{"text": "why is this STILL broken??", "id": 7}',
        b"not json",
        b'{"no_text": 1}',
        b'{"text": "thanks, see you at 3pm"}',
        b'{"text": "I want to kill myself"}',
        b'{"text": "' + b"x" * (MAX_CHARS + 1) + b'", "id": 9}',
        b'{"text": "caf\xc3\xa9 \xff\xfe broken"}',
    ]
    result = deescalate("rewrite", "--json", stdin=b"\n".join(lines) + b"\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    first = out[0]
    assert first["id"] == 7 and first["text"].endswith("?") and first["engine"] == "offline"
    assert set(first) >= {"text", "style", "engine", "tension_before", "tension_after", "changes", "safety"}
    assert first["tension_after"] < first["tension_before"]
    assert "error" in out[1] and "error" in out[2]
    assert out[3]["changes"] == [] and out[3]["text"] == "thanks, see you at 3pm"
    assert out[4]["safety"] == {"kind": "self_harm"}
    assert out[5]["id"] == 9 and "error" in out[5]
    assert "text" in out[6]


def test_analyze_json_lines_shape() -> None:
    result = deescalate("analyze", "--json", stdin=b'{"text": "Per my last email, this is NOT ok"}\n')
    [row] = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert set(row) == {"tension", "level", "signals", "safety"}
    assert row["signals"] and {"kind", "start", "end", "text", "why", "suggestion"} <= set(row["signals"][0])


def test_over_long_text_is_a_clear_error() -> None:
    result = deescalate("analyze", "x" * (MAX_CHARS + 1))
    assert result.returncode == 1 and b"Traceback" not in result.stderr and result.stderr
