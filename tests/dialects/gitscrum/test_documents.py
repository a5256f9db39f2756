"""The whole-workspace list is JSON the database writes (``core.documents``): every client in it
must be exactly the object the Python rendering (``CLIENT.render``, which every other answer
uses) gives for the same row, value for value and type for type, on both databases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.incoming import Incoming
from core.scope import Scope
from dialects.gitscrum import routes
from dialects.gitscrum.schemas import CLIENT, EVERY_CLIENT

from .. import hard
from .common import LIST

HARD_TEXT, AMOUNTS, TIMES = hard.TEXT, hard.AMOUNTS, hard.TIMES
text, maybe_text = hard.text, st.none() | hard.text
values = st.fixed_dictionaries({
    "name": text.filter(str.strip), "email": maybe_text, "phone": st.none() | hard.short_text,
    "website": maybe_text, "notes": maybe_text, "address": maybe_text,
    "billing_street": maybe_text, "billing_city": maybe_text,
    "billing_zip": st.none() | hard.short_text, "billing_country": maybe_text,
    "projects_count": st.integers(0, 2**31 - 1),
    "invoices_total": st.decimals(min_value=Decimal("-999999999999.99"),
                                  max_value=Decimal("999999999999.99"), places=2,
                                  allow_nan=False, allow_infinity=False),
    "created_at": hard.times,
})


def insert(tenant, rows: list[dict]) -> None:
    category = next(c["id"] for c in tenant.store.categories.list(tenant.id) if c["is_default"])
    result = tenant.store.imports.bulk(tenant.id, (
        Incoming({"workspace_id": tenant.workspace["id"], "category_id": category,
                  "updated_at": row["created_at"], **row}) for row in rows))
    assert result.failed == 0, result


def listed(client, tenant) -> list[bytes]:
    """The list's clients, each encoded again (so ``125000`` and ``125000.0`` differ)."""
    r = client.get(LIST, params={"company_slug": "main"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return [orjson.dumps(c) for c in orjson.loads(r.content)["data"]]


def rendered(tenant) -> list[bytes]:
    """What the Python rendering gives for the same clients, read as rows, in id order."""
    scope = Scope(tenant.id, workspace_id=tenant.workspace["id"])
    return [orjson.dumps(orjson.loads(orjson.dumps(CLIENT.render(row), option=CLIENT.option)))
            for rows in tenant.store.clients.stream(scope, EVERY_CLIENT, CLIENT.projection)
            for row in rows]


def hard_rows() -> list[dict]:
    rows = []
    for i, value in enumerate(HARD_TEXT):
        rows.append({"name": f"Hard {i} {value}", "email": value, "phone": value[:50],
                     "website": value, "notes": value, "address": value or None,
                     "projects_count": i, "invoices_total": AMOUNTS[i % len(AMOUNTS)],
                     "created_at": TIMES[i % len(TIMES)]})
    for amount in AMOUNTS:
        rows.append({"name": f"Amount {amount}", "invoices_total": amount,
                     "created_at": TIMES[0]})
    # No free-text address, parts to compose one from: Python composes it.
    rows.append({"name": "Composed", "billing_street": " 1 Main St \r\n\u2028Suite 2 ",
                 "billing_city": "\tSpringfield ", "billing_zip": None,
                 "billing_country": "US", "created_at": TIMES[1]})
    rows.append({"name": "Blank parts", "billing_street": " \n ", "billing_city": "\u3000",
                 "created_at": TIMES[2]})
    return rows


def test_the_database_writes_every_hard_value_as_python_renders_it(client, tenant):
    insert(tenant, hard_rows())
    assert listed(client, tenant) == rendered(tenant)


def test_the_rows_sql_cannot_write_are_rendered_in_their_place(client, tenant, monkeypatch):
    """Batches of three, a composed address in each of some: every batch is complete, in
    order, and the rows the database cannot write come from the Python rendering."""
    monkeypatch.setattr(routes.PAGING, "batch", 3)
    rows = [{"name": f"Client {i:02d}", "created_at": TIMES[0] + timedelta(seconds=i),
             **({"billing_city": f"City {i}"} if i % 4 == 1 else {})} for i in range(14)]
    insert(tenant, rows)
    data = [orjson.loads(c) for c in listed(client, tenant)]
    assert [c["name"] for c in data] == [row["name"] for row in rows]
    assert [c["address"] for c in data] == [f"City {i}" if i % 4 == 1 else None
                                            for i in range(14)]
    assert listed(client, tenant) == rendered(tenant)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(values, min_size=1, max_size=8))
def test_any_client_reads_the_same_from_the_database_as_from_python(client, tenant, rows):
    insert(tenant, rows)
    assert listed(client, tenant) == rendered(tenant)
