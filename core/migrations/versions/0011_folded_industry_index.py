"""clients: an index of the case-folded industry

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Talynce filters clients by industry regardless of case (``folded(industry) = :industry``): the
index of ``industry`` as stored could not answer it, and a tenant's clients were read one by one
(about 0.7 s at a million clients on SQLite, 0.5 s on PostgreSQL). This index is of the folded
value: ``cg_fold`` on SQLite (a function clientgate's connections define, as the search
triggers of 0010 use), ``lower`` on PostgreSQL. It replaces the index of the stored value,
which nothing reads (no dialect sorts by industry), and which SQLite's planner preferred, as
it holds the column whole, to the new one. PostgreSQL then analyses ``clients``, so that its
planner knows the folded values (and those of 0008's trigram expressions). Indexes only: code
at 0010 serves this schema.
"""

from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0010 serves this schema.
serves_from = '0010'


def upgrade() -> None:
    fold = 'cg_fold' if op.get_bind().dialect.name == 'sqlite' else 'lower'
    op.execute('CREATE INDEX ix_clients_tenant_industry_folded ON clients '
               f'(tenant_id, {fold}(industry), id)')
    op.drop_index('ix_clients_tenant_industry', table_name='clients')
    if fold == 'lower':
        # The planner knows an indexed expression's values only once the table is analysed,
        # and autovacuum analyses after writes, not after an index is made: until then it
        # guesses, and walked a million clients in date order for 200 of one industry.
        op.execute('ANALYZE clients')


def downgrade() -> None:
    op.create_index('ix_clients_tenant_industry', 'clients', ['tenant_id', 'industry', 'id'])
    op.execute('DROP INDEX IF EXISTS ix_clients_tenant_industry_folded')
