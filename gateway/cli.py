"""The ``clientgate`` command: serve the gateway, manage what it serves, deliver its emails.

Tenants, workspaces and API keys; client categories, client users and contacts, and custom
fields (Grow CRM's, kept for every tenant); ``mailer`` sends the emails the store queued.

Every command that prints a record takes ``--json`` for scripts. Errors are one line on stderr
and a non-zero exit: 2 for bad arguments, 1 for anything the store or the database refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, NoReturn

import sqlalchemy as sa

from core import migrate
from core.errors import Invalid, NotFound, StoreError
from core.scope import Scope
from core.store import Store

from . import mailer
from .settings import PREFIX, Settings, SettingsError

DEMO_TENANT = "demo"
DEMO_WORKSPACE = "demo"


class CliError(Exception):
    """A one-line message for the user; exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


# -- output -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes; every stored timestamp is UTC.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def emit(args: argparse.Namespace, value: Any, *, table: Sequence[str] = ()) -> None:
    """Print ``value`` as JSON with ``--json``, else as a table (lists) or key: value lines."""
    if getattr(args, "json", False):
        print(json.dumps(_plain(value), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if isinstance(value, list):
        grid = Table(*table, box=None, pad_edge=False)
        for row in value:
            grid.add_row(*("" if row.get(c) is None else str(_plain(row.get(c))) for c in table))
        console.print(grid)
    else:
        for key, item in value.items():
            console.print(f"{key}: {_plain(item)}", soft_wrap=True)


# -- shared lookups -----------------------------------------------------------------------------


def open_store(args: argparse.Namespace) -> Store:
    """The command's store; ``main`` disposes of it when the command ends."""
    store = Store.from_url(settings_from(args).database_url, pool_size=1)
    args.opened.append(store)
    return store


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        f.name: getattr(args, f.name)
        for f in fields(Settings)
        if getattr(args, f.name, None) is not None
    }
    return Settings.from_env(**overrides)


def find_tenant(store: Store, ref: str) -> dict:
    """A tenant by name, or by id when ``ref`` is all digits and no tenant has that name."""
    tenant = store.tenants.find(ref)
    if tenant is None and ref.isdigit():
        tenant = next((t for t in store.tenants.list() if t["id"] == int(ref)), None)
    if tenant is None:
        raise CliError(f"no tenant {ref!r}")
    return tenant


def find_workspace(store: Store, tenant_id: int, ref: str) -> dict:
    for ws in store.workspaces.list(tenant_id):
        if ws["slug"] == ref or str(ws["id"]) == ref:
            return ws
    raise CliError(f"no workspace {ref!r} in this tenant")


def ensure_schema(store: Store) -> None:
    migrate.upgrade(store.engine)


# -- commands -----------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> None:
    store = open_store(args)
    before = migrate.current(store.engine)
    ensure_schema(store)
    emit(args, {"from": before, "to": migrate.current(store.engine)})


def provision(store: Store, tenant_name: str, workspace_slug: str) -> dict:
    """The tenant and workspace (created if missing) and a new API key for them."""
    tenant = store.tenants.find(tenant_name) or store.tenants.create(
        tenant_name, workspace_slug=workspace_slug
    )
    workspace = next(
        (w for w in store.workspaces.list(tenant["id"]) if w["slug"] == workspace_slug), None
    ) or store.workspaces.create(tenant["id"], workspace_slug)
    _, secret = store.keys.create(tenant["id"], name="init")
    return {
        "tenant": {"id": tenant["id"], "name": tenant["name"]},
        "workspace": {"id": workspace["id"], "slug": workspace["slug"], "name": workspace["name"]},
        "api_key": secret,
    }


def cmd_init(args: argparse.Namespace) -> None:
    store = open_store(args)
    ensure_schema(store)
    emit(args, provision(store, args.tenant, args.workspace))


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = settings_from(args)
    store = open_store(args)
    if not args.no_migrate:
        ensure_schema(store)
    if args.demo:
        print_demo(store, settings)
    store.dispose()
    # Workers are separate processes that build the app from the environment.
    for f in fields(Settings):
        os.environ[PREFIX + f.name.upper()] = str(getattr(settings, f.name))
    uvicorn.run(
        "gateway.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=settings.access_log,
        server_header=False,
    )


def print_demo(store: Store, settings: Settings) -> None:
    """On first run, a demo tenant, workspace and key; every run, each dialect's base URL."""
    from dialects import registry

    base = f"http://{settings.host}:{settings.port}"
    print(f"clientgate on {base}  (database: {sa.make_url(settings.database_url).render_as_string()})")
    if not store.tenants.list():
        demo = provision(store, DEMO_TENANT, DEMO_WORKSPACE)
        print(f"demo tenant {demo['tenant']['name']!r}, workspace {demo['workspace']['slug']!r} "
              f"(company_id {demo['workspace']['id']})")
        print(f"demo API key (shown once): {demo['api_key']}")
    else:
        print("an API key for the demo tenant: clientgate keys create --tenant demo")
    for dialect in registry.load(settings.dialect_names):
        print(f"  {dialect.vendor:<12} {base}/{dialect.name}")


def cmd_tenants_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = store.tenants.create(args.name, workspace_slug=args.workspace)
    emit(args, tenant)


def cmd_tenants_list(args: argparse.Namespace) -> None:
    emit(args, open_store(args).tenants.list(), table=("id", "name", "created_at"))


def cmd_workspaces_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    emit(args, store.workspaces.create(tenant["id"], args.slug, args.name))


def cmd_workspaces_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant_id = find_tenant(store, args.tenant)["id"] if args.tenant else None
    emit(args, store.workspaces.list(tenant_id),
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
    tenant_id = find_tenant(store, args.tenant)["id"] if args.tenant else None
    emit(args, store.keys.list(tenant_id),
         table=("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "revoked_at"))


def cmd_keys_revoke(args: argparse.Namespace) -> None:
    emit(args, open_store(args).keys.revoke(args.id))


# -- client categories, client users, custom fields, the mailer (Grow CRM's, for every tenant) ---


def _category(store: Store, tenant_id: int, category_id: int) -> dict:
    return next(c for c in store.categories.list(tenant_id) if c["id"] == category_id)


def cmd_categories_create(args: argparse.Namespace) -> None:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    category = store.categories.create(tenant["id"], args.name)
    if args.default:
        store.categories.set_default(tenant["id"], category["id"])
    emit(args, _category(store, tenant["id"], category["id"]))


def cmd_categories_list(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.list(find_tenant(store, args.tenant)["id"]),
         table=("id", "name", "is_default"))


def cmd_categories_set_default(args: argparse.Namespace) -> None:
    store = open_store(args)
    emit(args, store.categories.set_default(find_tenant(store, args.tenant)["id"], args.id))


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


def cmd_mailer(args: argparse.Namespace) -> None:
    settings = settings_from(args)
    store = open_store(args)
    if args.once:
        try:
            emit(args, mailer.deliver(store, settings, limit=args.limit))
        except mailer.MailerError as exc:
            raise CliError(str(exc)) from None
        return

    def report(result: dict[str, Any]) -> None:
        if "error" in result:
            print(f"clientgate: mailer: {result['error']}", file=sys.stderr, flush=True)
        elif result["sent"] or result["failed"]:
            emit(args, result)

    with contextlib.suppress(KeyboardInterrupt):
        mailer.run(store, settings, limit=args.limit, report=report)


# -- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="clientgate", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", dest="database_url",
                        help=f"database URL (default: ${PREFIX}DATABASE_URL or a SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, fn: Callable[[argparse.Namespace], None], help: str,
                parent: Any = sub, json_flag: bool = True,
                tenant: bool | None = None) -> argparse.ArgumentParser:
        """A subcommand; ``tenant``: it takes ``--tenant`` (required when True)."""
        p = parent.add_parser(name, help=help, description=help)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        if tenant is not None:
            p.add_argument("--tenant", required=tenant, help="tenant name or id")
        p.set_defaults(func=fn)
        return p

    def subgroup(name: str, help: str) -> Any:
        return sub.add_parser(name, help=help).add_subparsers(
            dest="action", required=True, parser_class=_Parser)

    p = command("init", cmd_init, "create the schema, a tenant and workspace if missing, and a key")
    p.add_argument("--tenant", default=DEMO_TENANT)
    p.add_argument("--workspace", default=DEMO_WORKSPACE)

    p = command("serve", cmd_serve, "run the gateway", json_flag=False)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema first")
    p.add_argument("--demo", action="store_true",
                   help="on first run create a demo tenant and key; print every base URL")

    command("migrate", cmd_migrate, "upgrade the database schema to this version")

    group = subgroup("tenants", "manage tenants")
    p = command("create", cmd_tenants_create, "create a tenant with its default workspace",
                group)
    p.add_argument("name")
    p.add_argument("--workspace", default="default", help="slug of its default workspace")
    command("list", cmd_tenants_list, "list tenants", group)

    group = subgroup("workspaces", "manage workspaces")
    p = command("create", cmd_workspaces_create, "create a workspace in a tenant", group,
                tenant=True)
    p.add_argument("slug")
    p.add_argument("--name")
    command("list", cmd_workspaces_list, "list workspaces", group, tenant=False)

    group = subgroup("keys", "manage API keys")
    p = command("create", cmd_keys_create, "create an API key (shown once)", group, tenant=True)
    p.add_argument("--workspace", help="limit the key to this workspace (slug or id)")
    p.add_argument("--name", help="a label to recognise the key by")
    command("list", cmd_keys_list, "list API keys (never their secrets)", group, tenant=False)
    p = command("revoke", cmd_keys_revoke, "revoke an API key", group)
    p.add_argument("id", type=int)

    group = subgroup("categories", "manage client categories")
    p = command("create", cmd_categories_create, "create a client category", group, tenant=True)
    p.add_argument("name")
    p.add_argument("--default", action="store_true",
                   help="make it the category new clients get when none is given")
    command("list", cmd_categories_list, "list a tenant's client categories", group, tenant=True)
    p = command("set-default", cmd_categories_set_default,
                "make a category the one new clients get when none is given", group, tenant=True)
    p.add_argument("id", type=int)

    group = subgroup("users", "manage client users and contacts")
    p = command("create", cmd_users_create,
                "add a user to a client, or a contact (to a client or to none)", group,
                tenant=True)
    p.add_argument("--client", type=int, help="the client's integer id")
    p.add_argument("--first-name", dest="first_name", required=True)
    p.add_argument("--last-name", dest="last_name", required=True)
    p.add_argument("--email", required=True, help="unique among the tenant's users and contacts")
    p.add_argument("--contact", action="store_true",
                   help="a contact (promoted to a client's owner when a client is created "
                        "with its email) rather than a user")
    p = command("list", cmd_users_list, "list a tenant's client users and contacts", group,
                tenant=True)
    p.add_argument("--client", type=int, help="only this client's")

    group = subgroup("custom-fields", "manage client custom fields")
    p = command("create", cmd_custom_fields_create, "add a client custom field", group,
                tenant=True)
    p.add_argument("name", help="the field name request bodies use")
    p.add_argument("--label", help="what people call it (default: the name)")
    p.add_argument("--required", action="store_true",
                   help="Grow CRM creates and updates must give it")
    command("list", cmd_custom_fields_list, "list a tenant's client custom fields", group,
            tenant=True)

    p = command("mailer", cmd_mailer,
                f"deliver queued emails through SMTP (settings: {PREFIX}SMTP_*)")
    p.add_argument("--once", action="store_true", help="deliver what is pending, then exit")
    p.add_argument("--limit", type=int, default=100, help="emails per round (default 100)")
    return parser


def describe(exc: Exception) -> str:
    if isinstance(exc, NotFound):
        return f"no {exc.resource} {exc.key!r}"
    if isinstance(exc, Invalid):
        return "; ".join(f"{field}: {', '.join(codes)}" for field, codes in exc.errors.items())
    if isinstance(exc, sa.exc.OperationalError):
        return f"database error: {str(exc.orig).strip().splitlines()[0]}"
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.opened = []
    try:
        args.func(args)
    except (CliError, StoreError, SettingsError, ValueError, sa.exc.SQLAlchemyError) as exc:
        print(f"clientgate: error: {describe(exc)}", file=sys.stderr)
        return 1
    finally:
        for store in args.opened:
            store.dispose()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
