"""The admin API (``/_admin/``): what the command line manages, over HTTP, on both backends; what
an integration sees afterwards; and who may use it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core import migrate
from gateway.app import create_app
from gateway.settings import Settings, SettingsError
from tests.conftest import count_clients, make_tenant

TOKEN = "admin-token-0123456789"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def admin(database_url, store):
    settings = Settings(database_url=database_url, admin_token=TOKEN, key_cache_seconds=60)
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_off_without_a_token_and_closed_to_anyone_else(database_url, store, admin):
    with TestClient(create_app(Settings(database_url=database_url), store=store)) as plain:
        assert plain.get("/_admin/tenants", headers=ADMIN).status_code == 404
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"},
                    {"Authorization": TOKEN}):
        r = admin.get("/_admin/tenants", headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthenticated"
    with pytest.raises(SettingsError, match="at least 16"):
        Settings.from_env({}, admin_token="short")


def test_a_tenant_set_up_and_torn_down_over_http(admin, store, client):
    tenant = ok(admin.post("/_admin/tenants", headers=ADMIN,
                           json={"name": f"admin-{id(admin)}", "workspace": "main"}), 201)
    tid = tenant["id"]
    assert tenant in ok(admin.get("/_admin/tenants", headers=ADMIN))
    assert ok(admin.get(f"/_admin/tenants/{tid}", headers=ADMIN))["name"] == tenant["name"]
    sales = ok(admin.post(f"/_admin/tenants/{tid}/workspaces", headers=ADMIN,
                          json={"slug": "sales", "name": "Sales"}), 201)
    key = ok(admin.post(f"/_admin/tenants/{tid}/keys", headers=ADMIN,
                        json={"name": "crm", "workspace_id": sales["id"]}), 201)
    assert key["api_key"].startswith("cg_") and key["workspace_id"] == sales["id"]
    assert "api_key" not in ok(admin.get(f"/_admin/tenants/{tid}/keys", headers=ADMIN))[0]

    # The key works for an integration at once.
    auth = {"Authorization": f"Bearer {key['api_key']}"}
    made = client.post("/outlign/api/v1/clients", headers=auth,
                       json={"title": "Via admin", "company_id": sales["id"]})
    assert made.status_code == 201

    renamed = ok(admin.patch(f"/_admin/tenants/{tid}/workspaces/{sales['id']}", headers=ADMIN,
                             json={"slug": "revenue"}))
    assert renamed["slug"] == "revenue" and renamed["name"] == "Sales"
    refused = admin.delete(f"/_admin/tenants/{tid}", headers=ADMIN)
    assert refused.status_code == 422 and "--with-clients" in refused.json()["error"]["message"]
    assert count_clients(store, tid) == 1
    done = ok(admin.delete(f"/_admin/tenants/{tid}?with_clients=true", headers=ADMIN))
    assert done == {"id": tid, "clients_deleted": 1}
    assert admin.get(f"/_admin/tenants/{tid}", headers=ADMIN).status_code == 404
    assert store.keys.resolve(key["api_key"]) is None


def test_keys_are_revoked_at_once_and_only_within_their_tenant(admin, store):
    kit, other = make_tenant(store, "admin-keys"), make_tenant(store, "admin-keys-other")
    record = store.keys.create(kit.id, name="to revoke")[0]
    assert admin.get("/talynce/api/v1/clients", headers=kit.headers).status_code == 200
    wrong = admin.delete(f"/_admin/tenants/{other.id}/keys/{record['id']}", headers=ADMIN)
    assert wrong.status_code == 404
    revoked = ok(admin.delete(f"/_admin/tenants/{kit.id}/keys/{record['id']}", headers=ADMIN))
    assert revoked["revoked_at"] is not None
    # The tenant's main key is untouched; this instance forgot its cached keys.
    assert admin.get("/talynce/api/v1/clients", headers=kit.headers).status_code == 200


def test_categories_users_and_custom_fields(admin, store, client):
    kit = make_tenant(store, "admin-data")
    gold = ok(admin.post(f"/_admin/tenants/{kit.id}/categories", headers=ADMIN,
                         json={"name": "Gold", "is_default": True}), 201)
    assert gold["is_default"] is True
    taken = admin.post(f"/_admin/tenants/{kit.id}/categories", headers=ADMIN,
                       json={"name": "Gold"})
    assert taken.status_code == 409
    assert taken.json()["error"]["message"] == "name is already taken"
    assert ok(admin.patch(f"/_admin/tenants/{kit.id}/categories/{gold['id']}", headers=ADMIN,
                          json={"name": "Platinum"}))["name"] == "Platinum"
    refused = admin.delete(f"/_admin/tenants/{kit.id}/categories/{gold['id']}", headers=ADMIN)
    assert refused.status_code == 422 and "default category" in refused.text

    field = ok(admin.post(f"/_admin/tenants/{kit.id}/custom-fields", headers=ADMIN,
                          json={"name": "region", "label": "Region"}), 201)
    assert field["name"] == "region"
    bad = admin.post(f"/_admin/tenants/{kit.id}/custom-fields", headers=ADMIN,
                     json={"name": "9 lives"})
    assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("field_name must")

    contact = ok(admin.post(f"/_admin/tenants/{kit.id}/users", headers=ADMIN, json={
        "kind": "contact", "first_name": "Ann", "last_name": "Lee",
        "email": f"ann{kit.id}@example.test"}), 201)
    assert contact["kind"] == "contact"
    assert contact["id"] in [u["id"] for u in ok(admin.get(f"/_admin/tenants/{kit.id}/users",
                                                           headers=ADMIN))]
    orphan = admin.post(f"/_admin/tenants/{kit.id}/users", headers=ADMIN, json={
        "first_name": "No", "last_name": "Client", "email": "x@example.test"})
    assert orphan.status_code == 422 and "client_id" in orphan.text


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/_admin/tenants", b"not json", 400),
    ("POST", "/_admin/tenants", b"[1, 2]", 400),
    ("POST", "/_admin/tenants", b'{"name": 5}', 422),
    ("POST", "/_admin/tenants", b'{"name": "bad\\u0000name"}', 422),
    ("GET", "/_admin/tenants/abc", None, 404),
    ("GET", "/_admin/tenants/99999999999999999999", None, 404),
    ("PATCH", "/_admin/tenants/999999/workspaces/1", b'{"slug": "x"}', 404),
    ("POST", "/_admin/tenants/999999/keys", b"{}", 404),
    ("PUT", "/_admin/tenants", b"{}", 405),
    ("DELETE", "/_admin/tenants/1?with_clients=maybe", None, 422),
])
def test_bad_requests_get_the_admin_error_body_and_write_nothing(admin, store, method, path,
                                                                 body, status):
    before = len(store.tenants.list())
    r = admin.request(method, path, headers={**ADMIN, "Content-Type": "application/json"},
                      content=body)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"} and set(r.json()["error"]) == {"code", "message"}
    assert len(store.tenants.list()) == before
    if status == 405:
        assert r.headers["allow"] == "GET, POST"


def test_the_schema_and_a_backup(admin, backend, tmp_path):
    schema = ok(admin.get("/_admin/schema", headers=ADMIN))
    assert schema == {"current": migrate.head(), "head": migrate.head(), "pending": [],
                      "newer": False, "serves": True}
    r = admin.post("/_admin/backups", headers=ADMIN, json={"output": "../escape.db"})
    assert r.status_code == 422 and "file name" in r.text
    r = admin.post("/_admin/backups", headers=ADMIN, json={"output": "copy\x00.db"})
    assert r.status_code == 422 and "NUL" in r.text  # not a 500 from the file system
    r = admin.post("/_admin/backups", headers=ADMIN, json={"output": "admin-copy.db",
                                                           "force": True})
    if backend == "postgresql":
        assert r.status_code == 422 and "pg_dump" in r.text
    else:
        assert r.status_code == 201, r.text
        assert r.json()["current"] is True and r.json()["output"].endswith("/admin-copy.db")


def test_keys_with_expiry_limits_and_rotation_over_http(admin, store):
    kit = make_tenant(store, "admin-rotate")
    made = ok(admin.post(f"/_admin/tenants/{kit.id}/keys", headers=ADMIN, json={
        "format": "fullengage", "expires_at": "2099-01-01T00:00:00Z",
        "rate_limit": "2/minute"}), 201)
    assert made["api_key"].startswith("ba_") and made["rate_limit"] == "2/minute"
    assert made["expires_at"].startswith("2099-01-01")
    refused = admin.post(f"/_admin/tenants/{kit.id}/keys", headers=ADMIN,
                         json={"format": "fullengage"})
    assert refused.status_code == 422 and "expires_at" in refused.text
    assert admin.post(f"/_admin/tenants/{kit.id}/keys", headers=ADMIN,
                      json={"rate_limit": "lots"}).status_code == 422
    auth = {"Authorization": f"Bearer {made['api_key']}"}
    assert admin.get("/talynce/api/v1/clients", headers=auth).status_code == 200
    assert admin.get("/talynce/api/v1/clients", headers=auth).status_code == 200
    assert admin.get("/talynce/api/v1/clients", headers=auth).status_code == 429
    raised = ok(admin.patch(f"/_admin/tenants/{kit.id}/keys/{made['id']}", headers=ADMIN,
                            json={"rate_limit": "none"}))
    assert raised["rate_limit"] is None
    assert admin.get("/talynce/api/v1/clients", headers=auth).status_code == 200

    rotated = ok(admin.post(f"/_admin/tenants/{kit.id}/keys/{made['id']}/rotate",
                            headers=ADMIN, json={"grace_seconds": 0}), 201)
    assert rotated["replaces"] == made["id"] and rotated["api_key"].startswith("ba_")
    assert admin.get("/talynce/api/v1/clients", headers=auth).status_code == 401
    new = {"Authorization": f"Bearer {rotated['api_key']}"}
    assert admin.get("/talynce/api/v1/clients", headers=new).status_code == 200
    other = make_tenant(store, "admin-rotate-other")
    assert admin.post(f"/_admin/tenants/{other.id}/keys/{rotated['id']}/rotate",
                      headers=ADMIN, json={}).status_code == 404

    limited = ok(admin.patch(f"/_admin/tenants/{kit.id}", headers=ADMIN,
                             json={"rate_limit": "30/minute"}))
    assert limited["rate_limit"] == "30/minute"
    assert store.keys.resolve(kit.key).rate_limit == "30/minute"


def test_accounts_and_oauth_clients_over_http(admin, store, client):
    kit = make_tenant(store, "admin-signin")
    base = f"/_admin/tenants/{kit.id}"
    account = ok(admin.post(f"{base}/accounts", headers=ADMIN, json={
        "email": f"Boss-{kit.id}@Example.com", "password": "long enough secret",
        "workspace_id": kit.workspace["id"]}), 201)
    assert account["email"] == f"boss-{kit.id}@example.com" and "password" not in account
    assert ok(admin.get(f"{base}/accounts", headers=ADMIN)) == [account]
    login = client.post("/gitscrum/auth/login", json={"email": account["email"],
                                                      "password": "long enough secret"})
    assert login.status_code == 200
    short = admin.post(f"{base}/accounts", headers=ADMIN, json={"email": "a@b.c",
                                                                "password": "short"})
    assert short.status_code == 422

    made = ok(admin.post(f"{base}/oauth-clients", headers=ADMIN, json={
        "name": "Make", "redirect_uris": ["https://make.example/cb"]}), 201)
    assert made["client_secret"] and made["public"] is False
    listed = ok(admin.get(f"{base}/oauth-clients", headers=ADMIN))
    assert [c["client_id"] for c in listed] == [made["client_id"]]
    assert "client_secret" not in listed[0]
    bad = admin.post(f"{base}/oauth-clients", headers=ADMIN,
                     json={"name": "Bad", "redirect_uris": "https://one.example"})
    assert bad.status_code == 422

    revoked = ok(admin.delete(f"{base}/accounts/{account['id']}", headers=ADMIN))
    assert revoked["revoked_at"] is not None
    token = login.json()["data"]["access_token"]
    r = admin.get("/gitscrum/contact-companies/clients", params={"company_slug": "main"},
                  headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401  # refused at once by the instance that revoked it
    gone = ok(admin.delete(f"{base}/oauth-clients/{made['id']}", headers=ADMIN))
    assert gone["revoked_at"] is not None
    other = make_tenant(store, "admin-signin-other")
    r = admin.delete(f"/_admin/tenants/{other.id}/accounts/{account['id']}", headers=ADMIN)
    assert r.status_code == 404
