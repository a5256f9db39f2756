"""Bearer API-key authentication, resolved once per request to a ``Principal``.

Resolved keys are remembered per process for ``key_cache_seconds`` (keyed by the key's hash,
never its text), so the hot path costs a dict lookup instead of a database round trip. Unknown
keys are never cached: a flood of random keys cannot grow memory. An expired key is refused
whether it came from the cache or not.

When a key was last used is written at most once every ``TOUCH_EVERY`` seconds per key and
process, by a task of its own a moment later, in one transaction for every key seen meanwhile:
a request only notes the time in a dict.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.requests import Request

from core.keys import MAX_PRESENTED, Principal, hash_key
from dialects.kit.errors import Unauthenticated

from .execution import Executor
from .observe import PRINCIPAL

MAX_CACHED = 10_000
#: Seconds between two writes of a key's last use (per process).
TOUCH_EVERY = 60.0
#: Seconds the first use waits for others to write with it.
TOUCH_DELAY = 1.0
log = logging.getLogger("clientgate")


def bearer_token(request: Request) -> str | None:
    for name, value in request.scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                return None
            return token
    return None


class Authenticator:
    """``await authenticator(request)``: the request's ``Principal`` (also left in its scope
    for the access log, under ``observe.PRINCIPAL``), or the dialect's 401. ``on_failure``
    hears the reason of each refusal (``missing``, ``unknown``, ``expired``), for the metrics."""

    def __init__(self, executor: Executor, ttl: float,
                 on_failure: Callable[[str], None] | None = None) -> None:
        self._executor = executor
        self._store = executor.store
        self._ttl = ttl
        self._cache: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._on_failure = on_failure
        #: When each key's last use may be written again (``time.monotonic()``).
        self._touch_due: dict[int, float] = {}
        self._seen: dict[int, datetime] = {}
        self._writer: asyncio.Task | None = None
        self._timer: asyncio.TimerHandle | None = None

    def _refuse(self, reason: str) -> Unauthenticated:
        if self._on_failure is not None:
            self._on_failure(reason)
        return Unauthenticated(reason)

    async def __call__(self, request: Request) -> Principal:
        token = bearer_token(request)
        if token is None:
            raise self._refuse("missing")
        if len(token) > MAX_PRESENTED:  # no key is that long: not worth hashing
            raise self._refuse("unknown")
        digest = hash_key(token)
        hit = self._cache.get(digest)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return self._accept(hit[0], request, now)
        principal = await self._executor.run(self._store.keys.resolve_digest, digest)
        if principal is None:
            self._cache.pop(digest, None)
            raise self._refuse("unknown")
        if self._ttl > 0:
            self._cache[digest] = (principal, now + self._ttl)
            self._cache.move_to_end(digest)
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return self._accept(principal, request, now)

    def _accept(self, principal: Principal, request: Request, now: float) -> Principal:
        expires = principal.expires_at
        if expires is not None and expires.timestamp() <= time.time():
            raise self._refuse("expired")
        request.scope[PRINCIPAL] = principal
        if now >= self._touch_due.get(principal.key_id, 0.0):
            self._note_use(principal.key_id, now)
        return principal

    # -- last use ---------------------------------------------------------------------------

    def _note_use(self, key_id: int, now: float) -> None:
        if len(self._touch_due) > MAX_CACHED:
            self._touch_due.clear()
        self._touch_due[key_id] = now + TOUCH_EVERY
        self._seen[key_id] = datetime.now(UTC)
        if self._timer is None and self._writer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(TOUCH_DELAY, self._start_writer, loop)

    def _start_writer(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        self._writer = loop.create_task(self.write_uses())

    async def write_uses(self) -> None:
        """Write the last uses noted so far (at shutdown too); a failure loses them, which
        costs a minute of accuracy, not a request."""
        seen, self._seen = self._seen, {}
        try:
            if seen:
                await self._executor.in_thread(self._executor.timeout, self._store.keys.touch,
                                               seen)
        except Exception as exc:
            log.warning("last use of %d key(s) not written: %s: %s", len(seen),
                        type(exc).__name__, (str(exc).strip().splitlines() or [""])[0])
        finally:
            self._writer = None

    async def close(self) -> None:
        """At shutdown: what is noted is written, nothing is left scheduled."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writer is not None:
            await self._writer
        await self.write_uses()

    def forget(self) -> None:
        """Drop every remembered key (after a revocation in this process)."""
        self._cache.clear()
