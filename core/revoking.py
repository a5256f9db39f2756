"""Revoking: a row marked once (a second revocation keeps the first time), and the Bearer
credentials that hang off it. Keys, accounts and OAuth2 clients are revoked this one way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from .session import Session


def revoke_row(s: Session, table: sa.Table, row_id: int, columns: Sequence[sa.Column], *,
               when: datetime, tenant_id: int | None = None) -> dict | None:
    """Mark ``table``'s row ``row_id`` revoked at ``when`` (only if it is ``tenant_id``'s, given
    one); its ``columns`` after, or None when there is no such row."""
    scoped = tenant_id is not None
    c = table.c
    return s.one(
        ("revoke", table.name, scoped, tuple(col.name for col in columns)),
        lambda: table.update()
        .where(c.id == sa.bindparam("id"),
               *([c.tenant_id == sa.bindparam("tenant_id")] if scoped else []))
        .values(revoked_at=sa.func.coalesce(c.revoked_at, sa.bindparam("now")))
        .returning(*columns),
        {"id": row_id, "now": when, **({"tenant_id": tenant_id} if scoped else {})})


def revoke_issued(s: Session, column: sa.Column, value: int, when: datetime) -> None:
    """Revoke every credential of ``column``'s table (a key, a refresh token) whose ``column``
    is ``value`` and that is not revoked yet."""
    table = column.table
    s.execute(("revoke_issued", table.name, column.name),
              lambda: table.update()
              .where(column == sa.bindparam("value"), table.c.revoked_at.is_(None))
              .values(revoked_at=sa.bindparam("now")),
              {"value": value, "now": when})
