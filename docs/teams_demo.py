"""Demonstrate the Teams adapter end to end on this machine, with no Microsoft service involved.

    .venv/bin/python docs/teams_demo.py

1. `deescalate serve --dev` (no app id) answers a personal-chat message posted to /api/messages with an
   Adaptive Card delivered to a local fake Bot Connector (the activity's serviceUrl).
2. The extension's submitAction returns a rewrite, timed.
3. With TEAMS_APP_ID set, `Authorization: Bearer garbage` gets 401.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fakes.connector import FakeConnector  # noqa: E402
from tests.scale.serve import free_port, wait_ready  # noqa: E402

PAYLOADS = REPO / "tests" / "payloads" / "teams"
CLI = REPO / ".venv" / "bin" / "deescalate"


def activity(name: str, service_url: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return {**data, "serviceUrl": service_url, "id": f"{data['id']}-{time.time_ns()}", **changes}


def start_server(port: int, db: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "DEESCALATE_"))}
    clean.update(DEESCALATE_STORAGE__URL=f"sqlite+aiosqlite:///{db}", **env)
    command = [str(CLI), "serve", "--port", str(port), *args]
    print("$", " ".join(["deescalate", "serve", "--port", str(port), *args]), *(f"[{k}=...]" for k in env))
    return subprocess.Popen(command, env=clean, cwd=REPO)


async def dev_demo(session: aiohttp.ClientSession, connector: FakeConnector, db: Path) -> None:
    port = free_port()
    server = start_server(port, db, "--dev")
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base, server.poll)
        message = activity("personal_message", connector.url, text="deescalate")
        async with session.post(f"{base}/api/messages", json=message) as response:
            print(f"POST /api/messages (personal chat: 'deescalate') -> {response.status}")
        call = connector.calls[-1]
        card = connector.cards()[-1]
        buttons = [a["title"] for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
        print(f"fake connector received: {call.method} {call.path[:60]}...")
        print(f"  an Adaptive Card {card['version']}: {card['body'][0]['text']!r}, buttons {buttons}")
        submit = activity("submit_action", connector.url)
        started = time.monotonic()
        async with session.post(f"{base}/api/messages", json=submit) as response:
            body = await response.json()
            elapsed = time.monotonic() - started
        content = body["task"]["value"]["card"]["content"]
        calm = next(e["value"] for e in content["body"] if e.get("id") == "calm")
        print(f"extension submitAction -> {response.status} in {elapsed:.2f} s (limit 5 s)")
        print(f"  draft:   {submit['value']['data']['draft']!r}")
        print(f"  rewrite: {calm!r}")
    finally:
        server.terminate()
        server.wait(10)


async def secured_demo(session: aiohttp.ClientSession, connector: FakeConnector, db: Path) -> None:
    port = free_port()
    ids = {"TEAMS_APP_ID": "00000000-0000-0000-0000-000000000001", "TEAMS_APP_PASSWORD": "demo"}
    server = start_server(port, db, **ids)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base, server.poll)
        message = activity("personal_message", connector.url, text="help")
        headers = {"Authorization": "Bearer garbage"}
        async with session.post(f"{base}/api/messages", json=message, headers=headers) as response:
            print(f"POST /api/messages with 'Authorization: Bearer garbage' -> {response.status}")
        async with session.post(f"{base}/api/messages", json=message) as response:
            print(f"POST /api/messages with no Authorization header -> {response.status}")
    finally:
        server.terminate()
        server.wait(10)


async def main() -> None:
    connector = await FakeConnector().start()
    print(f"fake Bot Connector listening at {connector.url}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with aiohttp.ClientSession() as session:
                await dev_demo(session, connector, Path(tmp) / "demo.db")
                await secured_demo(session, connector, Path(tmp) / "demo.db")
    finally:
        await connector.close()


if __name__ == "__main__":
    asyncio.run(main())
