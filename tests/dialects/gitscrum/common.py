"""What GitScrum's tests share: paths, the client's fields, and ways to create and read clients."""

from __future__ import annotations

import re

from core.scope import Scope

BASE = "/gitscrum/contact-companies"
LIST = f"{BASE}/clients"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FIELDS = {"uuid", "name", "email", "phone", "website", "address", "notes", "projects_count",
          "invoices_total", "created_at"}
INVALID = "The given data was invalid."


def make(client, tenant, name="Acme Corp", slug="main", **fields) -> dict:
    r = client.post(BASE, json={"company_slug": slug, "name": name, **fields},
                    headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def stored(tenant, uuid: str) -> dict:
    """The client's whole row, straight from the store (timestamps and all)."""
    return tenant.store.clients.get(Scope(tenant.id), uuid=uuid)


def invalid(errors: dict[str, list[str]]) -> dict:
    """GitScrum's validation error body."""
    return {"error": "Validation Error", "message": INVALID, "error_code": "VALIDATION_FAILED",
            "errors": errors}
