"""Prometheus metrics for one server: a per-app registry, the request counter, and GET /metrics.

Counts only. Labels are route templates, status classes, platforms, outcomes, engines and safety
kinds: never message text, user ids, workspace ids or names. Each app builds its own registry, so two
apps in one process never share counters.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ACK_BUDGET_S = {"/slack/events": ("slack", 3.0), "/api/messages": ("teams", 5.0)}
UNMATCHED = "unmatched"  # 404s and anything without a route: one label value, never the raw path
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, 10.0)


class PrometheusMetrics:
    """The `bot.ports.Metrics` port backed by prometheus-client, plus the HTTP instruments."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.requests = RequestStats()
        reg.register(self.requests)
        self.over_budget = Counter(
            "deescalate_acks_over_budget",
            "Acks slower than the platform allows (Slack 3 s, Teams 5 s).",
            ("platform",),
            registry=reg,
        )
        self._counters: dict[str, Counter] = {
            "deliveries": Counter(
                "deescalate_deliveries",
                "Proactive lesson deliveries by platform and outcome.",
                ("platform", "outcome"),
                registry=reg,
            ),
            "delivery_retries": Counter(
                "deescalate_delivery_retries",
                "Lesson deliveries released for a later retry.",
                ("platform",),
                registry=reg,
            ),
            "rewrites": Counter(
                "deescalate_rewrites",
                "Rewrites by the engine that answered (offline, llm, fallback).",
                ("engine",),
                registry=reg,
            ),
            "safety_route": Counter(
                "deescalate_safety_route",
                "Drafts answered with safety resources, by kind.",
                ("kind",),
                registry=reg,
            ),
        }

    def count(self, name: str, amount: int = 1, **labels: str) -> None:
        """Add to a core counter; an unknown name or label set is dropped (metrics never break a flow)."""
        counter = self._counters.get(name)
        if counter is None:
            log.debug("unknown metric %s dropped", name)
            return
        try:
            counter.labels(**labels).inc(amount)
        except ValueError:
            log.debug("metric %s dropped: wrong labels", name)

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        """Record one HTTP request, and an ack over budget on the platform routes."""
        self.requests.observe(route, status, seconds)
        budget = ACK_BUDGET_S.get(route)
        if budget is not None and status < 400 and seconds > budget[1]:
            self.over_budget.labels(platform=budget[0]).inc()

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)


@dataclass
class _Latency:
    """One route's requests per latency bucket (the last one: +Inf) and their seconds in all."""

    buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    total: float = 0.0


class RequestStats(Collector):
    """Request counts and latencies by route, kept in plain ints and floats and handed to Prometheus when
    /metrics is read. Recording runs on the event loop for every request; prometheus-client's Counter and
    Histogram take a lock per value (three per request) and cost the Slack ack about 4% of its time."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}  # (route, status // 100) -> requests
        self._latency: dict[str, _Latency] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        key = (route, status // 100)
        self._counts[key] = self._counts.get(key, 0) + 1
        latency = self._latency.get(route)
        if latency is None:
            latency = self._latency[route] = _Latency()
        latency.buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1  # le: a value on a bound counts
        latency.total += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "deescalate_http_requests", "HTTP requests by route template and status class.",
            labels=("route", "status"),
        )
        for (route, status_class), n in sorted(self._counts.items()):
            requests.add_metric((route, f"{status_class}xx"), n)
        latency = HistogramMetricFamily(
            "deescalate_http_request_duration_seconds", "HTTP request latency by route template.",
            labels=("route",),
        )
        bounds = [*map(floatToGoString, LATENCY_BUCKETS), "+Inf"]
        for route, seen in sorted(self._latency.items()):
            cumulative = list(zip(bounds, itertools.accumulate(seen.buckets), strict=True))
            latency.add_metric((route,), cumulative, seen.total)
        yield requests
        yield latency


def route_of(request: web.BaseRequest) -> str:
    """The route template that matched (e.g. /slack/events), never the raw path."""
    try:
        resource = request.match_info.route.resource  # type: ignore[attr-defined]
    except (AttributeError, AssertionError):  # refused before routing (malformed HTTP): no match info
        return UNMATCHED
    return resource.canonical if resource is not None else UNMATCHED


def request_counter(metrics: PrometheusMetrics) -> type[AbstractAccessLogger]:
    """Counts every request through aiohttp's access-log hook (pass it as the app's `access_log_class`).

    aiohttp times each request itself, from its first line to the end of the response, and calls this
    once the answer is written, 404s and refused requests included. A middleware doing the same cost a Slack
    ack about 7% of its time (aiohttp's wrapper around each middleware, one more coroutine, two clock reads).
    A request whose client went away before the answer is not counted.
    """

    class RequestCounter(AbstractAccessLogger):
        @property
        def enabled(self) -> bool:
            return True

        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            route = route_of(request)
            metrics.observe_request(route, response.status, time)
            if response.status >= 500:
                log.error("answered %d on %s", response.status, route)

    return RequestCounter


def metrics_handler(metrics: PrometheusMetrics) -> Handler:
    """GET /metrics."""

    async def handler(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handler
