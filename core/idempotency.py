"""Idempotency keys, as Stripe has them: a create retried with the same ``Idempotency-Key`` is
answered with the first one's response instead of creating again.

A key belongs to its tenant and lives ``LIFETIME``. ``begin`` claims it for a request (its
``fingerprint`` says what the request asked) or says what to do instead: answer the stored
response, refuse a different request under the same key, or report the first one still running.
A claim whose request never finished (the process died) is taken over after ``STALE``, longer
than any request can run (the call timeout bounds each store call at 10 s by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from . import models as m
from .clock import now, utc
from .errors import Conflict, StoreError
from .sql import Statements

LIFETIME = timedelta(hours=24)
STALE = timedelta(seconds=60)
k = m.idempotency_keys.c
bp = sa.bindparam


class KeyReused(StoreError):
    """The key was first used for a different request."""


class KeyInUse(StoreError):
    """The first request with this key has not finished."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The response the first request with the key got."""

    status: int
    content_type: str | None
    body: bytes


class Idempotency:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def begin(self, tenant_id: int, key: str, fingerprint: str) -> int | Replay:
        """The claim's id (run the request, then ``finish`` or ``abandon`` it), or the first
        response to answer with; ``KeyReused`` or ``KeyInUse`` otherwise."""
        stamp = now()
        with self._db.write() as s:
            found = s.one(
                ("idempotency.find",),
                lambda: sa.select(k.id, k.fingerprint, k.status, k.content_type, k.body,
                                  k.created_at)
                .where(k.tenant_id == bp("tenant_id"), k.key == bp("key")),
                {"tenant_id": tenant_id, "key": key},
            )
            if found is not None:
                age = stamp - utc(found["created_at"])
                if age > LIFETIME or (found["status"] is None and age > STALE):
                    s.execute(("idempotency.drop",),
                              lambda: m.idempotency_keys.delete().where(k.id == bp("id")),
                              {"id": found["id"]})
                elif found["fingerprint"] != fingerprint:
                    raise KeyReused()
                elif found["status"] is None:
                    raise KeyInUse()
                else:
                    return Replay(found["status"], found["content_type"], found["body"])
            try:
                return s.insert(m.idempotency_keys, {
                    "tenant_id": tenant_id, "key": key, "fingerprint": fingerprint,
                    "created_at": stamp,
                }, unique="idempotency_key")
            except Conflict:
                raise KeyInUse() from None  # the same key, claimed by a request at this moment

    def finish(self, claim: int, status: int, content_type: str | None, body: bytes) -> None:
        with self._db.write() as s:
            s.update(m.idempotency_keys, claim,
                     {"status": status, "content_type": content_type, "body": body})

    def abandon(self, claim: int) -> None:
        """Give the key up: the request failed, and a retry should run again."""
        with self._db.write() as s:
            s.execute(("idempotency.drop",),
                      lambda: m.idempotency_keys.delete().where(k.id == bp("id")), {"id": claim})
