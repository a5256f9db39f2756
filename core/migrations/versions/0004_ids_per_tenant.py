"""ids per tenant: every id a dialect shows is numbered within its tenant, and never given twice

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Clients, workspaces, categories and users get the primary key ``(tenant_id, id)``, and the
tables that point at them point at both halves; a client's ``uuid`` is unique within its tenant
(and may be a vendor's own string id, up to 255 characters); a client records the dialect it was
imported through (``origin``). Each tenant gets one counter per numbered table.

Every row keeps its id: the ids were unique across tenants, so they are unique within each. The
counters start past the highest id the database ever gave (PostgreSQL's sequences remember ids of
deleted rows; on SQLite, past the highest id there is), so no id an integration may still hold is
given again. The tables are rebuilt (their rows are copied aside, the tables created anew and the
rows copied back), the one way that changes a primary key on both databases. There is no way
back: once two tenants have the same id, the old schema cannot hold them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Spelled out here, not imported from core.models: a migration must not change when models do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: The numbered tables and their tenant counters.
NUMBERED = {"clients": "next_client_id", "workspaces": "next_workspace_id",
            "client_categories": "next_category_id", "client_users": "next_user_id"}
#: Every table rebuilt, parents first.
REBUILT = ("workspaces", "client_categories", "api_keys", "clients", "client_tags",
           "client_users", "client_custom_values", "outbox_emails")


def _only_one(name: str, table: sa.Table, *columns: str, flag: str) -> sa.Index:
    where = sa.text(flag)
    return sa.Index(name, *(table.c[c] for c in columns), unique=True, sqlite_where=where,
                    postgresql_where=where)


def _of_tenant(column: str, target: str, *, ondelete: str, name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id", column], [f"{target}.tenant_id", f"{target}.id"],
                                   ondelete=ondelete, name=name)


def _tenant_key() -> sa.Column:
    return sa.Column("tenant_id", ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"),
                     primary_key=True)


def _number() -> sa.Column:
    return sa.Column("id", ID, primary_key=True, autoincrement=False)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _text(name: str, length: int | None = None) -> sa.Column:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=True)


def schema() -> sa.MetaData:
    """The rebuilt tables as this revision defines them."""
    md = sa.MetaData()
    sa.Table("tenants", md, sa.Column("id", ID, primary_key=True))
    sa.Table("custom_fields", md, sa.Column("id", ID, primary_key=True))
    workspaces = sa.Table(
        "workspaces", md, _tenant_key(), _number(),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("name", sa.String(255), nullable=False), _flag("is_default"), _created(),
        sa.UniqueConstraint("tenant_id", "slug", name="uq_workspaces_tenant_slug"))
    _only_one("uq_workspaces_one_default", workspaces, "tenant_id", flag="is_default")
    categories = sa.Table(
        "client_categories", md, _tenant_key(), _number(),
        sa.Column("name", sa.String(255), nullable=False), _flag("is_default"), _created(),
        sa.UniqueConstraint("tenant_id", "name", name="uq_client_categories_tenant_name"))
    _only_one("uq_client_categories_one_default", categories, "tenant_id", flag="is_default")
    keys = sa.Table(
        "api_keys", md, sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("workspace_id", ID, nullable=True), _text("name", 255),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True), _created(),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _of_tenant("workspace_id", "workspaces", ondelete="CASCADE",
                   name="fk_api_keys_workspace"))
    sa.Index("ix_api_keys_tenant_id", keys.c.tenant_id)
    clients = sa.Table(
        "clients", md, _tenant_key(), _number(),
        sa.Column("uuid", sa.String(255), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("category_id", ID, nullable=False),
        _text("origin", 50),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _text("description"), _text("notes"), _text("email", 255), _text("phone", 50),
        _text("website", 2048), _text("address"), _text("contact_person", 255),
        _text("industry", 255), _text("vat", 50), _text("billing_street", 255),
        _text("billing_city", 255), _text("billing_state", 255), _text("billing_zip", 50),
        _text("billing_country", 255),
        sa.Column("billing_invoice_due_days", sa.Integer(), nullable=True),
        _text("shipping_street", 255), _text("shipping_city", 255),
        _text("shipping_state", 255), _text("shipping_zip", 50), _text("shipping_country", 255),
        sa.Column("metadata", JSON_DOC, nullable=False),
        *(sa.Column(n, sa.Integer(), server_default="0", nullable=False)
          for n in ("projects_count", "jobs_count", "active_jobs_count")),
        sa.Column("invoices_total", sa.Numeric(14, 2), server_default="0", nullable=False),
        _created(), sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('active', 'inactive')", name="ck_clients_status"),
        sa.UniqueConstraint("tenant_id", "uuid", name="uq_clients_tenant_uuid"),
        _of_tenant("workspace_id", "workspaces", ondelete="RESTRICT", name="fk_clients_workspace"),
        _of_tenant("category_id", "client_categories", ondelete="RESTRICT",
                   name="fk_clients_category"))
    for name, column in (("id", None), ("workspace", "workspace_id"), ("created", "created_at"),
                         ("updated", "updated_at"), ("name", "name"), ("phone", "phone"),
                         ("status", "status"), ("industry", "industry"),
                         ("category", "category_id")):
        sa.Index(f"ix_clients_tenant_{name}", clients.c.tenant_id,
                 *([clients.c[column]] if column else []), clients.c.id)
    sa.Table(
        "client_tags", md, sa.Column("tenant_id", ID, primary_key=True),
        sa.Column("client_id", ID, primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.UniqueConstraint("tenant_id", "client_id", "title", name="uq_client_tags_title"),
        _of_tenant("client_id", "clients", ondelete="CASCADE", name="fk_client_tags_client"))
    users = sa.Table(
        "client_users", md, _tenant_key(), _number(), sa.Column("client_id", ID, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("email_key", sa.String(255), nullable=False), _flag("is_owner"), _created(),
        sa.UniqueConstraint("tenant_id", "email_key", name="uq_client_users_tenant_email"),
        sa.CheckConstraint("kind IN ('user', 'contact')", name="ck_client_users_kind"),
        _of_tenant("client_id", "clients", ondelete="CASCADE", name="fk_client_users_client"))
    sa.Index("ix_client_users_client", users.c.tenant_id, users.c.client_id)
    _only_one("uq_client_users_one_owner", users, "tenant_id", "client_id", flag="is_owner")
    sa.Table(
        "client_custom_values", md, sa.Column("tenant_id", ID, primary_key=True),
        sa.Column("client_id", ID, primary_key=True),
        sa.Column("field_id", ID, sa.ForeignKey("custom_fields.id", ondelete="CASCADE"),
                  primary_key=True),
        _text("value"),
        _of_tenant("client_id", "clients", ondelete="CASCADE",
                   name="fk_client_custom_values_client"))
    outbox = sa.Table(
        "outbox_emails", md, sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("to_email", sa.String(255), nullable=False), _text("to_name", 255),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False), _created(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _text("last_error"))
    sa.Index("ix_outbox_emails_pending", outbox.c.sent_at, outbox.c.id)
    return md


def _first_free(conn: sa.Connection, table: str) -> int:
    """An id past every id ``table`` holds and, on PostgreSQL, every id its sequence gave."""
    free = (conn.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar() or 0) + 1
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": table}).scalar()
        if sequence:
            free = max(free, conn.execute(sa.text("SELECT nextval(:s)"), {"s": sequence}).scalar())
    return free


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    starts = {counter: _first_free(conn, table) for table, counter in NUMBERED.items()}
    serials = {table: _first_free(conn, table) for table in ("api_keys", "outbox_emails")}
    for counter, start in starts.items():
        op.add_column("tenants", sa.Column(counter, ID, nullable=False, server_default="1"))
        conn.execute(sa.text(f"UPDATE tenants SET {counter} = :start"), {"start": start})
    if sqlite:
        # Foreign keys are checked at COMMIT, once every table is whole again.
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for table in REBUILT:
        conn.exec_driver_sql(f"CREATE TABLE held_{table} AS SELECT * FROM {table}")
    for table in reversed(REBUILT):
        op.drop_table(table)
    md = schema()
    for table in REBUILT:
        md.tables[table].create(conn)
    for table in REBUILT:
        target = md.tables[table]
        columns = [c.name for c in target.c]
        if table in ("client_tags", "client_custom_values"):
            # The tenant comes from the client.
            old = ["c.tenant_id" if c == "tenant_id" else f"h.{c}" for c in columns]
            source = f"held_{table} h JOIN held_clients c ON c.id = h.client_id"
        else:
            old = [("NULL" if c == "origin" else f"h.{c}") for c in columns]
            source = f"held_{table} h"
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) "
                             f"SELECT {', '.join(old)} FROM {source}")
    if not sqlite:
        for table, first in serials.items():
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 ":first, false)"), {"first": first})
    for table in REBUILT:
        conn.exec_driver_sql(f"DROP TABLE held_{table}")


def downgrade() -> None:
    raise NotImplementedError(
        "0004 has no downgrade: ids are per tenant from here on, and two tenants may now hold "
        "the same id, which the earlier schema cannot store; restore a backup instead")
