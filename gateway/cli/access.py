"""``tenants``, ``workspaces`` and ``keys``: who may use the gateway, and where."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from core.keys import FORMATS
from dialects.kit.formats import parse_iso

from .. import ratelimit
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


def duration(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m``, ``45s``, ``2w``."""
    found = _DURATION.fullmatch(text.strip())
    if found is None or int(found.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration: write it as 30d, 12h, 90m, 45s or 2w")
    return timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2)])


def moment(text: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or date and time (UTC unless it says otherwise)."""
    try:
        return parse_iso(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as 2027-01-31 or 2027-01-31T12:00:00Z") from None


def rate_limit(text: str) -> str | None:
    try:
        return ratelimit.check(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_DURATION = re.compile(r"(\d{1,9})\s*([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def cmd_keys_create(args: argparse.Namespace) -> None:
    expires = args.expires_at or (datetime.now(UTC) + args.expires_in if args.expires_in
                                  else None)
    if args.format == "fullengage" and expires is None:
        raise CliError("a Full Engage key has an expiry: give --expires-in or --expires-at")
    if expires is not None and expires <= datetime.now(UTC):
        raise CliError("the expiry is in the past")
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    workspace_id = (
        find_workspace(store, tenant["id"], args.workspace)["id"] if args.workspace else None
    )
    record, secret = store.keys.create(tenant["id"], workspace_id=workspace_id, name=args.name,
                                       expires_at=expires, rate_limit=args.rate_limit,
                                       format=args.format)
    emit(args, {**record, "api_key": secret})


def cmd_keys_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.keys.list(tenant_id(store, args)),
         table=("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "expires_at",
                "last_used_at", "rate_limit", "revoked_at"))


def cmd_keys_rotate(args: argparse.Namespace) -> None:
    rotated, secret = open_store(args).keys.rotate(args.id, grace=args.grace)
    emit(args, {**rotated, "api_key": secret})


def cmd_keys_limit(args: argparse.Namespace) -> None:
    emit(args, open_store(args).keys.set_limit(args.id, args.limit))


def cmd_tenants_limit(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.tenants.set_limit(find_tenant(store, args.tenant_ref)["id"], args.limit))


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
    p = group.command("limit", cmd_tenants_limit,
                      "set the rate limit of a tenant's keys that have none of their own")
    p.add_argument("tenant_ref", metavar="TENANT", help="tenant name or id")
    p.add_argument("limit", type=rate_limit, help="60/minute, 10/second, ... or none (the "
                                                  "default)")

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
    when = p.add_mutually_exclusive_group()
    when.add_argument("--expires-in", dest="expires_in", type=duration, metavar="DURATION",
                      help="the key stops working after this long (30d, 12h, ...)")
    when.add_argument("--expires-at", dest="expires_at", type=moment, metavar="DATE",
                      help="the key stops working then (2027-01-31, or a date and time)")
    p.add_argument("--rate-limit", dest="rate_limit", type=rate_limit, metavar="LIMIT",
                   help="its own rate limit (60/minute, 10/second, ...)")
    p.add_argument("--format", choices=sorted(FORMATS), default="clientgate",
                   help="the secret's shape: clientgate (cg_...) or fullengage (ba_ and 40 "
                        "hexadecimal digits, as Full Engage issues them; needs an expiry)")
    group.command("list", cmd_keys_list, "list API keys (never their secrets)", tenant=False)
    p = group.command("revoke", cmd_keys_revoke, "revoke an API key")
    p.add_argument("id", type=int)
    p = group.command("rotate", cmd_keys_rotate,
                      "issue a new secret for a key; the old one works for --grace more")
    p.add_argument("id", type=int)
    p.add_argument("--grace", type=duration, default=timedelta(hours=24),
                   help="how long the old secret keeps working (default 24h)")
    p = group.command("limit", cmd_keys_limit, "set a key's own rate limit")
    p.add_argument("id", type=int)
    p.add_argument("limit", type=rate_limit, help="60/minute, 10/second, ... or none (its "
                                                  "tenant's, else the default)")
