"""Rate-limit headers as each vendor's framework writes them.

The gateway's limiter (``gateway.ratelimit``) leaves the request's ``Window`` in its scope under
``WINDOW``; the error boundary adds the dialect's headers for it to the response, a 429 or not.
A dialect names its style (``Dialect.throttle_headers``):

- ``laravel``: Laravel's ``ThrottleRequests`` middleware. ``X-RateLimit-Limit`` and
  ``X-RateLimit-Remaining`` on every response; a 429 adds ``Retry-After`` and
  ``X-RateLimit-Reset`` (a Unix time).
- ``always``: all three on every response, and ``Retry-After`` on a 429 (GitScrum's documented
  headers).
- ``retry_after``: ``Retry-After`` on a 429 only (the Next.js vendors).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

#: The scope key of the request's ``Window``.
WINDOW = "clientgate.rate_window"

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Window:
    """Where a key stands in its rate limit: requests per window, those left, when it resets
    (a Unix time), and whether this request was refused."""

    limit: int
    remaining: int
    reset_at: float
    exceeded: bool = False

    def retry_after(self, now: float) -> int:
        """Whole seconds until the window resets (at least 1)."""
        return max(1, math.ceil(self.reset_at - now))


def _limits(window: Window) -> Headers:
    return [(b"x-ratelimit-limit", str(window.limit).encode()),
            (b"x-ratelimit-remaining", str(max(0, window.remaining)).encode())]


def _reset(window: Window) -> tuple[bytes, bytes]:
    return (b"x-ratelimit-reset", str(math.ceil(window.reset_at)).encode())


def _retry(window: Window, now: float) -> tuple[bytes, bytes]:
    return (b"retry-after", str(window.retry_after(now)).encode())


def laravel(window: Window, now: float) -> Headers:
    if window.exceeded:
        return [*_limits(window), _retry(window, now), _reset(window)]
    return _limits(window)


def always(window: Window, now: float) -> Headers:
    headers = [*_limits(window), _reset(window)]
    return [*headers, _retry(window, now)] if window.exceeded else headers


def retry_after(window: Window, now: float) -> Headers:
    return [_retry(window, now)] if window.exceeded else []


STYLES: dict[str, Callable[[Window, float], Headers]] = {
    "laravel": laravel, "always": always, "retry_after": retry_after}
