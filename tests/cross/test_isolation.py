"""Tenants and workspaces fence clients in, through every dialect and every operation it has: a
key of another tenant, or a key limited to another workspace, can neither read, list, search,
update, re-status, re-tag, re-own nor delete a client, and the client is untouched afterwards;
on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.scope import Scope
from tests.conftest import count_clients

from .common import DIALECTS, answer, keys_in, ok
from .views import CREATE, UPDATE, Ref, View, stored
from .world import make_client, new_values

LISTINGS = ("list", "search")


def attempt(op: str, view: View, http: Any, tenant: Any, headers: dict, ref: Ref) -> Any:
    """``op`` on ``ref`` (a client of ``tenant``) with ``headers``, sending new values."""
    fields = {"update": {w.field for w in view.wires if UPDATE in w.ways},
              "status": {"status"}, "tags": {"tags"}, "owner": {"owner.id"}}
    if op in fields:
        values = new_values(tenant, fields[op], ref)
        if op == "update":
            return view.update(http, headers, ref, values)
        (response,) = view.change(http, headers, ref, values)
        return response
    calls: dict[str, Callable[[], Any]] = {
        "get": lambda: view.get(http, headers, ref),
        "list": lambda: view.list(http, headers, ref),
        "search": lambda: view.search(http, headers, ref, ref.name),
        "delete": lambda: view.delete(http, headers, ref),
    }
    return calls[op]()


OPERATIONS = [pytest.param(view, op, id=f"{view}-{op}")
              for view in DIALECTS for op in view.operations()]


@pytest.mark.parametrize(("view", "op"), OPERATIONS)
def test_another_tenants_key_cannot_reach_a_client(client, tenant, other_tenant, view, op):
    ref = make_client(tenant)
    # The other tenant has a client of the same name in a workspace of the same slug: its own
    # list and search find that one, never ours.
    theirs = make_client(other_tenant)
    before = stored(tenant, ref)

    response = attempt(op, view, client, tenant, other_tenant.headers, ref)

    if op in LISTINGS:
        assert keys_in(view, response) == [theirs.key(view)]
    else:
        assert answer(response) == (404, view.missing(ref))
    assert stored(tenant, ref) == before


@pytest.mark.parametrize(("view", "op"), OPERATIONS)
def test_a_workspace_limited_key_cannot_reach_another_workspace(client, tenant, view, op):
    ref = make_client(tenant, tenant.other_workspace)
    mine = make_client(tenant, tenant.workspace, name=ref.name.upper())
    before = stored(tenant, ref)

    response = attempt(op, view, client, tenant, tenant.limited_headers, ref)

    if view.names_workspace:
        assert answer(response) == (422, view.unknown_workspace)
    elif op in LISTINGS:
        assert keys_in(view, response) == [mine.key(view)]
    else:
        assert answer(response) == (404, view.missing(ref))
    assert stored(tenant, ref) == before


@pytest.mark.parametrize("view", [v for v in DIALECTS if v.unknown_workspace], ids=str)
def test_a_workspace_the_key_may_not_use_cannot_be_named_on_create(
        client, tenant, other_tenant, view):
    only_ours = tenant.store.workspaces.create(tenant.id, "only-ours")
    attempts = [(tenant.limited_headers, tenant.other_workspace),
                (other_tenant.headers, only_ours)]

    for headers, workspace in attempts:
        values = {"name": "Intruder", "workspace_id": workspace["id"],
                  "workspace_slug": workspace["slug"]}
        response = view.create(client, tenant, values, headers=headers)
        assert answer(response) == (422, view.unknown_workspace)

    assert count_clients(tenant.store, tenant.id) == count_clients(tenant.store,
                                                                   other_tenant.id) == 0


@pytest.mark.parametrize("view", DIALECTS, ids=str)
def test_a_workspace_limited_key_works_in_its_own_workspace(client, tenant, view):
    """The fence is not a wall: the limited key reaches what is its own, whatever the dialect."""
    ref = make_client(tenant, tenant.workspace)
    made = view.one(ok(view.create(client, tenant, {"name": "Mine too"},
                                   headers=tenant.limited_headers), 201))

    assert view.one(ok(view.get(client, tenant.limited_headers, ref)))[view.key] == ref.key(view)
    assert stored(tenant, **{view.key: made[view.key]})["workspace_slug"] == "main"


@pytest.mark.parametrize("view", [v for v in DIALECTS if v.writes("owner.email", CREATE)],
                         ids=str)
def test_a_workspace_limited_key_cannot_take_a_contact_from_another_workspace(
        client, tenant, view):
    """A primary user whose email is a contact's promotes that contact, taking it from its
    client: only from a client the key may reach. Otherwise the email is taken."""
    ref = make_client(tenant, tenant.other_workspace)
    scope = Scope(tenant.id)
    contact = tenant.store.users.create(scope, client_id=ref.id, first_name="Lee",
                                        last_name="Ng", email="lee@other.example", kind="contact")
    tenant.store.clients.set_owner(scope, contact["id"], id=ref.id)
    values = {"name": "Mine", "owner.first_name": "Lee", "owner.last_name": "Ng",
              "owner.email": contact["email"]}
    before = (stored(tenant, ref), tenant.store.users.list(scope))

    response = view.create(client, tenant, values, headers=tenant.limited_headers)

    assert response.status_code == 422
    assert (stored(tenant, ref), tenant.store.users.list(scope)) == before
    # A key that reaches the contact's client promotes it, as documented.
    made = view.one(ok(view.create(client, tenant, values), 201))
    assert stored(tenant, **{view.key: made[view.key]})["owner.id"] == contact["id"]
