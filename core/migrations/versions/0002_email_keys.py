"""email keys in one normal form: NFKC, then case folded

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Until now an address was compared lowered only, so "ｊａｎｅ@x" (full-width) and "jane@x", or an
NFD and an NFC "é", were different people. Every key is rewritten as ``core.text.email_key``
writes it, in batches. Two existing rows that fold to the same key keep their old keys (both
people exist; neither is changed behind an operator's back); every new address is compared with
both. No row or id changes; nothing to undo on downgrade but the keys' form.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

users = sa.table("client_users", sa.column("id"), sa.column("tenant_id"), sa.column("email"),
                 sa.column("email_key"))


def key(address: str) -> str:
    # Spelled out, not imported from core.text: a migration must not change when the code does.
    return unicodedata.normalize("NFKC", address).casefold()


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.tenant_id, users.c.email,
                                  users.c.email_key)).all()
    wanted = {row.id: key(row.email) for row in rows}
    taken = Counter((row.tenant_id, wanted[row.id]) for row in rows)
    changes = [{"row_id": row.id, "new_key": wanted[row.id]} for row in rows
               if wanted[row.id] != row.email_key and taken[(row.tenant_id, wanted[row.id])] == 1]
    if changes:
        conn.execute(users.update().where(users.c.id == sa.bindparam("row_id"))
                     .values(email_key=sa.bindparam("new_key")), changes)


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.email)).all()
    if rows:
        conn.execute(users.update().where(users.c.id == sa.bindparam("row_id"))
                     .values(email_key=sa.bindparam("old_key")),
                     [{"row_id": r.id, "old_key": r.email.lower()} for r in rows])
