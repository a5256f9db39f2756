"""What GitScrum's tests share: the base path and a way to create a client."""

from __future__ import annotations

import re

BASE = "/gitscrum/contact-companies"
LIST = f"{BASE}/clients"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FIELDS = {"uuid", "name", "email", "phone", "website", "address", "notes", "projects_count",
          "invoices_total", "created_at"}


def make(client, tenant, name="Acme Corp", slug="main", **fields) -> dict:
    r = client.post(BASE, json={"company_slug": slug, "name": name, **fields},
                    headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]
