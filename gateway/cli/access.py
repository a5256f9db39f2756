"""``tenants``, ``workspaces`` and ``keys``: who may use the gateway, and where."""

from __future__ import annotations

import argparse

from .shared import Commands, emit, find_tenant, find_workspace, open_store, tenant_id


def cmd_tenants_create(args: argparse.Namespace) -> None:
    emit(args, open_store(args).tenants.create(args.name, workspace_slug=args.workspace))


def cmd_tenants_list(args: argparse.Namespace) -> None:
    emit(args, open_store(args).tenants.list(), table=("id", "name", "created_at"))


def cmd_workspaces_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    emit(args, store.workspaces.create(tenant["id"], args.slug, args.name))


def cmd_workspaces_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.workspaces.list(tenant_id(store, args)),
         table=("id", "tenant_id", "slug", "name", "is_default"))


def cmd_keys_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    workspace_id = (
        find_workspace(store, tenant["id"], args.workspace)["id"] if args.workspace else None
    )
    record, secret = store.keys.create(tenant["id"], workspace_id=workspace_id, name=args.name)
    emit(args, {**record, "api_key": secret})


def cmd_keys_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.keys.list(tenant_id(store, args)),
         table=("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "revoked_at"))


def cmd_keys_revoke(args: argparse.Namespace) -> None:
    emit(args, open_store(args).keys.revoke(args.id))


def register(commands: Commands) -> None:
    group = commands.group("tenants", "manage tenants")
    p = group.command("create", cmd_tenants_create, "create a tenant with its default workspace")
    p.add_argument("name")
    p.add_argument("--workspace", default="default", help="slug of its default workspace")
    group.command("list", cmd_tenants_list, "list tenants")

    group = commands.group("workspaces", "manage workspaces")
    p = group.command("create", cmd_workspaces_create, "create a workspace in a tenant",
                      tenant=True)
    p.add_argument("slug")
    p.add_argument("--name")
    group.command("list", cmd_workspaces_list, "list workspaces", tenant=False)

    group = commands.group("keys", "manage API keys")
    p = group.command("create", cmd_keys_create, "create an API key (shown once)", tenant=True)
    p.add_argument("--workspace", help="limit the key to this workspace (slug or id)")
    p.add_argument("--name", help="a label to recognise the key by")
    group.command("list", cmd_keys_list, "list API keys (never their secrets)", tenant=False)
    p = group.command("revoke", cmd_keys_revoke, "revoke an API key")
    p.add_argument("id", type=int)
