"""Grow CRM's endpoints (seed 003): CRUD on clients and the tags, status and owner actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError
from starlette.responses import Response

from core.errors import Invalid
from core.models import EMAIL_MAX
from core.scope import Scope
from core.store import Store
from core.values import clean_string
from dialects.kit.base import flatten
from dialects.kit.calls import Call, endpoint
from dialects.kit.errors import ValidationFailed
from dialects.kit.idempotency import idempotent
from dialects.kit.responses import JSON
from dialects.kit.routing import resource
from dialects.laravel import clean, client_id

from .schemas import CLIENT, CREATE, LIST_QUERY, OWNER, PAGING, STATUS, TAGS, UPDATE

FIELDS = CLIENT.projection
#: A page's clients are JSON the database writes (``core.documents``).
DOCUMENT = CLIENT.document
render = CLIENT.render

LISTED = "Clients retrieved successfully."
RETRIEVED = "Client retrieved successfully."
CREATED = "Client created successfully."
UPDATED = "Client updated successfully."
DELETED = "Client deleted successfully."
TAGS_SET = "Client tags updated successfully."
STATUS_SET = "Client status updated successfully."
OWNER_SET = "Client account owner updated successfully."


def answer(data: Any, message: str, status: int = 200) -> JSON:
    return JSON({"data": data, "message": message}, status_code=status)


# -- validation as Laravel reports it -----------------------------------------------------------


def store_rules(store: Store, scope: Scope, data: dict[str, Any], *, creating: bool,
                known: set[str]) -> dict[str, list[str]]:
    """The store's rules (``unique``, ``exists``, custom fields) that ``data`` breaks, in store
    field names, asked without writing, for the fields not already in ``known`` errors."""
    email = data.get("email")
    category = data.get("client_categoryid")
    return store.clients.broken_rules(
        scope,
        email=email if creating and "email" not in known
        and clean_string(email, EMAIL_MAX) is None else None,
        category_id=int(category) if category is not None
        and "client_categoryid" not in known else None,
        custom_values=data,
    )


async def refusal(call: Call, errors: dict[str, list[str]], body: dict[str, Any], *,
                  key: int | None = None, rules: str | None = None) -> ValidationFailed:
    """Laravel resolves the client ``key`` before validating (an unknown id is a 404 whatever
    the body), then reports every broken rule at once: with ``rules`` (``create`` or
    ``update``), the store's among them."""
    if key is not None:
        await call.run(call.store.clients.require, call.scope, key)
    if rules:
        broken = await call.run(store_rules, call.store, call.scope, clean(body),
                                creating=rules == "create", known=set(errors))
        dialect = call.dialect
        for field, messages in dialect.store_errors(broken).items():
            errors.setdefault(field, messages)
    return ValidationFailed(errors)


async def checked(call: Call, schema: Schema, body: dict[str, Any], *, key: int | None = None,
                  rules: str | None = None) -> Any:
    try:
        return schema.load(body)
    except ValidationError as exc:
        raise await refusal(call, flatten(exc.messages), body, key=key, rules=rules) from None


async def written(call: Call, body: dict[str, Any], rules: str, write: Callable[..., dict],
                  *args: Any, **kwargs: Any) -> dict:
    """Run a create or update; a store refusal is reported with every other broken rule."""
    try:
        return await call.run(write, *args, **kwargs)
    except Invalid as exc:
        errors = call.dialect.store_errors(exc.errors)
        raise await refusal(call, errors, body, rules=rules) from None


# -- endpoints ----------------------------------------------------------------------------------


@endpoint
async def list_clients(call: Call) -> Response:
    page = await call.run(call.store.clients.list, call.scope, LIST_QUERY.load(call.query),
                          document=DOCUMENT)
    return JSON({**PAGING.envelope(CLIENT.shown(page.items), page), "message": LISTED})


@endpoint
@idempotent
async def create_client(call: Call) -> Response:
    body = await call.body()
    new = await checked(call, CREATE, body, rules="create")
    row = await written(
        call, body, "create", call.store.clients.create, call.scope, new.values, tags=new.tags,
        custom_values=clean(body), primary_user=new.person, send_welcome=new.send_email,
        projection=FIELDS,
    )
    return answer(render(row), CREATED, 201)


@endpoint
async def get_client(call: Call) -> Response:
    row = await call.run(call.store.clients.get, call.scope, id=client_id(call),
                         projection=FIELDS)
    return answer(render(row), RETRIEVED)


@endpoint
async def update_client(call: Call) -> Response:
    key = client_id(call)
    body = await call.body()
    values = await checked(call, UPDATE, body, key=key, rules="update")
    row = await written(
        call, body, "update", call.store.clients.update, call.scope, id=key, values=values,
        custom_values=clean(body), projection=FIELDS,
    )
    return answer(render(row), UPDATED)


@endpoint
async def delete_client(call: Call) -> Response:
    deleted = await call.run(call.store.clients.delete, call.scope, id=client_id(call))
    return answer({"id": deleted}, DELETED)


def action(schema: Schema, write: Callable[[Store], Callable[..., dict]], message: str
           ) -> Callable:
    """``PUT /api/clients/{id}/<action>``: one validated value, one store call, the client."""

    @endpoint
    async def run(call: Call) -> Response:
        key = client_id(call)
        value = await checked(call, schema, await call.body(), key=key)
        row = await call.run(write(call.store), call.scope, value, id=key, projection=FIELDS)
        return answer(render(row), message)

    return run


ROUTES = [
    resource("/api/clients", GET=list_clients, POST=create_client),
    resource("/api/clients/{id}", GET=get_client, PATCH=update_client, DELETE=delete_client),
    resource("/api/clients/{id}/tags",
             PUT=action(TAGS, lambda s: s.clients.set_tags, TAGS_SET)),
    resource("/api/clients/{id}/status",
             PUT=action(STATUS, lambda s: s.clients.set_status, STATUS_SET)),
    resource("/api/clients/{id}/owner",
             PUT=action(OWNER, lambda s: s.clients.set_owner, OWNER_SET)),
]
