"""The tables of the client store.

One schema serves all five dialects: a client row holds the union of every vendor's fields, and
the dialects choose which of them they show.

Every id a dialect shows (a client's, a workspace's, a category's, a user's) is numbered per
tenant: those tables' primary key is ``(tenant_id, id)``, and ``id`` comes from the tenant's own
counter (``core.numbering``), which only goes up, so an id is never given twice in a tenant and
says nothing about any other tenant. An import may set an id; the counter then moves past it.

The services read and write these tables through SQLAlchemy Core (``Model.__table__``), never through ORM sessions: a gateway request is a single
statement or two, and the ORM's identity map and unit of work would cost more than the query.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from .text import folded

# SQLite only auto-increments an ``INTEGER PRIMARY KEY``; PostgreSQL gets 64-bit ids.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTCDateTime = sa.DateTime(timezone=True)
#: A rate limit as the ``limits`` library writes one (``100/minute``, ``10 per 2 seconds``).
RATE_LIMIT_MAX = 64

NAME_MAX = 255
SHORT_MAX = 50
EMAIL_MAX = 255
URL_MAX = 2048
TEXT_MAX = 65_535
SLUG_MAX = 100
IDEMPOTENCY_KEY_MAX = 255
#: The longest string id a vendor may have given a client (GitScrum's uuids are its own strings).
EXTERNAL_ID_MAX = 255


def _id(**kw: Any) -> Any:
    return Field(default=None, sa_column=sa.Column(ID, primary_key=True, autoincrement=True), **kw)


def _tenant_key() -> Any:
    """``tenant_id`` as the first half of a per-tenant primary key."""
    return Field(sa_column=sa.Column(
        ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True))


def _number() -> Any:
    """``id`` as the second half of a per-tenant primary key (given by ``core.numbering``)."""
    return Field(default=None, sa_column=sa.Column(ID, primary_key=True, autoincrement=False))


def _of_tenant(columns: list[str], table: str, *, ondelete: str,
               name: str) -> sa.ForeignKeyConstraint:
    """A reference to a per-tenant row: ``(tenant_id, <column>)`` to ``table(tenant_id, id)``."""
    return sa.ForeignKeyConstraint(["tenant_id", *columns], [f"{table}.tenant_id", f"{table}.id"],
                                   ondelete=ondelete, name=name)


def _fk(target: str, *, ondelete: str, nullable: bool = False, index: bool = False,
        name: str | None = None) -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(
            ID, sa.ForeignKey(target, ondelete=ondelete, name=name), nullable=nullable,
            index=index
        ),
    )


def _ts() -> Any:
    return Field(sa_column=sa.Column(UTCDateTime, nullable=False))


def _flag() -> Any:
    return Field(
        default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    )


def _counter() -> Any:
    return Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))


def _only_one(name: str, *columns: str, flag: str) -> sa.Index:
    """A partial unique index: at most one row per ``columns`` value has ``flag`` set."""
    where = sa.text(flag)
    return sa.Index(name, *columns, unique=True, sqlite_where=where, postgresql_where=where)


def _text(length: int | None = None, *, nullable: bool = True) -> Any:
    type_ = sa.String(length) if length else sa.Text()
    return Field(default=None, sa_column=sa.Column(type_, nullable=nullable))


def _next() -> Any:
    return Field(default=1, sa_column=sa.Column(ID, nullable=False, server_default="1"))


class Tenant(SQLModel, table=True):
    """A tenant, with the next id of each of its numbered tables (``core.numbering``)."""

    __tablename__ = "tenants"

    id: int | None = _id()
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False, unique=True))
    created_at: datetime = _ts()
    next_client_id: int = _next()
    next_workspace_id: int = _next()
    next_category_id: int = _next()
    next_user_id: int = _next()
    #: The rate limit of the tenant's keys (``10/second``; None: the gateway's default).
    rate_limit: str | None = _text(RATE_LIMIT_MAX)


class Workspace(SQLModel, table=True):
    """A tenant's workspace: Outlign's ``company_id`` and GitScrum's ``company_slug``."""

    __tablename__ = "workspaces"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "slug", name="uq_workspaces_tenant_slug"),
        _only_one("uq_workspaces_one_default", "tenant_id", flag="is_default"),
    )

    tenant_id: int = _tenant_key()
    id: int | None = _number()
    slug: str = Field(sa_column=sa.Column(sa.String(SLUG_MAX), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    is_default: bool = _flag()
    created_at: datetime = _ts()


class ApiKey(SQLModel, table=True):
    """An API key. Only the SHA-256 of the secret is kept; ``prefix`` identifies it to people."""

    __tablename__ = "api_keys"
    __table_args__ = (
        _of_tenant(["workspace_id"], "workspaces", ondelete="CASCADE",
                   name="fk_api_keys_workspace"),
    )

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE", index=True)
    workspace_id: int | None = Field(default=None, sa_column=sa.Column(ID, nullable=True))
    name: str | None = _text(NAME_MAX)
    prefix: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    key_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    created_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))
    #: When the key stops working (None: never); a rotated key's grace ends here.
    expires_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))
    #: When the key was last seen, to about a minute (written off the request's path).
    last_used_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))
    #: This key's rate limit (None: its tenant's, else the gateway's default).
    rate_limit: str | None = _text(RATE_LIMIT_MAX)
    #: ``key`` (issued by an operator), ``oauth`` (an OAuth2 access token) or ``login`` (a token
    #: an account signed in for): every kind is a Bearer credential of its tenant.
    kind: str = Field(default="key", sa_column=sa.Column(sa.String(16), nullable=False,
                                                         server_default="key"))
    #: The account a token acts for, and the OAuth client it was issued to.
    account_id: int | None = _fk("accounts.id", ondelete="CASCADE", nullable=True, index=True,
                                 name="fk_api_keys_account")
    oauth_client_id: int | None = _fk("oauth_clients.id", ondelete="CASCADE", nullable=True,
                                      index=True, name="fk_api_keys_oauth_client")


