"""Prometheus metrics: what the gateway counts, and ``/metrics``, which shows it.

One process (``--workers 1``) keeps its metrics in memory, in a registry of its own per app.
With ``--workers N``, ``clientgate serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a directory
before the workers start: every worker writes its values there (prometheus-client's
multiprocess mode) and whichever worker answers a scrape sums them all, so the figures are the
instance's, not one worker's.

Label values are bounded: ``route`` is the route's template (``/api/v1/clients/{id}``), never
the raw path (``unmatched`` when no route matched), an unknown method counts as ``OTHER``, and
``dialect`` is a mounted dialect's name or ``gateway`` (health checks, specs, this endpoint).
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Seconds: from a cached-key GET on SQLite (about 0.1 ms) to a request's timeout.
DURATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                    5.0, 10.0, 30.0)
POOL_WAIT_BUCKETS = (0.0001, 0.001, 0.01, 0.1, 0.5, 1.0, 2.5, 5.0)
#: The ``status`` of a request whose client went away before any response (nginx's 499).
DISCONNECTED = 499


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(path: str) -> None:
    """Empty ``path`` of a previous run's values (before the workers start), as
    prometheus-client requires; the directory is created if missing."""
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))


REQUESTS = ("clientgate_http_requests", "HTTP requests answered, by route template and status.")
DURATION = ("clientgate_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response.")
IN_FLIGHT = ("clientgate_http_requests_in_flight", "Requests being served now.")
#: A label set beyond this many is not remembered (its children are looked up each time).
MAX_SERIES = 10_000


def _method(method: str) -> str:
    return method if method in METHODS else "OTHER"


class _Shared:
    """The request series with several workers: prometheus-client's multiprocess values (a
    file per worker, summed at scrape)."""

    def __init__(self) -> None:
        self.requests = Counter(*REQUESTS, ["dialect", "route", "method", "status"],
                                registry=None)
        self.duration = Histogram(*DURATION, ["dialect", "route", "method"],
                                  buckets=DURATION_BUCKETS, registry=None)
        self.in_flight = Gauge(*IN_FLIGHT, multiprocess_mode="livesum", registry=None)
        self.enter = self.in_flight.inc
        self._leave = self.in_flight.dec
        #: The bound ``inc`` and ``observe`` of each label set's children.
        self._children: dict[tuple[str, str, str, int], tuple[Any, Any]] = {}

    def done(self, dialect: str, route: str, method: str, status: int, seconds: float) -> None:
        """A request ended: it is out of flight, counted and timed."""
        self._leave()
        key = (dialect, route, method, status)
        children = self._children.get(key)
        if children is None:
            method = _method(method)
            children = (self.requests.labels(dialect, route, method, str(status)).inc,
                        self.duration.labels(dialect, route, method).observe)
            if len(self._children) < MAX_SERIES:
                self._children[key] = children
        count, time_it = children
        count()
        time_it(seconds)


class _Local(Collector):
    """The request series in one process: plain numbers on the event loop (a dict lookup and
    three additions a request, no lock), turned into Prometheus families at scrape."""

    def __init__(self) -> None:
        self.in_flight = 0
        #: By (dialect, route, method, status), the method as labelled: [sum of seconds,
        #: count per bucket (+Inf last)]. Every label is bounded (see the module docstring).
        self._series: dict[tuple[str, str, str, int], list[Any]] = {}
        #: The same lists by the method as it arrived (bounded: any method may arrive).
        self._lookup: dict[tuple[str, str, str, int], list[Any]] = {}

    def enter(self) -> None:
        self.in_flight += 1

    def done(self, dialect: str, route: str, method: str, status: int, seconds: float) -> None:
        """A request ended: it is out of flight, counted and timed."""
        self.in_flight -= 1
        key = (dialect, route, method, status)
        series = self._lookup.get(key)
        if series is None:
            labelled = (dialect, route, _method(method), status)
            series = self._series.get(labelled)
            if series is None:
                series = self._series[labelled] = [0.0, [0] * (len(DURATION_BUCKETS) + 1)]
            if len(self._lookup) < MAX_SERIES:
                self._lookup[key] = series
        series[0] += seconds
        series[1][bisect_left(DURATION_BUCKETS, seconds)] += 1

    def describe(self) -> Iterable[Any]:
        return []

    def collect(self) -> Iterable[Any]:
        requests = CounterMetricFamily(*REQUESTS, labels=["dialect", "route", "method", "status"])
        duration = HistogramMetricFamily(*DURATION, labels=["dialect", "route", "method"])
        timed: dict[tuple[str, str, str], list[Any]] = {}
        for (dialect, route, method, status), (total, counts) in list(self._series.items()):
            counts = list(counts)
            requests.add_metric([dialect, route, method, str(status)], sum(counts))
            into = timed.setdefault((dialect, route, method), [0.0, [0] * len(counts)])
            into[0] += total
            into[1] = [a + b for a, b in zip(into[1], counts, strict=True)]
        bounds = [*(str(b) for b in DURATION_BUCKETS), "+Inf"]
        for labels, (total, counts) in timed.items():
            duration.add_metric(list(labels), list(zip(bounds, accumulate(counts), strict=True)),
                                total)
        return [requests, duration,
                GaugeMetricFamily(*IN_FLIGHT, value=self.in_flight)]


class Metrics:
    """Every series the gateway writes. The request series are recorded by ``_Local`` in one
    process and by ``_Shared`` with several workers; the rest (rare events) by prometheus-client
    directly."""

    def __init__(self) -> None:
        self.shared = multiprocess_dir() is not None
        # In multiprocess mode values live in files, and a scrape reads them into a registry of
        # its own; in one process they live in this app's registry (several apps may share a
        # process: tests, embedding).
        self.registry = CollectorRegistry()
        into: dict[str, Any] = {"registry": None if self.shared else self.registry}
        recorder: _Shared | _Local
        if self.shared:
            recorder = _Shared()
        else:
            recorder = _Local()
            self.registry.register(recorder)
        #: Called as each request starts, and as it ends with what it was (``Observer``).
        self.enter, self.done = recorder.enter, recorder.done
        self.auth_failures = Counter(
            "clientgate_auth_failures", "Requests refused for their credentials, by reason.",
            ["reason"], **into)
        self.rate_limited = Counter(
            "clientgate_rate_limited_requests", "Requests refused by a rate limit, by dialect.",
            ["dialect"], **into)
        self.rate_limit_errors = Counter(
            "clientgate_rate_limit_errors", "Times the rate limiter's store (Redis) failed; the "
            "requests were served without a limit.", **into)
        self.pool_in_use = Gauge(
            "clientgate_db_pool_connections_in_use",
            "PostgreSQL connections lent out of the pool now.",
            multiprocess_mode="livesum", **into)
        self.pool_wait = Histogram(
            "clientgate_db_pool_wait_seconds",
            "Time a store call waited for a pooled PostgreSQL connection.",
            buckets=POOL_WAIT_BUCKETS, **into)
        self._scraped: list[Collector] = []

    # -- recording ------------------------------------------------------------------------------

    def auth_failure(self, reason: str) -> None:
        self.auth_failures.labels(reason).inc()

    def watch_pool(self, engine: sa.Engine) -> Callable[[float], None] | None:
        """Counts the PostgreSQL pool's lent connections; returns what to call with each
        checkout's wait (``core.sql.Statements.on_checkout``). SQLite has no pool to watch:
        each thread keeps its own connection."""
        if engine.dialect.name != "postgresql":
            return None
        sa.event.listen(engine.pool, "checkout", lambda *_: self.pool_in_use.inc())
        sa.event.listen(engine.pool, "checkin", lambda *_: self.pool_in_use.dec())
        return self.pool_wait.observe

    def gauge_at_scrape(self, collector: Collector) -> None:
        """A collector asked at every scrape (figures read from the database, the same for
        every worker: they are reported once, by the worker that answers)."""
        self._scraped.append(collector)
        if not self.shared:
            self.registry.register(collector)

    # -- showing --------------------------------------------------------------------------------

    def exposition(self) -> bytes:
        """The text format a Prometheus server scrapes."""
        if not self.shared:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        for collector in self._scraped:
            registry.register(collector)
        return generate_latest(registry)

    def process_exited(self) -> None:
        """At a worker's exit: its ``livesum`` gauges stop counting."""
        if self.shared:
            multiprocess.mark_process_dead(os.getpid())


