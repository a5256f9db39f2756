"""Every dialect against its OpenAPI file: schemathesis sends generated requests (valid and
invalid) through the running app and fails on any 5xx, undocumented status, or response body
that breaks the spec. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from dialects.kit.base import SCHEMATHESIS_CONFIG
from dialects.laravel import LaravelDialect
from dialects.registry import DIALECTS
from tests.conftest import make_tenant


@pytest.fixture(scope="module", params=sorted(DIALECTS))
def dialect_schema(request: pytest.FixtureRequest, app, store):
    kit = make_tenant(store, f"schemathesis-{request.param}")
    # The configuration a command-line run uses too (openapi/schemathesis.toml): every default
    # check, with the per-operation statuses a request well formed but refused for the server's
    # state gets (a reference to no record of the tenant, a unique value already taken).
    schema = schemathesis.openapi.from_asgi(f"/openapi/{request.param}.yaml", app,
                                            config=SchemathesisConfig.from_path(SCHEMATHESIS_CONFIG))
    # Over https, as a deployment is: OAuth2's endpoints then take the generated requests
    # themselves, not only refuse plain HTTP (insecure_transport).
    schema.config.update(base_url=f"https://testserver/{request.param}{DIALECTS[request.param].base}")

    # The key as an auth provider, not a fixed header: schemathesis then knows the credentials
    # are the test's own (and probes without them), whatever other headers a case generates.
    @schema.auth()
    class ApiKey:
        def get(self, case, context):
            return kit.key

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    # A generated body can outgrow the gateway's size limit; its documented 413 rejects it too.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


lazy = schemathesis.pytest.from_fixture("dialect_schema")
LARAVEL = {name for name, d in DIALECTS.items() if isinstance(d, LaravelDialect)}


@lazy.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_dialect_conforms_to_its_openapi_file(case):
    excluded = []
    # A Laravel vendor reads a body that is no JSON object as no input (Request::json()), and
    # an update with no input changes nothing and succeeds: such a body is no "negative data"
    # there (docs/dialects/<name>.md, "Before routing").
    mount = case.operation.schema.raw_schema["servers"][0]["url"]
    if (mount.split("/")[1] in LARAVEL and case.method in ("PUT", "PATCH")
            and not isinstance(case.body, dict)):
        excluded.append(negative_data_rejection)
    # Laravel reads an empty string as null (its ConvertEmptyStringsToNull middleware), so a
    # "" where the schema allows null (an array, a number) is no negative data there either.
    elif (mount.split("/")[1] in LARAVEL and isinstance(case.body, dict)
          and "" in case.body.values()):
        excluded.append(negative_data_rejection)
    case.call_and_validate(excluded_checks=excluded)
