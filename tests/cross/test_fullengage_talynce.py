"""One client, three dialects: what Full Engage or Talynce writes reads back the same through the
other and through Outlign, on SQLite and on PostgreSQL."""

from __future__ import annotations

from core.scope import Scope

FULLENGAGE = "/fullengage/api/v1/clients"
TALYNCE = "/talynce/api/v1/clients"
OUTLIGN = "/outlign/api/v1/clients"
SHARED = {"name": "name", "phone": "phone", "status": "status", "notes": "notes",
          "createdAt": "created_at", "updatedAt": "updated_at"}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def via_fullengage(client, tenant, key: str) -> dict:
    return ok(client.get(f"{FULLENGAGE}/{key}", headers=tenant.headers))["data"]


def via_talynce(client, tenant, key: str) -> dict:
    return ok(client.get(f"{TALYNCE}/{key}", headers=tenant.headers))["data"]


def via_outlign(client, tenant, key: str) -> dict:
    """Outlign addresses clients by the store's integer id."""
    row_id = tenant.store.clients.get(Scope(tenant.id), uuid=key)["id"]
    return ok(client.get(f"{OUTLIGN}/{row_id}", headers=tenant.headers))


def assert_same_client(fullengage: dict, talynce: dict, outlign: dict) -> None:
    assert fullengage["id"] == talynce["id"]
    assert {k: fullengage[k] for k in SHARED} == {k: talynce[v] for k, v in SHARED.items()}
    assert outlign["title"] == fullengage["name"]
    # Outlign shows whole seconds: the same instant, to the second.
    assert outlign["created_at"] == fullengage["createdAt"][:19] + "Z"
    assert outlign["updated_at"] == fullengage["updatedAt"][:19] + "Z"


def test_a_full_engage_client_reads_the_same_through_talynce_and_outlign(client, tenant):
    created = ok(client.post(FULLENGAGE, json={"name": "John Doe", "phone": "+1 555-1234",
                                               "status": "inactive", "notes": "VIP"},
                             headers=tenant.headers), 201)["data"]

    talynce = via_talynce(client, tenant, created["id"])

    assert_same_client(created, talynce, via_outlign(client, tenant, created["id"]))
    assert (talynce["tags"], talynce["metadata"], talynce["email"]) == ([], {}, None)


def test_a_talynce_client_reads_the_same_through_full_engage_and_outlign(client, tenant):
    body = {"name": "Acme Corporation", "email": "hr@acme.com", "phone": "+91 98765 43210",
            "contact_person": "Jane Smith", "industry": "Technology", "status": "active",
            "tags": ["enterprise"], "notes": "Primary staffing client",
            "metadata": {"external_id": "CRM-10042"}}
    created = ok(client.post(TALYNCE, json=body, headers=tenant.headers), 201)["data"]

    fullengage = via_fullengage(client, tenant, created["id"])

    assert_same_client(fullengage, created, via_outlign(client, tenant, created["id"]))


def test_changes_in_one_dialect_show_in_the_others(client, tenant):
    created = ok(client.post(FULLENGAGE, json={"name": "Acme"}, headers=tenant.headers),
                 201)["data"]
    key = created["id"]

    ok(client.patch(f"{FULLENGAGE}/{key}", json={"status": "inactive", "notes": "Paused"},
                    headers=tenant.headers))
    ok(client.put(f"{TALYNCE}/{key}", json={"phone": "+44 20", "tags": ["uk"],
                                           "industry": "Retail"}, headers=tenant.headers))
    ok(client.put(f"{OUTLIGN}/{via_outlign(client, tenant, key)['id']}",
                  json={"title": "Acme Ltd"}, headers=tenant.headers))

    fullengage = via_fullengage(client, tenant, key)
    talynce = via_talynce(client, tenant, key)
    assert_same_client(fullengage, talynce, via_outlign(client, tenant, key))
    assert {k: fullengage[k] for k in ("name", "phone", "status", "notes")} == {
        "name": "Acme Ltd", "phone": "+44 20", "status": "inactive", "notes": "Paused"}
    assert (talynce["tags"], talynce["industry"]) == (["uk"], "Retail")


def test_an_outlign_client_reads_through_both(client, tenant):
    made = ok(client.post(OUTLIGN, json={"title": "From Outlign",
                                         "company_id": tenant.workspace["id"]},
                          headers=tenant.headers), 201)
    key = tenant.store.clients.get(Scope(tenant.id), id=made["id"])["uuid"]

    fullengage = via_fullengage(client, tenant, key)
    talynce = via_talynce(client, tenant, key)

    assert_same_client(fullengage, talynce, made)
    assert (fullengage["status"], fullengage["phone"]) == ("active", None)


def test_lists_agree_and_a_delete_is_seen_everywhere(client, tenant):
    for name in ("One", "Two", "Three"):
        ok(client.post(TALYNCE, json={"name": name}, headers=tenant.headers), 201)
    fullengage = ok(client.get(FULLENGAGE, headers=tenant.headers))
    talynce = ok(client.get(TALYNCE, headers=tenant.headers))
    assert fullengage["total"] == talynce["meta"]["total"] == 3
    assert [c["id"] for c in fullengage["data"]] == [c["id"] for c in talynce["data"]][::-1]

    gone = fullengage["data"][0]["id"]
    row_id = tenant.store.clients.get(Scope(tenant.id), uuid=gone)["id"]
    assert ok(client.delete(f"{FULLENGAGE}/{gone}", headers=tenant.headers)) == {"success": True}

    assert client.get(f"{TALYNCE}/{gone}", headers=tenant.headers).status_code == 404
    assert client.get(f"{OUTLIGN}/{row_id}", headers=tenant.headers).status_code == 404
    assert ok(client.get(TALYNCE, headers=tenant.headers))["meta"]["total"] == 2
