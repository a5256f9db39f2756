"""Rate limits per API key (and on sign-in attempts), with the ``limits`` library: in process,
or shared by every worker and instance through Redis (``CLIENTGATE_REDIS_URL``).

A key's limit is its own, else its tenant's, else ``CLIENTGATE_RATE_LIMIT``; with none of them
there is nothing to count. Windows are fixed (Laravel's throttle counts the same way: so many
requests, then a wait until the window's end, which ``X-RateLimit-Reset`` names). The request's
``kit.throttle.Window`` is left in its scope, for the dialect's headers.

When Redis cannot answer, the request is served (fail open): a limiter must not take the API
down with it. Each failure is counted (``clientgate_rate_limit_errors_total``) and logged, at
most once every ``LOG_EVERY`` seconds, and Redis is left alone for ``PAUSE`` seconds, so a Redis
that is gone costs requests nothing (a stalled one would cost each its timeout).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from typing import Any

import limits
from limits.aio import storage, strategies

from core.keys import Principal
from dialects.kit.errors import TooManyRequests
from dialects.kit.throttle import WINDOW, Window

log = logging.getLogger("clientgate.ratelimit")
LOG_EVERY = 10.0
PAUSE = 5.0
#: How long one Redis call may take before the request is served without it.
REDIS_TIMEOUT = 0.5
#: Failed sign-ins per address and client (Laravel's login throttle allows 5 a minute; a few
#: more leave room for typing mistakes and retries); a success clears the count.
SIGN_IN = limits.parse("10/minute")


def _identity(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=256)
def parse(text: str) -> limits.RateLimitItem:
    """``60/minute``, ``10 per second``, ``1000/2 hours``; ``ValueError`` otherwise."""
    try:
        return limits.parse(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a rate limit: write it as 60/minute, 10/second "
                         "or 1000/2 hours") from None


def check(text: str | None) -> str | None:
    """``text`` if it is a rate limit (or None, or ``none``: no limit of its own)."""
    if text is None or text.strip().lower() == "none":
        return None
    parse(text)
    return text.strip()


class Limiter:
    def __init__(self, default: str | None, redis_url: str | None,
                 metrics: Any | None = None) -> None:
        self.default = parse(default) if default else None
        if redis_url:
            backend: storage.Storage = storage.RedisStorage(
                redis_url.replace("redis://", "async+redis://", 1).replace(
                    "rediss://", "async+rediss://", 1),
                implementation="redispy", socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT, key_prefix="clientgate")
        else:
            backend = storage.MemoryStorage()
        self.shared = bool(redis_url)
        self._strategy = strategies.FixedWindowRateLimiter(backend)
        self._metrics = metrics
        self._logged = 0.0
        self._paused_until = 0.0

    def applies(self, principal: Principal) -> bool:
        return principal.rate_limit is not None or self.default is not None

    async def hit(self, principal: Principal, scope: dict[str, Any], dialect: str, *,
                  shown: bool = True) -> None:
        """Count the request against its key; ``TooManyRequests`` when the window is spent.
        ``shown``: the dialect shows where the key stands on every response (else the window
        is read only for a 429, one storage call less)."""
        item = parse(principal.rate_limit) if principal.rate_limit else self.default
        if item is None:
            return
        key = str(principal.key_id)
        if self._paused_until and time.monotonic() < self._paused_until:
            return
        try:
            allowed = await self._strategy.hit(item, "key", key)
            if allowed and not shown:
                return
            stats = await self._strategy.get_window_stats(item, "key", key)
        except Exception as exc:  # Redis down, slow or refusing: serve, and say so
            self._failed(exc)
            return
        window = Window(item.amount, stats.remaining, stats.reset_time, exceeded=not allowed)
        scope[WINDOW] = window
        if not allowed:
            if self._metrics is not None:
                self._metrics.rate_limited.labels(dialect).inc()
            raise TooManyRequests(window.retry_after(time.time()))

    async def attempt(self, identity: str, scope: dict[str, Any], dialect: str) -> None:
        """Before a sign-in of ``identity`` (client address and email): ``TooManyRequests``
        once ``SIGN_IN`` failures were counted in the window, as Laravel's login throttle."""
        if self._paused_until and time.monotonic() < self._paused_until:
            return
        key = _identity(identity)
        try:
            if await self._strategy.test(SIGN_IN, "sign-in", key):
                return
            stats = await self._strategy.get_window_stats(SIGN_IN, "sign-in", key)
        except Exception as exc:
            self._failed(exc)
            return
        window = Window(SIGN_IN.amount, stats.remaining, stats.reset_time, exceeded=True)
        scope[WINDOW] = window
        if self._metrics is not None:
            self._metrics.rate_limited.labels(dialect).inc()
        raise TooManyRequests(window.retry_after(time.time()))

    async def attempted(self, identity: str, *, succeeded: bool) -> None:
        """After a sign-in: a failure is counted, a success clears the count."""
        if self._paused_until and time.monotonic() < self._paused_until:
            return
        key = _identity(identity)
        try:
            if succeeded:
                await self._strategy.clear(SIGN_IN, "sign-in", key)
            else:
                await self._strategy.hit(SIGN_IN, "sign-in", key)
        except Exception as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        if self._metrics is not None:
            self._metrics.rate_limit_errors.inc()
        now = time.monotonic()
        self._paused_until = now + PAUSE
        if now - self._logged >= LOG_EVERY:
            self._logged = now
            log.warning("rate limits not applied (requests are served): %s: %s",
                        type(exc).__name__, (str(exc).strip().splitlines() or [""])[0])
