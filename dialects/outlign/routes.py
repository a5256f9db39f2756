"""Outlign's five endpoints (seed 000)."""

from __future__ import annotations

from starlette.responses import Response

from dialects.kit.calls import Call, endpoint
from dialects.kit.idempotency import idempotent
from dialects.kit.responses import JSON
from dialects.kit.routing import resource
from dialects.laravel import client_id

from .oauth import authorize, authorize_page, deny, token
from .schemas import CLIENT, CREATE, LIST_QUERY, PAGING, UPDATE

FIELDS = CLIENT.projection
#: A page's clients are JSON the database writes (``core.documents``).
DOCUMENT = CLIENT.document


def client(row: dict, status: int = 200) -> JSON:
    return JSON(CLIENT.render(row), status_code=status, option=CLIENT.option)


@endpoint
async def list_clients(call: Call) -> Response:
    page = await call.run(call.store.clients.list, call.scope, LIST_QUERY.load(call.query),
                          document=DOCUMENT)
    return JSON(PAGING.envelope(CLIENT.shown(page.items), page), option=CLIENT.option)


@endpoint
@idempotent
async def create_client(call: Call) -> Response:
    values = CREATE.load(await call.body())
    return client(await call.run(call.store.clients.create, call.scope, values,
                                 projection=FIELDS), 201)


@endpoint
async def get_client(call: Call) -> Response:
    return client(await call.run(call.store.clients.get, call.scope, id=client_id(call),
                                 projection=FIELDS))


@endpoint
async def update_client(call: Call) -> Response:
    key = client_id(call)
    values = UPDATE.load(await call.body())
    return client(await call.run(call.store.clients.update, call.scope, id=key, values=values,
                                 projection=FIELDS))


@endpoint
async def delete_client(call: Call) -> Response:
    await call.run(call.store.clients.delete, call.scope, id=client_id(call))
    return Response(status_code=204)


ROUTES = [
    resource("/api/v1/clients", GET=list_clients, POST=create_client),
    resource("/api/v1/clients/{id}", GET=get_client, PUT=update_client, DELETE=delete_client),
    resource("/oauth/authorize", GET=authorize_page, POST=authorize, DELETE=deny),
    resource("/oauth/token", POST=token),
]
