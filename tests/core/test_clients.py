"""The client service on SQLite and PostgreSQL: scoping, validation, paging, search, writes."""

from __future__ import annotations

import pytest

from core import models as m
from core.errors import Conflict, Invalid, NotFound
from core.incoming import Incoming
from core.people import Person
from core.projection import ALL, Projection
from core.queries import ClientQuery, Sort
from core.scope import Scope
from tests.conftest import count_clients, make_tenant

NAME_ONLY = Projection("name", "workspace_id", "status", "created_at")


@pytest.fixture
def scope(tenant):
    return Scope(tenant.id)


def names(page):
    return [row["name"] for row in page.items]


def test_create_fills_defaults_and_reads_back(store, tenant, scope):
    row = store.clients.create(scope, {"name": "Acme"})

    assert row["name"] == "Acme" and row["status"] == "active"
    assert row["workspace_id"] == tenant.workspace["id"]  # the tenant's default workspace
    assert row["category_name"] == "Default"
    assert row["metadata"] == {} and row["tags"] == [] and row["custom_fields"] == {}
    assert row["created_at"] == row["updated_at"]
    assert row["created_at"].microsecond is not None
    assert store.clients.get(scope, uuid=row["uuid"]) == row
    assert store.clients.get(scope, id=row["id"]) == row


def test_every_client_field_round_trips(store, scope, tenant):
    values = {
        "name": "Full", "description": "d", "notes": "n", "status": "inactive",
        "email": "a@b.c", "phone": "+1 555", "website": "https://x.test", "address": "1 St\nTown",
        "contact_person": "Jane", "industry": "Tech", "vat": "GB1", "billing_street": "s",
        "billing_city": "c", "billing_state": "st", "billing_zip": "z", "billing_country": "co",
        "billing_invoice_due_days": 7, "shipping_street": "s2", "shipping_city": "c2",
        "shipping_state": "st2", "shipping_zip": "z2", "shipping_country": "co2",
        "metadata": {"external_id": "CRM-1", "nested": {"a": [1, 2]}},
        "workspace_id": tenant.other_workspace["id"],
    }
    row = store.clients.create(scope, values, tags=["b", "a", "b"])
    for key, value in values.items():
        assert row[key] == value, key
    assert row["tags"] == ["b", "a"]
    assert row["workspace_slug"] == "other"


def test_scope_hides_other_tenants_and_workspaces(store, tenant, other_tenant):
    mine = store.clients.create(Scope(tenant.id), {"name": "Mine",
                                                   "workspace_id": tenant.other_workspace["id"]})
    theirs = Scope(other_tenant.id)
    limited = Scope(tenant.id, tenant.workspace["id"])

    for scope in (theirs, limited):
        with pytest.raises(NotFound):
            store.clients.get(scope, id=mine["id"])
        with pytest.raises(NotFound):
            store.clients.update(scope, id=mine["id"], values={"name": "x"})
        with pytest.raises(NotFound):
            store.clients.delete(scope, uuid=mine["uuid"])
        assert store.clients.list(scope, ClientQuery()).items == []
    assert store.clients.get(Scope(tenant.id), id=mine["id"])["name"] == "Mine"


@pytest.mark.parametrize("key", [{"id": 0}, {"id": -1}, {"id": 2**63}, {"id": "1"},
                                 {"id": True}, {"uuid": "nope"}, {"uuid": 5}, {"uuid": None}])
def test_keys_that_cannot_exist_are_not_found(store, scope, key):
    with pytest.raises(NotFound):
        store.clients.get(scope, **key)


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({}, {"name": ["required"]}),
        ({"name": ""}, {"name": ["required"]}),
        ({"name": "x" * 256}, {"name": ["max_length"]}),
        ({"name": "nul\x00"}, {"name": ["invalid"]}),
        ({"name": "ok", "phone": "1" * 51}, {"phone": ["max_length"]}),
        ({"name": "ok", "status": "gone"}, {"status": ["invalid"]}),
        ({"name": "ok", "metadata": [1]}, {"metadata": ["invalid"]}),
        ({"name": "ok", "metadata": {"k": "\x00"}}, {"metadata": ["invalid"]}),
        ({"name": "ok", "billing_invoice_due_days": 2**40}, {"billing_invoice_due_days": ["invalid"]}),
        ({"name": "ok", "workspace_id": 10**20}, {"workspace_id": ["unknown"]}),
        ({"name": "ok", "category_id": 10**20}, {"category_id": ["unknown"]}),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(store, tenant, scope, values, errors):
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, values)
    assert caught.value.errors == errors
    assert count_clients(store, tenant.id) == 0


