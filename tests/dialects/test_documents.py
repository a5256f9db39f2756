"""A client object the database writes (``ClientObject.document``): there only when every field
has a SQL form, and then the same JSON as the Python rendering, nested objects and joined fields
included, on both databases."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from core import models as m
from core.people import Person
from core.queries import ClientQuery, Sort
from core.scope import Scope
from dialects.kit.responses import SECONDS_Z
from dialects.kit.wire import ClientObject, Computed, Field, timestamp
from dialects.registry import DIALECTS

from . import hard

EVERY = ClientQuery(limit=None, with_total=False)


@pytest.mark.parametrize(("spec", "option"), [
    ({"id": "id", "total": Field("invoices_total", out=float)}, 0),  # out, and no SQL form
    ({"id": "id", "total": "invoices_total"}, 0),  # a decimal orjson would not write either
    ({"id": "id", "custom": "custom_fields"}, 0),  # read in a statement of its own
    ({"id": "id", "tags": Field("tags", out=sorted)}, 0),  # a list, changed in Python
    ({"id": "id", "created": timestamp("created_at")}, 0),  # microseconds, offset: Python's
    ({"id": "id", "both": Computed(("name", "email"), out=lambda row: row["name"])}, 0),
    ({"id": "id", "inner": {"total": Field("invoices_total", out=str)}}, 0),
])
def test_an_object_with_a_field_sql_cannot_write_has_no_document(spec, option):
    assert ClientObject(spec, option=option).document is None


def test_an_object_whose_fields_all_have_sql_forms_has_one():
    obj = ClientObject({"id": "id", "name": "name", "created": timestamp("created_at")},
                       option=SECONDS_Z)
    assert obj.document is not None
    assert obj.document.projection is obj.projection


NESTED = ClientObject({
    "id": "id",
    "name": "name",
    "where": {"workspace": "workspace_slug", "stamp": timestamp("created_at"),
              "deeper": {"count": "projects_count", "status": "status"}},
    "email": "email",
}, option=SECONDS_Z)


def test_a_nested_object_with_joined_fields_is_written_as_rendered(store, tenant):
    assert NESTED.document is not None
    for i, (email, count) in enumerate([("a@example.com", 3), (None, 0), ('"q"\\', 7)]):
        store.clients.create(Scope(tenant.id, workspace_id=tenant.workspace["id"]),
                             {"name": f"Nested {i} \u2028", "email": email,
                              "projects_count": count, "invoices_total": Decimal("1.50")})
    scope = Scope(tenant.id)
    written = b",".join(
        item.encode() if isinstance(item, str) else b"?"
        for batch in iter(store.clients.documents(scope, EVERY, NESTED.document, 2).next, None)
        for item in batch)
    rendered = [NESTED.render(row) for rows in store.clients.stream(scope, EVERY,
                                                                   NESTED.projection)
                for row in rows]
    assert len(rendered) == 3
    assert orjson.loads(b"[" + written + b"]") == orjson.loads(
        orjson.dumps(rendered, option=SECONDS_Z))


# -- every dialect whose pages the database writes ----------------------------------------------

WRITTEN = [name for name, d in DIALECTS.items() if d.client.document is not None]
#: Pages of every shape the store reads: the first, a deferred join (an offset), a search read
#: by its matches, and sorted by a text column.
PAGES = {
    "first": ClientQuery(limit=20),
    "offset": ClientQuery(limit=7, offset=5),
    "search": ClientQuery(search="hard", limit=10),
    "by name": ClientQuery(sort=(Sort("name", descending=True),), limit=15, offset=2),
}


def test_the_dialects_that_read_pages_as_documents():
    """Every field of these dialects' objects has a SQL form."""
    assert set(WRITTEN) >= {"outlign", "fullengage", "talynce", "gitscrum"}


#: Owners' names: padded with blanks only Python strips (a page holding one is read as rows).
OWNERS = [("Ann", "Lee"), ("Solo", " "), ("Bo", "Li "), ("\u3000Ji", "Woo\t"), ("José", "Núñez")]


def hard_clients(store, tenant) -> None:
    scope = Scope(tenant.id, workspace_id=tenant.workspace["id"])
    for i, value in enumerate(hard.TEXT):
        created = store.clients.create(scope, {
            "name": f"Hard {i} {value}", "email": value or None, "phone": value[:50] or None,
            "website": value or None, "notes": value or None, "address": value or None,
            "contact_person": value or None, "industry": value or None,
            "status": "inactive" if i % 3 == 0 else "active", "projects_count": i,
            "jobs_count": i * 2, "invoices_total": hard.AMOUNTS[i % len(hard.AMOUNTS)],
            "metadata": hard.METADATA[i % len(hard.METADATA)],
            **{f"{kind}_{part}": (value[:50] if part == "zip" else value) or None
               for kind in ("billing", "shipping")
               for part in ("street", "city", "state", "zip", "country")},
            "billing_invoice_due_days": i if i % 2 else None, "vat": value[:50] or None},
            tags=[value, f"tag {i}"] if value.strip() else [],
            primary_user=Person(*OWNERS[i % len(OWNERS)], f"owner{i}@example.com")
            if i % 4 else None)
        stamp = hard.TIMES[i % len(hard.TIMES)]
        with store.db.write() as s:  # timestamps with every kind of fraction
            s.update(m.clients, created["id"], {"created_at": stamp, "updated_at": stamp},
                     tenant_id=tenant.id)


@pytest.mark.parametrize("dialect", WRITTEN)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_the_database_writes_is_the_page_python_renders(store, tenant, dialect, page):
    hard_clients(store, tenant)
    obj, query, scope = DIALECTS[dialect].client, PAGES[page], Scope(tenant.id)
    written = store.clients.list(scope, query, document=obj.document)
    rendered = store.clients.list(scope, query, obj.projection)
    assert written.total == rendered.total
    assert len(rendered.items) > 1
    assert _encoded(obj.shown(written.items), obj.option) == \
        _encoded([obj.render(r) for r in rendered.items], obj.option)


def _encoded(items: list, option: int) -> list[bytes]:
    """Each item as JSON, read and encoded again: ``125000`` and ``125000.0`` stay apart."""
    return [orjson.dumps(orjson.loads(orjson.dumps(item, option=option))) for item in items]


def test_a_page_with_a_document_sql_cannot_write_exactly_is_read_as_rows(store, tenant,
                                                                          backend):
    """``1e30`` in ``jsonb`` is its 31 digits to the database: that page is read as rows, and
    Python writes the float. SQLite keeps the text orjson wrote, which the database copies."""
    obj = DIALECTS["talynce"].client
    scope = Scope(tenant.id, workspace_id=tenant.workspace["id"])
    store.clients.create(scope, {"name": "Plain", "metadata": {"n": 1}})
    store.clients.create(scope, {"name": "Big", "metadata": {"big": 1e30}})
    page = store.clients.list(Scope(tenant.id), ClientQuery(limit=10), document=obj.document)
    assert all(("document" in row) == (backend == "sqlite") for row in page.items)
    shown = orjson.loads(orjson.dumps(obj.shown(page.items)))
    assert [item["metadata"] for item in shown] == [{"n": 1}, {"big": 1e30}]
    assert isinstance(shown[1]["metadata"]["big"], float)
