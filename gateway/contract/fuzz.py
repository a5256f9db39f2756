"""The bounded property-based stage of a contract run: schemathesis (as a library) generates
requests for each of the dialect's safe operations (GET) from its OpenAPI file and holds every
answer to its default checks: no 5xx, only documented statuses, content types and headers, and
bodies that fit their schemas.

Only safe operations are fuzzed, so the stage reads and never writes: a contract run touches no
record it did not make. The checks are configured by ``openapi/schemathesis.toml``, the file a
command-line schemathesis run takes too: it names the few operations where a request the schema
allows may be refused for the server's state (a workspace the token's account does not have).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from dialects.kit.base import SCHEMATHESIS_CONFIG, Dialect

from .scenario import FAILED, PASSED, Result


def available() -> bool:
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        return False
    return True


def fuzz(dialect: Dialect, base_url: str, token: str, *, max_examples: int,
         workspace: str | None = None) -> Iterator[Result]:
    """One ``fuzz.<operation>`` result per safe operation."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.config import SchemathesisConfig

    schema = schemathesis.openapi.from_path(
        str(dialect.spec_path), config=SchemathesisConfig.from_path(SCHEMATHESIS_CONFIG))
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "clientgate-contract"}
    base_url = dialect.api_url(base_url)
    for found in schema.get_all_operations():
        operation = found.ok()
        if operation.method.upper() != "GET":
            continue
        name = f"fuzz.{operation.definition.raw.get('operationId') or operation.label}"
        calls = 0

        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def attempt(case: Any) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=base_url, headers=headers)

        started = time.monotonic()
        result = Result(name, PASSED, request=f"{operation.method.upper()} {operation.path}",
                        expected="schemathesis' default checks")
        try:
            attempt()
            result.got = f"{calls} generated requests"
        except Exception as exc:  # a failed check, or the server gone: the run goes on
            result.status = FAILED
            text = str(exc).strip().splitlines()
            result.got = " ".join(line.strip() for line in text[:6] if line.strip())[:600]
        result.seconds = time.monotonic() - started
        yield result
