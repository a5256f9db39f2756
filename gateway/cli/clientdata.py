"""``categories``, ``users`` and ``custom-fields``: the client data Grow CRM keeps around a
client, kept for every tenant."""

from __future__ import annotations

import argparse

from core.scope import Scope

from .shared import CliError, Commands, emit, find_tenant, open_store


def cmd_categories_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    category = store.categories.create(tenant["id"], args.name)
    if args.default:
        category = store.categories.set_default(tenant["id"], category["id"])
    else:
        category = next(c for c in store.categories.list(tenant["id"])
                        if c["id"] == category["id"])
    emit(args, category)


def cmd_categories_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.list(find_tenant(store, args.tenant)["id"]),
         table=("id", "name", "is_default"))


def cmd_categories_set_default(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.set_default(find_tenant(store, args.tenant)["id"], args.id))


def cmd_categories_rename(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.rename(find_tenant(store, args.tenant)["id"], args.id,
                                       args.name))


def cmd_categories_delete(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.delete(find_tenant(store, args.tenant)["id"], args.id))


def cmd_users_create(args: argparse.Namespace) -> None:
    kind = "contact" if args.contact else "user"
    if kind == "user" and args.client is None:
        raise CliError("a user belongs to a client: give --client ID (or --contact)")
    store = open_store(args)
    scope = Scope(find_tenant(store, args.tenant)["id"])
    emit(args, store.users.create(scope, client_id=args.client, first_name=args.first_name,
                                  last_name=args.last_name, email=args.email, kind=kind))


def cmd_users_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    scope = Scope(find_tenant(store, args.tenant)["id"])
    emit(args, store.users.list(scope, client_id=args.client),
         table=("id", "client_id", "kind", "first_name", "last_name", "email", "is_owner"))


def cmd_custom_fields_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    emit(args, store.custom_fields.create(tenant["id"], args.name, label=args.label,
                                          required=args.required))


def cmd_custom_fields_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.custom_fields.list(find_tenant(store, args.tenant)["id"]),
         table=("id", "name", "label", "required"))


def register(commands: Commands) -> None:
    group = commands.group("categories", "manage client categories")
    p = group.command("create", cmd_categories_create, "create a client category", tenant=True)
    p.add_argument("name")
    p.add_argument("--default", action="store_true",
                   help="make it the category new clients get when none is given")
    group.command("list", cmd_categories_list, "list a tenant's client categories", tenant=True)
    p = group.command("set-default", cmd_categories_set_default,
                      "make a category the one new clients get when none is given", tenant=True)
    p.add_argument("id", type=int)
    p = group.command("rename", cmd_categories_rename, "give a category a new name", tenant=True)
    p.add_argument("id", type=int)
    p.add_argument("name")
    p = group.command("delete", cmd_categories_delete,
                      "delete a category; its clients move to the default category", tenant=True)
    p.add_argument("id", type=int)

    group = commands.group("users", "manage client users and contacts")
    p = group.command("create", cmd_users_create,
                      "add a user to a client, or a contact (to a client or to none)",
                      tenant=True)
    p.add_argument("--client", type=int, help="the client's integer id")
    p.add_argument("--first-name", dest="first_name", required=True)
    p.add_argument("--last-name", dest="last_name", required=True)
    p.add_argument("--email", required=True, help="unique among the tenant's users and contacts")
    p.add_argument("--contact", action="store_true",
                   help="a contact (promoted to a client's owner when a client is created "
                        "with its email) rather than a user")
    p = group.command("list", cmd_users_list, "list a tenant's client users and contacts",
                      tenant=True)
    p.add_argument("--client", type=int, help="only this client's")

    group = commands.group("custom-fields", "manage client custom fields")
    p = group.command("create", cmd_custom_fields_create, "add a client custom field",
                      tenant=True)
    p.add_argument("name", help="the field name request bodies use")
    p.add_argument("--label", help="what people call it (default: the name)")
    p.add_argument("--required", action="store_true",
                   help="Grow CRM creates and updates must give it")
    group.command("list", cmd_custom_fields_list, "list a tenant's client custom fields",
                  tenant=True)