class Account(SQLModel, table=True):
    """A person who signs in (Outlign's consent page, GitScrum's login): a tenant's, limited to
    one workspace or not. ``email`` is kept case folded, one account per address; the password
    only as its argon2 hash."""

    __tablename__ = "accounts"
    __table_args__ = (
        _of_tenant(["workspace_id"], "workspaces", ondelete="CASCADE",
                   name="fk_accounts_workspace"),
    )

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE", index=True)
    workspace_id: int | None = Field(default=None, sa_column=sa.Column(ID, nullable=True))
    email: str = Field(sa_column=sa.Column(sa.String(EMAIL_MAX), nullable=False, unique=True))
    name: str | None = _text(NAME_MAX)
    password_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    created_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))


class OAuthClient(SQLModel, table=True):
    """An application allowed to ask a tenant's accounts for access (OAuth2). ``client_id`` is
    public; the secret is kept as its SHA-256 (None: a public client, PKCE only)."""

    __tablename__ = "oauth_clients"

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE", index=True)
    client_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    secret_hash: str | None = _text(64)
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    #: The registered redirect URIs, one per line, compared exactly.
    redirect_uris: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))


class OAuthGrant(SQLModel, table=True):
    """One authorization request of an account to a client: first a signed-in consent waiting
    for approval (``ticket_hash``), then once approved an authorization code (``code_hash``),
    used once. Both secrets are kept as SHA-256 only; both expire."""

    __tablename__ = "oauth_grants"

    id: int | None = _id()
    oauth_client_id: int = _fk("oauth_clients.id", ondelete="CASCADE", index=True)
    account_id: int = _fk("accounts.id", ondelete="CASCADE", index=True)
    ticket_hash: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(64), nullable=True, unique=True))
    code_hash: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(64), nullable=True, unique=True))
    redirect_uri: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    scope: str | None = _text(NAME_MAX)
    code_challenge: str | None = _text(128)
    code_challenge_method: str | None = _text(16)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))


class OAuthRefreshToken(SQLModel, table=True):
    """A refresh token (its SHA-256), for the access token issued with it. A refresh token is
    used once: it and its access token are revoked when it is; ``family`` is the first token
    of its chain, so a replayed token revokes every token descended from the same grant."""

    __tablename__ = "oauth_refresh_tokens"

    id: int | None = _id()
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    oauth_client_id: int = _fk("oauth_clients.id", ondelete="CASCADE", index=True)
    account_id: int | None = _fk("accounts.id", ondelete="CASCADE", nullable=True)
    access_key_id: int | None = _fk("api_keys.id", ondelete="SET NULL", nullable=True)
    family: int | None = Field(default=None, sa_column=sa.Column(ID, nullable=True, index=True))
    scope: str | None = _text(NAME_MAX)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))


