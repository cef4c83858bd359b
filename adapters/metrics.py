"""Prometheus metrics for one server: a per-app registry, the request middleware, and GET /metrics.

Counts only. Labels are route templates, status classes, platforms, outcomes, engines and safety
kinds: never message text, user ids, workspace ids or names. Each app builds its own registry, so two
apps in one process never share counters.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

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
        self.requests = Counter(
            "deescalate_http_requests",
            "HTTP requests by route template and status class.",
            ("route", "status"),
            registry=reg,
        )
        self.latency = Histogram(
            "deescalate_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ("route",),
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.over_budget = Counter(
            "deescalate_acks_over_budget",
            "Acks slower than the platform allows (Slack 3 s, Teams 5 s).",
            ("platform",),
            registry=reg,
        )
        self._request_children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}  # few routes
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
        key = (route, status // 100)
        children = self._request_children.get(key)
        if children is None:  # labels() validates and locks on every call: look each pair up once
            children = self._request_children[key] = (
                self.requests.labels(route=route, status=f"{key[1]}xx"),
                self.latency.labels(route=route),
            )
        children[0].inc()
        children[1].observe(seconds)
        budget = ACK_BUDGET_S.get(route)
        if budget is not None and status < 400 and seconds > budget[1]:
            self.over_budget.labels(platform=budget[0]).inc()

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)


def route_of(request: web.Request) -> str:
    """The route template that matched (e.g. /slack/events), never the raw path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


def metrics_middleware(metrics: PrometheusMetrics) -> Middleware:
    """An aiohttp middleware counting requests and their latency by route template and status class."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        except asyncio.CancelledError:
            status = 499  # the client went away
            raise
        except Exception as exc:
            log.error("unhandled %s on %s", type(exc).__name__, route_of(request))
            raise
        finally:
            metrics.observe_request(route_of(request), status, time.perf_counter() - started)

    return middleware


def metrics_handler(metrics: PrometheusMetrics) -> Handler:
    """GET /metrics."""

    async def handler(_request: web.Request) -> web.StreamResponse:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handler
