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
).render


def store_message(field: str, code: str) -> str:
    return laravel.store_message(field, code, max=LIMITS.get(field, 255))
