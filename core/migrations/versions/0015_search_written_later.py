"""client_search: a create or rename lists the client as pending instead of indexing it (SQLite)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

0010's insert and update triggers wrote the client's FTS5 entry in the write's own transaction:
most of a create's cost on SQLite, and of an import's. They now list the client in
``client_search_pending`` (0014), and ``core.search_index`` writes the entries later, many to a
transaction (the gateway's upkeep, an import when it ends). The delete trigger still removes
the entry at once, and its listing. An update lists the client only when a searched value
changes. Not additive: code at 0013 reads the index alone and would miss the pending clients,
so it turns unready; code at 0014 serves this schema. Downgrading writes every pending entry
first, then puts 0010's triggers back.
"""

from __future__ import annotations

import importlib

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None
#: Code at 0014 searches the pending clients too, so it serves this schema.
serves_from = '0014'

_0010 = importlib.import_module("core.migrations.versions.0010_sqlite_search_index")
COLUMNS = _0010.COLUMNS
_ROW_OF = _0010._ROW_OF
_CHANGED = ' OR '.join(f'old.{col} IS NOT new.{col}' for col in COLUMNS)

LISTING = [
    """CREATE TRIGGER tr_client_search_insert AFTER INSERT ON clients BEGIN
        INSERT INTO client_search_rows (tenant_id, client_id) VALUES (new.tenant_id, new.id);
        INSERT INTO client_search_pending (row) VALUES (last_insert_rowid());
    END""",
    f"""CREATE TRIGGER tr_client_search_delete AFTER DELETE ON clients BEGIN
        DELETE FROM client_search WHERE rowid = {_ROW_OF.format(row='old')};
        DELETE FROM client_search_pending WHERE row = {_ROW_OF.format(row='old')};
        DELETE FROM client_search_rows WHERE tenant_id = old.tenant_id AND client_id = old.id;
    END""",
    f"""CREATE TRIGGER tr_client_search_update AFTER UPDATE OF {_0010._LIST} ON clients
        WHEN {_CHANGED} BEGIN
        INSERT OR IGNORE INTO client_search_pending (row) VALUES ({_ROW_OF.format(row='new')});
    END""",
]

#: Every pending entry written, as ``core.search_index`` writes a batch (a stale entry first
#: removed), and the list emptied.
CATCH_UP = [
    'DELETE FROM client_search WHERE rowid IN (SELECT row FROM client_search_pending)',
    f"INSERT INTO client_search (rowid, {_0010._LIST}) "
    f"SELECT r.id, {', '.join(f'cg_fold(c.{col})' for col in COLUMNS)} "
    'FROM client_search_pending p CROSS JOIN client_search_rows r ON r.id = p.row '
    'CROSS JOIN clients c ON c.tenant_id = r.tenant_id AND c.id = r.client_id',
    'DELETE FROM client_search_pending',
]


def _triggers(statements: list[str]) -> None:
    for trigger in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS tr_client_search_{trigger}')
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    _triggers(LISTING)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in CATCH_UP:
        op.execute(statement)
    _triggers([s for s in _0010.STATEMENTS if s.lstrip().startswith('CREATE TRIGGER')])
