"""Ids mean one thing forever: numbered per tenant, never given twice, and an imported id keeps
resolving, in its vendor's dialect, to the record it named; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import Invalid
from core.incoming import Incoming, Person
from core.queries import ClientQuery
from core.scope import Scope
from tests.conftest import make_tenant

OUTLIGN = "/outlign/api/v1/clients"
GROWCRM = "/growcrm/api/clients"
GITSCRUM = "/gitscrum/contact-companies"
STAMP = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def outlign_create(client, tenant, title: str, company: int | None = None) -> dict:
    r = client.post(OUTLIGN, json={"title": title,
                                   "company_id": company or tenant.workspace["id"]},
                    headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_ids_are_per_tenant_and_never_given_twice(client, store):
    a, b = make_tenant(store), make_tenant(store)
    first, second = outlign_create(client, a, "One"), outlign_create(client, a, "Two")
    theirs = outlign_create(client, b, "Theirs")
    assert client.delete(f"{OUTLIGN}/{second['id']}", headers=a.headers).status_code == 204

    third = outlign_create(client, a, "Three")

    # Another tenant's writes do not move this tenant's ids, and a deleted id is never reused:
    # an integration still holding id 2 gets a 404, not somebody else's client.
    assert (first["id"], second["id"], third["id"], theirs["id"]) == (1, 2, 3, 1)
    assert client.get(f"{OUTLIGN}/2", headers=a.headers).status_code == 404
    assert client.get(f"{OUTLIGN}/1", headers=b.headers).json()["title"] == "Theirs"
    # Workspaces, categories and people are numbered the same way.
    assert store.workspaces.create(a.id, "third")["id"] == store.workspaces.create(b.id, "x")["id"]
    assert store.categories.create(a.id, "VIP")["id"] == store.categories.create(b.id, "VIP")["id"]


def test_two_tenants_importing_the_same_ids_each_keep_their_own(client, store):
    tenants = [make_tenant(store), make_tenant(store)]
    for n, kit in enumerate(tenants):
        store.imports.workspace(kit.id, id=456, slug="acme", name=f"Acme {n}")
        store.imports.category(kit.id, id=2, name="Standard")
        tally = store.imports.bulk(kit.id, [Incoming(
            {"name": f"Client of tenant {n}", "workspace_id": 456, "category_id": 2,
             "created_at": STAMP, "updated_at": STAMP},
            id=123, people=[Person(34, "Jane", f"Doe {n}", f"jane{n}@x.example", is_owner=True)],
        )], origin="outlign")
        assert tally.as_dict() == {"created": 1, "updated": 0, "unchanged": 0, "failed": 0}

    for n, kit in enumerate(tenants):
        r = client.get(f"{OUTLIGN}/123", headers=kit.headers)
        assert r.status_code == 200
        assert r.json() == {"id": 123, "title": f"Client of tenant {n}", "company_id": 456,
                            "created_at": "2024-03-01T08:00:00Z",
                            "updated_at": "2024-03-01T08:00:00Z"}
        listed = client.get(OUTLIGN, params={"company_id": 456}, headers=kit.headers).json()
        assert [c["id"] for c in listed] == [123]
        grow = client.get(f"{GROWCRM}/123", headers=kit.headers).json()["data"]
        assert grow["category"] == {"id": 2, "name": "Standard"}
        assert grow["owner"] == {"id": 34, "name": f"Jane Doe {n}"}
        assert client.get(f"{GITSCRUM}/clients", params={"company_slug": "acme"},
                          headers=kit.headers).json()["data"][0]["name"] == f"Client of tenant {n}"


def test_records_made_after_an_import_never_take_an_imported_id(client, store, tenant):
    store.imports.workspace(tenant.id, id=456, slug="acme")
    store.imports.category(tenant.id, id=7, name="Seven")
    store.imports.bulk(tenant.id, [Incoming({"name": "Old", "workspace_id": 456}, id=500,
                                            people=[Person(90, "A", "B", "a@b.example")])],
                       origin="outlign")

    made = outlign_create(client, tenant, "New", company=456)
    grow = client.post(GROWCRM, data={"client_company_name": "Grown", "first_name": "C",
                                      "last_name": "D", "email": "c@d.example"},
                       headers=tenant.headers)

    assert made["id"] == 501
    assert grow.status_code == 201, grow.text
    assert grow.json()["data"]["id"] == 502 and grow.json()["data"]["owner"]["id"] == 91
    assert store.workspaces.create(tenant.id, "later")["id"] == 457
    assert store.categories.create(tenant.id, "Later")["id"] == 8


def test_an_imported_string_id_is_kept_as_given(client, store, tenant):
    store.imports.bulk(tenant.id, [Incoming({"name": "Abc"}, uuid="client-abc-123")],
                       origin="gitscrum")

    r = client.get(f"{GITSCRUM}/client-abc-123", params={"company_slug": "main"},
                   headers=tenant.headers)

    assert r.status_code == 200
    assert r.json()["data"]["uuid"] == "client-abc-123"
    r = client.put(f"{GITSCRUM}/client-abc-123", json={"company_slug": "main", "name": "Abd"},
                   headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["name"] == "Abd"
    assert client.get(f"{GITSCRUM}/client-abc-124", params={"company_slug": "main"},
                      headers=tenant.headers).status_code == 404


def test_an_import_never_overwrites_a_client_it_did_not_import(client, store, tenant):
    native = outlign_create(client, tenant, "Made here")

    first = store.imports.bulk(tenant.id, [Incoming({"name": "Vendor's"}, id=native["id"])],
                               origin="outlign")
    assert first.as_dict() == {"created": 0, "updated": 0, "unchanged": 0, "failed": 1}
    assert "held by a client created here" in first.failures[0].reason
    assert client.get(f"{OUTLIGN}/{native['id']}", headers=tenant.headers).json()["title"] == \
        "Made here"

    # Its own records it does update in place, and a second identical run changes nothing.
    record = Incoming({"name": "Vendor's", "created_at": STAMP, "updated_at": STAMP}, id=40)
    assert store.imports.bulk(tenant.id, [record], origin="outlign").created == 1
    assert store.imports.bulk(tenant.id, [record], origin="outlign").unchanged == 1
    assert store.imports.bulk(tenant.id, [record], origin="growcrm").failed == 1
    changed = Incoming({"name": "Renamed", "created_at": STAMP, "updated_at": STAMP}, id=40)
    assert store.imports.bulk(tenant.id, [changed], origin="outlign").updated == 1
    assert client.get(f"{OUTLIGN}/40", headers=tenant.headers).json()["title"] == "Renamed"


@pytest.mark.parametrize("bad", [
    {"name": ""}, {"name": "x" * 300}, {"name": "nul\x00"}, {"name": "ok", "status": "gone"},
])
def test_a_record_the_store_cannot_hold_fails_alone(store, tenant, bad):
    tally = store.imports.bulk(tenant.id, [Incoming({"name": "Good"}, id=1),
                                           Incoming(bad, id=2), Incoming({"name": "Also"}, id=3)],
                               origin="outlign")
    assert (tally.created, tally.failed) == (2, 1)
    assert [c["id"] for c in store.clients.list(Scope(tenant.id), _all()).items] == [1, 3]


def test_a_dry_run_writes_nothing(store, tenant):
    tally = store.imports.bulk(tenant.id, [Incoming({"name": "Would be"}, id=9)],
                               origin="outlign", dry_run=True)
    assert tally.created == 1
    assert store.clients.list(Scope(tenant.id), _all()).items == []
    assert store.imports.bulk(tenant.id, [Incoming({"name": "Is"})], origin="outlign"
                              ).created == 1
    # The dry run took no id either.
    assert [c["id"] for c in store.clients.list(Scope(tenant.id), _all()).items] == [1]


def _all() -> ClientQuery:
    return ClientQuery(limit=1000)


def test_a_refused_record_in_a_batch_fails_alone_and_the_rest_is_written(store, tenant):
    """A batch is written in one go; when the database refuses a record (an email another
    person has, a user id another client's person holds) it runs again a record at a time."""
    records = [
        Incoming({"name": "First"}, id=1,
                 people=[Person(7, "A", "A", "same@x.example", is_owner=True)]),
        Incoming({"name": "Twin email"}, id=2, people=[Person(8, "B", "B", "SAME@x.example")]),
        Incoming({"name": "Twin person"}, id=3, people=[Person(7, "C", "C", "c@x.example")]),
        Incoming({"name": "Fine"}, id=4,
                 people=[Person(None, "D", "D", "d@x.example", is_owner=True)]),
    ]
    tally = store.imports.bulk(tenant.id, records, origin="growcrm")

    assert (tally.created, tally.failed) == (2, 2)
    assert sorted(f.reason for f in tally.failures) == ["users.email: taken", "users.id: taken"]
    listed = store.clients.list(Scope(tenant.id), _all()).items
    assert [(c["id"], c["owner_id"]) for c in listed] == [(1, 7), (4, 9)]
    assert [u["id"] for u in store.users.list(Scope(tenant.id))] == [7, 9]


def test_workspaces_and_categories_are_kept_by_id_or_found_by_slug_and_name(store, tenant):
    imports = store.imports
    assert imports.workspace(tenant.id, slug="east", dry_run=True) == (3, "created")
    assert imports.workspace(tenant.id, slug="east") == (3, "created")  # the dry run took none
    assert imports.workspace(tenant.id, slug="east") == (3, "unchanged")
    assert imports.workspace(tenant.id, id=3, slug="east", name="East") == (3, "updated")
    assert imports.workspace(tenant.id, id=456) == (456, "created")
    with pytest.raises(Invalid):
        imports.workspace(tenant.id, id=457, slug="east")  # the slug is workspace 3's
    assert [(w["id"], w["slug"], w["name"]) for w in store.workspaces.list(tenant.id)][2:] == \
        [(3, "east", "East"), (456, "workspace-456", "workspace-456")]
    assert imports.category(tenant.id, id=2, name="Standard") == (2, "created")
    assert imports.category(tenant.id, name="Standard") == (2, "unchanged")
    with pytest.raises(Invalid):
        imports.category(tenant.id, id=9, name="Standard")
    assert store.categories.create(tenant.id, "Next")["id"] == 3
