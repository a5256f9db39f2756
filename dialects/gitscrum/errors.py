"""GitScrum's error bodies, as its API documentation's "Error Handling" page shows them:
``{"error": "Not Found", "message": "..."}``, and for validation (Laravel's rules and messages)
``{"error": "Validation Error", "message": "The given data was invalid.", "errors": {...}}``.

Where that page is silent the gateway answers as Laravel does; see docs/dialects/gitscrum.md.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import Scope

from dialects import laravel
from gateway import errors as api

from .schemas import LIMITS

#: The ``error`` word of each status: the HTTP reason phrase, but "Validation Error" for 422.
LABELS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Validation Error",
    429: "Too Many Requests",
    500: "Server Error",
}
NOT_FOUND = "The requested resource was not found."
#: A slug naming no workspace the key may use fails Laravel's ``exists`` rule, as documented.
UNKNOWN_SLUG = {"company_slug": [laravel.message("exists", "company_slug")]}

BODIES = laravel.ErrorBodies(
    missing=lambda _: NOT_FOUND,
    texts={401: "Invalid or expired token"},
    legacy_summary=True,
    labels=LABELS,
)


def render(error: api.ApiError, scope: Scope) -> Response:
    if isinstance(error, api.NotFound) and error.resource == "workspace":
        error = api.ValidationFailed(UNKNOWN_SLUG)
    return BODIES.render(error, scope)


def store_message(field: str, code: str) -> str:
    return laravel.store_message(field, code, max=LIMITS.get(field, 255))
