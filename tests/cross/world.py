"""The clients the cross-dialect suites work on, and the values they change them to.

``make_client`` writes a client through the store with every field set (an owner, tags, a
category of its own, counts and totals), so each dialect has something to show in every field it
reads. ``new_values`` are different values for any fields, as the store holds them, including the
ones that name other rows (a category, a workspace, a user of the client).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.people import Person
from core.scope import Scope

from .views import Ref, Stamp

ORIGINAL: dict[str, Any] = {
    "name": "Acme Corporation", "status": "active", "description": "Staffing partner",
    "notes": "Key account", "phone": "+1 555 0100", "website": "https://acme.example",
    "address": "1 Market St, San Francisco, CA 94105", "industry": "Technology",
    "vat": "GB123456789", "billing_street": "1 Market St", "billing_city": "San Francisco",
    "billing_state": "CA", "billing_zip": "94105", "billing_country": "United States",
    "billing_invoice_due_days": 7, "shipping_street": "2 Dock Rd", "shipping_city": "Oakland",
    "shipping_state": "CA", "shipping_zip": "94607", "shipping_country": "United States",
    "metadata": {"external_id": "CRM-10042"}, "projects_count": 5, "jobs_count": 3,
    "active_jobs_count": 2, "invoices_total": Decimal("1250.50"),
}
ORIGINAL_TAGS = ["priority", "retainer"]

NEW: dict[str, Any] = {
    "name": "Globex Ltd", "status": "inactive", "description": "Manufacturing",
    "notes": "Renewed contract for 2026", "phone": "+44 20 7946 0000",
    "website": "https://globex.example", "address": "10 Canal St, London", "email":
    "hr@globex.example", "contact_person": "Hank Scorpio", "industry": "Retail", "vat": "FR999",
    "billing_street": "10 Canal St", "billing_city": "London", "billing_state": "LDN",
    "billing_zip": "E1 6AN", "billing_country": "United Kingdom", "billing_invoice_due_days": 30,
    "shipping_street": "3 Quay", "shipping_city": "Leeds", "shipping_state": "WYK",
    "shipping_zip": "LS1 4AP", "shipping_country": "United Kingdom",
    "metadata": {"external_id": "CRM-2", "tier": 1}, "tags": ["enterprise", "uk"],
    "owner.first_name": "Grace", "owner.last_name": "Hopper", "owner.email": "grace@globex.example",
    "workspace_slug": "other",
}
NEW_CATEGORY = "Gold"
#: Values no dialect writes, for checking that a read-only field is not written.
UNWRITABLE: dict[str, Any] = {
    "id": 10**9, "uuid": "00000000-0000-4000-8000-000000000000", "projects_count": 99,
    "jobs_count": 99, "active_jobs_count": 99, "invoices_total": Decimal(99),
    "created_at": Stamp(datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC), 1),
    "updated_at": Stamp(datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC), 1),
}


def make_client(tenant: Any, workspace: dict | None = None, name: str = ORIGINAL["name"]) -> Ref:
    """A client with every field set, written through the store (in ``workspace``, or the
    tenant's default one), whose owner Ada Lovelace is its contact person and email."""
    store, scope = tenant.store, Scope(tenant.id)
    category = store.categories.create(tenant.id, f"Standard {name}")
    values = {**ORIGINAL, "name": name, "category_id": category["id"]}
    if workspace:
        values["workspace_id"] = workspace["id"]
    owner = Person("Ada", "Lovelace", f"ada.{uuid.uuid4().hex[:12]}@acme.example")
    row = store.clients.create(scope, values, tags=ORIGINAL_TAGS, custom_values={},
                               primary_user=owner)
    return Ref.of(tenant, id=row["id"])


def new_values(tenant: Any, fields: set[str], ref: Ref | None = None) -> dict[str, Any]:
    """``NEW`` values for ``fields``; a category, a workspace or an owner is made or found."""
    values = {f: NEW[f] for f in fields if f in NEW}
    if "category_id" in fields:
        values["category_id"] = tenant.store.categories.create(tenant.id, NEW_CATEGORY)["id"]
    if "workspace_id" in fields:
        values["workspace_id"] = tenant.other_workspace["id"]
    if "owner.id" in fields:
        assert ref is not None
        values["owner.id"] = tenant.store.users.create(
            Scope(tenant.id), client_id=ref.id, first_name=NEW["owner.first_name"],
            last_name=NEW["owner.last_name"], email=NEW["owner.email"])["id"]
    return values


def implied(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with what the store derives from them: the new category's name, and a new
    owner's name and email (given as a primary user, or chosen among the client's users), which
    are also the client's contact person and email (docs/decisions.md, "The owner is the
    contact")."""
    values = dict(values)
    if "category_id" in values:
        values.setdefault("category.name", NEW_CATEGORY)
    if not values.keys() & {"owner.id", "owner.email"}:
        return values
    first, last, email = (NEW[f"owner.{p}"] for p in ("first_name", "last_name", "email"))
    person = {"owner.first_name": first, "owner.last_name": last, "owner.email": email,
              "owner.name": f"{first} {last}", "contact_person": f"{first} {last}",
              "email": email}
    return {**person, **values}
