"""Bearer API-key authentication, resolved once per request to a ``Principal``.

Resolved keys are remembered per process for ``key_cache_seconds`` (keyed by the key's hash,
never its text), so the hot path costs a dict lookup instead of a database round trip. Unknown
keys are never cached: a flood of random keys cannot grow memory.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.requests import Request

from core.keys import MAX_PRESENTED, Principal, hash_key
from dialects.kit.errors import Unauthenticated

from .execution import Executor
from .observe import PRINCIPAL

MAX_CACHED = 10_000


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
    hears the reason of each refusal (``missing``, ``unknown``), for the metrics."""

    def __init__(self, executor: Executor, ttl: float,
                 on_failure: Callable[[str], None] | None = None) -> None:
        self._executor = executor
        self._store = executor.store
        self._ttl = ttl
        self._cache: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._on_failure = on_failure

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
            request.scope[PRINCIPAL] = hit[0]
            return hit[0]
        principal = await self._executor.run(self._store.keys.resolve_digest, digest)
        if principal is None:
            self._cache.pop(digest, None)
            raise self._refuse("unknown")
        request.scope[PRINCIPAL] = principal
        if self._ttl > 0:
            self._cache[digest] = (principal, now + self._ttl)
            self._cache.move_to_end(digest)
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return principal

    def forget(self) -> None:
        """Drop every remembered key (after a revocation in this process)."""
        self._cache.clear()
