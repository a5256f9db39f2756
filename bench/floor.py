"""The floor: a bare Starlette app on the same uvicorn, answering a fixed Outlign client object.

Nothing is faster on this stack; the gateway's figures are reported as a ratio to these.

With ``BENCH_DATABASE`` set to a SQLite file holding the gateway's schema, it also answers
``/sqlite/outlign/api/v1/clients/{id}`` with that row, read by one raw ``sqlite3`` query on a
connection kept for the process: the least any SQLite-backed server can do per GET, so the
report can tell what the database read costs from what the gateway adds.
"""

from __future__ import annotations

import os
import sqlite3

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

CLIENT = {
    "id": 123,
    "title": "Acme Corporation",
    "company_id": 456,
    "created_at": "2023-01-01T12:00:00Z",
    "updated_at": "2023-01-01T12:00:00Z",
}
ONE = orjson.dumps(CLIENT)
FIFTY = [dict(CLIENT, id=123 + i) for i in range(50)]


async def get_one(request: Request) -> Response:
    return Response(ONE, media_type="application/json")


async def list_fifty(request: Request) -> Response:
    return Response(orjson.dumps(FIFTY), media_type="application/json")


ROW = ("SELECT id, name AS title, workspace_id AS company_id, created_at, updated_at"
       " FROM clients WHERE tenant_id = ? AND id = ?")


def sqlite_reader(database: str, tenant_id: int = 1):
    """The ``/sqlite/...`` endpoint: one raw read on a connection opened once (ids are per
    tenant: the read names the tenant, as the gateway's does)."""
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.row_factory = sqlite3.Row

    async def get_one_from_sqlite(request: Request) -> Response:
        row = connection.execute(ROW, (tenant_id, int(request.path_params["id"]))).fetchone()
        if row is None:
            return Response(b"{}", status_code=404, media_type="application/json")
        client = dict(row)
        # Stored as "2026-01-01 12:00:00.123456"; shown as "2026-01-01T12:00:00Z".
        for name in ("created_at", "updated_at"):
            client[name] = client[name][:19].replace(" ", "T") + "Z"
        return Response(orjson.dumps(client), media_type="application/json")

    return get_one_from_sqlite


def make_app(database: str | None = None) -> Starlette:
    routes = [
        Route("/outlign/api/v1/clients/{id}", get_one),
        Route("/outlign/api/v1/clients", list_fifty),
    ]
    if database:
        routes.append(Route("/sqlite/outlign/api/v1/clients/{id}", sqlite_reader(database)))
    return Starlette(routes=routes)


app = make_app(os.environ.get("BENCH_DATABASE"))
