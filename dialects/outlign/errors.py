"""Outlign's error bodies: Laravel's, as an Outlign (Laravel) deployment renders them in JSON.

Where the seed is silent the gateway answers as Laravel does; see docs/dialects/outlign.md.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import Scope

from dialects import laravel
from gateway import errors as api

MODEL = "App\\Models\\Client"


def render(error: api.ApiError, scope: Scope) -> Response:
    path = _route(scope)
    if isinstance(error, api.ValidationFailed):
        return laravel.validation_body(laravel.summary(error.errors), error.errors)
    if isinstance(error, api.NotFound):
        if error.resource == "client":
            key = "" if error.key is None else f" {error.key}"
            return laravel.message_body(f"No query results for model [{MODEL}]{key}", 404)
        return laravel.message_body(f"The route {path} could not be found.", 404)
    if isinstance(error, api.MethodNotAllowed):
        allowed = ", ".join(error.allowed)
        return laravel.message_body(
            f"The {scope['method']} method is not supported for route {path}. "
            f"Supported methods: {allowed}.",
            405,
            headers={"Allow": allowed},
        )
    text = {
        401: "Unauthenticated.",
        413: "The request body is too large.",
        500: "Server Error",
    }.get(error.status) or error.detail or "Server Error"
    return laravel.message_body(text, error.status)


def store_message(field: str, code: str) -> str:
    if code == "required":
        return laravel.message("required", field)
    if code == "taken":
        return laravel.message("unique", field)
    if code == "max_length":
        return laravel.message("max.string", field, max=255)
    if code == "unknown":
        return laravel.message("exists", field)
    return laravel.message("format", field)


def _route(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path.lstrip("/")
