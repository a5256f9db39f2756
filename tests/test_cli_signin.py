"""``clientgate accounts`` and ``clientgate oauth-clients`` from the command line, and what an
integration can then do with them over HTTP (sign in, exchange credentials), on both backends."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from starlette.testclient import TestClient

from core.errors import Invalid
from tests.conftest import make_tenant


def run(capsys, monkeypatch, database_url, *args, stdin: str = ""):
    from gateway.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--database-url", database_url, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out and "--json" in args else out), err


def test_an_account_made_from_the_cli_signs_in_to_gitscrum(capsys, monkeypatch, database_url,
                                                           store, client):
    kit = make_tenant(store, "cli-account")
    email = f"Ops-{uuid.uuid4().hex[:6]}@Example.com"
    code, made, err = run(capsys, monkeypatch, database_url, "accounts", "create",
                          "--tenant", kit.name, "--email", email, "--workspace", "main",
                          "--json", stdin="s3cret-enough\n")
    assert code == 0, err
    assert made["email"] == email.casefold() and made["workspace_id"] == kit.workspace["id"]
    assert "password" not in json.dumps(made) and "argon2" not in json.dumps(made)
    r = client.post("/gitscrum/auth/login", json={"email": email, "password": "s3cret-enough"})
    assert r.status_code == 200 and r.json()["data"]["companies"][0]["slug"] == "main"

    code, listed, _ = run(capsys, monkeypatch, database_url, "accounts", "list", "--tenant",
                          kit.name, "--json")
    assert [a["email"] for a in listed] == [email.casefold()]
    code, _, err = run(capsys, monkeypatch, database_url, "accounts", "create", "--tenant",
                       kit.name, "--email", email.upper(), stdin="another-password\n")
    assert code == 1 and err == "clientgate: error: email is already taken\n"
    code, _, err = run(capsys, monkeypatch, database_url, "accounts", "create", "--tenant",
                       kit.name, "--email", "short@example.com", stdin="short\n")
    assert code == 1 and "password" in err

    code, revoked, _ = run(capsys, monkeypatch, database_url, "accounts", "revoke",
                           str(made["id"]), "--json")
    assert code == 0 and revoked["revoked_at"]
    r = client.post("/gitscrum/auth/login", json={"email": email, "password": "s3cret-enough"})
    assert r.status_code == 404


def test_an_oauth_client_made_from_the_cli_gets_tokens(capsys, monkeypatch, database_url,
                                                       store, app):
    kit = make_tenant(store, "cli-oauth")
    code, made, err = run(capsys, monkeypatch, database_url, "oauth-clients", "create",
                          "--tenant", kit.name, "--name", "Zapier", "--redirect-uri",
                          "https://zapier.example/cb", "--redirect-uri",
                          "https://zapier.example/cb2", "--json")
    assert code == 0, err
    assert made["redirect_uris"] == ["https://zapier.example/cb", "https://zapier.example/cb2"]
    assert len(made["client_secret"]) >= 40 and made["public"] is False
    with TestClient(app, base_url="https://testserver") as web:
        token = web.post("/outlign/oauth/token", data={
            "grant_type": "client_credentials", "client_id": made["client_id"],
            "client_secret": made["client_secret"]})
        assert token.status_code == 200, token.text
        code, listed, _ = run(capsys, monkeypatch, database_url, "oauth-clients", "list",
                              "--tenant", kit.name, "--json")
        assert [c["client_id"] for c in listed] == [made["client_id"]]
        assert "client_secret" not in listed[0] and "secret_hash" not in listed[0]
        run(capsys, monkeypatch, database_url, "oauth-clients", "revoke", str(made["id"]))
        app.services.authenticator.forget()
        r = web.get("/outlign/api/v1/clients",
                    headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert r.status_code == 401
        again = web.post("/outlign/oauth/token", data={
            "grant_type": "client_credentials", "client_id": made["client_id"],
            "client_secret": made["client_secret"]})
        assert again.status_code == 401 and again.json()["error"] == "invalid_client"


def test_a_redirect_uri_must_be_absolute(capsys, monkeypatch, database_url, store):
    kit = make_tenant(store, "cli-bad-uri")
    code, _, err = run(capsys, monkeypatch, database_url, "oauth-clients", "create", "--tenant",
                       kit.name, "--name", "Bad", "--redirect-uri", "/relative")
    assert code == 1 and "redirect_uri" in err and err.count("\n") == 1


def test_tokens_are_not_listed_as_keys(capsys, monkeypatch, database_url, store, client):
    kit = make_tenant(store, "cli-tokens")
    account = store.accounts.create(kit.id, f"k-{uuid.uuid4().hex[:6]}@example.com",
                                    "long enough pw")
    r = client.post("/gitscrum/auth/login", json={"email": account["email"],
                                                 "password": "long enough pw"})
    assert r.status_code == 200
    code, keys, _ = run(capsys, monkeypatch, database_url, "keys", "list", "--tenant", kit.name,
                        "--json")
    assert [k["name"] for k in keys] == ["tests", "limited"]


def test_what_the_database_cannot_hold_is_refused_as_invalid(store):
    """A NUL character (PostgreSQL cannot store one), a blank name: refused, nothing written."""
    kit = make_tenant(store, "signin-invalid")
    for email, name in (("a\x00b@example.com", None), ("ok@example.com", "Nul\x00name"),
                        ("ok2@example.com", "   ")):
        with pytest.raises(Invalid):
            store.accounts.create(kit.id, email, "long enough pw", name=name)
    for name, uri in (("Nul\x00", "https://x.example/cb"), ("Fine", "https://x.example/\x00"),
                      (" ", "https://x.example/cb")):
        with pytest.raises(Invalid):
            store.oauth.create_client(kit.id, name, [uri])
    assert store.accounts.list(kit.id) == [] and store.oauth.clients(kit.id) == []
