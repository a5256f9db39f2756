"""Every operation of every dialect's OpenAPI file carries examples (its request body's and its
success answer's), as its seed shows them, and each example fits the schema it sits beside, so a
mock server (Prism) serves the seed's answers and a generated client's docs show them."""

from __future__ import annotations

import jsonschema_rs
import pytest

from dialects.registry import DIALECTS
from gateway.contract.spec import Spec, _json_schema

OPERATIONS = [
    pytest.param(name, path, method, id=f"{name}-{method.upper()} {path}")
    for name, dialect in sorted(DIALECTS.items())
    for path, item in Spec(dialect.spec_path).document["paths"].items()
    for method in item if method in ("get", "post", "put", "patch", "delete")
]


def json_content(node: dict) -> dict | None:
    return (node.get("content") or {}).get("application/json")


@pytest.mark.parametrize(("name", "path", "method"), OPERATIONS)
def test_every_operation_shows_its_examples_and_they_fit(name, path, method):
    spec = Spec(DIALECTS[name].spec_path)
    operation = spec.operation(method, path)
    body = json_content(operation.get("requestBody") or {})
    if body is not None:
        assert "example" in body, "the request body has no example"
        validator = jsonschema_rs.validator_for(
            {**_json_schema(body["schema"]), "components": _json_schema(
                spec.document["components"])}, validate_formats=True)
        assert [e.message for e in validator.iter_errors(body["example"])] == []
    status = next((s for s in spec.statuses(method, path) if 200 <= s < 300), None)
    if status is None:
        return  # only a redirect (Outlign's deny)
    answer = spec._response(method, path, status)
    content = json_content(answer or {})
    if content is None:
        return  # a 204, a redirect, a page
    assert "example" in content, f"the {status} answer has no example"
    assert spec.problems(method, path, status, "application/json", content["example"]) == []