def test_workspace_and_category_of_another_tenant_are_unknown(store, scope, other_tenant):
    # Ids are per tenant: the other tenant's second workspace and category have ids this tenant
    # has not given, and they mean nothing here.
    other_workspace = store.workspaces.create(other_tenant.id, "second")["id"]
    other_category = store.categories.create(other_tenant.id, "Second")["id"]
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x", "workspace_id": other_workspace})
    assert caught.value.errors == {"workspace_id": ["unknown"]}
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x", "category_id": other_category})
    assert caught.value.errors == {"category_id": ["unknown"]}


def test_update_changes_only_what_is_given_and_null_clears(store, scope):
    row = store.clients.create(scope, {"name": "A", "phone": "1", "notes": "keep"})

    updated = store.clients.update(scope, id=row["id"], values={"phone": None})

    assert updated["phone"] is None and updated["notes"] == "keep" and updated["name"] == "A"
    assert updated["updated_at"] >= row["updated_at"]
    assert updated["created_at"] == row["created_at"]
    with pytest.raises(Invalid):
        store.clients.update(scope, id=row["id"], values={"name": None})


def test_tags_are_replaced_in_order_and_cleared(store, scope):
    row = store.clients.create(scope, {"name": "T"}, tags=["a", "b"])
    assert store.clients.set_tags(scope, ["c", "a"], id=row["id"])["tags"] == ["c", "a"]
    assert store.clients.set_tags(scope, [], id=row["id"])["tags"] == []
    with pytest.raises(Invalid):
        store.clients.set_tags(scope, ["ok", 3], id=row["id"])
    with pytest.raises(Invalid):
        store.clients.set_tags(scope, ["  "], id=row["id"])


def test_list_filters_search_sort_and_total(store, scope, tenant):
    for name, status, industry, phone in [
        ("Alpha", "active", "Tech", "300"), ("beta", "inactive", "tech", None),
        ("Gamma", "active", "Health", "100"), ("Delta 50%", "active", None, "200"),
    ]:
        store.clients.create(scope, {"name": name, "status": status, "industry": industry,
                                     "phone": phone})

    assert names(store.clients.list(scope, ClientQuery(statuses=("inactive",)))) == ["beta"]
    assert names(store.clients.list(scope, ClientQuery(industry="TECH"))) == ["Alpha", "beta"]
    assert names(store.clients.list(scope, ClientQuery(search="TA"))) == ["beta", "Delta 50%"]
    assert names(store.clients.list(scope, ClientQuery(search="50%"))) == ["Delta 50%"]
    assert names(store.clients.list(scope, ClientQuery(search="a_"))) == []
    assert names(store.clients.list(scope, ClientQuery(sort=(Sort("phone"),)))) == [
        "Gamma", "Delta 50%", "Alpha", "beta"]  # NULL last ascending, on both databases
    assert names(store.clients.list(scope, ClientQuery(sort=(Sort("phone", True),)))) == [
        "beta", "Alpha", "Delta 50%", "Gamma"]
    page = store.clients.list(scope, ClientQuery(sort=(Sort("name"),), offset=1, limit=2))
    assert page.total == 4 and len(page.items) == 2


def test_sort_ties_break_by_id_so_pages_never_overlap(store, scope):
    ids = [store.clients.create(scope, {"name": "Same"})["id"] for _ in range(7)]
    seen = []
    for offset in range(0, 7, 3):
        page = store.clients.list(scope, ClientQuery(sort=(Sort("name"),), offset=offset, limit=3))
        seen += [r["id"] for r in page.items]
    assert seen == ids


def test_huge_offsets_are_empty_pages_not_errors(store, scope):
    store.clients.create(scope, {"name": "x"})
    page = store.clients.list(scope, ClientQuery(offset=2**63, limit=10))
    assert page.items == [] and page.total == 1


def test_search_with_nul_is_invalid(store, scope):
    with pytest.raises(Invalid):
        store.clients.list(scope, ClientQuery(search="a\x00"))


