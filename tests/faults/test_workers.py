"""``clientgate serve --workers N``: the figures of ``/metrics`` are the instance's (every
worker's requests), whichever worker answers the scrape."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import make_tenant

from .process import GatewayProcess

pytestmark = pytest.mark.faults

REQUESTS = 60


def served(text: str, route: str) -> float:
    return sum(s.value for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == "clientgate_http_requests_total" and s.labels["route"] == route
               and s.labels["status"] == "200")


def test_metrics_sum_every_worker(database_url, store, tmp_path, monkeypatch):
    kit = make_tenant(store, "workers")
    shared = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    with GatewayProcess(database_url, workers=2) as gw:
        for _ in range(REQUESTS):
            # A new connection each time, so both workers take requests.
            with httpx.Client(base_url=gw.url, timeout=10) as http:
                assert http.get("/talynce/api/v1/clients", headers=kit.headers).status_code == 200
        writers = {re.search(r"_(\d+)\.db$", p.name).group(1) for p in shared.glob("counter_*.db")}
        assert len(writers) == 2  # both workers counted requests...
        for _ in range(6):
            with httpx.Client(base_url=gw.url, timeout=10) as http:
                scrape = http.get("/metrics")
                assert scrape.status_code == 200
                # ...and every scrape, whichever worker answers it, sums them all.
                assert served(scrape.text, "/api/v1/clients") == REQUESTS
