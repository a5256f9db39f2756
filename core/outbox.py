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
from .session import Session
from .sql import Statements
from .text import email_form

if TYPE_CHECKING:
    from .people import Person

WELCOME_SUBJECT = "Welcome to your client account"
WELCOME_BODY = (
    "Hello {name},\n\n"
    "An account has been created for you as the primary contact of {company}.\n"
)


class Outbox:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def enqueue_welcome(self, s: Session, scope: Scope, client_id: int, person: Person, *,
                        company: str) -> None:
        """Queue the welcome email for ``company``'s new primary user inside the caller's write
        (it commits or rolls back with it)."""
        s.insert(m.outbox, {
            "tenant_id": scope.tenant_id, "client_id": client_id, "kind": "client_welcome",
            "to_email": email_form(person.email), "to_name": person.full_name, "subject": WELCOME_SUBJECT,
            "body": WELCOME_BODY.format(name=person.full_name, company=company),
            "created_at": now(),
        })

    def pending(self, limit: int = 100, *, max_attempts: int | None = None) -> list[dict]:
        """Unsent emails, oldest first; with ``max_attempts``, only those tried fewer times."""
        o = m.outbox.c
        capped = max_attempts is not None
        with self._db.read() as s:
            return s.rows(
                ("outbox.pending", capped),
                lambda: sa.select(m.outbox).where(
                    o.sent_at.is_(None),
                    *([o.attempts < sa.bindparam("max_attempts")] if capped else []),
                ).order_by(o.id).limit(sa.bindparam("limit")),
                {"limit": limit, "max_attempts": max_attempts} if capped else {"limit": limit},
            )

    def counts(self, *, max_attempts: int) -> dict[str, int]:
        """Unsent emails: ``pending`` (to be tried again) and ``failed`` (tried
        ``max_attempts`` times: left for a person)."""
        o = m.outbox.c
        with self._db.read() as s:
            row = s.one(
                ("outbox.counts",),
                lambda: sa.select(
                    sa.func.count().label("unsent"),
                    sa.func.coalesce(sa.func.sum(sa.case(
                        (o.attempts >= sa.bindparam("max_attempts"), 1), else_=0)), 0
                    ).label("failed"),
                ).where(o.sent_at.is_(None)),
                {"max_attempts": max_attempts})
        assert row is not None  # an aggregate always answers one row
        unsent, failed = int(row["unsent"]), int(row["failed"])
        return {"pending": unsent - failed, "failed": failed}

    def all(self, *, tenant_id: int) -> list[dict]:
        o = m.outbox.c
        with self._db.read() as s:
            return s.rows(("outbox.all",),
                          lambda: sa.select(m.outbox).where(o.tenant_id == sa.bindparam("tenant_id"))
                          .order_by(o.id),
                          {"tenant_id": tenant_id})

    def mark_sent(self, email_id: int) -> None:
        self._mark(email_id, sent_at=now(), last_error=None)

    def mark_failed(self, email_id: int, error: str) -> None:
        self._mark(email_id, last_error=error[:2000])

    def _mark(self, email_id: int, **values: Any) -> None:
        o = m.outbox
        columns = tuple(sorted(values))
        with self._db.write() as s:
            s.execute(
                ("outbox.mark", columns),
                lambda: o.update().where(o.c.id == sa.bindparam("id"))
                .values(attempts=o.c.attempts + 1,
                        **{k: sa.bindparam(f"v_{k}") for k in columns}),
                {"id": email_id, **{f"v_{k}": v for k, v in values.items()}},
            )