content_type = CONTENT_TYPE_LATEST


class Outbox(Collector):
    """``clientgate_outbox_emails{state}``: the emails waiting for ``clientgate mailer``
    (``pending``) and those it gave up on (``failed``), read from the database at scrape."""

    def __init__(self, count: Callable[[], dict[str, int]], timeout: float) -> None:
        self.count = count
        self.timeout = timeout

    def describe(self) -> Iterable[Any]:
        return []

    def collect(self) -> Iterable[Any]:
        family = GaugeMetricFamily("clientgate_outbox_emails",
                                   "Emails in the outbox, by state.", labels=["state"])
        started = time.monotonic()
        try:
            counts = self.count()
        except Exception:  # a scrape must answer while the database is down: no sample
            counts = {}
        for state in ("pending", "failed"):
            if state in counts:
                family.add_metric([state], counts[state])
        up = GaugeMetricFamily("clientgate_database_up",
                               "1 when the last scrape's database read succeeded.",
                               value=1 if counts else 0)
        took = GaugeMetricFamily("clientgate_database_scrape_seconds",
                                 "How long the scrape's database read took.",
                                 value=time.monotonic() - started)
        return [family, up, took]


class JobMetrics:
    """The counters of a long command (``clientgate import``, ``clientgate mailer``), served on
    ``--metrics-port`` for as long as it runs (prometheus-client's own HTTP server, in a thread),
    so a Prometheus server scrapes it as it scrapes the gateway."""

    def __init__(self, port: int | None, host: str = "0.0.0.0") -> None:
        self.registry = CollectorRegistry()
        self.import_records = Counter(
            "clientgate_import_records", "Records an import wrote, by what became of them.",
            ["outcome"], registry=self.registry)
        self.import_pages = Counter(
            "clientgate_import_pages", "Pages an import read from the vendor.",
            registry=self.registry)
        self.mailer_emails = Counter(
            "clientgate_mailer_emails", "Emails the mailer handed to SMTP, by outcome.",
            ["outcome"], registry=self.registry)
        self.mailer_rounds = Counter(
            "clientgate_mailer_rounds", "Delivery rounds, by result (ok, or unreachable: the "
            "SMTP server could not be reached).", ["result"], registry=self.registry)
        self.server = None
        if port is not None:
            self.server, _ = start_http_server(port, addr=host, registry=self.registry)

    def imported(self, *, records: int = 0, pages: int = 0,
                 outcomes: dict[str, int] | None = None) -> None:
        if pages:
            self.import_pages.inc(pages)
        for outcome, count in (outcomes or {}).items():
            self.import_records.labels(outcome).inc(count)

    def delivered(self, result: dict[str, Any]) -> None:
        self.mailer_rounds.labels("unreachable" if "error" in result else "ok").inc()
        for outcome in ("sent", "failed"):
            if result.get(outcome):
                self.mailer_emails.labels(outcome).inc(result[outcome])

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
