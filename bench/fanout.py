"""Benchmark: daily-lesson fan-out through the real Slack adapter, two scheduler processes, one SIGKILLed.

    .venv/bin/python bench/fanout.py [--subscribers 10000] [--workspaces 4] [--rate 100]

Setup, on a fresh PostgreSQL database (created here, dropped at the end):
- N subscribers over 24 IANA zones (UTC-11 to UTC+13, half- and quarter-hour offsets included), spread over
  W Slack workspaces (one installation and bot token each), all subscribed to weekday lessons at the local
  HH:MM of the benchmark's start instant, so everyone falls due at once. The rows are the ones
  `lessons on HH:MM` writes (same columns, next slot from `next_slot`), inserted in bulk.
- The fake Slack Web API (tests/fakes/slack_api.py) in this process, with a token bucket per bot token on
  chat.postMessage: R calls/s (burst R/10); above that it answers 429 with Retry-After, like Slack. This
  process's garbage collector is off during the run, so the fake's pauses are not counted as the bot's.
- Two scheduler instances, each its own OS process, each `Scheduler.tick()` in a loop until nothing is due,
  delivering through `SlackOutbox(clients_for(...))`: AsyncWebClient on the fake's base_url with the 429
  retry handler, tokens from the installation store. Claim lease 2 s (production: 5 min) so the survivor
  recovers the dead instance's claims quickly. Instance "alpha" is SIGKILLed once --kill-at of N were posted.

Measured from the fake's records: delivered (users with at least one chat.postMessage), duplicates (posts
beyond the first per user), missed (subscribers never posted), wall_s (first accepted post to last
accepted post), floor_s = N / (R x W), the time the rate limit alone requires. Targets: missed 0,
duplicates 0 (or only the documented crash window), wall_s <= 1.1 x floor_s. Prints a table, then a JSON line.

Options: --pace R sets lessons.sends_per_s (no learning); --inject-429 K adds K 429s (Retry-After 1 s) spread
over the run; --timeline prints posts and 429s per second and workspace; --warm runs the fan-out once, then
measures the next day's, sent by two new processes that start from the send rates learned the first day
(kept in the database), with alpha killed again (the JSON line adds the first day's figures);
--pacing-log DIR keeps each instance's log of its 429s and the paces they set (alpha.log, beta.log), timed on
the timeline's clock; --fresh-workspace (with --warm) deletes the last workspace's learned rate before the
next day, as if it had been installed overnight.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SCRIPT = str(Path(__file__).resolve())
ROOT = Path(SCRIPT).parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import Call, FakeSlackApi  # noqa: E402

PG_ADMIN = os.environ.get("DEESCALATE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 3, 4, 11, 30, tzinfo=UTC)  # a Wednesday; no zone below is near local midnight
ZONES = (
    "Pacific/Pago_Pago",  # -11
    "Pacific/Honolulu",  # -10
    "Pacific/Marquesas",  # -9:30
    "America/Anchorage",  # -9
    "America/Los_Angeles",  # -8
    "America/Denver",  # -7
    "America/Chicago",  # -6
    "America/New_York",  # -5
    "America/Halifax",  # -4
    "America/St_Johns",  # -3:30
    "America/Sao_Paulo",  # -3
    "Atlantic/Azores",  # -1
    "Europe/London",  # 0
    "Europe/Paris",  # +1
    "Africa/Cairo",  # +2
    "Asia/Tehran",  # +3:30
    "Asia/Dubai",  # +4
    "Asia/Kolkata",  # +5:30
    "Asia/Kathmandu",  # +5:45
    "Asia/Bangkok",  # +7
    "Asia/Tokyo",  # +9
    "Australia/Adelaide",  # +10:30 (summer time)
    "Australia/Sydney",  # +11 (summer time)
    "Pacific/Auckland",  # +13 (summer time)
)
POST = "chat.postMessage"


@dataclass(frozen=True)
class Plan:
    """The benchmark's parameters, shared by the parent and both instances."""

    subscribers: int
    workspaces: int
    rate: float
    lease_s: float
    kill_at: float
    concurrency: int
    max_in_flight: int
    pace: float | None
    every_s: float
    inject_429: int = 0  # extra 429s (Retry-After 1 s) spread over the run, beyond the rate limit's
    timeline: bool = False  # print accepted posts and 429s per second and workspace
    warm: bool = False  # measure the next day's fan-out, by new instances, after a first one (unmeasured)
    fresh: bool = False  # with warm: the next day, the last workspace has no learned pace (newly installed)
    pacing_log: str | None = None  # keep each instance's log of its pace decisions in this folder

    @property
    def floor_s(self) -> float:
        return self.subscribers / (self.rate * self.workspaces)


