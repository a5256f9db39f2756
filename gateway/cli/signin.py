"""``accounts`` and ``oauth-clients``: people who sign in (Outlign's OAuth2 consent page,
GitScrum's login) and the applications they may approve."""

from __future__ import annotations

import argparse
import getpass
import sys

from .shared import CliError, Commands, emit, find_tenant, find_workspace, open_store, tenant_id

ACCOUNT_COLUMNS = ("id", "tenant_id", "workspace_id", "email", "name", "created_at",
                   "revoked_at")


def password(args: argparse.Namespace) -> str:
    """The password: prompted twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise CliError("the two passwords differ")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CliError("no password on standard input")
    return line.rstrip("\r\n")


def cmd_accounts_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    workspace_id = (
        find_workspace(store, tenant["id"], args.workspace)["id"] if args.workspace else None
    )
    emit(args, store.accounts.create(tenant["id"], args.email, password(args),
                                     workspace_id=workspace_id, name=args.name))


def cmd_accounts_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.accounts.list(tenant_id(store, args)), table=ACCOUNT_COLUMNS)


def cmd_accounts_revoke(args: argparse.Namespace) -> None:
    emit(args, open_store(args).accounts.revoke(args.id))


def cmd_oauth_clients_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    record, secret = store.oauth.create_client(tenant["id"], args.name, args.redirect_uri,
                                               public=args.public)
    emit(args, {**record, "client_secret": secret})


def cmd_oauth_clients_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.oauth.clients(tenant_id(store, args)),
         table=("id", "tenant_id", "client_id", "name", "public", "redirect_uris", "created_at",
                "revoked_at"))


def cmd_oauth_clients_revoke(args: argparse.Namespace) -> None:
    emit(args, open_store(args).oauth.revoke_client(args.id))


def register(commands: Commands) -> None:
    group = commands.group("accounts", "manage accounts (who signs in for OAuth2 and logins)")
    p = group.command("create", cmd_accounts_create,
                      "create an account; the password is prompted, or read from stdin",
                      tenant=True)
    p.add_argument("--email", required=True, help="the address it signs in with")
    p.add_argument("--workspace", help="limit it to this workspace (slug or id)")
    p.add_argument("--name", help="the person's name")
    group.command("list", cmd_accounts_list, "list accounts (never their passwords)",
                  tenant=False)
    p = group.command("revoke", cmd_accounts_revoke,
                      "revoke an account and every token it signed in for")
    p.add_argument("id", type=int)

    group = commands.group("oauth-clients", "manage OAuth2 clients (Outlign's /oauth)")
    p = group.command("create", cmd_oauth_clients_create,
                      "register an application: prints its client_id and client_secret once",
                      tenant=True)
    p.add_argument("--name", required=True, help="shown on the consent page")
    p.add_argument("--redirect-uri", dest="redirect_uri", action="append", required=True,
                   metavar="URI", help="where codes are sent (repeat for several; exact match)")
    p.add_argument("--public", action="store_true",
                   help="no secret: the client proves itself with PKCE only (an app on a device)")
    group.command("list", cmd_oauth_clients_list, "list OAuth2 clients (never their secrets)",
                  tenant=False)
    p = group.command("revoke", cmd_oauth_clients_revoke,
                      "revoke a client and every token issued to it")
    p.add_argument("id", type=int)
