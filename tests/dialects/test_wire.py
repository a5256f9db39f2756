"""Each dialect's declared client object reads back what it renders: the object a dialect sends
for a stored client, read with ``dialect.client.read``, gives that client's stored values (to the
wire's timestamp precision). This is the reverse mapping an import from a vendor relies on."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from core.projection import ALL
from core.scope import Scope
from dialects.registry import DIALECTS

#: How each dialect's GET one is asked for, and where its object is in the answer.
GET_ONE = {
    "outlign": ("/outlign/api/v1/clients/{id}", {}, None),
    "fullengage": ("/fullengage/api/v1/clients/{uuid}", {}, "data"),
    "talynce": ("/talynce/api/v1/clients/{uuid}", {}, "data"),
    "growcrm": ("/growcrm/api/clients/{id}", {}, "data"),
    "gitscrum": ("/gitscrum/contact-companies/{uuid}", {"company_slug": "main"}, "data"),
}
#: Store fields a dialect shows only inside a field made of several (Grow CRM's owner,
#: GitScrum's composed address), which reading that field back does not give.
NOT_READ_BACK = {"growcrm": {"owner_id", "owner_first_name", "owner_last_name"},
                 "gitscrum": {"billing_street", "billing_city", "billing_zip", "billing_country"}}
#: Store fields the wire shows to less than the store keeps.
PRECISION = {"outlign": timedelta(seconds=1), "gitscrum": timedelta(seconds=1),
             "fullengage": timedelta(milliseconds=1), "talynce": timedelta(milliseconds=1),
             "growcrm": timedelta(microseconds=1)}


def test_every_dialect_declares_its_client_object():
    assert set(GET_ONE) == set(DIALECTS)
    for dialect in DIALECTS.values():
        assert dialect.client.projection is not None
        assert set(dialect.client.fields) <= dialect.client.projection.fields


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_what_a_dialect_sends_reads_back_as_the_stored_client(client, tenant, store, name):
    dialect = DIALECTS[name]
    scope = Scope(tenant.id)
    made = store.clients.create(scope, {
        "name": "Wire Co", "email": "ops@wire.example", "phone": "+1 555 0100",
        "website": "https://wire.example", "address": "1 Loop", "notes": "n",
        "status": "inactive", "industry": "Cables", "contact_person": "Ada Wire",
        "description": "d", "vat": "VAT-1", "billing_city": "Oslo", "shipping_zip": "0150",
        "billing_invoice_due_days": 14, "invoices_total": Decimal("1250.50"),
        "projects_count": 3, "metadata": {"tier": "gold"}, "workspace_id": tenant.workspace["id"],
    }, tags=["a", "b"], projection=ALL)
    path, params, key = GET_ONE[name]
    response = client.get(path.format(**made), params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    obj = response.json() if key is None else response.json()[key]

    read = dialect.client.read(obj)
    assert set(read) == set(dialect.client.fields) - NOT_READ_BACK.get(name, set())
    for field, value in read.items():
        stored = made[field]
        if isinstance(stored, datetime):
            assert abs(value.replace(tzinfo=None) - stored.replace(tzinfo=None)) \
                < PRECISION[name], field
        else:
            assert value == stored, field