class OffsetClock:
    """Wall time shifted so that `epoch` (a time.time() value) reads as START: the same in every process."""

    def __init__(self, epoch: float) -> None:
        self.epoch = epoch

    def now(self) -> datetime:
        return START + timedelta(seconds=time.time() - self.epoch)


# ---- database: create, seed, inspect, drop --------------------------------------------------------------


def db_url(name: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def subscription_rows(plan: Plan) -> list[dict[str, Any]]:
    """What `lessons on HH:MM` stores for each person: due at START in their own zone, weekdays only."""
    from bot.scheduling.times import next_slot

    slots = {}
    for name in ZONES:
        tz = ZoneInfo(name)
        hhmm = START.astimezone(tz).strftime("%H:%M")
        day, at = next_slot(START, hhmm, tz, weekdays_only=True)
        assert at == START, (name, at)
        slots[name] = (hhmm, day, at)
    rows = []
    for i in range(plan.subscribers):
        name = ZONES[i % len(ZONES)]
        hhmm, day, at = slots[name]
        rows.append(
            {
                **{"platform": "slack", "workspace": workspace(i, plan), "user_id": user(i)},
                **{"active": True, "paused": False, "local_time": hhmm, "timezone": name},
                **{"timezone_chosen": False, "weekdays_only": True, "next_local_date": day},
                **{"next_due_at": at, "updated_at": START - timedelta(days=1)},
            }
        )
    return rows


def workspace(i: int, plan: Plan) -> str:
    return f"T{i % plan.workspaces:03d}"


def user(i: int) -> str:
    return f"U{i:06d}"


async def seed(url: str, plan: Plan) -> None:
    """Migrate, install the app in W workspaces (one bot token each), and subscribe everyone."""
    from slack_sdk.oauth.installation_store.models.installation import Installation
    from sqlalchemy import insert

    from adapters.slack.installations import SqlInstallationStore
    from bot.store import SqlStore
    from bot.store.tables import LessonSubscription

    store = SqlStore.open(url, OffsetClock(time.time()))
    try:
        await store.migrate()
        installations = SqlInstallationStore(store.engine)
        for w in range(plan.workspaces):
            team = f"T{w:03d}"
            await installations.async_save(
                Installation(
                    app_id="ABENCH",
                    team_id=team,
                    user_id="UINSTALLER",
                    bot_token=f"xoxb-bench-{team}",
                    bot_id="BBENCH",
                    bot_user_id="UBOT",
                )
            )
        async with store.engine.begin() as conn:
            await conn.execute(insert(LessonSubscription), subscription_rows(plan))
    finally:
        await store.close()


async def fetch(url: str, sql: str) -> list[Any]:
    """The rows of one query on the benchmark's database."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def delivery_states(url: str) -> Counter[str]:
    """How many lesson_deliveries rows end in each status."""
    rows = await fetch(url, "SELECT status, count(*) AS n FROM lesson_deliveries GROUP BY status")
    return Counter({str(r["status"]): int(r["n"]) for r in rows})


# ---- one scheduler instance (a child process) ------------------------------------------------------------


def _timed(record: logging.LogRecord) -> logging.LogRecord:
    record.mono = time.monotonic()  # the fake's clock (its loop's), so a log line finds its second
    return record


async def run_instance(name: str, plan: Plan, epoch: float) -> None:
    """Tick until nothing is due, delivering through the real Slack Outbox; print the outcome counts."""
    from adapters.server import settle_heap
    from adapters.slack.app import http_session
    from adapters.slack.installations import SqlInstallationStore
    from adapters.slack.outbox import SlackOutbox, clients_for
    from bot import runtime
    from bot.scheduler import Scheduler, WorkspacePacer
    from bot.settings import load_config

    clock = OffsetClock(epoch)
    if plan.pacing_log:  # each 429 and what the pace became, timed on the fake's clock (monotonic)
        logging.basicConfig(format="%(mono).3f %(message)s", stream=sys.stderr, level=logging.WARNING)
        make_record = logging.getLogRecordFactory()
        logging.setLogRecordFactory(lambda *a, **k: _timed(make_record(*a, **k)))
        logging.getLogger("adapters.rate_limits").setLevel(logging.INFO)
    config = load_config()
    bot, store = await runtime.start(config, clock)
    settle_heap()  # as `deescalate serve` does before it starts the scheduler
    session = http_session()  # as slack_mount does: one connection pool for every send
    clients = clients_for(config, SqlInstallationStore(store.engine), session)
    outbox = SlackOutbox(clients, learn=plan.pace is None)  # as slack_mount: learn unless a pace is set
    scheduler = Scheduler(
        bot.services,
        {"slack": outbox}.get,
        clock,
        name,
        lease=timedelta(seconds=plan.lease_s),
        pacer=WorkspacePacer(plan.concurrency, plan.pace),
        max_in_flight=plan.max_in_flight,
    )
    totals: Counter[str] = Counter()
    try:
        while outcomes := await scheduler.tick():
            totals.update(str(k) for k in outcomes.elements())
            await asyncio.sleep(plan.every_s)
    finally:
        await session.close()
        await store.close()
    print(json.dumps(dict(totals)), flush=True)


# ---- the parent: fake Slack, two instances, the kill, the figures ---------------------------------------


@dataclass
class Run:
    """What the parent observed while the instances worked."""

    plan: Plan
    fake: FakeSlackApi
    started: float = 0.0  # loop time when the instances were launched
    killed_at: float | None = None  # loop time of the SIGKILL
    posted_at_kill: int = 0
    victim_ports: set[int] = field(default_factory=set)  # alpha's TCP ports just before the kill
    done: float = 0.0  # loop time when the survivor exited
    survivor: dict[str, int] = field(default_factory=dict)
    states: Counter[str] = field(default_factory=Counter)


def child_env(url: str, fake: FakeSlackApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DEESCALATE_DATABASE_URL=url, DEESCALATE_SLACK__API_BASE_URL=fake.base_url)
    return env


async def spawn(name: str, plan: Plan, epoch: float, env: dict[str, str], log: Path) -> Any:
    args = [
        *("--instance", name, "--epoch", repr(epoch), "--subscribers", str(plan.subscribers)),
        *("--workspaces", str(plan.workspaces), "--rate", str(plan.rate), "--lease", str(plan.lease_s)),
        *("--concurrency", str(plan.concurrency), "--max-in-flight", str(plan.max_in_flight)),
        *("--every", str(plan.every_s), "--kill-at", str(plan.kill_at)),
        *(("--pace", str(plan.pace)) if plan.pace else ()),
        *(("--pacing-log", plan.pacing_log) if plan.pacing_log else ()),
    ]
    with log.open("wb") as err:
        return await asyncio.create_subprocess_exec(
            sys.executable, SCRIPT, *args, env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=err
        )


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of a process's open sockets (Linux /proc), to tell its posts from others'."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def wait_stopped(pid: int) -> None:
    """Wait (a millisecond or so) until a process sent SIGSTOP is stopped: state T in /proc."""
    stat = Path(f"/proc/{pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "T":
        time.sleep(0.0002)


def posts(fake: FakeSlackApi) -> list[Call]:
    return [c for c in fake.calls if c.method == POST]


async def kill_when_due(run: Run, victim: Any) -> None:
    """SIGKILL the victim once kill_at of the subscribers have been posted to (or it ends by itself)."""
    target = int(run.plan.kill_at * run.plan.subscribers)
    seen, count = 0, 0
    while victim.returncode is None:
        calls = run.fake.calls
        count += sum(1 for c in calls[seen:] if c.method == POST)
        seen = len(calls)
        if count >= target:
            # Stopped first, so that it opens no connection between the reading of its ports and its death:
            # a post on one opened in that gap was counted as a duplicate outside the crash window.
            victim.send_signal(signal.SIGSTOP)
            wait_stopped(victim.pid)
            run.victim_ports = local_ports(victim.pid)
            victim.send_signal(signal.SIGKILL)
            run.killed_at, run.posted_at_kill = asyncio.get_running_loop().time(), count
            break
        await asyncio.sleep(0.02)
    await victim.wait()


async def inject_429s(run: Run) -> None:
    """Once posting has begun, answer one chat.postMessage with 429 (Retry-After 1 s) every floor/(n+1) s,
    as Slack may at any time, whatever the rate."""
    if not run.plan.inject_429:
        return
    await run.fake.wait_for(POST, 1, within=120)
    for _ in range(run.plan.inject_429):
        await asyncio.sleep(run.plan.floor_s / (run.plan.inject_429 + 1))
        run.fake.rate_limit(POST, times=1, retry_after=1)


async def drive(run: Run, url: str, logs: Path, day: int = 0) -> None:
    """Launch both instances (their clocks `day` days after START), kill one mid-run, and wait for the
    survivor to finish."""
    env, epoch = child_env(url, run.fake), time.time() - day * 86_400
    run.started = asyncio.get_running_loop().time()
    alpha = await spawn("alpha", run.plan, epoch, env, logs / "alpha.log")
    beta = await spawn("beta", run.plan, epoch, env, logs / "beta.log")
    limit = 30 * run.plan.floor_s + 120
    injector = asyncio.create_task(inject_429s(run))
    try:
        await asyncio.wait_for(kill_when_due(run, alpha), timeout=limit)
        out, _ = await asyncio.wait_for(beta.communicate(), timeout=limit)
    finally:
        injector.cancel()
    run.done = asyncio.get_running_loop().time()
    if beta.returncode != 0:
        raise RuntimeError(f"survivor failed ({beta.returncode}): {(logs / 'beta.log').read_text()[-2000:]}")
    run.survivor = json.loads(out.decode().strip().splitlines()[-1])
    run.states = await delivery_states(url)


def recipient(post: Call) -> str:
    """The user a post went to: its channel is their user id (or, opened first, their DM "D" + user id)."""
    channel = str(post.payload.get("channel", ""))
    return channel[1:] if channel.startswith("D") else channel


def figures(run: Run) -> dict[str, Any]:
    """The benchmark's figures, from the fake Slack API's own records."""
    plan, sent = run.plan, posts(run.fake)
    per_user = Counter(recipient(c) for c in sent)
    expected = {user(i) for i in range(plan.subscribers)}
    delivered = len(expected & per_user.keys())
    wall = sent[-1].at - sent[0].at if sent else 0.0
    # A duplicate in the crash window: the killed instance's post was accepted, its `sent` mark was not
    # committed, and the survivor sent again after the lease. Any other duplicate would be a bug.
    by_user: dict[str, list[Call]] = {}
    for c in sent:
        by_user.setdefault(recipient(c), []).append(c)
    crash_window = sum(
        len(calls) - 1
        for calls in by_user.values()
        if len(calls) == 2
        and calls[0].client_port in run.victim_ports
        and calls[1].client_port not in run.victim_ports
    )
    return {
        "subscribers": plan.subscribers,
        "delivered": delivered,
        "duplicates": sum(n - 1 for n in per_user.values() if n > 1),
        "missed": plan.subscribers - delivered,
        "wall_s": round(wall, 2),
        "floor_s": round(plan.floor_s, 2),
        "ratio": round(wall / plan.floor_s, 3),
        "start_to_done_s": round(run.done - run.started, 2),
        "killed_at": round(run.posted_at_kill / plan.subscribers, 3),
        "killed_after_s": round((run.killed_at or run.started) - (sent[0].at if sent else 0.0), 2),
        "duplicates_in_crash_window": crash_window,
        "http_429": sum(1 for c in run.fake.calls if c.method == f"429:{POST}"),
        "lease_s": plan.lease_s,
        "workspaces": plan.workspaces,
        "rate_per_workspace": plan.rate,
        "injected_429": plan.inject_429,
        "survivor": run.survivor,
        "db_states": dict(run.states),
    }


def report(result: dict[str, Any], plan: Plan) -> None:
    print(
        f"fan-out: {plan.subscribers} subscribers, {len(ZONES)} zones, {plan.workspaces} workspaces at "
        f"{plan.rate:g} msg/s each (burst {max(1.0, plan.rate / 10):g}), 2 instances "
        f"(in flight {plan.concurrency}/workspace, {plan.max_in_flight} total), lease {plan.lease_s:g} s, "
        f"alpha SIGKILLed at {result['killed_at']:.0%}, {os.cpu_count()} cores"
    )
    rows = [
        ("delivered", result["delivered"], f"of {plan.subscribers}"),
        (
            "duplicates",
            result["duplicates"],
            f"{result['duplicates_in_crash_window']} posted by alpha, then by the survivor after the kill",
        ),
        ("missed", result["missed"], "target 0"),
        ("wall_s", result["wall_s"], "first accepted post to last"),
        ("floor_s", result["floor_s"], "N / (R x W)"),
        ("wall/floor", result["ratio"], "target <= 1.1"),
        ("start_to_done_s", result["start_to_done_s"], "launch to survivor exit"),
        ("http_429", result["http_429"], f"chat.postMessage answered 429 ({plan.inject_429} injected)"),
    ]
    print(f"{'metric':<16} {'value':>10}  note")
    for name, value, note in rows:
        print(f"{name:<16} {value:>10}  {note}")
    print(f"survivor outcomes: {result['survivor']}; lesson_deliveries: {result['db_states']}")
    if plan.warm:
        day = result["first_day"]
        print(
            f"measured: the second day, new instances starting from the paces learned on the first;"
            f" the first: wall/floor {day['ratio']}, {day['http_429']} 429s, {day['duplicates']} duplicates"
        )


async def main(plan: Plan) -> None:
    name = f"bench_fanout_{uuid.uuid4().hex[:10]}"
    await admin(f'CREATE DATABASE "{name}"')
    fake = await FakeSlackApi().start()
    fake.limit_rate(POST, plan.rate, burst=plan.rate / 10)
    try:
        url = db_url(name)
        await seed(url, plan)
        run = Run(plan, fake)
        # The fake Slack API runs in this process and records every call: its collector's full passes over
        # those records stalled every workspace at once (0.1-0.3 s each), which is the fake's time, not the
        # bot's. The instances under test keep their collector, as `deescalate serve` does.
        gc.disable()
        try:
            with tempfile.TemporaryDirectory() as temporary:
                logs = Path(plan.pacing_log or temporary)
                await drive(run, url, logs)
                if plan.warm:  # that was the first day: the next day's lessons, sent by new processes
                    first, run = figures(run), Run(plan, fake)
                    first_timeline, learned = timeline(fake), await learned_paces(url)
                    if plan.fresh:  # as if the last workspace had been installed overnight
                        newest = workspace(-1, plan)
                        await fetch(url, f"DELETE FROM learned_paces WHERE workspace = '{newest}'")
                    fake.calls.clear()
                    await drive(run, url, logs, day=1)
        finally:
            gc.enable()
        result = figures(run)
        if plan.warm:
            result["first_day"] = {key: first[key] for key in ("wall_s", "ratio", "http_429", "duplicates")}
    finally:
        await fake.close()
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(result, plan)
    if plan.timeline:
        if plan.warm:
            print(f"the first day:\n{first_timeline}")
            print(f"the paces it left (sends/s, settled, climbed for s): {learned}")
            print("the next day:")
        print(timeline(fake))
    print(json.dumps(result))


async def learned_paces(url: str) -> dict[str, tuple[float, bool, float]]:
    """What the instances left in learned_paces: each workspace's rate, whether it was settled, and how long
    the pace had climbed from it."""
    query = "SELECT workspace, rate, settled, climbed_s FROM learned_paces ORDER BY workspace"
    return {
        str(r["workspace"]): (round(float(r["rate"]), 1), bool(r["settled"]), round(float(r["climbed_s"]), 1))
        for r in await fetch(url, query)
    }


def timeline(fake: FakeSlackApi) -> str:
    """Accepted posts and 429s in each second of the run, per workspace (bot token): where time went."""
    calls = [c for c in fake.calls if c.method in (POST, f"429:{POST}")]
    if not calls:
        return "timeline: no posts"
    start = min(c.at for c in calls)
    tokens = sorted({c.headers.get("Authorization", "") for c in calls})
    rows: dict[int, Counter[str]] = {}
    for c in calls:
        column = str(tokens.index(c.headers.get("Authorization", "")))
        rows.setdefault(int(c.at - start), Counter())[column + ("!" if c.method != POST else "")] += 1
    header = "second  " + "  ".join(f"ws{w}:posts/429s" for w in range(len(tokens)))
    lines = [f"(second 0 is {start:.3f} on the monotonic clock: --pacing-log's times)", header]
    for second in range(max(rows) + 1):
        row = rows.get(second, Counter())
        cells = (f"{row[str(w)]:8}/{row[f'{w}!']:<4}" for w in range(len(tokens)))
        lines.append(f"{second:6}  " + "  ".join(cells))
    return "\n".join(lines)


def parse() -> tuple[argparse.Namespace, Plan]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=4)
    parser.add_argument("--rate", type=float, default=100.0, help="chat.postMessage per second per workspace")
    parser.add_argument("--lease", type=float, default=2.0, help="claim lease in seconds (production: 300)")
    parser.add_argument("--kill-at", type=float, default=0.3, help="fraction posted when alpha is killed")
    parser.add_argument("--concurrency", type=int, default=4, help="sends in flight per workspace")
    parser.add_argument("--max-in-flight", type=int, default=8, help="sends in flight per instance")
    parser.add_argument("--pace", type=float, default=None, help="scheduler start rate per workspace (/s)")
    parser.add_argument("--every", type=float, default=0.2, help="seconds between ticks")
    parser.add_argument("--inject-429", type=int, default=0, help="extra 429s spread over the run")
    parser.add_argument("--timeline", action="store_true", help="posts and 429s per second and workspace")
    parser.add_argument("--warm", action="store_true", help="measure the next day (new processes)")
    parser.add_argument("--fresh-workspace", action="store_true", help="with --warm: the next day, the last "
                        "workspace has no learned pace, as if installed overnight")
    parser.add_argument("--pacing-log", metavar="DIR", help="keep each instance's log of its 429s and paces "
                        "(alpha.log, beta.log; the next day's overwrite the first's)")
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--epoch", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pacing_log and not args.instance:
        Path(args.pacing_log).mkdir(parents=True, exist_ok=True)
    plan = Plan(
        **{"subscribers": args.subscribers, "workspaces": args.workspaces, "rate": args.rate},
        **{"lease_s": args.lease, "kill_at": args.kill_at, "concurrency": args.concurrency},
        **{"max_in_flight": args.max_in_flight, "pace": args.pace, "every_s": args.every},
        inject_429=args.inject_429,
        timeline=args.timeline,
        warm=args.warm,
        fresh=args.fresh_workspace,
        pacing_log=args.pacing_log,
    )
    return args, plan


if __name__ == "__main__":
    cli, settings = parse()
    if cli.instance:
        asyncio.run(run_instance(cli.instance, settings, cli.epoch))
    else:
        asyncio.run(main(settings))
