"""What every command shares: the argument parser's conventions, output, and store lookups."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa

from core.store import Store

from ..settings import Settings
from ..wording import RULES, describe  # noqa: F401 - the commands' one-line errors

Command = Callable[[argparse.Namespace], None]


class CliError(Exception):
    """A one-line message for the user; exit status 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class Commands:
    """Adds subcommands to a parser the same way everywhere: ``--json`` on every command that
    prints a record, ``--tenant`` where a command acts inside one tenant."""

    def __init__(self, sub: Any) -> None:
        self.sub = sub

    def command(self, name: str, fn: Command, help: str, *, json_flag: bool = True,
                tenant: bool | None = None, database: bool = True) -> argparse.ArgumentParser:
        """A subcommand; ``tenant``: it takes ``--tenant`` (required when True). A subcommand
        that uses the database (``database``) takes ``--database-url`` too, after its name as
        well as before it."""
        p = self.sub.add_parser(name, help=help, description=help)
        if database:
            p.add_argument("--database-url", dest="database_url", default=argparse.SUPPRESS,
                           help="database URL (overrides the one before the command)")
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        if tenant is not None:
            p.add_argument("--tenant", required=tenant, help="tenant name or id")
        p.set_defaults(func=fn)
        return p

    def group(self, name: str, help: str) -> Commands:
        """A command group (``clientgate NAME ACTION``), whose actions are added to the result."""
        parser = self.sub.add_parser(name, help=help, description=help)
        return Commands(parser.add_subparsers(dest="action", required=True, parser_class=Parser))


# -- output -------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes; every stored timestamp is UTC.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def emit(args: argparse.Namespace, value: Any, *, table: Sequence[str] = ()) -> None:
    """Print ``value`` as JSON with ``--json``, else as a table (lists) or key: value lines."""
    if getattr(args, "json", False):
        print(json.dumps(plain(value), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if isinstance(value, list):
        grid = Table(*table, box=None, pad_edge=False)
        for row in value:
            grid.add_row(*("" if row.get(c) is None else str(plain(row.get(c))) for c in table))
        console.print(grid)
    else:
        for key, item in value.items():
            console.print(f"{key}: {plain(item)}", soft_wrap=True)


# -- the store and what commands look up in it ----------------------------------------------------


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        f.name: getattr(args, f.name)
        for f in fields(Settings)
        if getattr(args, f.name, None) is not None
    }
    return Settings.from_env(**overrides)


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The command's store; ``main`` disposes of it when the command ends. A SQLite file that
    does not exist is an error unless ``create`` (``init``, ``migrate``, ``serve``): a command run
    in the wrong directory must not leave an empty database behind."""
    url = settings_from(args).database_url
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise CliError(f"no database at {path}: run `clientgate init` first, or give "
                       "--database-url (or CLIENTGATE_DATABASE_URL)")
    store = Store.from_url(url, pool_size=1)
    args.opened.append(store)
    return store


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other databases and in-memory SQLite)."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


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


def tenant_id(store: Store, args: argparse.Namespace) -> int | None:
    """The id of ``--tenant``, or ``None`` when it was not given."""
    return find_tenant(store, args.tenant)["id"] if args.tenant else None