class ClientCategory(SQLModel, table=True):
    __tablename__ = "client_categories"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "name", name="uq_client_categories_tenant_name"),
        _only_one("uq_client_categories_one_default", "tenant_id", flag="is_default"),
    )

    tenant_id: int = _tenant_key()
    id: int | None = _number()
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    is_default: bool = _flag()
    created_at: datetime = _ts()


class Client(SQLModel, table=True):
    __tablename__ = "clients"
    __table_args__ = (
        # Every list is scoped by tenant first; these cover each offered filter and sort with the
        # id tie-break, so a page is an index range scan rather than a sort of the whole tenant.
        sa.Index("ix_clients_tenant_workspace", "tenant_id", "workspace_id", "id"),
        sa.Index("ix_clients_tenant_created", "tenant_id", "created_at", "id"),
        sa.Index("ix_clients_tenant_updated", "tenant_id", "updated_at", "id"),
        sa.Index("ix_clients_tenant_name", "tenant_id", "name", "id"),
        sa.Index("ix_clients_tenant_phone", "tenant_id", "phone", "id"),
        sa.Index("ix_clients_tenant_status", "tenant_id", "status", "id"),
        sa.Index("ix_clients_tenant_category", "tenant_id", "category_id", "id"),
        sa.CheckConstraint("status IN ('active', 'inactive')", name="ck_clients_status"),
        sa.UniqueConstraint("tenant_id", "uuid", name="uq_clients_tenant_uuid"),
        _of_tenant(["workspace_id"], "workspaces", ondelete="RESTRICT",
                   name="fk_clients_workspace"),
        _of_tenant(["category_id"], "client_categories", ondelete="RESTRICT",
                   name="fk_clients_category"),
    )

    tenant_id: int = _tenant_key()
    id: int | None = _number()
    #: The store's own uuid v4, or the string id a vendor gave the client (kept as given).
    uuid: str = Field(sa_column=sa.Column(sa.String(EXTERNAL_ID_MAX), nullable=False))
    workspace_id: int = Field(sa_column=sa.Column(ID, nullable=False))
    category_id: int = Field(sa_column=sa.Column(ID, nullable=False))
    #: The dialect a client was imported through (``None``: created here); an import only
    #: updates the clients that came through its own dialect (``core.imports``).
    origin: str | None = _text(SHORT_MAX)
    name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    status: str = Field(
        default="active", sa_column=sa.Column(sa.String(16), nullable=False)
    )
    description: str | None = _text()
    notes: str | None = _text()
    email: str | None = _text(EMAIL_MAX)
    phone: str | None = _text(SHORT_MAX)
    website: str | None = _text(URL_MAX)
    address: str | None = _text()
    contact_person: str | None = _text(NAME_MAX)
    industry: str | None = _text(NAME_MAX)
    vat: str | None = _text(SHORT_MAX)
    billing_street: str | None = _text(NAME_MAX)
    billing_city: str | None = _text(NAME_MAX)
    billing_state: str | None = _text(NAME_MAX)
    billing_zip: str | None = _text(SHORT_MAX)
    billing_country: str | None = _text(NAME_MAX)
    billing_invoice_due_days: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    shipping_street: str | None = _text(NAME_MAX)
    shipping_city: str | None = _text(NAME_MAX)
    shipping_state: str | None = _text(NAME_MAX)
    shipping_zip: str | None = _text(SHORT_MAX)
    shipping_country: str | None = _text(NAME_MAX)
    metadata_: dict | None = Field(
        default=None, sa_column=sa.Column("metadata", JSONDoc, nullable=False)
    )
    projects_count: int = _counter()
    jobs_count: int = _counter()
    active_jobs_count: int = _counter()
    invoices_total: Decimal = Field(
        default=Decimal(0),
        sa_column=sa.Column(sa.Numeric(14, 2), nullable=False, server_default="0"),
    )
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


