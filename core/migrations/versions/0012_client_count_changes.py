"""client_count_changes: changes to the kept counts, appended rather than applied

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Every create in a (tenant, workspace, category, status) group updated that group's row of
``client_counts`` (0009's triggers), and on PostgreSQL the row then stays locked until the
create commits: creates in a group queued behind each other. ``client_count_changes`` holds
such changes as rows of their own, appended (nothing to wait for), and ``core.counts`` folds
them into ``client_counts``. This revision only adds the table: the triggers still write
``client_counts`` (0013 moves PostgreSQL's to this table), and a total is read as the sum over
both. Additive: code at 0011 serves this schema, and code at this revision serves 0013's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Spelled out here, not imported from core.models: a migration must not change when models do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0011 serves this schema.
serves_from = '0011'


def upgrade() -> None:
    op.create_table(
        'client_count_changes',
        sa.Column('id', ID, primary_key=True),
        sa.Column('tenant_id', ID, nullable=False),
        sa.Column('workspace_id', ID, nullable=False),
        sa.Column('category_id', ID, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('clients', sa.BigInteger(), nullable=False),
    )
    op.create_index('ix_client_count_changes_group', 'client_count_changes',
                    ['tenant_id', 'workspace_id', 'category_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_client_count_changes_group', table_name='client_count_changes')
    op.drop_table('client_count_changes')
