"""`deescalate analyze` and `deescalate rewrite`: the tone engine from the command line.

With --json and no TEXT, each input line is a JSON object {"text": ...} (other keys are echoed back) and
each output line is one JSON object; a line that is not valid JSON gets {"error": ...} and the run goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Callable, Coroutine
from dataclasses import asdict
from typing import Any

from bot.errors import InputError
from bot.runtime import build_rewriter, load_content
from bot.settings import load_config
from bot.tone import STYLES, RewriteResult, SafetyHit, ToneReport

Handler = Callable[[str], Coroutine[Any, Any, dict[str, Any]]]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analyze = sub.add_parser("analyze", help="how tense a message reads, and why")
    analyze.add_argument("text", nargs="?", help="the message (omit with --json to read JSON lines)")
    analyze.add_argument("--json", action="store_true", help="JSON output; JSON lines on stdin without TEXT")
    analyze.set_defaults(func=analyze_command)
    rewrite = sub.add_parser("rewrite", help="a calmer version of a draft that keeps what it says")
    rewrite.add_argument("text", nargs="?", help="the draft (omit with --json to read JSON lines)")
    rewrite.add_argument(
        "--style", choices=STYLES, default="calm", help="calm (default), warm, concise, coach"
    )
    rewrite.add_argument("--json", action="store_true", help="JSON output; JSON lines on stdin without TEXT")
    rewrite.set_defaults(func=rewrite_command)


def analyze_command(args: argparse.Namespace) -> int:
    engine = load_content(load_config().playbooks_dir)[1]

    async def handle(text: str) -> dict[str, Any]:
        return report_json(engine.analyse(text))

    return _run(args, handle, _analysis_text)


def rewrite_command(args: argparse.Namespace) -> int:
    config = load_config()
    rewriter = build_rewriter(config, load_content(config.playbooks_dir)[1])

    async def handle(text: str) -> dict[str, Any]:
        return rewrite_json(await rewriter.rewrite(text, args.style))

    return _run(args, handle, _rewrite_text)


def report_json(report: ToneReport) -> dict[str, Any]:
    return {
        "tension": round(report.tension, 3),
        "level": report.level,
        "signals": [asdict(s) for s in report.signals],
        "safety": _safety(report.safety),
    }


def rewrite_json(result: RewriteResult) -> dict[str, Any]:
    return {
        "text": result.text,
        "style": result.style,
        "engine": result.engine,
        "tension_before": round(result.tension_before, 3),
        "tension_after": round(result.tension_after, 3),
        "changes": [asdict(c) for c in result.changes],
        "notes": list(result.notes),
        "safety": _safety(result.safety),
    }


def _safety(hit: SafetyHit | None) -> dict[str, str] | None:
    return {"kind": hit.kind} if hit else None


def _run(args: argparse.Namespace, handle: Handler, readable: Callable[[dict[str, Any]], str]) -> int:
    if args.json and args.text is None:
        asyncio.run(_json_lines(handle))
        return 0
    text = args.text if args.text is not None else sys.stdin.read()
    try:
        out = asyncio.run(handle(text))
    except InputError as exc:
        print(f"deescalate: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(out, ensure_ascii=False) if args.json else readable(out))
    return 0


async def _json_lines(handle: Handler) -> None:
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")  # odd bytes never crash
    for line in stdin:
        if line.strip():
            print(json.dumps(await _one_line(line, handle), ensure_ascii=False), flush=True)


async def _one_line(line: str, handle: Handler) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"not valid JSON: {exc.msg}"}
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        return {"error": 'each line must be a JSON object with a "text" string'}
    echoed = {k: v for k, v in request.items() if k != "text"}
    try:
        return {**echoed, **await handle(request["text"])}
    except InputError as exc:
        return {**echoed, "error": str(exc)}


def _analysis_text(out: dict[str, Any]) -> str:
    lines = [f"tension {out['tension']:.2f} ({out['level']})"]
    if out["safety"]:
        lines.append(f"safety route: {out['safety']['kind']} (the bot answers with support contacts first)")
    lines += [f"- {s['kind']}: “{s['text']}”: {s['why']} Try: {s['suggestion']}" for s in out["signals"]]
    return "\n".join(lines)


def _rewrite_text(out: dict[str, Any]) -> str:
    lines = [
        out["text"],
        "",
        f"[{out['style']}, engine {out['engine']}, tension "
        f"{out['tension_before']:.2f} -> {out['tension_after']:.2f}]",
    ]
    lines += [f"- “{c['before']}” -> “{c['after']}”: {c['why']}" for c in out["changes"]]
    lines += [f"* {n}" for n in out["notes"]]
    return "\n".join(lines)
