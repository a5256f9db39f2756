"""A client object the database writes (``ClientObject.document``): there only when every field
has a SQL form, and then the same JSON as the Python rendering, nested objects and joined fields
included, on both databases."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from core.queries import ClientQuery
from core.scope import Scope
from dialects.kit.responses import SECONDS_Z
from dialects.kit.wire import ClientObject, Computed, Field, timestamp

EVERY = ClientQuery(limit=None, with_total=False)


@pytest.mark.parametrize(("spec", "option"), [
    ({"id": "id", "total": Field("invoices_total", out=float)}, 0),  # out, and no SQL form
    ({"id": "id", "total": "invoices_total"}, 0),  # a decimal orjson would not write either
    ({"id": "id", "tags": "tags"}, 0),  # a list read in a subquery
    ({"id": "id", "custom": "custom_fields"}, 0),  # read in a statement of its own
    ({"id": "id", "metadata": "metadata"}, 0),  # JSON
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
