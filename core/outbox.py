"""Emails the store owes, written in the same transaction as the change that caused them.

A separate mailer (``clientgate mailer``) delivers pending rows; nothing is ever sent from inside
a request, so a slow or failing mail server cannot slow or fail an API call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import models as m
from .clock import now
from .scope import Scope

if TYPE_CHECKING:
    from .clients import Person
    from .sql import Session
    from .store import Store

WELCOME_SUBJECT = "Welcome to your client account"
WELCOME_BODY = (
    "Hello {name},\n\n"
    "An account has been created for you as the primary contact of {company}.\n"
)


class Outbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    def enqueue_welcome(self, s: Session, scope: Scope, client_id: int, person: Person, *,
                        company: str) -> None:
        """Queue the welcome email for ``company``'s new primary user inside the caller's write
        (it commits or rolls back with it)."""
        bp = sa.bindparam
        columns = ("tenant_id", "client_id", "kind", "to_email", "to_name", "subject", "body",
                   "created_at")
        s.execute(
            ("outbox_insert",),
            lambda: m.outbox.insert().values({k: bp(f"v_{k}") for k in columns}),
            {"v_tenant_id": scope.tenant_id, "v_client_id": client_id,
             "v_kind": "client_welcome", "v_to_email": person.email,
             "v_to_name": person.full_name, "v_subject": WELCOME_SUBJECT,
             "v_body": WELCOME_BODY.format(name=person.full_name, company=company),
             "v_created_at": now()},
        )

    def pending(self, limit: int = 100, *, max_attempts: int | None = None) -> list[dict]:
        """Unsent emails, oldest first; with ``max_attempts``, only those tried fewer times."""
        o = m.outbox.c
        stmt = sa.select(m.outbox).where(o.sent_at.is_(None)).order_by(o.id).limit(limit)
        if max_attempts is not None:
            stmt = stmt.where(o.attempts < max_attempts)
        with self._store.read() as conn:
            return [r._asdict() for r in conn.execute(stmt)]

    def all(self, *, tenant_id: int) -> list[dict]:
        o = m.outbox.c
        with self._store.read() as conn:
            return [r._asdict() for r in conn.execute(
                sa.select(m.outbox).where(o.tenant_id == tenant_id).order_by(o.id))]

    def mark_sent(self, email_id: int) -> None:
        self._mark(email_id, sent_at=now(), last_error=None)

    def mark_failed(self, email_id: int, error: str) -> None:
        self._mark(email_id, last_error=error[:2000])

    def _mark(self, email_id: int, **values: Any) -> None:
        o = m.outbox
        with self._store.write() as conn:
            conn.execute(
                o.update().where(o.c.id == email_id)
                .values(attempts=o.c.attempts + 1, **values)
            )
