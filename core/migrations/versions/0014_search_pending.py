"""client_search_pending: clients whose search entry is yet to be written (SQLite)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

0010's triggers write a client's FTS5 entry in the transaction of its create or rename, and a
transaction that writes to FTS5 flushes a segment of its own: about 110 µs and 30 KB written
for a single client, against 15 µs and 2 KB each for a hundred at once. This revision only adds
the table of the clients whose entry is missing or stale (a row of ``client_search_rows`` each);
0015 moves the triggers to it, and ``core.search_index`` writes the entries in batches. A search
reads the index for the clients not listed and matches the listed ones by ``LIKE``, so it is
exact whichever state a client is in. The table is empty here, and stays so under 0010's
triggers: code at 0013 serves this schema, and code at this revision serves 0015's.
PostgreSQL is unchanged (its trigram indexes are 0008's).
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0013 serves this schema.
serves_from = '0013'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute('CREATE TABLE client_search_pending (row INTEGER PRIMARY KEY)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute('DROP TABLE IF EXISTS client_search_pending')
