"""Benchmark: signed /deescalate over loopback at concurrency 20, full handler vs a bare ack-only Bolt app.

Each server runs in its own process (the load generator in this one), on an ephemeral port:
- full: `deescalate serve`'s aiohttp app with the Slack mount (strict signature check, replay claim in the
  database, Bolt, Bot.handle -> situation picker rendered into the ack), SQLite, a fake Slack Web API;
- bare: a Bolt AsyncApp with Bolt's own signature check whose listener only calls ack(), same aiohttp glue.
Both servers run at once and are loaded in turns, round after round, so a burst of other load or of CPU
steal hits both alike. The headline ratio is of the median rounds (the best rounds' ratio is shown too).
Targets: full/bare req/s >= 0.8 and full p99 ack latency <= 50 ms.

    .venv/bin/python bench/slack_http.py [--requests 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.slack.security import sign  # noqa: E402
from tests.scale.serve import free_port, wait_ready  # noqa: E402

SECRET = "bench-signing-secret"
CONCURRENCY = 20
ROUNDS = 5  # turns each server gets (req/s is the median round's)


# ---- servers (child processes) ------------------------------------------------------------------------


async def serve_full(port: int) -> None:
    from aiohttp import web

    from adapters.server import build_app, platform_mounts, settle_heap
    from bot import runtime
    from bot.settings import load_config
    from tests.fakes.slack_api import FakeSlackApi

    fake = await FakeSlackApi().start()
    os.environ.update(
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_BOT_TOKEN="xoxb-bench",
        DEESCALATE_SLACK__API_BASE_URL=fake.base_url,
        DEESCALATE_DATABASE_URL=f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db",
    )
    config = load_config()
    bot, store = await runtime.start(config)
    app = build_app(bot, store, platform_mounts(config, bot, store))
    settle_heap()  # as `deescalate serve` does
    await _run(web.AppRunner(app), port)


async def serve_bare(port: int) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from tests.fakes.slack_api import FakeSlackApi

    fake = await FakeSlackApi().start()
    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=fake.base_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @bolt.command("/deescalate")
    async def only_ack(ack: Any) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/readyz", lambda _r: _ok())
    await _run(web.AppRunner(app), port)


async def _ok() -> Any:
    from aiohttp import web

    return web.json_response({"status": "ready"})


async def _run(runner: Any, port: int) -> None:
    from aiohttp import web

    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


# ---- load generator -----------------------------------------------------------------------------------


def signed(n: int) -> tuple[bytes, dict[str, str]]:
    form = {
        "team_id": "T0001",
        "channel_id": "C1",
        "user_id": f"U{n % 50}",
        "command": "/deescalate",
        "text": "",
        "response_url": "http://127.0.0.1:9/unused",
        "trigger_id": f"{n}.1.2",
    }
    body = urlencode(form).encode()
    stamp = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(SECRET, stamp, body),
    }


async def load(url: str, requests: int) -> tuple[float, list[float], int]:
    """Send `requests` signed commands, 20 at a time: (req/s, latencies in ms, errors)."""
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            for n in queue:
                body, headers = signed(n)
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    errors += response.status != 200
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


async def start(kind: str) -> tuple[Any, str]:
    """One server process; its /slack/events URL once it is ready."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", kind, "--port", str(port), stderr=asyncio.subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    await wait_ready(base, lambda: proc.returncode)
    return proc, f"{base}/slack/events"


def summary(rates: list[float], latencies: list[float], errors: int) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "rps": statistics.median(rates),
        "rps_best_round": max(rates),
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "errors": errors,
    }


async def bench(requests: int) -> dict[str, dict[str, float]]:
    """Both servers up at once, loaded in turns, round after round, so a burst of load (or CPU steal) on
    this shared machine hits both alike."""
    servers = {kind: await start(kind) for kind in ("full", "bare")}
    rates: dict[str, list[float]] = {kind: [] for kind in servers}
    latencies: dict[str, list[float]] = {kind: [] for kind in servers}
    errors = dict.fromkeys(servers, 0)
    try:
        for _, url in servers.values():
            await load(url, 200)  # warm-up
        for _ in range(ROUNDS):
            for kind, (_, url) in servers.items():
                rps, took, failed = await load(url, requests // ROUNDS)
                rates[kind].append(rps)
                latencies[kind] += took
                errors[kind] += failed
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            await proc.wait()
    return {kind: summary(rates[kind], latencies[kind], errors[kind]) for kind in servers}


async def main(requests: int) -> None:
    results = await bench(requests)
    full, bare = results["full"], results["bare"]
    ratio = full["rps"] / bare["rps"]
    best_ratio = full["rps_best_round"] / bare["rps_best_round"]
    print(
        f"signed /deescalate, {requests} requests each in {ROUNDS} rounds taken in turns, concurrency "
        f"{CONCURRENCY}, loopback, {os.cpu_count()} cores"
    )
    print(f"{'handler':<8} {'req/s':>8} {'best':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in (("full", full), ("bare", bare)):
        print(
            f"{name:<8} {row['rps']:>8.0f} {row['rps_best_round']:>8.0f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>7.0f}"
        )
    verdict = {"ratio_ok": ratio >= 0.8, "p99_ok": full["p99_ms"] <= 50}
    print(
        f"ratio full/bare: {ratio:.2f} median rounds, {best_ratio:.2f} best rounds (target >= 0.8); "
        f"full p99 {full['p99_ms']:.1f} ms (target <= 50)"
    )
    print(
        json.dumps(
            {
                "bench": "slack_http",
                "requests": requests,
                "rounds": ROUNDS,
                "concurrency": CONCURRENCY,
                "full": full,
                "bare": bare,
                "ratio": round(ratio, 3),
                "ratio_best_rounds": round(best_ratio, 3),
                **verdict,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--serve", choices=["full", "bare"])
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve_full(args.port) if args.serve == "full" else serve_bare(args.port))
    else:
        asyncio.run(main(args.requests))
