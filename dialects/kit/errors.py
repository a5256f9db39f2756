"""The errors a request can end in, before each dialect renders them in its vendor's body.

::

    ApiError                 status
     +-- BadRequest           400  malformed body (not JSON, not an object)
     +-- Unauthenticated      401  missing, unknown or revoked API key
     +-- NotFound             404  no such route or resource in the caller's scope
     +-- MethodNotAllowed     405
     +-- RequestTimeout       408  the body did not arrive within its time
     +-- Conflict             409  an Idempotency-Key still in use, or used for another request
     +-- PayloadTooLarge      413
     +-- UnsupportedMediaType 415
     +-- TooManyRequests      429  the key's rate limit is spent; ``retry_after`` says for how long
     +-- ValidationFailed     422  {wire field: [vendor messages]}
     +-- ServerError          500  anything unexpected; never carries internals
     +-- ServiceUnavailable   503  the database cannot serve now; ``Retry-After`` says when

Dialects raise these (or let ``core.errors`` and marshmallow errors through, which their
``translate`` turns into these) and render each in exactly one place, ``Dialect.render``.
"""

from __future__ import annotations


class ApiError(Exception):
    status = 500

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(ApiError):
    status = 400


class Unauthenticated(ApiError):
    status = 401


class NotFound(ApiError):
    status = 404

    def __init__(self, detail: str = "", *, resource: str | None = None,
                 key: object = None) -> None:
        super().__init__(detail)
        self.resource = resource
        self.key = key


class MethodNotAllowed(ApiError):
    status = 405

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(method)
        self.method = method
        self.allowed = allowed


class RequestTimeout(ApiError):
    status = 408


class Conflict(ApiError):
    status = 409


class PayloadTooLarge(ApiError):
    status = 413


class UnsupportedMediaType(ApiError):
    status = 415


class TooManyRequests(ApiError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class ValidationFailed(ApiError):
    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors


class ServerError(ApiError):
    status = 500


class ServiceUnavailable(ApiError):
    status = 503

    def __init__(self, detail: str = "", *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
