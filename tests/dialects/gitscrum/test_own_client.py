"""GitScrum's own API client (gitscrum-core/mcp-server, ``src/client/GitScrumClient.ts``), as it
sends its client calls: its headers, ``updateClient`` without ``company_slug``, the address parts
and VAT number of ``createClient``/``updateClient``, and the ``error_code`` it reads on errors.
Over HTTP, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_tenant

from .common import BASE, LIST, stored

#: What the client sends with every request (``request()``), besides its token.
HEADERS = {"Accept": "application/json", "Content-Type": "application/json",
           "X-Client-Type": "mcp", "X-Client-Source": "mcp-server"}


def sent(tenant, key: str | None = None) -> dict[str, str]:
    return {**HEADERS, "Authorization": f"Bearer {key or tenant.key}"}


def test_create_and_update_as_the_client_sends_them(client, tenant):
    made = client.post(BASE, headers=sent(tenant), json={
        "name": "Initech", "email": "ap@initech.example", "phone": "+1 555 0199",
        "company_slug": "main", "address_line_1": "4120 Freidrich Ln",
        "address_line_2": "Suite 300",
        "city": "Austin", "country": "United States", "postcode": "78744",
        "vat_number": "US-7781", "website": "https://initech.example", "notes": "TPS"})
    assert made.status_code == 201, made.text
    body = made.json()["data"]
    row = stored(tenant, body["uuid"])
    assert (row["billing_street"], row["billing_city"], row["billing_zip"],
            row["billing_country"], row["vat"]) == (
        "4120 Freidrich Ln\nSuite 300", "Austin", "78744", "United States", "US-7781")
    # With no free-text address, the parts are shown composed.
    assert body["address"] == "4120 Freidrich Ln, Suite 300, Austin, 78744, United States"
    # Grow CRM shows the same parts as its billing address and VAT number.
    crm = client.get(f"/growcrm/api/clients/{row['id']}", headers=tenant.headers).json()["data"]
    assert crm["vat"] == "US-7781" and crm["billing"]["city"] == "Austin"

    # updateClient: PUT without company_slug; the uuid within the key's reach names the client.
    updated = client.put(f"{BASE}/{body['uuid']}", headers=sent(tenant),
                         json={"city": "Dallas", "notes": "Moved", "address_line_2": None})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["notes"] == "Moved"
    row = stored(tenant, body["uuid"])
    assert (row["billing_city"], row["billing_street"]) == ("Dallas", None)
    assert updated.json()["data"]["address"] == "Dallas, 78744, United States"


def test_a_free_text_address_is_shown_as_given(client, tenant):
    made = client.post(BASE, headers=sent(tenant), json={
        "name": "Given", "company_slug": "main", "address": "1 Infinite Loop",
        "city": "Cupertino"}).json()["data"]
    assert made["address"] == "1 Infinite Loop"
    listed = client.get("/gitscrum/contact-companies/clients", params={"company_slug": "main"},
                        headers=sent(tenant)).json()["data"]
    assert [c["address"] for c in listed] == ["1 Infinite Loop"]
    # Clearing it shows the parts; no part at all is null.
    cleared = client.put(f"{BASE}/{made['uuid']}", headers=sent(tenant),
                         json={"address": None}).json()["data"]
    assert cleared["address"] == "Cupertino"
    bare = client.post(BASE, headers=sent(tenant),
                       json={"name": "Bare", "company_slug": "main"}).json()["data"]
    assert bare["address"] is None


def test_an_update_without_a_slug_stays_within_the_key_s_reach(client, tenant, other_tenant):
    theirs = client.post(BASE, headers=sent(other_tenant),
                         json={"name": "Not yours", "company_slug": "main"}).json()["data"]
    r = client.put(f"{BASE}/{theirs['uuid']}", headers=sent(tenant), json={"name": "Mine now"})
    assert r.status_code == 404 and r.json()["error_code"] == "CLIENT_NOT_FOUND"
    # A key limited to one workspace cannot reach a client of another by leaving the slug out.
    elsewhere = client.post(BASE, headers=sent(tenant), json={
        "name": "Other workspace", "company_slug": "other"}).json()["data"]
    r = client.put(f"{BASE}/{elsewhere['uuid']}", headers=sent(tenant, tenant.limited_key),
                   json={"name": "Reached"})
    assert r.status_code == 404
    assert stored(tenant, elsewhere["uuid"])["name"] == "Other workspace"
    # A slug that is sent is still checked.
    r = client.put(f"{BASE}/{elsewhere['uuid']}", headers=sent(tenant),
                   json={"name": "x", "company_slug": "nowhere"})
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize(("auth", "code"), [
    (None, "TOKEN_MISSING"), ("Bearer cg_not-a-key", "TOKEN_INVALID"), ("expired", "TOKEN_EXPIRED"),
])
def test_the_error_codes_the_client_reads(client, store, auth, code):
    kit = make_tenant(store, "gs-codes")
    headers = dict(HEADERS)
    if auth == "expired":
        _, key = store.keys.create(kit.id, expires_at=datetime.now(UTC) + timedelta(seconds=1))
        client.app.services.authenticator.forget()
        headers["Authorization"] = f"Bearer {key}"
        import time
        time.sleep(1.1)
    elif auth is not None:
        headers["Authorization"] = auth
    r = client.get(LIST, params={"company_slug": "main"}, headers=headers)
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized", "message": "Invalid or expired token",
                        "error_code": code}


def test_validation_errors_carry_their_code_beside_the_documented_body(client, tenant):
    r = client.post(BASE, headers=sent(tenant), json={"company_slug": "main"})
    assert r.status_code == 422
    assert r.json() == {"error": "Validation Error", "message": "The given data was invalid.",
                        "error_code": "VALIDATION_FAILED",
                        "errors": {"name": ["The name field is required."]}}
