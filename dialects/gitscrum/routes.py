"""GitScrum's four endpoints (seed 004), each answering only inside the workspace its
``company_slug`` names."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from core.checks import SLUG
from core.errors import Invalid, NotFound
from core.scope import Scope
from dialects.kit.calls import Call, endpoint
from dialects.kit.idempotency import idempotent
from dialects.kit.responses import JSON
from dialects.kit.routing import resource

from .login import login
from .schemas import CLIENT, CREATE, EVERY_CLIENT, PAGING, SLUG_QUERY, UPDATE

FIELDS = CLIENT.projection
#: The client object as the database writes it: the whole-workspace list is text from SQL.
DOCUMENT = CLIENT.document
if DOCUMENT is None:
    raise TypeError("a GitScrum client field has no SQL form (dialects.kit.wire)")


async def workspace(call: Call, slug: str) -> Scope:
    """The key's scope narrowed to the workspace ``slug`` names. Any other slug fails Laravel's
    ``exists`` rule, as GitScrum documents: a 422 on ``company_slug``, never a 404."""
    try:
        found = await call.run(call.store.workspaces.find, call.scope, slug=slug)
    except NotFound:
        raise Invalid.one("workspace_id", "unknown") from None
    return Scope(call.scope.tenant_id, workspace_id=found["id"])


def company_slug(call: Call) -> str:
    """The query's ``company_slug``. A value that is already a well-formed slug is what the
    Laravel rules would give back unchanged, so it skips them (they cost a GET about 15 µs);
    anything else goes through them, for their exact answer."""
    value = call.query.get("company_slug")
    if isinstance(value, str) and SLUG.fullmatch(value):
        return value
    return SLUG_QUERY.load(call.query)


async def given(call: Call) -> dict[str, Any]:
    """Laravel's ``$request->all()``: the query string, overridden by the body."""
    return {**call.query, **await call.body()}


def one(row: dict[str, Any], status: int = 200) -> JSON:
    return JSON({"data": CLIENT.render(row)}, status_code=status, option=CLIENT.option)


@endpoint
async def list_clients(call: Call) -> Response:
    scope = await workspace(call, company_slug(call))
    batches = call.store.clients.documents(scope, EVERY_CLIENT, DOCUMENT, batch=PAGING.batch)
    return await PAGING.respond(call.run, batches, CLIENT.render, option=CLIENT.option)


@endpoint
async def get_client(call: Call) -> Response:
    """One store call: the workspace is looked up in the client's own statement."""
    try:
        row = await call.run(call.store.clients.get_in, call.scope, company_slug(call),
                             uuid=call.path("uuid"), projection=FIELDS)
    except NotFound as exc:
        if exc.resource != "workspace":
            raise
        raise Invalid.one("workspace_id", "unknown") from None
    return one(row)


@endpoint
@idempotent
async def create_client(call: Call) -> Response:
    change = CREATE.load(await given(call))
    scope = await workspace(call, change.company_slug)
    return one(await call.run(call.store.clients.create, scope, change.values,
                              projection=FIELDS), 201)


@endpoint
async def update_client(call: Call) -> Response:
    """A ``company_slug`` that is sent is checked; without one the uuid, within the key's
    tenant and workspace limit, names the client (GitScrum's own client sends none)."""
    change = UPDATE.load(await given(call))
    scope = call.scope if change.company_slug is None else await workspace(call,
                                                                           change.company_slug)
    if not change.values:  # nothing to change: Eloquent saves nothing, updated_at stays
        return one(await call.run(call.store.clients.get, scope, uuid=call.path("uuid"),
                                  projection=FIELDS))
    return one(await call.run(call.store.clients.update, scope, uuid=call.path("uuid"),
                              values=change.values, projection=FIELDS))


# The literal path first: "clients" is not a uuid.
ROUTES = [
    resource("/contact-companies/clients", GET=list_clients),
    resource("/contact-companies", POST=create_client),
    resource("/contact-companies/{uuid}", GET=get_client, PUT=update_client),
    resource("/auth/login", POST=login),
]
