"""``tenants``, ``workspaces`` and ``keys``: who may use the gateway, and where."""

from __future__ import annotations

import argparse

from .shared import CliError, Commands, emit, find_tenant, find_workspace, open_store, tenant_id


def cmd_tenants_create(args: argparse.Namespace) -> None:
    emit(args, open_store(args).tenants.create(args.name, workspace_slug=args.workspace))


def cmd_tenants_list(args: argparse.Namespace) -> None:
    emit(args, open_store(args).tenants.list(), table=("id", "name", "created_at"))


def cmd_tenants_rename(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.tenants.rename(find_tenant(store, args.tenant_ref)["id"], args.name))


def cmd_tenants_delete(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant_ref)
    emit(args, {"name": tenant["name"],
                **store.tenants.delete(tenant["id"], with_clients=args.with_clients)})


def cmd_workspaces_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    emit(args, store.workspaces.create(tenant["id"], args.slug, args.name))


def cmd_workspaces_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.workspaces.list(tenant_id(store, args)),
         table=("id", "tenant_id", "slug", "name", "is_default"))


def cmd_workspaces_rename(args: argparse.Namespace) -> None:
    if args.slug is None and args.name is None:
        raise CliError("give --slug, --name or both")
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    workspace = find_workspace(store, tenant["id"], args.workspace)
    emit(args, store.workspaces.rename(tenant["id"], workspace["id"], slug=args.slug,
                                       name=args.name))


def cmd_workspaces_delete(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    workspace = find_workspace(store, tenant["id"], args.workspace)
    emit(args, {"slug": workspace["slug"],
                **store.workspaces.delete(tenant["id"], workspace["id"])})


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
    p = group.command("rename", cmd_tenants_rename, "give a tenant a new name")
    p.add_argument("tenant_ref", metavar="TENANT", help="tenant name or id")
    p.add_argument("name", help="the new name")
    p = group.command("delete", cmd_tenants_delete,
                      "delete a tenant with its workspaces, keys and categories")
    p.add_argument("tenant_ref", metavar="TENANT", help="tenant name or id")
    p.add_argument("--with-clients", dest="with_clients", action="store_true",
                   help="delete its clients too (without it, a tenant with clients is kept)")

    group = commands.group("workspaces", "manage workspaces")
    p = group.command("create", cmd_workspaces_create, "create a workspace in a tenant",
                      tenant=True)
    p.add_argument("slug")
    p.add_argument("--name")
    group.command("list", cmd_workspaces_list, "list workspaces", tenant=False)
    p = group.command("rename", cmd_workspaces_rename, "give a workspace a new slug or name",
                      tenant=True)
    p.add_argument("workspace", help="its slug or id")
    p.add_argument("--slug", help="the new slug (integrations that name it by slug must follow)")
    p.add_argument("--name", help="the new display name")
    p = group.command("delete", cmd_workspaces_delete,
                      "delete an empty workspace, with the keys limited to it", tenant=True)
    p.add_argument("workspace", help="its slug or id")

    group = commands.group("keys", "manage API keys")
    p = group.command("create", cmd_keys_create, "create an API key (shown once)", tenant=True)
    p.add_argument("--workspace", help="limit the key to this workspace (slug or id)")
    p.add_argument("--name", help="a label to recognise the key by")
    group.command("list", cmd_keys_list, "list API keys (never their secrets)", tenant=False)
    p = group.command("revoke", cmd_keys_revoke, "revoke an API key")
    p.add_argument("id", type=int)
