"""The admin HTTP API under ``/_admin/``: everything the command line manages (tenants,
workspaces, keys, categories, client users and contacts, custom fields, the schema, backups),
as JSON, for operators of a container who have no shell in it. Off unless
``CLIENTGATE_ADMIN_TOKEN`` is set; its contract is ``openapi/admin.yaml``."""

from .api import PREFIX, routes

__all__ = ["PREFIX", "routes"]