def test_stream_walks_everything_in_batches(store, scope):
    ids = [store.clients.create(scope, {"name": f"c{i}"})["id"] for i in range(7)]
    batches = list(store.clients.stream(scope, ClientQuery(limit=None), NAME_ONLY, batch=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [r["id"] for b in batches for r in b] == ids


def test_claimed_spans_read_out_of_order_give_every_match_once(store, scope):
    """``claim`` hands out a batch's span at a time until fewer than a batch are left, which
    ``next`` reads; taken in any order, the spans and the rest are every match, once each."""
    ids = [store.clients.create(scope, {"name": f"c{i}"})["id"] for i in range(10)]
    batches = store.clients.stream(scope, ClientQuery(limit=None), NAME_ONLY, batch=3)
    first = batches.next()
    spans = []
    while (span := batches.claim()) is not None:
        spans.append(span)
    assert [(s.after, s.upto) for s in spans] == [(ids[2], ids[5]), (ids[5], ids[8])]
    taken = {span: batches.take(span) for span in reversed(spans)}
    rest = batches.next()
    assert batches.next() is None and batches.done
    walked = [*first, *taken[spans[0]], *taken[spans[1]], *rest]
    assert [r["id"] for r in walked] == ids
    assert [r["name"] for r in walked] == [f"c{i}" for i in range(10)]


def test_a_span_is_read_as_it_is_when_taken(store, scope):
    """A client deleted after its span was claimed is left out; one created into it (an
    import's own id) is read, however many that makes the span."""
    made = [store.clients.create(scope, {"name": f"c{i}"}) for i in range(8)]
    ids = [row["id"] for row in made]
    store.clients.delete(scope, id=ids[3])
    batches = store.clients.stream(scope, ClientQuery(limit=None), NAME_ONLY, batch=2)
    batches.next()
    span = batches.claim()
    assert (span.after, span.upto) == (ids[1], ids[4])
    store.clients.delete(scope, id=ids[2])
    placed = {k: made[0][k] for k in ("workspace_id", "category_id")}
    store.imports.bulk(scope.tenant_id, [Incoming({**placed, "name": "back"}, id=ids[3])])
    assert [r["name"] for r in batches.take(span)] == ["back", "c4"]


def test_a_claim_stays_in_its_scope_and_query(store, tenant, scope):
    """The span ends at the batch-th match of the stream's own query, not of the table."""
    other = make_tenant(store, "Elsewhere")
    mine = []
    for i in range(6):
        mine.append(store.clients.create(scope, {"name": f"mine {i}"})["id"])
        store.clients.create(Scope(other.id), {"name": f"theirs {i}"})
    batches = store.clients.stream(scope, ClientQuery(limit=None), NAME_ONLY, batch=2)
    batches.next()
    assert batches.claim().upto == mine[3]
    assert batches.claim().upto == mine[5]
    assert batches.claim() is None


def test_delete_cascades_to_tags_users_and_custom_values(store, tenant, scope):
    store.custom_fields.create(tenant.id, "po_number")
    row = store.clients.create(scope, {"name": "Gone"}, tags=["a"], custom_values={"po_number": "7"},
                               primary_user=Person("Jane", "Doe", "jane@gone.test"))
    assert store.clients.delete(scope, id=row["id"]) == row["id"]
    with store.engine.connect() as conn:
        for table in (m.client_tags, m.client_users, m.custom_values):
            assert conn.execute(table.select().where(table.c.tenant_id == tenant.id,
                                                     table.c.client_id == row["id"])).all() == []
    with pytest.raises(NotFound):
        store.clients.delete(scope, id=row["id"])


def test_primary_user_becomes_owner_and_contact(store, scope):
    row = store.clients.create(scope, {"name": "Acme"},
                               primary_user=Person("Jane", "Doe", "Jane@Acme.test"))
    assert (row["owner_first_name"], row["owner_last_name"]) == ("Jane", "Doe")
    assert row["contact_person"] == "Jane Doe" and row["email"] == "Jane@Acme.test"
    with pytest.raises(Conflict):
        store.clients.create(scope, {"name": "Other"},
                             primary_user=Person("J", "D", "jane@acme.TEST"))


def test_existing_contact_is_promoted(store, scope):
    contact = store.users.create(scope, client_id=None, first_name="Cara", last_name="Contact",
                                 email="cara@x.test", kind="contact")
    row = store.clients.create(scope, {"name": "Promo"},
                               primary_user=Person("Cara", "C", "cara@x.test"))
    assert row["owner_id"] == contact["id"]
    users = store.users.list(scope, client_id=row["id"])
    assert [(u["id"], u["kind"], u["is_owner"]) for u in users] == [(contact["id"], "user", True)]


def test_owner_must_belong_to_the_client(store, scope):
    a = store.clients.create(scope, {"name": "A"}, primary_user=Person("A", "A", "a@x.test"))
    b = store.clients.create(scope, {"name": "B"}, primary_user=Person("B", "B", "b@x.test"))
    extra = store.users.create(scope, client_id=a["id"], first_name="New", last_name="Owner",
                               email="new@x.test")
    with pytest.raises(Invalid) as caught:
        store.clients.set_owner(scope, b["owner_id"], id=a["id"])
    assert caught.value.errors == {"owner": ["not_member"]}
    row = store.clients.set_owner(scope, extra["id"], id=a["id"])
    assert row["owner_id"] == extra["id"] and row["contact_person"] == "New Owner"
    owners = [u for u in store.users.list(scope, client_id=a["id"]) if u["is_owner"]]
    assert [u["id"] for u in owners] == [extra["id"]]


def test_required_custom_fields_apply_only_where_custom_fields_are_spoken(store, tenant, scope):
    store.custom_fields.create(tenant.id, "region", required=True)
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x"}, custom_values={})
    assert caught.value.errors == {"custom_fields.region": ["required"]}
    assert count_clients(store, tenant.id) == 0
    # A dialect without custom fields passes None and is not held to them.
    assert store.clients.create(scope, {"name": "y"})["custom_fields"] == {}
    row = store.clients.create(scope, {"name": "z"}, custom_values={"region": "EU", "other": 1})
    assert row["custom_fields"] == {"region": "EU"}


def test_welcome_email_is_queued_only_when_asked(store, tenant, scope):
    store.clients.create(scope, {"name": "Quiet"}, primary_user=Person("Q", "Q", "q@x.test"))
    store.clients.create(scope, {"name": "Loud"}, primary_user=Person("L", "L", "l@x.test"),
                         send_welcome=True)
    mails = store.outbox.all(tenant_id=tenant.id)
    assert [(m_["to_email"], m_["kind"]) for m_ in mails] == [("l@x.test", "client_welcome")]
    assert "Loud" in mails[0]["body"]


def test_failed_write_leaves_no_trace(store, tenant, scope):
    store.clients.create(scope, {"name": "First"}, primary_user=Person("F", "F", "dup@x.test"))
    before = count_clients(store, tenant.id)
    with pytest.raises(Conflict):
        store.clients.create(scope, {"name": "Second"}, tags=["t"],
                             primary_user=Person("S", "S", "dup@x.test"), send_welcome=True)
    assert count_clients(store, tenant.id) == before
    assert store.outbox.all(tenant_id=tenant.id) == []


def test_projection_rejects_unknown_fields():
    with pytest.raises(ValueError):
        Projection("name", "nope")
    assert "tags" in ALL.fields


def test_isolation_between_tenants_in_lists(store):
    a, b = make_tenant(store, "iso"), make_tenant(store, "iso")
    store.clients.create(Scope(a.id), {"name": "A only"})
    assert store.clients.list(Scope(b.id), ClientQuery()).total == 0


def test_an_email_that_grows_when_lowered_is_too_long_not_a_database_error(store, tenant, scope):
    email = "İ" * 250 + "@x.io"  # 255 characters; lowered, each İ becomes two
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x"}, primary_user=Person("A", "B", email))
    assert caught.value.errors == {"primary_user.email": ["max_length"]}
    with pytest.raises(Invalid):
        store.users.create(scope, client_id=None, first_name="A", last_name="B", email=email,
                           kind="contact")
    assert count_clients(store, tenant.id) == 0


def test_limits_on_tags_and_metadata_depth(store, tenant, scope):
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x"}, tags=[f"t{i}" for i in range(101)])
    assert caught.value.errors == {"tags": ["too_many"]}
    deep: dict = {}
    node = deep
    for _ in range(100):
        node["k"] = {}
        node = node["k"]
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "x", "metadata": deep})
    assert caught.value.errors == {"metadata": ["max_depth"]}
    assert count_clients(store, tenant.id) == 0
    assert len(store.clients.create(scope, {"name": "ok"}, tags=[f"t{i}" for i in range(100)])
               ["tags"]) == 100


