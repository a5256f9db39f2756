"""Talynce's error envelope, as its public API reference gives it: every error is
``{"error": {"code": "<machine-readable>", "message": "<human-readable>", "details": {...}}}``,
``details`` only where there is context to give.

The ``code`` is stable and snake_case (``CODES``); the ``message`` is the text the Next.js route
handler answers (``nextjs.TEXTS``, zod's "Validation failed", "Client not found"); ``details``
holds the messages by field of a validation error, the allowed methods of a 405 and the seconds
to wait of a 429 or a 503. Invalid input is a 400, as everywhere in a Next.js API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.types import Scope

from dialects.kit import errors as api
from dialects.kit.responses import JSON
from dialects.nextjs import ErrorBodies

#: The ``code`` of each error, by status; a validation error is ``validation_failed``.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
VALIDATION_FAILED = "validation_failed"


def code(error: api.ApiError) -> str:
    if isinstance(error, api.ValidationFailed):
        return VALIDATION_FAILED
    return CODES.get(error.status, CODES[500])


def details(error: api.ApiError) -> dict[str, Any] | None:
    if isinstance(error, api.ValidationFailed):
        return error.errors
    if isinstance(error, api.MethodNotAllowed):
        return {"allowed": error.allowed}
    if isinstance(error, (api.TooManyRequests, api.ServiceUnavailable)):
        return {"retry_after": error.retry_after}
    return None


@dataclass(frozen=True, slots=True)
class Envelope(ErrorBodies):
    """``{"error": {"code", "message", "details"?}}`` for every error."""

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        body: dict[str, Any] = {"code": code(error), "message": self.message(error)}
        extra = details(error)
        if extra:
            body["details"] = extra
        status = 400 if isinstance(error, api.ValidationFailed) else error.status
        return JSON({"error": body}, status_code=status)
