"""clients: substring search through an FTS5 trigram index (SQLite)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

SQLite's search was ``cg_fold(column) LIKE '%term%'`` over every client of the tenant, a Python
call a row and column: about a second at a million clients. ``client_search`` is an FTS5 table
of the searched columns (``name``, ``email``, ``phone``, ``contact_person``) as ``cg_fold``
folds them, tokenized into trigrams with no folding of its own, so a phrase is found exactly
where the folded text holds it (``core.search``). ``client_search_rows`` numbers each client for
the index (an ``INTEGER PRIMARY KEY``, which ``VACUUM`` keeps). Both are filled here from the
clients there are and kept by triggers on ``clients``. PostgreSQL is unchanged (its trigram
indexes are 0008's). Additive: code at 0009 serves this schema.

The insert and update triggers call ``cg_fold``, which clientgate's connections define: a
write to ``clients`` from a plain ``sqlite3`` shell fails with "no such function: cg_fold"
(reads work). ``docs/operations.md`` says so.
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0009 serves this schema.
serves_from = '0009'

COLUMNS = ('name', 'email', 'phone', 'contact_person')
_LIST = ', '.join(COLUMNS)
_ROW_OF = ('(SELECT id FROM client_search_rows '
           'WHERE tenant_id = {row}.tenant_id AND client_id = {row}.id)')

STATEMENTS = [
    'CREATE TABLE client_search_rows (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, '
    'client_id INTEGER NOT NULL, UNIQUE (tenant_id, client_id))',
    f"CREATE VIRTUAL TABLE client_search USING fts5({_LIST}, "
    "tokenize = 'trigram case_sensitive 1', columnsize = 0)",
    'INSERT INTO client_search_rows (tenant_id, client_id) '
    'SELECT tenant_id, id FROM clients ORDER BY tenant_id, id',
    f"INSERT INTO client_search (rowid, {_LIST}) "
    f"SELECT r.id, {', '.join(f'cg_fold(c.{col})' for col in COLUMNS)} "
    'FROM client_search_rows r JOIN clients c ON c.tenant_id = r.tenant_id AND c.id = r.client_id',
    f"""CREATE TRIGGER tr_client_search_insert AFTER INSERT ON clients BEGIN
        INSERT INTO client_search_rows (tenant_id, client_id) VALUES (new.tenant_id, new.id);
        INSERT INTO client_search (rowid, {_LIST}) VALUES (last_insert_rowid(),
            {', '.join(f'cg_fold(new.{col})' for col in COLUMNS)});
    END""",
    f"""CREATE TRIGGER tr_client_search_delete AFTER DELETE ON clients BEGIN
        DELETE FROM client_search WHERE rowid = {_ROW_OF.format(row='old')};
        DELETE FROM client_search_rows WHERE tenant_id = old.tenant_id AND client_id = old.id;
    END""",
    f"""CREATE TRIGGER tr_client_search_update AFTER UPDATE OF {_LIST} ON clients BEGIN
        UPDATE client_search SET {', '.join(f'{col} = cg_fold(new.{col})' for col in COLUMNS)}
        WHERE rowid = {_ROW_OF.format(row='new')};
    END""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for trigger in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS tr_client_search_{trigger}')
    op.execute('DROP TABLE IF EXISTS client_search')
    op.execute('DROP TABLE IF EXISTS client_search_rows')
