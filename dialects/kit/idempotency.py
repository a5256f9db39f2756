"""``@idempotent`` on a create endpoint: a request with an ``Idempotency-Key`` header (1 to 255
printable ASCII characters) that is retried gets the first response, status and body, with
``Idempotent-Replayed: true``, instead of creating again (``core.idempotency``).

The same key with a different request (another route, query or body) and a retry while the
first request still runs are each a 409, in the dialect's own error body: both conflict with
the state of the key, not with the request's form (a request that is well formed on its own is
never a 400 here). Only a successful (2xx) response is kept: after a refusal or an error the
key is free again.
"""

from __future__ import annotations

import functools
import hashlib

import orjson
from starlette.responses import Response

from core.idempotency import KeyInUse, KeyReused, Replay

from .calls import Call, Handler
from .errors import BadRequest, Conflict
from .routing import route_path

HEADER = "idempotency-key"
KEY_MAX = 255
BAD_KEY = f"The Idempotency-Key header must be 1 to {KEY_MAX} printable ASCII characters."
REUSED = ("Keys for idempotent requests can only be used with the same parameters they were "
          "first used with.")
IN_PROGRESS = "A request with the same Idempotency-Key is still being processed. Retry later."


def fingerprint(call: Call, body: dict) -> str:
    """What the request asks: its method, route, query and body (as parsed, so the same fields
    sent as JSON or as a form are the same request)."""
    request = call.request
    asked = [request.method, route_path(request.scope), sorted(request.query_params.multi_items()),
             body]
    return hashlib.sha256(orjson.dumps(asked, option=orjson.OPT_SORT_KEYS)).hexdigest()


def idempotent(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def run(call: Call) -> Response:
        key = call.request.headers.get(HEADER)
        if key is None:
            return await handler(call)
        if not (0 < len(key) <= KEY_MAX and key.isascii() and key.isprintable()):
            raise BadRequest(BAD_KEY)
        ledger = call.store.idempotency
        try:
            claim = await call.run(ledger.begin, call.scope.tenant_id, key,
                                   fingerprint(call, await call.body()))
        except KeyReused:
            raise Conflict(REUSED) from None
        except KeyInUse:
            raise Conflict(IN_PROGRESS) from None
        if isinstance(claim, Replay):
            response = Response(claim.body, status_code=claim.status,
                                media_type=claim.content_type)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = await handler(call)
        except BaseException:
            await call.run(ledger.abandon, claim)
            raise
        if 200 <= response.status_code < 300:
            await call.run(ledger.finish, claim, response.status_code, response.media_type,
                           bytes(response.body))
        else:
            await call.run(ledger.abandon, claim)
        return response

    return run
