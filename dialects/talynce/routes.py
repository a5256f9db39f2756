"""Talynce's four endpoints (seed 002)."""

from __future__ import annotations

from starlette.responses import Response

from dialects import nextjs
from dialects.kit.calls import Call, endpoint
from dialects.kit.idempotency import idempotent
from dialects.kit.responses import JSON
from dialects.kit.routing import resource
from dialects.nextjs import data

from .schemas import BODY, CLIENT, LIST_QUERY, PAGING

FIELDS = CLIENT.projection
#: A page's clients are JSON the database writes (``core.documents``).
DOCUMENT = CLIENT.document
render = CLIENT.render


@endpoint
async def list_clients(call: Call) -> Response:
    query = LIST_QUERY.load(call.query)
    page = await call.run(call.store.clients.list, call.scope, query, document=DOCUMENT)
    return JSON(PAGING.envelope(CLIENT.shown(page.items), page))


@endpoint
@idempotent
async def create_client(call: Call) -> Response:
    change = BODY.load(await call.body())
    return data(render(await call.run(call.store.clients.create, call.scope, change.values,
                                      tags=change.tags, projection=FIELDS)), 201)


get_client = nextjs.get_client(CLIENT)


@endpoint
async def update_client(call: Call) -> Response:
    change = BODY.load(await call.body(), partial=True)
    return data(render(await call.run(call.store.clients.update, call.scope,
                                      uuid=call.path("id"), values=change.values,
                                      tags=change.tags, projection=FIELDS)))


ROUTES = [
    resource("/api/v1/clients", GET=list_clients, POST=create_client),
    resource("/api/v1/clients/{id}", GET=get_client, PUT=update_client),
]
