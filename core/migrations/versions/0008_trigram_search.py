"""clients: substring search through trigram indexes (PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Every dialect's search is a case-folded substring match (``lower(column) LIKE '%term%'``) on
some of ``name``, ``email``, ``phone`` and ``contact_person``. Without an index such a match
reads every client of the tenant. On PostgreSQL each of those columns gets a GIN index of its
``lower()`` trigrams (the ``pg_trgm`` extension, trusted since PostgreSQL 13, so a database
owner may create it), which the planner uses for ``LIKE`` with a pattern of three characters or
more; results are the same rows as before, the index only finds them. SQLite is unchanged.
Indexes only: code at 0007 serves this schema.
"""

from __future__ import annotations

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0007 serves this schema.
serves_from = '0007'

#: The columns a dialect searches (``core.queries.SEARCHABLE``, less ``notes``, which none does).
COLUMNS = ('name', 'email', 'phone', 'contact_person')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for column in COLUMNS:
        op.execute(f'CREATE INDEX ix_clients_search_{column} ON clients '
                   f'USING gin (lower({column}) gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for column in COLUMNS:
        op.execute(f'DROP INDEX IF EXISTS ix_clients_search_{column}')
