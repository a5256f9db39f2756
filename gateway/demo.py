"""The demo world: a tenant holding what the vendors' documents (``../shared/seeds``) show, so
every example in them runs verbatim against a demo gateway.

Outlign's company 456 (the workspace ``acme`` GitScrum's examples name) with clients 123 and
124; Grow CRM's client 12 in category 2 "Standard", owned by user 34; GitScrum's
``client-abc-123`` and ``client-def-456``; and a client as Talynce's example creates it. The
ids are kept as the documents give them (the store's import path), and every counter moves past
them, so Outlign's documented create answers id 125 as its example does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.incoming import Incoming, Person
from core.store import Store

TENANT = "demo"
#: The tenant's default workspace, where clients created without one go.
WORKSPACE = "demo"
ACME = {"id": 456, "slug": "acme", "name": "Acme"}
STANDARD = {"id": 2, "name": "Standard"}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _stamps(created: str, updated: str | None = None) -> dict[str, datetime]:
    return {"created_at": _at(created), "updated_at": _at(updated or created)}


def _clients(default_workspace: int) -> list[tuple[str, Incoming]]:
    """Each seed's clients, with the dialect they are documented by (their import origin)."""
    acme = ACME["id"]
    return [
        ("outlign", Incoming({"name": "Acme Corporation", "workspace_id": acme,
                              **_stamps("2023-01-01T12:00:00Z")}, id=123)),
        ("outlign", Incoming({"name": "Beta Industries", "workspace_id": acme,
                              **_stamps("2023-01-02T10:30:00Z")}, id=124)),
        ("growcrm", Incoming({
            "name": "Acme Inc", "workspace_id": default_workspace, "category_id": STANDARD["id"],
            "description": "Key account.", "status": "active", "phone": "+1 555 0100",
            "website": "https://acme.example", "vat": "GB123456789",
            "billing_street": "1 Market St", "billing_city": "San Francisco",
            "billing_state": "CA", "billing_zip": "94105", "billing_country": "United States",
            "billing_invoice_due_days": 7, **_stamps("2026-06-15T09:30:00Z")},
            id=12, tags=["priority", "retainer"],
            people=[Person(34, "Jane", "Doe", "jane.doe@acme.example", is_owner=True)])),
        ("gitscrum", Incoming({
            "name": "Acme Corp", "workspace_id": acme, "email": "billing@acme.co",
            "phone": "+1-555-0100", "website": "https://acme.co",
            "address": "123 Main St, San Francisco, CA", "notes": "Enterprise client since 2024",
            "projects_count": 5, "invoices_total": Decimal(125000),
            **_stamps("2025-06-15T10:00:00Z")}, id=10, uuid="client-abc-123")),
        ("gitscrum", Incoming({
            "name": "Globex Corporation", "workspace_id": acme, "email": "contact@globex.com",
            "phone": "+1-555-0200", "website": "https://globex.com",
            **_stamps("2026-02-07T12:00:00Z")}, id=11, uuid="client-def-456")),
        ("talynce", Incoming({
            "name": "Acme Staffing", "workspace_id": default_workspace,
            "email": "hr@acme.example", "phone": "+91 98765 43210",
            "address": "123 Business Park, Bangalore", "contact_person": "Jane Smith",
            "website": "https://acme.com", "industry": "Technology", "status": "active",
            "notes": "Primary staffing client", "metadata": {"external_id": "CRM-10042"},
            **_stamps("2026-01-10T09:00:00Z")}, id=9, tags=["enterprise", "priority"])),
    ]


def build(store: Store) -> dict[str, Any] | None:
    """The demo tenant with its world and a new API key, or ``None`` when a tenant named
    ``demo`` exists already (it is left as it is)."""
    if store.tenants.find(TENANT) is not None:
        return None
    tenant = store.tenants.create(TENANT, workspace_slug=WORKSPACE, workspace_name="Demo")
    default = store.workspaces.list(tenant["id"])[0]
    store.imports.workspace(tenant["id"], id=ACME["id"], slug=ACME["slug"], name=ACME["name"])
    store.imports.category(tenant["id"], id=STANDARD["id"], name=STANDARD["name"])
    by_origin: dict[str, list[Incoming]] = {}
    for origin, incoming in _clients(default["id"]):
        by_origin.setdefault(origin, []).append(incoming)
    for origin, batch in by_origin.items():
        failed = [r for r in store.imports.clients(tenant["id"], origin, batch)
                  if r.outcome == "failed"]
        if failed:  # the world is fixed: a failure here is a bug, not bad input
            raise RuntimeError(f"the demo world could not be written: {failed[0].reason}")
    _, secret = store.keys.create(tenant["id"], name="demo")
    return {"tenant": {"id": tenant["id"], "name": tenant["name"]},
            "workspaces": [{"id": default["id"], "slug": default["slug"]},
                           {"id": ACME["id"], "slug": ACME["slug"]}],
            "api_key": secret}
