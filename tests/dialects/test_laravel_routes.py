"""What every Laravel-built dialect answers for a route it does not have and for a method a
route does not take (``dialects.laravel.ErrorBodies``), written once for each of them."""

from __future__ import annotations

import pytest

# (dialect, an unknown path, a client path, a method it does not take, the methods it takes)
CASES = [
    ("outlign", "api/v1/nothing", "api/v1/clients/1", "PATCH", "GET, HEAD, PUT, DELETE"),
    ("growcrm", "api/nothing", "api/clients/1", "PUT", "GET, HEAD, PATCH, DELETE"),
    ("growcrm", "api/clients/1/tags/x", "api/clients/1/tags", "GET", "PUT"),
]


@pytest.mark.parametrize(("dialect", "unknown", "path", "method", "allowed"), CASES)
def test_unknown_route_and_wrong_method(client, tenant, dialect, unknown, path, method, allowed):
    r = client.get(f"/{dialect}/{unknown}", headers=tenant.headers)
    assert r.status_code == 404
    assert r.json() == {"message": f"The route {unknown} could not be found."}

    r = client.request(method, f"/{dialect}/{path}", json={}, headers=tenant.headers)
    assert r.status_code == 405
    assert r.headers["allow"] == allowed
    assert r.json() == {"message": f"The {method} method is not supported for route {path}. "
                                   f"Supported methods: {allowed}."}