#: The columns a dialect's search looks in (``core.queries.SEARCHABLE``, less ``notes``, which
#: none does), each with a GIN index of its ``lower()`` trigrams on PostgreSQL (migration 0008):
#: a substring search (``lower(column) LIKE '%term%'``) is found through it, not by reading
#: every client of the tenant.
SEARCH_INDEXED = ("name", "email", "phone", "contact_person")
for _column in SEARCH_INDEXED:
    sa.Index(f"ix_clients_search_{_column}",
             sa.func.lower(Client.__table__.c[_column]).label(f"{_column}_folded"),
             postgresql_using="gin", postgresql_ops={f"{_column}_folded": "gin_trgm_ops"},
             ).ddl_if(dialect="postgresql")


#: The primary key's columns again, on SQLite only: ``core.search.BY_ID`` names it in a hint.
#: PostgreSQL dropped it (migration 0016): every create inserted into both.
sa.Index("ix_clients_tenant_id", Client.__table__.c.tenant_id, Client.__table__.c.id
         ).ddl_if(dialect="sqlite")


#: Talynce's ``industry`` filter is a case-folded equality (``folded(industry) = :industry``):
#: an index of that expression answers it on both databases (``cg_fold`` on SQLite, which
#: clientgate's connections define; ``lower`` on PostgreSQL), migration 0011.
sa.Index("ix_clients_tenant_industry_folded", Client.__table__.c.tenant_id,
         folded(Client.__table__.c.industry), Client.__table__.c.id)


class ClientCount(SQLModel, table=True):
    """How many clients a tenant has, per workspace, category and status: kept by triggers on
    ``clients`` (migration 0009) in the transaction that changes them, so a list's total that
    filters by nothing else is a sum of a few of these rows, not a count of the tenant
    (``core.counts``). A group that empties is removed."""

    __tablename__ = "client_counts"

    tenant_id: int = Field(sa_column=sa.Column(
        ID, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True))
    workspace_id: int = Field(sa_column=sa.Column(ID, primary_key=True, autoincrement=False))
    category_id: int = Field(sa_column=sa.Column(ID, primary_key=True, autoincrement=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    clients: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))


class ClientCountChange(SQLModel, table=True):
    """A change to a group's count not yet added into ``client_counts``. On PostgreSQL the
    triggers on ``clients`` append these instead of updating the group's row (migration 0013):
    a row every create in a group updates would be locked until each create commits, so creates
    would queue behind each other. ``core.counts.Counts.fold`` moves them into ``client_counts``
    (the gateway does so every second); a total is the sum over both tables, exact whenever it
    is read. Empty on SQLite, whose writes are serialised anyway."""

    __tablename__ = "client_count_changes"
    __table_args__ = (
        sa.Index("ix_client_count_changes_group", "tenant_id", "workspace_id", "category_id",
                 "status"),
    )

    id: int | None = Field(default=None, sa_column=sa.Column(ID, primary_key=True))
    tenant_id: int = Field(sa_column=sa.Column(ID, nullable=False))
    workspace_id: int = Field(sa_column=sa.Column(ID, nullable=False))
    category_id: int = Field(sa_column=sa.Column(ID, nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    clients: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))


class ClientTag(SQLModel, table=True):
    """A client's tags in the order they were given."""

    __tablename__ = "client_tags"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "client_id", "title", name="uq_client_tags_title"),
        _of_tenant(["client_id"], "clients", ondelete="CASCADE", name="fk_client_tags_client"),
    )

    tenant_id: int = Field(sa_column=sa.Column(ID, primary_key=True))
    client_id: int = Field(sa_column=sa.Column(ID, primary_key=True))
    position: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True))
    title: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))


