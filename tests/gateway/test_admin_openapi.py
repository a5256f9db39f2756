"""The admin API against ``openapi/admin.yaml``: every route is in the file and every operation
of the file is served; schemathesis sends generated requests (valid and invalid) and fails on a
5xx, an undocumented status or a body that breaks the file. On a database of its own (it creates
and deletes tenants), on both backends."""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.routing import Route

from core import migrate
from core.store import Store
from dialects.kit.base import OPENAPI_DIR
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import empty_database

TOKEN = "admin-token-0123456789"
SPEC = yaml.safe_load((OPENAPI_DIR / "admin.yaml").read_text())


@pytest.fixture(scope="module")
def admin_app(backend, tmp_path_factory):
    with empty_database(backend, tmp_path_factory.mktemp("admin")) as url:
        store = Store.from_url(url)
        migrate.upgrade(store.engine)
        store.tenants.create("first")
        yield create_app(Settings(database_url=url, admin_token=TOKEN), store=store)
        store.dispose()


def test_every_route_is_in_the_file_and_every_operation_is_served(admin_app):
    served = {r.path.removeprefix("/_admin") for r in admin_app.fallback.routes
              if isinstance(r, Route) and r.path.startswith("/_admin")}
    assert served == set(SPEC["paths"])
    assert admin_app.fallback.routes  # and the file itself is served beside the dialects'


@pytest.fixture(scope="module")
def admin_schema(admin_app):
    schema = schemathesis.openapi.from_asgi("/openapi/admin.yaml", admin_app)

    @schema.auth()
    class AdminToken:
        def get(self, case, context):
            return TOKEN

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


lazy = schemathesis.pytest.from_fixture("admin_schema")


@lazy.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_admin_api_conforms_to_its_openapi_file(case):
    # positive_data_acceptance is left out: ids must name rows that exist, names must be unused.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
