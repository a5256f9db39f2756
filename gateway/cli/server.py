"""``init``, ``serve`` and ``migrate``: the schema, a first tenant, and the running gateway."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import fields

import sqlalchemy as sa

from core import migrate
from core.store import Store

from .. import demo
from ..settings import PREFIX, Settings
from .shared import Commands, emit, open_store, settings_from

DEMO_TENANT = demo.TENANT
DEMO_WORKSPACE = demo.WORKSPACE


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
    store = open_store(args, create=True)
    migrate.upgrade(store.engine)
    if args.demo:
        emit(args, demo.build(store) or provision(store, demo.TENANT, demo.WORKSPACE))
        return
    emit(args, provision(store, args.tenant, args.workspace))


#: ``migrate --check``'s exit status when migrations are pending (1 stays "error").
PENDING = 3


def cmd_migrate(args: argparse.Namespace) -> int:
    store = open_store(args, create=not args.check)
    if args.check:
        schema = migrate.inspect(store.engine)
        if schema.is_newer and not schema.serves:
            raise migrate.SchemaError(schema.problem())
        emit(args, schema.as_dict())
        return PENDING if schema.pending else 0
    before = migrate.current(store.engine)
    migrate.upgrade(store.engine)
    emit(args, {"from": before, "to": migrate.current(store.engine)})
    return 0


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from .. import logs, metrics
    from ..app import mounted

    settings = settings_from(args)
    mounted(settings)  # a bad setting is one line here, not a traceback in every worker
    store = open_store(args, create=True)
    if not args.no_migrate:
        migrate.upgrade(store.engine)
    if settings.demo:
        print_demo(store, settings)
    store.dispose()
    # Workers are separate processes that build the app from the environment.
    for f in fields(Settings):
        os.environ[PREFIX + f.name.upper()] = str(getattr(settings, f.name))
    if settings.workers > 1:
        # Each worker writes its metrics where whichever answers a scrape sums them.
        shared = metrics.multiprocess_dir() or tempfile.mkdtemp(prefix="clientgate-metrics-")
        metrics.prepare_multiprocess_dir(shared)
        os.environ[metrics.MULTIPROC_ENV] = shared
    uvicorn.run(
        "gateway.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        log_config=logs.config(settings.log_level, settings.log_format),
        access_log=False,  # the gateway writes its own access line (Settings.access_log)
        server_header=False,
        http="gateway.protocol:HeaderTimeoutProtocol",
        timeout_graceful_shutdown=int(settings.shutdown_timeout),
    )


def print_demo(store: Store, settings: Settings) -> None:
    """The demo world (``gateway.demo``) and its key on first run; every run, each dialect's
    base URL."""
    from dialects import registry

    base = f"http://{settings.host}:{settings.port}"
    url = sa.make_url(settings.database_url).render_as_string()
    print(f"clientgate on {base}  (database: {url})")
    made = demo.build(store)
    if made is not None:
        spaces = ", ".join(f"{w['slug']!r} (company_id {w['id']})" for w in made["workspaces"])
        print(f"demo tenant {made['tenant']['name']!r}, workspaces {spaces}, with the clients "
              "of the vendors' examples")
        print(f"demo API key (shown once): {made['api_key']}")
    else:
        print(f"an API key for the demo tenant: clientgate keys create --tenant {demo.TENANT}")
    for dialect in registry.load(settings.dialect_names):
        print(f"  {dialect.vendor:<12} {base}/{dialect.name}{dialect.base}")


def register(commands: Commands) -> None:
    p = commands.command("init", cmd_init,
                         "create the schema, a tenant and workspace if missing, and a key")
    p.add_argument("--tenant", default=DEMO_TENANT)
    p.add_argument("--workspace", default=DEMO_WORKSPACE)
    p.add_argument("--demo", action="store_true",
                   help="the demo tenant with the clients of the vendors' examples (company 456 "
                        "'acme', category 2 'Standard'), so every example runs verbatim")

    p = commands.command("serve", cmd_serve, "run the gateway", json_flag=False)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema first")
    # default None, not False: an absent flag leaves $CLIENTGATE_DEMO in charge (settings_from)
    p.add_argument("--demo", action="store_true", default=None,
                   help="on first run create the demo tenant (as init --demo) and print its "
                        f"key; print every base URL (also ${PREFIX}DEMO=1)")

    p = commands.command("migrate", cmd_migrate, "upgrade the database schema to this version")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 0 when the schema serves this version, "
                        f"{PENDING} when migrations are pending, 1 when it cannot")
