"""accounts, OAuth2 clients, grants and refresh tokens; tokens are keys of a kind

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

``accounts`` are people who sign in (Outlign's consent page, GitScrum's login), with an argon2
password hash. ``oauth_clients`` are the applications they may approve; ``oauth_grants`` hold a
consent waiting for approval and then its authorization code; ``oauth_refresh_tokens`` the
refresh tokens. An access token or a login token is an ``api_keys`` row of kind ``oauth`` or
``login`` (so every dialect authenticates it as it does a key), with the account and client it
belongs to. Every change is a new table or a new column with a default: code at 0006 serves
this schema (it lists tokens among keys, which is all it can do with them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Spelled out here, not imported from core.models: a migration must not change when models do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STAMP = sa.DateTime(timezone=True)

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None
#: Additive: the code of revision 0006 serves this schema.
serves_from = '0006'


def upgrade() -> None:
    op.create_table(
        'oauth_clients',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('tenant_id', ID, nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=True),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('redirect_uris', sa.Text(), nullable=False),
        sa.Column('created_at', STAMP, nullable=False),
        sa.Column('revoked_at', STAMP, nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id'),
    )
    op.create_index('ix_oauth_clients_tenant_id', 'oauth_clients', ['tenant_id'])
    op.create_table(
        'accounts',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('tenant_id', ID, nullable=False),
        sa.Column('workspace_id', ID, nullable=True),
        sa.Column('email', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', STAMP, nullable=False),
        sa.Column('revoked_at', STAMP, nullable=True),
        sa.ForeignKeyConstraint(['tenant_id', 'workspace_id'],
                                ['workspaces.tenant_id', 'workspaces.id'],
                                name='fk_accounts_workspace', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
    )
    op.create_index('ix_accounts_tenant_id', 'accounts', ['tenant_id'])
    op.create_table(
        'oauth_grants',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('oauth_client_id', ID, nullable=False),
        sa.Column('account_id', ID, nullable=False),
        sa.Column('ticket_hash', sa.String(length=64), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('redirect_uri', sa.Text(), nullable=False),
        sa.Column('scope', sa.String(length=255), nullable=True),
        sa.Column('code_challenge', sa.String(length=128), nullable=True),
        sa.Column('code_challenge_method', sa.String(length=16), nullable=True),
        sa.Column('created_at', STAMP, nullable=False),
        sa.Column('expires_at', STAMP, nullable=False),
        sa.Column('used_at', STAMP, nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['oauth_client_id'], ['oauth_clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code_hash'),
        sa.UniqueConstraint('ticket_hash'),
    )
    op.create_index('ix_oauth_grants_account_id', 'oauth_grants', ['account_id'])
    op.create_index('ix_oauth_grants_oauth_client_id', 'oauth_grants', ['oauth_client_id'])
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=16), server_default='key',
                                   nullable=False))
        batch.add_column(sa.Column('account_id', ID, nullable=True))
        batch.add_column(sa.Column('oauth_client_id', ID, nullable=True))
        batch.create_index('ix_api_keys_account_id', ['account_id'])
        batch.create_index('ix_api_keys_oauth_client_id', ['oauth_client_id'])
        batch.create_foreign_key('fk_api_keys_account', 'accounts', ['account_id'], ['id'],
                                 ondelete='CASCADE')
        batch.create_foreign_key('fk_api_keys_oauth_client', 'oauth_clients',
                                 ['oauth_client_id'], ['id'], ondelete='CASCADE')
    op.create_table(
        'oauth_refresh_tokens',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('oauth_client_id', ID, nullable=False),
        sa.Column('account_id', ID, nullable=True),
        sa.Column('access_key_id', ID, nullable=True),
        sa.Column('family', ID, nullable=True),
        sa.Column('scope', sa.String(length=255), nullable=True),
        sa.Column('created_at', STAMP, nullable=False),
        sa.Column('expires_at', STAMP, nullable=False),
        sa.Column('revoked_at', STAMP, nullable=True),
        sa.ForeignKeyConstraint(['access_key_id'], ['api_keys.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['oauth_client_id'], ['oauth_clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_oauth_refresh_tokens_family', 'oauth_refresh_tokens', ['family'])
    op.create_index('ix_oauth_refresh_tokens_oauth_client_id', 'oauth_refresh_tokens',
                    ['oauth_client_id'])


def downgrade() -> None:
    op.drop_table('oauth_refresh_tokens')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_constraint('fk_api_keys_oauth_client', type_='foreignkey')
        batch.drop_constraint('fk_api_keys_account', type_='foreignkey')
        batch.drop_index('ix_api_keys_oauth_client_id')
        batch.drop_index('ix_api_keys_account_id')
        batch.drop_column('oauth_client_id')
        batch.drop_column('account_id')
        batch.drop_column('kind')
    op.drop_table('oauth_grants')
    op.drop_table('accounts')
    op.drop_table('oauth_clients')
