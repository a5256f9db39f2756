"""The floor: a bare Starlette app on the same uvicorn, answering a fixed Outlign client object.

Nothing is faster on this stack; the gateway's figures are reported as a ratio to these.

With ``BENCH_DATABASE`` set to a SQLite file holding the gateway's schema, it also answers
``/sqlite/outlign/api/v1/clients/{id}`` with that row, read by one raw ``sqlite3`` query on a
connection kept for the process: the least any SQLite-backed server can do per GET, so the
report can tell what the database read costs from what the gateway adds. With
``BENCH_POSTGRES`` (a ``postgresql://`` URL), ``/postgresql/...`` does the same read on
PostgreSQL through asyncpg, the fastest driver there is for it, from a pool of
``BENCH_POSTGRES_POOL`` connections (the ``bench`` extra installs it).
"""

from __future__ import annotations

import contextlib
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
PG_ROW = ROW.replace("?", "$1", 1).replace("?", "$2", 1)


def _shown(client: dict) -> dict:
    """Timestamps as Outlign shows them: "2026-01-01T12:00:00Z"."""
    for name in ("created_at", "updated_at"):
        value = client[name]
        text = value if isinstance(value, str) else value.isoformat(sep=" ")
        client[name] = text[:19].replace(" ", "T") + "Z"
    return client


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
        return Response(orjson.dumps(_shown(dict(row))), media_type="application/json")

    return get_one_from_sqlite


class PostgresReader:
    """The ``/postgresql/...`` endpoint: the same read through an asyncpg pool."""

    def __init__(self, url: str, tenant_id: int = 1, size: int = 20) -> None:
        self.url, self.tenant_id, self.size = url, tenant_id, size
        self.pool = None

    async def open(self) -> None:
        import asyncpg

        url = self.url.replace("postgresql+psycopg://", "postgresql://", 1)  # a gateway URL too
        self.pool = await asyncpg.create_pool(url, min_size=self.size, max_size=self.size)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def get_one(self, request: Request) -> Response:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(PG_ROW, self.tenant_id, int(request.path_params["id"]))
        if row is None:
            return Response(b"{}", status_code=404, media_type="application/json")
        return Response(orjson.dumps(_shown(dict(row))), media_type="application/json")


def make_app(database: str | None = None, postgres: str | None = None,
             postgres_pool: int = 20, tenant_id: int = 1) -> Starlette:
    routes = [
        Route("/outlign/api/v1/clients/{id}", get_one),
        Route("/outlign/api/v1/clients", list_fifty),
    ]
    if database:
        routes.append(Route("/sqlite/outlign/api/v1/clients/{id}",
                            sqlite_reader(database, tenant_id)))
    reader = PostgresReader(postgres, tenant_id, postgres_pool) if postgres else None
    if reader is not None:
        routes.append(Route("/postgresql/outlign/api/v1/clients/{id}", reader.get_one))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        if reader is not None:
            await reader.open()
        try:
            yield
        finally:
            if reader is not None:
                await reader.close()

    return Starlette(routes=routes, lifespan=lifespan)


app = make_app(os.environ.get("BENCH_DATABASE"), os.environ.get("BENCH_POSTGRES"),
               int(os.environ.get("BENCH_POSTGRES_POOL", "20")))