def test_get_in_reads_a_client_of_the_workspace_a_slug_names(store, tenant, other_tenant):
    main, other = tenant.workspace, tenant.other_workspace
    made = store.clients.create(Scope(tenant.id), {"name": "In main", "workspace_id": main["id"]})
    everyone = Scope(tenant.id)
    got = store.clients.get_in(everyone, "main", uuid=made["uuid"])
    assert got == store.clients.get(everyone, uuid=made["uuid"])

    def missing(scope, slug, uuid):
        with pytest.raises(NotFound) as caught:
            store.clients.get_in(scope, slug, uuid=uuid)
        return caught.value.resource

    assert missing(everyone, other["slug"], made["uuid"]) == "client"  # another workspace's
    assert missing(everyone, "nowhere", made["uuid"]) == "workspace"
    assert missing(everyone, "not a slug!", made["uuid"]) == "workspace"
    assert missing(everyone, "nowhere", "not-a-uuid") == "workspace"  # the slug is named first
    assert missing(everyone, "main", "not-a-uuid") == "client"
    limited = Scope(tenant.id, workspace_id=other["id"])  # a key held to the other workspace
    assert missing(limited, "main", made["uuid"]) == "workspace"
    assert missing(Scope(other_tenant.id), "main", made["uuid"]) == "client"  # its own "main"
