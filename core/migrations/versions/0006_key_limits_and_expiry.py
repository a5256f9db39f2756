"""keys and tenants: rate limits, expiry, last use

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

``tenants.rate_limit`` and ``api_keys.rate_limit`` override the gateway's default rate limit
(``10/second``, ``60 per minute``: the grammar of the ``limits`` library); ``api_keys.expires_at``
ends a key (Full Engage's keys always have one; a rotated key keeps working until its grace
period ends); ``api_keys.last_used_at`` says when a key was last seen, to about a minute.
Every column is nullable and new: code at 0005 serves this schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0005 serves this schema.
serves_from = '0005'


def upgrade() -> None:
    with op.batch_alter_table('tenants') as batch:
        batch.add_column(sa.Column('rate_limit', sa.String(length=64), nullable=True))
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('rate_limit', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('last_used_at')
        batch.drop_column('expires_at')
        batch.drop_column('rate_limit')
    with op.batch_alter_table('tenants') as batch:
        batch.drop_column('rate_limit')
