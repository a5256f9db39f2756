"""GitScrum's error bodies, as its API documentation's "Error Handling" page shows them:
``{"error": "Not Found", "message": "..."}``, and for validation (Laravel's rules and messages)
``{"error": "Validation Error", "message": "The given data was invalid.", "errors": {...}}``.

Where that page is silent the gateway answers as Laravel does; see docs/dialects/gitscrum.md.
"""

from __future__ import annotations

from typing import Any

from dialects import laravel
from dialects.kit import errors as api

from .schemas import LIMITS

#: The ``error`` word of each status: the HTTP reason phrase, but "Validation Error" for 422.
LABELS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Validation Error",
    429: "Too Many Requests",
    500: "Server Error",
    503: "Service Unavailable",
}
NOT_FOUND = "The requested resource was not found."

#: ``error_code`` by status, where the error itself says no more (GitScrum's own client reads
#: these: gitscrum-core/mcp-server, ``src/client/GitScrumClient.ts``).
CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
         408: "REQUEST_TIMEOUT", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
         415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED", 429: "RATE_LIMIT_EXCEEDED",
         500: "SERVER_ERROR", 503: "SERVICE_UNAVAILABLE"}
TOKEN_CODES = {"missing": "TOKEN_MISSING", "expired": "TOKEN_EXPIRED"}
NOT_FOUND_CODES = {"client": "CLIENT_NOT_FOUND", "workspace": "WORKSPACE_NOT_FOUND"}


def code(error: api.ApiError) -> str:
    """The ``error_code`` of an error: why a token was refused, what was not found."""
    if isinstance(error, api.Unauthenticated):
        return TOKEN_CODES.get(error.detail, "TOKEN_INVALID")
    if isinstance(error, api.NotFound):
        return NOT_FOUND_CODES.get(error.resource or "", "NOT_FOUND")
    return CODES.get(error.status, "ERROR")


def throttled(error: api.TooManyRequests) -> dict[str, Any]:
    """GitScrum's documented 429 body."""
    return {"error": LABELS[429],
            "message": f"Rate limit exceeded. Retry after {error.retry_after} seconds.",
            "retry_after": error.retry_after}


render = laravel.ErrorBodies(
    missing=lambda _: NOT_FOUND,
    texts={401: "Invalid or expired token"},
    legacy_summary=True,
    labels=LABELS,
    throttled=throttled,
    codes=code,
).render


def store_message(field: str, code: str) -> str:
    return laravel.store_message(field, code, max=LIMITS.get(field, 255))
