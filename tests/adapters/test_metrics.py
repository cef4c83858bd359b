"""The request figures kept in plain numbers read on /metrics exactly as prometheus-client's own would."""

from __future__ import annotations

import random

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from adapters.metrics import LATENCY_BUCKETS, PrometheusMetrics

Sample = tuple[str, tuple[tuple[str, str], ...], float]


def samples(exposition: bytes) -> set[Sample]:
    """Every sample but prometheus-client's `_created` timestamps, with sums rounded (float addition)."""
    return {
        (s.name, tuple(sorted(s.labels.items())), round(s.value, 9))
        for family in text_string_to_metric_families(exposition.decode())
        for s in family.samples
        if not s.name.endswith("_created") and family.name.startswith("deescalate_http_")
    }


def test_request_figures_match_prometheus_clients_counter_and_histogram() -> None:
    ours = PrometheusMetrics()
    registry = CollectorRegistry()
    requests = Counter("deescalate_http_requests", "-", ("route", "status"), registry=registry)
    name = "deescalate_http_request_duration_seconds"
    latency = Histogram(name, "-", ("route",), buckets=LATENCY_BUCKETS, registry=registry)
    rng = random.Random(5)
    for _ in range(2_000):
        route = rng.choice(["/slack/events", "/api/messages", "/healthz", "unmatched"])
        status = rng.choice([200, 200, 201, 400, 401, 404, 413, 500])
        # bounds themselves included: a value equal to a bucket's `le` counts in that bucket
        seconds = rng.choice([*LATENCY_BUCKETS, rng.uniform(0, 12), rng.expovariate(200)])
        ours.observe_request(route, status, seconds)
        requests.labels(route=route, status=f"{status // 100}xx").inc()
        latency.labels(route=route).observe(seconds)
    assert samples(ours.exposition()) == samples(generate_latest(registry))
