"""One aiohttp application for every platform: health checks now; Slack and Teams routes mount here."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import replace

from aiohttp import web

from adapters.listener import CappedListener
from adapters.metrics import PrometheusMetrics, metrics_handler, request_counter
from bot import runtime
from bot.core import Bot
from bot.errors import StoreError
from bot.ports import Outbox
from bot.scheduler import Scheduler, WorkspacePacer, run_every
from bot.scheduling.followups import FollowUpSender
from bot.scheduling.retention import RetentionJob
from bot.settings import Config
from bot.store import SqlStore

log = logging.getLogger(__name__)
BOT = web.AppKey("bot", Bot)
STORE = web.AppKey("store", SqlStore)
METRICS = web.AppKey("metrics", PrometheusMetrics)
OUTBOXES = web.AppKey("outboxes", dict[str, Outbox])  # platform -> Outbox; mounts register theirs here


Mount = Callable[[web.Application], None]


def build_app(
    bot: Bot, store: SqlStore, mounts: Sequence[Mount] = (), metrics: PrometheusMetrics | None = None
) -> web.Application:
    """The web application around a started Bot; each mount adds one platform's routes."""
    metrics = metrics or PrometheusMetrics()  # one registry per app: two apps never share counters
    # The core counts through its neutral Metrics port; the app decides where counts go. Everything that
    # reads bot.services does so per request or is built after this (the scheduler), so all of it sees this.
    bot.services = replace(bot.services, metrics=metrics)
    app = web.Application(
        client_max_size=1024 * 1024, handler_args={"access_log_class": request_counter(metrics)}
    )
    app[BOT], app[STORE], app[METRICS] = bot, store, metrics
    app[OUTBOXES] = {}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler(metrics))
    for mount in mounts:
        mount(app)
    return app


def platform_mounts(config: Config, bot: Bot, store: SqlStore, *, dev: bool = False) -> list[Mount]:
    """The platforms configured in the environment, each as a function adding its routes."""
    mounts: list[Mount] = []
    # Slack and Teams add themselves here when their credentials are configured.
    from adapters.slack.http import slack_mount

    slack = slack_mount(config, bot, store)  # None without SLACK_SIGNING_SECRET
    if slack is not None:
        mounts.append(slack)
    from adapters.teams import build_teams, teams_mount, teams_wanted

    if teams_wanted(config, dev=dev):  # ConfigError when Teams is asked for but has no app id
        mounts.append(teams_mount(build_teams(config, bot, store)))
    return mounts


async def healthz(_request: web.Request) -> web.Response:
    """The process is up and serving requests."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready to take traffic: content loaded and the database reachable."""
    library = request.app[BOT].services.library
    checks = {"content": bool(library.checklists), "database": True}
    try:
        await request.app[STORE].ping()
    except StoreError:
        checks["database"] = False
    ready = all(checks.values())
    return web.json_response(
        {"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503
    )


async def serve(
    config: Config,
    host: str | None = None,
    port: int | None = None,
    *,
    dev: bool = False,
    socket: bool = False,
) -> None:
    """Run until SIGINT or SIGTERM, then drain in-flight requests and close the database."""
    bot, store = await runtime.start(config)
    app = build_app(bot, store, platform_mounts(config, bot, store, dev=dev))
    settings = config.settings.server
    settle_heap()
    runner = web.AppRunner(app, shutdown_timeout=10)
    port = settings.port if port is None else port  # 0: an ephemeral port
    listener = CappedListener(runner, host or settings.host, port, max_connections=settings.max_connections)
    await runner.setup()
    await listener.start()
    log.warning("serving on %s (at most %d connections)", listener.address, settings.max_connections)
    disconnect = None
    if socket:
        from adapters.slack.socket import start_socket_mode

        disconnect = await start_socket_mode(config, bot, store)
        log.warning("slack socket mode connected")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    jobs = start_background_jobs(bot, app, stop)
    try:
        await stop.wait()
    finally:
        stop.set()
        await jobs
        if disconnect is not None:
            await disconnect()
        await listener.stop()
        await runner.cleanup()
        await store.close()


def settle_heap() -> None:
    """Exempt what start-up loaded (content, the compiled lexicon, libraries) from garbage collection.

    Those ~100,000 objects live as long as the process; leaving them to the collector made every full
    collection walk them all, a pause of about 0.1 s that showed up as the p99 of request latency.
    """
    gc.collect()
    gc.freeze()


def start_background_jobs(bot: Bot, app: web.Application, stop: asyncio.Event) -> asyncio.Task[None]:
    """Run the lesson scheduler, mediation follow-ups (each when its feature is on) and the retention job."""
    features, outboxes = bot.services.config.settings.features, app[OUTBOXES]
    jobs = [
        run_every(RetentionJob(bot.services).tick, stop, every_s=60),
        run_every(bot.services.store.flush_usage, stop, every_s=60),
    ]
    if features.lessons:
        instance = f"{os.uname().nodename}-{os.getpid()}"
        lessons = bot.services.config.settings.lessons
        pacer = WorkspacePacer(rate_per_s=lessons.sends_per_s)
        scheduler = Scheduler(bot.services, outboxes.get, instance_id=instance, pacer=pacer)
        jobs.append(scheduler.run(stop, every_s=lessons.tick_s))
    if features.mediation:
        jobs.append(run_every(FollowUpSender(bot.services, outboxes.get).tick, stop, every_s=60))

    async def all_jobs() -> None:
        await asyncio.gather(*jobs)

    return asyncio.create_task(all_jobs(), name="background-jobs")
