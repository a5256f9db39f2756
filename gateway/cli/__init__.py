"""The ``clientgate`` command: serve the gateway, manage what it serves, deliver its emails.

Tenants, workspaces and API keys; accounts and OAuth2 clients; client categories, client users and contacts, and custom
fields (Grow CRM's, kept for every tenant); ``import`` and ``export`` move clients in and out
with their ids; ``mailer`` sends the emails the store queued; ``contract`` and ``diff`` check servers
against a dialect.

Every command that prints a record takes ``--json`` for scripts. Errors are one line on stderr
and a non-zero exit: 2 for bad arguments, 1 for anything the store or the database refused.
Each command group lives in a module of its own beside its arguments (``register``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed

from core.db import DATABASE_ERRORS
from core.errors import StoreError
from core.migrate import SchemaError

from ..settings import PREFIX, SettingsError
from . import access, backup, clientdata, contract, mail, server, signin, transfer
from .shared import CliError, Commands, Parser, describe

GROUPS = (server, access, signin, clientdata, transfer, backup, mail, contract)


def version() -> str:
    try:
        return installed("clientgate")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="clientgate", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", dest="database_url",
                        help=f"database URL (default: ${PREFIX}DATABASE_URL or a SQLite file)")
    parser.add_argument("--version", action="version", version=f"clientgate {version()}")
    commands = Commands(parser.add_subparsers(dest="command", required=True, parser_class=Parser))
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.opened = []
    try:
        code = args.func(args)
    except (CliError, StoreError, SchemaError, SettingsError, ValueError, *DATABASE_ERRORS) as exc:
        print(f"clientgate: error: {describe(exc)}", file=sys.stderr)
        return 1
    finally:
        for store in args.opened:
            store.dispose()
    return code or 0
