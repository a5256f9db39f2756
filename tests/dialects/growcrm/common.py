"""What Grow CRM's tests share: paths, messages, the seed's client object, and helpers."""

from __future__ import annotations

import re

import sqlalchemy as sa

from core import models as m
from core.scope import Scope

BASE = "/growcrm/api/clients"
INVALID = "The given data was invalid."
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
FIELDS = {"id", "company_name", "description", "status", "phone", "website", "vat", "category",
          "owner", "billing", "shipping", "dates", "tags"}

#: "The client object" of seed 003, as the seed shows it.
SEED_CLIENT = {
    "id": 12,
    "company_name": "Acme Inc",
    "description": "Key account.",
    "status": "active",
    "phone": "+1 555 0100",
    "website": "https://acme.example",
    "vat": "GB123456789",
    "category": {"id": 2, "name": "Standard"},
    "owner": {"id": 34, "name": "Jane Doe"},
    "billing": {
        "street": "1 Market St",
        "city": "San Francisco",
        "state": "CA",
        "zip": "94105",
        "country": "United States",
        "invoice_due_days": "7",
    },
    "shipping": {"street": None, "city": None, "state": None, "zip": None, "country": None},
    "dates": {
        "created": "2026-06-15T09:30:00.000000Z",
        "updated": "2026-06-15T09:30:00.000000Z",
    },
    "tags": ["priority", "retainer"],
}


def person(first="Jane", last="Doe", email=None, **extra) -> dict:
    """A create body: the primary user, and any client fields."""
    email = email or f"{first}.{last}@example.test".lower()
    return {"first_name": first, "last_name": last, "email": email, **extra}


def make(client, tenant, first="Jane", last="Doe", email=None, **extra) -> dict:
    r = client.post(BASE, data=person(first, last, email, **extra), headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def invalid(errors: dict[str, list[str]]) -> dict:
    """Grow CRM's validation error body."""
    return {"message": INVALID, "errors": errors}


def one(field: str, message: str) -> dict:
    return invalid({field: [message]})


def users(tenant, client_id=None) -> list[dict]:
    return tenant.store.users.list(Scope(tenant.id), client_id=client_id)


def outbox(tenant) -> list[dict]:
    return tenant.store.outbox.all(tenant_id=tenant.id)


def custom_values(store, tenant_id: int, client_id: int) -> list[tuple]:
    v = m.custom_values.c
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(v.field_id, v.value).where(
            v.tenant_id == tenant_id, v.client_id == client_id)))


def tag_rows(store, tenant_id: int, client_id: int) -> list[str]:
    t = m.client_tags.c
    with store.engine.connect() as conn:
        return list(conn.execute(
            sa.select(t.title).where(t.tenant_id == tenant_id, t.client_id == client_id)
            .order_by(t.position)).scalars())
