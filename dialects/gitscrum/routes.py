"""GitScrum's four endpoints (seed 004), each answering only inside the workspace its
``company_slug`` names."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

from core.errors import Invalid, NotFound
from core.scope import Scope
from dialects.kit.calls import Call, endpoint
from dialects.kit.responses import JSON, SECONDS_Z
from dialects.kit.routing import resource

from .schemas import CREATE, EVERY_CLIENT, FIELDS, SLUG_QUERY, UPDATE, render

#: Clients per read while listing: memory holds one batch, whatever the workspace's size.
BATCH = 500


async def workspace(call: Call, slug: str) -> Scope:
    """The key's scope narrowed to the workspace ``slug`` names. Any other slug fails Laravel's
    ``exists`` rule, as GitScrum documents: a 422 on ``company_slug``, never a 404."""
    try:
        found = await call.run(call.store.workspaces.find, call.scope, slug=slug)
    except NotFound:
        raise Invalid.one("workspace_id", "unknown") from None
    return Scope(call.scope.tenant_id, workspace_id=found["id"])


async def given(call: Call) -> dict[str, Any]:
    """Laravel's ``$request->all()``: the query string, overridden by the body."""
    return {**call.query, **await call.body()}


def one(row: dict[str, Any], status: int = 200) -> JSON:
    return JSON({"data": render(row)}, status_code=status, option=SECONDS_Z)


@endpoint
async def list_clients(call: Call) -> Response:
    scope = await workspace(call, SLUG_QUERY.load(call.query))
    batches = call.store.clients.stream(scope, EVERY_CLIENT, FIELDS, batch=BATCH)
    # The first read happens before the response starts, so its errors get a proper status.
    first = await call.run(next, batches, None)
    if first is None or len(first) < BATCH:  # a short batch is the last one
        return JSON({"data": [render(r) for r in first or ()]}, option=SECONDS_Z)
    return StreamingResponse(_stream(call, first, batches), media_type="application/json")


async def _stream(call: Call, batch: list[dict], rest: Generator[list[dict], None, None]
                  ) -> AsyncIterator[bytes]:
    """``{"data":[...]}`` written a batch at a time, each read where store calls run."""
    try:
        prefix = b'{"data":['
        while batch:
            yield prefix + orjson.dumps([render(r) for r in batch], option=SECONDS_Z)[1:-1]
            prefix = b","
            batch = await call.run(next, rest, None)
        yield b"]}"
    finally:
        rest.close()


@endpoint
async def get_client(call: Call) -> Response:
    scope = await workspace(call, SLUG_QUERY.load(call.query))
    return one(await call.run(call.store.clients.get, scope, uuid=call.path("uuid"),
                              projection=FIELDS))


@endpoint
async def create_client(call: Call) -> Response:
    change = CREATE.load(await given(call))
    scope = await workspace(call, change.company_slug)
    return one(await call.run(call.store.clients.create, scope, change.values,
                              projection=FIELDS), 201)


@endpoint
async def update_client(call: Call) -> Response:
    change = UPDATE.load(await given(call))
    scope = await workspace(call, change.company_slug)
    return one(await call.run(call.store.clients.update, scope, uuid=call.path("uuid"),
                              values=change.values, projection=FIELDS))


# The literal path first: "clients" is not a uuid.
ROUTES = [
    resource("/contact-companies/clients", GET=list_clients),
    resource("/contact-companies", POST=create_client),
    resource("/contact-companies/{uuid}", GET=get_client, PUT=update_client),
]
