"""client_counts: totals kept per tenant, workspace, category and status

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A list's total was ``count(*)`` of the tenant's matching clients: at a million clients, most of
a page's time. ``client_counts`` holds how many clients each (tenant, workspace, category,
status) has, filled here from the clients there are and kept from then on by triggers on
``clients`` in the same transaction as the change, whichever path makes it (a create, an
import's batch insert, a status or category change, a delete, a tenant's cascade). A total
that filters by nothing but those columns is then a sum of a few rows (``core.counts``).

SQLite gets row triggers. PostgreSQL gets statement triggers with transition tables for inserts
and deletes (one grouped upsert for an import's batch of a thousand, not a thousand upserts),
and a row trigger for an update that moves a client between groups. A group that empties is
deleted, so a deleted workspace or category leaves nothing behind. Additive: code at 0008
serves this schema (the triggers keep the counts whatever writes the clients).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Spelled out here, not imported from core.models: a migration must not change when models do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0008 serves this schema.
serves_from = '0008'

KEY = "tenant_id, workspace_id, category_id, status"
SAME = ("tenant_id = {row}.tenant_id AND workspace_id = {row}.workspace_id "
        "AND category_id = {row}.category_id AND status = {row}.status")

SQLITE = [
    f"""CREATE TRIGGER tr_client_counts_insert AFTER INSERT ON clients BEGIN
        INSERT INTO client_counts ({KEY}, clients)
        VALUES (new.tenant_id, new.workspace_id, new.category_id, new.status, 1)
        ON CONFLICT ({KEY}) DO UPDATE SET clients = clients + 1;
    END""",
    f"""CREATE TRIGGER tr_client_counts_delete AFTER DELETE ON clients BEGIN
        UPDATE client_counts SET clients = clients - 1 WHERE {SAME.format(row='old')};
        DELETE FROM client_counts WHERE {SAME.format(row='old')} AND clients = 0;
    END""",
    f"""CREATE TRIGGER tr_client_counts_update AFTER UPDATE OF {KEY} ON clients
    WHEN old.tenant_id IS NOT new.tenant_id OR old.workspace_id IS NOT new.workspace_id
      OR old.category_id IS NOT new.category_id OR old.status IS NOT new.status BEGIN
        UPDATE client_counts SET clients = clients - 1 WHERE {SAME.format(row='old')};
        DELETE FROM client_counts WHERE {SAME.format(row='old')} AND clients = 0;
        INSERT INTO client_counts ({KEY}, clients)
        VALUES (new.tenant_id, new.workspace_id, new.category_id, new.status, 1)
        ON CONFLICT ({KEY}) DO UPDATE SET clients = clients + 1;
    END""",
]

# Groups are upserted in key order, so two transactions touching the same groups lock them in
# the same order.
_ADD = f"""INSERT INTO client_counts ({KEY}, clients)
    SELECT {KEY}, count(*) FROM {{rows}} GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET clients = client_counts.clients + excluded.clients"""
_TAKE = f"""UPDATE client_counts k SET clients = k.clients - d.n
    FROM (SELECT {KEY}, count(*) AS n FROM {{rows}} GROUP BY {KEY}) d
    WHERE k.tenant_id = d.tenant_id AND k.workspace_id = d.workspace_id
      AND k.category_id = d.category_id AND k.status = d.status"""
_EMPTIED = f"""DELETE FROM client_counts k USING (SELECT DISTINCT {KEY} FROM {{rows}}) d
    WHERE k.clients = 0 AND k.tenant_id = d.tenant_id AND k.workspace_id = d.workspace_id
      AND k.category_id = d.category_id AND k.status = d.status"""

_ROW = ("(SELECT {row}.tenant_id AS tenant_id, {row}.workspace_id AS workspace_id, "
        "{row}.category_id AS category_id, {row}.status AS status) AS one")

POSTGRESQL = [
    f"""CREATE FUNCTION client_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_ADD.format(rows='added')};
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION client_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_TAKE.format(rows='removed')};
        {_EMPTIED.format(rows='removed')};
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION client_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_TAKE.format(rows=_ROW.format(row='OLD'))};
        {_EMPTIED.format(rows=_ROW.format(row='OLD'))};
        {_ADD.format(rows=_ROW.format(row='NEW'))};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER tr_client_counts_insert AFTER INSERT ON clients
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION client_counts_added()""",
    """CREATE TRIGGER tr_client_counts_delete AFTER DELETE ON clients
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION client_counts_removed()""",
    f"""CREATE TRIGGER tr_client_counts_update AFTER UPDATE OF {KEY} ON clients FOR EACH ROW
    WHEN ((OLD.tenant_id, OLD.workspace_id, OLD.category_id, OLD.status)
          IS DISTINCT FROM (NEW.tenant_id, NEW.workspace_id, NEW.category_id, NEW.status))
    EXECUTE FUNCTION client_counts_moved()""",
]


def upgrade() -> None:
    op.create_table(
        'client_counts',
        sa.Column('tenant_id', ID, nullable=False),
        sa.Column('workspace_id', ID, autoincrement=False, nullable=False),
        sa.Column('category_id', ID, autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('clients', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tenant_id', 'workspace_id', 'category_id', 'status'),
    )
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:  # no client may change between the fill and the triggers
        op.execute('LOCK TABLE clients IN SHARE MODE')
    op.execute(f'INSERT INTO client_counts ({KEY}, clients) '
               f'SELECT {KEY}, count(*) FROM clients GROUP BY {KEY}')
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS tr_client_counts_{trigger}'
                   + (' ON clients' if op.get_bind().dialect.name == 'postgresql' else ''))
    if op.get_bind().dialect.name == 'postgresql':
        for function in ('added', 'removed', 'moved'):
            op.execute(f'DROP FUNCTION IF EXISTS client_counts_{function}()')
    op.drop_table('client_counts')
