"""ix_clients_tenant_id: dropped on PostgreSQL, where it repeats the primary key

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

``ix_clients_tenant_id`` indexes ``(tenant_id, id)``, which is the primary key: on PostgreSQL the
planner answers from either, and every create inserted an entry into both at the same hot end
of the id order. Dropping it measured about 1.07x the creates over HTTP (``docs/decisions.md``).
SQLite keeps it: ``core.search.BY_ID`` names it in an ``INDEXED BY`` hint. Additive for the
code: no statement of revision 0015's names it on PostgreSQL, so that code serves this schema.
"""

from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None
#: Code at 0015 reads the primary key where the planner chose this index.
serves_from = '0015'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP INDEX IF EXISTS ix_clients_tenant_id')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_clients_tenant_id', 'clients', ['tenant_id', 'id'], unique=False,
                    if_not_exists=True)
