"""Outlign's five endpoints (seed 000)."""

from __future__ import annotations

from starlette.responses import Response

from dialects.kit.calls import Call, endpoint
from dialects.kit.responses import JSON, SECONDS_Z
from dialects.kit.routing import resource
from dialects.laravel import client_id

from .schemas import CREATE, FIELDS, LIST_QUERY, UPDATE, render


@endpoint
async def list_clients(call: Call) -> Response:
    query = LIST_QUERY.load(call.query)
    page = await call.run(call.store.clients.list, call.scope, query, FIELDS)
    return JSON([render(r) for r in page.items], option=SECONDS_Z)


@endpoint
async def create_client(call: Call) -> Response:
    values = CREATE.load(await call.body())
    row = await call.run(call.store.clients.create, call.scope, values, projection=FIELDS)
    return JSON(render(row), status_code=201, option=SECONDS_Z)


@endpoint
async def get_client(call: Call) -> Response:
    row = await call.run(
        call.store.clients.get, call.scope, id=client_id(call), projection=FIELDS
    )
    return JSON(render(row), option=SECONDS_Z)


@endpoint
async def update_client(call: Call) -> Response:
    key = client_id(call)
    values = UPDATE.load(await call.body())
    row = await call.run(
        call.store.clients.update, call.scope, id=key, values=values, projection=FIELDS
    )
    return JSON(render(row), option=SECONDS_Z)


@endpoint
async def delete_client(call: Call) -> Response:
    await call.run(call.store.clients.delete, call.scope, id=client_id(call))
    return Response(status_code=204)


ROUTES = [
    resource("/api/v1/clients", GET=list_clients, POST=create_client),
    resource("/api/v1/clients/{id}", GET=get_client, PUT=update_client, DELETE=delete_client),
]
