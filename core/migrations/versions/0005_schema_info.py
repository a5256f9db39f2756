"""schema info: what a schema records about itself for instances of other versions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

``schema_info`` holds named values; ``core.migrate.upgrade`` writes ``serves_from`` there, the
oldest code revision that serves the schema (see ``core.migrate`` on rolling upgrades). Adding a
table is additive, so code at 0004 serves this schema (it does not read the table, so it cannot
know that; versions from this one on do).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0004 serves this schema.
serves_from = '0004'


def upgrade() -> None:
    op.create_table('schema_info',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('schema_info')