class ClientUser(SQLModel, table=True):
    """A person attached to a client: its users and contacts, one of them the account owner.

    ``kind`` is ``user`` (may sign in) or ``contact`` (an address book entry). Email addresses are
    unique within a tenant, compared case-insensitively through ``email_key``.
    """

    __tablename__ = "client_users"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "email_key", name="uq_client_users_tenant_email"),
        _only_one("uq_client_users_one_owner", "tenant_id", "client_id", flag="is_owner"),
        sa.CheckConstraint("kind IN ('user', 'contact')", name="ck_client_users_kind"),
        _of_tenant(["client_id"], "clients", ondelete="CASCADE", name="fk_client_users_client"),
        sa.Index("ix_client_users_client", "tenant_id", "client_id"),
    )

    tenant_id: int = _tenant_key()
    id: int | None = _number()
    client_id: int | None = Field(default=None, sa_column=sa.Column(ID, nullable=True))
    kind: str = Field(default="user", sa_column=sa.Column(sa.String(16), nullable=False))
    first_name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    last_name: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    email: str = Field(sa_column=sa.Column(sa.String(EMAIL_MAX), nullable=False))
    email_key: str = Field(sa_column=sa.Column(sa.String(EMAIL_MAX), nullable=False))
    is_owner: bool = _flag()
    created_at: datetime = _ts()


class CustomField(SQLModel, table=True):
    """A tenant-defined client field, addressed by ``name`` in request bodies."""

    __tablename__ = "custom_fields"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name", name="uq_custom_fields_name"),)

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE")
    name: str = Field(sa_column=sa.Column(sa.String(SLUG_MAX), nullable=False))
    label: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    required: bool = _flag()
    created_at: datetime = _ts()


class ClientCustomValue(SQLModel, table=True):
    __tablename__ = "client_custom_values"
    __table_args__ = (
        _of_tenant(["client_id"], "clients", ondelete="CASCADE",
                   name="fk_client_custom_values_client"),
    )

    tenant_id: int = Field(sa_column=sa.Column(ID, primary_key=True))
    client_id: int = Field(sa_column=sa.Column(ID, primary_key=True))
    field_id: int = Field(
        sa_column=sa.Column(
            ID, sa.ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True
        )
    )
    value: str | None = _text()


class OutboxEmail(SQLModel, table=True):
    """An email waiting for the mailer (written in the same transaction as what caused it)."""

    __tablename__ = "outbox_emails"
    __table_args__ = (sa.Index("ix_outbox_emails_pending", "sent_at", "id"),)

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE")
    #: The client it is about, for the record only: no foreign key, so the email stays queued
    #: (and its row unchanged) when the client is deleted before it is sent.
    client_id: int | None = Field(default=None, sa_column=sa.Column(ID, nullable=True))
    kind: str = Field(sa_column=sa.Column(sa.String(50), nullable=False))
    to_email: str = Field(sa_column=sa.Column(sa.String(EMAIL_MAX), nullable=False))
    to_name: str | None = _text(NAME_MAX)
    subject: str = Field(sa_column=sa.Column(sa.String(NAME_MAX), nullable=False))
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = _ts()
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime))
    attempts: int = _counter()
    last_error: str | None = _text()


class IdempotencyKey(SQLModel, table=True):
    """A create sent with an ``Idempotency-Key``: what it asked (``fingerprint``), and once it
    succeeded, the response it got, which a retry with the same key is answered with."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "key", name="uq_idempotency_tenant_key"),)

    id: int | None = _id()
    tenant_id: int = _fk("tenants.id", ondelete="CASCADE")
    key: str = Field(sa_column=sa.Column(sa.String(IDEMPOTENCY_KEY_MAX), nullable=False))
    fingerprint: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    #: ``None`` while the first request runs.
    status: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    content_type: str | None = _text(NAME_MAX)
    body: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))
    created_at: datetime = _ts()


metadata = SQLModel.metadata

#: What the schema records about itself (``core.migrate``: the oldest code revision it serves).
schema_info = sa.Table(
    "schema_info", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

tenants = Tenant.__table__
workspaces = Workspace.__table__
api_keys = ApiKey.__table__
accounts = Account.__table__
oauth_clients = OAuthClient.__table__
oauth_grants = OAuthGrant.__table__
oauth_refresh_tokens = OAuthRefreshToken.__table__
categories = ClientCategory.__table__
clients = Client.__table__
client_counts = ClientCount.__table__
client_count_changes = ClientCountChange.__table__
client_tags = ClientTag.__table__
client_users = ClientUser.__table__
custom_fields = CustomField.__table__
custom_values = ClientCustomValue.__table__
outbox = OutboxEmail.__table__
idempotency_keys = IdempotencyKey.__table__
