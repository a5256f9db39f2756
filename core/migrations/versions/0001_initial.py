"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Spelled out here, not imported from core.models: a migration must not change when models do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tenants',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('client_categories',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'name', name='uq_client_categories_tenant_name')
    )
    op.create_index('uq_client_categories_one_default', 'client_categories', ['tenant_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))
    op.create_table('custom_fields',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'name', name='uq_custom_fields_name')
    )
    op.create_table('workspaces',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'slug', name='uq_workspaces_tenant_slug')
    )
    op.create_index('uq_workspaces_one_default', 'workspaces', ['tenant_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))
    op.create_table('api_keys',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('workspace_id', ID, nullable=True),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_index(op.f('ix_api_keys_tenant_id'), 'api_keys', ['tenant_id'], unique=False)
    op.create_table('clients',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('workspace_id', ID, nullable=False),
    sa.Column('category_id', ID, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('website', sa.String(length=2048), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('contact_person', sa.String(length=255), nullable=True),
    sa.Column('industry', sa.String(length=255), nullable=True),
    sa.Column('vat', sa.String(length=50), nullable=True),
    sa.Column('billing_street', sa.String(length=255), nullable=True),
    sa.Column('billing_city', sa.String(length=255), nullable=True),
    sa.Column('billing_state', sa.String(length=255), nullable=True),
    sa.Column('billing_zip', sa.String(length=50), nullable=True),
    sa.Column('billing_country', sa.String(length=255), nullable=True),
    sa.Column('billing_invoice_due_days', sa.Integer(), nullable=True),
    sa.Column('shipping_street', sa.String(length=255), nullable=True),
    sa.Column('shipping_city', sa.String(length=255), nullable=True),
    sa.Column('shipping_state', sa.String(length=255), nullable=True),
    sa.Column('shipping_zip', sa.String(length=50), nullable=True),
    sa.Column('shipping_country', sa.String(length=255), nullable=True),
    sa.Column('metadata', JSON_DOC, nullable=False),
    sa.Column('projects_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('jobs_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active_jobs_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('invoices_total', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive')", name='ck_clients_status'),
    sa.ForeignKeyConstraint(['category_id'], ['client_categories.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid')
    )
    op.create_index('ix_clients_tenant_category', 'clients', ['tenant_id', 'category_id', 'id'], unique=False)
    op.create_index('ix_clients_tenant_created', 'clients', ['tenant_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_clients_tenant_id', 'clients', ['tenant_id', 'id'], unique=False)
    op.create_index('ix_clients_tenant_industry', 'clients', ['tenant_id', 'industry', 'id'], unique=False)
    op.create_index('ix_clients_tenant_name', 'clients', ['tenant_id', 'name', 'id'], unique=False)
    op.create_index('ix_clients_tenant_phone', 'clients', ['tenant_id', 'phone', 'id'], unique=False)
    op.create_index('ix_clients_tenant_status', 'clients', ['tenant_id', 'status', 'id'], unique=False)
    op.create_index('ix_clients_tenant_updated', 'clients', ['tenant_id', 'updated_at', 'id'], unique=False)
    op.create_index('ix_clients_tenant_workspace', 'clients', ['tenant_id', 'workspace_id', 'id'], unique=False)
    op.create_table('client_custom_values',
    sa.Column('client_id', ID, nullable=False),
    sa.Column('field_id', ID, nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['field_id'], ['custom_fields.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'field_id')
    )
    op.create_table('client_tags',
    sa.Column('client_id', ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'position'),
    sa.UniqueConstraint('client_id', 'title', name='uq_client_tags_title')
    )
    op.create_table('client_users',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('client_id', ID, nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=False),
    sa.Column('last_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('email_key', sa.String(length=255), nullable=False),
    sa.Column('is_owner', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('user', 'contact')", name='ck_client_users_kind'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'email_key', name='uq_client_users_tenant_email')
    )
    op.create_index(op.f('ix_client_users_client_id'), 'client_users', ['client_id'], unique=False)
    op.create_index('uq_client_users_one_owner', 'client_users', ['client_id'], unique=True, sqlite_where=sa.text('is_owner'), postgresql_where=sa.text('is_owner'))
    op.create_table('outbox_emails',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('client_id', ID, nullable=True),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('to_email', sa.String(length=255), nullable=False),
    sa.Column('to_name', sa.String(length=255), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_outbox_emails_pending', 'outbox_emails', ['sent_at', 'id'], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes; children first.
    for table in ("outbox_emails", "client_users", "client_tags", "client_custom_values",
                  "clients", "api_keys", "workspaces", "custom_fields", "client_categories",
                  "tenants"):
        op.drop_table(table)
