"""GitScrum fixtures: the live server and the workspace the seed's examples name."""

from __future__ import annotations

import pytest

from tests.live import live_server  # noqa: F401  (a fixture)


@pytest.fixture
def acme(tenant) -> dict:
    """The seed's ``"company_slug": "acme"``: a workspace of the test's tenant."""
    return tenant.store.workspaces.create(tenant.id, "acme", "Acme")
