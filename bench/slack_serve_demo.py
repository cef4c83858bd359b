"""Demo: `deescalate serve` with Slack configured against a local fake Web API.

Starts the fake Slack API (tests/fakes/slack_api.py) on a free port, runs `deescalate serve` as a child
process with SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and DEESCALATE_SLACK__API_BASE_URL set, then sends a
signed /deescalate (answered with the situation picker) and a forged one (401).

    .venv/bin/python bench/slack_serve_demo.py
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.slack.security import sign  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402
from tests.scale.serve import free_port, wait_ready  # noqa: E402

SECRET = "demo-signing-secret"


async def main() -> None:
    fake = await FakeSlackApi().start()
    port = free_port()
    data = tempfile.mkdtemp()
    env = {
        **os.environ,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-demo",
        "DEESCALATE_SLACK__API_BASE_URL": fake.base_url,
        "DEESCALATE_DATABASE_URL": f"sqlite+aiosqlite:///{data}/demo.db",
    }
    print(
        f"$ SLACK_SIGNING_SECRET=... SLACK_BOT_TOKEN=xoxb-... "
        f"DEESCALATE_SLACK__API_BASE_URL={fake.base_url} \\"
    )
    print(f"  deescalate serve --port {port}")
    proc = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "deescalate"), "serve", "--port", str(port), env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await wait_ready(url, lambda: proc.returncode)
            form = {
                "team_id": "T0001",
                "channel_id": "C1",
                "user_id": "U1",
                "command": "/deescalate",
                "text": "",
                "response_url": fake.response_url(),
                "trigger_id": "1.2.3",
            }
            body = urlencode(form).encode()
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
            }
            started = time.perf_counter()
            async with session.post(
                f"{url}/slack/events",
                data=body,
                headers={**headers, "X-Slack-Signature": sign(SECRET, stamp, body)},
            ) as r:
                answer = await r.json()
                took = (time.perf_counter() - started) * 1000
                buttons = [
                    e["text"]["text"]
                    for b in answer["blocks"]
                    if b["type"] == "actions"
                    for e in b["elements"]
                ]
                print(
                    f"signed /deescalate -> {r.status} in {took:.0f} ms, "
                    f"response_type={answer['response_type']}"
                )
                print(f"  header: {answer['blocks'][0]['text']['text']!r}")
                print(f"  situation picker: {json.dumps(buttons)}")
            forged = sign("wrong-secret", stamp, body)
            async with session.post(
                f"{url}/slack/events", data=body, headers={**headers, "X-Slack-Signature": forged}
            ) as r:
                print(f"forged /deescalate -> {r.status} {await r.text()!r}")
            print(f"fake Slack API calls: {fake.methods()}")
    finally:
        proc.terminate()
        await proc.wait()
        await fake.close()


if __name__ == "__main__":
    asyncio.run(main())
