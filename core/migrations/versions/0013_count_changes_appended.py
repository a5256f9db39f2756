"""client_counts: PostgreSQL's triggers append changes instead of updating a group's row

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

0009's triggers updated a group's row of ``client_counts`` in the transaction of the change, so
on PostgreSQL every create in a group waited for the one before it to commit: 225 creates a
second at most under load, each waiting on the row's lock. The triggers now append the change
to ``client_count_changes`` (0012), which no other transaction waits on; ``core.counts`` folds
the changes into ``client_counts`` (the gateway, every second) and reads a total as the sum over
both, exact at any moment. Still statement triggers with transition tables: one row per group
for an import's batch. SQLite is unchanged: its writes are serialised, and its triggers keep
``client_counts`` directly.

Not additive: code at 0011 reads ``client_counts`` alone and would miss the changes not yet
folded, so it turns unready; code at 0012 serves this schema.
"""

from __future__ import annotations

import importlib

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None
#: Code at 0012 reads totals over both tables, so it serves this schema.
serves_from = '0012'

KEY = "tenant_id, workspace_id, category_id, status"
_APPEND = (f"INSERT INTO client_count_changes ({KEY}, clients) "
           f"SELECT {KEY}, {{sign}}count(*) FROM {{rows}} GROUP BY {KEY}")

APPENDING = [
    f"""CREATE OR REPLACE FUNCTION client_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_APPEND.format(sign='', rows='added')};
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION client_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_APPEND.format(sign='-', rows='removed')};
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION client_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO client_count_changes ({KEY}, clients) VALUES
            (OLD.tenant_id, OLD.workspace_id, OLD.category_id, OLD.status, -1),
            (NEW.tenant_id, NEW.workspace_id, NEW.category_id, NEW.status, 1);
        RETURN NULL;
    END $$""",
]

# 0009's functions, in 0009's own words (a migration is never edited: its text is fixed).
_0009 = importlib.import_module("core.migrations.versions.0009_client_counts")
UPDATING = [statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
            for statement in _0009.POSTGRESQL if statement.startswith("CREATE FUNCTION")]
# Every change folded into client_counts, as core.counts does, before the old triggers return.
FOLD = [
    "LOCK TABLE client_count_changes IN EXCLUSIVE MODE",
    f"""WITH moved AS (DELETE FROM client_count_changes RETURNING {KEY}, clients)
    INSERT INTO client_counts ({KEY}, clients)
    SELECT {KEY}, sum(clients) FROM moved WHERE tenant_id IN (SELECT id FROM tenants)
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET clients = client_counts.clients + excluded.clients""",
    "DELETE FROM client_counts WHERE clients = 0",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in APPENDING:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in [*UPDATING, *FOLD]:
            op.execute(statement)
