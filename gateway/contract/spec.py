"""A dialect's OpenAPI file as the contract reads it: which statuses an operation documents,
and whether a body fits the schema documented for its status.

OpenAPI 3.0 schemas are JSON Schema with a few words of their own; ``nullable`` is turned into a
``null`` type and the document's components travel with each schema, so ``$ref`` resolves.
Validation is jsonschema-rs's (it comes with schemathesis, the contract extra).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "patch")


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's ``null`` type, all the way down."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k not in ("nullable", "example")}
    if node.get("nullable") is True:
        if "type" in out:
            kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*kinds, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Spec:
    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def document(self) -> dict[str, Any]:
        return yaml.safe_load(self.path.read_text())

    @cached_property
    def _components(self) -> dict[str, Any]:
        return _json_schema(self.document.get("components", {}))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        """The operation documented for ``method`` on the spec path ``path``."""
        try:
            return self.document["paths"][path][method.lower()]
        except KeyError:
            raise KeyError(f"{self.path.name} documents no {method} {path}") from None

    def statuses(self, method: str, path: str) -> list[int]:
        return sorted(int(s) for s in self.operation(method, path)["responses"]
                      if str(s).isdigit())

    def success(self, method: str, path: str) -> int:
        """The operation's documented 2xx status."""
        return next(s for s in self.statuses(method, path) if 200 <= s < 300)

    def _response(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        responses = self.operation(method, path)["responses"]
        found = responses.get(str(status), responses.get(status))
        while isinstance(found, dict) and "$ref" in found:
            name = found["$ref"].rsplit("/", 1)[-1]
            found = self.document["components"]["responses"][name]
        return found

    def problems(self, method: str, path: str, status: int, content_type: str,
                 body: Any) -> list[str]:
        """What is wrong with an answer by the spec: an undocumented status or content type, or
        a body that breaks the documented schema (each problem in one line)."""
        import jsonschema_rs

        response = self._response(method, path, status)
        if response is None:
            return [f"status {status} is not documented for {method} {path} "
                    f"(documented: {', '.join(map(str, self.statuses(method, path)))})"]
        content = response.get("content") or {}
        if not content:
            return []
        media = content_type.split(";", 1)[0].strip().lower()
        if media not in content:
            return [f"content type {media or 'none'} is not documented for {status} "
                    f"(documented: {', '.join(content)})"]
        schema = content[media].get("schema")
        if schema is None or media != "application/json":
            return []
        validator = jsonschema_rs.validator_for(
            {**_json_schema(schema), "components": self._components}, validate_formats=True)
        return [f"{'/'.join(map(str, e.instance_path)) or 'the body'}: {e.message}"
                for e in validator.iter_errors(body)][:5]
