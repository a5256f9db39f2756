"""Renaming and deleting tenants, workspaces and categories from the command line, and what an
integration sees afterwards (over HTTP), on both backends."""

from __future__ import annotations

import json

from tests.conftest import count_clients, make_tenant


def run(capsys, database_url, *args):
    from gateway.cli import main

    code = main(["--database-url", database_url, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out and "--json" in args else out), err


def outlign_client(client, kit, **fields):
    r = client.post("/outlign/api/v1/clients", headers=kit.headers,
                    json={"title": "Kept", "company_id": kit.workspace["id"], **fields})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_tenant_is_renamed_and_keeps_its_keys(capsys, database_url, store, client):
    kit = make_tenant(store, "rename")
    code, renamed, _ = run(capsys, database_url, "tenants", "rename", kit.name,
                           f"{kit.name}-new", "--json")
    assert code == 0 and renamed == {**renamed, "id": kit.id, "name": f"{kit.name}-new"}
    assert client.get("/outlign/api/v1/clients", headers=kit.headers).status_code == 200
    other = make_tenant(store, "rename-other")
    code, _, err = run(capsys, database_url, "tenants", "rename", str(kit.id), other.name)
    assert code == 1 and err == "clientgate: error: name is already taken\n"


def test_a_tenant_with_clients_is_deleted_only_when_asked(capsys, database_url, store, client):
    kit = make_tenant(store, "gone")
    outlign_client(client, kit)
    code, _, err = run(capsys, database_url, "tenants", "delete", kit.name)
    assert code == 1 and "--with-clients" in err and err.count("\n") == 1
    assert count_clients(store, kit.id) == 1

    code, deleted, _ = run(capsys, database_url, "tenants", "delete", kit.name,
                           "--with-clients", "--json")
    assert code == 0 and deleted == {"name": kit.name, "id": kit.id, "clients_deleted": 1}
    assert store.tenants.find(kit.name) is None and count_clients(store, kit.id) == 0
    assert store.keys.resolve(kit.key) is None
    client.app.services.authenticator.forget()
    assert client.get("/outlign/api/v1/clients", headers=kit.headers).status_code == 401


def test_a_workspace_is_renamed_and_its_new_slug_serves(capsys, database_url, store, client):
    kit = make_tenant(store, "ws")
    code, renamed, _ = run(capsys, database_url, "workspaces", "rename", "--tenant", kit.name,
                           "other", "--slug", "sales", "--name", "Sales", "--json")
    assert code == 0
    assert (renamed["id"], renamed["slug"], renamed["name"]) == (
        kit.other_workspace["id"], "sales", "Sales")
    r = client.get("/gitscrum/contact-companies/clients", params={"company_slug": "sales"},
                   headers=kit.headers)
    assert r.status_code == 200, r.text
    code, _, err = run(capsys, database_url, "workspaces", "rename", "--tenant", kit.name,
                       "sales", "--slug", "main")
    assert code == 1 and err == "clientgate: error: slug is already taken\n"
    code, _, err = run(capsys, database_url, "workspaces", "rename", "--tenant", kit.name,
                       "sales")
    assert code == 1 and "--slug" in err


def test_a_workspace_is_deleted_when_empty_and_not_the_default(capsys, database_url, store,
                                                              client):
    kit = make_tenant(store, "wsdel")
    _, limited = store.keys.create(kit.id, workspace_id=kit.other_workspace["id"])
    outlign_client(client, kit, company_id=kit.other_workspace["id"])
    code, _, err = run(capsys, database_url, "workspaces", "delete", "--tenant", kit.name, "other")
    assert code == 1 and err == "clientgate: error: workspace still holds clients: move or " \
                                "delete them first\n"
    code, _, err = run(capsys, database_url, "workspaces", "delete", "--tenant", kit.name, "main")
    assert code == 1 and "default workspace" in err

    fresh = store.workspaces.create(kit.id, "spare")
    _, spare_key = store.keys.create(kit.id, workspace_id=fresh["id"])
    code, deleted, _ = run(capsys, database_url, "workspaces", "delete", "--tenant", kit.name,
                           "spare", "--json")
    assert code == 0 and deleted == {"slug": "spare", "id": fresh["id"], "keys_deleted": 1}
    assert store.keys.resolve(spare_key) is None and store.keys.resolve(limited) is not None
    assert [w["slug"] for w in store.workspaces.list(kit.id)] == ["main", "other"]


def test_a_category_is_renamed_and_deleted_its_clients_moving_to_the_default(
        capsys, database_url, store, client):
    kit = make_tenant(store, "cat")
    category = store.categories.create(kit.id, "Gold")
    made = client.post("/growcrm/api/clients", headers=kit.headers, json={
        "client_company_name": "Golden", "first_name": "Ann", "last_name": "Lee",
        "email": f"ann{kit.id}@example.test", "client_categoryid": category["id"]})
    assert made.status_code in (200, 201), made.text
    client_id = made.json()["data"]["id"] if "data" in made.json() else made.json()["id"]

    code, renamed, _ = run(capsys, database_url, "categories", "rename", "--tenant", kit.name,
                           str(category["id"]), "Platinum", "--json")
    assert code == 0 and renamed["name"] == "Platinum"
    shown = client.get(f"/growcrm/api/clients/{client_id}", headers=kit.headers).json()
    assert "Platinum" in json.dumps(shown)

    default = next(c for c in store.categories.list(kit.id) if c["is_default"])
    code, _, err = run(capsys, database_url, "categories", "delete", "--tenant", kit.name,
                       str(default["id"]))
    assert code == 1 and "default category" in err
    code, deleted, _ = run(capsys, database_url, "categories", "delete", "--tenant", kit.name,
                           str(category["id"]), "--json")
    assert code == 0 and deleted == {"id": category["id"], "clients_moved": 1,
                                     "moved_to": default["id"]}
    shown = client.get(f"/growcrm/api/clients/{client_id}", headers=kit.headers).json()
    assert "Platinum" not in json.dumps(shown) and default["name"] in json.dumps(shown)
    code, _, err = run(capsys, database_url, "categories", "delete", "--tenant", kit.name,
                       str(category["id"]))
    assert code == 1 and err == f"clientgate: error: there is no category {category['id']}\n"
